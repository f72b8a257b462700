// Set commands. Every exact expected reply was checked against redis-server 7.0.15 (raw RESP
// bytes); replies in random order are checked as sorted lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/reply_reader.h"

namespace slotd::test {
namespace {

const std::string kWrongType =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kNotInteger = Err("ERR value is not an integer or out of range");
const std::string kSyntax = Err("ERR syntax error");
const std::string kEmptyScan = Arr({Bulk("0"), "*0\r\n"});

std::vector<std::string> SortedBulks(const std::string& reply) {
  std::vector<std::string> v = BulksOf(reply);
  std::sort(v.begin(), v.end());
  return v;
}

void AddRange(CommandHarness& h, const std::string& key, int from, int to,
              const std::string& prefix = "") {
  std::vector<std::string> args = {"SADD", key};
  for (int i = from; i < to; ++i) args.push_back(prefix + std::to_string(i));
  h.Run(args);
}

TEST(SetCommands, SAddSRemAndMembership) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SADD", "s", "a", "b", "a"}), Int(2));
  EXPECT_EQ(h.Run({"SADD", "s", "b", "c"}), Int(1));
  EXPECT_EQ(h.Run({"SCARD", "s"}), Int(3));
  EXPECT_EQ(h.Run({"SISMEMBER", "s", "a"}), Int(1));
  EXPECT_EQ(h.Run({"SISMEMBER", "s", "z"}), Int(0));
  EXPECT_EQ(h.Run({"SMISMEMBER", "s", "a", "x"}), Arr({Int(1), Int(0)}));
  EXPECT_EQ(h.Run({"SREM", "s", "a", "zz"}), Int(1));
  EXPECT_EQ(h.Run({"SREM", "s", "b", "c", "d"}), Int(2));
  EXPECT_EQ(h.Run({"EXISTS", "s"}), Int(0));
  EXPECT_EQ(h.Run({"TYPE", "s"}), Simple("none"));
}

TEST(SetCommands, MissingKeysReadAsEmpty) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SREM", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SCARD", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"SISMEMBER", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SMISMEMBER", "nokey", "a", "b"}), Arr({Int(0), Int(0)}));
  EXPECT_EQ(h.Run({"SMEMBERS", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SMISMEMBER", "s"}),
            Err("ERR wrong number of arguments for 'smismember' command"));
}

TEST(SetCommands, IntsetMembersComeOutSorted) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SADD", "i", "3", "1", "2", "-5"}), Int(4));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMEMBERS", "i"}), BulkArr({"-5", "1", "2", "3"}));
  EXPECT_EQ(h.Run({"SADD", "i", "07"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("hashtable"));
  EXPECT_EQ(SortedBulks(h.Run({"SMEMBERS", "i"})),
            (std::vector<std::string>{"-5", "07", "1", "2", "3"}));
}

TEST(SetCommands, IntsetConvertsPastMaxIntsetEntries) {
  CommandHarness h;
  const int64_t max = h.server().config.set_max_intset_entries;
  AddRange(h, "s", 0, static_cast<int>(max));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("intset"));
  h.Run({"SADD", "s", "-1"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SCARD", "s"}), Int(max + 1));
  EXPECT_EQ(h.Run({"SADD", "x", "a"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "x"}), Bulk("hashtable"));
}

TEST(SetCommands, SMembersIsASetInResp3) {
  CommandHarness h;
  h.client().reply.set_protocol(3);
  h.Run({"SADD", "s", "1", "2"});
  EXPECT_EQ(h.Run({"SMEMBERS", "s"}), "~2\r\n" + Bulk("1") + Bulk("2"));
  EXPECT_EQ(h.Run({"SMEMBERS", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SINTER", "nokey", "s"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SUNION", "s", "s"}), "~2\r\n" + Bulk("1") + Bulk("2"));
  EXPECT_EQ(h.Run({"SDIFF", "nokey", "s"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SPOP", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"SPOP", "nokey", "3"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "2"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "5"}), BulkArr({"1", "2"}));
  EXPECT_EQ(h.Run({"SPOP", "s", "5"}), "~2\r\n" + Bulk("1") + Bulk("2"));
}

TEST(SetCommands, SPopRemovesRandomMembers) {
  CommandHarness h;
  h.Run({"SADD", "s", "a", "b", "c"});
  std::string one = h.Run({"SPOP", "s"});
  EXPECT_EQ(HeaderOf(one)[0], '$');
  EXPECT_EQ(h.Run({"SCARD", "s"}), Int(2));
  EXPECT_EQ(h.Run({"SISMEMBER", "s", BulksOf(one)[0]}), Int(0));
  EXPECT_EQ(h.Run({"SPOP", "s", "0"}), "*0\r\n");
  EXPECT_EQ(HeaderOf(h.Run({"SPOP", "s", "1"})), "*1");
  EXPECT_EQ(BulksOf(h.Run({"SPOP", "s", "10"})).size(), 1u);
  EXPECT_EQ(h.Run({"EXISTS", "s"}), Int(0));
  EXPECT_EQ(h.Run({"SPOP", "nokey"}), NullBulk());
  h.Run({"SADD", "p", "1", "2", "3", "4", "5"});
  EXPECT_EQ(h.Run({"SPOP", "p", "10"}), BulkArr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(h.Run({"EXISTS", "p"}), Int(0));
}

TEST(SetCommands, SPopOnALargeSetPopsDistinctMembers) {
  CommandHarness h;
  AddRange(h, "big", 0, 2000, "m");
  std::vector<std::string> popped = BulksOf(h.Run({"SPOP", "big", "1500"}));
  EXPECT_EQ(std::set<std::string>(popped.begin(), popped.end()).size(), 1500u);
  EXPECT_EQ(h.Run({"SCARD", "big"}), Int(500));
  EXPECT_EQ(h.Run({"SISMEMBER", "big", popped[0]}), Int(0));
}

TEST(SetCommands, SPopArgumentErrors) {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  h.Run({"SET", "str", "x"});
  const std::string must_be_positive = Err("ERR value is out of range, must be positive");
  EXPECT_EQ(h.Run({"SPOP", "s", "-1"}), must_be_positive);
  EXPECT_EQ(h.Run({"SPOP", "s", "x"}), must_be_positive);
  EXPECT_EQ(h.Run({"SPOP", "str", "x"}), must_be_positive);
  EXPECT_EQ(h.Run({"SPOP", "s", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"SPOP", "str", "0"}), kWrongType);
}

TEST(SetCommands, SRandMemberCounts) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "2"}), "*0\r\n");
  h.Run({"SADD", "s", "a"});
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s"}), Bulk("a"));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "-3"}), BulkArr({"a", "a", "a"}));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "2"}), BulkArr({"a"}));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"SCARD", "s"}), Int(1));
}

TEST(SetCommands, SRandMemberOnLargeSets) {
  CommandHarness h;
  AddRange(h, "big", 0, 1000, "m");
  AddRange(h, "ints", 0, 300);
  for (const char* key : {"big", "ints"}) {
    for (const char* count : {"10", "290", "600"}) {
      std::vector<std::string> got = BulksOf(h.Run({"SRANDMEMBER", key, count}));
      size_t expected = std::min<size_t>(std::stoul(count), key[0] == 'b' ? 1000 : 300);
      EXPECT_EQ(got.size(), expected) << key << " " << count;
      EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), expected);
    }
    EXPECT_EQ(BulksOf(h.Run({"SRANDMEMBER", key, "-5000"})).size(), 5000u);
  }
}

