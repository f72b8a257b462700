// Sorted-set commands. Every exact expected reply was checked against redis-server 7.0.15 (raw RESP
// bytes, RESP2 and RESP3); random replies are checked as multisets.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/command_table.h"
#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/reply_reader.h"

namespace slotd::test {
namespace {

const std::string kWrongType =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kSyntax = Err("ERR syntax error");
const std::string kNotInteger = Err("ERR value is not an integer or out of range");
const std::string kNotFloat = Err("ERR value is not a valid float");
const std::string kMinMaxNotFloat = Err("ERR min or max is not a float");
const std::string kNotLexItem = Err("ERR min or max not valid string range item");

std::string Dbl(std::string_view text) { return "," + std::string(text) + "\r\n"; }
std::string Pair(std::string_view member, std::string_view score_reply) {
  return Arr({Bulk(member), std::string(score_reply)});
}

void UseResp3(CommandHarness& h) { h.Run({"HELLO", "3"}); }

TEST(ZSetCommands, ZAddOptionErrorsInRedisOrder) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "XX", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "XX", "1", "a"}),
            Err("ERR XX and NX options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "XX", "GT", "1", "a"}),
            Err("ERR XX and NX options at the same time are not compatible"));
  const std::string gt_lt =
      Err("ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(h.Run({"ZADD", "k", "GT", "LT", "1", "a"}), gt_lt);
  EXPECT_EQ(h.Run({"ZADD", "k", "GT", "NX", "1", "a"}), gt_lt);
  EXPECT_EQ(h.Run({"ZADD", "k", "INCR", "GT", "LT", "1", "a", "2", "b"}), gt_lt);
  EXPECT_EQ(h.Run({"ZADD", "k", "INCR", "1", "a", "2", "b"}),
            Err("ERR INCR option supports a single increment-element pair"));
  EXPECT_EQ(h.Run({"ZADD", "k", "1", "a", "x", "b"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZADD", "k", "nan", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZADD", "k", "1e400", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZADD", "k", "1e-400", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZADD", "k", " 1", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZADD", "k", "", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"ZADD", "s", "x", "a"}), kNotFloat);  // scores are checked before the type
  EXPECT_EQ(h.Run({"ZADD", "s", "1", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"ZADD", "k"}), Err("ERR wrong number of arguments for 'zadd' command"));
}

TEST(ZSetCommands, ZAddFlagsChAndIncr) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ZADD", "k", "XX", "1", "a"}), Int(0));
  EXPECT_EQ(h.Run({"ZADD", "k", "XX", "INCR", "1", "a"}), NullBulk());
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"ZADD", "k", "inf", "a", "0x10", "b", "1", "c"}), Int(3));
  EXPECT_EQ(h.Run({"ZSCORE", "k", "b"}), Bulk("16"));
  EXPECT_EQ(h.Run({"ZADD", "k", "1", "c", "1", "c", "2", "c"}), Int(0));
  EXPECT_EQ(h.Run({"ZSCORE", "k", "c"}), Bulk("2"));
  EXPECT_EQ(h.Run({"ZADD", "k", "CH", "1", "c", "1", "c"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "k", "GT", "CH", "0", "c"}), Int(0));
  EXPECT_EQ(h.Run({"ZADD", "k", "LT", "CH", "0", "c"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "k", "GT", "5", "new"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "k", "GT", "INCR", "-1", "new"}), NullBulk());
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "INCR", "1", "new"}), NullBulk());
  EXPECT_EQ(h.Run({"ZADD", "k", "INCR", "0.5", "new"}), Bulk("5.5"));
  EXPECT_EQ(h.Run({"ZADD", "k", "ch", "nx", "1", "q"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "k", "INCR", "-inf", "a"}),
            Err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(h.Run({"ZINCRBY", "k", "-inf", "a"}), Err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(h.Run({"ZINCRBY", "k", "x", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZINCRBY", "k", "1e308", "big"}), Bulk("1e+308"));
  EXPECT_EQ(h.Run({"ZINCRBY", "k", "1e308", "big"}), Bulk("inf"));
  EXPECT_EQ(h.Run({"ZINCRBY", "nokey", "-0.0", "y"}), Bulk("-0"));
  EXPECT_EQ(h.Run({"ZMSCORE", "nokey", "y"}), Arr({Bulk("0")}));  // a listpack stores -0 as 0
}

TEST(ZSetCommands, ScoresUseSeventeenDigitsInResp2AndDoublesInResp3) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1.5", "a", "0.1", "b", "1e20", "c", "123456789012345678", "d"});
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}),
            Arr({Bulk("b"), Bulk("0.10000000000000001"), Bulk("a"), Bulk("1.5"), Bulk("d"),
                 Bulk("1.2345678901234568e+17"), Bulk("c"), Bulk("1e+20")}));
  UseResp3(h);
  EXPECT_EQ(h.Run({"ZSCORE", "k", "a"}), Dbl("1.5"));
  EXPECT_EQ(h.Run({"ZMSCORE", "k", "a", "x"}), Arr({Dbl("1.5"), "_\r\n"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "1", "WITHSCORES"}),
            Arr({Pair("b", Dbl("0.10000000000000001")), Pair("a", Dbl("1.5"))}));
  EXPECT_EQ(h.Run({"ZINCRBY", "k", "1", "a"}), Dbl("2.5"));
  EXPECT_EQ(h.Run({"ZADD", "k", "NX", "INCR", "1", "a"}), "_\r\n");
  EXPECT_EQ(h.Run({"ZRANK", "k", "zz"}), "_\r\n");
}

