// CLIENT PAUSE on real processes (postponed clients resume in order with their pipelined requests, keys do
// not expire while paused, a paused replica holds its master's stream back) and the coordinated FAILOVER
// between a master and its replicas.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/repl_nodes.h"

namespace slotd::test {
namespace {

using Pause = ReplNodes;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST_F(Pause, WritePausePostponesWritesAndResumesPipelinedRequestsInOrder) {
  Node& node = Start();
  RawClient admin(node.port);
  RawClient writer(node.port, 300);
  ASSERT_EQ(admin.Call({"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
  EXPECT_EQ(writer.Call({"GET", "k"}), "$-1\r\n");  // reads still run
  writer.SendRaw(EncodeCommand({"SET", "k", "v"}) + EncodeCommand({"GET", "k"}));
  EXPECT_EQ(writer.ReadReply(), "");  // postponed
  EXPECT_EQ(ParseInfo(admin.Call({"INFO", "clients"}))["blocked_clients"], "1");
  EXPECT_EQ(admin.Call({"GET", "k"}), "$-1\r\n");
  ASSERT_EQ(admin.Call({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_EQ(writer.ReadReply(), "+OK\r\n");
  EXPECT_EQ(writer.ReadReply(), "$1\r\nv\r\n");
}

TEST_F(Pause, PauseEndsByItselfAtItsTimeout) {
  Node& node = Start();
  RawClient admin(node.port);
  RawClient writer(node.port, 3000);
  ASSERT_EQ(admin.Call({"CLIENT", "PAUSE", "300", "ALL"}), "+OK\r\n");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(writer.Call({"PING"}), "+PONG\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

TEST_F(Pause, KeysDoNotExpireWhilePaused) {
  Node& node = Start();
  RawClient c(node.port);
  ASSERT_EQ(c.Call({"SET", "k", "v", "PX", "50"}), "+OK\r\n");
  ASSERT_EQ(c.Call({"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
  SleepMs(300);  // several active-expiry cycles
  EXPECT_EQ(c.Call({"GET", "k"}), "$-1\r\n");  // logically expired
  EXPECT_EQ(c.Call({"DBSIZE"}), ":1\r\n");     // but still there
  EXPECT_EQ(ParseInfo(c.Call({"INFO", "stats"}))["expired_keys"], "0");
  ASSERT_EQ(c.Call({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(ParseInfo(c.Call({"INFO", "stats"}))["expired_keys"], "1");
}

TEST_F(Pause, PausedReplicaHoldsTheMasterStreamUntilUnpaused) {
  Node& master = Start();
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  // A write after the full sync puts the stream's SELECT (not a write, so never paused) behind us.
  ASSERT_EQ(Call(master, {"SET", "first", "1"}), "+OK\r\n");
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  std::string before = Info(replica, "replication")["master_repl_offset"];
  ASSERT_EQ(Call(replica, {"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
  ASSERT_EQ(Call(master, {"SET", "k", "v"}), "+OK\r\n");
  SleepMs(300);
  EXPECT_EQ(Info(replica, "replication")["master_repl_offset"], before);
  EXPECT_EQ(Call(replica, {"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(Info(replica, "replication")["master_link_status"], "up");
  ASSERT_EQ(Call(replica, {"CLIENT", "UNPAUSE"}), "+OK\r\n");
  ASSERT_TRUE(WaitInSync(master, replica));
  EXPECT_EQ(Call(replica, {"GET", "k"}), "$1\r\nv\r\n");
}

using Failover = ReplNodes;

std::string Port(const Node& node) { return std::to_string(node.port); }

TEST_F(Failover, RefusesWhatRedisRefuses) {
  Node& master = Start();
  EXPECT_EQ(Call(master, {"FAILOVER"}), "-ERR FAILOVER requires connected replicas.\r\n");
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, replica)) << replica.process->ReadLog();
  EXPECT_EQ(Call(replica, {"FAILOVER"}), "-ERR FAILOVER is not valid when server is a replica.\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "ABORT"}), "-ERR No failover in progress.\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "TIMEOUT", "0"}), "-ERR FAILOVER timeout must be greater than 0\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "TIMEOUT", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "ABORT", "TIMEOUT", "5"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "FORCE"}),
            "-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n");
  EXPECT_EQ(Call(master, {"FAILOVER", "TO", "127.0.0.1", "1"}),
            "-ERR FAILOVER target HOST and PORT is not a replica.\r\n");
  EXPECT_EQ(Info(master, "replication")["master_failover_state"], "no-failover");
}

TEST_F(Failover, HandsOverToTheTargetWhichContinuesPartially) {
  Node& master = Start();
  Node& r1 = StartReplicaOf(master);
  Node& r2 = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, r1)) << r1.process->ReadLog();
  ASSERT_TRUE(WaitInSync(master, r2)) << r2.process->ReadLog();
  ASSERT_EQ(Call(master, {"SET", "before", "1"}), "+OK\r\n");
  ASSERT_EQ(Call(master, {"FAILOVER", "TO", "127.0.0.1", Port(r1)}), "+OK\r\n");
  ASSERT_TRUE(WaitFor([&] { return Info(r1, "replication")["role"] == "master"; }))
      << master.process->ReadLog() << r1.process->ReadLog();
  ASSERT_TRUE(WaitFor([&] {
    auto info = Info(master, "replication");
    return info["role"] == "slave" && info["master_port"] == Port(r1) && info["master_link_status"] == "up";
  })) << master.process->ReadLog();
  EXPECT_EQ(Info(master, "replication")["master_failover_state"], "no-failover");
  EXPECT_EQ(Info(r1, "stats")["sync_full"], "0");  // the old master continued with a partial resync
  EXPECT_EQ(Call(master, {"SET", "k", "v"}),
            "-READONLY You can't write against a read only replica.\r\n");
  ASSERT_EQ(Call(r1, {"SET", "after", "2"}), "+OK\r\n");
  // The other replica stays behind the old master, now a chained replica of the new one.
  EXPECT_TRUE(WaitFor([&] { return Call(r2, {"GET", "after"}) == "$1\r\n2\r\n"; }));
  EXPECT_EQ(Call(r2, {"GET", "before"}), "$1\r\n1\r\n");
}

// A master with one replica whose acknowledged offset lags: a paused replica holds the stream back.
class LaggingFailover : public ReplNodes {
 protected:
  void SetUp() override {
    master_ = &Start();
    replica_ = &StartReplicaOf(*master_);
    ASSERT_TRUE(WaitInSync(*master_, *replica_)) << replica_->process->ReadLog();
    ASSERT_EQ(Call(*replica_, {"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
    ASSERT_EQ(Call(*master_, {"SET", "k", "1"}), "+OK\r\n");
  }
  Node* master_ = nullptr;
  Node* replica_ = nullptr;
};

TEST_F(LaggingFailover, WaitsForTheTargetAndAbortsAtTheTimeout) {
  Node& master = *master_;
  Node& replica = *replica_;
  ASSERT_EQ(Call(master, {"FAILOVER", "TO", "127.0.0.1", Port(replica), "TIMEOUT", "1500"}), "+OK\r\n");
  EXPECT_EQ(Info(master, "replication")["master_failover_state"], "waiting-for-sync");
  EXPECT_EQ(Call(master, {"FAILOVER"}), "-ERR FAILOVER already in progress.\r\n");
  EXPECT_EQ(Call(master, {"REPLICAOF", "NO", "ONE"}), "-ERR REPLICAOF not allowed while failing over.\r\n");
  RawClient writer(master.port, 5000);
  writer.Send({"SET", "k", "2"});  // postponed by the failover's write pause
  EXPECT_EQ(writer.ReadReply(), "+OK\r\n");  // runs once the failover gave up
  EXPECT_EQ(Info(master, "replication")["master_failover_state"], "no-failover");
  EXPECT_EQ(Info(master, "replication")["role"], "master");
  EXPECT_NE(master.process->ReadLog().find("Replica never caught up before timeout"), std::string::npos);
}

TEST_F(LaggingFailover, AbortResumesPausedWriters) {
  Node& master = *master_;
  ASSERT_EQ(Call(master, {"FAILOVER"}), "+OK\r\n");
  RawClient writer(master.port, 300);
  writer.Send({"SET", "k", "2"});
  EXPECT_EQ(writer.ReadReply(), "");
  EXPECT_EQ(Call(master, {"FAILOVER", "ABORT"}), "+OK\r\n");
  EXPECT_EQ(writer.ReadReply(), "+OK\r\n");
  EXPECT_EQ(Info(master, "replication")["master_failover_state"], "no-failover");
}

}  // namespace
}  // namespace slotd::test
