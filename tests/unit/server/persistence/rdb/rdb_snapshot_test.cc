// Whole RDB files: loading redis-server 7.0.15's files (tests/data/rdb) with every type,
// encoding, expiry and hint; write-then-load round trips; refusal of streams and functions; and
// clean rejection of every truncation and single-bit flip.
#include "server/persistence/rdb/rdb_snapshot.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server/config/config.h"
#include "tests/unit/server/persistence/rdb/rdb_test_util.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::rdb {
namespace {

using slotd::test::Arr;
using slotd::test::Bulk;
using slotd::test::BulkArr;
using slotd::test::CommandHarness;
using slotd::test::Int;
using test::ReadGolden;

constexpr int64_t kFar = 4102444800000;  // make_golden.py's expiry for keys that must survive

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<LoadResult> LoadInto(CommandHarness& h, std::string_view image, bool drop_expired = true) {
  h.SetTime(WallMs());
  LoadOptions options;
  options.now_ms = h.now();
  options.drop_expired = drop_expired;
  return LoadSnapshot(image, h.server().dbs, h.server().config, options);
}

std::string Save(CommandHarness& h, const WriteOptions& options = {}) {
  std::string out;
  bool ok = WriteSnapshot(h.server().dbs, SnapshotInfo{}, [&](std::string_view chunk) {
    out.append(chunk);
    return true;
  }, options);
  EXPECT_TRUE(ok);
  return out;
}

TEST(RdbLoad, RedisFileWithEveryCompactEncoding) {
  CommandHarness h;
  auto loaded = LoadInto(h, ReadGolden("small_encodings.rdb"));
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 15u);
  EXPECT_EQ(loaded->keys_expired, 1u);  // "gone" had expired before SAVE
  EXPECT_EQ(loaded->redis_ver, "7.0.15");
  EXPECT_GT(loaded->ctime, 1600000000);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(14));
  EXPECT_EQ(h.Run({"GET", "str"}), Bulk("hello"));
  EXPECT_EQ(h.Run({"GET", "int16"}), Bulk("-3000"));
  EXPECT_EQ(h.Run({"GET", "bigint"}), Bulk("12345678901234"));
  EXPECT_EQ(h.Run({"GET", "lzf"}), Bulk(std::string(100, 'a')));
  EXPECT_EQ(h.Run({"GET", "empty"}), Bulk(""));
  EXPECT_EQ(h.Run({"GET", "notint"}), Bulk("007"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "int32"}), Bulk("int"));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "ttl"}), Int(kFar));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "hash"}), Int(kFar + 1));
  EXPECT_EQ(h.Run({"LRANGE", "list", "0", "-1"}),
            BulkArr({"a", "b", "c", "1", "-2", "300", "70000", std::string(100, 'x')}));
  EXPECT_EQ(h.Run({"SMEMBERS", "iset"}), BulkArr({"-100", "1", "2", "3", "70000"}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "iset"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "sset"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SMISMEMBER", "sset", "x", "y", "z"}), Arr({Int(1), Int(1), Int(1)}));
  EXPECT_EQ(h.Run({"HGETALL", "hash"}),
            BulkArr({"f1", "v1", "f2", "2", "f3", std::string(30, 'y')}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "hash"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}),
            BulkArr({"c", "-inf", "d", "0.10000000000000001", "a", "1", "b", "2.5", "e", "100"}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "zset"}), Bulk("listpack"));
  h.Run({"SELECT", "1"});
  EXPECT_EQ(h.Run({"GET", "db1key"}), Bulk("in db 1"));
}

TEST(RdbLoad, ReplicaKeepsKeysThatHaveExpired) {
  CommandHarness h;
  auto loaded = LoadInto(h, ReadGolden("small_encodings.rdb"), /*drop_expired=*/false);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 16u);
  EXPECT_EQ(loaded->keys_expired, 0u);
}

TEST(RdbLoad, BigEncodingsFollowTheLoadingServersThresholds) {
  Config low;
  low.hash_max_listpack_entries = 2;
  low.zset_max_listpack_entries = 2;
  low.set_max_intset_entries = 2;
  CommandHarness h(low);
  auto loaded = LoadInto(h, ReadGolden("large_encodings.rdb"));
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "hash"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "set"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "iset"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "zset"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"HGET", "hash", "field3"}), Bulk("value3"));
  EXPECT_EQ(h.Run({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}),
            BulkArr({"z0", "0", "z1", "1.5", "z2", "3", "z3", "4.5", "z4", "6"}));
  EXPECT_EQ(h.Run({"LRANGE", "list", "0", "-1"}),
            BulkArr({"e0", "e1", "e2", "e3", "e4", "e5", "e6"}));

  CommandHarness defaults;  // Redis converts small collections back to compact encodings
  ASSERT_TRUE(LoadInto(defaults, ReadGolden("large_encodings.rdb")));
  EXPECT_EQ(defaults.Run({"OBJECT", "ENCODING", "hash"}), Bulk("listpack"));
  EXPECT_EQ(defaults.Run({"OBJECT", "ENCODING", "iset"}), Bulk("intset"));
  EXPECT_EQ(defaults.Run({"OBJECT", "ENCODING", "zset"}), Bulk("listpack"));
}

