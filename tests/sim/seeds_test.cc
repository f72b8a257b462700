// Random fault runs, one per seed in tests/sim/seeds.txt (or SLOTD_SIM_SEED alone): a 3x1
// cluster on a lossy, duplicating, reordering network goes through rounds of one fault each
// (crash of any node, isolation, one-way cut, minority partition), then heals and must
// converge with every invariant intact. The fault scheduler never breaks more than the story
// allows: one fault at a time, each healed before the next.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {
namespace {

std::vector<uint64_t> Seeds() {
  if (const char* env = std::getenv("SLOTD_SIM_SEED")) return {std::strtoull(env, nullptr, 10)};
  std::vector<uint64_t> seeds;
  std::ifstream in(SLOTD_SIM_SEEDS_FILE);
  std::string line;
  while (std::getline(in, line)) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (line.find_first_of("0123456789") != std::string::npos) {
      seeds.push_back(std::strtoull(line.c_str(), nullptr, 10));
    }
  }
  return seeds;
}

// Two overlapping faults on a 5x1 cluster: any two nodes crash or are isolated together,
// then everything heals and restarts.
void RunDoubleFaultStory(uint64_t seed) {
  Rng pick(seed ^ 0xd0b1e);
  SimOptions o;
  o.masters = 5;
  o.net.max_delay_ms = 1 + static_cast<int64_t>(pick.Below(20));
  o.net.duplicate = static_cast<double>(pick.Below(2)) / 100;
  o.net.reorder = static_cast<double>(pick.Below(5)) / 100;
  SimCluster sim(seed, o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  const int n = sim.size();
  for (int round = 0; round < 3; ++round) {
    const int a = static_cast<int>(pick.Below(static_cast<uint64_t>(n)));
    const int b = (a + 1 + static_cast<int>(pick.Below(static_cast<uint64_t>(n - 1)))) % n;
    for (int victim : {a, b}) {
      if (pick.Below(2) == 0) sim.Crash(victim, pick.Below(2) == 0);
      else sim.Isolate(victim);
      sim.RunFor(static_cast<int64_t>(pick.Below(3)) * sim.node_timeout());
    }
    sim.RunFor(sim.node_timeout() * (2 + static_cast<int64_t>(pick.Below(6))));
    sim.Heal();
    sim.Restart(a);
    sim.Restart(b);
    sim.RunFor(1000);
    sim.Rejoin(a);
    sim.Rejoin(b);
    ASSERT_TRUE(sim.RunUntilConverged(60 * sim.node_timeout()))
        << "seed " << seed << " round " << round << ": " << sim.WhyNotConverged();
    ASSERT_EQ(sim.violation(), "") << "seed " << seed;
  }
}

void RunRandomStory(uint64_t seed) {
  Rng pick(seed ^ 0x5eed);
  SimOptions o;
  o.net.max_delay_ms = 1 + static_cast<int64_t>(pick.Below(30));
  o.net.loss = static_cast<double>(pick.Below(3)) / 100;
  o.net.duplicate = static_cast<double>(pick.Below(3)) / 100;
  o.net.reorder = static_cast<double>(pick.Below(10)) / 100;
  SimCluster sim(seed, o);
  ASSERT_TRUE(sim.Create()) << sim.WhyNotConverged();
  const int n = sim.size();
  for (int round = 0; round < 4; ++round) {
    const int victim = static_cast<int>(pick.Below(static_cast<uint64_t>(n)));
    const int64_t hold = sim.node_timeout() * (1 + static_cast<int64_t>(pick.Below(8)));
    switch (pick.Below(4)) {
      case 0:
        sim.Crash(victim, pick.Below(2) == 0);
        sim.RunFor(hold);
        sim.Restart(victim);
        sim.RunFor(1000);
        sim.Rejoin(victim);
        break;
      case 1:
        sim.Isolate(victim);
        sim.RunFor(hold);
        break;
      case 2:
        for (int j = 0; j < n; ++j) {
          if (j != victim) sim.CutOneWay(victim, j);
        }
        sim.RunFor(hold);
        break;
      default:
        sim.Partition({victim, (victim + 1) % n});
        sim.RunFor(hold);
        break;
    }
    sim.Heal();
    ASSERT_TRUE(sim.RunUntilConverged(60 * sim.node_timeout()))
        << "seed " << seed << " round " << round << ": " << sim.WhyNotConverged();
    ASSERT_EQ(sim.violation(), "") << "seed " << seed;
  }
}

TEST(SimRandom, SeedsFromFileConvergeWithInvariantsIntact) {
  const std::vector<uint64_t> seeds = Seeds();
  ASSERT_FALSE(seeds.empty());
  for (uint64_t seed : seeds) {
    SeedFromEnv(seed, "SimRandom.SeedsFromFile");
    RunRandomStory(seed);
    if (HasFatalFailure()) return;
  }
}

TEST(SimRandom, DoubleFaultSeedsFromFileConvergeWithInvariantsIntact) {
  for (uint64_t seed : Seeds()) {
    SeedFromEnv(seed, "SimRandom.DoubleFault");
    RunDoubleFaultStory(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace slotd::sim
