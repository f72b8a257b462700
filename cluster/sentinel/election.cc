// Agreement between sentinels: ODOWN from the quorum's IS-MASTER-DOWN-BY-ADDR replies, starting a
// failover attempt, one vote per epoch, and counting votes for a leader (sentinelGetLeader).
#include <cstdio>
#include <map>

#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sentinel {

namespace {

// ctime()-style UTC text for a wall-clock ms value ("Sun Nov 22 03:03:23 2026"), computed by
// hand because cluster/ may not call the C library's clock functions.
std::string FormatWallTime(int64_t ms) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = ms / 1000;
  int64_t days = secs / 86400;
  const int64_t rem = secs % 86400;
  const char* weekday = kDays[((days % 7) + 7) % 7];
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %s %2d %02d:%02d:%02d %lld", weekday, kMonths[month - 1],
                static_cast<int>(day), static_cast<int>(rem / 3600),
                static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60),
                static_cast<long long>(year));
  return buf;
}

}  // namespace

void SentinelNode::CheckObjectivelyDown(Master& m) {
  int quorum = 0;
  bool odown = false;
  if (m.Has(kFlagSDown)) {
    quorum = 1;
    for (const auto& [runid, s] : m.sentinels) {
      if (s.Has(kFlagMasterDown)) ++quorum;
    }
    odown = quorum >= m.quorum;
  }
  if (odown) {
    if (!m.Has(kFlagODown)) {
      Event(LogLevel::kWarning, "+odown", &m,
            Describe(m, m) + " #quorum " + std::to_string(quorum) + "/" + std::to_string(m.quorum));
      m.flags |= kFlagODown;
      m.o_down_since = now_;
    }
  } else if (m.Has(kFlagODown)) {
    Event(LogLevel::kWarning, "-odown", &m, Describe(m, m));
    m.flags &= ~kFlagODown;
  }
}

void SentinelNode::AskMasterStateToOtherSentinels(Master& m, bool forced) {
  for (auto& [runid, s] : m.sentinels) {
    const int64_t elapsed = now_ - s.last_master_down_reply_time;
    if (elapsed > kAskReplyValidityMs) {
      s.flags &= ~kFlagMasterDown;
      s.leader.clear();
    }
    if (!m.Has(kFlagSDown) || !Connected(s.addr)) continue;
    if (!forced && elapsed < state_.timings.ask_period) continue;
    Send(m, s, RequestKind::kIsMasterDown,
         {"SENTINEL", "is-master-down-by-addr", std::string(Announce(m.addr)),
          std::to_string(m.addr.port), std::to_string(state_.current_epoch),
          m.failover_state > FailoverState::kNone ? state_.myid : "*"});
  }
}

bool SentinelNode::StartFailoverIfNeeded(Master& m) {
  if (!m.Has(kFlagODown) || m.Has(kFlagFailoverInProgress)) return false;
  if (now_ - m.failover_start_time < m.failover_timeout * 2) {
    if (m.failover_delay_logged != m.failover_start_time) {
      m.failover_delay_logged = m.failover_start_time;
      Log(LogLevel::kWarning, "Next failover delay: I will not start a failover before " +
                                  FormatWallTime(m.failover_start_time + m.failover_timeout * 2));
    }
    return false;
  }
  StartFailover(m);
  return true;
}

void SentinelNode::StartFailover(Master& m) {
  m.failover_state = FailoverState::kWaitStart;
  m.flags |= kFlagFailoverInProgress;
  m.failover_epoch = ++state_.current_epoch;
  Event(LogLevel::kWarning, "+new-epoch", &m, std::to_string(state_.current_epoch));
  Event(LogLevel::kWarning, "+try-failover", &m, Describe(m, m));
  m.failover_start_time = now_ + static_cast<int64_t>(rng_.Below(kMaxDesyncMs));
  m.failover_state_change_time = now_;
}

std::string SentinelNode::VoteLeader(Master& m, uint64_t req_epoch, const std::string& req_runid,
                                     uint64_t* leader_epoch) {
  if (req_epoch > state_.current_epoch) {
    state_.current_epoch = req_epoch;
    MarkConfigDirty();
    Event(LogLevel::kWarning, "+new-epoch", &m, std::to_string(state_.current_epoch));
  }
  if (m.leader_epoch < req_epoch && state_.current_epoch <= req_epoch) {
    m.leader = req_runid;
    m.leader_epoch = state_.current_epoch;
    MarkConfigDirty();
    Event(LogLevel::kWarning, "+vote-for-leader", &m,
          m.leader + " " + std::to_string(m.leader_epoch));
    // Voting for another sentinel holds back our own attempt for this master.
    if (!EqualsIgnoreCaseAscii(m.leader, state_.myid)) {
      m.failover_start_time = now_ + static_cast<int64_t>(rng_.Below(kMaxDesyncMs));
    }
  }
  *leader_epoch = m.leader_epoch;
  return m.leader;
}

std::string SentinelNode::GetLeader(Master& m, uint64_t epoch) {
  std::map<std::string, uint64_t> counters;  // ordered: ties go to the smaller runid
  const uint64_t voters = m.sentinels.size() + 1;
  for (const auto& [runid, s] : m.sentinels) {
    if (!s.leader.empty() && s.leader_epoch == state_.current_epoch) counters[s.leader]++;
  }
  std::string winner;
  uint64_t max_votes = 0;
  for (const auto& [runid, votes] : counters) {
    if (votes > max_votes) {
      max_votes = votes;
      winner = runid;
    }
  }
  uint64_t leader_epoch = 0;
  const std::string myvote =
      VoteLeader(m, epoch, winner.empty() ? state_.myid : winner, &leader_epoch);
  if (!myvote.empty() && leader_epoch == epoch) {
    const uint64_t votes = ++counters[myvote];
    if (votes > max_votes) {
      max_votes = votes;
      winner = myvote;
    }
  }
  const uint64_t voters_quorum = voters / 2 + 1;
  if (!winner.empty() &&
      (max_votes < voters_quorum || max_votes < static_cast<uint64_t>(m.quorum))) {
    winner.clear();
  }
  return winner;
}

}  // namespace slotd::sentinel
