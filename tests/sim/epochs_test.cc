// Epoch scenarios: configEpoch collisions resolve, and a resharding interrupted by a crash
// settles on the importing node thanks to its bumped configEpoch.
#include <gtest/gtest.h>

#include <set>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

TEST(SimEpochs, CollisionResolvesToDistinctConfigEpochs) {
  SimOptions o;
  o.masters = 5;
  o.replicas_per_master = 0;
  o.set_config_epochs = false;  // every master starts at configEpoch 0
  SimCluster sim(SeedFromEnv(41, "SimEpochs.CollisionResolves..."), o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  auto distinct = [&] {
    std::set<uint64_t> epochs;
    for (int i = 0; i < 5; ++i) epochs.insert(sim.node(i).state().myself().config_epoch.value);
    return epochs.size() == 5;
  };
  ASSERT_TRUE(sim.RunUntil(distinct, 20 * sim.node_timeout()));
  EXPECT_GE(sim.CountLogs("WARNING: configEpoch collision with node "), 4);
  // The largest id never moves.
  int largest = 0;
  for (int i = 1; i < 5; ++i) {
    if (sim.id(i) > sim.id(largest)) largest = i;
  }
  EXPECT_EQ(sim.node(largest).state().myself().config_epoch.value, 0u);
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimSlots, ReshardingInterruptedByCrashSettlesOnTheImportingNode) {
  SimCluster sim(SeedFromEnv(42, "SimSlots.ReshardingInterrupted..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  auto setslot = [&](int on, SetSlotAction a, int target) {
    return sim.Admin(on, [&](ClusterNode& n, int64_t now, Outbox& out) {
      return n.SetSlot(100, a, sim.id(target).view(), true, now, out);
    });
  };
  ASSERT_TRUE(setslot(1, SetSlotAction::kImporting, 0).ok());
  ASSERT_TRUE(setslot(0, SetSlotAction::kMigrating, 1).ok());
  ASSERT_TRUE(setslot(1, SetSlotAction::kNode, 1).ok());
  EXPECT_TRUE(sim.LogContains(1, "configEpoch updated after importing slot 100"));
  sim.Crash(0);  // before the source learned the slot moved
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.OwnerOf(100, 2), 1);
  EXPECT_EQ(sim.OwnerOf(0, 2), 3);
  sim.Restart(0);
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.OwnerOf(100, 0), 1);
  // It follows whichever master took its last slot (Redis's clusterUpdateSlotsConfigWith).
  EXPECT_TRUE(sim.MasterOf(0) == 3 || sim.MasterOf(0) == 1) << sim.MasterOf(0);
  EXPECT_TRUE(sim.node(0).state().migrating_to.empty());
  EXPECT_EQ(sim.violation(), "");
}

TEST(SimSlots, RestartAfterLosingUnsyncedConfigKeepsEpochsMonotonic) {
  SimCluster sim(SeedFromEnv(43, "SimSlots.RestartAfterLosingUnsynced..."), SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(1, /*lose_unsynced=*/true);
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  sim.Crash(4, /*lose_unsynced=*/true);
  sim.Restart(1);
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  sim.Restart(4);
  ASSERT_TRUE(sim.RunUntilConverged(30 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
}

}  // namespace
}  // namespace slotd::sim
