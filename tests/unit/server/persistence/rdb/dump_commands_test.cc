// DUMP and RESTORE through the command table: payloads byte-identical to redis-server 7.0.15's
// (tests/data/rdb/dumps.txt), Redis payloads restoring with the right values and encodings, and
// every option and error text of RESTORE.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/server/persistence/rdb/rdb_test_util.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using rdb::test::GoldenDumps;
using test::Arr;
using test::Bulk;
using test::BulkArr;
using test::Err;
using test::Int;
using test::NullBulk;
using test::Simple;

// The same commands make_golden.py's fill_small and fill_dumps ran against redis-server.
void FillLikeGolden(test::CommandHarness& h) {
  h.Run({"SET", "str", "hello"});
  h.Run({"SET", "int8", "100"});
  h.Run({"SET", "int16", "-3000"});
  h.Run({"SET", "int32", "70000"});
  h.Run({"SET", "bigint", "12345678901234"});
  h.Run({"SET", "lzf", std::string(100, 'a')});
  h.Run({"SET", "empty", ""});
  h.Run({"SET", "notint", "007"});
  h.Run({"RPUSH", "list", "a", "b", "c", "1", "-2", "300", "70000", std::string(100, 'x')});
  h.Run({"SADD", "iset", "1", "2", "3", "-100", "70000"});
  h.Run({"SADD", "sset", "x", "y", "z"});
  h.Run({"HSET", "hash", "f1", "v1", "f2", "2", "f3", std::string(30, 'y')});
  h.Run({"ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c", "0.1", "d", "100", "e"});
  h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "2"});
  h.Run({"CONFIG", "SET", "zset-max-listpack-entries", "2"});
  h.Run({"HSET", "bighash", "a", "1", "b", "2", "c", "3"});
  h.Run({"ZADD", "bigzset", "1", "a", "2", "b", "3", "c"});
}

TEST(DumpCommand, PayloadsAreByteIdenticalToRedis) {
  test::CommandHarness h;
  FillLikeGolden(h);
  auto golden = GoldenDumps();
  // sset and bighash are hash tables: their member order is the table's, not part of the format.
  for (const char* key : {"str", "int8", "int16", "int32", "bigint", "lzf", "empty", "notint",
                          "list", "iset", "hash", "zset", "bigzset"}) {
    ASSERT_TRUE(golden.count(key)) << key;
    EXPECT_EQ(h.Run({"DUMP", key}), Bulk(golden[key])) << key;
  }
}

TEST(DumpCommand, MissingKeyIsNull) {
  test::CommandHarness h;
  EXPECT_EQ(h.Run({"DUMP", "nope"}), NullBulk());
}

