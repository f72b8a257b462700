// List commands, including blocking pops with several clients. Every expected reply was checked
// against redis-server 7.0.15 (raw RESP bytes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/commands/command_table.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

const std::string kWrongType =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kNotInteger = Err("ERR value is not an integer or out of range");
const std::string kSyntax = Err("ERR syntax error");

// ---- Pushes and pops
// ---------------------------------------------------------------------------------

TEST(ListCommands, PushesPrependAndAppendInArgumentOrder) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"RPUSH", "l", "d", "e"}), Int(5));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"c", "b", "a", "d", "e"}));
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(5));
  EXPECT_EQ(h.Run({"LLEN", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"TYPE", "l"}), Simple("list"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "l"}), Bulk("quicklist"));
  EXPECT_EQ(h.Run({"LPUSH", "l"}), Err("ERR wrong number of arguments for 'lpush' command"));
}

TEST(ListCommands, PushXOnlyTouchesExistingLists) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LPUSHX", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "l", "m"}), Int(1));
  EXPECT_EQ(h.Run({"LPUSHX", "l", "a", "b"}), Int(3));
  EXPECT_EQ(h.Run({"RPUSHX", "l", "z"}), Int(4));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b", "a", "m", "z"}));
}

TEST(ListCommands, PopWithoutCountRepliesBulkOrNullBulk) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LPOP", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LPOP", "l"}), Bulk("a"));
  EXPECT_EQ(h.Run({"RPOP", "l"}), Bulk("c"));
  EXPECT_EQ(h.Run({"RPOP", "l"}), Bulk("b"));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
}

TEST(ListCommands, PopWithCountRepliesArrayAndDeletesEmptiedList) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LPOP", "nokey", "0"}), NullArray());
  EXPECT_EQ(h.Run({"LPOP", "nokey", "2"}), NullArray());
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LPOP", "l", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LPOP", "l", "1"}), BulkArr({"a"}));
  EXPECT_EQ(h.Run({"RPOP", "l", "10"}), BulkArr({"c", "b"}));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
}

TEST(ListCommands, PopCountErrorsComeBeforeTheTypeCheck) {
  CommandHarness h;
  const std::string positive = Err("ERR value is out of range, must be positive");
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LPOP", "nokey", "-1"}), positive);
  EXPECT_EQ(h.Run({"LPOP", "s", "-1"}), positive);
  EXPECT_EQ(h.Run({"LPOP", "s", "abc"}), positive);
  EXPECT_EQ(h.Run({"RPOP", "s", "9223372036854775808"}), positive);
  EXPECT_EQ(h.Run({"LPOP", "s", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"LPOP", "s"}), kWrongType);
  EXPECT_EQ(h.Run({"LPOP", "l", "1", "2"}),
            Err("ERR wrong number of arguments for 'lpop' command"));
}

TEST(ListCommands, Resp3MissingKeyPopsReplyNull) {
  CommandHarness h;
  h.client().reply.set_protocol(3);
  EXPECT_EQ(h.Run({"LPOP", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"LPOP", "nokey", "2"}), "_\r\n");
  EXPECT_EQ(h.Run({"LMPOP", "1", "nokey", "LEFT"}), "_\r\n");
}

TEST(ListCommands, WrongTypeLeavesTheKeyUntouched) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  for (auto cmd : {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}) {
    EXPECT_EQ(h.Run({cmd, "s", "a"}), kWrongType) << cmd;
  }
  EXPECT_EQ(h.Run({"LLEN", "s"}), kWrongType);
  EXPECT_EQ(h.Run({"LRANGE", "s", "0", "-1"}), kWrongType);
  EXPECT_EQ(h.Run({"GET", "s"}), Bulk("v"));
}

// ---- Reading by index and range
// ----------------------------------------------------------------------

TEST(ListCommands, LRangeClampsIndexesAndCountsNegativesFromTheTail) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c", "d", "e"}), Int(5));
  EXPECT_EQ(h.Run({"LRANGE", "l", "-100", "100"}), BulkArr({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "-2", "-1"}), BulkArr({"d", "e"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "1", "2"}), BulkArr({"b", "c"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "5", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LRANGE", "l", "2", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LRANGE", "l", "5", "10"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}),
            BulkArr({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"LRANGE", "nokey", "0", "-1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LRANGE", "nokey", "1", "x"}), kNotInteger);
}