TEST(SetCommands, SMoveMovesAndCreatesTheDestination) {
  CommandHarness h;
  h.Run({"SADD", "src", "1", "a"});
  EXPECT_EQ(h.Run({"SMOVE", "src", "dst", "1"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "dst"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMOVE", "src", "dst", "1"}), Int(0));
  EXPECT_EQ(h.Run({"SMOVE", "src", "dst2", "a"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "dst2"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"EXISTS", "src"}), Int(0));
  EXPECT_EQ(h.Run({"SMOVE", "dst", "dst", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SMOVE", "dst", "dst", "zz"}), Int(0));
  h.Run({"SADD", "both", "1"});
  EXPECT_EQ(h.Run({"SMOVE", "dst", "both", "1"}), Int(1));  // already there: moved anyway
  EXPECT_EQ(h.Run({"SMEMBERS", "both"}), BulkArr({"1"}));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
}

TEST(SetCommands, SMoveTypeChecks) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  h.Run({"SADD", "s", "a"});
  EXPECT_EQ(h.Run({"SMOVE", "nokey", "str", "a"}), Int(0));  // a missing source wins
  EXPECT_EQ(h.Run({"SMOVE", "s", "str", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"SMOVE", "str", "s", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"SISMEMBER", "s", "a"}), Int(1));
}

TEST(SetCommands, AlgebraReadsAndStores) {
  CommandHarness h;
  h.Run({"SADD", "a", "1", "2", "3", "x"});
  h.Run({"SADD", "b", "2", "3", "4"});
  h.Run({"SADD", "c", "3", "x"});
  EXPECT_EQ(SortedBulks(h.Run({"SINTER", "a", "b"})), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(SortedBulks(h.Run({"SINTER", "a", "b", "c"})), (std::vector<std::string>{"3"}));
  EXPECT_EQ(h.Run({"SINTER", "a", "nokey"}), "*0\r\n");
  EXPECT_EQ(SortedBulks(h.Run({"SUNION", "b", "c", "nokey"})),
            (std::vector<std::string>{"2", "3", "4", "x"}));
  EXPECT_EQ(SortedBulks(h.Run({"SDIFF", "a", "b", "nokey"})), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(h.Run({"SDIFF", "a", "a"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SDIFF", "nokey", "a"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMEMBERS", "d"}), BulkArr({"2", "3"}));
  EXPECT_EQ(h.Run({"SUNIONSTORE", "d", "a", "b"}), Int(5));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SDIFFSTORE", "d", "a", "c"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("intset"));  // rebuilt from scratch
  EXPECT_EQ(h.Run({"SMEMBERS", "d"}), BulkArr({"1", "2"}));
  EXPECT_EQ(h.Run({"SUNIONSTORE", "a", "a", "b"}), Int(5));  // destination among the sources
  EXPECT_EQ(h.Run({"SCARD", "a"}), Int(5));
}

TEST(SetCommands, StoreOfAnEmptyResultDeletesTheDestination) {
  CommandHarness h;
  h.Run({"SADD", "d", "x"});
  h.Run({"SADD", "u", "1", "a"});
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "u", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  h.Run({"SET", "d", "string"});
  EXPECT_EQ(h.Run({"SDIFFSTORE", "d", "u", "u"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  h.Run({"SET", "d", "string"});
  EXPECT_EQ(h.Run({"SUNIONSTORE", "d", "u"}), Int(2));  // a destination of another type is replaced
  EXPECT_EQ(h.Run({"TYPE", "d"}), Simple("set"));
}

TEST(SetCommands, StoreDropsTheDestinationTtl) {
  CommandHarness h;
  h.Run({"SADD", "d", "x"});
  h.Run({"SADD", "u", "1"});
  h.Run({"EXPIRE", "d", "100"});
  EXPECT_EQ(h.Run({"SUNIONSTORE", "d", "u"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "d"}), Int(-1));
}

TEST(SetCommands, AlgebraRefusesAnyNonSetKeyWhereverItIs) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  h.Run({"SADD", "s", "a"});
  EXPECT_EQ(h.Run({"SINTER", "s", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"SINTER", "nokey", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"SUNION", "str", "nokey"}), kWrongType);
  EXPECT_EQ(h.Run({"SDIFF", "nokey", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "nokey", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "nokey", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
}

TEST(SetCommands, SInterCardCountsWithLimit) {
  CommandHarness h;
  h.Run({"SADD", "a", "1", "2", "3"});
  h.Run({"SADD", "b", "2", "3", "4"});
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "limit", "0"}), Int(2));
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "a"}), Int(3));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "nokey"}), Int(0));
}

TEST(SetCommands, SInterCardArgumentErrors) {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  const std::string numkeys = Err("ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"SINTERCARD", "0", "s"}), numkeys);
  EXPECT_EQ(h.Run({"SINTERCARD", "-1", "s"}), numkeys);
  EXPECT_EQ(h.Run({"SINTERCARD", "x", "s"}), numkeys);
  EXPECT_EQ(h.Run({"SINTERCARD", "3", "s"}),
            Err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "s", "LIMIT", "-1"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "s", "LIMIT", "x"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "s", "FOO", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "s", "LIMIT"}), kSyntax);
}

TEST(SetCommands, SInterCardKeysAreFoundFromNumkeys) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"}),
            BulkArr({"a", "b"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SMOVE", "a", "b", "m"}), BulkArr({"a", "b"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b"}), BulkArr({"d", "a", "b"}));
}