TEST(ZSetCommands, RanksBreakScoreTiesByMember) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "b", "1", "a", "1", "c", "0", "z", "2", "y"});
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1"}), BulkArr({"z", "a", "b", "c", "y"}));
  EXPECT_EQ(h.Run({"ZRANK", "k", "b"}), Int(2));
  EXPECT_EQ(h.Run({"ZREVRANK", "k", "a"}), Int(3));
  EXPECT_EQ(h.Run({"ZRANK", "k", "nope"}), NullBulk());
  EXPECT_EQ(h.Run({"ZRANK", "nokey", "a"}), NullBulk());
  EXPECT_EQ(h.Run({"ZCARD", "k"}), Int(5));
  EXPECT_EQ(h.Run({"ZCARD", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANK", "k", "a", "WITHSCORE"}),
            Err("ERR wrong number of arguments for 'zrank' command"));
}

TEST(ZSetCommands, ZRangeByRankClampsIndexes) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(h.Run({"ZRANGE", "k", "-100", "100"}), BulkArr({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "3", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGE", "k", "-2", "-1"}), BulkArr({"d", "e"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "5", "10"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZREVRANGE", "k", "0", "1"}), BulkArr({"e", "d"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "1", "REV"}), BulkArr({"e", "d"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "9223372036854775807", "-9223372036854775808"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "99999999999999999999"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "LIMIT", "5", "-1"}),
            BulkArr({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"ZRANGE", "nokey", "0", "-1"}), "*0\r\n");
}

TEST(ZSetCommands, ZRangeOptionErrors) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a"});
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "WITHSCORES", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "1", "LIMIT"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "1", "BYSCORE", "LIMIT", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "1", "BYSCORE", "LIMIT", "x", "1"}), kNotInteger);
  EXPECT_EQ(
      h.Run({"ZRANGE", "k", "0", "-1", "LIMIT", "0", "1"}),
      Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
  EXPECT_EQ(
      h.Run({"ZREVRANGE", "k", "0", "-1", "LIMIT", "0", "1"}),
      Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "-", "+", "BYLEX", "WITHSCORES"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "k", "-", "+", "WITHSCORES"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "BYSCORE", "BYLEX"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "REV", "REV"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "0", "1", "REV"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "BYLEX"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "nan", "inf"}), kMinMaxNotFloat);
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "1 ", "inf"}), kMinMaxNotFloat);
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "k", "a", "+"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "k", "-a", "+"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "k", "", "+"}), kNotLexItem);
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "s", "x", "1"}),
            kMinMaxNotFloat);  // ranges parse before the lookup
  EXPECT_EQ(h.Run({"ZRANGE", "s", "0", "1"}), kWrongType);
}