TEST(ListCommands, LIndexLooksUpBeforeParsingTheIndex) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c", "d", "e"}), Int(5));
  EXPECT_EQ(h.Run({"LINDEX", "l", "0"}), Bulk("a"));
  EXPECT_EQ(h.Run({"LINDEX", "l", "-1"}), Bulk("e"));
  EXPECT_EQ(h.Run({"LINDEX", "l", "5"}), NullBulk());
  EXPECT_EQ(h.Run({"LINDEX", "l", "-6"}), NullBulk());
  EXPECT_EQ(h.Run({"LINDEX", "l", "-9223372036854775808"}), NullBulk());
  EXPECT_EQ(h.Run({"LINDEX", "l", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"LINDEX", "nokey", "x"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LINDEX", "s", "x"}), kWrongType);
}

TEST(ListCommands, LSetReplacesByIndexWithRedisErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LSET", "nokey", "x", "y"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LSET", "s", "x", "y"}), kWrongType);
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LSET", "l", "x", "Z"}), kNotInteger);
  EXPECT_EQ(h.Run({"LSET", "l", "3", "Z"}), Err("ERR index out of range"));
  EXPECT_EQ(h.Run({"LSET", "l", "-4", "Z"}), Err("ERR index out of range"));
  EXPECT_EQ(h.Run({"LSET", "l", "-1", "Z"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LSET", "l", "0", std::string(300, 'q')}), Simple("OK"));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({std::string(300, 'q'), "b", "Z"}));
}

// ---- Editing in the middle
// ---------------------------------------------------------------------------

TEST(ListCommands, LInsertBeforeAndAfterThePivot) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LINSERT", "nokey", "middle", "a", "b"}), kSyntax);
  EXPECT_EQ(h.Run({"LINSERT", "nokey", "before", "a", "b"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LINSERT", "l", "BEFORE", "b", "X"}), Int(4));
  EXPECT_EQ(h.Run({"LINSERT", "l", "after", "c", "Y"}), Int(5));
  EXPECT_EQ(h.Run({"LINSERT", "l", "after", "nope", "Y"}), Int(-1));
  EXPECT_EQ(h.Run({"LINSERT", "l", "middle", "c", "Y"}), kSyntax);
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"a", "X", "b", "c", "Y"}));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LINSERT", "s", "before", "c", "Y"}), kWrongType);
}

TEST(ListCommands, LRemCountsFromHeadTailOrAll) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LREM", "nokey", "x", "a"}), kNotInteger);
  EXPECT_EQ(h.Run({"LREM", "nokey", "0", "a"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "a", "c", "a", "d", "a"}), Int(7));
  EXPECT_EQ(h.Run({"LREM", "l", "2", "a"}), Int(2));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b", "c", "a", "d", "a"}));
  EXPECT_EQ(h.Run({"LREM", "l", "-1", "a"}), Int(1));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b", "c", "a", "d"}));
  EXPECT_EQ(h.Run({"LREM", "l", "-9223372036854775808", "a"}), Int(1));
  EXPECT_EQ(h.Run({"LREM", "l", "0", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"LREM", "l", "0", "b"}), Int(1));
  EXPECT_EQ(h.Run({"LREM", "l", "0", "c"}), Int(1));
  EXPECT_EQ(h.Run({"LREM", "l", "0", "d"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LREM", "s", "x", "a"}), kNotInteger);
  EXPECT_EQ(h.Run({"LREM", "s", "0", "a"}), kWrongType);
}

TEST(ListCommands, LTrimKeepsTheRangeAndDeletesAnEmptyResult) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LTRIM", "nokey", "0", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"LTRIM", "nokey", "0", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RPUSH", "l", "1", "2", "3", "4", "5", "6"}), Int(6));
  EXPECT_EQ(h.Run({"LTRIM", "l", "1", "-2"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"2", "3", "4", "5"}));
  EXPECT_EQ(h.Run({"LTRIM", "l", "-100", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(4));
  EXPECT_EQ(h.Run({"LTRIM", "l", "3", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "l", "1", "2", "3"}), Int(3));
  EXPECT_EQ(h.Run({"LTRIM", "l", "5", "10"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LTRIM", "s", "0", "1"}), kWrongType);
}

// ---- LPOS
// --------------------------------------------------------------------------------------------

TEST(ListCommands, LPosFindsMatchesByRankCountAndMaxlen) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}), Int(8));
  EXPECT_EQ(h.Run({"LPOS", "l", "c"}), Int(2));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "-1"}), Int(7));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "rank", "2"}), Int(6));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "-5"}), NullBulk());
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "0"}), Arr({Int(2), Int(6), Int(7)}));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "2"}), Arr({Int(2), Int(6)}));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "0", "RANK", "-1"}), Arr({Int(7), Int(6), Int(2)}));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "0", "MAXLEN", "3"}), Arr({Int(2)}));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "MAXLEN", "3"}), Int(2));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "MAXLEN", "0", "COUNT", "0"}), Arr({Int(2), Int(6), Int(7)}));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "1", "MAXLEN", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "1", "RANK", "-1"}), Int(7));
  EXPECT_EQ(h.Run({"LPOS", "l", "zz"}), NullBulk());
  EXPECT_EQ(h.Run({"LPOS", "l", "zz", "COUNT", "2"}), "*0\r\n");
  // Redis 7.0 negates RANK INT64_MIN with overflow, which ends up matching the first hit from the
  // tail.
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "-9223372036854775808"}), Int(7));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "9223372036854775807"}), NullBulk());
  EXPECT_EQ(h.Run({"LPOS", "nokey", "c"}), NullBulk());
  EXPECT_EQ(h.Run({"LPOS", "nokey", "c", "COUNT", "1"}), "*0\r\n");
}

