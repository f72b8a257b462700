// RDB snapshots on real processes: SAVE/BGSAVE then kill -9 and restart, BGSAVE under writes, save points,
// SIGTERM/SHUTDOWN saves, refusing a corrupt file without touching it, and dump.rdb exchanged with a real
// redis-server 7.0 in both directions.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string Bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }

// The value of `field` in an INFO reply ("" when absent).
std::string InfoField(RawClient& client, const std::string& field) {
  std::string info = client.Call({"INFO", "all"});
  size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return "";
  at += field.size() + 3;
  return info.substr(at, info.find("\r\n", at) - at);
}

class Persistence : public ::testing::Test {
 protected:
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Starts `binary` on a fresh port serving dir_ (logs in dir_/<name>.log).
  bool Start(std::vector<std::string> extra = {"--save", ""}, const std::string& binary = SlotdBinary()) {
    port_ = FreePort();
    std::vector<std::string> args = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_};
    if (binary == SlotdBinary()) {
      args.insert(args.end(), {"--enable-debug-command", "local"});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    log_ = dir_ + "/server" + std::to_string(++starts_) + ".log";
    server_ = std::make_unique<ServerProcess>(binary, args, log_);
    if (!server_->WaitReady(port_)) return false;
    client_ = std::make_unique<RawClient>(port_);
    return client_->connected();
  }
  std::string Call(const std::vector<std::string>& args) { return client_->Call(args); }
  // Polls INFO until `field` has `value` (true) or about five seconds pass.
  bool WaitInfo(const std::string& field, const std::string& value) {
    for (int i = 0; i < 500; ++i) {
      if (InfoField(*client_, field) == value) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void KillHard() {
    client_.reset();
    server_->Stop(SIGKILL);
  }
  std::string Log() const { return ReadFile(log_); }
  std::string RdbPath() const { return dir_ + "/dump.rdb"; }

  std::string dir_ = MakeTempDir();
  std::string log_;
  int port_ = 0;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<RawClient> client_;
};

void WriteSampleData(RawClient& c) {
  c.Call({"SET", "string", "hello"});
  c.Call({"SET", "number", "12345"});
  c.Call({"SET", "volatile", "soon"});
  c.Call({"PEXPIRE", "volatile", "500000"});
  c.Call({"RPUSH", "list", "a", "b", "c"});
  c.Call({"HSET", "hash", "f1", "v1", "f2", "v2"});
  c.Call({"SADD", "set", "x", "y"});
  c.Call({"ZADD", "zset", "1.5", "m1", "2", "m2"});
  c.Call({"SELECT", "5"});
  c.Call({"SET", "db5", "five"});
  c.Call({"SELECT", "0"});
}

void ExpectSampleData(RawClient& c) {
  EXPECT_EQ(c.Call({"GET", "string"}), Bulk("hello"));
  EXPECT_EQ(c.Call({"GET", "number"}), Bulk("12345"));
  EXPECT_EQ(c.Call({"GET", "volatile"}), Bulk("soon"));
  std::string pttl = c.Call({"PTTL", "volatile"});
  ASSERT_EQ(pttl[0], ':');
  int64_t ms = std::stoll(pttl.substr(1));
  EXPECT_GT(ms, 400000);
  EXPECT_LE(ms, 500000);
  EXPECT_EQ(c.Call({"TTL", "string"}), Int(-1));
  EXPECT_EQ(c.Call({"LRANGE", "list", "0", "-1"}), "*3\r\n" + Bulk("a") + Bulk("b") + Bulk("c"));
  EXPECT_EQ(c.Call({"HGET", "hash", "f2"}), Bulk("v2"));
  EXPECT_EQ(c.Call({"SCARD", "set"}), Int(2));
  EXPECT_EQ(c.Call({"ZSCORE", "zset", "m1"}), Bulk("1.5"));
  EXPECT_EQ(c.Call({"SELECT", "5"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"GET", "db5"}), Bulk("five"));
  EXPECT_EQ(c.Call({"SELECT", "0"}), "+OK\r\n");
}

TEST_F(Persistence, SaveSurvivesKillNineAndRestart) {
  ASSERT_TRUE(Start()) << Log();
  WriteSampleData(*client_);
  EXPECT_EQ(Call({"SAVE"}), "+OK\r\n");
  KillHard();
  ASSERT_TRUE(Start()) << Log();
  ExpectSampleData(*client_);
  std::string log = Log();
  EXPECT_NE(log.find("Loading RDB produced by version 7.0.15"), std::string::npos) << log;
  EXPECT_NE(log.find("Done loading RDB, keys loaded: 8, keys expired: 0."), std::string::npos) << log;
  EXPECT_NE(log.find("DB loaded from disk: "), std::string::npos) << log;
  EXPECT_EQ(InfoField(*client_, "rdb_last_load_keys_loaded"), "8");
}

TEST_F(Persistence, BgsaveKeepsServingWritesWhileTheChildSaves) {
  ASSERT_TRUE(Start()) << Log();
  EXPECT_EQ(Call({"DEBUG", "POPULATE", "20000"}), "+OK\r\n");
  Call({"CONFIG", "SET", "rdb-key-save-delay", "100"});  // about two seconds of saving
  EXPECT_EQ(Call({"BGSAVE"}), "+Background saving started\r\n");
  EXPECT_EQ(InfoField(*client_, "rdb_bgsave_in_progress"), "1");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(Call({"SET", "during:" + std::to_string(i), "x"}), "+OK\r\n");
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(900));  // the parent never waited for the child
  EXPECT_EQ(InfoField(*client_, "rdb_bgsave_in_progress"), "1");
  ASSERT_TRUE(WaitInfo("rdb_bgsave_in_progress", "0"));
  EXPECT_EQ(InfoField(*client_, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(InfoField(*client_, "rdb_changes_since_last_save"), "500");
  std::string log = Log();
  EXPECT_NE(log.find("Background saving started by pid "), std::string::npos) << log;
  EXPECT_NE(log.find("Background saving terminated with success"), std::string::npos) << log;
  KillHard();
  ASSERT_TRUE(Start()) << Log();
  EXPECT_EQ(Call({"DBSIZE"}), Int(20000));
}

TEST_F(Persistence, SavePointTriggersABackgroundSave) {
  ASSERT_TRUE(Start({"--save", "1 2"})) << Log();
  Call({"SET", "a", "1"});
  Call({"SET", "b", "2"});
  ASSERT_TRUE(WaitInfo("rdb_changes_since_last_save", "0")) << Log();
  EXPECT_NE(Log().find("2 changes in 1 seconds. Saving..."), std::string::npos) << Log();
  EXPECT_TRUE(std::filesystem::exists(RdbPath()));
  EXPECT_EQ(Call({"CONFIG", "SET", "save", ""}), "+OK\r\n");  // CONFIG SET save takes effect at once
  Call({"SET", "c", "3"});
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_EQ(InfoField(*client_, "rdb_changes_since_last_save"), "1");
}

TEST_F(Persistence, SigtermAndShutdownSaveWhenSavePointsExist) {
  ASSERT_TRUE(Start({"--save", "3600 1"})) << Log();
  Call({"SET", "k", "v1"});
  EXPECT_EQ(WEXITSTATUS(server_->Stop(SIGTERM)), 0);
  std::string log = Log();
  EXPECT_NE(log.find("Saving the final RDB snapshot before exiting."), std::string::npos) << log;
  EXPECT_NE(log.find("DB saved on disk"), std::string::npos) << log;
  ASSERT_TRUE(Start({"--save", "3600 1"})) << Log();
  EXPECT_EQ(Call({"GET", "k"}), Bulk("v1"));
  Call({"SET", "k", "v2"});
  client_->Send({"SHUTDOWN"});
  EXPECT_TRUE(client_->WaitClosed());
  server_->WaitExit(5000);
  ASSERT_TRUE(Start({"--save", ""})) << Log();
  EXPECT_EQ(Call({"GET", "k"}), Bulk("v2"));
  Call({"SET", "k", "v3"});
  client_->Send({"SHUTDOWN"});  // no save points: nothing saved
  EXPECT_TRUE(client_->WaitClosed());
  server_->WaitExit(5000);
  ASSERT_TRUE(Start()) << Log();
  EXPECT_EQ(Call({"GET", "k"}), Bulk("v2"));
}

TEST_F(Persistence, FailedFinalSaveRefusesShutdownUnlessNosaveOrForce) {
  std::string sub = dir_ + "/sub";
  std::filesystem::create_directory(sub);
  ASSERT_TRUE(Start({"--save", "3600 1", "--enable-protected-configs", "yes"})) << Log();
  EXPECT_EQ(Call({"CONFIG", "SET", "dir", sub}), "+OK\r\n");
  std::filesystem::remove(sub);  // the temp file cannot be created any more
  Call({"SET", "k", "v"});
  EXPECT_EQ(Call({"SHUTDOWN"}), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
  EXPECT_EQ(Call({"PING"}), "+PONG\r\n");
  EXPECT_NE(Log().find("Error trying to save the DB, can't exit."), std::string::npos) << Log();
  EXPECT_EQ(Call({"BGSAVE"}), "+Background saving started\r\n");
  ASSERT_TRUE(WaitInfo("rdb_last_bgsave_status", "err"));
  EXPECT_EQ(Call({"SET", "k", "w"}).substr(0, 50), "-MISCONF Redis is configured to save RDB snapshots");
  EXPECT_EQ(Call({"GET", "k"}), Bulk("v"));
  client_->Send({"SHUTDOWN", "FORCE"});
  EXPECT_TRUE(client_->WaitClosed());
  EXPECT_EQ(WEXITSTATUS(server_->WaitExit(5000)), 0);
  EXPECT_NE(Log().find("Error trying to save the DB. Exit anyway."), std::string::npos) << Log();
}

TEST_F(Persistence, SigtermDuringABgsaveKillsTheChildAndSavesInTheForeground) {
  ASSERT_TRUE(Start({"--save", "3600 1"})) << Log();
  Call({"DEBUG", "POPULATE", "1000"});
  Call({"CONFIG", "SET", "rdb-key-save-delay", "100000"});  // the child would take 100 s
  ASSERT_EQ(Call({"BGSAVE"}), "+Background saving started\r\n");
  Call({"CONFIG", "SET", "rdb-key-save-delay", "0"});
  EXPECT_EQ(WEXITSTATUS(server_->Stop(SIGTERM)), 0);
  std::string log = Log();
  EXPECT_NE(log.find("There is a child saving an .rdb. Killing it!"), std::string::npos) << log;
  EXPECT_NE(log.find("DB saved on disk"), std::string::npos) << log;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().rfind("temp-", 0), std::string::npos) << entry.path();
  }
  ASSERT_TRUE(Start()) << Log();
  EXPECT_EQ(Call({"DBSIZE"}), Int(1000));
}

TEST_F(Persistence, ConfigSetDirAndDbfilenameMoveTheNextSave) {
  std::string sub = dir_ + "/elsewhere";
  std::filesystem::create_directory(sub);
  ASSERT_TRUE(Start({"--save", "", "--enable-protected-configs", "yes"})) << Log();
  Call({"SET", "k", "v"});
  EXPECT_EQ(Call({"CONFIG", "SET", "dir", sub}), "+OK\r\n");
  EXPECT_EQ(Call({"CONFIG", "SET", "dbfilename", "other.rdb"}), "+OK\r\n");
  EXPECT_EQ(Call({"SAVE"}), "+OK\r\n");
  EXPECT_TRUE(std::filesystem::exists(sub + "/other.rdb"));
  EXPECT_FALSE(std::filesystem::exists(RdbPath()));
  EXPECT_EQ(Call({"CONFIG", "GET", "dir"}), "*2\r\n" + Bulk("dir") + Bulk(sub));
}

TEST_F(Persistence, CorruptOrTruncatedFileRefusesToStartAndIsLeftUntouched) {
  ASSERT_TRUE(Start()) << Log();
  WriteSampleData(*client_);
  ASSERT_EQ(Call({"SAVE"}), "+OK\r\n");
  KillHard();
  std::string image = ReadFile(RdbPath());
  ASSERT_GT(image.size(), 40u);
  std::vector<std::string> damaged = {image.substr(0, image.size() / 2), image.substr(0, image.size() - 1)};
  std::string flipped = image;
  flipped[image.find("hello")] ^= 0x01;  // a value byte: only the checksum can tell
  damaged.push_back(flipped);
  for (const std::string& bytes : damaged) {
    WriteFile(RdbPath(), bytes);
    // The port is bound before loading (as in Redis), so only the exit tells the outcome.
    log_ = dir_ + "/damaged.log";
    server_ = std::make_unique<ServerProcess>(
        SlotdBinary(), std::vector<std::string>{"--port", std::to_string(FreePort()), "--dir", dir_}, log_);
    int status = server_->WaitExit(5000);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
    EXPECT_EQ(ReadFile(RdbPath()), bytes);
    EXPECT_NE(Log().find("Terminating server after rdb file reading failure."), std::string::npos) << Log();
  }
  EXPECT_NE(Log().find("Wrong RDB checksum"), std::string::npos) << Log();
}

TEST_F(Persistence, RedisServerStartsOnSlotdsDumpAndSlotdOnRedisServers) {
  std::string redis = RedisServerBinary();
  if (redis.empty()) GTEST_SKIP() << "redis-server not installed";
  ASSERT_TRUE(Start()) << Log();
  WriteSampleData(*client_);
  ASSERT_EQ(Call({"SAVE"}), "+OK\r\n");
  KillHard();
  ASSERT_TRUE(Start({"--save", "", "--appendonly", "no"}, redis)) << Log();
  ExpectSampleData(*client_);
  // Redis rewrites it with its own encodings; slotd must read that back.
  Call({"SET", "from-redis", "yes"});
  ASSERT_EQ(Call({"SAVE"}), "+OK\r\n");
  KillHard();
  ASSERT_TRUE(Start()) << Log();
  ExpectSampleData(*client_);
  EXPECT_EQ(Call({"GET", "from-redis"}), Bulk("yes"));
}

}  // namespace
}  // namespace slotd::test