TEST(RdbLoad, UncompressedFileWithZeroChecksum) {
  CommandHarness h;
  auto loaded = LoadInto(h, ReadGolden("no_compression_no_checksum.rdb"));
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 15u);
  EXPECT_EQ(h.Run({"GET", "lzf"}), Bulk(std::string(100, 'a')));
}

TEST(RdbLoad, LfuHintsSetTheCounters) {
  Config lfu;
  lfu.maxmemory_policy = MaxmemoryPolicy::kAllkeysLfu;
  CommandHarness h(lfu);
  ASSERT_TRUE(LoadInto(h, ReadGolden("lfu_hints.rdb")));
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "hot"}), Int(8));
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "cold"}), Int(5));
}

TEST(RdbLoad, StreamsAndFunctionsAreRefusedByName) {
  CommandHarness h;
  auto stream = LoadInto(h, ReadGolden("stream.rdb"));
  ASSERT_FALSE(stream);
  EXPECT_NE(stream.error().find("key 'stream'"), std::string::npos) << stream.error();
  EXPECT_NE(stream.error().find("is a stream (type 19)"), std::string::npos) << stream.error();
  CommandHarness h2;
  auto function = LoadInto(h2, ReadGolden("function.rdb"));
  ASSERT_FALSE(function);
  EXPECT_NE(function.error().find("Functions"), std::string::npos) << function.error();
}

TEST(RdbLoad, UnknownTypeIsNamedWithItsOffset) {
  std::string image = "REDIS0010";
  image.append("\xfe\x00\x16\x01k", 5);
  CommandHarness h;
  auto loaded = LoadInto(h, image);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("unknown value type 22"), std::string::npos) << loaded.error();
  EXPECT_NE(loaded.error().find("at offset 11"), std::string::npos) << loaded.error();
}

TEST(RdbLoad, TooManyDatabasesIsFatal) {
  std::string image = "REDIS0010";
  image += "\xfe\x10";  // SELECTDB 16
  CommandHarness h;
  auto loaded = LoadInto(h, image);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("more than 16 databases"), std::string::npos) << loaded.error();
}

TEST(RdbLoad, EveryTruncationIsRejected) {
  for (const char* name : {"small_encodings.rdb", "large_encodings.rdb", "lfu_hints.rdb",
                           "no_compression_no_checksum.rdb"}) {
    std::string image = ReadGolden(name);
    for (size_t len = 0; len < image.size(); ++len) {
      CommandHarness h;
      EXPECT_FALSE(LoadInto(h, std::string_view(image).substr(0, len))) << name << " " << len;
    }
  }
}

TEST(RdbLoad, EverySingleBitFlipIsRejectedByTheChecksum) {
  std::string image = ReadGolden("small_encodings.rdb");
  CommandHarness h;
  for (size_t i = 0; i < image.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = image;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      for (auto& db : h.server().dbs) db->Clear();
      EXPECT_FALSE(LoadInto(h, flipped)) << i << ":" << bit;
    }
  }
}

TEST(RdbLoad, BitFlipsWithoutChecksumNeverCrash) {
  std::string image = ReadGolden("no_compression_no_checksum.rdb");
  CommandHarness h;
  size_t accepted = 0;
  for (size_t i = 0; i < image.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = image;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      for (auto& db : h.server().dbs) db->Clear();
      if (LoadInto(h, flipped)) ++accepted;
    }
  }
  // Flips inside string bytes stay loadable; structural flips are refused.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, image.size() * 8);
}

// Thresholds low enough that the "big*" keys take the large encodings; the loading server uses
// the same configuration, as a restarted server would.
void FillEveryEncoding(CommandHarness& h) {
  h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"});
  h.Run({"CONFIG", "SET", "zset-max-listpack-entries", "2"});
  h.Run({"CONFIG", "SET", "set-max-intset-entries", "3"});
  h.Run({"SET", "str", "hello"});
  h.Run({"SET", "int", "-99"});
  h.Run({"SET", "long", std::string(500, 'L')});
  h.Run({"RPUSH", "list", "a", "1", std::string(70, 'b'), "-5000"});
  h.Run({"SADD", "iset", "1", "2", "-3"});
  h.Run({"SADD", "sset", "a", "b"});
  h.Run({"HSET", "hash", "f", "v"});
  h.Run({"ZADD", "zset", "1.5", "m", "-2", "n"});
  h.Run({"PEXPIRE", "hash", "100000"});
  h.Run({"HSET", "bighash", "f", "v", "g", "w"});
  h.Run({"ZADD", "bigzset", "1.5", "m", "-2", "n", "inf", "o"});
  h.Run({"SADD", "bigiset", "1", "2", "3", "4"});
  h.Run({"SELECT", "3"});
  h.Run({"SET", "other", "db"});
  h.Run({"PEXPIRE", "other", "5000"});
  h.Run({"SELECT", "0"});
}

