// Determinism self-check: one seed replays one run exactly (the hash of every effect of every
// node matches), and a different seed gives a different run.
#include <gtest/gtest.h>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

uint64_t RunStory(uint64_t seed) {
  SimOptions o;
  o.net.loss = 0.01;
  o.net.duplicate = 0.01;
  o.net.reorder = 0.05;
  SimCluster sim(seed, o);
  EXPECT_TRUE(sim.Create()) << sim.WhyNotConverged();
  sim.Crash(0);
  sim.RunFor(8 * sim.node_timeout());
  sim.Isolate(4);
  sim.RunFor(5 * sim.node_timeout());
  sim.Heal();
  sim.Restart(0);
  EXPECT_TRUE(sim.RunUntilConverged(40 * sim.node_timeout())) << sim.WhyNotConverged();
  EXPECT_EQ(sim.violation(), "");
  return sim.trace_hash();
}

TEST(SimDeterminism, SameSeedGivesTheSameTrace) {
  const uint64_t seed = SeedFromEnv(51, "SimDeterminism.SameSeedGivesTheSameTrace");
  const uint64_t first = RunStory(seed);
  EXPECT_EQ(first, RunStory(seed));
  EXPECT_NE(first, RunStory(seed + 1));
}

}  // namespace
}  // namespace slotd::sim
