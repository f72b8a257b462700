// Hash commands. Every exact expected reply was checked against redis-server 7.0.15 (raw RESP
// bytes); random replies are checked as multisets.
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

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(HashCommands, HSetCountsNewFieldsAndHGetReadsThem) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HSET", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(h.Run({"HSET", "h", "a", "3"}), Int(0));
  EXPECT_EQ(h.Run({"HSET", "h", "c", "1", "c", "2"}), Int(1));
  EXPECT_EQ(h.Run({"HGET", "h", "a"}), Bulk("3"));
  EXPECT_EQ(h.Run({"HGET", "h", "c"}), Bulk("2"));
  EXPECT_EQ(h.Run({"HGET", "h", "nope"}), NullBulk());
  EXPECT_EQ(h.Run({"HGET", "nokey", "a"}), NullBulk());
  EXPECT_EQ(h.Run({"TYPE", "h"}), Simple("hash"));
}

TEST(HashCommands, OddFieldValueArgumentsAreWrongArityBeforeTypeCheck) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "str", "x"}), Simple("OK"));
  EXPECT_EQ(h.Run({"HSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"HMSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(h.Run({"HSET", "h", "a"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"HSET", "str", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"EXISTS", "h"}), Int(0));
}

TEST(HashCommands, HMSetRepliesOkAndHMGetMixesValuesAndNulls) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HMSET", "h", "a", "1", "b", "2"}), Simple("OK"));
  EXPECT_EQ(h.Run({"HMGET", "h", "a", "nope", "b"}), Arr({Bulk("1"), NullBulk(), Bulk("2")}));
  EXPECT_EQ(h.Run({"HMGET", "nokey", "a", "b"}), Arr({NullBulk(), NullBulk()}));
}

TEST(HashCommands, HSetNxOnlySetsAbsentFields) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HSETNX", "h", "a", "1"}), Int(1));
  EXPECT_EQ(h.Run({"HSETNX", "h", "a", "2"}), Int(0));
  EXPECT_EQ(h.Run({"HGET", "h", "a"}), Bulk("1"));
}

TEST(HashCommands, HDelCountsRemovedFieldsAndDeletesTheEmptyKey) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.Run({"HDEL", "h", "nope", "a", "a"}), Int(1));
  EXPECT_EQ(h.Run({"HDEL", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"HDEL", "h", "b", "c"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "h"}), Int(0));
}

TEST(HashCommands, LengthStrlenAndExists) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "hello", "b", ""});
  EXPECT_EQ(h.Run({"HLEN", "h"}), Int(2));
  EXPECT_EQ(h.Run({"HLEN", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"HSTRLEN", "h", "a"}), Int(5));
  EXPECT_EQ(h.Run({"HSTRLEN", "h", "b"}), Int(0));
  EXPECT_EQ(h.Run({"HSTRLEN", "h", "nope"}), Int(0));
  EXPECT_EQ(h.Run({"HEXISTS", "h", "b"}), Int(1));
  EXPECT_EQ(h.Run({"HEXISTS", "h", "nope"}), Int(0));
  EXPECT_EQ(h.Run({"HEXISTS", "nokey", "a"}), Int(0));
}

TEST(HashCommands, GetAllKeysAndValsFollowInsertionOrderWhenSmall) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Run({"HGETALL", "h"}), BulkArr({"a", "1", "b", "2", "c", "3"}));
  EXPECT_EQ(h.Run({"HKEYS", "h"}), BulkArr({"a", "b", "c"}));
  EXPECT_EQ(h.Run({"HVALS", "h"}), BulkArr({"1", "2", "3"}));
  EXPECT_EQ(h.Run({"HGETALL", "nokey"}), "*0\r\n");
  EXPECT_EQ(h.Run({"HKEYS", "nokey"}), "*0\r\n");
}

