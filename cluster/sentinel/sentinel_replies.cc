// SentinelNode's inputs from the network: PING/INFO/IS-MASTER-DOWN replies, hello messages, and
// what they imply (discovery of replicas and sentinels, role changes, epoch and address updates).
#include <algorithm>

#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sentinel {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Instance* SentinelNode::FindInstanceAt(Master& m, const Address& addr, bool include_sentinels) {
  if (m.addr == addr) return &m;
  if (Instance* r = FindReplica(m, addr)) return r;
  if (include_sentinels) {
    for (auto& [runid, s] : m.sentinels) {
      if (s.addr == addr) return &s;
    }
  }
  return nullptr;
}

Instance* SentinelNode::FindReplica(Master& m, const Address& addr) {
  auto it = m.replicas.find(ReplicaName(addr));
  if (it != m.replicas.end() && it->second.addr == addr) return &it->second;
  for (auto& [name, r] : m.replicas) {  // named in another form (announce-hostnames changed)
    if (SameInstance(r.addr, addr)) return &r;
  }
  return nullptr;
}

bool SentinelNode::NoDownFor(const Instance& ri, int64_t ms) const {
  const int64_t most_recent = std::max(ri.s_down_since, ri.o_down_since);
  return most_recent == 0 || now_ - most_recent > ms;
}

void SentinelNode::OnReply(const Address& from, RequestKind kind, std::string_view master,
                           const Reply& reply, int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    auto link = state_.links.find(from);
    if (link != state_.links.end() && link->second.pending_commands > 0) {
      link->second.pending_commands--;
    }
    if (kind == RequestKind::kPing) return OnPingReply(from, reply);
    Master* m = state_.FindMaster(master);
    if (m == nullptr) return;
    if (kind == RequestKind::kInfo) {
      if (Instance* ri = FindInstanceAt(*m, from, false)) OnInfoReply(*m, *ri, reply);
    } else if (kind == RequestKind::kHello) {
      if (reply.type == Reply::Type::kError) return;
      if (Instance* ri = FindInstanceAt(*m, from, true)) ri->last_pub_time = now_;
    } else if (kind == RequestKind::kIsMasterDown) {
      OnIsMasterDownReply(*m, from, reply);
    }
  });
}

void SentinelNode::OnPingReply(const Address& from, const Reply& reply) {
  auto it = state_.links.find(from);
  if (it == state_.links.end()) return;
  Link& link = it->second;
  if (reply.type == Reply::Type::kStatus || reply.type == Reply::Type::kError) {
    const std::string& s = reply.str;
    if (StartsWith(s, "PONG") || StartsWith(s, "LOADING") || StartsWith(s, "MASTERDOWN")) {
      link.last_avail_time = now_;
      link.act_ping_time = 0;
    }
    for (auto& [name, m] : state_.masters) {
      Instance* ri = FindInstanceAt(m, from, false);
      if (ri == nullptr) continue;
      if (StartsWith(s, "PONG")) ri->flags &= ~kFlagMasterReboot;
      // A script keeps a down instance busy: kill it once (SCRIPT KILL).
      if (StartsWith(s, "BUSY") && ri->Has(kFlagSDown) && !ri->Has(kFlagScriptKillSent)) {
        Send(m, *ri, RequestKind::kScriptKill, {"SCRIPT", "KILL"});
        ri->flags |= kFlagScriptKillSent;
      }
    }
  }
  link.last_pong_time = now_;
}

void SentinelNode::OnInfoReply(Master& m, Instance& ri, const Reply& reply) {
  if (reply.type != Reply::Type::kString) return;
  RefreshInstanceInfo(m, ri, ParseInstanceInfo(reply.str));
  ri.info = reply.str;
}