TEST(SetCommands, WrongTypeForSingleKeyCommands) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"SADD", "str", "a"},
                                             {"SREM", "str", "a"},
                                             {"SMEMBERS", "str"},
                                             {"SISMEMBER", "str", "a"},
                                             {"SMISMEMBER", "str", "a"},
                                             {"SCARD", "str"},
                                             {"SPOP", "str"},
                                             {"SPOP", "str", "1"},
                                             {"SRANDMEMBER", "str"},
                                             {"SRANDMEMBER", "str", "0"},
                                             {"SRANDMEMBER", "str", "-1"},
                                             {"SSCAN", "str", "0"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
}

TEST(SetCommands, SScanOfAnIntsetReturnsEverything) {
  CommandHarness h;
  h.Run({"SADD", "i", "3", "1", "2", "-5"});
  const std::string all = BulkArr({"-5", "1", "2", "3"});
  EXPECT_EQ(h.Run({"SSCAN", "i", "0"}), Arr({Bulk("0"), all}));
  EXPECT_EQ(h.Run({"SSCAN", "i", "7"}), Arr({Bulk("0"), all}));
  EXPECT_EQ(h.Run({"SSCAN", "i", "+1"}), Arr({Bulk("0"), all}));
  EXPECT_EQ(h.Run({"SSCAN", "i", "00"}), Arr({Bulk("0"), all}));
  EXPECT_EQ(h.Run({"SSCAN", "i", "0", "MATCH", "1*"}), Arr({Bulk("0"), BulkArr({"1"})}));
  EXPECT_EQ(h.Run({"SSCAN", "nokey", "0"}), kEmptyScan);
}

