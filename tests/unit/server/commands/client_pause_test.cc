// CLIENT PAUSE / UNPAUSE and the pause table: which commands are postponed, how they resume, and how
// pauses of different purposes combine (replies checked against redis-server 7.0.15).
#include "server/app/client_pause.h"

#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Arr;
using test::Bulk;
using test::Err;
using test::Int;
using test::NullBulk;
using test::Simple;

class ClientPauseTest : public ::testing::Test {
 protected:
  ClientPauseTest() : pause_(h_.server()) { h_.server().pause = &pause_; }
  ~ClientPauseTest() override { h_.server().pause = nullptr; }

  test::CommandHarness h_;
  ClientPause pause_;
};

TEST_F(ClientPauseTest, RejectsBadArguments) {
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "abc"}), Err("ERR timeout is not an integer or out of range"));
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "-1"}), Err("ERR timeout is negative"));
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "10", "foo"}), Err("ERR CLIENT PAUSE mode must be WRITE or ALL"));
  EXPECT_EQ(h_.Run({"CLIENT", "pause", "10", "write", "x"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP."));
  EXPECT_EQ(h_.Run({"CLIENT", "UNPAUSE", "x"}), Err("ERR wrong number of arguments for 'client|unpause' command"));
  EXPECT_FALSE(pause_.Paused());
}

TEST_F(ClientPauseTest, ZeroOrOverflowingTimeoutPausesNothing) {
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "0", "ALL"}), Simple("OK"));
  EXPECT_FALSE(pause_.Paused());
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "9223372036854775807", "WRITE"}), Simple("OK"));
  EXPECT_FALSE(pause_.Paused());
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), Simple("OK"));
}

TEST_F(ClientPauseTest, WritePausePostponesWritesAndPublishButNotReads) {
  Client& other = h_.NewClient();
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), Simple("OK"));
  EXPECT_EQ(h_.RunAs(other, {"GET", "k"}), NullBulk());
  EXPECT_EQ(h_.RunAs(other, {"PING"}), Simple("PONG"));
  EXPECT_EQ(h_.RunAs(other, {"SET", "k", "v"}), "");
  EXPECT_TRUE(other.blocked);
  EXPECT_TRUE(pause_.IsPostponed(other));
  Client& publisher = h_.NewClient();
  EXPECT_EQ(h_.RunAs(publisher, {"PUBLISH", "ch", "m"}), "");
  EXPECT_EQ(h_.server().blocked_clients(), 2u);
  EXPECT_EQ(h_.Run({"GET", "k"}), NullBulk());

  EXPECT_EQ(h_.Run({"CLIENT", "UNPAUSE"}), Simple("OK"));
  pause_.BeforeSleep();
  EXPECT_EQ(h_.TakeOutput(other), Simple("OK"));
  EXPECT_EQ(h_.TakeOutput(publisher), Int(0));
  EXPECT_EQ(h_.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h_.server().blocked_clients(), 0u);
}

TEST_F(ClientPauseTest, AllPausePostponesEverythingIncludingUnpause) {
  Client& other = h_.NewClient();
  EXPECT_EQ(h_.Run({"CLIENT", "PAUSE", "1000", "ALL"}), Simple("OK"));
  EXPECT_EQ(h_.RunAs(other, {"GET", "k"}), "");
  EXPECT_EQ(h_.Run({"CLIENT", "UNPAUSE"}), "");
  h_.AdvanceTime(1001);
  pause_.Cron();
  EXPECT_FALSE(pause_.Paused());
  pause_.BeforeSleep();
  EXPECT_EQ(h_.TakeOutput(other), NullBulk());
  EXPECT_EQ(h_.TakeOutput(h_.client()), Simple("OK"));
}

TEST_F(ClientPauseTest, PostponedCommandsResumeInArrivalOrder) {
  Client& first = h_.NewClient();
  Client& second = h_.NewClient();
  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.RunAs(second, {"SET", "k", "2"}), "");
  EXPECT_EQ(h_.RunAs(first, {"SET", "k", "1"}), "");
  h_.Run({"CLIENT", "UNPAUSE"});
  pause_.BeforeSleep();
  EXPECT_EQ(h_.Run({"GET", "k"}), Bulk("1"));
}

