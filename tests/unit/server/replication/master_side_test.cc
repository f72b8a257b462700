// The master side in process (no sockets, no fork): REPLCONF, PSYNC full and partial, the stream
// with its forced SELECT, ACKs and WAIT, and the replication commands' errors.
#include <gtest/gtest.h>
#include <uv.h>

#include <string>

#include "server/replication/replication.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

class MasterSide : public ::testing::Test {
 protected:
  MasterSide() : repl_(h_.server(), uv_default_loop()) {
    h_.server().replication = &repl_;
    h_.server().on_propagate = [this](int db, std::span<const std::string> argv,
                                      Server::PropagationTarget to) {
      if ((to & Server::kToReplicas) != 0) repl_.Feed(db, argv);
    };
  }
  ~MasterSide() override {
    h_.server().replication = nullptr;
    h_.server().on_propagate = nullptr;
  }
  // A client that completed the handshake; returns what PSYNC answered.
  std::string Attach(Client& c, std::string_view replid, std::string_view offset) {
    EXPECT_EQ(h_.RunAs(c, {"REPLCONF", "listening-port", "7001"}), test::Simple("OK"));
    EXPECT_EQ(h_.RunAs(c, {"REPLCONF", "capa", "eof", "capa", "psync2"}), test::Simple("OK"));
    return h_.RunAs(c, {"PSYNC", replid, offset});
  }

  test::CommandHarness h_;
  Replication repl_;
};

