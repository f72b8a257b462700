// The failover state machine (sentinelFailoverStateMachine): wait for election, select and promote
// a replica, reconfigure the others within parallel-syncs, then switch the master's address.
#include <algorithm>
#include <cctype>
#include <vector>

#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sentinel {

namespace {

int CompareRunIdsIgnoreCase(const std::string& a, const std::string& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca - cb;
  }
  return static_cast<int>(a.size()) - static_cast<int>(b.size());
}

// Better candidate first: lower priority, then larger offset, then smaller run id (unknown last).
bool BetterForPromotion(const Instance* a, const Instance* b) {
  if (a->slave_priority != b->slave_priority) return a->slave_priority < b->slave_priority;
  if (a->slave_repl_offset != b->slave_repl_offset)
    return a->slave_repl_offset > b->slave_repl_offset;
  if (a->runid.empty() || b->runid.empty()) return !a->runid.empty() && b->runid.empty();
  return CompareRunIdsIgnoreCase(a->runid, b->runid) < 0;
}

}  // namespace

bool SentinelNode::MasterLooksSane(const Master& m) const {
  return m.role_reported == Role::kMaster && !m.Has(kFlagSDown | kFlagODown) &&
         now_ - m.info_refresh < state_.timings.info_period * 2;
}

const Instance* SentinelNode::SelectReplica(const Master& m) const {
  int64_t max_master_down_time = m.down_after_ms * 10;
  if (m.Has(kFlagSDown)) max_master_down_time += now_ - m.s_down_since;
  std::vector<const Instance*> candidates;
  for (const auto& [name, r] : m.replicas) {
    if (r.Has(kFlagSDown | kFlagODown) || !Connected(r.addr)) continue;
    auto link = state_.links.find(r.addr);
    if (now_ - link->second.last_avail_time > state_.timings.ping_period * 5) continue;
    if (r.slave_priority == 0) continue;
    const int64_t info_validity =
        m.Has(kFlagSDown) ? state_.timings.ping_period * 5 : state_.timings.info_period * 3;
    if (now_ - r.info_refresh > info_validity) continue;
    if (r.master_link_down_time > max_master_down_time) continue;
    candidates.push_back(&r);
  }
  if (candidates.empty()) return nullptr;
  return *std::min_element(candidates.begin(), candidates.end(), BetterForPromotion);
}

void SentinelNode::AbortFailover(Master& m) {
  m.flags &= ~(kFlagFailoverInProgress | kFlagForceFailover);
  m.failover_state = FailoverState::kNone;
  m.failover_state_change_time = now_;
  if (Instance* promoted = m.promoted_replica()) promoted->flags &= ~kFlagPromoted;
  m.promoted.clear();
}

void SentinelNode::FailoverWaitStart(Master& m) {
  const std::string leader = GetLeader(m, m.failover_epoch);
  const bool is_leader = !leader.empty() && EqualsIgnoreCaseAscii(leader, state_.myid);
  if (!is_leader && !m.Has(kFlagForceFailover)) {
    const int64_t election_timeout =
        std::min(state_.timings.election_timeout, m.failover_timeout);
    if (now_ - m.failover_start_time > election_timeout) {
      Event(LogLevel::kWarning, "-failover-abort-not-elected", &m, Describe(m, m));
      AbortFailover(m);
    }
    return;
  }
  Event(LogLevel::kWarning, "+elected-leader", &m, Describe(m, m));
  if (state_.simfailure_flags & kSimFailureCrashAfterElection) SimulatedCrash();
  m.failover_state = FailoverState::kSelectSlave;
  m.failover_state_change_time = now_;
  Event(LogLevel::kWarning, "+failover-state-select-slave", &m, Describe(m, m));
}

void SentinelNode::FailoverSelectSlave(Master& m) {
  const Instance* chosen = SelectReplica(m);
  if (chosen == nullptr) {
    Event(LogLevel::kWarning, "-failover-abort-no-good-slave", &m, Describe(m, m));
    AbortFailover(m);
    return;
  }
  Instance& r = m.replicas[chosen->name];
  Event(LogLevel::kWarning, "+selected-slave", &m, Describe(m, r));
  r.flags |= kFlagPromoted;
  m.promoted = r.name;
  m.failover_state = FailoverState::kSendSlaveofNoone;
  m.failover_state_change_time = now_;
  Event(LogLevel::kNotice, "+failover-state-send-slaveof-noone", &m, Describe(m, r));
}