TEST(HashCommands, HGetAllIsAMapInResp3) {
  CommandHarness h;
  h.client().reply.set_protocol(3);
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.Run({"HGETALL", "h"}), "%2\r\n" + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2"));
  EXPECT_EQ(h.Run({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(h.Run({"HGET", "h", "nope"}), "_\r\n");
  EXPECT_EQ(h.Run({"HKEYS", "h"}), BulkArr({"a", "b"}));
}

TEST(HashCommands, HIncrByAddsAndReportsErrorsLikeRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "10"}), Int(10));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "-3"}), Int(7));
  EXPECT_EQ(h.Run({"HGET", "h", "n"}), Bulk("7"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "9223372036854775807"}),
            Err("ERR increment or decrement would overflow"));
  h.Run({"HSET", "h", "s", "abc", "f", "3.0", "big", "9223372036854775807"});
  EXPECT_EQ(h.Run({"HINCRBY", "h", "s", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "f", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "big", "1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "big", "-1"}), Int(9223372036854775806));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "neg", "-9223372036854775808"}), Int(INT64_MIN));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "neg", "-1"}), Err("ERR increment or decrement would overflow"));
}

TEST(HashCommands, HIncrByFloatFormatsLikeRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "g", "10.50"}), Bulk("10.5"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "g", "5.0e3"}), Bulk("5010.5"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "x", "0x10"}), Bulk("16"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "y", "1.5e-3"}), Bulk("0.0015"));
  h.Run({"HSET", "h", "v", "1e5"});
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "v", "0.1"}), Bulk("100000.10000000000000142"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "v", "-100000.1"}), Bulk("0"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "i", "3"}), Bulk("3"));
  EXPECT_EQ(h.Run({"HGET", "h", "i"}), Bulk("3"));
}

TEST(HashCommands, HIncrByFloatErrors) {
  CommandHarness h;
  h.Run({"HSET", "h", "s", "abc", "inf", "inf"});
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "s", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "s", "x"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "s", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "inf", "1"}),
            Err("ERR increment would produce NaN or Infinity"));
}

TEST(HashCommands, WrongTypeForEveryCommandOnAString) {
  CommandHarness h;
  h.Run({"SET", "str", "x"});
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"HSET", "str", "a", "b"},
                                             {"HSETNX", "str", "a", "b"},
                                             {"HGET", "str", "a"},
                                             {"HMSET", "str", "a", "b"},
                                             {"HMGET", "str", "a"},
                                             {"HDEL", "str", "a"},
                                             {"HLEN", "str"},
                                             {"HSTRLEN", "str", "a"},
                                             {"HEXISTS", "str", "a"},
                                             {"HGETALL", "str"},
                                             {"HKEYS", "str"},
                                             {"HVALS", "str"},
                                             {"HINCRBY", "str", "a", "1"},
                                             {"HINCRBYFLOAT", "str", "a", "1"},
                                             {"HRANDFIELD", "str"},
                                             {"HRANDFIELD", "str", "1"},
                                             {"HSCAN", "str", "0"},
                                             {"HSCAN", "str", "0", "COUNT", "0"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  // Argument errors come first.
  EXPECT_EQ(h.Run({"HINCRBY", "str", "a", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "str", "a", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "str", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"HRANDFIELD", "str", "1", "foo"}), kSyntax);
}

TEST(HashCommands, EncodingFollowsTheListpackLimits) {
  CommandHarness h;
  const int64_t entries = h.server().config.hash_max_listpack_entries;
  for (int64_t i = 0; i < entries; ++i) h.Run({"HSET", "h", "f" + std::to_string(i), "v"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  h.Run({"HSET", "h", "one-more", "v"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  h.Run({"HDEL", "h", "one-more", "f0", "f1"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));

  h.Run({"HSET", "lp", "f", std::string(64, 'v')});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "lp"}), Bulk("listpack"));
  h.Run({"HSET", "lp", "g", std::string(65, 'v')});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "lp"}), Bulk("hashtable"));
  h.Run({"HSETNX", "lp2", std::string(65, 'f'), "1"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "lp2"}), Bulk("hashtable"));
  // A float result longer than the value limit converts too.
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "fh", "f", "1e70"}),
            Bulk("10000000000000000000222479489586148259025995410601157579323600873193472"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "fh"}), Bulk("hashtable"));
}

TEST(HashCommands, SmallerConfiguredLimitsApply) {
  Config config;
  config.hash_max_listpack_entries = 2;
  CommandHarness h(config);
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  h.Run({"HSET", "h", "c", "3"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  EXPECT_EQ(Sorted(BulksOf(h.Run({"HGETALL", "h"}))),
            (std::vector<std::string>{"1", "2", "3", "a", "b", "c"}));
}

TEST(HashCommands, HRandFieldWithoutCount) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey"}), NullBulk());
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.Run({"HRANDFIELD", "h"}), Bulk("a"));
}

TEST(HashCommands, HRandFieldCountsAndOptions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey", "5"}), "*0\r\n");
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey", "5", "WITHVALUES"}), "*0\r\n");
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "5", "WITHVALUES"}), BulkArr({"a", "1", "b", "2", "c", "3"}));
  std::string two = h.Run({"HRANDFIELD", "h", "2"});
  EXPECT_EQ(HeaderOf(two), "*2");
  std::vector<std::string> fields = BulksOf(two);
  EXPECT_NE(fields[0], fields[1]);
  std::string repeats = h.Run({"HRANDFIELD", "h", "-5", "withvalues"});
  EXPECT_EQ(HeaderOf(repeats), "*10");
  std::vector<std::string> items = BulksOf(repeats);
  for (size_t i = 0; i < items.size(); i += 2) {
    EXPECT_EQ(items[i + 1], std::string(1, static_cast<char>('1' + (items[i][0] - 'a'))));
  }
}