void SentinelNode::RefreshInstanceInfo(Master& m, Instance& ri, const InstanceInfo& info) {
  ri.master_link_down_time = 0;
  if (info.run_id && ri.runid != *info.run_id) {
    if (!ri.runid.empty()) {
      Event(LogLevel::kNotice, "+reboot", &m, Describe(m, ri));
      if (ri.role == Role::kMaster && m.master_reboot_down_after_period != 0) {
        ri.flags |= kFlagMasterReboot;
        m.master_reboot_since_time = now_;
      }
    }
    ri.runid = *info.run_id;
  }
  if (ri.role == Role::kMaster) {
    for (const Address& reported : info.replicas) {
      if (FindReplica(m, reported) != nullptr) continue;
      const Address addr = MakeAddress(reported.host, reported.port);
      auto [it, added] =
          m.replicas.try_emplace(ReplicaName(addr), MakeReplica(m, ReplicaName(addr), addr, now_));
      if (!added) continue;
      Event(LogLevel::kNotice, "+slave", &m, Describe(m, it->second));
      MarkConfigDirty();
    }
  }
  if (info.master_link_down_ms) ri.master_link_down_time = *info.master_link_down_ms;
  const Role role = info.role.value_or(ri.role_reported);
  if (role == Role::kReplica) {
    if (info.master_host && !EqualsIgnoreCaseAscii(ri.slave_master_host, *info.master_host)) {
      ri.slave_master_host = *info.master_host;
      ri.slave_conf_change_time = now_;
    }
    if (info.master_port && ri.slave_master_port != *info.master_port) {
      ri.slave_master_port = *info.master_port;
      ri.slave_conf_change_time = now_;
    }
    if (info.master_link_up) ri.slave_master_link_up = *info.master_link_up;
    if (info.slave_priority) ri.slave_priority = *info.slave_priority;
    if (info.slave_repl_offset) ri.slave_repl_offset = *info.slave_repl_offset;
    if (info.replica_announced) ri.replica_announced = *info.replica_announced;
  }
  ri.info_refresh = now_;
  if (role != ri.role_reported) {
    ri.role_reported_time = now_;
    ri.role_reported = role;
    if (role == Role::kReplica) ri.slave_conf_change_time = now_;
    Event(
        LogLevel::kVerbose, ri.role == role ? "+role-change" : "-role-change", &m,
        Describe(m, ri) + " new reported role is " + (role == Role::kMaster ? "master" : "slave"));
  }
  if (state_.tilt) return;
  ActOnReportedRole(m, ri, role);
}

void SentinelNode::ActOnReportedRole(Master& m, Instance& ri, Role role) {
  if (ri.role == Role::kReplica && role == Role::kMaster) {
    if (ri.Has(kFlagPromoted) && m.Has(kFlagFailoverInProgress) &&
        m.failover_state == FailoverState::kWaitPromotion) {
      m.config_epoch = m.failover_epoch;
      m.failover_state = FailoverState::kReconfSlaves;
      m.failover_state_change_time = now_;
      MarkConfigDirty();
      Event(LogLevel::kWarning, "+promoted-slave", &m, Describe(m, ri));
      if (state_.simfailure_flags & kSimFailureCrashAfterPromotion) SimulatedCrash();
      Event(LogLevel::kWarning, "+failover-state-reconf-slaves", &m, Describe(m, m));
      CallClientReconfScript(m, "leader", m.addr, ri.addr);
      ForceHelloUpdate(m);
    } else {
      // A replica claiming to be a master (an old master back from the dead) is turned back.
      const int64_t wait_time = state_.timings.publish_period * 4;
      if (!ri.Has(kFlagPromoted) && MasterLooksSane(m) && NoDownFor(ri, wait_time) &&
          now_ - ri.role_reported_time > wait_time) {
        if (SendReplicaOf(m, ri, &m.addr)) {
          Event(LogLevel::kNotice, "+convert-to-slave", &m, Describe(m, ri));
        }
      }
    }
  }
  if (ri.role == Role::kReplica && role == Role::kReplica &&
      (ri.slave_master_port != m.addr.port ||
       !AddressIsHost(m.addr, ri.slave_master_host))) {
    const int64_t wait_time = m.failover_timeout;
    if (MasterLooksSane(m) && NoDownFor(ri, wait_time) &&
        now_ - ri.slave_conf_change_time > wait_time) {
      if (SendReplicaOf(m, ri, &m.addr)) {
        Event(LogLevel::kNotice, "+fix-slave-config", &m, Describe(m, ri));
      }
    }
  }
  if (ri.role == Role::kReplica && role == Role::kReplica &&
      ri.Has(kFlagReconfSent | kFlagReconfInprog)) {
    TrackReconfProgress(m, ri);
  }
}

