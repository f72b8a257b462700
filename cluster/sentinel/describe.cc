// Field lists of sentinelReplyInstance and the INFO sentinel section.
#include "cluster/sentinel/describe.h"

namespace slotd::sentinel {

namespace {

int LinkRefcount(const SentinelState& st, const Address& addr) {
  int refs = 0;
  for (const auto& [name, m] : st.masters) {
    refs += m.addr == addr ? 1 : 0;
    for (const auto& [rn, r] : m.replicas) refs += r.addr == addr ? 1 : 0;
    for (const auto& [sn, s] : m.sentinels) refs += s.addr == addr ? 1 : 0;
  }
  return refs;
}

FieldList DescribeInstance(const SentinelState& st, const Master& m, const Instance& ri,
                           int64_t now) {
  FieldList f;
  auto add = [&f](const char* key, std::string value) { f.emplace_back(key, std::move(value)); };
  auto num = [&add](const char* key, int64_t v) { add(key, std::to_string(v)); };
  Link link;
  if (auto it = st.links.find(ri.addr); it != st.links.end()) {
    link = it->second;
  } else {
    ResetLinkTimers(link, now);  // not created yet (before the first tick): as if created now
  }
  add("name", ri.name);
  add("ip", std::string(Announced(ri.addr, st.announce_hostnames)));
  num("port", ri.addr.port);
  add("runid", ri.runid);
  add("flags", FlagsString(ri, link.connected));
  num("link-pending-commands", link.pending_commands);
  num("link-refcount", LinkRefcount(st, ri.addr));
  if (ri.Has(kFlagFailoverInProgress)) add("failover-state", FailoverStateName(m.failover_state));
  num("last-ping-sent", link.act_ping_time ? now - link.act_ping_time : 0);
  num("last-ok-ping-reply", now - link.last_avail_time);
  num("last-ping-reply", now - link.last_pong_time);
  if (ri.Has(kFlagSDown)) num("s-down-time", now - ri.s_down_since);
  if (ri.Has(kFlagODown)) num("o-down-time", now - ri.o_down_since);
  num("down-after-milliseconds", ri.down_after_ms);
  if (ri.role != Role::kSentinel) {
    num("info-refresh", ri.info_refresh ? now - ri.info_refresh : 0);
    add("role-reported", ri.role_reported == Role::kMaster ? "master" : "slave");
    num("role-reported-time", now - ri.role_reported_time);
  }
  if (ri.role == Role::kMaster) {
    num("config-epoch", static_cast<int64_t>(m.config_epoch));
    num("num-slaves", static_cast<int64_t>(m.replicas.size()));
    num("num-other-sentinels", static_cast<int64_t>(m.sentinels.size()));
    num("quorum", m.quorum);
    num("failover-timeout", m.failover_timeout);
    num("parallel-syncs", m.parallel_syncs);
    if (!m.notification_script.empty()) add("notification-script", m.notification_script);
    if (!m.client_reconfig_script.empty()) add("client-reconfig-script", m.client_reconfig_script);
  } else if (ri.role == Role::kReplica) {
    num("master-link-down-time", ri.master_link_down_time);
    add("master-link-status", ri.slave_master_link_up ? "ok" : "err");
    add("master-host", ri.slave_master_host.empty() ? "?" : ri.slave_master_host);
    num("master-port", ri.slave_master_port);
    num("slave-priority", ri.slave_priority);
    add("slave-repl-offset", std::to_string(ri.slave_repl_offset));
    num("replica-announced", ri.replica_announced ? 1 : 0);
  } else {
    num("last-hello-message", now - ri.last_hello_time);
    add("voted-leader", ri.leader.empty() ? "?" : ri.leader);
    num("voted-leader-epoch", static_cast<int64_t>(ri.leader_epoch));
  }
  return f;
}

}  // namespace

FieldList DescribeMaster(const SentinelState& st, const Master& m, int64_t now) {
  return DescribeInstance(st, m, m, now);
}

std::vector<FieldList> DescribeReplicas(const SentinelState& st, const Master& m, int64_t now) {
  std::vector<FieldList> out;
  for (const auto& [name, r] : m.replicas) {
    if (r.replica_announced) out.push_back(DescribeInstance(st, m, r, now));
  }
  return out;
}

std::vector<FieldList> DescribeSentinels(const SentinelState& st, const Master& m, int64_t now) {
  std::vector<FieldList> out;
  for (const auto& [runid, s] : m.sentinels) out.push_back(DescribeInstance(st, m, s, now));
  return out;
}

std::vector<FieldList> DescribeMasters(const SentinelState& st, int64_t now) {
  std::vector<FieldList> out;
  for (const auto& [name, m] : st.masters) out.push_back(DescribeMaster(st, m, now));
  return out;
}

std::string InfoSentinelSection(const SentinelState& st, int64_t now, int running_scripts,
                                int queued_scripts) {
  std::string s = "# Sentinel\r\n";
  s += "sentinel_masters:" + std::to_string(st.masters.size()) + "\r\n";
  s += "sentinel_tilt:" + std::string(st.tilt ? "1" : "0") + "\r\n";
  s += "sentinel_tilt_since_seconds:" +
       std::to_string(st.tilt ? (now - st.tilt_start_time) / 1000 : -1) + "\r\n";
  s += "sentinel_running_scripts:" + std::to_string(running_scripts) + "\r\n";
  s += "sentinel_scripts_queue_length:" + std::to_string(queued_scripts) + "\r\n";
  s += "sentinel_simulate_failure_flags:" + std::to_string(st.simfailure_flags) + "\r\n";
  int i = 0;
  for (const auto& [name, m] : st.masters) {
    const char* status = m.Has(kFlagODown) ? "odown" : m.Has(kFlagSDown) ? "sdown" : "ok";
    s += "master" + std::to_string(i++) + ":name=" + name + ",status=" + status +
         ",address=" + std::string(Announced(m.addr, st.announce_hostnames)) + ":" +
         std::to_string(m.addr.port) + ",slaves=" + std::to_string(m.replicas.size()) +
         ",sentinels=" + std::to_string(m.sentinels.size() + 1) + "\r\n";
  }
  return s;
}

}  // namespace slotd::sentinel
