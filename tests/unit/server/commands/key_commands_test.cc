// Generic key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE SWAPDB OBJECT, and
// their command-table entries. Every expected reply was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include "server/commands/command_table.h"
#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/keyspace_test_util.h"

namespace slotd::test {
namespace {

const std::string kSameObject = Err("ERR source and destination objects are the same");
const std::string kDbOutOfRange = Err("ERR DB index is out of range");

TEST(KeyCommands, DelCountsExistingKeysOnce) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}), Simple("OK"));
  PutCollection(h.server().db(0), "l");
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"DEL", "a", "a", "nokey", "l"}), Int(2));
  EXPECT_EQ(h.server().dirty, before + 2);
  EXPECT_EQ(h.Run({"UNLINK", "b", "nokey"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "a", "b", "l"}), Int(0));
}

TEST(KeyCommands, DelDoesNotCountExpiredKeys) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "10"}), Simple("OK"));
  h.AdvanceTime(11);
  EXPECT_EQ(h.Run({"DEL", "k"}), Int(0));
}

TEST(KeyCommands, ExistsAndTouchCountRepeats) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "k", "k", "nokey"}), Int(2));
  EXPECT_EQ(h.Run({"TOUCH", "k", "k", "nokey"}), Int(2));
}

TEST(KeyCommands, TouchRefreshesIdleTimeButExistsDoesNot) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  h.AdvanceTime(10'000);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(10));
  EXPECT_EQ(h.Run({"TOUCH", "k"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(0));
}

TEST(KeyCommands, TypeNamesEachType) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"TYPE", "nokey"}), Simple("none"));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"TYPE", "s"}), Simple("string"));
  Database& db = h.server().db(0);
  PutCollection(db, "l", ObjectType::kList);
  PutCollection(db, "h", ObjectType::kHash);
  PutCollection(db, "z", ObjectType::kZSet);
  PutCollection(db, "t", ObjectType::kSet);
  EXPECT_EQ(h.Run({"TYPE", "l"}), Simple("list"));
  EXPECT_EQ(h.Run({"TYPE", "h"}), Simple("hash"));
  EXPECT_EQ(h.Run({"TYPE", "z"}), Simple("zset"));
  EXPECT_EQ(h.Run({"TYPE", "t"}), Simple("set"));
}

TEST(KeyCommands, RenameMovesValueAndTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "1", "EX", "100"}), Simple("OK"));
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"RENAME", "a", "b"}), Simple("OK"));
  EXPECT_EQ(h.server().dirty, before + 2);  // both keys changed
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "b"}), Bulk("1"));
  EXPECT_EQ(h.Run({"TTL", "b"}), Int(100));
  EXPECT_EQ(h.Run({"SET", "c", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RENAME", "c", "b"}), Simple("OK"));  // overwrites, and the target's TTL goes
  EXPECT_EQ(h.Run({"GET", "b"}), Bulk("3"));
  EXPECT_EQ(h.Run({"TTL", "b"}), Int(-1));
}

TEST(KeyCommands, RenameSameKeyAndMissingKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RENAME", "nokey", "x"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"RENAME", "nokey", "nokey"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"RENAMENX", "nokey", "nokey"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RENAME", "a", "a"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RENAMENX", "a", "a"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("1"));
}

TEST(KeyCommands, RenameNxOnlyToAFreeName) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RENAMENX", "a", "b"}), Int(0));
  EXPECT_EQ(h.Run({"RENAMENX", "a", "c"}), Int(1));
  EXPECT_EQ(h.Run({"MGET", "a", "b", "c"}), Arr({NullBulk(), Bulk("2"), Bulk("1")}));
}

TEST(KeyCommands, RenameKeepsCollections) {
  CommandHarness h;
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"RENAME", "l", "m"}), Simple("OK"));
  EXPECT_EQ(h.Run({"TYPE", "m"}), Simple("list"));
}

