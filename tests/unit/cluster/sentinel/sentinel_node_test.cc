// One SentinelNode against fake instances: discovery, SDOWN, the full single-sentinel failover
// event sequence observed on Redis 7.0, TILT, votes, and the old master's return.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/cluster/sentinel/fake_instances.h"

namespace slotd::sentinel {
namespace {

using testing::FakeInstances;

constexpr int kMaster = 17100;
constexpr int kReplica = 17101;

// One master with one replica, monitored with quorum 1 and down-after 5000.
void SetUp1Sentinel(FakeInstances& w, int extra_replica = 0, int extra_priority = 100) {
  w.AddMaster(kMaster);
  w.AddReplica(kReplica, kMaster);
  if (extra_replica != 0) w.AddReplica(extra_replica, kMaster, extra_priority, 2000);
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().Monitor("mymaster", "127.0.0.1", "17100", "1", w.now(), out).ok());
    ASSERT_TRUE(w.node().Set("mymaster", {"down-after-milliseconds", "5000"}, w.now(), out).ok());
  });
}

// Index of the first event starting with `prefix` at or after `from`, or -1.
int Find(const std::vector<std::string>& events, std::string_view prefix, int from = 0) {
  for (int i = from; i < static_cast<int>(events.size()); ++i) {
    if (events[i].compare(0, prefix.size(), prefix) == 0) return i;
  }
  return -1;
}

TEST(SentinelNode, StartGeneratesAnIdAndAnnouncesMonitoredMasters) {
  FakeInstances w;
  EXPECT_EQ(w.node().myid().size(), 40u);
  EXPECT_EQ(w.logs().front(), "Sentinel ID is " + w.node().myid());
  SetUp1Sentinel(w);
  EXPECT_TRUE(w.HasEvent("+monitor master mymaster 127.0.0.1 17100 quorum 1"));
  EXPECT_TRUE(w.HasEvent("+set master mymaster 127.0.0.1 17100 down-after-milliseconds 5000"));
}

TEST(SentinelNode, DiscoversReplicasFromMasterInfo) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(1000);
  EXPECT_TRUE(
      w.HasEvent("+slave slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 127.0.0.1 17100"));
  const Master& m = *w.node().state().FindMaster("mymaster");
  ASSERT_EQ(m.replicas.size(), 1u);
  EXPECT_EQ(m.replicas.begin()->second.slave_master_port, kMaster);
  EXPECT_TRUE(m.replicas.begin()->second.slave_master_link_up);
  EXPECT_FALSE(w.HasEvent("+sdown"));
}

TEST(SentinelNode, MasterIsSubjectivelyDownAfterDownAfterAndUpAgainOnReply) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.Input([&](Outbox& out) { (void)w.node().Set("mymaster", {"quorum", "2"}, w.now(), out); });
  w.RunFor(2000);
  w.Kill(kMaster);
  w.RunFor(3500);  // the last PONG came at most 1 s before the crash
  EXPECT_FALSE(w.HasEvent("+sdown"));
  w.RunFor(2500);
  EXPECT_TRUE(w.HasEvent("+sdown master mymaster 127.0.0.1 17100"));
  EXPECT_FALSE(w.HasEvent("+odown"));  // quorum 2 with no other sentinel
  w.Revive(kMaster);
  w.RunFor(2000);
  EXPECT_TRUE(w.HasEvent("-sdown master mymaster 127.0.0.1 17100"));
}

TEST(SentinelNode, SingleSentinelFailoverFollowsRedisEventSequence) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(3000);
  w.ClearEvents();
  w.Kill(kMaster);
  w.RunFor(8000);
  const std::string id = w.node().myid();
  const std::vector<std::string> expected = {
      "+sdown master mymaster 127.0.0.1 17100",
      "+odown master mymaster 127.0.0.1 17100 #quorum 1/1",
      "+new-epoch 1",
      "+try-failover master mymaster 127.0.0.1 17100",
      "+vote-for-leader " + id + " 1",
      "+elected-leader master mymaster 127.0.0.1 17100",
      "+failover-state-select-slave master mymaster 127.0.0.1 17100",
      "+selected-slave slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 127.0.0.1 17100",
      "+failover-state-send-slaveof-noone slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster "
      "127.0.0.1 17100",
      "+failover-state-wait-promotion slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 127.0.0.1 "
      "17100",
      "-role-change slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 127.0.0.1 17100 new reported "
      "role is master",
      "+promoted-slave slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 127.0.0.1 17100",
      "+failover-state-reconf-slaves master mymaster 127.0.0.1 17100",
      "+failover-end master mymaster 127.0.0.1 17100",
      "+switch-master mymaster 127.0.0.1 17100 127.0.0.1 17101",
      "+slave slave 127.0.0.1:17100 127.0.0.1 17100 @ mymaster 127.0.0.1 17101",
  };
  int at = 0;
  for (const std::string& e : expected) {
    const int found = Find(w.events(), e, at);
    ASSERT_GE(found, 0) << "missing in order: " << e;
    at = found + 1;
  }
  EXPECT_EQ(w.node().GetMasterAddrByName("mymaster"), (Address{"127.0.0.1", kReplica}));
  EXPECT_EQ(w.node().state().current_epoch, 1u);
  EXPECT_EQ(w.node().state().FindMaster("mymaster")->config_epoch, 1u);
  // The promotion went out as Redis sends it: one transaction.
  auto& cmds = w.commands();
  auto slaveof =
      std::find(cmds.begin(), cmds.end(), std::vector<std::string>{"SLAVEOF", "NO", "ONE"});
  ASSERT_NE(slaveof, cmds.end());
  EXPECT_EQ(*(slaveof - 1), std::vector<std::string>{"MULTI"});
  EXPECT_EQ(*(slaveof + 1), (std::vector<std::string>{"CONFIG", "REWRITE"}));
  EXPECT_EQ(*(slaveof + 4), std::vector<std::string>{"EXEC"});
  w.RunFor(6000);
  EXPECT_TRUE(
      w.HasEvent("+sdown slave 127.0.0.1:17100 127.0.0.1 17100 @ mymaster 127.0.0.1 17101"));
}

