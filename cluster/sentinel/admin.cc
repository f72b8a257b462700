// SENTINEL subcommands as typed inputs: MONITOR, REMOVE, SET, FAILOVER, RESET, CKQUORUM,
// IS-MASTER-DOWN-BY-ADDR, GET-MASTER-ADDR-BY-NAME. Error texts are Redis 7.0's.
#include <cctype>
#include <charconv>

#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sentinel {

namespace {

constexpr const char* kNoSuchMaster = "ERR No such master with that name";

// Redis's string2ll: optional '-', digits, no spaces or '+', no overflow.
bool ParseLongLong(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 20 || s[0] == '+') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Glob matching as Redis's stringmatch (*, ?, [set], [^set], [a-z], backslash escapes).
bool GlobMatch(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p[0] == '*') {
      while (p.size() > 1 && p[1] == '*') p.remove_prefix(1);
      if (p.size() == 1) return true;
      for (size_t i = 0; i <= s.size(); ++i) {
        if (GlobMatch(p.substr(1), s.substr(i))) return true;
      }
      return false;
    }
    if (s.empty()) return false;
    if (p[0] == '?') {
      // any one char
    } else if (p[0] == '[') {
      size_t i = 1;
      const bool negate = i < p.size() && p[i] == '^';
      if (negate) ++i;
      bool match = false;
      for (; i < p.size() && p[i] != ']'; ++i) {
        if (p[i] == '\\' && i + 1 < p.size()) {
          match |= p[++i] == s[0];
        } else if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
          char lo = p[i], hi = p[i + 2];
          if (lo > hi) std::swap(lo, hi);
          match |= s[0] >= lo && s[0] <= hi;
          i += 2;
        } else {
          match |= p[i] == s[0];
        }
      }
      if (negate) match = !match;
      if (!match) return false;
      p.remove_prefix(i < p.size() ? i : p.size() - 1);
    } else {
      if (p[0] == '\\' && p.size() > 1) p.remove_prefix(1);
      if (p[0] != s[0]) return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

Error BadSetArgument(std::string_view value, std::string_view option) {
  return Error{"ERR Invalid argument '" + std::string(value) + "' for SENTINEL SET '" +
               std::string(option) + "'"};
}

}  // namespace

Result<Ok> SentinelNode::Monitor(std::string_view name, std::string_view ip, std::string_view port,
                                 std::string_view quorum, int64_t now, Outbox& out) {
  int64_t q = 0;
  int64_t p = 0;
  if (!ParseLongLong(quorum, q)) return Error{"ERR Invalid quorum"};
  if (!ParseLongLong(port, p)) return Error{"ERR Invalid port"};
  if (q <= 0) return Error{"ERR Quorum must be 1 or greater."};
  // With resolve-hostnames the name must resolve now, as Redis's anetResolve checks it; the new
  // address keeps that one lookup.
  Address addr{std::string(ip), 0, {}};
  if (!IsIpAddress(ip)) {
    if (state_.resolve_hostnames && IsHostname(ip)) addr.ip = Resolve(addr.host);
    if (addr.ip.empty()) return Error{"ERR Invalid IP address or hostname specified"};
  }
  if (p < 0 || p > 65535) return Error{"ERR Invalid port number."};
  addr.port = static_cast<int>(p);
  if (state_.FindMaster(name) != nullptr) return Error{"ERR Duplicate master name."};
  if (q > INT32_MAX) q = INT32_MAX;
  return WithInput(now, out, [&]() -> Result<Ok> {
    Master& m = state_.masters[std::string(name)] =
        MakeMaster(std::string(name), std::move(addr), static_cast<int>(q), state_.timings, now);
    MarkConfigDirty();
    Event(LogLevel::kWarning, "+monitor", &m,
          Describe(m, m) + " quorum " + std::to_string(m.quorum));
    return Ok{};
  });
}

Result<Ok> SentinelNode::Remove(std::string_view name, int64_t now, Outbox& out) {
  Master* m = state_.FindMaster(name);
  if (m == nullptr) return Error{kNoSuchMaster};
  return WithInput(now, out, [&]() -> Result<Ok> {
    Event(LogLevel::kWarning, "-monitor", m, Describe(*m, *m));
    state_.masters.erase(std::string(name));
    MarkConfigDirty();
    CollectUnusedLinks();
    return Ok{};
  });
}

