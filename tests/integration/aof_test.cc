// The append-only file end to end on real processes: acknowledged writes survive kill -9
// (appendfsync always, and everysec within its one-second window), BGREWRITEAOF while writing loses
// nothing, torn and corrupt files are handled as Redis 7.0 does, and redis-server 7.0 and slotd
// start from each other's appendonlydir.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

class AofTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { server_.reset(); }

  // Starts `binary` (slotd by default) on dir_ with appendonly yes and `extra` options.
  bool Start(std::vector<std::string> extra = {}, std::string binary = "") {
    port_ = FreePort();
    std::vector<std::string> args = {
        "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_, "--save",
        "",       "--appendonly",        "yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ =
        std::make_unique<ServerProcess>(binary.empty() ? SlotdBinary() : binary, args,
                                        dir_ + "/server-" + std::to_string(++starts_) + ".log");
    if (!server_->WaitReady(port_)) return false;
    // redis-server accepts connections while it loads (-LOADING): wait for the data to be there.
    RawClient c(port_);
    for (int i = 0; i < 200; ++i) {
      if (c.Call({"PING"}) == "+PONG\r\n") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }
  std::string Manifest() { return ReadFile(dir_ + "/appendonlydir/appendonly.aof.manifest"); }
  std::string Info(RawClient& c, const std::string& field) {
    std::string info = c.Call({"INFO", "persistence"});
    size_t at = info.find(field + ":");
    if (at == std::string::npos) return "";
    size_t end = info.find("\r\n", at);
    return info.substr(at + field.size() + 1, end - at - field.size() - 1);
  }
  // Up to 20 s: a rewrite behind a delayed BGSAVE takes ~1.5 s alone, several times that on a loaded machine.
  void WaitRewriteDone(RawClient& c) {
    for (int i = 0; i < 800 && (Info(c, "aof_rewrite_in_progress") != "0" ||
                                Info(c, "aof_rewrite_scheduled") != "0");
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  // Every key k:<i> listed must hold "<i>".
  void ExpectKeys(const std::vector<int64_t>& expected) {
    RawClient c(port_);
    for (size_t start = 0; start < expected.size(); start += 500) {
      size_t end = std::min(expected.size(), start + 500);
      for (size_t i = start; i < end; ++i) c.Send({"GET", "k:" + std::to_string(expected[i])});
      for (size_t i = start; i < end; ++i) {
        ASSERT_EQ(c.ReadReply(), Bulk(std::to_string(expected[i]))) << "key k:" << expected[i];
      }
    }
  }

  std::string dir_;
  int port_ = 0;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
};

// Sends SET k:<i> <i> one at a time until the connection dies, recording when each was
// acknowledged.
struct Writer {
  explicit Writer(int port) : thread([this, port] { Run(port); }) {}
  ~Writer() {
    stop = true;
    Join();
  }
  // Returns once the writer saw its connection die (or was told to stop).
  void Join() {
    if (thread.joinable()) thread.join();
  }
  void Run(int port) {
    RawClient c(port, 3000);
    for (int64_t i = 0; !stop; ++i) {
      std::string n = std::to_string(i);
      if (c.Call({"SET", "k:" + n, n}) != "+OK\r\n") return;
      acked_at.push_back(Clock::now());
      acked.store(i + 1);
    }
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> acked{0};
  std::vector<Clock::time_point> acked_at;  // read only after the thread ended
  std::thread thread;
};

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

TEST_F(AofTest, FreshStartCreatesBaseIncrAndManifestLikeRedis) {
  ASSERT_TRUE(Start()) << server_->ReadLog();
  EXPECT_EQ(Manifest(),
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  RawClient c(port_);
  c.Call({"set", "a", "1"});
  c.Call({"SELECT", "2"});
  c.Call({"set", "b", "2"});
  EXPECT_EQ(ReadFile(dir_ + "/appendonlydir/appendonly.aof.1.incr.aof"),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n"
            "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(Info(c, "aof_enabled"), "1");
  EXPECT_EQ(ReadFile(dir_ + "/appendonlydir/appendonly.aof.1.base.rdb").substr(0, 9), "REDIS0010");
}

TEST_F(AofTest, Kill9WithFsyncAlwaysKeepsEveryAcknowledgedWrite) {
  ASSERT_TRUE(Start({"--appendfsync", "always"}));
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  int64_t acked = 0;
  {
    Writer writer(port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
    server_->Stop(9);
    writer.Join();
    acked = writer.acked.load();
  }
  ASSERT_GT(acked, 10);
  ASSERT_TRUE(Start({"--appendfsync", "always"})) << server_->ReadLog();
  ExpectKeys(Range(acked));
}

TEST_F(AofTest, Kill9WithFsyncEverysecLosesAtMostTheLastSecond) {
  ASSERT_TRUE(Start({"--appendfsync", "everysec"}));
  std::vector<Clock::time_point> acked_at;
  Clock::time_point killed;
  {
    Writer writer(port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500 + std::mt19937(getpid())() % 1000));
    killed = Clock::now();
    server_->Stop(9);
    writer.Join();
    acked_at = writer.acked_at;
  }
  std::vector<int64_t> old_enough;
  for (size_t i = 0; i < acked_at.size(); ++i) {
    if (killed - acked_at[i] > std::chrono::seconds(2))
      old_enough.push_back(static_cast<int64_t>(i));
  }
  ASSERT_GT(old_enough.size(), 10u);
  ASSERT_TRUE(Start()) << server_->ReadLog();
  ExpectKeys(old_enough);
}

TEST_F(AofTest, RewritesWhileWritingLoseNothing) {
  ASSERT_TRUE(Start({"--appendfsync", "everysec"}));
  int64_t acked = 0;
  {
    Writer writer(port_);
    RawClient admin(port_);
    for (int round = 0; round < 3; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      EXPECT_EQ(admin.Call({"BGREWRITEAOF"}), "+Background append only file rewriting started\r\n");
      EXPECT_EQ(admin.Call({"BGREWRITEAOF"}),
                "-ERR Background append only file rewriting already in progress\r\n");
      WaitRewriteDone(admin);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(Info(admin, "aof_rewrites"), "3");
    EXPECT_EQ(Info(admin, "aof_last_bgrewrite_status"), "ok");
    server_->Stop(9);
    writer.Join();
    acked = writer.acked.load();
  }
  EXPECT_EQ(Manifest(),
            "file appendonly.aof.4.base.rdb seq 4 type b\n"
            "file appendonly.aof.4.incr.aof seq 4 type i\n");
  ASSERT_TRUE(Start()) << server_->ReadLog();
  ExpectKeys(Range(acked));
}

TEST_F(AofTest, TornTailIsTruncatedWhenAllowedAndRefusedOtherwise) {
  ASSERT_TRUE(Start()) << server_->ReadLog();
  {
    RawClient c(port_);
    c.Call({"SET", "k:0", "0"});
    c.Call({"SET", "k:1", "1"});
  }
  server_->Stop(9);
  std::string incr = dir_ + "/appendonlydir/appendonly.aof.1.incr.aof";
  size_t good_size = ReadFile(incr).size();
  { std::ofstream(incr, std::ios::app | std::ios::binary) << "*3\r\n$3\r\nSET\r\n$3\r\nk:2\r\n$1"; }

  EXPECT_FALSE(Start({"--aof-load-truncated", "no"}));
  EXPECT_NE(server_->ReadLog().find(
                "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof"),
            std::string::npos);

  ASSERT_TRUE(Start({"--aof-load-truncated", "yes"})) << server_->ReadLog();
  ExpectKeys({0, 1});
  std::string log = server_->ReadLog();
  EXPECT_NE(
      log.find("!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"),
      std::string::npos);
  EXPECT_NE(
      log.find("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"),
      std::string::npos);
  EXPECT_EQ(ReadFile(incr).size(),
            good_size);  // the torn bytes are gone; new writes follow whole commands
  {
    RawClient c(port_);
    EXPECT_EQ(c.Call({"SET", "k:2", "2"}), "+OK\r\n");
  }
  server_->Stop(9);
  ASSERT_TRUE(Start({"--aof-load-truncated", "no"})) << server_->ReadLog();
  ExpectKeys({0, 1, 2});
}

TEST_F(AofTest, GarbageInTheMiddleRefusesToStart) {
  ASSERT_TRUE(Start()) << server_->ReadLog();
  {
    RawClient c(port_);
    c.Call({"SET", "k:0", "0"});
  }
  server_->Stop(9);
  std::string incr = dir_ + "/appendonlydir/appendonly.aof.1.incr.aof";
  { std::ofstream(incr, std::ios::app | std::ios::binary) << "garbage\r\n*1\r\n$4\r\nPING\r\n"; }
  EXPECT_FALSE(Start({"--aof-load-truncated", "yes"}));
  EXPECT_NE(server_->ReadLog().find(
                "Bad file format reading the append only file appendonly.aof.1.incr.aof"),
            std::string::npos);
}

// Data of every type in two databases, some of it in the rewritten base and some in the incr file.
void WriteMixedData(RawClient& c, const std::string& tag) {
  c.Call({"SET", "s" + tag, "v" + tag});
  c.Call({"RPUSH", "l" + tag, "a", "b", "c"});
  c.Call({"HSET", "h" + tag, "f1", "1", "f2", "2"});
  c.Call({"SADD", "set" + tag, "x", "y"});
  c.Call({"ZADD", "z" + tag, "1.5", "m1", "2", "m2"});
  c.Call({"SET", "ttl" + tag, "t", "EX", "1000"});
  c.Call({"SELECT", "3"});
  c.Call({"INCRBY", "n" + tag, "42"});
  c.Call({"SELECT", "0"});
}

void ExpectMixedData(RawClient& c, const std::string& tag) {
  EXPECT_EQ(c.Call({"GET", "s" + tag}), Bulk("v" + tag));
  EXPECT_EQ(c.Call({"LRANGE", "l" + tag, "0", "-1"}), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  EXPECT_EQ(c.Call({"HGET", "h" + tag, "f2"}), Bulk("2"));
  EXPECT_EQ(c.Call({"SCARD", "set" + tag}), ":2\r\n");
  EXPECT_EQ(c.Call({"ZSCORE", "z" + tag, "m1"}), Bulk("1.5"));
  std::string ttl = c.Call({"TTL", "ttl" + tag});
  EXPECT_TRUE(ttl == ":1000\r\n" || ttl.starts_with(":99")) << ttl;
  c.Call({"SELECT", "3"});
  EXPECT_EQ(c.Call({"GET", "n" + tag}), Bulk("42"));
  c.Call({"SELECT", "0"});
}

TEST_F(AofTest, RedisAndSlotdStartFromEachOthersAppendOnlyDir) {
  std::string redis = RedisServerBinary();
  if (redis.empty()) GTEST_SKIP() << "redis-server not installed";
  ASSERT_TRUE(Start()) << server_->ReadLog();
  {
    RawClient c(port_);
    WriteMixedData(c, "1");
    c.Call({"BGREWRITEAOF"});
    WaitRewriteDone(c);
    WriteMixedData(c, "2");
  }
  server_->Stop(15);
  ASSERT_TRUE(Start({}, redis)) << server_->ReadLog();
  {
    RawClient c(port_);
    ExpectMixedData(c, "1");
    ExpectMixedData(c, "2");
    WriteMixedData(c, "3");
    c.Call({"BGREWRITEAOF"});
    WaitRewriteDone(c);
    WriteMixedData(c, "4");
  }
  server_->Stop(15);
  ASSERT_TRUE(Start()) << server_->ReadLog();
  RawClient c(port_);
  for (const char* tag : {"1", "2", "3", "4"}) ExpectMixedData(c, tag);
  EXPECT_EQ(c.Call({"DBSIZE"}), ":24\r\n");
}

TEST_F(AofTest, ConfigSetAppendonlyTurnsAofOnAfterARewriteAndOff) {
  port_ = FreePort();
  server_ = std::make_unique<ServerProcess>(
      SlotdBinary(), std::vector<std::string>{"--port", std::to_string(port_), "--bind",
                                              "127.0.0.1", "--dir", dir_, "--save", ""});
  ASSERT_TRUE(server_->WaitReady(port_));
  {
    RawClient c(port_);
    c.Call({"SET", "k:0", "0"});
    EXPECT_EQ(c.Call({"CONFIG", "SET", "appendonly", "yes"}), "+OK\r\n");
    c.Call({"SET", "k:1", "1"});
    WaitRewriteDone(c);
    c.Call({"SET", "k:2", "2"});
    EXPECT_EQ(Manifest(),
              "file appendonly.aof.1.base.rdb seq 1 type b\n"
              "file appendonly.aof.1.incr.aof seq 1 type i\n");
    EXPECT_EQ(c.Call({"CONFIG", "SET", "appendonly", "no"}), "+OK\r\n");
    EXPECT_EQ(Info(c, "aof_enabled"), "0");
    c.Call({"SET", "k:3", "3"});  // not in the AOF
  }
  server_->Stop(9);
  ASSERT_TRUE(Start()) << server_->ReadLog();
  ExpectKeys({0, 1, 2});
  RawClient c(port_);
  EXPECT_EQ(c.Call({"EXISTS", "k:3"}), ":0\r\n");
}

TEST_F(AofTest, BgrewriteaofDuringBgsaveIsScheduledThenRuns) {
  ASSERT_TRUE(Start({"--rdb-key-save-delay", "200000"})) << server_->ReadLog();
  RawClient c(port_);
  for (int i = 0; i < 3; ++i) c.Call({"SET", "k:" + std::to_string(i), std::to_string(i)});
  EXPECT_EQ(c.Call({"BGSAVE"}), "+Background saving started\r\n");
  EXPECT_EQ(c.Call({"BGREWRITEAOF"}), "+Background append only file rewriting scheduled\r\n");
  EXPECT_EQ(Info(c, "aof_rewrite_scheduled"), "1");
  EXPECT_EQ(Info(c, "aof_pending_rewrite"), "1");
  WaitRewriteDone(c);
  EXPECT_EQ(Info(c, "aof_rewrites"), "1");
  EXPECT_EQ(Manifest(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

TEST_F(AofTest, AutomaticRewriteWhenTheAofDoubles) {
  ASSERT_TRUE(Start({"--auto-aof-rewrite-min-size", "4kb", "--auto-aof-rewrite-percentage", "100"}))
      << server_->ReadLog();
  RawClient c(port_);
  for (int i = 0; i < 200; ++i) c.Call({"SET", "k:" + std::to_string(i), std::string(40, 'v')});
  for (int i = 0; i < 100 && Info(c, "aof_rewrites") == "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WaitRewriteDone(c);
  EXPECT_EQ(Info(c, "aof_rewrites"), "1");
  EXPECT_NE(server_->ReadLog().find("Starting automatic rewriting of AOF on"), std::string::npos);
  // The base now holds everything: no growth, no further rewrite.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Info(c, "aof_rewrites"), "1");
}

TEST_F(AofTest, FailedAofWriteRefusesWritesWithMisconf) {
  ASSERT_TRUE(Start()) << server_->ReadLog();
  // The INCR file the next rewrite opens is /dev/full: every write to it fails with ENOSPC.
  ASSERT_EQ(symlink("/dev/full", (dir_ + "/appendonlydir/appendonly.aof.2.incr.aof").c_str()), 0);
  RawClient c(port_);
  EXPECT_EQ(c.Call({"BGREWRITEAOF"}), "+Background append only file rewriting started\r\n");
  WaitRewriteDone(c);
  EXPECT_EQ(c.Call({"SET", "a", "1"}),
            "+OK\r\n");  // its write fails after the command ran, as in Redis
  const std::string misconf =
      "-MISCONF Errors writing to the AOF file: No space left on device\r\n";
  EXPECT_EQ(c.Call({"SET", "b", "1"}), misconf);
  EXPECT_EQ(c.Call({"PING"}), misconf);
  EXPECT_EQ(c.Call({"GET", "a"}), Bulk("1"));
  EXPECT_EQ(Info(c, "aof_last_write_status"), "err");
  EXPECT_NE(server_->ReadLog().find("Error writing to the AOF file: No space left on device"),
            std::string::npos);
}

// While the first rewrite after CONFIG SET appendonly yes runs, the AOF holds nothing yet: SHUTDOWN
// refuses (a plain kill would lose the data set) unless FORCE is given, as Redis 7.0.
TEST_F(AofTest, ShutdownRefusedWhileTheInitialAofIsWritten) {
  ASSERT_TRUE(Start({"--appendonly", "no", "--rdb-key-save-delay", "300000"})) << server_->ReadLog();
  RawClient c(port_);
  for (int i = 0; i < 5; ++i) c.Call({"SET", "k:" + std::to_string(i), std::to_string(i)});
  ASSERT_EQ(c.Call({"CONFIG", "SET", "appendonly", "yes"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SHUTDOWN"}), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
  EXPECT_NE(server_->ReadLog().find("Writing initial AOF, can't exit."), std::string::npos);
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  c.Send({"SHUTDOWN", "FORCE"});
  EXPECT_EQ(server_->WaitExit(10000), 0) << server_->ReadLog();
  EXPECT_NE(server_->ReadLog().find("Writing initial AOF. Exit anyway."), std::string::npos);
}

// A pre-7.0 single appendonly.aof in dir (plain commands, or with an RDB preamble written by Redis 7.0
// with aof-use-rdb-preamble) becomes the base of a new manifest, as Redis 7.0 migrates it.
TEST_F(AofTest, OldStyleSingleFileAofIsMigratedIntoTheManifest) {
  {
    std::ofstream old(dir_ + "/appendonly.aof", std::ios::binary);
    old << "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  }
  ASSERT_TRUE(Start()) << server_->ReadLog();
  RawClient c(port_);
  EXPECT_EQ(c.Call({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Manifest(),
            "file appendonly.aof seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n");
  EXPECT_NE(server_->ReadLog().find("Successfully migrated an old-style AOF file (appendonly.aof) into "
                                    "the AOF directory (appendonlydir)."),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/appendonly.aof"));
  c.Call({"SET", "k2", "v2"});
  server_->Stop();
  ASSERT_TRUE(Start()) << server_->ReadLog();
  RawClient again(port_);
  EXPECT_EQ(again.Call({"MGET", "k", "k2"}), "*2\r\n$1\r\nv\r\n$2\r\nv2\r\n");
}

// DEBUG LOADAOF writes what is buffered, empties the data set and loads the AOF back: what was
// written survives, and a key added behind the AOF's back (DEBUG POPULATE is not propagated) is gone.
TEST_F(AofTest, DebugLoadaofReloadsTheDataSetFromTheAof) {
  ASSERT_TRUE(Start({"--enable-debug-command", "yes"})) << server_->ReadLog();
  RawClient c(port_);
  c.Call({"SET", "a", "1"});
  c.Call({"RPUSH", "l", "x", "y"});
  c.Call({"DEBUG", "POPULATE", "3"});
  EXPECT_EQ(c.Call({"DBSIZE"}), ":5\r\n");
  EXPECT_EQ(c.Call({"DEBUG", "LOADAOF"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(c.Call({"LRANGE", "l", "0", "-1"}), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  EXPECT_NE(server_->ReadLog().find("Append Only File loaded by DEBUG LOADAOF"), std::string::npos);
  ASSERT_EQ(c.Call({"CONFIG", "SET", "appendonly", "no"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"DEBUG", "LOADAOF"}), "-ERR Error trying to load the AOF files, check server logs.\r\n");
}

}  // namespace
}  // namespace slotd::test
