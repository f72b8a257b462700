// SAVE, BGSAVE, LASTSAVE, save points, MISCONF, FLUSHALL/SHUTDOWN saves and DEBUG RELOAD, in-process
// with a real forked child writing into a temp directory. Replies checked against redis-server 7.0.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Arr;
using test::Bulk;
using test::BulkArr;
using test::Err;
using test::Int;
using test::Simple;

std::string MakeTempDir() {
  char pattern[] = "/tmp/slotd-snap-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir != nullptr ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Config ConfigIn(const std::string& dir, std::vector<SavePoint> save = {}) {
  Config config;
  config.dir = dir;
  config.save = std::move(save);
  config.enable_debug_command = DebugCommandPolicy::kYes;
  return config;
}

// A harness whose server has the snapshot subsystem wired as App wires it.
class SnapshotsTest : public ::testing::Test {
 protected:
  void Start(std::vector<SavePoint> save = {}) {
    h_ = std::make_unique<test::CommandHarness>(ConfigIn(dir_, std::move(save)));
    snapshots_ = std::make_unique<Snapshots>(h_->server(), child_);
    h_->server().child = &child_;
    h_->server().snapshots = snapshots_.get();
  }
  void TearDown() override {
    child_.Kill();
    std::filesystem::remove_all(dir_);
  }
  // Reaps the child as App's cron does, until it has exited.
  void WaitForChild() {
    for (int i = 0; i < 500 && child_.active(); ++i) {
      child_.Poll();
      if (child_.active()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_FALSE(child_.active());
  }
  std::string Info(const std::string& field) {
    std::string info = h_->Run({"INFO", "persistence"}) + h_->Run({"INFO", "stats"});
    size_t at = info.find("\r\n" + field + ":");
    if (at == std::string::npos) return "<missing>";
    at += field.size() + 3;
    return info.substr(at, info.find("\r\n", at) - at);
  }
  std::string RdbPath() const { return dir_ + "/dump.rdb"; }

  std::string dir_ = MakeTempDir();
  ChildProcess child_;
  std::unique_ptr<test::CommandHarness> h_;
  std::unique_ptr<Snapshots> snapshots_;
};

TEST_F(SnapshotsTest, SaveWritesTheFileAndResetsTheChangeCounter) {
  Start();
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(Info("rdb_changes_since_last_save"), "1");
  EXPECT_EQ(h_->Run({"SAVE"}), Simple("OK"));
  EXPECT_EQ(ReadFile(RdbPath()).substr(0, 9), "REDIS0010");
  EXPECT_EQ(Info("rdb_changes_since_last_save"), "0");
  EXPECT_EQ(Info("rdb_saves"), "1");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/temp-" + std::to_string(getpid()) + ".rdb"));
}

TEST_F(SnapshotsTest, SaveAndReloadResetTheCounterWithoutBeingPropagated) {
  Start();
  h_->CapturePropagation();
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(h_->Run({"SAVE"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD"}), Simple("OK"));
  EXPECT_EQ(h_->TakePropagated(), std::vector<std::string>({"0:SET k v"}));
}

TEST_F(SnapshotsTest, LastsaveMovesToTheTimeOfTheLastSuccessfulSave) {
  Start();
  std::string start = h_->Run({"LASTSAVE"});
  EXPECT_EQ(start, Int(h_->server().start_time_ms / 1000));
  h_->SetTime(h_->now() + 5000);
  h_->Run({"SAVE"});
  EXPECT_EQ(h_->Run({"LASTSAVE"}), Int(h_->now() / 1000));
}

TEST_F(SnapshotsTest, DebugReloadBringsBackValuesAndTtls) {
  Start();
  h_->Run({"SET", "s", "hello"});
  h_->Run({"PEXPIRE", "s", "100000"});
  h_->Run({"RPUSH", "l", "a", "b", "c"});
  h_->Run({"HSET", "h", "f", "v"});
  h_->Run({"SELECT", "3"});
  h_->Run({"SADD", "set", "1", "2"});
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"SMEMBERS", "set"}), BulkArr({"1", "2"}));
  h_->Run({"SELECT", "0"});
  EXPECT_EQ(h_->Run({"GET", "s"}), Bulk("hello"));
  EXPECT_EQ(h_->Run({"PTTL", "s"}), Int(100000));
  EXPECT_EQ(h_->Run({"LRANGE", "l", "0", "-1"}), BulkArr({"a", "b", "c"}));
  EXPECT_EQ(h_->Run({"HGET", "h", "f"}), Bulk("v"));
  EXPECT_EQ(Info("rdb_last_load_keys_loaded"), "4");
}

TEST_F(SnapshotsTest, DebugReloadNosaveLoadsTheFileOnDiskAndRejectsUnknownOptions) {
  Start();
  h_->Run({"SET", "saved", "1"});
  h_->Run({"SAVE"});
  h_->Run({"SET", "unsaved", "1"});
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "NOSAVE"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"EXISTS", "saved", "unsaved"}), Int(1));
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "FOO"}),
            Err("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."));
}

