// Partition scenarios: a master cut off in a minority, healing with a stale master, one-way
// partitions, replica migration to an orphaned master.
#include <gtest/gtest.h>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

TEST(SimPartition, MinorityMasterStopsServingAndMajorityPromotesItsReplica) {
  SimCluster sim(SeedFromEnv(31, "SimPartition.MinorityMaster..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Isolate(0);
  auto done = [&] { return sim.IsMaster(3) && !sim.node(0).state().state_ok; };
  ASSERT_TRUE(sim.RunUntil(done, 20 * sim.node_timeout()));
  EXPECT_TRUE(sim.LogContains(0, "Cluster state changed: fail"));
  // The isolated master still believes it owns its slots, with an older configEpoch.
  ASSERT_TRUE(sim.RunUntil([&] { return sim.OwnerOf(0, 1) == 3; }, 1000));
  EXPECT_EQ(sim.OwnerOf(0, 0), 0);
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimPartition, HealedStaleMasterLearnsTheNewOwnerAndBecomesReplica) {
  SimCluster sim(SeedFromEnv(32, "SimPartition.HealedStaleMaster..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Isolate(1);
  ASSERT_TRUE(sim.RunUntil([&] { return sim.IsMaster(4); }, 20 * sim.node_timeout()));
  sim.RunFor(3 * sim.node_timeout());
  sim.Heal();
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.MasterOf(1), 4);
  EXPECT_EQ(sim.OwnerOf(6000, 1), 4);
  EXPECT_TRUE(sim.LogContains(1, "Configuration change detected. Reconfiguring myself as a "
                                 "replica of " + sim.id(4).str()));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimPartition, OneWayPartitionOfAReplicaHeals) {
  SimCluster sim(SeedFromEnv(33, "SimPartition.OneWay..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  for (int j = 0; j < 6; ++j) {
    if (j != 5) sim.CutOneWay(5, j);  // node 5 can hear but not speak
  }
  ASSERT_TRUE(sim.RunUntil([&] {
    const NodeRecord* r = sim.node(0).state().Find(sim.id(5));
    return r && r->Failed();
  }, 10 * sim.node_timeout()));
  EXPECT_TRUE(sim.node(0).state().state_ok);  // a replica failing does not stop the cluster
  sim.Heal();
  ASSERT_TRUE(sim.RunUntilConverged(10 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_TRUE(sim.LogContains(0, "Clear FAIL state for node " + sim.id(5).str() +
                                     ": replica is reachable again."));
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimReplicaMigration, OrphanedMasterReceivesAReplicaFromTheRichestMaster) {
  SimCluster sim(SeedFromEnv(34, "SimReplicaMigration.Orphaned..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  const int extra = sim.AddNode();
  sim.Admin(0, [&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Meet("10.0.0." + std::to_string(extra + 1), 6379, 16379, now, out);
  });
  ASSERT_TRUE(sim.RunUntil([&] { return sim.node(extra).state().size() == 7; }, 5000));
  sim.RunFor(sim.node_timeout());
  sim.Admin(extra, [&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Replicate(sim.id(0).view(), true, now, out);
  });
  ASSERT_TRUE(sim.RunUntilConverged(10 * sim.node_timeout())) << sim.WhyNotConverged();
  sim.Crash(5);  // master 2 loses its only replica
  auto migrated = [&] { return sim.MasterOf(3) == 2 || sim.MasterOf(extra) == 2; };
  ASSERT_TRUE(sim.RunUntil(migrated, 30 * sim.node_timeout()));
  const int mover = sim.MasterOf(3) == 2 ? 3 : extra;
  EXPECT_TRUE(sim.LogContains(mover, "Migrating to orphaned master " + sim.id(2).str()));
  // The smallest id among the replicas of the master with the most replicas moves.
  EXPECT_EQ(sim.id(mover), std::min(sim.id(3), sim.id(extra)));
  ASSERT_TRUE(sim.RunUntilConverged(10 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimReplicaMigration, BarrierKeepsTheOnlyReplicaHome) {
  SimCluster sim(SeedFromEnv(35, "SimReplicaMigration.Barrier..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(5);
  sim.RunFor(30 * sim.node_timeout());
  EXPECT_EQ(sim.MasterOf(3), 0);
  EXPECT_EQ(sim.MasterOf(4), 1);
  EXPECT_EQ(sim.CountLogs("Migrating to orphaned master"), 0);
  EXPECT_EQ(sim.violation(), "");
}

}  // namespace
}  // namespace slotd::sim