TEST(RestoreCommand, RedisPayloadsRestoreWithValuesAndEncodings) {
  test::CommandHarness h;
  auto golden = GoldenDumps();
  for (auto& [name, payload] : golden) {
    EXPECT_EQ(h.Run({"RESTORE", "r:" + name, "0", payload}), Simple("OK")) << name;
  }
  EXPECT_EQ(h.Run({"GET", "r:lzf"}), Bulk(std::string(100, 'a')));
  EXPECT_EQ(h.Run({"GET", "r:int16"}), Bulk("-3000"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:int32"}), Bulk("int"));
  EXPECT_EQ(h.Run({"GET", "r:empty"}), Bulk(""));
  EXPECT_EQ(h.Run({"GET", "r:notint"}), Bulk("007"));
  EXPECT_EQ(h.Run({"LRANGE", "r:list", "0", "-1"}),
            BulkArr({"a", "b", "c", "1", "-2", "300", "70000", std::string(100, 'x')}));
  EXPECT_EQ(h.Run({"SMEMBERS", "r:iset"}), BulkArr({"-100", "1", "2", "3", "70000"}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:iset"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SCARD", "r:sset"}), Int(3));
  EXPECT_EQ(h.Run({"SMISMEMBER", "r:sset", "x", "y", "z"}), Arr({Int(1), Int(1), Int(1)}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:sset"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"HGETALL", "r:hash"}),
            BulkArr({"f1", "v1", "f2", "2", "f3", std::string(30, 'y')}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:hash"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"ZRANGE", "r:zset", "0", "-1", "WITHSCORES"}),
            BulkArr({"c", "-inf", "d", "0.10000000000000001", "a", "1", "b", "2.5", "e", "100"}));
  // Loaded values take this server's thresholds (the defaults): listpack again, as in Redis.
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:bighash"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"HGET", "r:bighash", "c"}), Bulk("3"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "r:bigzset"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"ZSCORE", "r:bigzset", "b"}), Bulk("2"));
}

TEST(RestoreCommand, RestoredValueTakesThresholdsOfThisServer) {
  test::CommandHarness h;
  auto golden = GoldenDumps();
  h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"});
  h.Run({"CONFIG", "SET", "zset-max-listpack-entries", "1"});
  h.Run({"CONFIG", "SET", "set-max-intset-entries", "1"});
  EXPECT_EQ(h.Run({"RESTORE", "h", "0", golden["hash"]}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"RESTORE", "z", "0", golden["zset"]}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"RESTORE", "s", "0", golden["iset"]}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("hashtable"));
}

TEST(RestoreCommand, ExistingKeyIsBusyUnlessReplace) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["str"];
  h.Run({"SET", "k", "old"});
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload}), Err("BUSYKEY Target key name already exists."));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "REPLACE"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("hello"));
}

TEST(RestoreCommand, TtlRelativeAndAbsolute) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["str"];
  EXPECT_EQ(h.Run({"RESTORE", "a", "5000", payload}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "a"}), Int(5000));
  std::string at = std::to_string(h.now() + 7000);
  EXPECT_EQ(h.Run({"RESTORE", "b", at, payload, "ABSTTL"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "b"}), Int(7000));
  // An absolute time already past: OK, but nothing is stored.
  EXPECT_EQ(h.Run({"RESTORE", "c", "1", payload, "ABSTTL"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "c"}), Int(0));
}

TEST(RestoreCommand, PastTtlWithReplaceDeletesTheOldKeyAndPropagatesDel) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["str"];
  h.Run({"SET", "k", "old"});
  h.CapturePropagation();
  EXPECT_EQ(h.Run({"RESTORE", "k", "1", payload, "ABSTTL", "REPLACE"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  auto propagated = h.TakePropagated();
  ASSERT_EQ(propagated.size(), 1u);
  EXPECT_EQ(propagated[0], "0:DEL k");
}

TEST(RestoreCommand, RelativeTtlPropagatesAsAbsttl) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["int8"];
  h.CapturePropagation();
  EXPECT_EQ(h.Run({"RESTORE", "k", "1000", payload}), Simple("OK"));
  auto propagated = h.TakePropagated();
  ASSERT_EQ(propagated.size(), 1u);
  EXPECT_EQ(propagated[0], "0:RESTORE k " + std::to_string(h.now() + 1000) + " " + payload +
                               " ABSTTL");
}

TEST(RestoreCommand, OptionErrorsMatchRedis) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["str"];
  EXPECT_EQ(h.Run({"RESTORE", "k", "-1", payload}), Err("ERR Invalid TTL value, must be >= 0"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "x", payload}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "IDLETIME", "-1"}),
            Err("ERR Invalid IDLETIME value, must be >= 0"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "FREQ", "256"}),
            Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "FREQ", "-1"}),
            Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "IDLETIME", "1", "FREQ", "1"}),
            Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "IDLETIME"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "BOGUS"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0"}),
            Err("ERR wrong number of arguments for 'restore' command"));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(RestoreCommand, IdletimeSetsTheIdleTime) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["str"];
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "IDLETIME", "1000"}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "IDLETIME", "k"}), Int(1000));
}