// NOSAVE NOFLUSH MERGE adds the file's keys to memory, the file's value winning; NOFLUSH alone refuses
// a key that is in both (Redis 7.0 even panics there).
TEST_F(SnapshotsTest, DebugReloadMergeAddsTheFileToMemoryAndTheFileWins) {
  Start();
  h_->Run({"SET", "both", "disk"});
  h_->Run({"SET", "disk-only", "1"});
  h_->Run({"SAVE"});
  h_->Run({"SET", "both", "memory"});
  h_->Run({"DEL", "disk-only"});
  h_->Run({"SET", "memory-only", "1"});
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"GET", "both"}), Bulk("disk"));
  EXPECT_EQ(h_->Run({"EXISTS", "disk-only", "memory-only"}), Int(2));
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"}), Err("ERR Error trying to load the RDB dump"));
}

// The load progress hook a replica uses to send its keepalive newlines: once per 1024 keys.
TEST_F(SnapshotsTest, LoadReportsProgressEvery1024Keys) {
  Start();
  h_->Run({"DEBUG", "POPULATE", "5000"});
  h_->Run({"SAVE"});
  int calls = 0;
  ASSERT_TRUE(snapshots_->LoadFile(RdbPath(), true, true, false, [&calls] { ++calls; }).ok());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(h_->Run({"DBSIZE"}), Int(5000));
}

TEST_F(SnapshotsTest, DebugReloadOfACorruptFileFails) {
  Start();
  std::ofstream(RdbPath(), std::ios::binary) << "REDIS0010\xfe";
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "NOSAVE"}), Err("ERR Error trying to load the RDB dump"));
}

TEST_F(SnapshotsTest, BgsaveForksAChildThatWritesTheFile) {
  Start();
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(h_->Run({"BGSAVE"}), Simple("Background saving started"));
  EXPECT_TRUE(child_.active());
  h_->Run({"SET", "during", "x"});  // the parent keeps serving; this change stays unsaved
  WaitForChild();
  EXPECT_EQ(ReadFile(RdbPath()).substr(0, 9), "REDIS0010");
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(Info("rdb_changes_since_last_save"), "1");
  EXPECT_EQ(Info("total_forks"), "1");
  EXPECT_NE(Info("latest_fork_usec"), "0");
  h_->Run({"DEBUG", "RELOAD", "NOSAVE"});
  EXPECT_EQ(h_->Run({"EXISTS", "k", "during"}), Int(1));
}

TEST_F(SnapshotsTest, SaveAndBgsaveAreRefusedWhileABgsaveRuns) {
  Start();
  h_->Run({"DEBUG", "POPULATE", "100"});
  h_->Run({"CONFIG", "SET", "rdb-key-save-delay", "10000"});  // 100 keys x 10 ms keeps the child busy
  EXPECT_EQ(h_->Run({"BGSAVE"}), Simple("Background saving started"));
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "1");
  EXPECT_EQ(Info("rdb_current_bgsave_time_sec"), "0");
  EXPECT_EQ(h_->Run({"BGSAVE"}), Err("ERR Background save already in progress"));
  EXPECT_EQ(h_->Run({"BGSAVE", "SCHEDULE"}), Err("ERR Background save already in progress"));
  EXPECT_EQ(h_->Run({"SAVE"}), Err("ERR Background save already in progress"));
  snapshots_->KillBackgroundSave();  // SIGUSR1: a cancellation, not an error
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");
  EXPECT_FALSE(std::filesystem::exists(RdbPath()));
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) ADD_FAILURE() << entry.path();
}

