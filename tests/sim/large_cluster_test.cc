// Scale: a large cluster converges (membership, roles and the slot map) and survives a master
// crash. 100 nodes run in CI; 1000 nodes run only with the env switch SLOTD_SIM_LARGE=1 (about 5
// CPU-minutes and 2.8 GB): every node keeps a link to, and pings, all 999 others, as Redis does.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

void ConvergeAndFailOver(int masters, int replicas, uint64_t seed) {
  SimOptions o;
  o.masters = masters;
  o.replicas_per_master = replicas;
  o.node_timeout_ms = 15000;
  o.check_invariants = false;  // O(nodes) per step; checked once per node at the end instead
  o.check_every_ms = 1000;
  SimCluster sim(seed, o);
  ASSERT_TRUE(sim.Create(300000)) << sim.WhyNotConverged();
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntilConverged(20 * sim.node_timeout(), 1000)) << sim.WhyNotConverged();
  EXPECT_TRUE(sim.IsMaster(masters));
  EXPECT_EQ(sim.OwnerOf(0, 1), masters);
  for (int i = 1; i < sim.size(); ++i) {
    EXPECT_EQ(sim.node(i).state().CheckInvariants(), "") << i;
  }
  std::printf("%d nodes: %llu frames delivered, %llu config saves, %lld simulated ms\n",
              sim.size(), static_cast<unsigned long long>(sim.frames_delivered()),
              static_cast<unsigned long long>(sim.config_saves()),
              static_cast<long long>(sim.now() - 1000000));
}

TEST(SimLarge, HundredNodesConvergeAndFailOver) {
  ConvergeAndFailOver(50, 1, SeedFromEnv(61, "SimLarge.HundredNodes"));
}

// Membership and the slot map of 1000 nodes (100 masters with 9 replicas each) converge; every
// master knows its replicas. node_timeout 60 s keeps the full mesh's steady pinging affordable in
// one process. Built with replicas_before_meet (see sim_cluster.h: roles and slots are learned
// only from direct headers, which a large mesh exchanges per pair about every n/2 seconds), and
// roles of other shards are counted, not required. SLOTD_SIM_LARGE_MASTERS=<n> scales it down
// for profiling (n masters, 9 replicas each).
TEST(SimLarge, ThousandNodesConverge) {
  if (std::getenv("SLOTD_SIM_LARGE") == nullptr) GTEST_SKIP() << "set SLOTD_SIM_LARGE=1";
  SimOptions o;
  o.masters = 100;
  if (const char* m = std::getenv("SLOTD_SIM_LARGE_MASTERS")) o.masters = std::atoi(m);
  o.replicas_per_master = 9;
  o.node_timeout_ms = 60000;
  o.check_invariants = false;
  o.check_every_ms = 5000;
  o.replicas_before_meet = true;
  o.converge_roles = false;
  const size_t total = static_cast<size_t>(o.masters) * 10;
  SimCluster sim(SeedFromEnv(62, "SimLarge.ThousandNodesConverge"), o);
  ASSERT_TRUE(sim.Create(600000)) << sim.WhyNotConverged();
  for (int i = 0; i < sim.size(); ++i) {
    EXPECT_EQ(sim.node(i).state().CheckInvariants(), "") << i;
    EXPECT_EQ(sim.node(i).state().size(), total);
  }
  // Every master knows its own replicas (its votes and replica migration depend on that).
  for (int r = o.masters; r < sim.size(); ++r) {
    const NodeRecord* rec = sim.node((r - o.masters) % o.masters).state().Find(sim.id(r));
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(rec->master, sim.id((r - o.masters) % o.masters)) << r;
  }
  const int stale = sim.StaleRoleViews();
  std::printf("%zu nodes: %llu frames delivered, %llu config saves, %lld simulated ms, "
              "%d of %zu role views stale\n", total,
              static_cast<unsigned long long>(sim.frames_delivered()),
              static_cast<unsigned long long>(sim.config_saves()),
              static_cast<long long>(sim.now() - 1000000), stale, total * (total - 1));
}

}  // namespace
}  // namespace slotd::sim