TEST(RestoreCommand, FreqSetsTheCounterUnderLfu) {
  test::CommandHarness h;
  h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
  std::string payload = GoldenDumps()["str"];
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "FREQ", "77"}), Simple("OK"));
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "k"}), Int(77));
}

TEST(RestoreCommand, CorruptPayloadsAreRejected) {
  test::CommandHarness h;
  std::string payload = GoldenDumps()["list"];
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", "short"}),
            Err("ERR DUMP payload version or checksum are wrong"));
  std::string flipped = payload;
  flipped[5] ^= 0x40;
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", flipped}),
            Err("ERR DUMP payload version or checksum are wrong"));
  std::string newer = payload;
  newer[newer.size() - 10] = 11;  // RDB version 11 (Redis 7.2)
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", newer}),
            Err("ERR DUMP payload version or checksum are wrong"));
  // Valid footers around bodies that are not values: an unknown type, an empty intset blob.
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", rdb::test::Unhex("150a00648f6aad99f52863")}),
            Err("ERR Bad data format"));
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", rdb::test::Unhex("0b000a00a0f8d58da93bb7ae")}),
            Err("ERR Bad data format"));
}

TEST(RestoreCommand, RoundTripsEveryEncoding) {
  test::CommandHarness h;
  for (const char* option : {"hash-max-listpack-entries", "zset-max-listpack-entries",
                             "set-max-intset-entries"}) {
    h.Run({"CONFIG", "SET", option, "3"});
  }
  h.Run({"CONFIG", "SET", "list-max-listpack-size", "2"});
  h.Run({"SET", "str", "hello"});
  h.Run({"SET", "int", "-123456"});
  h.Run({"SET", "lzf", std::string(50, 'q') + "tail"});
  h.Run({"RPUSH", "list", "a", "b", "c", "4", "5", std::string(300, 'x'), "-70000"});
  h.Run({"SADD", "iset", "1", "-2"});
  h.Run({"SADD", "bigiset", "1", "2", "3", "4"});
  h.Run({"SADD", "sset", "x", "y", "z", "w", "v"});
  h.Run({"HSET", "hash", "f", "v", "n", "12"});
  h.Run({"HSET", "bighash", "a", "1", "b", "2", "c", "3", "d", std::string(100, 'd')});
  h.Run({"ZADD", "zset", "1", "a", "-2.25", "b"});
  h.Run({"ZADD", "bigzset", "1", "a", "2", "b", "3", "c", "+inf", "d", "-0.5", "e"});
  for (const char* key : {"str", "int", "lzf", "list", "iset", "bigiset", "sset", "hash",
                          "bighash", "zset", "bigzset"}) {
    std::string dump = h.Run({"DUMP", key});
    std::string payload = dump.substr(dump.find("\r\n") + 2);
    payload.resize(payload.size() - 2);
    std::string copy = std::string("copy:") + key;
    EXPECT_EQ(h.Run({"RESTORE", copy, "0", payload}), Simple("OK")) << key;
    EXPECT_EQ(h.Run({"OBJECT", "ENCODING", copy}), h.Run({"OBJECT", "ENCODING", key})) << key;
    // Hash tables may come back in another order; everything else byte for byte.
    if (std::string_view(key) != "sset" && std::string_view(key) != "bighash") {
      EXPECT_EQ(h.Run({"DUMP", copy}), dump) << key;
    }
  }
  EXPECT_EQ(h.Run({"LRANGE", "copy:list", "0", "-1"}),
            BulkArr({"a", "b", "c", "4", "5", std::string(300, 'x'), "-70000"}));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "sset", "copy:sset"}), Int(5));
  EXPECT_EQ(h.Run({"HGET", "copy:bighash", "d"}), Bulk(std::string(100, 'd')));
  EXPECT_EQ(h.Run({"ZRANGE", "copy:bigzset", "0", "-1", "WITHSCORES"}),
            BulkArr({"e", "-0.5", "a", "1", "b", "2", "c", "3", "d", "inf"}));
}

}  // namespace
}  // namespace slotd