TEST(ListCommands, LPosOptionErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a"}), Int(1));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(
      h.Run({"LPOS", "l", "c", "RANK", "0"}),
      Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or "
          "use negative to start from the end of the list"));
  EXPECT_EQ(h.Run({"LPOS", "nokey", "c", "RANK", "0"}).substr(0, 25), "-ERR RANK can't be zero: ");
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "RANK"}), kSyntax);
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "-1"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "COUNT", "x"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "MAXLEN", "-1"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "MAXLEN", "x"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "l", "c", "bogus"}), kSyntax);
  EXPECT_EQ(h.Run({"LPOS", "nokey", "c", "bogus"}), kSyntax);
  EXPECT_EQ(h.Run({"LPOS", "s", "c"}), kWrongType);
  EXPECT_EQ(h.Run({"LPOS", "s", "c", "COUNT", "1"}), kWrongType);
}

// ---- Moves and multi-key pops
// ------------------------------------------------------------------------

TEST(ListCommands, LMoveAndRPopLPushMoveOneElement) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LMOVE", "l", "d", "left", "right"}), Bulk("a"));
  EXPECT_EQ(h.Run({"LMOVE", "l", "d", "up", "right"}), kSyntax);
  EXPECT_EQ(h.Run({"LMOVE", "nokey", "d", "left", "down"}), kSyntax);
  EXPECT_EQ(h.Run({"LMOVE", "nokey", "d", "left", "right"}), NullBulk());
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b", "c"}));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), BulkArr({"a"}));
  EXPECT_EQ(h.Run({"RPOPLPUSH", "l", "d"}), Bulk("c"));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), BulkArr({"c", "a"}));
  EXPECT_EQ(h.Run({"RPOPLPUSH", "nokey", "d"}), NullBulk());
  EXPECT_EQ(h.Run({"LMOVE", "l", "d2", "LEFT", "LEFT"}), Bulk("b"));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
}

TEST(ListCommands, LMoveOnOneKeyRotates) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LMOVE", "l", "l", "left", "right"}), Bulk("a"));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b", "c", "a"}));
  EXPECT_EQ(h.Run({"RPOPLPUSH", "l", "l"}), Bulk("a"));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"a", "b", "c"}));
  EXPECT_EQ(h.Run({"RPUSH", "one", "x"}), Int(1));
  EXPECT_EQ(h.Run({"LMOVE", "one", "one", "left", "left"}), Bulk("x"));
  EXPECT_EQ(h.Run({"LRANGE", "one", "0", "-1"}), BulkArr({"x"}));
}