TEST(ZSetCommands, ZRangeByScoreBoundsAndLimit) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "10", "BYSCORE", "LIMIT", "-1", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "10", "BYSCORE", "LIMIT", "1", "-1"}),
            BulkArr({"b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "10", "BYSCORE", "LIMIT", "5", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "10", "BYSCORE", "LIMIT", "4", "1"}), BulkArr({"e"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "10", "BYSCORE", "LIMIT", "1", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "0", "10", "LIMIT", "1", "2", "WITHSCORES"}),
            Arr({Bulk("b"), Bulk("2"), Bulk("c"), Bulk("3")}));
  EXPECT_EQ(
      h.Run({"ZRANGEBYSCORE", "k", "0", "10", "WITHSCORES", "LIMIT", "1", "2", "LIMIT", "0", "1"}),
      Arr({Bulk("a"), Bulk("1")}));
  EXPECT_EQ(h.Run({"ZREVRANGEBYSCORE", "k", "10", "0", "LIMIT", "1", "2"}), BulkArr({"d", "c"}));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "(1", "3", "BYSCORE", "REV"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGE", "k", "3", "(1", "BYSCORE", "REV"}), BulkArr({"c", "b"}));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "(", "+inf"}), BulkArr({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", " 4", "inf"}),
            BulkArr({"d", "e"}));  // strtod skips spaces
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "", ""}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "k", "-1e400", "(2"}), BulkArr({"a"}));
  EXPECT_EQ(h.Run({"ZCOUNT", "k", "(1", "3"}), Int(2));
  EXPECT_EQ(h.Run({"ZCOUNT", "k", "x", "3"}), kMinMaxNotFloat);
  EXPECT_EQ(h.Run({"ZCOUNT", "nokey", "x", "1"}), kMinMaxNotFloat);
  EXPECT_EQ(h.Run({"ZCOUNT", "nokey", "0", "1"}), Int(0));
}

TEST(ZSetCommands, LexRanges) {
  CommandHarness h;
  h.Run({"ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "z", "-", "+"}), BulkArr({"a", "b", "c", "d"}));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "z", "[b", "(d"}), BulkArr({"b", "c"}));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "z", "(", "+"}), BulkArr({"a", "b", "c", "d"}));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "z", "-", "+", "LIMIT", "1", "1"}), BulkArr({"b"}));
  EXPECT_EQ(h.Run({"ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "1", "1"}), BulkArr({"c"}));
  EXPECT_EQ(h.Run({"ZREVRANGEBYLEX", "z", "[c", "(a"}), BulkArr({"c", "b"}));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "[c", "-", "BYLEX", "REV"}), BulkArr({"c", "b", "a"}));
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "z", "-", "+"}), Int(4));
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "z", "(a", "[c"}), Int(2));
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "z", "a", "+"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "nokey", "a", "+"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZREMRANGEBYLEX", "z", "[b", "[c"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "-1"}), BulkArr({"a", "d"}));
}

TEST(ZSetCommands, ZRangeStoreWritesAndDeletesTheDestination) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "0", "-1", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "0", "-1", "BYLEX"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "(1", "+inf", "BYSCORE", "REV"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "0", "1"}),
            Int(1));
  EXPECT_EQ(h.Run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}), Arr({Bulk("c"), Bulk("3")}));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "0", "1", "REV"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANGE", "d", "0", "-1"}), BulkArr({"b", "c"}));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "10", "20"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "nokey", "0", "-1"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "k", "k", "0", "0"}),
            Int(1));  // source and destination the same key
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), Arr({Bulk("a"), Bulk("1")}));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "s", "0", "-1"}), kWrongType);
  EXPECT_EQ(h.Run({"ZRANGESTORE", "s", "k", "0", "-1"}), Int(1));
  EXPECT_EQ(h.Run({"TYPE", "s"}), Simple("zset"));
}

