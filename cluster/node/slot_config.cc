// Slot ownership by configEpoch: a higher configEpoch claim rebinds slots
// (clusterUpdateSlotsConfigWith), stale claimers get an UPDATE, and UPDATE messages are applied.
#include "cluster/node/cluster_node.h"

namespace slotd {

void ClusterNode::UpdateSlotsConfigWith(NodeRecord& sender, ConfigEpoch epoch,
                                        const SlotBitmap& slots) {
  if (sender.IsMyself()) {
    Log(EffectLogLevel::kWarning, "Discarding UPDATE message about myself.");
    return;
  }
  NodeRecord* cur_master = state_->MyMasterOrMe();
  NodeRecord* new_master = nullptr;
  int sender_slots = 0, migrated_our_slots = 0;
  std::vector<int> dirty_slots;
  for (int j = 0; j < kClusterSlots; ++j) {
    NodeRecord* owner = state_->SlotOwner(j);
    if (!slots.Test(j)) {
      if (owner == &sender) state_->owner_not_claiming.Set(j);
      continue;
    }
    ++sender_slots;
    if (owner == &sender) {
      state_->owner_not_claiming.Clear(j);
      continue;
    }
    // A slot being imported is settled by CLUSTER SETSLOT, not by gossip.
    if (state_->importing_from.count(j)) continue;
    if (!state_->SlotUnclaimed(j) && owner->config_epoch >= epoch) continue;
    if (owner && owner->IsMyself()) dirty_slots.push_back(j);
    if (owner == cur_master) {
      new_master = &sender;
      ++migrated_our_slots;
    }
    state_->BindSlot(j, sender);
    state_->owner_not_claiming.Clear(j);
    // Redis fsyncs here; other nodes' claims are re-learned after a crash, so the tick's
    // write is enough. Our own role change below is fsynced.
    Todo(kTodoSave | kTodoUpdateState);
  }
  NodeRecord& me = state_->myself();
  NodeRecord* my_master = me.IsReplica() ? state_->Find(me.master) : nullptr;
  NodeRecord* grand = my_master && my_master->IsReplica() ? state_->Find(my_master->master)
                                                          : nullptr;
  if (new_master && cur_master->num_slots == 0 &&
      (options_.allow_replica_migration || sender_slots == migrated_our_slots)) {
    Log(EffectLogLevel::kWarning,
        "Configuration change detected. Reconfiguring myself as a replica of " + sender.id.str());
    SetMyMaster(sender);
    Todo(kTodoSave | kTodoUpdateState | kTodoFsync);
  } else if (grand && grand != &me) {
    Log(EffectLogLevel::kWarning,
        "I'm a sub-replica! Reconfiguring myself as a replica of grandmaster " + grand->id.str());
    SetMyMaster(*grand);
    Todo(kTodoSave | kTodoUpdateState | kTodoFsync);
  } else {
    for (int slot : dirty_slots) out_->push_back(DeleteSlotKeysEffect{slot});
  }
}

// The sender claims a slot whose owner we know has a newer configEpoch: tell it (one UPDATE
// per message is enough; it will come back for the rest).
void ClusterNode::CheckSlotClaims(NodeRecord& sender, const bus::Header& h, LinkId) {
  for (int j = 0; j < kClusterSlots; ++j) {
    if (!h.myslots.Test(j)) continue;
    NodeRecord* owner = state_->SlotOwner(j);
    if (owner == nullptr || owner == &sender) continue;
    if (owner->config_epoch > h.config_epoch) {
      Log(EffectLogLevel::kVerbose, "Node " + sender.id.str() +
                                  " has old slots configuration, sending an UPDATE message about " +
                                  owner->id.str());
      if (sender.link) SendUpdate(sender.link, *owner);
      return;
    }
  }
}

void ClusterNode::SendUpdate(LinkId link, const NodeRecord& n) {
  bus::Message msg;
  msg.header = BuildHeader(bus::MessageType::kUpdate);
  bus::UpdateBody body;
  body.config_epoch = n.config_epoch;
  body.node = n.id;
  body.slots = state_->SlotsOf(n);
  for (int j = 0; j < kClusterSlots; ++j) {
    if (state_->owner_not_claiming.Test(j)) body.slots.Clear(j);
  }
  msg.body = std::move(body);
  Send(link, std::move(msg));
}

void ClusterNode::HandleUpdate(NodeRecord* sender, const bus::Message& msg) {
  const auto* body = std::get_if<bus::UpdateBody>(&msg.body);
  if (sender == nullptr || body == nullptr) return;
  NodeRecord* n = state_->Find(body->node);
  if (n == nullptr || n->IsMyself() || n->config_epoch >= body->config_epoch) return;
  if (n->IsReplica()) SetNodeAsMaster(*n);
  n->config_epoch = body->config_epoch;
  Todo(kTodoSave);
  UpdateSlotsConfigWith(*n, body->config_epoch, body->slots);
}

}  // namespace slotd