TEST(ListCommands, LMoveChecksBothTypesBeforeMoving) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"LMOVE", "l", "s", "left", "right"}), kWrongType);
  EXPECT_EQ(h.Run({"LMOVE", "s", "l", "left", "right"}), kWrongType);
  EXPECT_EQ(h.Run({"RPOPLPUSH", "l", "s"}), kWrongType);
  EXPECT_EQ(h.Run({"LMOVE", "nokey", "s", "left", "right"}), NullBulk());
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"a", "b"}));
}

TEST(ListCommands, LMPopPopsFromTheFirstNonEmptyList) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LMPOP", "1", "l", "left"}), Arr({Bulk("l"), BulkArr({"a"})}));
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "5"}),
            Arr({Bulk("l"), BulkArr({"c", "b"})}));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "right", "count", "5"}), NullArray());
  EXPECT_EQ(h.Run({"LMPOP", "1", "nokey", "LEFT"}), NullArray());
}

TEST(ListCommands, LMPopArgumentErrors) {
  CommandHarness h;
  const std::string numkeys = Err("ERR numkeys should be greater than 0");
  const std::string count = Err("ERR count should be greater than 0");
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LMPOP", "0", "l", "left"}), numkeys);
  EXPECT_EQ(h.Run({"LMPOP", "-1", "l", "left"}), numkeys);
  EXPECT_EQ(h.Run({"LMPOP", "x", "l", "left"}), numkeys);
  EXPECT_EQ(h.Run({"LMPOP", "2", "l", "left"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "3", "l", "left"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "9223372036854775807", "l", "left"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "right", "count", "0"}), count);
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "right", "count", "-1"}), count);
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "right", "count", "x"}), count);
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "l", "middle"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "1", "l", "left", "count", "1", "count", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "1", "l", "left", "bogus"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "1", "l", "left", "count"}), kSyntax);
  EXPECT_EQ(h.Run({"LMPOP", "2", "s", "l", "left"}), kWrongType);
  EXPECT_EQ(h.Run({"LMPOP", "2", "nokey", "s", "left"}), kWrongType);
}

TEST(ListCommands, KeyPositionsForRoutingAndCommandGetKeys) {
  CommandHarness h;
  auto keys = [&](std::vector<std::string_view> args) {
    std::vector<int> out;
    const CommandSpec* spec = h.server().commands.Find(args[0]);
    EXPECT_NE(spec, nullptr);
    if (spec == nullptr || !CommandTable::ExtractKeys(*spec, args, &out))
      return std::vector<int>{-1};
    return out;
  };
  EXPECT_EQ(keys({"lmpop", "2", "a", "b", "left", "count", "3"}), (std::vector<int>{2, 3}));
  EXPECT_EQ(keys({"blmpop", "0", "2", "a", "b", "left"}), (std::vector<int>{3, 4}));
  EXPECT_EQ(keys({"lmpop", "3", "a", "b"}), (std::vector<int>{-1}));
  EXPECT_EQ(keys({"lmpop", "x", "a", "left"}), (std::vector<int>{-1}));
  EXPECT_EQ(keys({"blpop", "a", "b", "c", "0"}), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(keys({"blmove", "a", "b", "left", "right", "0"}), (std::vector<int>{1, 2}));
  EXPECT_EQ(keys({"rpoplpush", "a", "b"}), (std::vector<int>{1, 2}));
  EXPECT_EQ(keys({"lpush", "a", "x", "y"}), (std::vector<int>{1}));
}

TEST(ListCommands, SmallNodeSizeStillBehavesLikeOneList) {
  Config config;
  config.list_max_listpack_size = 2;  // two entries per node: every command crosses node boundaries
  CommandHarness h(config);
  for (int i = 0; i < 20; ++i) h.Run({"RPUSH", "l", std::to_string(i)});
  EXPECT_EQ(h.Run({"LINDEX", "l", "13"}), Bulk("13"));
  EXPECT_EQ(h.Run({"LINSERT", "l", "AFTER", "5", "x"}), Int(21));
  EXPECT_EQ(h.Run({"LSET", "l", "7", std::string(100, 'y')}), Simple("OK"));
  EXPECT_EQ(h.Run({"LRANGE", "l", "4", "8"}), BulkArr({"4", "5", "x", std::string(100, 'y'), "7"}));
  EXPECT_EQ(h.Run({"LTRIM", "l", "3", "-4"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(15));
  EXPECT_EQ(h.Run({"LRANGE", "l", "-2", "-1"}), BulkArr({"15", "16"}));
  EXPECT_EQ(h.Run({"LPOS", "l", "16"}), Int(14));
}

// ---- Blocking
// ----------------------------------------------------------------------------------------

TEST(ListBlocking, ServesImmediatelyFromTheFirstNonEmptyKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "b", "x", "y"}), Int(2));
  EXPECT_EQ(h.Run({"BLPOP", "a", "b", "0"}), BulkArr({"b", "x"}));
  EXPECT_EQ(h.Run({"BRPOP", "a", "b", "0"}), BulkArr({"b", "y"}));
  EXPECT_EQ(h.Run({"EXISTS", "b"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"BLPOP", "nokey", "s", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"RPUSH", "l", "a"}), Int(1));
  EXPECT_EQ(h.Run({"BLPOP", "l", "s", "0"}), BulkArr({"l", "a"}));
}