// ZRANGESTORE adds in emission order to a set that starts as a listpack, so -0 becomes 0 when it is
// stored before the long member converts the set (redis-server 7.0.15 answers exactly this).
TEST(ZSetCommands, ZRangeStoreInsertsInEmissionOrder) {
  CommandHarness h;
  std::string long_member(70, 'x');
  h.Run({"ZADD", "src", "1", long_member, "-0.0", "a"});
  EXPECT_EQ(h.Run({"ZSCORE", "src", "a"}), Bulk("-0"));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "fwd", "src", "0", "-1"}), Int(2));
  EXPECT_EQ(h.Run({"ZSCORE", "fwd", "a"}), Bulk("0"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "fwd"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "rev", "src", "0", "-1", "REV"}), Int(2));
  EXPECT_EQ(h.Run({"ZSCORE", "rev", "a"}), Bulk("-0"));
}

TEST(ZSetCommands, RemoveRangesDeleteEmptiedKeys) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "k", "x", "1"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "k", "0", "0"}), Int(1));
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "k", "5", "8"}), Int(0));
  EXPECT_EQ(h.Run({"ZREMRANGEBYSCORE", "k", "0", "2"}), Int(1));
  EXPECT_EQ(h.Run({"ZREMRANGEBYSCORE", "nokey", "x", "1"}), kMinMaxNotFloat);
  EXPECT_EQ(h.Run({"ZREMRANGEBYLEX", "nokey", "x", "1"}), kNotLexItem);
  EXPECT_EQ(h.Run({"ZREMRANGEBYLEX", "k", "-", "+"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  h.Run({"ZADD", "e", "1", "a"});
  EXPECT_EQ(h.Run({"ZREM", "e", "a", "b"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "e"}), Int(0));
  EXPECT_EQ(h.Run({"ZREM", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"ZREM", "k"}), Err("ERR wrong number of arguments for 'zrem' command"));
}

TEST(ZSetCommands, PopReplyShapes) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZPOPMIN", "k", "2"}), Arr({Bulk("a"), Bulk("1"), Bulk("b"), Bulk("2")}));
  EXPECT_EQ(h.Run({"ZPOPMAX", "k"}), Arr({Bulk("c"), Bulk("3")}));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"ZPOPMIN", "k"}), "*0\r\n");
  EXPECT_EQ(h.Run({"ZPOPMIN", "k", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"ZPOPMIN", "k", "x"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"ZPOPMIN", "k", "1", "2"}), kSyntax);
  h.Run({"ZADD", "k", "1.5", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZPOPMAX", "k", "0"}), "*0\r\n");
  UseResp3(h);
  EXPECT_EQ(h.Run({"ZPOPMIN", "k"}), Arr({Bulk("a"), Dbl("1.5")}));
  EXPECT_EQ(h.Run({"ZPOPMIN", "k", "1"}), Arr({Pair("b", Dbl("2"))}));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MIN"}), Arr({Bulk("k"), Arr({Pair("c", Dbl("3"))})}));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MIN"}), "_\r\n");
}

TEST(ZSetCommands, ZMPopParsingAndNestedReply) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MAX"}),
            Arr({Bulk("k"), Arr({Arr({Bulk("c"), Bulk("3")})})}));
  const std::string count_error = Err("ERR count should be greater than 0");
  const std::string numkeys_error = Err("ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MAX", "COUNT", "0"}), count_error);
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MAX", "COUNT", "x"}), count_error);
  EXPECT_EQ(h.Run({"ZMPOP", "0", "k", "MAX"}), numkeys_error);
  EXPECT_EQ(h.Run({"ZMPOP", "x", "k", "MIN"}), numkeys_error);
  EXPECT_EQ(h.Run({"ZMPOP", "2", "k", "MAX"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "2147483648", "k", "MIN"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "FOO"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MIN", "COUNT", "1", "COUNT", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k"}), Err("ERR wrong number of arguments for 'zmpop' command"));
  EXPECT_EQ(h.Run({"ZMPOP", "2", "nokey", "k", "MIN", "COUNT", "10"}),
            Arr({Bulk("k"), Arr({Arr({Bulk("a"), Bulk("1")}), Arr({Bulk("b"), Bulk("2")})})}));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "k", "MIN"}), NullArray());
  EXPECT_EQ(h.Run({"BZMPOP", "x", "0", "k", "MIN"}), numkeys_error);  // options before the timeout
  EXPECT_EQ(h.Run({"BZMPOP", "x", "1", "k", "MIN"}),
            Err("ERR timeout is not a float or out of range"));
  EXPECT_EQ(h.Run({"BZMPOP", "-1", "1", "k", "MIN"}), Err("ERR timeout is negative"));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"ZMPOP", "2", "nokey", "s", "MIN"}), kWrongType);
}