TEST_F(SnapshotsTest, BgsaveWhileAnotherChildRunsNeedsSchedule) {
  Start();
  std::string error;
  ASSERT_TRUE(child_.Start(ChildKind::kAof, [] {
    pause();
    return 0;
  }, nullptr, &error));
  EXPECT_EQ(h_->Run({"BGSAVE"}),
            Err("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                "order to schedule a BGSAVE whenever possible."));
  EXPECT_EQ(h_->Run({"BGSAVE", "SCHEDULE"}), Simple("Background saving scheduled"));
  EXPECT_TRUE(snapshots_->background_save_scheduled());
  child_.Kill();
  snapshots_->Cron();  // the scheduled BGSAVE starts once no child runs
  EXPECT_FALSE(snapshots_->background_save_scheduled());
  EXPECT_EQ(child_.kind(), ChildKind::kRdb);
  WaitForChild();
  EXPECT_TRUE(std::filesystem::exists(RdbPath()));
}

TEST_F(SnapshotsTest, BgsaveInsideExecIsScheduled) {
  Start();
  h_->Run({"MULTI"});
  h_->Run({"BGSAVE"});
  EXPECT_EQ(h_->Run({"EXEC"}), Arr({Simple("Background saving scheduled")}));
  EXPECT_FALSE(child_.active());
  snapshots_->Cron();
  EXPECT_TRUE(child_.active());
  WaitForChild();
}

TEST_F(SnapshotsTest, BgsaveRejectsExtraArguments) {
  Start();
  EXPECT_EQ(h_->Run({"BGSAVE", "NOW"}), Err("ERR syntax error"));
  EXPECT_EQ(h_->Run({"BGSAVE", "SCHEDULE", "X"}), Err("ERR syntax error"));
  EXPECT_EQ(h_->Run({"SAVE", "X"}), Err("ERR wrong number of arguments for 'save' command"));
}

TEST_F(SnapshotsTest, SavePointStartsABgsaveAfterEnoughChangesAndTime) {
  Start({{10, 2}});
  h_->Run({"SET", "a", "1"});
  h_->SetTime(h_->now() + 11000);
  snapshots_->Cron();
  EXPECT_FALSE(child_.active());  // one change, two needed
  h_->Run({"SET", "b", "1"});
  snapshots_->Cron();
  EXPECT_TRUE(child_.active());
  WaitForChild();
  EXPECT_EQ(Info("rdb_changes_since_last_save"), "0");
  EXPECT_EQ(h_->Run({"LASTSAVE"}), Int(h_->now() / 1000));
}

TEST_F(SnapshotsTest, FailedBgsaveRefusesWritesWithMisconf) {
  Start({{3600, 1}});
  std::filesystem::remove_all(dir_);  // the child cannot create its temp file
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(h_->Run({"BGSAVE"}), Simple("Background saving started"));
  WaitForChild();
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "err");
  const std::string misconf =
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
      "Commands that may modify the data set are disabled, because this instance is configured to report "
      "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
      "Redis logs for details about the RDB error.";
  EXPECT_EQ(h_->Run({"SET", "k", "w"}), Err(misconf));
  EXPECT_EQ(h_->Run({"PING"}), Err(misconf));
  EXPECT_EQ(h_->Run({"GET", "k"}), Bulk("v"));
  h_->Run({"MULTI"});
  EXPECT_EQ(h_->Run({"DEL", "k"}), Err(misconf));
  EXPECT_EQ(h_->Run({"EXEC"}),
            Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(h_->Run({"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"SET", "k", "w"}), Simple("OK"));
  h_->Run({"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"});
  EXPECT_EQ(h_->Run({"SET", "k", "x"}), Err(misconf));
  h_->Run({"CONFIG", "SET", "save", ""});  // no save points: no refusal
  EXPECT_EQ(h_->Run({"SET", "k", "x"}), Simple("OK"));
}

TEST_F(SnapshotsTest, FailedSaveRepliesBareErr) {
  Start();
  std::filesystem::remove_all(dir_);
  EXPECT_EQ(h_->Run({"SAVE"}), Err("ERR"));
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD"}), Err("ERR"));
}

TEST_F(SnapshotsTest, FlushallSavesTheEmptyDataSetOnlyWithSavePoints) {
  Start();
  h_->Run({"SET", "k", "v"});
  h_->Run({"FLUSHALL"});
  EXPECT_FALSE(std::filesystem::exists(RdbPath()));
  h_->Run({"CONFIG", "SET", "save", "3600 1"});
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(h_->Run({"FLUSHALL"}), Simple("OK"));
  EXPECT_TRUE(std::filesystem::exists(RdbPath()));
  EXPECT_EQ(Info("rdb_changes_since_last_save"), "0");
}

TEST_F(SnapshotsTest, ShutdownSavesWithSavePointsAndRefusesWhenTheSaveFails) {
  Start({{3600, 1}});
  h_->Run({"SET", "k", "v"});
  EXPECT_EQ(h_->Run({"SHUTDOWN"}), "");
  EXPECT_TRUE(h_->server().shutdown_requested);
  EXPECT_TRUE(std::filesystem::exists(RdbPath()));

  Start({{3600, 1}});
  std::filesystem::remove_all(dir_);
  EXPECT_EQ(h_->Run({"SHUTDOWN"}), Err("ERR Errors trying to SHUTDOWN. Check logs."));
  EXPECT_FALSE(h_->server().shutdown_requested);
  EXPECT_EQ(h_->Run({"SHUTDOWN", "NOSAVE"}), "");
  EXPECT_TRUE(h_->server().shutdown_requested);

  Start();
  EXPECT_EQ(h_->Run({"SHUTDOWN", "SAVE"}), Err("ERR Errors trying to SHUTDOWN. Check logs."));
  EXPECT_EQ(h_->Run({"SHUTDOWN", "SAVE", "FORCE"}), "");
  EXPECT_TRUE(h_->server().shutdown_requested);
}

TEST_F(SnapshotsTest, StartupLoadTreatsAMissingFileAsEmptyAndLeavesACorruptOneUntouched) {
  Start();
  Result<rdb::LoadResult> none = snapshots_->LoadAtStartup();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->keys_loaded, 0u);

  h_->Run({"SET", "k", "v"});
  h_->Run({"SAVE"});
  std::string image = ReadFile(RdbPath());
  std::string truncated = image.substr(0, image.size() - 12);
  std::ofstream(RdbPath(), std::ios::binary | std::ios::trunc) << truncated;
  Start();
  EXPECT_FALSE(snapshots_->LoadAtStartup().ok());
  EXPECT_EQ(ReadFile(RdbPath()), truncated);

  std::string flipped = image;
  flipped[flipped.size() - 1] ^= 0x5a;  // a CRC byte
  std::ofstream(RdbPath(), std::ios::binary | std::ios::trunc) << flipped;
  Start();
  EXPECT_FALSE(snapshots_->LoadAtStartup().ok());
  EXPECT_EQ(ReadFile(RdbPath()), flipped);
}

TEST_F(SnapshotsTest, RdbcompressionDecidesWhetherLongStringsAreCompressed) {
  Start();
  h_->Run({"SET", "k", std::string(1000, 'x')});
  h_->Run({"SAVE"});
  size_t compressed = ReadFile(RdbPath()).size();
  h_->Run({"CONFIG", "SET", "rdbcompression", "no"});
  h_->Run({"SAVE"});
  std::string plain = ReadFile(RdbPath());
  EXPECT_NE(plain.find(std::string(1000, 'x')), std::string::npos);
  EXPECT_LT(compressed + 900, plain.size());
  EXPECT_EQ(h_->Run({"DEBUG", "RELOAD", "NOSAVE"}), Simple("OK"));
  EXPECT_EQ(h_->Run({"STRLEN", "k"}), Int(1000));
}

TEST_F(SnapshotsTest, RdbchecksumNoWritesAZeroChecksum) {
  Start();
  h_->Run({"CONFIG", "SET", "rdbchecksum", "no"});
  h_->Run({"SET", "k", "v"});
  h_->Run({"SAVE"});
  std::string image = ReadFile(RdbPath());
  ASSERT_GT(image.size(), 8u);
  EXPECT_EQ(image.substr(image.size() - 8), std::string(8, '\0'));
}

}  // namespace
}  // namespace slotd