TEST(ListBlocking, TimeoutArgumentErrors) {
  CommandHarness h;
  const std::string not_float = Err("ERR timeout is not a float or out of range");
  const std::string negative = Err("ERR timeout is negative");
  EXPECT_EQ(h.Run({"BLPOP", "l", "x"}), not_float);
  EXPECT_EQ(h.Run({"BLPOP", "l", "-1"}), negative);
  EXPECT_EQ(h.Run({"BRPOPLPUSH", "l", "d", "-1"}), negative);
  EXPECT_EQ(h.Run({"BLMOVE", "l", "d", "left", "right", "x"}), not_float);
  EXPECT_EQ(h.Run({"BLMOVE", "l", "d", "left", "middle", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"BLMPOP", "x", "1", "l", "left"}), not_float);
  EXPECT_EQ(h.Run({"BLMPOP", "x", "0", "l", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"BLMPOP", "x", "1", "l", "middle"}), kSyntax);
  EXPECT_EQ(h.Run({"BLMPOP", "x", "1", "l", "left", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"BLMPOP", "-1", "1", "l", "left"}), negative);
  EXPECT_EQ(h.server().blocked_clients(), 0u);
}

TEST(ListBlocking, BlpopIsServedByALaterPush) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "l", "0"}), "");
  EXPECT_EQ(h.server().blocked_clients(), 1u);
  EXPECT_EQ(h.Run({"RPUSH", "l", "x"}), Int(1));  // the pusher sees the length before serving
  EXPECT_EQ(h.TakeOutput(waiter), BulkArr({"l", "x"}));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.server().blocked_clients(), 0u);
}

TEST(ListBlocking, BlockedClientsAreServedInArrivalOrder) {
  CommandHarness h;
  Client& first = h.NewClient();
  Client& second = h.NewClient();
  EXPECT_EQ(h.RunAs(first, {"BLPOP", "q", "0"}), "");
  EXPECT_EQ(h.RunAs(second, {"BLPOP", "q", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "q", "1", "2"}), Int(2));
  EXPECT_EQ(h.TakeOutput(first), BulkArr({"q", "1"}));
  EXPECT_EQ(h.TakeOutput(second), BulkArr({"q", "2"}));
}

TEST(ListBlocking, OneElementServesOnlyTheFirstWaiter) {
  CommandHarness h;
  Client& first = h.NewClient();
  Client& second = h.NewClient();
  EXPECT_EQ(h.RunAs(first, {"BRPOP", "q", "0"}), "");
  EXPECT_EQ(h.RunAs(second, {"BRPOP", "q", "0"}), "");
  EXPECT_EQ(h.Run({"LPUSH", "q", "only"}), Int(1));
  EXPECT_EQ(h.TakeOutput(first), BulkArr({"q", "only"}));
  EXPECT_EQ(h.TakeOutput(second), "");
  EXPECT_EQ(h.Run({"LPUSH", "q", "next"}), Int(1));
  EXPECT_EQ(h.TakeOutput(second), BulkArr({"q", "next"}));
}

