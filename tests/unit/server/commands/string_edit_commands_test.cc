// String edits and partial reads: INCR DECR INCRBY DECRBY INCRBYFLOAT APPEND SETRANGE GETRANGE
// SUBSTR STRLEN, and LCS. Every expected reply was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/keyspace_test_util.h"

namespace slotd::test {
namespace {

const std::string kNotFloat = Err("ERR value is not a valid float");
const std::string kTooLong = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

TEST(StringEditCommands, IncrDecrFamily) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"INCR", "n"}), Int(1));
  EXPECT_EQ(h.Run({"INCRBY", "n", "10"}), Int(11));
  EXPECT_EQ(h.Run({"DECR", "n"}), Int(10));
  EXPECT_EQ(h.Run({"DECRBY", "n", "25"}), Int(-15));
  EXPECT_EQ(h.Run({"INCRBY", "n", "-5"}), Int(-20));
  EXPECT_EQ(h.Run({"GET", "n"}), Bulk("-20"));
  EXPECT_EQ(h.Run({"DECR", "fresh"}), Int(-1));
}

TEST(StringEditCommands, IncrKeepsTheTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "n", "5", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCR", "n"}), Int(6));
  EXPECT_EQ(h.Run({"TTL", "n"}), Int(100));
}

TEST(StringEditCommands, IncrOverflowIsRefused) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "n", "9223372036854775806"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCR", "n"}), Int(9223372036854775807));
  EXPECT_EQ(h.Run({"INCR", "n"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"SET", "m", "-9223372036854775807"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DECRBY", "m", "2"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"DECRBY", "m", "-9223372036854775808"}), Err("ERR decrement would overflow"));
  EXPECT_EQ(h.Run({"GET", "n"}), Bulk("9223372036854775807"));
}

TEST(StringEditCommands, IncrRejectsNonIntegers) {
  CommandHarness h;
  for (const char* stored : {"abc", " 1", "+1", "01", "1.5", "", "99999999999999999999"}) {
    EXPECT_EQ(h.Run({"SET", "s", stored}), Simple("OK"));
    EXPECT_EQ(h.Run({"INCR", "s"}), kNotIntegerErr) << stored;
  }
  EXPECT_EQ(h.Run({"INCRBY", "x", "1.5"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"INCRBY", "x", " 1"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"DECRBY", "x", "9223372036854775808"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"EXISTS", "x"}), Int(0));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"INCR", "l"}), kWrongTypeErr);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "l", "1"}), kWrongTypeErr);
}

TEST(StringEditCommands, IncrByFloatFormatsLikeRedis) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "10.5"}), Bulk("10.5"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "3.0e3"}), Bulk("3010.5"));
  EXPECT_EQ(h.Run({"SET", "g", "1.1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "2.2"}), Bulk("3.3"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "z", "-0.0"}), Bulk("0"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "z", "1e20"}), Bulk("100000000000000000000"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "p", "1.23456789012345678901"}), Bulk("1.23456789012345679"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "tiny", "5.0e-20"}), Bulk("0"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "hex", "0x10"}), Bulk("16"));
  EXPECT_EQ(h.Run({"SET", "i", "10"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "i", "0.1"}), Bulk("10.1"));
  EXPECT_EQ(h.Run({"SET", "big", "9223372036854775807"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "big", "1"}), Bulk("9223372036854775808"));
  EXPECT_EQ(h.Run({"GET", "g"}), Bulk("3.3"));
}

TEST(StringEditCommands, IncrByFloatErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "abc"}), kNotFloat);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", " 1"}), kNotFloat);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1 "}), kNotFloat);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(h.Run({"EXISTS", "f"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "abc"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "s", "1"}), kNotFloat);
}

// DISABLED until ParseLongDouble (arg_parse.cc) rejects ERANGE like Redis's string2ld: today 1e5000
// parses as inf and 1e-5000 as 0.
TEST(StringEditCommands, IncrByFloatRejectsOutOfRangeLiterals) {
  CommandHarness h;
  // strtold overflow and underflow to zero are "not a valid float" in Redis (string2ld checks
  // ERANGE).
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1e5000"}), kNotFloat);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1e-5000"}), kNotFloat);
}

TEST(StringEditCommands, AppendCreatesOrExtendsAndKeepsTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"APPEND", "a", "hello"}), Int(5));
  EXPECT_EQ(h.Run({"EXPIRE", "a", "100"}), Int(1));
  EXPECT_EQ(h.Run({"APPEND", "a", " world"}), Int(11));
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("hello world"));
  EXPECT_EQ(h.Run({"TTL", "a"}), Int(100));
  EXPECT_EQ(h.Run({"APPEND", "e", ""}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "e"}), Int(1));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"APPEND", "l", "x"}), kWrongTypeErr);
}

