// Loading and rendering the sentinel directives of a config file.
#include "cluster/sentinel/sentinel_conf.h"

#include <cctype>
#include <charconv>

namespace slotd::sentinel {

namespace {

using Args = std::vector<std::string>;

// Leading integer like atoi/strtoll, which is what Redis uses when loading.
int64_t Atoll(std::string_view s) {
  int64_t v = 0;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  std::from_chars(s.data() + i, s.data() + s.size(), v);
  return v;
}

uint64_t Atoull(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Result<std::monostate> YesNo(const std::string& value, const char* what, bool& out) {
  const std::string v = Lower(value);
  if (v != "yes" && v != "no") {
    return Error{std::string("Please specify yes or no for the ") + what};
  }
  out = v == "yes";
  return std::monostate{};
}

bool ValidPort(int64_t port) { return port >= 0 && port <= 65535; }

// Without resolve-hostnames only IPs are addresses. With it a name is taken even when DNS does not
// know it yet (Redis keeps such records and resolves them again on every reconnect).
bool Resolvable(const SentinelState& st, const std::string& host) {
  return IsIpAddress(host) || (st.resolve_hostnames && !host.empty());
}

// Directives that name a master: `<directive> <master> ...`.
Result<std::monostate> ApplyMasterOption(SentinelState& st, Master& m, const std::string& d,
                                         const Args& a, int64_t now) {
  const size_t n = a.size();
  if (d == "down-after-milliseconds" && n == 3) {
    m.down_after_ms = Atoll(a[2]);
    if (m.down_after_ms <= 0) return Error{"negative or zero time parameter."};
    for (auto& [name, r] : m.replicas) r.down_after_ms = m.down_after_ms;
    for (auto& [name, s] : m.sentinels) s.down_after_ms = m.down_after_ms;
  } else if (d == "failover-timeout" && n == 3) {
    m.failover_timeout = Atoll(a[2]);
    if (m.failover_timeout <= 0) return Error{"negative or zero time parameter."};
  } else if (d == "parallel-syncs" && n == 3) {
    m.parallel_syncs = static_cast<int>(Atoll(a[2]));
  } else if (d == "notification-script" && n == 3) {
    m.notification_script = a[2];
  } else if (d == "client-reconfig-script" && n == 3) {
    m.client_reconfig_script = a[2];
  } else if (d == "auth-pass" && n == 3) {
    m.auth_pass = a[2];
  } else if (d == "auth-user" && n == 3) {
    m.auth_user = a[2];
  } else if (d == "config-epoch" && n == 3) {
    m.config_epoch = Atoull(a[2]);
    if (m.config_epoch > st.current_epoch) st.current_epoch = m.config_epoch;
  } else if (d == "leader-epoch" && n == 3) {
    m.leader_epoch = Atoull(a[2]);
  } else if ((d == "known-slave" || d == "known-replica") && n == 4) {
    const int64_t port = Atoll(a[3]);
    if (!ValidPort(port)) return Error{"Invalid port number."};
    if (!Resolvable(st, a[2])) return Error{"Can't resolve instance hostname."};
    Address addr{a[2], static_cast<int>(port)};
    if (!m.replicas.try_emplace(FormatAddress(addr), MakeReplica(m, FormatAddress(addr), addr, now))
             .second) {
      return Error{"Duplicate hostname and port for replica."};
    }
  } else if (d == "known-sentinel" && (n == 4 || n == 5)) {
    const int64_t port = Atoll(a[3]);
    if (n == 5) {  // without a run id the record could not be matched to hellos; Redis keeps none
      if (!ValidPort(port)) return Error{"Invalid port number."};
      if (!Resolvable(st, a[2])) return Error{"Can't resolve instance hostname."};
      Address addr{a[2], static_cast<int>(port)};
      if (!m.sentinels.try_emplace(a[4], MakeSentinel(m, a[4], addr, now)).second) {
        return Error{"Duplicate runid for sentinel."};
      }
    }
  } else if (d == "rename-command" && n == 4) {
    if (!m.renamed_commands.try_emplace(Lower(a[2]), a[3]).second) {
      return Error{"Same command renamed multiple times with rename-command."};
    }
  } else if (d == "master-reboot-down-after-period" && n == 3) {
    m.master_reboot_down_after_period = Atoll(a[2]);
    if (m.master_reboot_down_after_period < 0) return Error{"negative time parameter."};
  } else {
    return Error{"Unrecognized sentinel configuration statement."};
  }
  return std::monostate{};
}

}  // namespace

Result<std::monostate> ApplySentinelConfig(SentinelState& st, const Args& a, int64_t now) {
  if (a.empty()) return Error{"Unrecognized sentinel configuration statement."};
  const std::string d = Lower(a[0]);
  const size_t n = a.size();
  if (d == "monitor" && n == 5) {
    const int64_t quorum = Atoll(a[4]);
    const int64_t port = Atoll(a[3]);
    if (quorum <= 0) return Error{"Quorum must be 1 or greater."};
    if (!ValidPort(port)) return Error{"Invalid port number."};
    if (!Resolvable(st, a[2])) return Error{"Can't resolve instance hostname."};
    if (st.masters.count(a[1]) != 0) return Error{"Duplicate master name."};
    st.masters[a[1]] =
        MakeMaster(a[1], Address{a[2], static_cast<int>(port)}, static_cast<int>(quorum),
                   st.timings, now);
  } else if (d == "current-epoch" && n == 2) {
    const uint64_t epoch = Atoull(a[1]);
    if (epoch > st.current_epoch) st.current_epoch = epoch;
  } else if (d == "myid" && n == 2) {
    if (a[1].size() != 40) return Error{"Malformed Sentinel id in myid option."};
    st.myid = a[1];
  } else if (d == "announce-ip" && n == 2) {
    if (!a[1].empty()) st.announce_ip = a[1];
  } else if (d == "announce-port" && n == 2) {
    st.announce_port = static_cast<int>(Atoll(a[1]));
  } else if (d == "deny-scripts-reconfig" && n == 2) {
    return YesNo(a[1], "deny-scripts-reconfig options.", st.deny_scripts_reconfig);
  } else if (d == "resolve-hostnames" && n == 2) {
    return YesNo(a[1], "resolve-hostnames option.", st.resolve_hostnames);
  } else if (d == "announce-hostnames" && n == 2) {
    return YesNo(a[1], "announce-hostnames option.", st.announce_hostnames);
  } else if (d == "sentinel-user" && n == 2) {
    if (!a[1].empty()) st.sentinel_user = a[1];
  } else if (d == "sentinel-pass" && n == 2) {
    if (!a[1].empty()) st.sentinel_pass = a[1];
  } else if (n >= 3) {
    Master* m = st.FindMaster(a[1]);
    if (m == nullptr) return Error{"No such master with specified name."};
    return ApplyMasterOption(st, *m, d, a, now);
  } else {
    return Error{"Unrecognized sentinel configuration statement."};
  }
  return std::monostate{};
}

Result<std::monostate> ApplySentinelConfigLines(SentinelState& st, const std::vector<Args>& lines,
                                                int64_t now, size_t* failed_line) {
  // Redis queues directives: globals first, then every `monitor`, then per-master options.
  static constexpr const char* kPreMonitor[] = {
      "announce-ip",   "announce-port",     "deny-scripts-reconfig",
      "sentinel-user", "sentinel-pass",     "current-epoch",
      "myid",          "resolve-hostnames", "announce-hostnames"};
  auto phase = [](const Args& a) {
    if (a.empty()) return 2;
    const std::string d = Lower(a[0]);
    if (d == "monitor") return 1;
    for (const char* name : kPreMonitor) {
      if (d == name) return 0;
    }
    return 2;
  };
  for (int p = 0; p < 3; ++p) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (phase(lines[i]) != p) continue;
      Result<std::monostate> r = ApplySentinelConfig(st, lines[i], now);
      if (!r.ok()) {
        if (failed_line != nullptr) *failed_line = i;
        return r;
      }
    }
  }
  return std::monostate{};
}