TEST(KeyCommands, CopyWithinAndAcrossDatabases) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "c", "1", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"COPY", "nokey", "x"}), Int(0));
  EXPECT_EQ(h.Run({"COPY", "c", "e"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "e"}), Int(100));
  EXPECT_EQ(h.Run({"COPY", "c", "e"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "c", "2"}), Simple("OK"));
  EXPECT_EQ(h.Run({"COPY", "c", "e", "REPLACE", "REPLACE"}), Int(1));
  EXPECT_EQ(h.Run({"GET", "e"}), Bulk("2"));
  EXPECT_EQ(h.Run({"COPY", "c", "c", "DB", "1"}), Int(1));
  EXPECT_EQ(h.Run({"COPY", "c", "e", "db", "0"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "c"}), Bulk("2"));
}

TEST(KeyCommands, CopyOfACollectionIsIndependent) {
  CommandHarness h;
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"COPY", "l", "m"}), Int(1));
  EXPECT_EQ(h.Run({"DEL", "l"}), Int(1));
  EXPECT_EQ(h.Run({"TYPE", "m"}), Simple("list"));
}

TEST(KeyCommands, CopyErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "c", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"COPY", "c", "c"}), kSameObject);
  EXPECT_EQ(h.Run({"COPY", "c", "c", "DB", "0"}), kSameObject);
  EXPECT_EQ(h.Run({"COPY", "c", "e", "DB", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"COPY", "c", "e", "DB", "-1"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"COPY", "nokey", "e", "DB", "99"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"COPY", "c", "e", "DB", "abc"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"COPY", "c", "e", "DB", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(h.Run({"COPY", "c", "e", "DB"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"COPY", "c", "e", "foo"}), Err("ERR syntax error"));
}

TEST(KeyCommands, MoveBetweenDatabases) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "100"}), Simple("OK"));
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"MOVE", "k", "1"}), Int(1));
  EXPECT_EQ(h.server().dirty, before + 2);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"MOVE", "nokey", "1"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "other"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MOVE", "k", "1"}), Int(0));  // already there
  EXPECT_EQ(h.Run({"SELECT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(100));
}

TEST(KeyCommands, MoveErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "c", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MOVE", "c", "0"}), kSameObject);
  EXPECT_EQ(h.Run({"MOVE", "c", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"MOVE", "c", "abc"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"MOVE", "c", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
}

TEST(KeyCommands, SwapDbExchangesContents) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "0"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "0"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("0"));
}

TEST(KeyCommands, SwapDbInvalidatesWatchers) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.Run({"SET", "a", "0"}), Simple("OK"));
  EXPECT_EQ(h.Run({"WATCH", "a"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"SWAPDB", "0", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "a"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

TEST(KeyCommands, SwapDbErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SWAPDB", "0", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"SWAPDB", "-1", "0"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"SWAPDB", "a", "0"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "a"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(h.Run({"SWAPDB", "99999999999", "0"}), Err("ERR invalid first DB index"));
}

TEST(KeyCommands, ClusterModeRefusesCrossDatabaseCommands) {
  Config config;
  config.cluster_enabled = true;
  CommandHarness h(config);
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MOVE", "k", "1"}), Err("ERR MOVE is not allowed in cluster mode"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "1"}), Err("ERR SWAPDB is not allowed in cluster mode"));
  EXPECT_EQ(h.Run({"COPY", "k", "x", "DB", "1"}),
            Err("ERR Copying to another database is not allowed in cluster mode"));
  EXPECT_EQ(h.Run({"COPY", "k", "x"}), Int(1));
}

TEST(KeyCommands, ObjectEncodingOfStrings) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"MSET", "i", "100", "n", "-12345", "e", "", "big", "12345678901234567890"}),
            Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "raw", std::string(45, 'a')}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "emb", std::string(44, 'a')}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("int"));
  EXPECT_EQ(h.Run({"object", "encoding", "n"}), Bulk("int"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "e"}), Bulk("embstr"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("embstr"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "raw"}), Bulk("raw"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "emb"}), Bulk("embstr"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1.5"}), Bulk("1.5"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "f"}), Bulk("embstr"));
}

TEST(KeyCommands, ObjectRefcountReportsSharedIntegers) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "small", "100", "big", "10000", "neg", "-1", "s", "abc"}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "small"}), Int(2147483647));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "big"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "neg"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "s"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "REFCOUNT", "nokey"}), NullBulk());
}

