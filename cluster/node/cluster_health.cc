// cluster_state ok/fail (clusterUpdateState): full slot coverage by non-FAIL masters and a
// reachable majority of the masters that serve slots; a master that was in the minority waits
// before it accepts writes again.
#include <algorithm>

#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {
constexpr int64_t kWritableDelayMs = 2000;  // CLUSTER_WRITABLE_DELAY
}  // namespace

void ClusterNode::UpdateState() {
  todo_ &= ~static_cast<unsigned>(kTodoUpdateState);
  const bool i_am_master = state_->myself().IsMaster();
  // The size is refreshed even during the startup delay (CLUSTER INFO shows it at once).
  int reachable = 0;
  const int size = state_->CountServingMasters(&reachable);
  state_->cluster_size = size;
  if (first_state_call_ms_ == 0) first_state_call_ms_ = std::max<int64_t>(now_, 1);
  if (i_am_master && !state_->state_ok && now_ - first_state_call_ms_ < kWritableDelayMs) return;
  bool ok = true;
  if (options_.require_full_coverage) {
    for (int j = 0; j < kClusterSlots && ok; ++j) {
      const NodeRecord* owner = state_->SlotOwner(j);
      if (owner == nullptr || owner->Failed()) ok = false;
    }
  }
  if (reachable < size / 2 + 1) {
    ok = false;
    among_minority_ms_ = now_;
  }
  if (ok == state_->state_ok) return;
  const int64_t rejoin_delay = std::clamp<int64_t>(options_.node_timeout_ms, 500, 5000);
  if (ok && i_am_master && among_minority_ms_ != 0 && now_ - among_minority_ms_ < rejoin_delay) {
    return;
  }
  Log(EffectLogLevel::kWarning, std::string("Cluster state changed: ") + (ok ? "ok" : "fail"));
  state_->state_ok = ok;
  out_->push_back(StateChangedEffect{ok});
  Todo(kTodoTopology);
}

}  // namespace slotd
