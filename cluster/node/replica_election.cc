// Replica election (clusterHandleSlaveFailover): data-age check, rank-based delay, the auth
// request, counting acks, and taking over the failed master's slots.
#include <algorithm>

#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {

enum CantFailoverReason {
  kCantNone = 0,
  kCantDataAge = 1,
  kCantWaitingDelay = 2,
  kCantExpired = 3,
  kCantWaitingVotes = 4,
};
constexpr int64_t kCantFailoverRelogMs = 10000;  // CLUSTER_CANT_FAILOVER_RELOG_PERIOD

}  // namespace

// Replicas of my master with a larger known offset rank before me (NOFAILOVER ones never do).
int ClusterNode::ReplicaRank() const {
  const NodeRecord& me = state_->myself();
  const NodeRecord* master = state_->Find(me.master);
  if (master == nullptr) return 0;
  int rank = 0;
  for (const NodeId& r : master->replicas) {
    const NodeRecord* rep = state_->Find(r);
    if (rep == nullptr || rep->IsMyself() || rep->Has(bus::kFlagNoFailover)) continue;
    if (rep->repl_offset > repl_.offset) ++rank;
  }
  return rank;
}

void ClusterNode::LogCantFailover(int reason) {
  if (reason == election_.cant_reason && now_ - election_.last_log_ms < kCantFailoverRelogMs) {
    return;
  }
  election_.cant_reason = reason;
  const NodeRecord* master = state_->Find(state_->myself().master);
  // A replica whose master failed only recently is not stalled: stay quiet.
  if (master && master->Failed() &&
      now_ - master->fail_time_ms < options_.node_timeout_ms + 5000) {
    return;
  }
  const char* msg = "Unknown reason code.";
  switch (reason) {
    case kCantDataAge:
      msg = "Disconnected from master for longer than allowed. Please check the "
            "'cluster-replica-validity-factor' configuration option.";
      break;
    case kCantWaitingDelay: msg = "Waiting the delay before I can start a new failover."; break;
    case kCantExpired: msg = "Failover attempt expired."; break;
    case kCantWaitingVotes: msg = "Waiting for votes, but majority still not reached."; break;
  }
  election_.last_log_ms = now_;
  Log(EffectLogLevel::kWarning, std::string("Currently unable to failover: ") + msg);
}

void ClusterNode::HandleReplicaFailover() {
  todo_ &= ~static_cast<unsigned>(kTodoHandleFailover);
  const NodeRecord& me = state_->myself();
  const NodeRecord* master = me.IsReplica() ? state_->Find(me.master) : nullptr;
  const bool manual = mf_.end_ms != 0 && mf_.can_start;
  const int64_t nt = options_.node_timeout_ms;
  const int64_t auth_timeout = std::max<int64_t>(nt * 2, 2000);
  const int64_t auth_retry = auth_timeout * 2;
  const int64_t auth_age = now_ - election_.auth_time_ms;
  if (master == nullptr || (!master->Failed() && !manual) ||
      (options_.replica_no_failover && !manual) || master->num_slots == 0) {
    election_.cant_reason = kCantNone;
    return;
  }
  int64_t data_age = repl_.master_link_up ? now_ - repl_.master_last_io_ms
                                          : now_ - repl_.master_link_down_since_ms;
  if (data_age > nt) data_age -= nt;
  if (options_.replica_validity_factor != 0 && !manual &&
      data_age > options_.repl_ping_replica_period_ms + nt * options_.replica_validity_factor) {
    return LogCantFailover(kCantDataAge);
  }
  if (auth_age > auth_retry) return ScheduleElection();
  if (!election_.auth_sent && mf_.end_ms == 0) {
    const int rank = ReplicaRank();
    if (rank > election_.auth_rank) {
      const int64_t added = (rank - election_.auth_rank) * 1000;
      election_.auth_time_ms += added;
      election_.auth_rank = rank;
      Log(EffectLogLevel::kNotice, "Replica rank updated to #" + std::to_string(rank) + ", added " +
                                 std::to_string(added) + " milliseconds of delay.");
    }
  }
  if (now_ < election_.auth_time_ms) return LogCantFailover(kCantWaitingDelay);
  if (auth_age > auth_timeout) return LogCantFailover(kCantExpired);
  if (!election_.auth_sent) {
    state_->current_epoch.value++;
    election_.auth_epoch = state_->current_epoch.value;
    Log(EffectLogLevel::kNotice, "Starting a failover election for epoch " +
                               std::to_string(election_.auth_epoch) + ".");
    RequestFailoverAuth();
    election_.auth_sent = true;
    Todo(kTodoSave | kTodoUpdateState | kTodoFsync);
    return;
  }
  if (election_.auth_count >= state_->cluster_size / 2 + 1) {
    Log(EffectLogLevel::kNotice, "Failover election won: I'm the new master.");
    NodeRecord& self = state_->myself();
    if (self.config_epoch.value < election_.auth_epoch) {
      self.config_epoch.value = election_.auth_epoch;
      Log(EffectLogLevel::kNotice, "configEpoch set to " + std::to_string(election_.auth_epoch) +
                                 " after successful failover");
    }
    ReplaceMyMaster();
  } else {
    LogCantFailover(kCantWaitingVotes);
  }
}