TEST_F(ClientPauseTest, WritesInsideMultiAndWriteExecArePostponed) {
  Client& other = h_.NewClient();
  EXPECT_EQ(h_.RunAs(other, {"MULTI"}), Simple("OK"));
  EXPECT_EQ(h_.RunAs(other, {"SET", "z", "1"}), Simple("QUEUED"));
  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.RunAs(other, {"EXEC"}), "");
  h_.Run({"CLIENT", "UNPAUSE"});
  pause_.BeforeSleep();
  EXPECT_EQ(h_.TakeOutput(other), Arr({Simple("OK")}));

  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.RunAs(other, {"MULTI"}), Simple("OK"));
  EXPECT_EQ(h_.RunAs(other, {"GET", "z"}), Simple("QUEUED"));
  EXPECT_EQ(h_.RunAs(other, {"EXEC"}), Arr({Bulk("1")}));  // a read-only EXEC runs
  EXPECT_EQ(h_.RunAs(other, {"MULTI"}), Simple("OK"));
  EXPECT_EQ(h_.RunAs(other, {"SET", "z", "2"}), "");  // paused before queueing, as Redis
}

TEST_F(ClientPauseTest, StricterKindAndLaterEndWinWithinAPurpose) {
  Client& other = h_.NewClient();
  h_.Run({"MULTI"});  // the second PAUSE would itself wait behind the first one
  h_.Run({"CLIENT", "PAUSE", "300", "ALL"});
  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.Run({"EXEC"}), Arr({Simple("OK"), Simple("OK")}));
  EXPECT_EQ(pause_.kind(), PauseKind::kAll);
  h_.AdvanceTime(1000);
  EXPECT_TRUE(pause_.Paused());
  EXPECT_EQ(h_.RunAs(other, {"GET", "k"}), "");
}

TEST_F(ClientPauseTest, PurposesDoNotClobberEachOther) {
  Client& other = h_.NewClient();
  pause_.Pause(PausePurpose::kFailover, h_.now() + 5000, PauseKind::kWrite);
  h_.Run({"CLIENT", "PAUSE", "100000", "ALL"});
  EXPECT_EQ(h_.RunAs(other, {"GET", "k"}), "");
  EXPECT_EQ(pause_.end_ms(), h_.now() + 100000);
  // CLIENT UNPAUSE ends only its own pause: the read runs, writes still wait for the failover.
  pause_.Unpause(PausePurpose::kClientCommand);
  pause_.BeforeSleep();
  EXPECT_EQ(h_.TakeOutput(other), NullBulk());
  EXPECT_EQ(h_.RunAs(other, {"SET", "k", "v"}), "");
  EXPECT_EQ(pause_.end_ms(), h_.now() + 5000);
  pause_.Unpause(PausePurpose::kFailover);
  EXPECT_FALSE(pause_.Paused());
  pause_.BeforeSleep();
  EXPECT_EQ(h_.TakeOutput(other), Simple("OK"));
}

TEST_F(ClientPauseTest, ReplicasAreNeverPaused) {
  Client& replica = h_.NewClient();
  replica.is_replica = true;
  h_.Run({"CLIENT", "PAUSE", "100000", "ALL"});
  EXPECT_EQ(h_.RunAs(replica, {"PING"}), Simple("PONG"));
}

TEST_F(ClientPauseTest, UnblockDoesNotReleaseAPostponedClient) {
  Client& other = h_.NewClient();
  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.RunAs(other, {"SET", "k", "v"}), "");
  EXPECT_EQ(h_.Run({"CLIENT", "UNBLOCK", std::to_string(other.id())}), Int(0));
  EXPECT_TRUE(other.blocked);
}

TEST_F(ClientPauseTest, DisconnectedPostponedClientIsSkipped) {
  Client& other = h_.NewClient();
  h_.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h_.RunAs(other, {"SET", "k", "v"}), "");
  h_.server().ForgetClient(other);
  h_.Run({"CLIENT", "UNPAUSE"});
  pause_.BeforeSleep();
  EXPECT_EQ(h_.Run({"EXISTS", "k"}), Int(0));
}

}  // namespace
}  // namespace slotd
