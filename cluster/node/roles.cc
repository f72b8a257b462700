// Roles: which master each node follows, as learned from headers (the role-switch part of
// clusterProcessPacket), clusterSetNodeAsMaster, and changing the master this node replicates
// (clusterSetMaster), which the host carries out through ReplicateFrom / BecomeMaster.
#include "cluster/node/cluster_node.h"

namespace slotd {

void ClusterNode::SetNodeAsMaster(NodeRecord& n) {
  if (n.IsMaster()) return;
  if (!n.master.IsNull()) {
    state_->SetMaster(n, nullptr);
    // A promoted replica's shard had replicas: it is a valid replica-migration target.
    if (!n.IsMyself()) n.flags |= bus::kFlagMigrateTo;
  }
  n.flags = static_cast<uint16_t>((n.flags & ~bus::kFlagSlave) | bus::kFlagMaster);
  n.master = NodeId();
  Todo(kTodoSave | kTodoUpdateState);
}

void ClusterNode::SetMyMaster(NodeRecord& master) {
  NodeRecord& me = state_->myself();
  if (&master == &me) return;
  if (me.IsMaster()) {
    state_->UnbindAllSlots(me);
    me.flags = static_cast<uint16_t>((me.flags & ~(bus::kFlagMaster | bus::kFlagMigrateTo)) |
                                     bus::kFlagSlave);
    state_->migrating_to.clear();
    state_->importing_from.clear();
  }
  state_->SetMaster(me, &master);
  if (!master.shard_id.IsNull() && me.shard_id != master.shard_id) {
    me.shard_id = master.shard_id;  // written at once, as 7.2's updateShardId does for myself
    Todo(kTodoSave | kTodoFsync);
  }
  StartReplication(master);
  ResetManualFailover();
  Todo(kTodoSave | kTodoUpdateState);
}

void ClusterNode::UpdateRoleFromHeader(NodeRecord& sender, const bus::Header& h) {
  if (h.slaveof.IsNull()) {
    SetNodeAsMaster(sender);
    return;
  }
  NodeRecord* master = state_->Find(h.slaveof);
  if (sender.IsMaster()) {  // it turned into a replica: it serves no slots any more
    state_->UnbindAllSlots(sender);
    sender.flags = static_cast<uint16_t>(
        (sender.flags & ~(bus::kFlagMaster | bus::kFlagMigrateTo)) | bus::kFlagSlave);
    Todo(kTodoSave | kTodoUpdateState);
  }
  if (master && master != &sender && sender.master != master->id) {
    state_->SetMaster(sender, master);
    Todo(kTodoSave);
  }
}

void ClusterNode::StartReplication(const NodeRecord& master) {
  out_->push_back(ReplicateFromEffect{master.id, master.endpoint});
  replicating_ = true;
}

void ClusterNode::StopReplication() {
  out_->push_back(BecomeMasterEffect{});
  replicating_ = false;
}

}  // namespace slotd