// Delay = 500 ms + up to 500 ms of jitter + 1 s per better-placed sibling, so the replica with
// the most data usually asks first; a manual failover asks at once.
void ClusterNode::ScheduleElection() {
  election_.auth_time_ms = now_ + 500 + static_cast<int64_t>(rng_.Below(500));
  election_.auth_count = 0;
  election_.voters.clear();
  election_.auth_sent = false;
  election_.auth_rank = ReplicaRank();
  election_.auth_time_ms += election_.auth_rank * 1000;
  if (mf_.end_ms != 0) {
    election_.auth_time_ms = now_;
    election_.auth_rank = 0;
    Todo(kTodoHandleFailover);
  }
  Log(EffectLogLevel::kNotice, "Start of election delayed for " +
                             std::to_string(election_.auth_time_ms - now_) +
                             " milliseconds (rank #" + std::to_string(election_.auth_rank) +
                             ", offset " + std::to_string(repl_.offset) + ").");
  BroadcastPong(true);  // the other replicas learn my offset and can rank themselves
}

void ClusterNode::RequestFailoverAuth() {
  bus::Message msg;
  msg.header = BuildHeader(bus::MessageType::kAuthRequest);
  // A manual failover asks masters to vote although our master is not FAIL.
  if (mf_.end_ms != 0) msg.header.mflags[0] |= bus::kMflagForceAck;
  Broadcast(msg);
}

void ClusterNode::HandleAuthAck(NodeRecord* sender, const bus::Header& h) {
  if (sender == nullptr || !sender->IsMaster() || sender->num_slots == 0) return;
  if (h.current_epoch.value < election_.auth_epoch) return;
  auto pos = std::lower_bound(election_.voters.begin(), election_.voters.end(), sender->id);
  if (pos != election_.voters.end() && *pos == sender->id) return;
  election_.voters.insert(pos, sender->id);
  ++election_.auth_count;
  Todo(kTodoHandleFailover);
}

// clusterFailoverReplaceYourMaster: become a master serving every slot of the old master and
// tell everybody at once.
void ClusterNode::ReplaceMyMaster() {
  NodeRecord& me = state_->myself();
  NodeRecord* old = state_->Find(me.master);
  if (me.IsMaster() || old == nullptr) return;
  SetNodeAsMaster(me);
  StopReplication();
  for (int j = 0; j < kClusterSlots; ++j) {
    if (state_->SlotOwner(j) == old) state_->BindSlot(j, me);
  }
  UpdateState();
  Todo(kTodoSave | kTodoFsync);
  BroadcastPong(false);
  ResetManualFailover();
}

}  // namespace slotd