Result<Ok> SentinelNode::Set(std::string_view name, const std::vector<std::string>& args,
                             int64_t now, Outbox& out) {
  Master* mp = state_.FindMaster(name);
  if (mp == nullptr) return Error{kNoSuchMaster};
  Master& m = *mp;
  return WithInput(now, out, [&]() -> Result<Ok> {
    for (size_t j = 0; j < args.size(); j += 2) {
      const std::string& option_text = args[j];
      const std::string option = Lower(option_text);
      const size_t more = args.size() - j - 1;
      const bool rename = option == "rename-command";
      if (more < (rename ? 2u : 1u)) {
        return Error{"ERR Unknown option or number of arguments for SENTINEL SET '" + args[j] +
                     "'"};
      }
      const std::string& value = args[j + 1];
      int64_t ll = 0;
      const bool numeric = ParseLongLong(value, ll);
      std::string shown = value;
      if (option == "down-after-milliseconds") {
        if (!numeric || ll <= 0) return BadSetArgument(value, args[j]);
        m.down_after_ms = ll;
        for (auto& [rn, r] : m.replicas) r.down_after_ms = ll;
        for (auto& [sn, s] : m.sentinels) s.down_after_ms = ll;
      } else if (option == "failover-timeout") {
        if (!numeric || ll <= 0) return BadSetArgument(value, args[j]);
        m.failover_timeout = ll;
      } else if (option == "parallel-syncs") {
        if (!numeric || ll <= 0 || ll > INT32_MAX) return BadSetArgument(value, args[j]);
        m.parallel_syncs = static_cast<int>(ll);
      } else if (option == "quorum") {
        if (!numeric || ll <= 0 || ll > INT32_MAX) return BadSetArgument(value, args[j]);
        m.quorum = static_cast<int>(ll);
      } else if (option == "master-reboot-down-after-period") {
        if (!numeric || ll < 0) return BadSetArgument(value, args[j]);
        m.master_reboot_down_after_period = ll;
      } else if (option == "notification-script" || option == "client-reconfig-script") {
        if (state_.deny_scripts_reconfig) {
          return Error{
              "ERR Reconfiguration of scripts path is denied for security reasons. Check the "
              "deny-scripts-reconfig configuration directive in your Sentinel configuration"};
        }
        (option == "notification-script" ? m.notification_script : m.client_reconfig_script) =
            value;
      } else if (option == "auth-pass") {
        m.auth_pass = value;
        shown = "******";
      } else if (option == "auth-user") {
        m.auth_user = value;
      } else if (rename) {
        const std::string& new_name = args[j + 2];
        if (value.empty() || new_name.empty()) {
          return BadSetArgument(new_name.empty() ? new_name : value, option_text);
        }
        m.renamed_commands.erase(Lower(value));
        if (!EqualsIgnoreCaseAscii(value, new_name)) m.renamed_commands[Lower(value)] = new_name;
        shown = value + " " + new_name;
        ++j;
      } else {
        return Error{"ERR Unknown option or number of arguments for SENTINEL SET '" + args[j] +
                     "'"};
      }
      MarkConfigDirty();
      Event(LogLevel::kWarning, "+set", &m, Describe(m, m) + " " + option_text + " " + shown);
    }
    return Ok{};
  });
}

Result<Ok> SentinelNode::Failover(std::string_view name, int64_t now, Outbox& out) {
  Master* m = state_.FindMaster(name);
  if (m == nullptr) return Error{kNoSuchMaster};
  return WithInput(now, out, [&]() -> Result<Ok> {
    if (m->Has(kFlagFailoverInProgress)) return Error{"INPROG Failover already in progress"};
    if (SelectReplica(*m) == nullptr) return Error{"NOGOODSLAVE No suitable replica to promote"};
    Log(LogLevel::kWarning, "Executing user requested FAILOVER of '" + m->name + "'");
    StartFailover(*m);
    m->flags |= kFlagForceFailover;
    return Ok{};
  });
}

int64_t SentinelNode::Reset(std::string_view pattern, int64_t now, Outbox& out) {
  return WithInput(now, out, [&] {
    int64_t reset = 0;
    for (auto& [name, m] : state_.masters) {
      if (!GlobMatch(pattern, name)) continue;
      ResetMaster(m, false, true);
      ++reset;
    }
    if (reset > 0) {
      MarkConfigDirty();
      CollectUnusedLinks();
    }
    return reset;
  });
}