TEST(SentinelNode, ReturningOldMasterIsConvertedToReplica) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(3000);
  w.Kill(kMaster);
  w.RunFor(10000);
  ASSERT_EQ(w.node().GetMasterAddrByName("mymaster"), (Address{"127.0.0.1", kReplica}));
  w.Revive(kMaster);  // comes back still believing it is the master
  w.RunFor(25000);
  EXPECT_TRUE(w.HasEvent("+convert-to-slave slave 127.0.0.1:17100 127.0.0.1 17100 @ mymaster"));
  const testing::FakeServer& old_master = w.servers()[Address{"127.0.0.1", kMaster}];
  EXPECT_FALSE(old_master.is_master);
  EXPECT_EQ(old_master.master_of, (Address{"127.0.0.1", kReplica}));
}

TEST(SentinelNode, PrefersLowerPriorityThenHigherOffsetAndNeverPriorityZero) {
  FakeInstances w;
  SetUp1Sentinel(w, 17102, 0);  // 17102 has the larger offset but priority 0
  w.RunFor(3000);
  w.Kill(kMaster);
  w.RunFor(10000);
  EXPECT_TRUE(w.HasEvent("+selected-slave slave 127.0.0.1:17101"));
  EXPECT_EQ(w.node().GetMasterAddrByName("mymaster"), (Address{"127.0.0.1", kReplica}));
  EXPECT_TRUE(w.HasEvent("+slave-reconf-sent slave 127.0.0.1:17102"));
}

// Reconfiguration events of the replicas that were not promoted, in order.
std::vector<std::string> ReconfEvents(FakeInstances& w, int parallel_syncs) {
  w.AddMaster(kMaster);
  for (int port = 17101; port <= 17103; ++port) w.AddReplica(port, kMaster, 100, 1000 + port);
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().Monitor("mymaster", "127.0.0.1", "17100", "1", w.now(), out).ok());
    ASSERT_TRUE(w.node()
                    .Set("mymaster",
                         {"down-after-milliseconds", "2000", "parallel-syncs",
                          std::to_string(parallel_syncs)},
                         w.now(), out)
                    .ok());
  });
  w.RunFor(3000);
  w.Kill(kMaster);
  w.RunFor(15000);
  std::vector<std::string> out;
  for (const std::string& e : w.events()) {
    if (e.rfind("+slave-reconf-", 0) == 0) out.push_back(e.substr(0, e.find(" @ ")));
  }
  return out;
}

TEST(SentinelNode, ParallelSyncsOneReconfiguresReplicasOneAtATime) {
  FakeInstances w;
  EXPECT_EQ(ReconfEvents(w, 1), (std::vector<std::string>{
                                    "+slave-reconf-sent slave 127.0.0.1:17101 127.0.0.1 17101",
                                    "+slave-reconf-inprog slave 127.0.0.1:17101 127.0.0.1 17101",
                                    "+slave-reconf-done slave 127.0.0.1:17101 127.0.0.1 17101",
                                    "+slave-reconf-sent slave 127.0.0.1:17102 127.0.0.1 17102",
                                    "+slave-reconf-inprog slave 127.0.0.1:17102 127.0.0.1 17102",
                                    "+slave-reconf-done slave 127.0.0.1:17102 127.0.0.1 17102",
                                }));
  EXPECT_TRUE(w.HasEvent("+selected-slave slave 127.0.0.1:17103"));  // the largest offset
  EXPECT_TRUE(w.HasEvent("+failover-end master mymaster"));
}

TEST(SentinelNode, ParallelSyncsTwoReconfiguresBothReplicasAtOnce) {
  FakeInstances w;
  std::vector<std::string> events = ReconfEvents(w, 2);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], "+slave-reconf-sent slave 127.0.0.1:17101 127.0.0.1 17101");
  EXPECT_EQ(events[1], "+slave-reconf-sent slave 127.0.0.1:17102 127.0.0.1 17102");
}

