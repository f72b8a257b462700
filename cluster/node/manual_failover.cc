// Manual failover (CLUSTER FAILOVER [FORCE|TAKEOVER], MFSTART): the master pauses writes and
// reports its offset; the replica waits until it processed that offset, then runs an election
// with FORCEACK and no delay (clusterHandleManualFailover, resetManualFailover).
#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {
constexpr int64_t kMfTimeoutMs = 5000;  // CLUSTER_MF_TIMEOUT
}  // namespace

void ClusterNode::ResetManualFailover() {
  if (!mf_.replica.IsNull()) out_->push_back(PauseWritesEffect{0});  // master side: resume
  mf_ = ManualFailover{};
}

void ClusterNode::CheckManualFailoverTimeout() {
  if (mf_.end_ms != 0 && mf_.end_ms < now_) {
    Log(EffectLogLevel::kWarning, "Manual failover timed out.");
    ResetManualFailover();
  }
}

void ClusterNode::HandleManualFailover() {
  if (mf_.end_ms == 0 || mf_.can_start || mf_.master_offset == -1) return;
  if (mf_.master_offset == static_cast<int64_t>(repl_.offset)) {
    mf_.can_start = true;
    Log(EffectLogLevel::kWarning,
        "All master replication stream processed, manual failover can start.");
    Todo(kTodoHandleFailover);
  }
}

void ClusterNode::HandleMfStart(LinkId link, NodeRecord* sender) {
  if (sender == nullptr || sender->master != state_->myself().id) return;
  ResetManualFailover();
  mf_.end_ms = now_ + kMfTimeoutMs;
  mf_.replica = sender->id;
  out_->push_back(PauseWritesEffect{now_ + kMfTimeoutMs * 2});
  Log(EffectLogLevel::kWarning, "Manual failover requested by replica " + sender->id.str() + ".");
  // The PING carries PAUSED and our offset, which the replica must reach before its election.
  SendPing(link, bus::MessageType::kPing);
}

AdminResult ClusterNode::Failover(FailoverMode mode, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  const NodeRecord& me = state_->myself();
  NodeRecord* master = me.IsReplica() ? state_->Find(me.master) : nullptr;
  AdminResult result = std::string("OK");
  if (me.IsMaster()) {
    result = Error{"You should send CLUSTER FAILOVER to a replica"};
  } else if (master == nullptr) {
    result = Error{"I'm a replica but my master is unknown to me"};
  } else if (mode == FailoverMode::kDefault && (master->Failed() || master->link == 0)) {
    result = Error{"Master is down or failed, please use CLUSTER FAILOVER FORCE"};
  } else {
    ResetManualFailover();
    mf_.end_ms = now_ + kMfTimeoutMs;
    if (mode == FailoverMode::kTakeover) {
      // No election: the new configEpoch alone makes our claim win everywhere.
      Log(EffectLogLevel::kWarning, "Taking over the master (user request).");
      BumpEpochWithoutConsensus();
      ReplaceMyMaster();
    } else if (mode == FailoverMode::kForce) {
      Log(EffectLogLevel::kWarning, "Forced failover user request accepted.");
      mf_.can_start = true;
      Todo(kTodoHandleFailover);
    } else {
      Log(EffectLogLevel::kWarning, "Manual failover user request accepted.");
      bus::Message msg;
      msg.header = BuildHeader(bus::MessageType::kMfStart);
      Send(master->link, std::move(msg));
    }
  }
  Finish();
  return result;
}

}  // namespace slotd
