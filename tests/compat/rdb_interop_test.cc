// RDB interoperability with redis-server 7.0: DUMP payloads restore across both servers (and are
// byte-identical where the format is deterministic), slotd's WriteSnapshot loads in redis-server,
// and redis-server's SAVE loads through LoadSnapshot, each showing the same values.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/persistence/rdb/rdb_snapshot.h"
#include "tests/compat/compat_fixture.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

using Args = std::vector<std::string>;

// Every type in both encodings (the "big*" keys cross the thresholds set first), expiries, LZF.
const Commands& Population() {
  static const Commands commands = {
      {"CONFIG", "SET", "hash-max-listpack-entries", "3"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "3"},
      {"CONFIG", "SET", "set-max-intset-entries", "3"},
      {"CONFIG", "SET", "list-max-listpack-size", "4"},
      {"SET", "str", "hello"},
      {"SET", "int", "-1234567"},
      {"SET", "lzf", std::string(200, 'a') + "end"},
      {"SET", "ttl", "v", "PXAT", "4102444800000"},
      {"RPUSH", "list", "a", "b", "1", "-70000", std::string(100, 'x'), "f", "g", "h", "i"},
      {"SADD", "iset", "5", "-1", "3"},
      {"SADD", "bigiset", "1", "2", "3", "4"},
      {"SADD", "sset", "x", "y", "z", "w"},
      {"HSET", "hash", "f", "v", "n", "42"},
      {"HSET", "bighash", "a", "1", "b", "2", "c", "3", "d", std::string(80, 'd')},
      {"ZADD", "zset", "1.5", "m", "-2", "n"},
      {"ZADD", "bigzset", "1", "a", "2", "b", "3", "c", "inf", "d", "0.1", "e"},
  };
  return commands;
}

// Reads that show each key's value and encoding, independent of hash-table order.
Commands Reads(const std::string& prefix) {
  auto k = [&](const char* name) { return prefix + name; };
  return {
      {"GET", k("str")}, {"GET", k("int")}, {"GET", k("lzf")}, {"OBJECT", "ENCODING", k("int")},
      {"PEXPIRETIME", k("ttl")}, {"LRANGE", k("list"), "0", "-1"}, {"SMEMBERS", k("iset")},
      {"OBJECT", "ENCODING", k("iset")}, {"SCARD", k("bigiset")},
      {"SMISMEMBER", k("bigiset"), "1", "2", "3", "4", "5"}, {"OBJECT", "ENCODING", k("bigiset")},
      {"SMISMEMBER", k("sset"), "x", "y", "z", "w", "v"}, {"OBJECT", "ENCODING", k("sset")},
      {"HGETALL", k("hash")}, {"OBJECT", "ENCODING", k("hash")},
      {"HMGET", k("bighash"), "a", "b", "c", "d", "e"}, {"HLEN", k("bighash")},
      {"OBJECT", "ENCODING", k("bighash")}, {"ZRANGE", k("zset"), "0", "-1", "WITHSCORES"},
      {"OBJECT", "ENCODING", k("zset")}, {"ZRANGE", k("bigzset"), "0", "-1", "WITHSCORES"},
      {"OBJECT", "ENCODING", k("bigzset")}, {"DBSIZE"},
  };
}

const std::vector<std::string> kKeys = {"str", "int", "lzf", "ttl", "list", "iset", "bigiset",
                                        "sset", "hash", "bighash", "zset", "bigzset"};

