// SentinelNode's timer: TILT detection, links, periodic PING/INFO/hello, SDOWN, and the per-master
// pipeline (ODOWN, failover start, state machine, asking the other sentinels) in a fixed order.
#include "cluster/sentinel/sentinel_node.h"

#include <algorithm>
#include <set>

#include "cluster/core/node_id.h"
#include "cluster/sentinel/sentinel_conf.h"

namespace slotd::sentinel {

SentinelNode::SentinelNode(SentinelState state, uint64_t seed, int64_t now)
    : state_(std::move(state)), rng_(seed), now_(now) {
  state_.previous_time = now;
}

void SentinelNode::Start(int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    if (state_.myid.empty()) {
      state_.myid = NodeId::Generate(rng_).str();
      MarkConfigDirty();
    }
    Log(LogLevel::kWarning, "Sentinel ID is " + state_.myid);
    ResolveConfiguredAddresses();
    for (auto& [name, m] : state_.masters) {
      Event(LogLevel::kWarning, "+monitor", &m,
            Describe(m, m) + " quorum " + std::to_string(m.quorum));
    }
  });
}

void SentinelNode::FlushIfDirty() {
  if (!config_dirty_ || out_ == nullptr) return;
  config_dirty_ = false;
  out_->push_back(SaveConfig{RenderSentinelConfig(state_)});
}

void SentinelNode::FlushConfig(int64_t now, Outbox& out) {
  WithInput(now, out, [&] { MarkConfigDirty(); });
}

void SentinelNode::Log(LogLevel level, std::string text) {
  out_->push_back(LogLine{level, std::move(text)});
}

void SentinelNode::Event(LogLevel level, std::string_view type, const Master* master,
                         std::string payload) {
  Log(level, std::string(type) + " " + payload);
  if (level == LogLevel::kWarning && master != nullptr && !master->notification_script.empty()) {
    out_->push_back(RunScript{master->notification_script, {std::string(type), payload}});
  }
  if (level != LogLevel::kDebug) out_->push_back(Publish{std::string(type), std::move(payload)});
}

Link& SentinelNode::LinkFor(const Address& addr) {
  auto [it, inserted] = state_.links.try_emplace(addr);
  if (inserted) ResetLinkTimers(it->second, now_);
  return it->second;
}

bool SentinelNode::Connected(const Address& addr) const {
  auto it = state_.links.find(addr);
  return it != state_.links.end() && it->second.connected;
}

void SentinelNode::Send(const Master& m, const Instance& ri, RequestKind kind,
                        std::vector<std::string> argv) {
  argv[0] = m.Command(argv[0]);  // rename-command covers every link of this master
  LinkFor(ri.addr).pending_commands++;
  out_->push_back(SendCommand{ri.addr, kind, m.name, std::move(argv)});
}

bool SentinelNode::SendReplicaOf(const Master& m, Instance& ri, const Address* target) {
  if (!Connected(ri.addr)) return false;
  std::string host = target ? std::string(Announce(*target)) : "NO";
  std::string port = target ? std::to_string(target->port) : "ONE";
  const RequestKind k = RequestKind::kReconfigure;
  Send(m, ri, k, {"MULTI"});
  Send(m, ri, k, {"SLAVEOF", std::move(host), std::move(port)});
  Send(m, ri, k, {"CONFIG", "REWRITE"});
  Send(m, ri, k, {"CLIENT", "KILL", "TYPE", "normal"});
  Send(m, ri, k, {"CLIENT", "KILL", "TYPE", "pubsub"});
  Send(m, ri, k, {"EXEC"});
  return true;
}

void SentinelNode::OnLinkUp(const Address& addr, int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    auto it = state_.links.find(addr);
    if (it == state_.links.end()) return;
    Link& link = it->second;
    link.connected = true;
    link.connecting = false;
    link.conn_time = now;
    link.pending_commands = 0;
    // Redis pings as soon as a link is set up; any record at this address supplies the name.
    for (auto& [name, m] : state_.masters) {
      const Instance* ri = nullptr;
      if (m.addr == addr) ri = &m;
      for (auto& [rname, r] : m.replicas) {
        if (ri == nullptr && r.addr == addr) ri = &r;
      }
      for (auto& [sname, s] : m.sentinels) {
        if (ri == nullptr && s.addr == addr) ri = &s;
      }
      if (ri != nullptr) {
        SendPing(m, *ri);
        return;
      }
    }
  });
}