namespace {

void RenderMaster(const SentinelState& st, const Master& m, std::string& out) {
  auto line = [&out, &m](std::string_view directive, const std::string& value) {
    out += "sentinel ";
    out += directive;
    out += ' ' + m.name + ' ' + value + '\n';
  };
  // During a failover past promotion the file already names the promoted replica.
  const Instance* promoted = m.promoted_replica();
  const bool promoted_is_master = promoted != nullptr && m.Has(kFlagFailoverInProgress) &&
                                  m.failover_state >= FailoverState::kReconfSlaves;
  const Address master_addr = promoted_is_master ? promoted->addr : m.addr;
  line("monitor",
       std::string(Announced(master_addr, st.announce_hostnames)) + " " +
           std::to_string(master_addr.port) + " " + std::to_string(m.quorum));
  if (m.down_after_ms != st.timings.default_down_after) {
    line("down-after-milliseconds", std::to_string(m.down_after_ms));
  }
  if (m.failover_timeout != st.timings.default_failover_timeout) {
    line("failover-timeout", std::to_string(m.failover_timeout));
  }
  if (m.parallel_syncs != kDefaultParallelSyncs) {
    line("parallel-syncs", std::to_string(m.parallel_syncs));
  }
  if (!m.notification_script.empty()) line("notification-script", m.notification_script);
  if (!m.client_reconfig_script.empty()) line("client-reconfig-script", m.client_reconfig_script);
  if (!m.auth_pass.empty()) line("auth-pass", m.auth_pass);
  if (!m.auth_user.empty()) line("auth-user", m.auth_user);
  if (m.master_reboot_down_after_period != 0) {
    line("master-reboot-down-after-period", std::to_string(m.master_reboot_down_after_period));
  }
  line("config-epoch", std::to_string(m.config_epoch));
  line("leader-epoch", std::to_string(m.leader_epoch));
  for (const auto& [name, r] : m.replicas) {
    // The promoted replica is the master now; its slot is taken by the old master.
    const Address& a = r.addr == master_addr ? m.addr : r.addr;
    line("known-replica",
         std::string(Announced(a, st.announce_hostnames)) + " " + std::to_string(a.port));
  }
  for (const auto& [runid, s] : m.sentinels) {
    if (s.runid.empty()) continue;
    line("known-sentinel", std::string(Announced(s.addr, st.announce_hostnames)) + " " +
                               std::to_string(s.addr.port) + " " + s.runid);
  }
  for (const auto& [from, to] : m.renamed_commands) line("rename-command", from + " " + to);
}

}  // namespace

std::string RenderSentinelConfig(const SentinelState& st) {
  std::string out;
  if (!st.myid.empty()) out += "sentinel myid " + st.myid + "\n";
  if (!st.deny_scripts_reconfig) out += "sentinel deny-scripts-reconfig no\n";
  if (st.resolve_hostnames) out += "sentinel resolve-hostnames yes\n";
  if (st.announce_hostnames) out += "sentinel announce-hostnames yes\n";
  for (const auto& [name, m] : st.masters) RenderMaster(st, m, out);
  out += "sentinel current-epoch " + std::to_string(st.current_epoch) + "\n";
  if (!st.announce_ip.empty()) out += "sentinel announce-ip " + st.announce_ip + "\n";
  if (st.announce_port != 0)
    out += "sentinel announce-port " + std::to_string(st.announce_port) + "\n";
  if (!st.sentinel_user.empty()) out += "sentinel sentinel-user " + st.sentinel_user + "\n";
  if (!st.sentinel_pass.empty()) out += "sentinel sentinel-pass " + st.sentinel_pass + "\n";
  return out;
}

}  // namespace slotd::sentinel