TEST(HashCommands, HRandFieldArgumentErrors) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "2", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "2", "WITHVALUES", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}), BulkArr({"a", "1"}));
}

TEST(HashCommands, HRandFieldWithValuesNestsPairsInResp3) {
  CommandHarness h;
  h.client().reply.set_protocol(3);
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-2", "WITHVALUES"}),
            Arr({BulkArr({"a", "1"}), BulkArr({"a", "1"})}));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "3", "WITHVALUES"}), Arr({BulkArr({"a", "1"})}));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-2"}), BulkArr({"a", "a"}));
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey"}), "_\r\n");
}

TEST(HashCommands, HRandFieldOnHashtableReturnsDistinctOrRepeatedMembers) {
  CommandHarness h;
  std::vector<std::string> args = {"HSET", "big"};
  for (int i = 0; i < 1000; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v" + std::to_string(i));
  }
  h.Run(args);
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("hashtable"));
  std::vector<std::string> distinct = BulksOf(h.Run({"HRANDFIELD", "big", "100"}));
  EXPECT_EQ(distinct.size(), 100u);
  EXPECT_EQ(std::set<std::string>(distinct.begin(), distinct.end()).size(), 100u);
  EXPECT_EQ(BulksOf(h.Run({"HRANDFIELD", "big", "900"})).size(), 900u);
  EXPECT_EQ(BulksOf(h.Run({"HRANDFIELD", "big", "-3000"})).size(), 3000u);
}

TEST(HashCommands, HScanSmallHashReturnsEverythingWithCursorZero) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Run({"HSCAN", "h", "0"}), Arr({Bulk("0"), BulkArr({"a", "1", "b", "2", "c", "3"})}));
  EXPECT_EQ(h.Run({"HSCAN", "h", "99"}), Arr({Bulk("0"), BulkArr({"a", "1", "b", "2", "c", "3"})}));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "MATCH", "b*"}), Arr({Bulk("0"), BulkArr({"b", "2"})}));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "COUNT", "1", "MATCH", "a"}),
            Arr({Bulk("0"), BulkArr({"a", "1"})}));
  EXPECT_EQ(h.Run({"HSCAN", "nokey", "0"}), Arr({Bulk("0"), "*0\r\n"}));
}

TEST(HashCommands, HScanArgumentErrors) {
  CommandHarness h;
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(h.Run({"HSCAN", "h", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "1.5"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "18446744073709551616"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"HSCAN", "nokey", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "COUNT", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "NOVALUES"}), kSyntax);
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "TYPE", "string"}), kSyntax);
  // Options of a missing key are never parsed.
  EXPECT_EQ(h.Run({"HSCAN", "nokey", "0", "COUNT", "0"}), Arr({Bulk("0"), "*0\r\n"}));
}

TEST(HashCommands, HScanIteratesAHashtableCompletely) {
  CommandHarness h;
  std::vector<std::string> args = {"HSET", "big"};
  for (int i = 0; i < 600; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v" + std::to_string(i));
  }
  h.Run(args);
  std::set<std::string> fields;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::vector<std::string> bulks = BulksOf(h.Run({"HSCAN", "big", cursor, "COUNT", "20"}));
    cursor = bulks[0];
    for (size_t i = 1; i < bulks.size(); i += 2) {
      EXPECT_EQ(bulks[i + 1], "v" + bulks[i].substr(1));
      fields.insert(bulks[i]);
    }
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(fields.size(), 600u);
  EXPECT_GT(calls, 10);  // COUNT bounds each call
}

TEST(HashCommands, WritesSignalModifiedKeysOnlyWhenSomethingChanged) {
  CommandHarness h;
  uint64_t dirty = h.server().dirty;
  h.Run({"HSET", "h", "a", "1"});
  EXPECT_GT(h.server().dirty, dirty);
  dirty = h.server().dirty;
  h.Run({"HDEL", "h", "nope"});
  h.Run({"HSETNX", "h", "a", "2"});
  h.Run({"HINCRBY", "h", "a", "x"});
  EXPECT_EQ(h.server().dirty, dirty);
  h.Run({"HINCRBY", "h", "a", "1"});
  EXPECT_GT(h.server().dirty, dirty);
}

}  // namespace
}  // namespace slotd::test