void SentinelNode::OnLinkDown(const Address& addr, int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    auto it = state_.links.find(addr);
    if (it == state_.links.end()) return;
    it->second.connected = false;
    it->second.connecting = false;
    it->second.pending_commands = 0;
  });
}

void SentinelNode::ReconnectInstance(const Master& m, const Instance& ri) {
  Link& link = LinkFor(ri.addr);
  if (link.connected || link.connecting || ri.addr.port == 0) return;
  if (now_ - link.last_reconn_time < state_.timings.ping_period) return;
  link.last_reconn_time = now_;
  link.connecting = true;
  Connect c;
  c.addr = ri.addr;
  c.pubsub = ri.role != Role::kSentinel;
  c.auth_user = ri.role == Role::kSentinel ? state_.sentinel_user : m.auth_user;
  c.auth_pass = ri.role == Role::kSentinel ? state_.sentinel_pass : m.auth_pass;
  c.client_name = "sentinel-" + state_.myid.substr(0, 8);
  out_->push_back(std::move(c));
}

void SentinelNode::SendPing(const Master& m, const Instance& ri) {
  Send(m, ri, RequestKind::kPing, {"PING"});
  Link& link = LinkFor(ri.addr);
  link.last_ping_time = now_;
  if (link.act_ping_time == 0) link.act_ping_time = now_;
}

Address SentinelNode::CurrentMasterAddress(const Master& m) const {
  const Instance* promoted = m.promoted_replica();
  if (m.Has(kFlagFailoverInProgress) && promoted != nullptr &&
      m.failover_state >= FailoverState::kReconfSlaves) {
    return promoted->addr;
  }
  return m.addr;
}

void SentinelNode::SendHelloTo(Master& m, Instance& ri) {
  if (!Connected(ri.addr)) return;
  const Address master_addr = CurrentMasterAddress(m);
  SendHello h;
  h.to = ri.addr;
  h.master = m.name;
  h.publish_command = m.Command("PUBLISH");
  h.hello.sentinel_ip = state_.announce_ip;
  h.hello.sentinel_port = state_.announce_port;  // 0: the host's own port
  h.hello.sentinel_runid = state_.myid;
  h.hello.current_epoch = state_.current_epoch;
  h.hello.master_name = m.name;
  h.hello.master_ip = Announce(master_addr);
  h.hello.master_port = master_addr.port;
  h.hello.master_config_epoch = m.config_epoch;
  LinkFor(ri.addr).pending_commands++;
  out_->push_back(std::move(h));
}

void SentinelNode::SendPeriodicCommands(Master& m, Instance& ri) {
  Link& link = LinkFor(ri.addr);
  if (!link.connected) return;
  if (link.pending_commands >= kMaxPendingCommands) return;
  const bool fast_info =
      ri.role == Role::kReplica &&
      (m.Has(kFlagODown | kFlagFailoverInProgress) || ri.master_link_down_time != 0);
  const int64_t info_period = fast_info ? state_.timings.ping_period : state_.timings.info_period;
  const int64_t ping_period = std::min(ri.down_after_ms, state_.timings.ping_period);
  if (ri.role != Role::kSentinel &&
      (ri.info_refresh == 0 || now_ - ri.info_refresh > info_period)) {
    Send(m, ri, RequestKind::kInfo, {"INFO"});
  }
  if (now_ - link.last_pong_time > ping_period && now_ - link.last_ping_time > ping_period / 2) {
    SendPing(m, ri);
  }
  if (now_ - ri.last_pub_time > state_.timings.publish_period) SendHelloTo(m, ri);
}