TEST(RdbWrite, RoundTripKeepsValuesEncodingsAndExpiries) {
  CommandHarness h;
  h.SetTime(WallMs());
  FillEveryEncoding(h);
  std::string image = Save(h, WriteOptions::From(h.server().config, h.now(), 1234567));
  ASSERT_EQ(image.substr(0, 9), "REDIS0010");
  CommandHarness back(h.server().config);
  auto loaded = LoadInto(back, image);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 12u);
  EXPECT_EQ(loaded->redis_ver, "7.0.15");
  EXPECT_EQ(loaded->used_mem, 1234567u);
  back.SetTime(h.now());
  for (const char* key : {"str", "int", "long", "list", "iset", "sset", "hash", "zset", "bighash",
                          "bigzset", "bigiset"}) {
    EXPECT_EQ(back.Run({"OBJECT", "ENCODING", key}), h.Run({"OBJECT", "ENCODING", key})) << key;
    if (std::string_view(key).substr(0, 3) != "big") {
      EXPECT_EQ(back.Run({"DUMP", key}), h.Run({"DUMP", key})) << key;
    }
  }
  EXPECT_EQ(back.Run({"PEXPIRETIME", "hash"}), h.Run({"PEXPIRETIME", "hash"}));
  EXPECT_EQ(back.Run({"ZRANGE", "bigzset", "0", "-1", "WITHSCORES"}),
            BulkArr({"n", "-2", "m", "1.5", "o", "inf"}));
  back.Run({"SELECT", "3"});
  EXPECT_EQ(back.Run({"GET", "other"}), Bulk("db"));
  EXPECT_EQ(back.Run({"PTTL", "other"}), Int(5000));
}

TEST(RdbWrite, ReplicationAuxFieldsRoundTrip) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  SnapshotInfo info;
  info.repl_id = std::string(40, 'a');
  info.repl_offset = 123456789;
  info.repl_stream_db = 2;
  info.aof_base = true;
  std::string image;
  ASSERT_TRUE(WriteSnapshot(h.server().dbs, info, [&](std::string_view chunk) {
    image.append(chunk);
    return true;
  }));
  CommandHarness back;
  auto loaded = LoadInto(back, image);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->info.repl_id, info.repl_id);
  EXPECT_EQ(loaded->info.repl_offset, 123456789);
  EXPECT_EQ(loaded->info.repl_stream_db, 2);
  EXPECT_TRUE(loaded->info.aof_base);
}

TEST(RdbWrite, EmptyServerIsHeaderAuxEofAndChecksum) {
  CommandHarness h;
  std::string image = Save(h);
  EXPECT_EQ(image.find("\xfe"), std::string::npos);  // no SELECTDB
  EXPECT_EQ(static_cast<uint8_t>(image[image.size() - 9]), 0xFF);
  CommandHarness back;
  auto loaded = LoadInto(back, image);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 0u);
}

TEST(RdbWrite, LargeDatasetStreamsInChunksAndStopsOnSinkFailure) {
  CommandHarness h;
  for (int i = 0; i < 20000; ++i) {
    h.Run({"SET", "key:" + std::to_string(i), std::string(20, 'v') + std::to_string(i)});
  }
  std::vector<size_t> chunks;
  std::string image;
  ASSERT_TRUE(WriteSnapshot(h.server().dbs, SnapshotInfo{}, [&](std::string_view chunk) {
    chunks.push_back(chunk.size());
    image.append(chunk);
    return true;
  }));
  EXPECT_GT(chunks.size(), 3u);
  for (size_t c : chunks) EXPECT_LE(c, 70u * 1024);
  CommandHarness back;
  auto loaded = LoadInto(back, image);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, 20000u);
  EXPECT_EQ(back.Run({"GET", "key:777"}), Bulk(std::string(20, 'v') + "777"));

  int calls = 0;
  EXPECT_FALSE(WriteSnapshot(h.server().dbs, SnapshotInfo{}, [&](std::string_view) {
    return ++calls < 2;
  }));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace slotd::rdb
