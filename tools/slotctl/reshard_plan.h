// Pure planning for `slotctl reshard` and `slotctl rebalance`: which slots leave which source
// (redis-cli's reshard table) and how many slots move between which masters so that each holds
// its weighted share. No I/O; unit tested in tests/unit/tools/slotctl/reshard_plan_test.cc.
#pragma once
#include <vector>

#include "cluster/core/slot_bitmap.h"

namespace slotd::slotctl {

struct ReshardSource {
  int node = 0;  // caller's index for the node
  const SlotBitmap* slots = nullptr;
};

struct ReshardItem {
  int node = 0;  // source node index
  int slot = 0;
  bool operator==(const ReshardItem&) const = default;
};

// Up to `numslots` slots taken from `sources` in proportion to how many each holds: sources are
// ordered by slot count (most first, ties in input order), the first contributes the rounded-up
// share and the others the rounded-down share, lowest slots first (redis-cli's reshard table).
std::vector<ReshardItem> ComputeReshardTable(const std::vector<ReshardSource>& sources,
                                             int numslots);

struct RebalanceNode {
  int slots = 0;        // slots the master holds now
  float weight = 1.0f;  // share of the cluster it should hold
};

struct RebalanceMove {
  int src = 0;  // indexes into the RebalanceNode vector
  int dst = 0;
  int count = 0;
  bool operator==(const RebalanceMove&) const = default;
};

struct RebalancePlan {
  bool needed = false;  // some node is off its expected share by more than the threshold
  std::vector<RebalanceMove> moves;
};

// redis-cli's rebalance: expected = floor(16384 / total_weight * weight); a node over
// `threshold_pct` percent off its expected count (or empty while expecting more than one slot)
// makes a rebalance needed; rounding leftovers go to the receivers; then the neediest receiver
// takes from the biggest giver until every balance is zero.
RebalancePlan PlanRebalance(const std::vector<RebalanceNode>& nodes, float threshold_pct);

}  // namespace slotd::slotctl