TEST(ZSetCommands, BlockingPopServesWhenAnotherClientAdds) {
  CommandHarness h;
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BZPOPMIN", "k1", "k2", "0"}), "");
  EXPECT_EQ(h.Run({"ZADD", "k2", "5", "m", "6", "n"}), Int(2));
  EXPECT_EQ(h.TakeOutput(waiter), Arr({Bulk("k2"), Bulk("m"), Bulk("5")}));
  EXPECT_EQ(h.Run({"ZCARD", "k2"}), Int(1));
  EXPECT_EQ(h.RunAs(waiter, {"BZPOPMAX", "nokey", "k2", "0"}),
            Arr({Bulk("k2"), Bulk("n"), Bulk("6")}));
  EXPECT_EQ(h.RunAs(waiter, {"BZMPOP", "0", "1", "k3", "MAX", "COUNT", "2"}), "");
  h.Run({"ZADD", "k3", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.TakeOutput(waiter),
            Arr({Bulk("k3"), Arr({Arr({Bulk("c"), Bulk("3")}), Arr({Bulk("b"), Bulk("2")})})}));
}

TEST(ZSetCommands, BlockingPopTimesOutAndDoesNotBlockInMulti) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"BZPOPMIN", "k", "x"}), Err("ERR timeout is not a float or out of range"));
  EXPECT_EQ(h.Run({"BZPOPMIN", "k", "0.5"}), "");
  h.AdvanceTime(600);
  EXPECT_EQ(h.TakeOutput(h.client()), NullArray());
  h.Run({"MULTI"});
  h.Run({"BZPOPMIN", "nokey", "0"});
  h.Run({"BZMPOP", "0", "1", "nokey", "MIN"});
  EXPECT_EQ(h.Run({"EXEC"}), Arr({NullArray(), NullArray()}));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"BZPOPMIN", "nokey", "s", "0"}), kWrongType);
}

TEST(ZSetCommands, SetOperationsAcceptSetsAndWeights) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  h.Run({"ZADD", "k2", "10", "b", "20", "c", "30", "d"});
  h.Run({"SADD", "st", "a", "d", "z"});
  h.Run({"SADD", "ints", "1", "2"});
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "WITHSCORES"}),
            Arr({Bulk("a"), Bulk("1"), Bulk("b"), Bulk("12"), Bulk("c"), Bulk("23"), Bulk("d"),
                 Bulk("30")}));
  EXPECT_EQ(h.Run({"ZUNION", "3", "k", "k2", "st", "WITHSCORES"}),
            Arr({Bulk("z"), Bulk("1"), Bulk("a"), Bulk("2"), Bulk("b"), Bulk("12"), Bulk("c"),
                 Bulk("23"), Bulk("d"), Bulk("31")}));
  EXPECT_EQ(h.Run({"ZINTER", "3", "k", "k2", "st", "WITHSCORES"}), "*0\r\n");
  EXPECT_EQ(
      h.Run({"ZINTER", "2", "k", "k2", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX", "WITHSCORES"}),
      Arr({Bulk("b"), Bulk("5"), Bulk("c"), Bulk("10")}));
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "AGGREGATE", "MIN", "WITHSCORES"}),
            Arr({Bulk("a"), Bulk("1"), Bulk("b"), Bulk("2"), Bulk("c"), Bulk("3"), Bulk("d"),
                 Bulk("30")}));
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "WEIGHTS", "inf", "-inf", "WITHSCORES"}),
            Arr({Bulk("d"), Bulk("-inf"), Bulk("b"), Bulk("0"), Bulk("c"), Bulk("0"), Bulk("a"),
                 Bulk("inf")}));
  EXPECT_EQ(
      h.Run({"ZUNION", "2", "k", "k2", "WEIGHTS", "1", "2", "WEIGHTS", "3", "4", "WITHSCORES"}),
      Arr({Bulk("a"), Bulk("3"), Bulk("b"), Bulk("46"), Bulk("c"), Bulk("89"), Bulk("d"),
           Bulk("120")}));
  EXPECT_EQ(h.Run({"ZDIFF", "2", "k", "k2", "WITHSCORES"}), Arr({Bulk("a"), Bulk("1")}));
  EXPECT_EQ(h.Run({"ZDIFF", "2", "k", "st"}), BulkArr({"b", "c"}));
  EXPECT_EQ(h.Run({"ZUNION", "1", "ints", "WITHSCORES"}),
            Arr({Bulk("1"), Bulk("1"), Bulk("2"), Bulk("1")}));
  UseResp3(h);
  EXPECT_EQ(h.Run({"ZINTER", "2", "k", "st", "WITHSCORES"}), Arr({Pair("a", Dbl("2"))}));
}