TEST(ListBlocking, TimeoutRepliesNullArray) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "l", "1.5"}), "");
  h.AdvanceTime(1499);
  EXPECT_EQ(h.TakeOutput(waiter), "");
  h.AdvanceTime(1);
  EXPECT_EQ(h.TakeOutput(waiter), NullArray());
  EXPECT_EQ(h.server().blocked_clients(), 0u);
  // Redis 7.0 times BLMOVE, BRPOPLPUSH and BLMPOP out with a null array too.
  EXPECT_EQ(h.RunAs(waiter, {"BLMOVE", "l", "d", "left", "right", "1"}), "");
  EXPECT_EQ(h.RunAs(h.NewClient(), {"BRPOPLPUSH", "l", "d", "1"}), "");
  Client& mpop = h.NewClient();
  EXPECT_EQ(h.RunAs(mpop, {"BLMPOP", "1", "1", "l", "left"}), "");
  h.AdvanceTime(1000);
  EXPECT_EQ(h.TakeOutput(waiter), NullArray());
  EXPECT_EQ(h.TakeOutput(mpop), NullArray());
}

TEST(ListBlocking, ServedClientGetsNoLaterTimeout) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "l", "1"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "l", "x"}), Int(1));
  EXPECT_EQ(h.TakeOutput(waiter), BulkArr({"l", "x"}));
  h.AdvanceTime(5000);
  EXPECT_EQ(h.TakeOutput(waiter), "");
}

TEST(ListBlocking, BlmoveChainsThroughBlockedClients) {
  CommandHarness h;
  Client& first = h.NewClient();
  Client& second = h.NewClient();
  EXPECT_EQ(h.RunAs(first, {"BLMOVE", "x", "y", "RIGHT", "LEFT", "0"}), "");
  EXPECT_EQ(h.RunAs(second, {"BRPOPLPUSH", "y", "z", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "x", "v"}), Int(1));
  EXPECT_EQ(h.TakeOutput(first), Bulk("v"));
  EXPECT_EQ(h.TakeOutput(second), Bulk("v"));
  EXPECT_EQ(h.Run({"LRANGE", "z", "0", "-1"}), BulkArr({"v"}));
  EXPECT_EQ(h.Run({"EXISTS", "x", "y"}), Int(0));
}

TEST(ListBlocking, BlmpopServesUpToCountFromTheReadyKey) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLMPOP", "0", "2", "m1", "m2", "LEFT", "COUNT", "5"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "m2", "1", "2", "3"}), Int(3));
  EXPECT_EQ(h.TakeOutput(waiter), Arr({Bulk("m2"), BulkArr({"1", "2", "3"})}));
  Client& right = h.NewClient();
  EXPECT_EQ(h.RunAs(right, {"BRPOP", "k1", "k2", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "k2", "a"}), Int(1));
  EXPECT_EQ(h.TakeOutput(right), BulkArr({"k2", "a"}));
}

TEST(ListBlocking, StaysBlockedWhileTheKeyHoldsAnotherType) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "l", "0"}), "");
  EXPECT_EQ(h.Run({"SET", "l", "x"}), Simple("OK"));
  EXPECT_EQ(h.TakeOutput(waiter), "");
  EXPECT_EQ(h.Run({"DEL", "l"}), Int(1));
  EXPECT_EQ(h.Run({"RPUSH", "l", "y"}), Int(1));
  EXPECT_EQ(h.TakeOutput(waiter), BulkArr({"l", "y"}));
}

TEST(ListBlocking, BlmoveToAWrongTypeDestinationFailsWhenServed) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "dst", "str"}), Simple("OK"));
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLMOVE", "src", "dst", "left", "left", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "src", "v"}), Int(1));
  EXPECT_EQ(h.TakeOutput(waiter), kWrongType);
  EXPECT_EQ(h.Run({"LRANGE", "src", "0", "-1"}), BulkArr({"v"}));
  EXPECT_EQ(h.server().blocked_clients(), 0u);
}

TEST(ListBlocking, InsideMultiRepliesAtOnceInsteadOfBlocking) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"BLPOP", "nokey", "0"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BLMOVE", "nokey", "d", "left", "right", "0"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BLMPOP", "0", "1", "nokey", "left"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BRPOPLPUSH", "nokey", "d", "0"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({NullArray(), NullBulk(), NullArray(), NullBulk()}));
  EXPECT_EQ(h.server().blocked_clients(), 0u);
}

TEST(ListBlocking, PushInsideMultiServesWaitersAfterExec) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "l", "0"}), "");
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"LLEN", "l"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Int(2), Int(2)}));
  EXPECT_EQ(h.TakeOutput(waiter), BulkArr({"l", "a"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), BulkArr({"b"}));
}

}  // namespace
}  // namespace slotd::test
