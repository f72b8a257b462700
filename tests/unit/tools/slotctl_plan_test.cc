// slotctl create's plan: slot split and replica placement. Expected layouts were produced by
// redis-cli 7.0.15 `--cluster create` on the same host lists (answering "no" at the prompt).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tools/slotctl/plan.h"

namespace slotd::slotctl {
namespace {

using Assignments = std::vector<std::pair<int, int>>;

std::vector<std::string> Hosts(const std::string& letters) {
  std::vector<std::string> out;
  for (char c : letters) out.push_back(std::string(1, c));
  return out;
}

TEST(SlotctlSplitSlots, MatchesRedisCliRangesForThreeToTenMasters) {
  const std::vector<std::vector<int>> kLastSlots = {
      {5460, 10922, 16383},
      {4095, 8191, 12287, 16383},
      {3276, 6553, 9829, 13106, 16383},
      {2730, 5460, 8191, 10922, 13652, 16383},
      {2340, 4680, 7021, 9361, 11702, 14042, 16383},
      {2047, 4095, 6143, 8191, 10239, 12287, 14335, 16383},
      {1819, 3640, 5460, 7281, 9101, 10922, 12742, 14563, 16383},
      {1637, 3276, 4914, 6553, 8191, 9829, 11468, 13106, 14745, 16383}};
  for (const std::vector<int>& lasts : kLastSlots) {
    const int masters = static_cast<int>(lasts.size());
    std::vector<SlotRange> ranges = SplitSlots(masters);
    ASSERT_EQ(ranges.size(), lasts.size()) << masters;
    int first = 0;
    for (int i = 0; i < masters; ++i) {
      EXPECT_EQ(ranges[i], (SlotRange{first, lasts[i]})) << masters << " masters, #" << i;
      first = lasts[i] + 1;
    }
  }
}

TEST(SlotctlSplitSlots, RangesAreContiguousAndEvenForManyMasters) {
  for (int masters : {1, 2, 11, 100, 1000, 16384}) {
    std::vector<SlotRange> ranges = SplitSlots(masters);
    ASSERT_EQ(static_cast<int>(ranges.size()), masters);
    EXPECT_EQ(ranges.front().first, 0);
    EXPECT_EQ(ranges.back().last, 16383);
    int smallest = 16384;
    int largest = 0;
    for (size_t i = 0; i < ranges.size(); ++i) {
      if (i > 0) {
        EXPECT_EQ(ranges[i].first, ranges[i - 1].last + 1);
      }
      smallest = std::min(smallest, ranges[i].Count());
      largest = std::max(largest, ranges[i].Count());
    }
    EXPECT_LE(largest - smallest, 1) << masters;
  }
  EXPECT_TRUE(SplitSlots(0).empty());
}

TEST(SlotctlMastersCount, IsNodesOverReplicasPlusOne) {
  EXPECT_EQ(MastersCount(6, 1), 3);
  EXPECT_EQ(MastersCount(7, 1), 3);
  EXPECT_EQ(MastersCount(5, 1), 2);
  EXPECT_EQ(MastersCount(3, 0), 3);
  EXPECT_EQ(MastersCount(9, 2), 3);
  EXPECT_EQ(MastersCount(6, -1), 0);
}

TEST(SlotctlPlan, TwoNodesPerHostPutsEveryReplicaOnAnotherHost) {
  CreatePlan plan = PlanCreate(Hosts("aabbcc"), 1);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(plan.first_assignments, (Assignments{{3, 0}, {5, 2}, {1, 4}}));
  EXPECT_EQ(plan.final_score, 0);
  EXPECT_EQ(plan.master_of, (std::vector<int>{-1, 4, -1, 0, -1, 2}));
}

TEST(SlotctlPlan, TwoHostsSpreadMastersAcrossBoth) {
  CreatePlan plan = PlanCreate(Hosts("aaabbb"), 1);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 3, 1}));
  EXPECT_EQ(plan.first_assignments, (Assignments{{5, 0}, {2, 3}, {4, 1}}));
  EXPECT_EQ(plan.final_score, 0);
}