TEST(SetCommands, SScanArgumentErrors) {
  CommandHarness h;
  h.Run({"SADD", "s", "a"});
  EXPECT_EQ(h.Run({"SSCAN", "s", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"SSCAN", "s", "1.5"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"SSCAN", "s", "18446744073709551616"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"SSCAN", "s", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"SSCAN", "s", "0", "COUNT", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"SSCAN", "s", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(h.Run({"SSCAN", "s", "0", "TYPE", "string"}), kSyntax);
}

TEST(SetCommands, SScanIteratesAHashtableCompletely) {
  CommandHarness h;
  AddRange(h, "big", 0, 700, "m");
  std::set<std::string> members;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::vector<std::string> bulks =
        BulksOf(h.Run({"SSCAN", "big", cursor, "COUNT", "25", "MATCH", "m1*"}));
    cursor = bulks[0];
    members.insert(bulks.begin() + 1, bulks.end());
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(members.size(), 111u);  // m1, m10..m19, m100..m199
  EXPECT_GT(calls, 10);
  // A cursor past every bucket ends the iteration (Redis answers the same for "-1").
  EXPECT_EQ(BulksOf(h.Run({"SSCAN", "big", "18446744073709551615"}))[0], "0");
  EXPECT_EQ(BulksOf(h.Run({"SSCAN", "big", "-1"}))[0], "0");
}

TEST(SetCommands, WritesSignalModifiedKeysOnlyWhenSomethingChanged) {
  CommandHarness h;
  uint64_t dirty = h.server().dirty;
  h.Run({"SADD", "s", "a"});
  EXPECT_GT(h.server().dirty, dirty);
  dirty = h.server().dirty;
  h.Run({"SADD", "s", "a"});
  h.Run({"SREM", "s", "zz"});
  h.Run({"SMOVE", "s", "t", "zz"});
  h.Run({"SINTERSTORE", "none", "nokey"});
  EXPECT_EQ(h.server().dirty, dirty);
  h.Run({"SMOVE", "s", "t", "a"});
  EXPECT_GT(h.server().dirty, dirty);
}

}  // namespace
}  // namespace slotd::test
