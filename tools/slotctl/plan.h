// Pure planning for `slotctl create`: how 16384 slots split over the masters and which node
// replicates which master (redis-cli --cluster create's layout rules, host anti-affinity included).
// No I/O; unit tested in tests/unit/tools/slotctl_plan_test.cc.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace slotd::slotctl {

struct SlotRange {
  int first = 0;
  int last = 0;  // inclusive
  int Count() const { return last - first + 1; }
  bool operator==(const SlotRange&) const = default;
};

// Contiguous ranges for `masters` masters (masters >= 1), the way redis-cli rounds them:
// each master gets about 16384/masters slots and the last one ends at 16383.
std::vector<SlotRange> SplitSlots(int masters);

// Anti-affinity score of a layout (lower is better; 0 is perfect). For each host and each
// master's group (the master plus its replicas) on that host: a group holding the master costs
// 10000 per other member; a group of replicas only costs its size when it has two or more.
// `hosts[i]` is node i's host; `master_of[i]` is the index of the master node i replicates, or -1.
int AntiAffinityScore(const std::vector<std::string>& hosts, const std::vector<int>& master_of);

struct CreatePlan {
  int masters_count = 0;
  std::vector<int> masters;       // node indexes, in slot order
  std::vector<SlotRange> ranges;  // ranges[k] belongs to masters[k]
  // Replica assignments in the order they were first made: (replica, master) node indexes.
  std::vector<std::pair<int, int>> first_assignments;
  size_t extra_from = 0;  // first_assignments[extra_from..] came from the "extra" pass
  int initial_score = 0;  // before the anti-affinity optimisation
  int final_score = 0;
  std::vector<int> master_of;  // per node: master's node index, or -1 for a master/unused node
};

// Masters needed for `nodes` nodes with `replicas` replicas each (redis-cli: nodes/(replicas+1)).
int MastersCount(int nodes, int replicas);

// Lays out a cluster over nodes on `hosts` (one entry per node, input order). Nodes are
// interleaved across hosts so masters spread over hosts, the first MastersCount() of them become
// masters, every master gets `replicas` replicas (preferring other hosts), leftovers become extra
// replicas, then replica swaps and three-way rotations lower the anti-affinity score until
// neither helps. Deterministic.
// Requires MastersCount(hosts.size(), replicas) >= 1 and replicas >= 0.
CreatePlan PlanCreate(const std::vector<std::string>& hosts, int replicas);

}  // namespace slotd::slotctl
