// The sentinel's script queue: Redis's retry, error and queue-length rules, with real children.
#include "server/sentinel_host/script_runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

namespace slotd {
namespace {

class ScriptRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/slotd-scripts-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Script(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    std::fprintf(f, "#!/bin/sh\n%s\n", body.c_str());
    std::fclose(f);
    chmod(path.c_str(), 0755);
    return path;
  }

  // Ticks (with the given clock) until nothing runs; false after 5 s of real time.
  bool RunUntilIdle(ScriptRunner& runner, int64_t now) {
    for (int i = 0; i < 500; ++i) {
      runner.Tick(now);
      if (runner.running() == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string dir_;
  std::vector<std::pair<std::string, std::string>> events_;
  ScriptRunner::EventFn recorder_ = [this](const std::string& type, const std::string& payload) {
    events_.emplace_back(type, payload);
  };
};

TEST_F(ScriptRunnerTest, SuccessfulScriptGetsItsArgumentsAndLeavesTheQueue) {
  ScriptRunner runner(recorder_);
  std::string out = dir_ + "/out";
  runner.Enqueue(Script("ok.sh", "echo \"$1 $2\" > " + out), {"+switch-master", "mymaster x"});
  EXPECT_EQ(runner.queued(), 1);
  runner.Tick(1000);
  EXPECT_EQ(runner.running(), 1);
  ASSERT_TRUE(RunUntilIdle(runner, 1000));
  EXPECT_EQ(runner.queued(), 0);
  EXPECT_TRUE(events_.empty());
  FILE* f = std::fopen(out.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[64] = {0};
  ASSERT_NE(std::fgets(buf, sizeof(buf), f), nullptr);
  std::fclose(f);
  EXPECT_STREQ(buf, "+switch-master mymaster x\n");
}

TEST_F(ScriptRunnerTest, ExitCodeOneIsRetriedAfterThirtySeconds) {
  ScriptRunner runner(recorder_);
  runner.Enqueue(Script("retry.sh", "exit 1"), {});
  runner.Tick(1000);
  ASSERT_TRUE(RunUntilIdle(runner, 1000));
  ASSERT_EQ(runner.queued(), 1);
  const ScriptJob& job = runner.jobs().front();
  EXPECT_FALSE(job.running);
  EXPECT_EQ(job.retry_num, 1);
  EXPECT_EQ(job.start_time, 1000 + kScriptRetryDelayMs);
  runner.Tick(1000 + kScriptRetryDelayMs - 1);
  EXPECT_EQ(runner.running(), 0);  // not due yet
  runner.Tick(1000 + kScriptRetryDelayMs);
  EXPECT_EQ(runner.running(), 1);
  ASSERT_TRUE(RunUntilIdle(runner, 1000 + kScriptRetryDelayMs));
  // The second retry waits twice as long.
  EXPECT_EQ(runner.jobs().front().start_time, 1000 + 3 * kScriptRetryDelayMs);
  EXPECT_TRUE(events_.empty());
}

TEST_F(ScriptRunnerTest, LimitsSetBySentinelDebugApply) {
  ScriptRunner runner(recorder_);
  runner.SetLimits(500, 100);  // script-max-runtime 500, script-retry-delay 100
  runner.Enqueue(Script("slow.sh", "exec sleep 30"), {});
  runner.Tick(0);
  ASSERT_EQ(runner.running(), 1);
  runner.Tick(500);
  EXPECT_TRUE(events_.empty());  // not overdue yet
  runner.Tick(501);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "-script-timeout");
  ASSERT_TRUE(RunUntilIdle(runner, 502));
  ASSERT_EQ(runner.queued(), 1);
  EXPECT_EQ(runner.jobs().front().start_time, 502 + 100);
}

TEST_F(ScriptRunnerTest, OtherExitCodesAndMissingScriptsAreScriptErrors) {
  ScriptRunner runner(recorder_);
  std::string bad = Script("bad.sh", "exit 3");
  std::string missing = dir_ + "/missing.sh";
  runner.Enqueue(bad, {});
  runner.Enqueue(missing, {});
  runner.Tick(0);
  ASSERT_TRUE(RunUntilIdle(runner, 0));
  EXPECT_EQ(runner.queued(), 0);
  ASSERT_EQ(events_.size(), 2u);
  std::sort(events_.begin(), events_.end());
  EXPECT_EQ(events_[0], std::make_pair(std::string("-script-error"), bad + " 0 3"));
  EXPECT_EQ(events_[1], std::make_pair(std::string("-script-error"), missing + " 0 2"));
}

TEST_F(ScriptRunnerTest, OverdueScriptIsKilledAndRetried) {
  ScriptRunner runner(recorder_);
  runner.Enqueue(Script("slow.sh", "exec sleep 30"), {});
  runner.Tick(0);
  ASSERT_EQ(runner.running(), 1);
  pid_t pid = runner.jobs().front().pid;
  runner.Tick(kScriptMaxRuntimeMs + 1);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "-script-timeout");
  EXPECT_NE(events_[0].second.find(" " + std::to_string(pid)), std::string::npos);
  ASSERT_TRUE(RunUntilIdle(runner, kScriptMaxRuntimeMs + 2));
  // Killed by a signal counts like exit code 1: scheduled again.
  EXPECT_EQ(runner.queued(), 1);
  EXPECT_FALSE(runner.jobs().front().running);
}

TEST_F(ScriptRunnerTest, AtMostSixteenRunAndTheQueueIsBounded) {
  ScriptRunner runner(recorder_);
  std::string slow = Script("slow.sh", "exec sleep 30");
  for (int i = 0; i < 300; ++i) runner.Enqueue(slow, {});
  EXPECT_EQ(runner.queued(), static_cast<int>(kScriptMaxQueue));
  runner.Tick(0);
  EXPECT_EQ(runner.running(), kScriptMaxRunning);
  runner.KillAll();
  EXPECT_EQ(runner.running(), 0);
  EXPECT_EQ(runner.queued(), 0);
}

}  // namespace
}  // namespace slotd