TEST(ZSetCommands, SetOperationErrors) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a"});
  h.Run({"ZADD", "k2", "1", "b"});
  h.Run({"SET", "str", "v"});
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "str"}), kWrongType);
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "str", "WEIGHTS", "x"}), kWrongType);
  EXPECT_EQ(h.Run({"ZUNION", "0", "k"}),
            Err("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_EQ(h.Run({"ZDIFFSTORE", "d", "0", "k"}),
            Err("ERR at least 1 input key is needed for 'zdiffstore' command"));
  EXPECT_EQ(h.Run({"ZUNION", "3", "k", "k2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "99999999999", "k"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "x", "k"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "WEIGHTS", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "WEIGHTS", "1", "x"}),
            Err("ERR weight value is not a float"));
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "AGGREGATE", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "2", "k", "k2", "AGGREGATE"}), kSyntax);
  EXPECT_EQ(h.Run({"ZDIFF", "2", "k", "k2", "WEIGHTS", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZDIFF", "2", "k", "k2", "AGGREGATE", "SUM"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "d", "2", "k", "k2", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINTERCARD", "0", "k"}),
            Err("ERR at least 1 input key is needed for 'zintercard' command"));
  EXPECT_EQ(h.Run({"ZINTERCARD", "x", "k"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "LIMIT", "-1"}),
            Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "LIMIT", "x"}),
            Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "LIMIT"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "WITHSCORES"}), kSyntax);
}

