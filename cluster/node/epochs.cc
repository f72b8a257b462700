// Epochs: configEpoch collision resolution (clusterHandleConfigEpochCollision), bumping without
// consensus (clusterBumpConfigEpochWithoutConsensus) and the CLUSTER BUMPEPOCH /
// SET-CONFIG-EPOCH commands.
#include "cluster/node/cluster_node.h"

namespace slotd {

// Two masters with one configEpoch: the one with the smaller id takes a new epoch; the
// other never moves, so the pair always converges (any order of messages).
void ClusterNode::HandleEpochCollision(NodeRecord& sender) {
  NodeRecord& me = state_->myself();
  if (sender.config_epoch != me.config_epoch || !sender.IsMaster() || !me.IsMaster()) return;
  if (sender.id <= me.id) return;
  state_->current_epoch.value++;
  me.config_epoch.value = state_->current_epoch.value;
  Todo(kTodoSave | kTodoFsync);
  Log(EffectLogLevel::kVerbose, "WARNING: configEpoch collision with node " + sender.id.str() +
                              ". configEpoch set to " + std::to_string(me.config_epoch.value));
}

bool ClusterNode::BumpEpochWithoutConsensus() {
  NodeRecord& me = state_->myself();
  const uint64_t max_epoch = state_->MaxEpoch();
  if (me.config_epoch.value != 0 && me.config_epoch.value == max_epoch) return false;
  state_->current_epoch.value++;
  me.config_epoch.value = state_->current_epoch.value;
  Todo(kTodoSave | kTodoFsync);
  Log(EffectLogLevel::kWarning, "New configEpoch set to " + std::to_string(me.config_epoch.value));
  return true;
}

AdminResult ClusterNode::BumpEpoch(Outbox& out) {
  Begin(now_, out);
  const bool bumped = BumpEpochWithoutConsensus();
  const std::string reply = std::string(bumped ? "BUMPED " : "STILL ") +
                            std::to_string(state_->myself().config_epoch.value);
  Finish();
  return reply;
}

AdminResult ClusterNode::SetConfigEpoch(int64_t epoch, Outbox& out) {
  if (epoch < 0) return Error{"Invalid config epoch specified: " + std::to_string(epoch)};
  if (state_->size() > 1) {
    return Error{"The user can assign a config epoch only when the node does not know any "
                 "other node."};
  }
  NodeRecord& me = state_->myself();
  if (me.config_epoch.value != 0) return Error{"Node config epoch is already non-zero"};
  Begin(now_, out);
  me.config_epoch.value = static_cast<uint64_t>(epoch);
  Log(EffectLogLevel::kWarning, "configEpoch set to " + std::to_string(epoch) +
                              " via CLUSTER SET-CONFIG-EPOCH");
  if (state_->current_epoch.value < me.config_epoch.value) {
    state_->current_epoch.value = me.config_epoch.value;
  }
  Todo(kTodoUpdateState | kTodoSave | kTodoFsync);
  Finish();
  return std::string("OK");
}

}  // namespace slotd
