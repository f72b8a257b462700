// Membership scenarios: MEET, handshake and gossip discovery converge to one cluster.
#include <gtest/gtest.h>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

TEST(SimMembership, ThreeMastersMeetAndConverge) {
  SimOptions o;
  o.masters = 3;
  o.replicas_per_master = 0;
  SimCluster sim(SeedFromEnv(11, "SimMembership.ThreeMastersMeetAndConverge"), o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(sim.LogContains(i, "Cluster state changed: ok")) << i;
    EXPECT_EQ(sim.node(i).state().size(), 3u);
  }
  EXPECT_EQ(sim.OwnerOf(0, 2), 0);
  EXPECT_EQ(sim.OwnerOf(16383, 0), 2);
}

TEST(SimMembership, ReplicasAttachAndEveryoneAgreesOnRoles) {
  SimCluster sim(SeedFromEnv(12, "SimMembership.ReplicasAttachAndEveryoneAgreesOnRoles"),
                 SimOptions{});
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
  for (int r = 3; r < 6; ++r) EXPECT_EQ(sim.MasterOf(r), r - 3);
  sim.RunFor(10 * sim.node_timeout());
  EXPECT_TRUE(sim.Converged()) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
}

}  // namespace
}  // namespace slotd::sim
