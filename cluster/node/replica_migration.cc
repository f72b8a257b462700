// Replica migration (clusterHandleSlaveMigration): a replica of the best-covered master moves to
// an orphaned master (slots, no working replica) when its own master keeps more than
// cluster-migration-barrier healthy replicas and it is the smallest id among the candidates.
#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {
constexpr int64_t kReplicaMigrationDelayMs = 5000;  // CLUSTER_SLAVE_MIGRATION_DELAY
}  // namespace

int ClusterNode::CountNonFailingReplicas(const NodeRecord& master) const {
  int ok = 0;
  for (const NodeId& r : master.replicas) {
    const NodeRecord* rep = state_->Find(r);
    if (rep && !rep->Failed()) ++ok;
  }
  return ok;
}

void ClusterNode::HandleReplicaMigration(int max_replicas) {
  if (!state_->state_ok) return;
  NodeRecord& me = state_->myself();
  NodeRecord* my_master = state_->Find(me.master);
  if (my_master == nullptr) return;
  int ok_replicas = 0;
  for (const NodeId& r : my_master->replicas) {
    const NodeRecord* rep = state_->Find(r);
    if (rep && !rep->Failed() && !rep->TimedOut()) ++ok_replicas;
  }
  if (ok_replicas <= options_.migration_barrier) return;
  NodeRecord* target = nullptr;
  NodeId candidate = me.id;
  for (NodeRecord* n : state_->by_index()) {
    int ok = 0;
    bool orphaned = n->IsMaster() && !n->Failed() && n->Has(bus::kFlagMigrateTo);
    if (n->IsMaster()) ok = CountNonFailingReplicas(*n);
    if (ok > 0) orphaned = false;
    if (orphaned) {
      if (target == nullptr && n->num_slots > 0) target = n;
      if (n->orphaned_time_ms == 0) n->orphaned_time_ms = now_;
    } else {
      n->orphaned_time_ms = 0;
    }
    if (ok == max_replicas) {
      for (const NodeId& r : n->replicas) candidate = std::min(candidate, r);
    }
  }
  if (target && candidate == me.id && now_ - target->orphaned_time_ms > kReplicaMigrationDelayMs) {
    Log(EffectLogLevel::kNotice, "Migrating to orphaned master " + target->id.str());
    SetMyMaster(*target);
  }
}

}  // namespace slotd