TEST_F(MasterSide, FullResyncSendsTheRdbThenTheStreamStartsWithSelect) {
  h_.Run({"SET", "before", "1"});
  Client& replica = h_.NewClient();
  std::string reply = Attach(replica, "?", "-1");
  ASSERT_EQ(reply.rfind("+FULLRESYNC " + repl_.replid() + " 0\r\n$", 0), 0u) << reply;
  EXPECT_NE(reply.find("REDIS0010"), std::string::npos);
  EXPECT_NE(reply.find("before"), std::string::npos);
  EXPECT_TRUE(replica.is_replica);
  h_.Run({"SET", "k", "v"});
  std::string stream = h_.TakeOutput(replica);
  EXPECT_EQ(stream, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(repl_.master_repl_offset(), static_cast<int64_t>(stream.size()));
  EXPECT_EQ(repl_.sync_full(), 1u);
}

TEST_F(MasterSide, PartialResyncSendsTheMissingBacklogBytes) {
  Client& first = h_.NewClient();
  Attach(first, "?", "-1");
  h_.Run({"SET", "a", "1"});
  std::string stream = h_.TakeOutput(first);
  Client& second = h_.NewClient();
  std::string reply = Attach(second, repl_.replid(), "24");  // after the SELECT (23 bytes)
  EXPECT_EQ(reply, "+CONTINUE " + repl_.replid() + "\r\n" + stream.substr(23));
  EXPECT_EQ(repl_.sync_partial_ok(), 1u);
}

TEST_F(MasterSide, UnknownIdOrOffsetOutsideTheBacklogGetsAFullResync) {
  Client& first = h_.NewClient();
  Attach(first, "?", "-1");
  Client& second = h_.NewClient();
  EXPECT_EQ(Attach(second, std::string(40, 'a'), "1").rfind("+FULLRESYNC", 0), 0u);
  Client& third = h_.NewClient();
  EXPECT_EQ(Attach(third, repl_.replid(), "999").rfind("+FULLRESYNC", 0), 0u);
  EXPECT_EQ(repl_.sync_partial_err(), 2u);
  EXPECT_EQ(repl_.sync_full(), 3u);
}

TEST_F(MasterSide, AcksAreNotAnsweredAndWaitCountsThem) {
  Client& replica = h_.NewClient();
  Attach(replica, "?", "-1");
  h_.Run({"SET", "a", "1"});
  h_.TakeOutput(replica);
  EXPECT_EQ(h_.Run({"WAIT", "0", "0"}), test::Int(0));
  EXPECT_EQ(h_.RunAs(replica, {"REPLCONF", "ACK", std::to_string(repl_.master_repl_offset())}), "");
  EXPECT_EQ(h_.Run({"WAIT", "1", "0"}), test::Int(1));
  EXPECT_EQ(h_.Run({"WAIT", "2", "100"}), "");  // blocks until the timeout
  h_.AdvanceTime(150);
  repl_.Cron();
  EXPECT_EQ(h_.TakeOutput(h_.client()), test::Int(1));
}

TEST_F(MasterSide, WaitWaitsForTheCallersLastWriteNotTheCurrentOffset) {
  Client& replica = h_.NewClient();
  Attach(replica, "?", "-1");
  Client& other = h_.NewClient();
  h_.Run({"SET", "mine", "1"});
  int64_t after_mine = repl_.master_repl_offset();
  h_.RunAs(other, {"SET", "theirs", "2"});  // moves the master's offset past our write
  ASSERT_GT(repl_.master_repl_offset(), after_mine);
  h_.TakeOutput(replica);
  EXPECT_EQ(h_.RunAs(replica, {"REPLCONF", "ACK", std::to_string(after_mine)}), "");
  // Our write is acknowledged: no wait, although the stream has moved on.
  EXPECT_EQ(h_.Run({"WAIT", "1", "0"}), test::Int(1));
  // The other client's write is not yet: it blocks until the replica acknowledges it.
  EXPECT_EQ(h_.RunAs(other, {"WAIT", "1", "0"}), "");
  EXPECT_EQ(h_.RunAs(replica, {"REPLCONF", "ACK", std::to_string(repl_.master_repl_offset())}),
            "");
  EXPECT_EQ(h_.TakeOutput(other), test::Int(1));
  // A client that never wrote waits for nothing.
  Client& reader = h_.NewClient();
  EXPECT_EQ(h_.RunAs(reader, {"WAIT", "1", "0"}), test::Int(1));
}

TEST_F(MasterSide, RoleListsOnlineReplicasWithTheirAcks) {
  Client& replica = h_.NewClient();
  Attach(replica, "?", "-1");
  h_.RunAs(replica, {"REPLCONF", "ACK", "0"});
  std::string role = h_.Run({"ROLE"});
  EXPECT_EQ(role,
            "*3\r\n$6\r\nmaster\r\n:0\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n7001\r\n$1\r\n0\r\n")
      << role;
}

TEST_F(MasterSide, ReplconfErrors) {
  EXPECT_EQ(h_.Run({"REPLCONF", "listening-port"}), test::Err("ERR syntax error"));
  EXPECT_EQ(h_.Run({"REPLCONF", "foo", "bar"}), test::Err("ERR Unrecognized REPLCONF option: foo"));
  EXPECT_EQ(h_.Run({"REPLCONF", "listening-port", "x"}),
            test::Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(
      h_.Run({"REPLCONF", "ip-address", std::string(300, 'a')}),
      test::Err("ERR REPLCONF ip-address provided by replica instance is too long: 300 bytes"));
  EXPECT_EQ(h_.Run({"REPLCONF", "capa", "foo"}), test::Simple("OK"));
  EXPECT_EQ(h_.Run({"REPLCONF", "ack", "5"}), "");
  EXPECT_EQ(h_.Run({"PSYNC", "a", "b"}), test::Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h_.Run({"PSYNC", "a", "1", "failover"}),
            test::Err("ERR PSYNC FAILOVER can't be sent to a master."));
}

TEST_F(MasterSide, WaitArgumentErrors) {
  EXPECT_EQ(h_.Run({"WAIT", "a", "0"}), test::Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h_.Run({"WAIT", "1", "a"}), test::Err("ERR timeout is not an integer or out of range"));
  EXPECT_EQ(h_.Run({"WAIT", "1", "-1"}), test::Err("ERR timeout is negative"));
  h_.Run({"MULTI"});
  h_.Run({"WAIT", "1", "100"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*1\r\n:0\r\n");  // inside a transaction WAIT never blocks
}

}  // namespace
}  // namespace slotd
