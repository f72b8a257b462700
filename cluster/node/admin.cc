// CLUSTER subcommands that change slots and roles (ADDSLOTS, DELSLOTS and their RANGE forms,
// FLUSHSLOTS, SETSLOT, REPLICATE, RESET, SAVECONFIG), with Redis 7.0's error texts.
#include "cluster/node/cluster_node.h"

namespace slotd {

AdminResult ClusterNode::AddSlots(const std::vector<int>& slots, Outbox& out) {
  std::vector<std::pair<int, int>> ranges;
  ranges.reserve(slots.size());
  for (int s : slots) ranges.emplace_back(s, s);
  return ChangeSlots(ranges, false, false, out);
}

AdminResult ClusterNode::DelSlots(const std::vector<int>& slots, Outbox& out) {
  std::vector<std::pair<int, int>> ranges;
  ranges.reserve(slots.size());
  for (int s : slots) ranges.emplace_back(s, s);
  return ChangeSlots(ranges, false, true, out);
}

AdminResult ClusterNode::AddSlotsRange(const std::vector<std::pair<int, int>>& ranges,
                                       Outbox& out) {
  return ChangeSlots(ranges, true, false, out);
}

AdminResult ClusterNode::DelSlotsRange(const std::vector<std::pair<int, int>>& ranges,
                                       Outbox& out) {
  return ChangeSlots(ranges, true, true, out);
}

// All or nothing: every slot is checked before any changes (checkSlotAssignmentsOrReply).
AdminResult ClusterNode::ChangeSlots(const std::vector<std::pair<int, int>>& ranges,
                                     bool check_order, bool del, Outbox& out) {
  std::vector<uint8_t> seen(kClusterSlots, 0);
  for (const auto& [first, last] : ranges) {
    if (first < 0 || last >= kClusterSlots || first > last) {
      if (check_order && first >= 0 && last < kClusterSlots) {
        return Error{"start slot number " + std::to_string(first) +
                     " is greater than end slot number " + std::to_string(last)};
      }
      return Error{"Invalid or out of range slot"};
    }
    for (int s = first; s <= last; ++s) {
      const std::string num = std::to_string(s);
      if (del && state_->SlotOwner(s) == nullptr)
        return Error{"Slot " + num + " is already unassigned"};
      if (!del && state_->SlotOwner(s) != nullptr) return Error{"Slot " + num + " is already busy"};
      if (seen[s]++ == 1) return Error{"Slot " + num + " specified multiple times"};
    }
  }
  Begin(now_, out);
  for (int s = 0; s < kClusterSlots; ++s) {
    if (!seen[s]) continue;
    state_->importing_from.erase(s);
    if (del) {
      state_->UnbindSlot(s);
    } else {
      state_->BindSlot(s, state_->myself());
    }
    state_->owner_not_claiming.Clear(s);
  }
  Todo(kTodoSave | kTodoUpdateState);
  Finish();
  return std::string("OK");
}

AdminResult ClusterNode::FlushSlots(Outbox& out) {
  Begin(now_, out);
  state_->UnbindAllSlots(state_->myself());
  Todo(kTodoSave | kTodoUpdateState);
  Finish();
  return std::string("OK");
}

AdminResult ClusterNode::SetSlot(int slot, SetSlotAction action, std::string_view node_id,
                                 bool slot_has_keys, int64_t now_ms, Outbox& out) {
  const NodeRecord& me = state_->myself();
  if (me.IsReplica()) return Error{"Please use SETSLOT only with masters."};
  if (slot < 0 || slot >= kClusterSlots) return Error{"Invalid or out of range slot"};
  Result<NodeId> id = NodeId::Parse(node_id);
  NodeRecord* n = id ? state_->Find(*id) : nullptr;
  const std::string name(node_id);
  const std::string slot_text = std::to_string(slot);
  Begin(now_ms, out);
  AdminResult result = std::string("OK");
  switch (action) {
    case SetSlotAction::kMigrating:
      if (state_->SlotOwner(slot) != &me)
        result = Error{"I'm not the owner of hash slot " + slot_text};
      else if (n == nullptr) result = Error{"I don't know about node " + name};
      else if (n->IsReplica()) result = Error{"Target node is not a master"};
      else state_->migrating_to[slot] = n->id;
      break;
    case SetSlotAction::kImporting:
      if (state_->SlotOwner(slot) == &me)
        result = Error{"I'm already the owner of hash slot " + slot_text};
      else if (n == nullptr) result = Error{"I don't know about node " + name};
      else if (n->IsReplica()) result = Error{"Target node is not a master"};
      else state_->importing_from[slot] = n->id;
      break;
    case SetSlotAction::kStable:
      state_->migrating_to.erase(slot);
      state_->importing_from.erase(slot);
      break;
    case SetSlotAction::kNode:
      if (n == nullptr) result = Error{"Unknown node " + name};
      else if (n->IsReplica()) result = Error{"Target node is not a master"};
      else result = SetSlotNode(slot, *n, slot_has_keys);
      break;
  }
  if (result.ok()) Todo(kTodoSave | kTodoUpdateState);
  Finish();
  return result;
}

AdminResult ClusterNode::SetSlotNode(int slot, NodeRecord& n, bool slot_has_keys) {
  NodeRecord& me = state_->myself();
  const bool slot_was_mine = state_->SlotOwner(slot) == &me;
  if (slot_was_mine && &n != &me && slot_has_keys) {
    return Error{"Can't assign hashslot " + std::to_string(slot) +
                 " to a different node while I still hold keys for this hash slot."};
  }
  if (!slot_has_keys) state_->migrating_to.erase(slot);
  state_->BindSlot(slot, n);
  state_->owner_not_claiming.Clear(slot);
  if (&n != &me && slot_was_mine && me.num_slots == 0 && options_.allow_replica_migration) {
    Log(EffectLogLevel::kWarning,
        "Configuration change detected. Reconfiguring myself as a replica of " + n.id.str());
    SetMyMaster(n);
    Todo(kTodoFsync);
  }
  // Closing an import: a new configEpoch makes our claim win over the old owner's.
  if (&n == &me && state_->importing_from.count(slot)) {
    if (BumpEpochWithoutConsensus()) {
      Log(EffectLogLevel::kWarning,
          "configEpoch updated after importing slot " + std::to_string(slot));
    }
    state_->importing_from.erase(slot);
    BroadcastPong(false);
  }
  return std::string("OK");
}

AdminResult ClusterNode::Replicate(std::string_view node_id, bool db_empty, int64_t now_ms,
                                   Outbox& out) {
  Result<NodeId> id = NodeId::Parse(node_id);
  NodeRecord* n = id ? state_->Find(*id) : nullptr;
  const NodeRecord& me = state_->myself();
  if (n == nullptr) return Error{"Unknown node " + std::string(node_id)};
  if (n->IsMyself()) return Error{"Can't replicate myself"};
  if (n->IsReplica()) return Error{"I can only replicate a master, not a replica."};
  if (me.IsMaster() && (me.num_slots != 0 || !db_empty)) {
    return Error{"To set a master the node must be empty and without assigned slots."};
  }
  Begin(now_ms, out);
  SetMyMaster(*n);
  Todo(kTodoSave | kTodoUpdateState);
  Finish();
  return std::string("OK");
}

AdminResult ClusterNode::Reset(bool hard, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  NodeRecord& me = state_->myself();
  if (me.IsReplica()) {
    SetNodeAsMaster(me);
    StopReplication();
  }
  state_->migrating_to.clear();
  state_->importing_from.clear();
  ResetManualFailover();
  for (int j = 0; j < kClusterSlots; ++j) state_->UnbindSlot(j);
  std::vector<NodeId> others;
  for (const NodeRecord* n : state_->by_index()) {
    if (!n->IsMyself()) others.push_back(n->id);
  }
  for (const NodeId& id : others) DeleteNode(id);
  if (hard) {
    state_->current_epoch.value = 0;
    state_->last_vote_epoch = 0;
    me.config_epoch.value = 0;
    Log(EffectLogLevel::kWarning, "configEpoch set to 0 via CLUSTER RESET HARD");
    const NodeId fresh = NodeId::Generate(rng_);
    state_->Rename(me.id, fresh);
    Log(EffectLogLevel::kNotice, "Node hard reset, now I'm " + fresh.str());
  }
  Todo(kTodoSave | kTodoUpdateState | kTodoFsync);
  Finish();
  return std::string("OK");
}

AdminResult ClusterNode::SaveConfig(Outbox& out) {
  Begin(now_, out);
  Todo(kTodoSave | kTodoFsync);
  Finish();
  return std::string("OK");
}

}  // namespace slotd