TEST(StringEditCommands, AppendAndSetRangeRespectProtoMaxBulkLen) {
  Config config;
  config.proto_max_bulk_len = 10;
  CommandHarness h(config);
  EXPECT_EQ(h.Run({"APPEND", "a", "12345678"}), Int(8));
  EXPECT_EQ(h.Run({"APPEND", "a", "90"}), Int(10));
  EXPECT_EQ(h.Run({"APPEND", "a", "x"}), kTooLong);
  EXPECT_EQ(h.Run({"SETRANGE", "a", "9", "x"}), Int(10));
  EXPECT_EQ(h.Run({"SETRANGE", "a", "10", "x"}), kTooLong);
  EXPECT_EQ(h.Run({"SETRANGE", "n", "8", "abc"}), kTooLong);
  EXPECT_EQ(h.Run({"EXISTS", "n"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("123456789x"));
}

TEST(StringEditCommands, SetRangePadsWithZeroBytes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SETRANGE", "s", "5", "abc"}), Int(8));
  EXPECT_EQ(h.Run({"GET", "s"}), Bulk(std::string("\0\0\0\0\0abc", 8)));
  EXPECT_EQ(h.Run({"SETRANGE", "s", "1", "XY"}), Int(8));
  EXPECT_EQ(h.Run({"GET", "s"}), Bulk(std::string("\0XY\0\0abc", 8)));
  EXPECT_EQ(h.Run({"SET", "w", "Hello World"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SETRANGE", "w", "6", "Redis"}), Int(11));
  EXPECT_EQ(h.Run({"GET", "w"}), Bulk("Hello Redis"));
}

TEST(StringEditCommands, SetRangeEdgeCases) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SETRANGE", "nosr", "0", ""}), Int(0));  // writes nothing, creates nothing
  EXPECT_EQ(h.Run({"EXISTS", "nosr"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "abc"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SETRANGE", "s", "100", ""}), Int(3));
  EXPECT_EQ(h.Run({"SETRANGE", "s", "-1", "x"}), Err("ERR offset is out of range"));
  EXPECT_EQ(h.Run({"SETRANGE", "s", "abc", "x"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"SETRANGE", "s", "536870912", "x"}), kTooLong);  // 512 MB default limit
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"SETRANGE", "l", "0", "x"}), kWrongTypeErr);
}

TEST(StringEditCommands, GetRangeIndexes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "g", "This is a string"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "0", "3"}), Bulk("This"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "-3", "-1"}), Bulk("ing"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "0", "-1"}), Bulk("This is a string"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "10", "100"}), Bulk("string"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "-1", "-5"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "5", "3"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "-100", "-50"}), Bulk("T"));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "100", "200"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "g", "-9223372036854775808", "9223372036854775807"}),
            Bulk("This is a string"));
  EXPECT_EQ(h.Run({"SUBSTR", "g", "0", "3"}), Bulk("This"));
  EXPECT_EQ(h.Run({"SET", "i", "12345"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETRANGE", "i", "1", "2"}), Bulk("23"));
  EXPECT_EQ(h.Run({"SET", "e", ""}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETRANGE", "e", "0", "-1"}), Bulk(""));
}

TEST(StringEditCommands, GetRangeErrorsAndMissingKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"GETRANGE", "nokey", "0", "1"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "nokey", "x", "1"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"GETRANGE", "nokey", "0", "x"}), kNotIntegerErr);
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"GETRANGE", "l", "0", "1"}), kWrongTypeErr);
}

TEST(StringEditCommands, StrLen) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"STRLEN", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "hello"}), Simple("OK"));
  EXPECT_EQ(h.Run({"STRLEN", "k"}), Int(5));
  EXPECT_EQ(h.Run({"SET", "n", "-123"}), Simple("OK"));
  EXPECT_EQ(h.Run({"STRLEN", "n"}), Int(4));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"STRLEN", "l"}), kWrongTypeErr);
}

TEST(StringEditCommands, LcsStringAndLength) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2"}), Bulk("mytext"));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "LEN"}), Int(6));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "withmatchlen"}), Bulk("mytext"));
  EXPECT_EQ(h.Run({"LCS", "nokey", "key2"}), Bulk(""));
}