void SentinelNode::TrackReconfProgress(Master& m, Instance& ri) {
  const Instance* promoted = m.promoted_replica();
  if (ri.Has(kFlagReconfSent) && promoted != nullptr && !ri.slave_master_host.empty() &&
      AddressIsHost(promoted->addr, ri.slave_master_host) &&
      ri.slave_master_port == promoted->addr.port) {
    ri.flags &= ~kFlagReconfSent;
    ri.flags |= kFlagReconfInprog;
    Event(LogLevel::kNotice, "+slave-reconf-inprog", &m, Describe(m, ri));
  }
  if (ri.Has(kFlagReconfInprog) && ri.slave_master_link_up) {
    ri.flags &= ~kFlagReconfInprog;
    ri.flags |= kFlagReconfDone;
    Event(LogLevel::kNotice, "+slave-reconf-done", &m, Describe(m, ri));
  }
}

void SentinelNode::OnIsMasterDownReply(Master& m, const Address& from, const Reply& reply) {
  Instance* s = nullptr;
  for (auto& [runid, candidate] : m.sentinels) {
    if (candidate.addr == from) s = &candidate;
  }
  if (s == nullptr) return;
  const auto& e = reply.elements;
  if (reply.type != Reply::Type::kArray || e.size() != 3 || e[0].type != Reply::Type::kInteger ||
      e[1].type != Reply::Type::kString || e[2].type != Reply::Type::kInteger) {
    return;  // any other reply is ignored; the flag then expires with its validity
  }
  s->last_master_down_reply_time = now_;
  if (e[0].integer == 1) {
    s->flags |= kFlagMasterDown;
  } else {
    s->flags &= ~kFlagMasterDown;
  }
  if (e[1].str != "*") {
    const uint64_t epoch = static_cast<uint64_t>(e[2].integer);
    if (s->leader_epoch != epoch) {
      Log(LogLevel::kWarning, s->name + " voted for " + e[1].str + " " + std::to_string(epoch));
    }
    s->leader = e[1].str;
    s->leader_epoch = epoch;
  }
}

void SentinelNode::OnHello(std::string_view payload, int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    if (payload.find(state_.myid) != std::string_view::npos) return;
    Result<Hello> hello = ParseHello(payload);
    if (hello.ok()) ProcessHello(*hello);
  });
}

void SentinelNode::UpdateSentinelAddressInAllMasters(Master& m, const Instance& si) {
  int updated = 0;
  for (auto& [name, other_master] : state_.masters) {
    auto it = other_master.sentinels.find(si.runid);
    if (&other_master == &m || it == other_master.sentinels.end()) continue;
    it->second.addr = si.addr;
    ++updated;
  }
  if (updated > 0) {
    Event(LogLevel::kNotice, "+sentinel-address-update", &m,
          Describe(m, si) + " " + std::to_string(updated) + " additional matching instances");
  }
}

