// Coordinated failover, the master's half (Redis 6.2+ FAILOVER): writes are paused, the target replica
// catches up with our offset, we turn into its replica and ask it with PSYNC <replid> <offset> FAILOVER
// to take over; its +CONTINUE ends the failover (the replica's half is in Replication::Psync).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

#include "server/app/client_pause.h"
#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/replication/replication.h"
#include "server/resp/errors.h"

namespace slotd {

std::string Replication::ReplicaIp(const ReplicaEntry& entry) const {
  if (!entry.announce_ip.empty()) return entry.announce_ip;
  return entry.client->addr.substr(0, entry.client->addr.rfind(':'));
}

// findReplica: the address a replica announced (or connected from) and its listening port.
Replication::ReplicaEntry* Replication::FindReplicaByAddress(std::string_view host, int port) {
  for (auto& entry : entries_) {
    if (entry->state == ReplicaState::kNotAttached || entry->listening_port != port) continue;
    std::string ip = ReplicaIp(*entry);
    if (ip.size() == host.size() &&
        std::equal(ip.begin(), ip.end(), host.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return entry.get();
    }
  }
  return nullptr;
}

std::string_view Replication::StartFailover(const FailoverRequest& request) {
  if (failover_state_ != FailoverState::kNone) return errors::kFailoverRunning;
  if (is_replica()) return errors::kFailoverOnReplica;
  bool any = std::any_of(entries_.begin(), entries_.end(),
                         [](const auto& e) { return e->state != ReplicaState::kNotAttached; });
  if (!any) return errors::kFailoverNoReplicas;
  if (request.force && (request.timeout_ms == 0 || request.host.empty())) return errors::kFailoverForce;
  if (!request.host.empty()) {
    ReplicaEntry* target = FindReplicaByAddress(request.host, request.port);
    if (target == nullptr) return errors::kFailoverNotReplica;
    if (target->state != ReplicaState::kOnline) return errors::kFailoverNotOnline;
    failover_host_ = request.host;
    failover_port_ = request.port;
    Log(LogLevel::kNotice, "FAILOVER requested to %s:%d.", request.host.c_str(), request.port);
  } else {
    Log(LogLevel::kNotice, "FAILOVER requested to any replica.");
  }
  failover_end_ms_ = request.timeout_ms > 0 ? server_.now_ms + request.timeout_ms : 0;
  failover_force_ = request.force;
  failover_state_ = FailoverState::kWaitForSync;
  if (server_.pause != nullptr) {
    server_.pause->Pause(PausePurpose::kFailover, INT64_MAX, PauseKind::kWrite);
  }
  return {};
}

bool Replication::AbortFailover(const char* reason) {
  if (failover_state_ == FailoverState::kNone) return false;
  if (failover_host_.empty()) {
    Log(LogLevel::kNotice, "FAILOVER to any replica aborted: %s", reason);
  } else {
    Log(LogLevel::kNotice, "FAILOVER to %s:%d aborted: %s", failover_host_.c_str(), failover_port_,
        reason);
  }
  if (failover_state_ == FailoverState::kInProgress) UnsetMaster(nullptr);
  ClearFailover();
  return true;
}

void Replication::ClearFailover() {
  failover_state_ = FailoverState::kNone;
  failover_end_ms_ = 0;
  failover_force_ = false;
  failover_host_.clear();
  failover_port_ = 0;
  if (server_.pause != nullptr) server_.pause->Unpause(PausePurpose::kFailover);
}

const char* Replication::failover_state_name() const {
  switch (failover_state_) {
    case FailoverState::kNone: return "no-failover";
    case FailoverState::kWaitForSync: return "waiting-for-sync";
    case FailoverState::kInProgress: return "failover-in-progress";
  }
  return "unknown";
}

// Every cron tick while waiting: the timeout, then whether the target has acknowledged everything.
void Replication::UpdateFailover() {
  if (failover_state_ != FailoverState::kWaitForSync) return;
  if (failover_end_ms_ != 0 && failover_end_ms_ <= server_.now_ms) {
    if (!failover_force_) {
      AbortFailover("Replica never caught up before timeout");
      return;
    }
    Log(LogLevel::kNotice, "FAILOVER to %s:%d time out exceeded, failing over.",
        failover_host_.c_str(), failover_port_);
  } else {
    ReplicaEntry* caught_up = nullptr;
    if (!failover_host_.empty()) {
      caught_up = FindReplicaByAddress(failover_host_, failover_port_);
    } else {
      for (auto& entry : entries_) {
        if (entry->state == ReplicaState::kNotAttached || entry->ack_offset != master_repl_offset_) {
          continue;
        }
        caught_up = entry.get();
        failover_host_ = ReplicaIp(*entry);
        failover_port_ = entry->listening_port;
        break;
      }
    }
    if (caught_up == nullptr || caught_up->ack_offset != master_repl_offset_) return;
    Log(LogLevel::kNotice, "Failover target %s:%d is synced, failing over.", failover_host_.c_str(),
        failover_port_);
  }
  failover_state_ = FailoverState::kInProgress;
  std::string host = failover_host_;  // BecomeReplicaOf may drop entries that reference it
  BecomeReplicaOf(host, failover_port_);
}

void Replication::OnFailoverPsync(bool accepted) {
  if (accepted) {
    ClearFailover();
  } else {
    AbortFailover("Failover target rejected psync request");
  }
}

}  // namespace slotd