void SentinelNode::FailoverSendSlaveOfNoOne(Master& m) {
  Instance* promoted = m.promoted_replica();
  if (promoted == nullptr || !Connected(promoted->addr)) {
    if (now_ - m.failover_state_change_time > m.failover_timeout) {
      Event(LogLevel::kWarning, "-failover-abort-slave-timeout", &m, Describe(m, m));
      AbortFailover(m);
    }
    return;
  }
  if (!SendReplicaOf(m, *promoted, nullptr)) return;
  Event(LogLevel::kNotice, "+failover-state-wait-promotion", &m, Describe(m, *promoted));
  m.failover_state = FailoverState::kWaitPromotion;
  m.failover_state_change_time = now_;
}

void SentinelNode::FailoverWaitPromotion(Master& m) {
  if (now_ - m.failover_state_change_time > m.failover_timeout) {
    Event(LogLevel::kWarning, "-failover-abort-slave-timeout", &m, Describe(m, m));
    AbortFailover(m);
  }
}

void SentinelNode::FailoverDetectEnd(Master& m) {
  const Instance* promoted = m.promoted_replica();
  if (promoted == nullptr || promoted->Has(kFlagSDown)) return;
  int not_reconfigured = 0;
  for (const auto& [name, r] : m.replicas) {
    if (r.Has(kFlagPromoted | kFlagReconfDone) || r.Has(kFlagSDown)) continue;
    ++not_reconfigured;
  }
  bool timeout = false;
  if (now_ - m.failover_state_change_time > m.failover_timeout) {
    not_reconfigured = 0;
    timeout = true;
    Event(LogLevel::kWarning, "+failover-end-for-timeout", &m, Describe(m, m));
  }
  if (not_reconfigured == 0) {
    Event(LogLevel::kWarning, "+failover-end", &m, Describe(m, m));
    m.failover_state = FailoverState::kUpdateConfig;
    m.failover_state_change_time = now_;
  }
  if (!timeout) return;
  // Best effort: point every replica not yet told at the promoted one.
  const Address target = promoted->addr;
  for (auto& [name, r] : m.replicas) {
    if (r.Has(kFlagPromoted | kFlagReconfDone | kFlagReconfSent)) continue;
    if (SendReplicaOf(m, r, &target)) {
      Event(LogLevel::kNotice, "+slave-reconf-sent-be", &m, Describe(m, r));
      r.flags |= kFlagReconfSent;
    }
  }
}

void SentinelNode::FailoverReconfNextSlave(Master& m) {
  const Instance* promoted = m.promoted_replica();
  if (promoted == nullptr) return;
  const Address target = promoted->addr;
  int in_progress = 0;
  for (const auto& [name, r] : m.replicas) {
    if (r.Has(kFlagReconfSent | kFlagReconfInprog)) ++in_progress;
  }
  for (auto& [name, r] : m.replicas) {
    if (in_progress >= m.parallel_syncs) break;
    if (r.Has(kFlagPromoted | kFlagReconfDone)) continue;
    if (r.Has(kFlagReconfSent) &&
        now_ - r.slave_reconf_sent_time > state_.timings.slave_reconf_timeout) {
      Event(LogLevel::kNotice, "-slave-reconf-sent-timeout", &m, Describe(m, r));
      r.flags &= ~kFlagReconfSent;
      r.flags |= kFlagReconfDone;
    }
    if (r.Has(kFlagReconfSent | kFlagReconfInprog)) continue;
    if (!Connected(r.addr)) continue;
    if (SendReplicaOf(m, r, &target)) {
      r.flags |= kFlagReconfSent;
      r.slave_reconf_sent_time = now_;
      Event(LogLevel::kNotice, "+slave-reconf-sent", &m, Describe(m, r));
      ++in_progress;
    }
  }
  FailoverDetectEnd(m);
}

void SentinelNode::FailoverStateMachine(Master& m) {
  if (!m.Has(kFlagFailoverInProgress)) return;
  switch (m.failover_state) {
    case FailoverState::kWaitStart:
      FailoverWaitStart(m);
      break;
    case FailoverState::kSelectSlave:
      FailoverSelectSlave(m);
      break;
    case FailoverState::kSendSlaveofNoone:
      FailoverSendSlaveOfNoOne(m);
      break;
    case FailoverState::kWaitPromotion:
      FailoverWaitPromotion(m);
      break;
    case FailoverState::kReconfSlaves:
      FailoverReconfNextSlave(m);
      break;
    default:
      break;
  }
}

void SentinelNode::SwitchToPromotedReplica(Master& m) {
  const Instance* promoted = m.promoted_replica();
  const Address to = promoted != nullptr ? promoted->addr : m.addr;
  Event(LogLevel::kWarning, "+switch-master", &m,
        m.name + " " + std::string(Announce(m.addr)) + " " + std::to_string(m.addr.port) + " " +
            std::string(Announce(to)) + " " + std::to_string(to.port));
  ResetMasterAndChangeAddress(m, to);
}

}  // namespace slotd::sentinel