void SentinelNode::ProcessHello(const Hello& h) {
  Master* m = state_.FindMaster(h.master_name);
  if (m == nullptr) return;
  const Address saddr{h.sentinel_ip, h.sentinel_port};
  auto known = m->sentinels.find(h.sentinel_runid);
  if (known == m->sentinels.end() || !(known->second.addr == saddr)) {
    const bool removed = m->sentinels.erase(h.sentinel_runid) != 0;
    if (removed) {
      Event(LogLevel::kNotice, "+sentinel-address-switch", m,
            Describe(*m, *m) + " ip " + h.sentinel_ip + " port " + std::to_string(h.sentinel_port) +
                " for " + h.sentinel_runid);
    } else {
      std::string other;
      for (auto& [runid, s] : m->sentinels) {
        if (s.addr == saddr) other = runid;
      }
      if (!other.empty()) {
        // Another run id claims this address: the old record is parked on port 0 everywhere.
        Instance& stale = m->sentinels[other];
        Event(LogLevel::kNotice, "+sentinel-invalid-addr", m, Describe(*m, stale));
        stale.addr.port = 0;
        UpdateSentinelAddressInAllMasters(*m, stale);
      }
    }
    Instance& s = m->sentinels[h.sentinel_runid] =
        MakeSentinel(*m, h.sentinel_runid, MakeAddress(saddr.host, saddr.port), now_);
    if (!removed) Event(LogLevel::kNotice, "+sentinel", m, Describe(*m, s));
    if (removed) UpdateSentinelAddressInAllMasters(*m, s);
    MarkConfigDirty();
  }
  if (h.current_epoch > state_.current_epoch) {
    state_.current_epoch = h.current_epoch;
    MarkConfigDirty();
    Event(LogLevel::kWarning, "+new-epoch", m, std::to_string(state_.current_epoch));
  }
  Instance& si = m->sentinels[h.sentinel_runid];
  if (m->config_epoch < h.master_config_epoch) {
    m->config_epoch = h.master_config_epoch;
    MarkConfigDirty();
    if (h.master_port != m->addr.port || !AddressIsHost(m->addr, h.master_ip)) {
      Event(LogLevel::kWarning, "+config-update-from", m, Describe(*m, si));
      Event(LogLevel::kWarning, "+switch-master", m,
            m->name + " " + std::string(Announce(m->addr)) + " " + std::to_string(m->addr.port) +
                " " + h.master_ip + " " + std::to_string(h.master_port));
      const Address old_addr = m->addr;
      ResetMasterAndChangeAddress(*m, MakeAddress(h.master_ip, h.master_port));
      CallClientReconfScript(*m, "observer", old_addr, m->addr);
    }
  }
  m->sentinels[h.sentinel_runid].last_hello_time = now_;
}

void SentinelNode::ResetMaster(Master& m, bool keep_sentinels, bool event) {
  m.replicas.clear();
  if (!keep_sentinels) m.sentinels.clear();
  Link& link = LinkFor(m.addr);
  if (link.connected || link.connecting) out_->push_back(Disconnect{m.addr});
  link.connected = false;
  link.connecting = false;
  link.pending_commands = 0;
  ResetLinkTimers(link, now_);
  m.flags = 0;
  m.leader.clear();
  m.failover_state = FailoverState::kNone;
  m.failover_state_change_time = 0;
  m.failover_start_time = 0;
  m.promoted.clear();
  m.runid.clear();
  m.slave_master_host.clear();
  m.role_reported = Role::kMaster;
  m.role_reported_time = now_;
  if (event) Event(LogLevel::kWarning, "+reset-master", &m, Describe(m, m));
}

void SentinelNode::ResetMasterAndChangeAddress(Master& m, const Address& addr) {
  std::vector<Address> replicas;
  for (const auto& [name, r] : m.replicas) {
    if (!SameInstance(r.addr, addr)) replicas.push_back(r.addr);
  }
  if (!SameInstance(addr, m.addr)) replicas.push_back(m.addr);
  ResetMaster(m, true, false);
  m.addr = addr;
  m.o_down_since = 0;
  m.s_down_since = 0;
  for (const Address& a : replicas) {
    auto [it, added] =
        m.replicas.try_emplace(ReplicaName(a), MakeReplica(m, ReplicaName(a), a, now_));
    if (added) Event(LogLevel::kNotice, "+slave", &m, Describe(m, it->second));
  }
  MarkConfigDirty();
}

void SentinelNode::CallClientReconfScript(const Master& m, const char* role, const Address& from,
                                          const Address& to) {
  if (m.client_reconfig_script.empty()) return;
  out_->push_back(RunScript{
      m.client_reconfig_script,
      {m.name, role, "start", std::string(Announce(from)), std::to_string(from.port),
       std::string(Announce(to)), std::to_string(to.port)}});
}

}  // namespace slotd::sentinel
