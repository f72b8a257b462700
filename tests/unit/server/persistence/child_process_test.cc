// ChildProcess: one child at a time, exit codes and signals reported through Done, descriptor hygiene
// in the child, and the child's copy-on-write report.
#include "server/persistence/child_process.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>
#include <vector>

namespace slotd {
namespace {

struct Outcome {
  bool called = false;
  int exit_code = -2;
  int term_signal = -2;
};

ChildProcess::Done Record(Outcome* outcome) {
  return [outcome](int exit_code, int term_signal) {
    outcome->called = true;
    outcome->exit_code = exit_code;
    outcome->term_signal = term_signal;
  };
}

void PollUntilDone(ChildProcess& child) {
  for (int i = 0; i < 500 && child.active(); ++i) {
    child.Poll();
    if (child.active()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST(ChildProcess, ReportsTheExitCodeOfTheWorkThroughPoll) {
  ChildProcess child;
  Outcome outcome;
  std::string error;
  ASSERT_TRUE(child.Start(ChildKind::kRdb, [] { return 3; }, Record(&outcome), &error));
  EXPECT_TRUE(child.active());
  EXPECT_EQ(child.kind(), ChildKind::kRdb);
  EXPECT_GT(child.pid(), 0);
  PollUntilDone(child);
  EXPECT_TRUE(outcome.called);
  EXPECT_EQ(outcome.exit_code, 3);
  EXPECT_EQ(outcome.term_signal, 0);
  EXPECT_FALSE(child.active());
  EXPECT_EQ(child.kind(), ChildKind::kNone);
  EXPECT_EQ(child.last_kind(), ChildKind::kRdb);
  EXPECT_EQ(child.total_forks(), 1u);
  EXPECT_GT(child.latest_fork_usec(), 0);
}

TEST(ChildProcess, RefusesASecondChildWhileOneRuns) {
  ChildProcess child;
  Outcome first;
  std::string error;
  ASSERT_TRUE(child.Start(ChildKind::kAof, [] {
    pause();
    return 0;
  }, Record(&first), &error));
  EXPECT_FALSE(child.Start(ChildKind::kRdb, [] { return 0; }, nullptr, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(child.kind(), ChildKind::kAof);
  child.Kill();
  EXPECT_TRUE(first.called);
  EXPECT_EQ(first.term_signal, SIGUSR1);
  EXPECT_FALSE(child.active());
}

TEST(ChildProcess, DoneMayStartTheNextChild) {
  ChildProcess child;
  Outcome second;
  std::string error;
  auto first_done = [&](int, int) { child.Start(ChildKind::kRdb, [] { return 0; }, Record(&second), &error); };
  ASSERT_TRUE(child.Start(ChildKind::kAof, [] { return 0; }, first_done, &error));
  PollUntilDone(child);  // reaps the first, which starts the second
  PollUntilDone(child);
  EXPECT_TRUE(second.called);
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(child.total_forks(), 2u);
}

TEST(ChildProcess, ChildKeepsOnlyTheDescriptorsItIsGiven) {
  int kept[2];
  int dropped[2];
  ASSERT_EQ(pipe(kept), 0);
  ASSERT_EQ(pipe(dropped), 0);
  ChildProcess child;
  Outcome outcome;
  std::string error;
  int kept_fd = kept[1];
  int dropped_fd = dropped[1];
  auto work = [kept_fd, dropped_fd] {
    bool kept_ok = write(kept_fd, "k", 1) == 1;
    bool dropped_closed = write(dropped_fd, "d", 1) < 0 && errno == EBADF;
    return kept_ok && dropped_closed ? 0 : 1;
  };
  ASSERT_TRUE(child.Start(ChildKind::kRdb, work, Record(&outcome), &error, {kept_fd}));
  child.Wait();
  EXPECT_EQ(outcome.exit_code, 0);
  char c = 0;
  EXPECT_EQ(read(kept[0], &c, 1), 1);
  EXPECT_EQ(c, 'k');
  for (int fd : {kept[0], kept[1], dropped[0], dropped[1]}) close(fd);
}

TEST(ChildProcess, ReportsTheMemoryTheChildCopied) {
  std::vector<char> buffer(16u << 20, 'a');
  ChildProcess child;
  Outcome outcome;
  std::string error;
  auto work = [&buffer] {
    for (size_t i = 0; i < buffer.size(); i += 4096) buffer[i] = 'b';  // every page copied on write
    return 0;
  };
  ASSERT_TRUE(child.Start(ChildKind::kRdb, work, Record(&outcome), &error));
  child.Wait();
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_GE(child.last_cow_size(), 16u << 20);
  EXPECT_EQ(buffer[0], 'a');  // the parent's memory is its own
}

TEST(ChildProcess, DestructionEndsARunningChildWithoutCallingDone) {
  Outcome outcome;
  pid_t pid = -1;
  {
    ChildProcess child;
    std::string error;
    ASSERT_TRUE(child.Start(ChildKind::kRdb, [] {
      pause();
      return 0;
    }, Record(&outcome), &error));
    pid = child.pid();
  }
  EXPECT_FALSE(outcome.called);
  EXPECT_EQ(kill(pid, 0), -1);  // reaped: the pid is gone
  EXPECT_EQ(errno, ESRCH);
}

TEST(ChildProcess, KillWithoutAChildDoesNothing) {
  ChildProcess child;
  child.Kill();
  child.Poll();
  child.Wait();
  EXPECT_FALSE(child.active());
  EXPECT_EQ(child.total_forks(), 0u);
}

}  // namespace
}  // namespace slotd