TEST(StringEditCommands, LcsIdxReportsMatchRanges) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}), Simple("OK"));
  auto range = [](int64_t a, int64_t b) { return Arr({Int(a), Int(b)}); };
  EXPECT_EQ(
      h.Run({"LCS", "key1", "key2", "IDX"}),
      Arr({Bulk("matches"), Arr({Arr({range(4, 7), range(5, 8)}), Arr({range(2, 3), range(0, 1)})}),
           Bulk("len"), Int(6)}));
  EXPECT_EQ(
      h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
      Arr({Bulk("matches"), Arr({Arr({range(4, 7), range(5, 8), Int(4)})}), Bulk("len"), Int(6)}));
  EXPECT_EQ(h.Run({"LCS", "nokey", "key2", "IDX"}),
            Arr({Bulk("matches"), Arr({}), Bulk("len"), Int(0)}));
  h.client().reply.set_protocol(3);
  std::string resp3 = h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"});
  EXPECT_EQ(resp3.substr(0, 4), "%2\r\n");
}

TEST(StringEditCommands, LcsErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "key1", "a", "key2", "b"}), Simple("OK"));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "IDX", "LEN"}),
            Err("ERR If you want both the length and indexes, please just use IDX."));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "MINMATCHLEN"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LCS", "key1", "key2", "MINMATCHLEN", "x"}), kNotIntegerErr);
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"LCS", "l", "key1"}), Err("ERR The specified keys must contain string values"));
}

TEST(StringEditCommands, LcsTableIsBoundedByProtoMaxBulkLen) {
  Config config;
  config.proto_max_bulk_len = 1000;
  CommandHarness h(config);
  EXPECT_EQ(h.Run({"MSET", "a", std::string(20, 'x'), "b", std::string(20, 'x')}), Simple("OK"));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "LEN"}),
            Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
}

// OBJECT ENCODING after each edit, as redis-server 7.0 reports it: APPEND and SETRANGE leave a raw
// string even when it looks like a number, INCR an int, INCRBYFLOAT an embstr.
TEST(StringEditCommands, EncodingAfterEditsMatchesRedis) {
  CommandHarness h;
  auto encoding = [&h] { return h.Run({"OBJECT", "ENCODING", "k"}); };
  EXPECT_EQ(h.Run({"SET", "k", "123"}), Simple("OK"));
  EXPECT_EQ(encoding(), Bulk("int"));
  EXPECT_EQ(h.Run({"APPEND", "k", "4"}), Int(4));
  EXPECT_EQ(encoding(), Bulk("raw"));
  EXPECT_EQ(h.Run({"INCR", "k"}), Int(1235));
  EXPECT_EQ(encoding(), Bulk("int"));
  EXPECT_EQ(h.Run({"APPEND", "k", ""}), Int(4));
  EXPECT_EQ(encoding(), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "k", "abc"}), Simple("OK"));
  EXPECT_EQ(encoding(), Bulk("embstr"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "1", ""}), Int(3));  // writes nothing: unchanged
  EXPECT_EQ(encoding(), Bulk("embstr"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "1", "x"}), Int(3));
  EXPECT_EQ(encoding(), Bulk("raw"));
  EXPECT_EQ(h.Run({"SET", "k", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "k", "1"}), Bulk("2"));
  EXPECT_EQ(encoding(), Bulk("embstr"));
  EXPECT_EQ(h.Run({"INCR", "k"}), Int(3));
  EXPECT_EQ(encoding(), Bulk("int"));
  EXPECT_EQ(h.Run({"DEL", "k"}), Int(1));
  EXPECT_EQ(h.Run({"APPEND", "k", "123"}), Int(3));  // a new key is stored as SET stores it
  EXPECT_EQ(encoding(), Bulk("int"));
  EXPECT_EQ(h.Run({"DEL", "k"}), Int(1));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "0", "12"}), Int(2));
  EXPECT_EQ(encoding(), Bulk("raw"));
  EXPECT_EQ(h.Run({"COPY", "k", "k2"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "k2"}), Bulk("raw"));
}

// Edits crossing the 16-byte inline limit and back keep every byte.
TEST(StringEditCommands, EditsAcrossTheInlineBoundaryKeepTheBytes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "0123456789abcde"}), Simple("OK"));
  EXPECT_EQ(h.Run({"APPEND", "k", "f"}), Int(16));
  EXPECT_EQ(h.Run({"APPEND", "k", "g"}), Int(17));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("0123456789abcdefg"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "20", "z"}), Int(21));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(std::string("0123456789abcdefg\0\0\0z", 21)));
  EXPECT_EQ(h.Run({"SET", "n", "12345678901234567"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INCRBY", "n", "-12345678901234560"}), Int(7));
  EXPECT_EQ(h.Run({"GET", "n"}), Bulk("7"));
  EXPECT_EQ(h.Run({"INCRBY", "n", "99999999999999999"}), Int(100000000000000006));
  EXPECT_EQ(h.Run({"GET", "n"}), Bulk("100000000000000006"));
}

}  // namespace
}  // namespace slotd::test
