// Vote granting, master side (clusterSendFailoverAuthIfNeeded): at most one vote per epoch,
// and no second vote for replicas of one master within 2 * node_timeout. The vote is saved
// (fsync) before the ack leaves: Finish() puts the SaveConfig ahead of the Send.
#include "cluster/node/cluster_node.h"

namespace slotd {

void ClusterNode::HandleAuthRequest(NodeRecord* node, const bus::Message& msg) {
  if (node == nullptr) return;
  const bus::Header& h = msg.header;
  const NodeRecord& me = state_->myself();
  if (me.IsReplica() || me.num_slots == 0) return;
  const std::string who = "Failover auth denied to " + node->id.str() + ": ";
  const uint64_t cur = state_->current_epoch.value;
  if (h.current_epoch.value < cur) {
    Log(EffectLogLevel::kWarning, who + "reqEpoch (" + std::to_string(h.current_epoch.value) +
                                ") < curEpoch(" + std::to_string(cur) + ")");
    return;
  }
  if (state_->last_vote_epoch == cur) {
    Log(EffectLogLevel::kWarning, who + "already voted for epoch " + std::to_string(cur));
    return;
  }
  NodeRecord* master = node->IsReplica() ? state_->Find(node->master) : nullptr;
  const bool force_ack = (h.mflags[0] & bus::kMflagForceAck) != 0;
  if (node->IsMaster() || master == nullptr || (!master->Failed() && !force_ack)) {
    const char* why = node->IsMaster()   ? "it is a master node"
                      : master == nullptr ? "I don't know its master"
                                          : "its master is up";
    Log(EffectLogLevel::kWarning, who + why);
    return;
  }
  const int64_t wait = options_.node_timeout_ms * 2 - (now_ - master->voted_time_ms);
  if (master->voted_time_ms != 0 && wait > 0) {
    Log(EffectLogLevel::kWarning, "Failover auth denied to " + node->id.str() +
                                ": can't vote about this master before " + std::to_string(wait) +
                                " milliseconds");
    return;
  }
  // Never help a replica claim slots that a newer configuration already moved elsewhere.
  for (int j = 0; j < kClusterSlots; ++j) {
    if (!h.myslots.Test(j) || state_->SlotUnclaimed(j)) continue;
    const NodeRecord* owner = state_->SlotOwner(j);
    if (owner->config_epoch <= h.config_epoch) continue;
    Log(EffectLogLevel::kWarning, who + "slot " + std::to_string(j) + " epoch (" +
                                std::to_string(owner->config_epoch.value) + ") > reqEpoch (" +
                                std::to_string(h.config_epoch.value) + ")");
    return;
  }
  state_->last_vote_epoch = cur;
  master->voted_time_ms = now_;
  Todo(kTodoSave | kTodoFsync);
  bus::Message ack;
  ack.header = BuildHeader(bus::MessageType::kAuthAck);
  if (node->link) Send(node->link, std::move(ack));
  Log(EffectLogLevel::kNotice, "Failover auth granted to " + node->id.str() + " () for epoch " +
                             std::to_string(cur));
}

}  // namespace slotd