TEST(ZSetCommands, StoreFormsReplaceOrDeleteTheDestination) {
  CommandHarness h;
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  h.Run({"ZADD", "k2", "10", "b", "20", "c", "30", "d"});
  h.Run({"SET", "str", "v"});
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "str", "2", "k", "k2", "WEIGHTS", "1", "2"}), Int(4));
  EXPECT_EQ(h.Run({"ZRANGE", "str", "0", "-1", "WITHSCORES"}),
            Arr({Bulk("a"), Bulk("1"), Bulk("b"), Bulk("22"), Bulk("c"), Bulk("43"), Bulk("d"),
                 Bulk("60")}));
  EXPECT_EQ(h.Run({"ZINTERSTORE", "str", "2", "k", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "str"}), Int(0));
  EXPECT_EQ(h.Run({"ZDIFFSTORE", "k", "2", "k", "k2"}), Int(1));  // a source can be the destination
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1"}), BulkArr({"a"}));
  h.Run({"ZADD", "k", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2"}), Int(2));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "LIMIT", "1"}), Int(1));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "k", "k2", "LIMIT", "0"}), Int(2));
}

TEST(ZSetCommands, RandMemberCountsAndErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "nokey", "-5", "WITHSCORES"}), "*0\r\n");
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "10"}),
            BulkArr({"d", "c", "b", "a"}));  // whole set, highest first
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "4", "WITHSCORES"}),
            Arr({Bulk("d"), Bulk("4"), Bulk("c"), Bulk("3"), Bulk("b"), Bulk("2"), Bulk("a"),
                 Bulk("1")}));
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "0"}), "*0\r\n");
  std::vector<std::string> distinct = BulksOf(h.Run({"ZRANDMEMBER", "k", "3"}));
  std::sort(distinct.begin(), distinct.end());
  EXPECT_EQ(distinct.size(), 3u);
  EXPECT_EQ(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::string> repeated = BulksOf(h.Run({"ZRANDMEMBER", "k", "-20"}));
  EXPECT_EQ(repeated.size(), 20u);
  for (const std::string& m : repeated) EXPECT_TRUE(m >= "a" && m <= "d") << m;
  std::vector<std::string> pairs = BulksOf(h.Run({"ZRANDMEMBER", "k", "-3", "WITHSCORES"}));
  ASSERT_EQ(pairs.size(), 6u);
  for (size_t i = 0; i < 6; i += 2) EXPECT_EQ(pairs[i][0] - 'a' + 1, std::stoi(pairs[i + 1]));
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "1", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "1", "WITHSCORES", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "-4611686018427387904", "WITHSCORES"}),
            Err("ERR value is out of range"));
  UseResp3(h);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "k", "1", "WITHSCORES"}).substr(0, 8), "*1\r\n*2\r\n");
}

TEST(ZSetCommands, ZScanFormatsScoresByEncoding) {
  CommandHarness h;
  h.Run({"ZADD", "k", "123456789012345678", "g", "-0.0", "c", "1.5", "a"});
  EXPECT_EQ(h.Run({"ZSCAN", "k", "0"}),
            Arr({Bulk("0"), Arr({Bulk("c"), Bulk("0"), Bulk("a"), Bulk("1.5"), Bulk("g"),
                                 Bulk("123456789012345680")})}));
  EXPECT_EQ(h.Run({"ZSCAN", "k", "0", "MATCH", "a*"}),
            Arr({Bulk("0"), Arr({Bulk("a"), Bulk("1.5")})}));
  EXPECT_EQ(h.Run({"ZSCAN", "k", "-1"}).substr(0, 13), "*2\r\n$1\r\n0\r\n*6");
  EXPECT_EQ(h.Run({"ZSCAN", "k", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"ZSCAN", "k", "0", "COUNT", "x"}), kNotInteger);
  EXPECT_EQ(h.Run({"ZSCAN", "k", "0", "TYPE", "zset"}), kSyntax);
  EXPECT_EQ(h.Run({"ZSCAN", "k", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"ZSCAN", "nokey", "0"}), Arr({Bulk("0"), "*0\r\n"}));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"ZSCAN", "s", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"ZSCAN", "s", "0"}), kWrongType);
  Config config;
  config.zset_max_listpack_entries = 0;
  CommandHarness sk(config);
  sk.Run({"ZADD", "u", "-0.0", "x", "123456789012345678", "g"});
  std::vector<std::string> items = BulksOf(sk.Run({"ZSCAN", "u", "0", "COUNT", "100"}));
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0], "0");
  std::vector<std::string> got(items.begin() + 1, items.end());
  std::vector<std::string> a = {got[0], got[1]}, b = {got[2], got[3]};
  std::vector<std::vector<std::string>> pairs = {a, b};
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs,
            (std::vector<std::vector<std::string>>{{"g", "1.2345678901234568e+17"}, {"x", "-0"}}));
}

TEST(ZSetCommands, ZScanOfALargeSetCoversEveryMember) {
  CommandHarness h;
  std::vector<std::string> add = {"ZADD", "k"};
  for (int i = 0; i < 500; ++i) {
    add.push_back(std::to_string(i));
    add.push_back("m" + std::to_string(i));
  }
  h.Run(add);
  std::vector<std::string> seen;
  std::string cursor = "0";
  do {
    std::vector<std::string> items = BulksOf(h.Run({"ZSCAN", "k", cursor, "COUNT", "20"}));
    cursor = items[0];
    for (size_t i = 1; i < items.size(); i += 2) seen.push_back(items[i]);
  } while (cursor != "0");
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 500u);
}