void SentinelNode::CheckSubjectivelyDown(Master& m, Instance& ri) {
  Link& link = LinkFor(ri.addr);
  int64_t elapsed = 0;
  if (link.act_ping_time != 0) {
    elapsed = now_ - link.act_ping_time;
  } else if (!link.connected) {
    elapsed = now_ - link.last_avail_time;
  }
  // A link that stays idle though connected for long is reconnected (it may be half-open).
  if (link.connected && now_ - link.conn_time > state_.timings.min_link_reconnect_period &&
      link.act_ping_time != 0 && now_ - link.act_ping_time > ri.down_after_ms / 2 &&
      now_ - link.last_pong_time > ri.down_after_ms / 2) {
    link.connected = false;
    link.pending_commands = 0;
    out_->push_back(Disconnect{ri.addr});
  }
  const bool master_claims_replica =
      ri.role == Role::kMaster && ri.role_reported == Role::kReplica &&
      now_ - ri.role_reported_time > ri.down_after_ms + state_.timings.info_period * 2;
  const bool reboot_down = ri.role == Role::kMaster && ri.Has(kFlagMasterReboot) &&
                           now_ - m.master_reboot_since_time > m.master_reboot_down_after_period;
  if (elapsed > ri.down_after_ms || master_claims_replica || reboot_down) {
    if (!ri.Has(kFlagSDown)) {
      Event(LogLevel::kWarning, "+sdown", &m, Describe(m, ri));
      ri.s_down_since = now_;
      ri.flags |= kFlagSDown;
    }
  } else if (ri.Has(kFlagSDown)) {
    Event(LogLevel::kWarning, "-sdown", &m, Describe(m, ri));
    ri.flags &= ~(kFlagSDown | kFlagScriptKillSent);
  }
}

void SentinelNode::HandleInstance(Master& m, Instance& ri) {
  ReconnectInstance(m, ri);
  SendPeriodicCommands(m, ri);
  if (state_.tilt) {
    if (now_ - state_.tilt_start_time < state_.timings.tilt_period) return;
    state_.tilt = false;
    Event(LogLevel::kWarning, "-tilt", nullptr, "#tilt mode exited");
  }
  CheckSubjectivelyDown(m, ri);
  if (ri.role == Role::kMaster) {
    CheckObjectivelyDown(m);
    if (StartFailoverIfNeeded(m)) AskMasterStateToOtherSentinels(m, true);
    FailoverStateMachine(m);
    AskMasterStateToOtherSentinels(m, false);
  }
}

void SentinelNode::CheckTilt() {
  const int64_t delta = now_ - state_.previous_time;
  if (delta < 0 || delta > state_.timings.tilt_trigger) {
    state_.tilt = true;
    state_.tilt_start_time = now_;
    Event(LogLevel::kWarning, "+tilt", nullptr, "#tilt mode entered");
  }
  state_.previous_time = now_;
}

void SentinelNode::CollectUnusedLinks() {
  std::set<Address> used;
  for (const auto& [name, m] : state_.masters) {
    used.insert(m.addr);
    for (const auto& [rname, r] : m.replicas) used.insert(r.addr);
    for (const auto& [sname, s] : m.sentinels) used.insert(s.addr);
  }
  for (auto it = state_.links.begin(); it != state_.links.end();) {
    if (used.count(it->first) != 0) {
      ++it;
      continue;
    }
    if (it->second.connected || it->second.connecting) out_->push_back(Disconnect{it->first});
    it = state_.links.erase(it);
  }
}

void SentinelNode::ForceHelloUpdate(Master& m) {
  const int64_t step = state_.timings.publish_period + 1;
  auto force = [step](Instance& ri) {
    if (ri.last_pub_time >= step) ri.last_pub_time -= step;
  };
  force(m);
  for (auto& [name, r] : m.replicas) force(r);
  for (auto& [name, s] : m.sentinels) force(s);
}

void SentinelNode::Tick(int64_t now, Outbox& out) {
  WithInput(now, out, [&] {
    CheckTilt();
    std::vector<std::string> to_switch;
    for (auto& [name, m] : state_.masters) {
      HandleInstance(m, m);
      for (auto& [rname, r] : m.replicas) HandleInstance(m, r);
      for (auto& [sname, s] : m.sentinels) HandleInstance(m, s);
      if (m.failover_state == FailoverState::kUpdateConfig) to_switch.push_back(name);
    }
    for (const std::string& name : to_switch) {
      if (Master* m = state_.FindMaster(name)) SwitchToPromotedReplica(*m);
    }
    CollectUnusedLinks();
  });
}

}  // namespace slotd::sentinel