TEST(SlotctlPlan, TwoReplicasEachOnThreeHosts) {
  CreatePlan plan = PlanCreate(Hosts("abcabcabc"), 2);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(plan.first_assignments, (Assignments{{4, 0}, {5, 0}, {6, 1}, {8, 1}, {7, 2}, {3, 2}}));
  EXPECT_EQ(plan.final_score, 0);
}

TEST(SlotctlPlan, LeftoverNodeBecomesAnExtraReplica) {
  CreatePlan plan = PlanCreate(Hosts("aaaabbc"), 1);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 4, 6}));
  EXPECT_EQ(plan.first_assignments, (Assignments{{5, 0}, {2, 4}, {3, 6}, {1, 0}}));
  EXPECT_EQ(plan.extra_from, 3u);
  // Master 0 (host a) needs two replicas and only one spare node is not on host a.
  EXPECT_EQ(plan.initial_score, 10000);
  EXPECT_EQ(plan.final_score, 10000);
}

TEST(SlotctlPlan, SingleHostPairsReplicasInRotatedOrder) {
  CreatePlan plan = PlanCreate(Hosts("aaaaaaaa"), 1);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(plan.first_assignments, (Assignments{{5, 0}, {6, 1}, {7, 2}, {4, 3}}));
  EXPECT_EQ(plan.final_score, 40000);
}

TEST(SlotctlPlan, NoReplicasMakesEveryNodeAMaster) {
  CreatePlan plan = PlanCreate(Hosts("abc"), 0);
  EXPECT_EQ(plan.masters, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(plan.first_assignments.empty());
  EXPECT_EQ(plan.master_of, (std::vector<int>{-1, -1, -1}));
}

TEST(SlotctlAntiAffinity, ScoresMasterHostAndReplicaSiblings) {
  // Replica 1 shares host a with its master 0: 10000. Replicas 3 and 4 of master 2 share host c.
  EXPECT_EQ(AntiAffinityScore(Hosts("aabcc"), {-1, 0, -1, 2, 2}), 10000 + 2);
  EXPECT_EQ(AntiAffinityScore(Hosts("abab"), {-1, -1, 1, 0}), 0);
  EXPECT_EQ(AntiAffinityScore(Hosts("aaa"), {-1, 0, 0}), 20000);
}

// Lowest score reachable by permuting the replicas' masters (the optimiser's search space).
int BestPossible(const std::vector<std::string>& hosts, std::vector<int> master_of) {
  std::vector<size_t> replicas;
  std::vector<int> targets;
  for (size_t i = 0; i < master_of.size(); ++i) {
    if (master_of[i] >= 0) {
      replicas.push_back(i);
      targets.push_back(master_of[i]);
    }
  }
  std::sort(targets.begin(), targets.end());
  int best = AntiAffinityScore(hosts, master_of);
  do {
    for (size_t k = 0; k < replicas.size(); ++k) master_of[replicas[k]] = targets[k];
    best = std::min(best, AntiAffinityScore(hosts, master_of));
  } while (std::next_permutation(targets.begin(), targets.end()));
  return best;
}

TEST(SlotctlPlan, ReachesTheBestScoreForEveryLayoutOfSixAndNineNodesOnThreeHosts) {
  for (int replicas : {1, 2}) {
    const int nodes = 3 * (replicas + 1);
    int patterns = 1;
    for (int i = 0; i < nodes; ++i) patterns *= 3;
    // Every 6-node layout; a spread sample of the 19683 9-node ones keeps the test fast.
    const int stride = replicas == 1 ? 1 : 7;
    for (int p = 0; p < patterns; p += stride) {
      std::string letters;
      for (int i = 0, x = p; i < nodes; ++i, x /= 3) letters += static_cast<char>('a' + x % 3);
      std::vector<std::string> hosts = Hosts(letters);
      CreatePlan plan = PlanCreate(hosts, replicas);
      ASSERT_EQ(plan.final_score, BestPossible(hosts, plan.master_of)) << letters;
      ASSERT_EQ(plan.final_score, AntiAffinityScore(hosts, plan.master_of)) << letters;
      for (int m : plan.masters) ASSERT_EQ(plan.master_of[m], -1);
      for (int m : plan.masters) {
        ASSERT_EQ(std::count(plan.master_of.begin(), plan.master_of.end(), m), replicas) << letters;
      }
    }
  }
}

}  // namespace
}  // namespace slotd::slotctl