std::string BulkBody(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

void Populate(RawClient& c) {
  c.Call({"FLUSHALL"});
  for (const Args& command : Population()) c.Call(command);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(CompatTest, DumpPayloadsRestoreAcrossServers) {
  RawClient redis(redis_port_);
  RawClient slotd(slotd_port_);
  Populate(redis);
  Populate(slotd);
  for (const std::string& key : kKeys) {
    std::string from_redis = redis.Call({"DUMP", key});
    std::string from_slotd = slotd.Call({"DUMP", key});
    // Hash tables may iterate in another order; every other payload is byte-identical.
    if (key != "sset" && key != "bighash" && key != "bigiset") {
      EXPECT_EQ(from_slotd, from_redis) << key;
    }
    EXPECT_EQ(slotd.Call({"RESTORE", "r:" + key, "0", BulkBody(from_redis), "ABSTTL"}), "+OK\r\n");
    EXPECT_EQ(redis.Call({"RESTORE", "s:" + key, "0", BulkBody(from_slotd), "ABSTTL"}), "+OK\r\n");
  }
  for (const Args& read : Reads("r:")) {
    if (read[0] == "DBSIZE" || read[0] == "PEXPIRETIME") continue;
    Args original = read;
    for (auto& a : original) {
      if (a.rfind("r:", 0) == 0) a = a.substr(2);
    }
    Args on_redis = read;
    for (auto& a : on_redis) {
      if (a.rfind("r:", 0) == 0) a = "s:" + a.substr(2);
    }
    std::string expected = redis.Call(original);
    EXPECT_EQ(slotd.Call(read), expected) << read[0] << " " << read.back();
    EXPECT_EQ(redis.Call(on_redis), expected) << read[0] << " " << read.back();
  }
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST_F(CompatTest, DumpAndRestoreRepliesAndErrors) {
  const std::string hello = Unhex("000568656c6c6f0a006372df766534200a");  // DUMP of "hello"
  std::string bad_crc = hello;
  bad_crc.back() ^= 1;
  ExpectSameReplies({
      {"DUMP", "nope"}, {"RESTORE", "k", "0", hello}, {"GET", "k"}, {"RESTORE", "k", "0", hello},
      {"RESTORE", "k", "0", hello, "REPLACE"}, {"RESTORE", "k", "-5", hello, "REPLACE"},
      {"RESTORE", "k", "x", hello, "REPLACE"}, {"RESTORE", "k2", "0", bad_crc},
      {"RESTORE", "k2", "0", "junk"}, {"RESTORE", "k2", "0", hello, "IDLETIME", "-1"},
      {"RESTORE", "k2", "0", hello, "IDLETIME", "x"}, {"RESTORE", "k2", "0", hello, "FREQ", "300"},
      {"RESTORE", "k2", "0", hello, "FREQ", "1", "IDLETIME", "1"},
      {"RESTORE", "k2", "0", hello, "FREQ"},
      {"RESTORE", "k2", "0", hello, "ABSTTL", "NOPE"}, {"RESTORE", "k2", "1", hello, "ABSTTL"},
      {"EXISTS", "k2"}, {"RESTORE", "k2", "0", hello, "IDLETIME", "100", "REPLACE", "ABSTTL"},
      {"OBJECT", "IDLETIME", "k2"}, {"RESTORE", "k3", "100000", hello}, {"TTL", "k3"},
      {"RESTORE"}, {"RESTORE", "k"}, {"DUMP"}, {"DUMP", "a", "b"},
      {"RESTORE-ASKING", "k4", "0", hello}, {"GET", "k4"},
      {"COMMAND", "GETKEYS", "RESTORE", "key", "0", hello},
      {"COMMAND", "GETKEYS", "RESTORE-ASKING", "key", "0", hello},
  });
}

// Lists are cut into quicklist nodes by list-max-listpack-size exactly where Redis cuts them.
TEST_F(CompatTest, LongListDumpsAreByteIdentical) {
  RawClient redis(redis_port_);
  RawClient slotd(slotd_port_);
  for (const char* fill : {"-1", "-2", "-5", "7", "128"}) {
    for (RawClient* c : {&redis, &slotd}) {
      c->Call({"FLUSHALL"});
      c->Call({"CONFIG", "SET", "list-max-listpack-size", fill});
      for (int i = 0; i < 3000; i += 100) {
        Args push = {"RPUSH", "l"};
        for (int j = i; j < i + 100; ++j) {
          push.push_back(j % 7 == 0 ? std::to_string(j * 37) : std::string(j % 300, 'a' + j % 26));
        }
        c->Call(push);
      }
    }
    EXPECT_EQ(slotd.Call({"DUMP", "l"}), redis.Call({"DUMP", "l"})) << "fill " << fill;
  }
  for (RawClient* c : {&redis, &slotd}) c->Call({"CONFIG", "SET", "list-max-listpack-size", "-2"});
}

TEST_F(CompatTest, SlotdSnapshotLoadsInRedisServer) {
  CommandHarness h;
  for (const Args& command : Population()) h.Run(command);
  std::string dir = MakeTempDir();
  {
    std::ofstream out(dir + "/dump.rdb", std::ios::binary);
    ASSERT_TRUE(rdb::WriteSnapshot(h.server().dbs, rdb::SnapshotInfo{}, [&](std::string_view c) {
      out.write(c.data(), static_cast<std::streamsize>(c.size()));
      return static_cast<bool>(out);
    }, rdb::WriteOptions::From(h.server().config, h.now(), 0)));
  }
  int port = FreePort();
  ServerProcess redis(RedisServerBinary(),
                      {"--port", std::to_string(port), "--bind", "127.0.0.1", "--dir", dir,
                       "--save", "", "--appendonly", "no", "--hash-max-listpack-entries", "3",
                       "--zset-max-listpack-entries", "3", "--set-max-intset-entries", "3"});
  ASSERT_TRUE(redis.WaitReady(port)) << redis.ReadLog();
  RawClient c(port);
  for (const Args& read : Reads("")) {
    EXPECT_EQ(c.Call(read), h.Run(read)) << read[0] << " " << read.back();
  }
  redis.Stop();
}

TEST_F(CompatTest, RedisServerSaveLoadsThroughLoadSnapshot) {
  RawClient redis(redis_port_);
  Populate(redis);
  ASSERT_EQ(redis.Call({"SAVE"}), "+OK\r\n");
  std::string dir_reply = redis.Call({"CONFIG", "GET", "dir"});
  // *2 $3 dir $N <path>
  size_t last = dir_reply.rfind("\r\n", dir_reply.size() - 3);
  std::string dir = dir_reply.substr(last + 2, dir_reply.size() - last - 4);
  std::string image = ReadFile(dir + "/dump.rdb");
  ASSERT_FALSE(image.empty()) << dir;

  Config config;
  config.hash_max_listpack_entries = 3;
  config.zset_max_listpack_entries = 3;
  config.set_max_intset_entries = 3;
  CommandHarness h(config);
  h.SetTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
  rdb::LoadOptions options;
  options.now_ms = h.now();
  auto loaded = rdb::LoadSnapshot(image, h.server().dbs, h.server().config, options);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->keys_loaded, kKeys.size());
  for (const Args& read : Reads("")) {
    EXPECT_EQ(h.Run(read), redis.Call(read)) << read[0] << " " << read.back();
  }
}

}  // namespace
}  // namespace slotd::test
