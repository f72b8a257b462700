#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

TEST(Transactions, ExecRunsQueuedCommandsInOrder) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"INCR", "a"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Simple("OK"), Int(2)}));
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("2"));
}

TEST(Transactions, QueueingErrorAbortsExec) {
  CommandHarness h;
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"SET", "a"}), Err("ERR wrong number of arguments for 'set' command"));
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
}

TEST(Transactions, RuntimeErrorsDoNotAbort) {
  CommandHarness h;
  h.Run({"SET", "s", "x"});
  h.Run({"MULTI"});
  h.Run({"INCR", "s"});
  h.Run({"SET", "t", "1"});
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Err("ERR value is not an integer or out of range"), Simple("OK")}));
}

TEST(Transactions, ErrorsOutsideMulti) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  EXPECT_EQ(h.Run({"DISCARD"}), Err("ERR DISCARD without MULTI"));
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"MULTI"}), Err("ERR MULTI calls can not be nested"));
  EXPECT_EQ(h.Run({"WATCH", "k"}), Err("ERR WATCH inside MULTI is not allowed"));
  EXPECT_EQ(h.Run({"DISCARD"}), Simple("OK"));
}

TEST(Transactions, WatchedKeyChangedByAnotherClientFailsExec) {
  CommandHarness h;
  Client& other = h.NewClient();
  h.Run({"WATCH", "k"});
  h.RunAs(other, {"SET", "k", "changed"});
  h.Run({"MULTI"});
  h.Run({"SET", "k", "mine"});
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("changed"));
}

TEST(Transactions, UnchangedWatchedKeyLetsExecRun) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"WATCH", "k"});
  h.Run({"GET", "k"});
  h.Run({"MULTI"});
  h.Run({"SET", "k", "mine"});
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Simple("OK")}));
}

TEST(Transactions, WatchSeesExpiry) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "PX", "100"});
  h.Run({"WATCH", "k"});
  h.AdvanceTime(200);
  h.Run({"MULTI"});
  h.Run({"SET", "x", "1"});
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

TEST(Transactions, WatchSeesFlushAll) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"WATCH", "k"});
  Client& other = h.NewClient();
  h.RunAs(other, {"FLUSHALL"});
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

TEST(Transactions, FlushAllKeepsWatchOnAMissingKeyValid) {
  CommandHarness h;
  h.Run({"WATCH", "nokey"});
  Client& other = h.NewClient();
  h.RunAs(other, {"FLUSHALL"});
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Simple("PONG")}));
}

TEST(Transactions, SwapDbInvalidatesWatchedKeyThatMoved) {
  CommandHarness h;
  Client& other = h.NewClient();
  h.RunAs(other, {"SET", "x", "1"});
  h.Run({"WATCH", "x"});
  h.RunAs(other, {"SWAPDB", "0", "1"});
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

TEST(Transactions, DisallowedDebugIsRefusedWhileQueueing) {
  CommandHarness h;  // enable-debug-command defaults to no
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"DEBUG", "SLEEP", "0"}).substr(0, 36), "-ERR DEBUG command not allowed. If t");
  EXPECT_EQ(h.Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
}

TEST(Transactions, UnwatchForgetsKeys) {
  CommandHarness h;
  Client& other = h.NewClient();
  h.Run({"WATCH", "k"});
  h.Run({"UNWATCH"});
  h.RunAs(other, {"SET", "k", "changed"});
  h.Run({"MULTI"});
  h.Run({"PING"});
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Simple("PONG")}));
}

}  // namespace
}  // namespace slotd::test