IsMasterDownReply SentinelNode::IsMasterDownByAddr(std::string_view ip, int port,
                                                   uint64_t req_epoch, std::string_view req_runid,
                                                   int64_t now, Outbox& out) {
  return WithInput(now, out, [&] {
    IsMasterDownReply reply;
    Master* m = nullptr;
    for (auto& [name, candidate] : state_.masters) {
      if (candidate.addr.port == port && AddressIsHost(candidate.addr, ip)) {
        m = &candidate;
        break;
      }
    }
    if (m == nullptr) return reply;
    reply.down = !state_.tilt && m->Has(kFlagSDown);
    if (req_runid != "*") {
      std::string leader = VoteLeader(*m, req_epoch, std::string(req_runid), &reply.leader_epoch);
      if (!leader.empty()) reply.leader = std::move(leader);
    }
    return reply;
  });
}

Result<std::string> SentinelNode::CkQuorum(std::string_view name) const {
  const Master* m = state_.FindMaster(name);
  if (m == nullptr) return Error{kNoSuchMaster};
  const int voters = static_cast<int>(m->sentinels.size()) + 1;
  int usable = 1;
  for (const auto& [runid, s] : m->sentinels) {
    if (!s.Has(kFlagSDown | kFlagODown)) ++usable;
  }
  const bool quorum_err = usable < m->quorum;
  const bool auth_err = usable < voters / 2 + 1;
  if (!quorum_err && !auth_err) {
    return "OK " + std::to_string(usable) +
           " usable Sentinels. Quorum and failover authorization can be reached";
  }
  std::string e = "NOQUORUM " + std::to_string(usable) + " usable Sentinels. ";
  if (quorum_err)
    e += "Not enough available Sentinels to reach the specified quorum for this master";
  if (auth_err) {
    e += quorum_err ? ". " : "";
    e += "Not enough available Sentinels to reach the majority and authorize a failover";
  }
  return Error{e};
}

Result<Ok> SentinelNode::ConfigSet(std::string_view option, std::string_view value, int64_t now,
                                   Outbox& out) {
  const std::string name = Lower(option);
  const std::string v(value);
  const Error bad{"ERR Invalid value '" + v + "' to SENTINEL CONFIG SET '" + std::string(option) +
                  "'"};
  return WithInput(now, out, [&]() -> Result<Ok> {
    bool drop_sentinel_links = false;
    if (name == "resolve-hostnames" || name == "announce-hostnames") {
      const std::string lower = Lower(v);
      if (lower != "yes" && lower != "no") return bad;
      (name == "resolve-hostnames" ? state_.resolve_hostnames : state_.announce_hostnames) =
          lower == "yes";
    } else if (name == "announce-ip") {
      state_.announce_ip = v;
    } else if (name == "announce-port") {
      int64_t port = 0;
      if (!ParseLongLong(v, port) || port < 0 || port > 65535) return bad;
      state_.announce_port = static_cast<int>(port);
    } else if (name == "sentinel-user" || name == "sentinel-pass") {
      (name == "sentinel-user" ? state_.sentinel_user : state_.sentinel_pass) = v;
      drop_sentinel_links = true;
    } else {
      return Error{"ERR Invalid argument '" + std::string(option) + "' to SENTINEL CONFIG SET"};
    }
    MarkConfigDirty();
    if (drop_sentinel_links) {  // reconnect with the new credentials
      for (auto& [mname, m] : state_.masters) {
        for (auto& [runid, s] : m.sentinels) {
          Link& link = LinkFor(s.addr);
          if (link.connected || link.connecting) out_->push_back(Disconnect{s.addr});
          link.connected = link.connecting = false;
          link.pending_commands = 0;
        }
      }
    }
    return Ok{};
  });
}

std::vector<std::pair<std::string, std::string>> SentinelNode::ConfigGet(
    std::string_view pattern) const {
  const std::pair<std::string, std::string> all[] = {
      {"resolve-hostnames", state_.resolve_hostnames ? "yes" : "no"},
      {"announce-hostnames", state_.announce_hostnames ? "yes" : "no"},
      {"announce-ip", state_.announce_ip},
      {"announce-port", std::to_string(state_.announce_port)},
      {"sentinel-user", state_.sentinel_user},
      {"sentinel-pass", state_.sentinel_pass}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : all) {
    if (GlobMatch(Lower(pattern), kv.first)) out.push_back(kv);
  }
  return out;
}

bool SentinelNode::SetTiming(std::string_view name, int64_t value) {
  for (const TimingParam& p : kTimingParams) {
    if (EqualsIgnoreCaseAscii(p.name, name)) {
      state_.timings.*p.field = value;
      return true;
    }
  }
  return false;
}

std::optional<Address> SentinelNode::GetMasterAddrByName(std::string_view name) const {
  const Master* m = state_.FindMaster(name);
  if (m == nullptr) return std::nullopt;
  return CurrentMasterAddress(*m);
}

}  // namespace slotd::sentinel