TEST(ZSetCommands, EncodingConvertsPastConfiguredLimits) {
  Config config;
  config.zset_max_listpack_entries = 3;
  config.zset_max_listpack_value = 8;
  CommandHarness h(config);
  h.Run({"ZADD", "k", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "k"}), Bulk("listpack"));
  h.Run({"ZADD", "k", "4", "d"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "k"}), Bulk("skiplist"));
  h.Run({"ZADD", "v", "1", "12345678"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("listpack"));
  h.Run({"ZADD", "v", "1", "123456789"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("skiplist"));
  h.Run({"ZADD", "w", "1", "123456789"});  // a too-long first member starts as a skiplist
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "w"}), Bulk("skiplist"));
  // Small STORE results are listpacks again.
  EXPECT_EQ(h.Run({"ZRANGESTORE", "d", "k", "0", "1"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "d", "1", "k"}), Int(4));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZRANGE", "k", "0", "-1"}), BulkArr({"a", "b", "c", "d"}));
}

TEST(ZSetCommands, WrongTypeEverywhere) {
  CommandHarness h;
  h.Run({"SET", "s", "v"});
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"ZINCRBY", "s", "1", "a"},
                                             {"ZREM", "s", "a"},
                                             {"ZSCORE", "s", "a"},
                                             {"ZMSCORE", "s", "a"},
                                             {"ZCARD", "s"},
                                             {"ZCOUNT", "s", "0", "1"},
                                             {"ZLEXCOUNT", "s", "-", "+"},
                                             {"ZRANK", "s", "a"},
                                             {"ZREVRANGE", "s", "0", "1"},
                                             {"ZRANGEBYLEX", "s", "-", "+"},
                                             {"ZREMRANGEBYRANK", "s", "0", "1"},
                                             {"ZPOPMIN", "s"},
                                             {"ZRANDMEMBER", "s"},
                                             {"ZRANDMEMBER", "s", "2"},
                                             {"ZINTERCARD", "1", "s"},
                                             {"ZDIFF", "1", "s"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
}

TEST(ZSetCommands, KeyPositionsForMovableCommands) {
  CommandHarness h;
  auto keys = [&](std::vector<std::string_view> args) {
    std::vector<int> idx;
    const CommandSpec* spec = h.server().commands.Find(args[0]);
    EXPECT_NE(spec, nullptr);
    if (!CommandTable::ExtractKeys(*spec, args, &idx)) return std::vector<int>{-1};
    return idx;
  };
  EXPECT_EQ(keys({"ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"}),
            (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(keys({"ZMPOP", "2", "a", "b", "MIN"}), (std::vector<int>{2, 3}));
  EXPECT_EQ(keys({"BZMPOP", "0", "2", "a", "b", "MIN"}), (std::vector<int>{3, 4}));
  EXPECT_EQ(keys({"ZRANGESTORE", "d", "s", "0", "1"}), (std::vector<int>{1, 2}));
  EXPECT_EQ(keys({"BZPOPMIN", "a", "b", "0"}), (std::vector<int>{1, 2}));
  EXPECT_EQ(keys({"ZINTERCARD", "2", "a", "b"}), (std::vector<int>{2, 3}));
  EXPECT_EQ(keys({"ZUNION", "3", "a", "b"}), (std::vector<int>{-1}));
}

// INFO's rdb_changes_since_last_save counts every member ZADD adds or updates, as redis-server does.
TEST(ZSetCommands, ZAddCountsEveryChangedMember) {
  CommandHarness h;
  const uint64_t start = h.server().dirty;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.server().dirty - start, 3u);
  h.Run({"ZADD", "z", "1", "a", "5", "b", "6", "d"});  // a unchanged, b updated, d added
  EXPECT_EQ(h.server().dirty - start, 5u);
  h.Run({"ZADD", "z", "NX", "1", "a"});
  EXPECT_EQ(h.server().dirty - start, 5u);
}

}  // namespace
}  // namespace slotd::test
