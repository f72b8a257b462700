// Failover scenarios: crashes of masters with and without replicas, two at once, manual
// failover in its three modes, cluster-replica-no-failover.
#include <gtest/gtest.h>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

constexpr char kWon[] = "Failover election won: I'm the new master.";

TEST(SimFailover, MasterCrashPromotesReplicaAndOldMasterRejoinsAsReplica) {
  SimCluster sim(SeedFromEnv(21, "SimFailover.MasterCrash..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_TRUE(sim.IsMaster(3));
  EXPECT_EQ(sim.OwnerOf(0, 1), 3);
  EXPECT_TRUE(sim.LogContains(3, kWon));
  EXPECT_TRUE(sim.LogContains(3, "Start of election delayed for "));
  EXPECT_TRUE(sim.LogContains(3, "Starting a failover election for epoch 7."));
  EXPECT_TRUE(sim.LogContains(3, "configEpoch set to 7 after successful failover"));
  EXPECT_GE(sim.CountLogs("as failing (quorum reached)."), 1);
  EXPECT_GE(sim.CountLogs("Failover auth granted to " + sim.id(3).str() + " () for epoch 7"), 2);
  sim.Restart(0);
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.MasterOf(0), 3);
  EXPECT_TRUE(sim.LogContains(0, "Configuration change detected. Reconfiguring myself as a "
                                 "replica of " + sim.id(3).str()));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimFailover, MasterCrashWithoutReplicasTakesClusterDownUntilRestart) {
  SimOptions o;
  o.replicas_per_master = 0;
  SimCluster sim(SeedFromEnv(22, "SimFailover.MasterCrashWithoutReplicas..."), o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(2);
  auto both_down = [&] {
    return !sim.node(0).state().state_ok && !sim.node(1).state().state_ok;
  };
  ASSERT_TRUE(sim.RunUntil(both_down, 10 * sim.node_timeout()));
  EXPECT_TRUE(sim.LogContains(0, "Cluster state changed: fail"));
  sim.RunFor(10 * sim.node_timeout());
  EXPECT_TRUE(both_down());
  sim.Restart(2);
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.OwnerOf(16383, 0), 2);
  EXPECT_TRUE(sim.LogContains(0, "Clear FAIL state for node " + sim.id(2).str()));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimFailover, TwoMastersFailingAtOnceAreBothReplaced) {
  SimOptions o;
  o.masters = 5;
  SimCluster sim(SeedFromEnv(23, "SimFailover.TwoMastersFailingAtOnce..."), o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(0);
  sim.Crash(1);
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_TRUE(sim.IsMaster(5));
  EXPECT_TRUE(sim.IsMaster(6));
  EXPECT_TRUE(sim.LogContains(5, kWon));
  EXPECT_TRUE(sim.LogContains(6, kWon));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimFailover, ReplicaNoFailoverKeepsTheClusterDown) {
  SimOptions o;
  SimCluster sim(SeedFromEnv(24, "SimFailover.ReplicaNoFailover..."), o);
  sim.customize_options = [](int i, NodeOptions& n) { n.replica_no_failover = i == 3; };
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(0);
  sim.RunFor(20 * sim.node_timeout());
  EXPECT_FALSE(sim.IsMaster(3));
  EXPECT_FALSE(sim.node(1).state().state_ok);
  EXPECT_EQ(sim.CountLogs("Starting a failover election"), 0);
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimManualFailover, DefaultModeWaitsForOffsetsThenSwapsRoles) {
  SimCluster sim(SeedFromEnv(25, "SimManualFailover.DefaultMode..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  AdminResult r = sim.Admin(4, [](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Failover(FailoverMode::kDefault, now, out);
  });
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_TRUE(sim.RunUntil([&] { return sim.IsMaster(4); }, 5000));
  // No acknowledged write is lost: the master was paused and the replica caught up first.
  EXPECT_EQ(sim.ReplOffset(4), sim.ReplOffset(1));
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.MasterOf(1), 4);
  EXPECT_TRUE(sim.LogContains(4, "Manual failover user request accepted."));
  EXPECT_TRUE(sim.LogContains(1, "Manual failover requested by replica " + sim.id(4).str()));
  EXPECT_TRUE(sim.LogContains(4, "All master replication stream processed, manual failover "
                                 "can start."));
  EXPECT_TRUE(sim.LogContains(4, kWon));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimManualFailover, ForceAndTakeoverWorkWithTheMasterUnreachable) {
  SimCluster sim(SeedFromEnv(26, "SimManualFailover.ForceAndTakeover..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(0);
  AdminResult r = sim.Admin(3, [](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Failover(FailoverMode::kForce, now, out);
  });
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_TRUE(sim.RunUntil([&] { return sim.IsMaster(3); }, 3000));
  EXPECT_TRUE(sim.LogContains(3, "Forced failover user request accepted."));
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  sim.Isolate(1);
  r = sim.Admin(4, [](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Failover(FailoverMode::kTakeover, now, out);
  });
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(sim.IsMaster(4));  // at once, no election
  EXPECT_TRUE(sim.LogContains(4, "Taking over the master (user request)."));
  sim.Heal();
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.MasterOf(1), 4);
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimManualFailover, RefusedOnAMasterAndWhenTheMasterIsDown) {
  SimCluster sim(SeedFromEnv(27, "SimManualFailover.Refused..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  auto failover = [&](int i, FailoverMode m) {
    return sim.Admin(i, [m](ClusterNode& n, int64_t now, Outbox& out) {
      return n.Failover(m, now, out);
    });
  };
  EXPECT_EQ(failover(0, FailoverMode::kDefault).error(),
            "You should send CLUSTER FAILOVER to a replica");
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] {
    const NodeRecord* m = sim.node(3).state().Find(sim.id(0));
    return m && m->link == 0;
  }, 2000));
  EXPECT_EQ(failover(3, FailoverMode::kDefault).error(),
            "Master is down or failed, please use CLUSTER FAILOVER FORCE");
}

}  // namespace
}  // namespace slotd::sim
