// Reshard tables and rebalance moves (pure arithmetic, redis-cli's rounding rules).
#include "tools/slotctl/reshard_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace slotd::slotctl {

std::vector<ReshardItem> ComputeReshardTable(const std::vector<ReshardSource>& sources,
                                             int numslots) {
  std::vector<ReshardItem> moved;
  if (numslots <= 0) return moved;
  std::vector<std::pair<int, const ReshardSource*>> sorted;
  int total = 0;
  for (const ReshardSource& s : sources) {
    const int count = s.slots->Count();
    total += count;
    sorted.emplace_back(count, &s);
  }
  if (total == 0) return moved;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& [count, source] = sorted[i];
    // Single precision on purpose: redis-cli computes the share as a float.
    const float share = static_cast<float>(numslots) / static_cast<float>(total) *
                        static_cast<float>(count);
    const int max = static_cast<int>(i == 0 ? std::ceil(share) : std::floor(share));
    int taken = 0;
    for (int slot = 0; slot < kClusterSlots; ++slot) {
      if (!source->slots->Test(slot)) continue;
      if (taken >= max || static_cast<int>(moved.size()) >= numslots) break;
      moved.push_back({source->node, slot});
      ++taken;
    }
  }
  return moved;
}

RebalancePlan PlanRebalance(const std::vector<RebalanceNode>& nodes, float threshold_pct) {
  RebalancePlan plan;
  float total_weight = 0;
  for (const RebalanceNode& n : nodes) total_weight += n.weight;
  if (nodes.empty() || total_weight <= 0) return plan;
  std::vector<int> balance(nodes.size());
  int total_balance = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const int expected =
        static_cast<int>(static_cast<float>(kClusterSlots) / total_weight * nodes[i].weight);
    balance[i] = nodes[i].slots - expected;
    total_balance += balance[i];
    if (threshold_pct <= 0) continue;
    if (nodes[i].slots > 0) {
      const float off = std::fabs(100 - (100.0 * expected / nodes[i].slots));
      if (off > threshold_pct) plan.needed = true;
    } else if (expected > 1) {
      plan.needed = true;
    }
  }
  if (!plan.needed) return plan;
  // Rounding down the expectations leaves slots nobody expects; receivers absorb them so that
  // givers and receivers balance out.
  while (total_balance > 0) {
    for (size_t i = 0; i < nodes.size() && total_balance > 0; ++i) {
      if (balance[i] <= 0) {
        --balance[i];
        --total_balance;
      }
    }
  }
  std::vector<int> order(nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return balance[a] < balance[b]; });
  int dst_idx = 0;
  int src_idx = static_cast<int>(order.size()) - 1;
  while (dst_idx < src_idx) {
    const int dst = order[dst_idx];
    const int src = order[src_idx];
    const int count = std::min(std::abs(balance[dst]), std::abs(balance[src]));
    if (count > 0) plan.moves.push_back({src, dst, count});
    balance[dst] += count;
    balance[src] -= count;
    if (balance[dst] == 0) ++dst_idx;
    if (balance[src] == 0) --src_idx;
  }
  return plan;
}

}  // namespace slotd::slotctl