TEST(SentinelNode, NoFailoverWithoutGoodReplica) {
  FakeInstances w;
  w.AddMaster(kMaster);
  w.AddReplica(kReplica, kMaster, 0);
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().Monitor("mymaster", "127.0.0.1", "17100", "1", w.now(), out).ok());
    ASSERT_TRUE(w.node().Set("mymaster", {"down-after-milliseconds", "1000"}, w.now(), out).ok());
  });
  w.RunFor(3000);
  w.Kill(kMaster);
  w.RunFor(3000);
  EXPECT_TRUE(w.HasEvent("-failover-abort-no-good-slave master mymaster"));
  EXPECT_EQ(w.node().GetMasterAddrByName("mymaster"), (Address{"127.0.0.1", kMaster}));
  // The next attempt waits 2 * failover-timeout (180 s by default).
  w.ClearEvents();
  w.RunFor(30000);
  EXPECT_FALSE(w.HasEvent("+try-failover"));
}

TEST(SentinelNode, ClockJumpEntersTiltAndSuspendsDownDetection) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(2000);
  w.JumpClock(5000);
  w.RunFor(100);
  EXPECT_TRUE(w.HasEvent("+tilt #tilt mode entered"));
  EXPECT_TRUE(w.node().state().tilt);
  w.Kill(kMaster);
  w.RunFor(20000);
  EXPECT_FALSE(w.HasEvent("+sdown"));
  w.RunFor(11000);
  EXPECT_TRUE(w.HasEvent("-tilt #tilt mode exited"));
  EXPECT_TRUE(w.HasEvent("+sdown master mymaster"));
}

TEST(SentinelNode, BackwardClockEntersTilt) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(500);
  w.JumpClock(-1000);
  w.RunFor(100);
  EXPECT_TRUE(w.node().state().tilt);
}

TEST(SentinelNode, VotesOncePerEpochAndReportsTheStoredVote) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(1000);
  const std::string a(40, 'a'), b(40, 'b');
  IsMasterDownReply r1, r2, r3;
  w.Input([&](Outbox& out) {
    r1 = w.node().IsMasterDownByAddr("127.0.0.1", kMaster, 5, a, w.now(), out);
    r2 = w.node().IsMasterDownByAddr("127.0.0.1", kMaster, 5, b, w.now(), out);
    r3 = w.node().IsMasterDownByAddr("127.0.0.1", kMaster, 4, b, w.now(), out);
  });
  EXPECT_FALSE(r1.down);
  EXPECT_EQ(r1.leader, a);
  EXPECT_EQ(r1.leader_epoch, 5u);
  EXPECT_EQ(r2.leader, a);  // already voted in epoch 5
  EXPECT_EQ(r3.leader, a);
  EXPECT_EQ(w.node().state().current_epoch, 5u);
  EXPECT_TRUE(w.HasEvent("+new-epoch 5"));
  EXPECT_TRUE(w.HasEvent("+vote-for-leader " + a + " 5"));
  IsMasterDownReply unknown;
  w.Input([&](Outbox& out) {
    unknown = w.node().IsMasterDownByAddr("127.0.0.1", 1, 9, a, w.now(), out);
  });
  EXPECT_EQ(unknown.leader, "*");
  EXPECT_EQ(unknown.leader_epoch, 0u);
}

TEST(SentinelNode, HelloAddsSentinelAndAdoptsNewerConfig) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.RunFor(1000);
  const std::string other(40, 'e');
  w.Input([&](Outbox& out) {
    w.node().OnHello("127.0.0.1,26380," + other + ",3,mymaster,127.0.0.1,17101,2", w.now(), out);
  });
  EXPECT_TRUE(
      w.HasEvent("+sentinel sentinel " + other + " 127.0.0.1 26380 @ mymaster 127.0.0.1 17100"));
  EXPECT_TRUE(w.HasEvent("+new-epoch 3"));
  EXPECT_TRUE(w.HasEvent("+config-update-from sentinel " + other));
  EXPECT_TRUE(w.HasEvent("+switch-master mymaster 127.0.0.1 17100 127.0.0.1 17101"));
  EXPECT_EQ(w.node().GetMasterAddrByName("mymaster"), (Address{"127.0.0.1", kReplica}));
  const Master& m = *w.node().state().FindMaster("mymaster");
  EXPECT_EQ(m.config_epoch, 2u);
  EXPECT_EQ(m.sentinels.count(other), 1u);
  EXPECT_EQ(m.replicas.count("127.0.0.1:17100"), 1u);
}

TEST(SentinelNode, IgnoresItsOwnHelloAndForeignMasters) {
  FakeInstances w;
  SetUp1Sentinel(w);
  w.ClearEvents();
  w.Input([&](Outbox& out) {
    w.node().OnHello("127.0.0.1,26379," + w.node().myid() + ",3,mymaster,127.0.0.1,1,9", w.now(),
                     out);
    w.node().OnHello("127.0.0.1,26380," + std::string(40, 'f') + ",3,other,127.0.0.1,1,9", w.now(),
                     out);
  });
  EXPECT_TRUE(w.events().empty());
}

}  // namespace
}  // namespace slotd::sentinel
