// slotctl's reshard table and rebalance plan: redis-cli 7.0's shares and rounding.
#include "tools/slotctl/reshard_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace slotd::slotctl {
namespace {

SlotBitmap Range(int first, int last) {
  SlotBitmap b;
  b.SetRange(first, last);
  return b;
}

TEST(SlotctlReshardTable, TakesProportionalSharesRoundingUpOnlyForTheBiggestSource) {
  const SlotBitmap a = Range(0, 5460), b = Range(5461, 10922), c = Range(10923, 16383);
  std::vector<ReshardItem> table = ComputeReshardTable({{0, &a}, {1, &b}, {2, &c}}, 1000);
  ASSERT_EQ(table.size(), 1000u);
  std::map<int, int> per_node;
  for (const ReshardItem& item : table) ++per_node[item.node];
  // b holds 5462 slots: ceil(1000/16384*5462) = 334; the others floor(333.3) = 333.
  EXPECT_EQ(per_node[1], 334);
  EXPECT_EQ(per_node[0], 333);
  EXPECT_EQ(per_node[2], 333);
  // The biggest source comes first and gives its lowest slots.
  EXPECT_EQ(table.front(), (ReshardItem{1, 5461}));
  EXPECT_EQ(table[334], (ReshardItem{0, 0}));
  EXPECT_EQ(table.back(), (ReshardItem{2, 10923 + 332}));
}

TEST(SlotctlReshardTable, NeverReturnsMoreThanAskedOrMoreThanASourceHolds) {
  const SlotBitmap small = Range(100, 102);
  EXPECT_EQ(ComputeReshardTable({{7, &small}}, 10).size(), 3u);
  EXPECT_EQ(ComputeReshardTable({{7, &small}}, 2), (std::vector<ReshardItem>{{7, 100}, {7, 101}}));
  EXPECT_TRUE(ComputeReshardTable({{7, &small}}, 0).empty());
  const SlotBitmap empty;
  EXPECT_TRUE(ComputeReshardTable({{1, &empty}}, 5).empty());
}

TEST(SlotctlRebalance, EmptyMasterReceivesAnEvenShareFromTheBiggestGiversFirst) {
  RebalancePlan plan = PlanRebalance({{5461, 1}, {5462, 1}, {5461, 1}, {0, 1}}, 2);
  ASSERT_TRUE(plan.needed);
  // Expected 4096 each: balances 1365, 1366, 1365, -4096.
  EXPECT_EQ(plan.moves, (std::vector<RebalanceMove>{{1, 3, 1366}, {2, 3, 1365}, {0, 3, 1365}}));
}

TEST(SlotctlRebalance, WithinThresholdNeedsNothing) {
  EXPECT_FALSE(PlanRebalance({{4097, 1}, {4095, 1}, {4096, 1}, {4096, 1}}, 2).needed);
  // A zero threshold disables the check, as in redis-cli.
  EXPECT_FALSE(PlanRebalance({{8192, 1}, {8192, 1}, {0, 1}}, 0).needed);
  EXPECT_TRUE(PlanRebalance({{4300, 1}, {4000, 1}, {4084, 1}, {4000, 1}}, 2).needed);
}

TEST(SlotctlRebalance, WeightsSetTheShareAndRoundingLeftoversGoToReceivers) {
  // Weights 2:1:1 -> expected 8192, 4096, 4096.
  RebalancePlan plan = PlanRebalance({{5462, 2}, {5461, 1}, {5461, 1}}, 2);
  ASSERT_TRUE(plan.needed);
  EXPECT_EQ(plan.moves, (std::vector<RebalanceMove>{{2, 0, 1365}, {1, 0, 1365}}));
  // Three equal weights: expected 5461 each leaves one slot over; the receiver takes it.
  RebalancePlan thirds = PlanRebalance({{8192, 1}, {8192, 1}, {0, 1}}, 2);
  int moved = 0;
  for (const RebalanceMove& m : thirds.moves) {
    EXPECT_EQ(m.dst, 2);
    moved += m.count;
  }
  EXPECT_EQ(moved, 5462);
}

TEST(SlotctlRebalance, ZeroWeightEmptiesANode) {
  RebalancePlan plan = PlanRebalance({{4096, 1}, {4096, 1}, {4096, 1}, {4096, 0}}, 2);
  ASSERT_TRUE(plan.needed);
  int moved = 0;
  for (const RebalanceMove& m : plan.moves) {
    EXPECT_EQ(m.src, 3);
    moved += m.count;
  }
  EXPECT_EQ(moved, 4096);
}

}  // namespace
}  // namespace slotd::slotctl