TEST(KeyCommands, ObjectFreqAndIdleTimeDependOnThePolicy) {
  const std::string lfu_not_selected = Err(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
      "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "k"}), lfu_not_selected);
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(0));

  Config config;
  config.maxmemory_policy = MaxmemoryPolicy::kAllkeysLfu;
  CommandHarness lfu(config);
  EXPECT_EQ(lfu.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(lfu.Run({"OBJECT", "FREQ", "k"}), Int(5));
  EXPECT_EQ(
      lfu.Run({"OBJECT", "IDLETIME", "k"}),
      Err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
          "switching between policies at runtime LRU and LFU data will take some time to adjust."));
  EXPECT_EQ(lfu.Run({"OBJECT", "IDLETIME", "nokey"}), NullBulk());
}

TEST(KeyCommands, ObjectHelpAndSubcommandErrors) {
  CommandHarness h;
  std::string help = h.Run({"OBJECT", "HELP"});
  EXPECT_EQ(help.substr(0, help.find("\r\n") + 2), "*15\r\n");
  EXPECT_NE(help.find("+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"),
            std::string::npos);
  EXPECT_NE(help.find("+    Prints this help.\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"OBJECT", "foo"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(h.Run({"OBJECT"}), Err("ERR wrong number of arguments for 'object' command"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(h.Run({"OBJECT", "HELP", "x"}),
            Err("ERR wrong number of arguments for 'object|help' command"));
}

// The key specs cluster clients and routing rely on (COMMAND INFO of redis-server 7.0).
TEST(KeyCommands, KeyPositionsMatchRedis) {
  CommandHarness h;
  const CommandTable& table = h.server().commands;
  struct Expected {
    const char* name;
    int arity, first, last, step;
  };
  for (const Expected& e : std::initializer_list<Expected>{
           {"get", 2, 1, 1, 1},      {"set", -3, 1, 1, 1},       {"mget", -2, 1, -1, 1},
           {"mset", -3, 1, -1, 2},   {"msetnx", -3, 1, -1, 2},   {"lcs", -3, 1, 2, 1},
           {"del", -2, 1, -1, 1},    {"unlink", -2, 1, -1, 1},   {"exists", -2, 1, -1, 1},
           {"touch", -2, 1, -1, 1},  {"rename", 3, 1, 2, 1},     {"renamenx", 3, 1, 2, 1},
           {"copy", -3, 1, 2, 1},    {"move", 3, 1, 1, 1},       {"keys", 2, 0, 0, 0},
           {"scan", -2, 0, 0, 0},    {"randomkey", 1, 0, 0, 0},  {"swapdb", 3, 0, 0, 0},
           {"expire", -3, 1, 1, 1},  {"pexpireat", -3, 1, 1, 1}, {"ttl", 2, 1, 1, 1},
           {"getrange", 4, 1, 1, 1}, {"setrange", 4, 1, 1, 1},   {"getex", -2, 1, 1, 1},
           {"object", -2, 0, 0, 0},  {"substr", 4, 1, 1, 1},     {"incrbyfloat", 3, 1, 1, 1}}) {
    const CommandSpec* spec = table.Find(e.name);
    ASSERT_NE(spec, nullptr) << e.name;
    EXPECT_EQ(spec->arity, e.arity) << e.name;
    EXPECT_EQ(spec->first_key, e.first) << e.name;
    EXPECT_EQ(spec->last_key, e.last) << e.name;
    EXPECT_EQ(spec->key_step, e.step) << e.name;
  }
  const CommandSpec* encoding = CommandTable::FindSubcommand(*table.Find("object"), "encoding");
  ASSERT_NE(encoding, nullptr);
  EXPECT_EQ(encoding->first_key, 2);
  EXPECT_EQ(encoding->last_key, 2);
  EXPECT_EQ(CommandFlagNames(table.Find("set")->flags),
            (std::vector<std::string_view>{"write", "denyoom"}));
  EXPECT_EQ(CommandFlagNames(table.Find("get")->flags),
            (std::vector<std::string_view>{"readonly", "fast"}));
  EXPECT_EQ(CommandFlagNames(table.Find("getdel")->flags),
            (std::vector<std::string_view>{"write", "fast"}));
}

}  // namespace
}  // namespace slotd::test
