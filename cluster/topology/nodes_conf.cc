// Parsing and rendering of the nodes.conf / CLUSTER NODES line format
// (Redis 7.0).
#include "cluster/topology/nodes_conf.h"

#include <array>
#include <charconv>
#include <set>

namespace slotd {
namespace {

struct FlagName {
  std::string_view name;
  uint16_t bit;
};
constexpr std::array<FlagName, 8> kFlagNames = {{{"myself", kNodeMyself},
                                                 {"master", kNodeMaster},
                                                 {"slave", kNodeSlave},
                                                 {"fail?", kNodePfail},
                                                 {"fail", kNodeFail},
                                                 {"handshake", kNodeHandshake},
                                                 {"noaddr", kNodeNoaddr},
                                                 {"nofailover", kNodeNofailover}}};

// Digits only, no sign, no overflow, whole token.
bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseSlot(std::string_view s, int& out) {
  uint64_t v = 0;
  if (!ParseU64(s, v) || v >= static_cast<uint64_t>(kClusterSlots)) return false;
  out = static_cast<int>(v);
  return true;
}

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// Parses one line; returns an empty string on success, else what is wrong (no
// line prefix).
class LineParser {
 public:
  explicit LineParser(NodesConfNode& node) : node_(node) {}

  std::string Parse(const std::vector<std::string_view>& f) {
    if (f.size() < 8) {
      return "missing fields (expected at least 8, got " + std::to_string(f.size()) + ")";
    }
    if (!NodeId::IsValid(f[0])) return "invalid node id '" + std::string(f[0]) + "'";
    node_.id = NodeId::FromWire(f[0].data());
    if (std::string e = ParseAddress(f[1]); !e.empty()) return e;
    if (std::string e = ParseFlags(f[2]); !e.empty()) return e;
    if (f[3] != "-") {
      if (!NodeId::IsValid(f[3])) return "invalid master id '" + std::string(f[3]) + "'";
      node_.master = NodeId::FromWire(f[3].data());
    }
    if (!ParseU64(f[4], node_.ping_sent)) return "invalid ping-sent '" + std::string(f[4]) + "'";
    if (!ParseU64(f[5], node_.pong_recv)) return "invalid pong-recv '" + std::string(f[5]) + "'";
    if (!ParseU64(f[6], node_.config_epoch.value)) {
      return "invalid config epoch '" + std::string(f[6]) + "'";
    }
    if (f[7] == "connected") {
      node_.connected = true;
    } else if (f[7] != "disconnected") {
      return "invalid link state '" + std::string(f[7]) + "'";
    }
    for (size_t i = 8; i < f.size(); ++i) {
      std::string e = f[i].front() == '[' ? ParseOpenSlot(f[i]) : ParseSlots(f[i]);
      if (!e.empty()) return e;
    }
    return {};
  }

 private:
  // ip:port@cport[,hostname]; the ip may hold ':' (IPv6), so the last ':'
  // splits it. A missing
  // @cport means port+10000, as Redis's loader does.
  std::string ParseAddress(std::string_view a) {
    const std::string bad = "invalid address '" + std::string(a) + "'";
    if (size_t comma = a.find(','); comma != std::string_view::npos) {
      std::string e = ParseHostnameAndAux(a.substr(comma + 1));
      if (!e.empty()) return e;
      a = a.substr(0, comma);
    }
    size_t colon = a.rfind(':');
    if (colon == std::string_view::npos) return bad;
    node_.endpoint.ip = std::string(a.substr(0, colon));
    std::string_view ports = a.substr(colon + 1);
    std::string_view port = ports.substr(0, ports.find('@'));
    uint64_t p = 0;
    if (!ParseU64(port, p) || p > 65535) return "invalid port in '" + std::string(a) + "'";
    node_.endpoint.port = static_cast<uint16_t>(p);
    if (port.size() == ports.size()) {
      p += 10000;
      if (p > 65535) return "invalid port in '" + std::string(a) + "'";
    } else if (!ParseU64(ports.substr(port.size() + 1), p) || p > 65535) {
      return "invalid cluster bus port in '" + std::string(a) + "'";
    }
    node_.endpoint.cport = static_cast<uint16_t>(p);
    return {};
  }

  // "hostname[,key=value...]": 7.2 writes aux fields after the (possibly empty) hostname; only
  // shard-id is kept, the others (tls-port, nodename) are skipped.
  std::string ParseHostnameAndAux(std::string_view s) {
    size_t comma = s.find(',');
    node_.endpoint.hostname = std::string(s.substr(0, comma));
    while (comma != std::string_view::npos) {
      s = s.substr(comma + 1);
      comma = s.find(',');
      std::string_view field = s.substr(0, comma);
      static constexpr std::string_view kShardId = "shard-id=";
      if (field.substr(0, kShardId.size()) != kShardId) continue;
      Result<NodeId> id = NodeId::Parse(field.substr(kShardId.size()));
      if (!id) return "invalid shard-id in '" + std::string(field) + "'";
      node_.shard_id = *id;
    }
    return {};
  }

  std::string ParseFlags(std::string_view s) {
    while (!s.empty()) {
      size_t comma = s.find(',');
      std::string_view word = s.substr(0, comma);
      s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
      if (EqualsNoCase(word, "noflags")) continue;
      bool known = false;
      for (const FlagName& fl : kFlagNames) {
        if (EqualsNoCase(word, fl.name)) {
          node_.flags |= fl.bit;
          known = true;
        }
      }
      if (!known) return "unknown flag '" + std::string(word) + "'";
    }
    return {};
  }

  std::string ParseSlots(std::string_view tok) {
    size_t dash = tok.find('-');
    int first = 0;
    int last = 0;
    if (dash == std::string_view::npos) {
      if (!ParseSlot(tok, first)) return "invalid slot '" + std::string(tok) + "'";
      last = first;
    } else if (!ParseSlot(tok.substr(0, dash), first) || !ParseSlot(tok.substr(dash + 1), last) ||
               first > last) {
      return "invalid slot range '" + std::string(tok) + "'";
    }
    node_.slots.SetRange(first, last);
    return {};
  }

  // [slot->-id] (migrating to id) or [slot-<-id] (importing from id).
  std::string ParseOpenSlot(std::string_view tok) {
    const std::string bad = "invalid open slot entry '" + std::string(tok) + "'";
    if (tok.size() < 2 || tok.back() != ']') return bad;
    std::string_view body = tok.substr(1, tok.size() - 2);
    size_t dash = body.find('-');
    int slot = 0;
    if (dash == std::string_view::npos || !ParseSlot(body.substr(0, dash), slot)) return bad;
    std::string_view rest = body.substr(dash);
    bool migrating = rest.substr(0, 3) == "->-";
    if (!migrating && rest.substr(0, 3) != "-<-") return bad;
    std::string_view id = rest.substr(3);
    if (!NodeId::IsValid(id)) return bad;
    (migrating ? node_.migrating : node_.importing)[slot] = NodeId::FromWire(id.data());
    return {};
  }

  NodesConfNode& node_;
};

// `vars` followed by name/value pairs; unknown names are skipped like Redis's
// loader does.
std::string ParseVars(const std::vector<std::string_view>& f, NodesConf& conf) {
  if (f.size() % 2 == 0) return "truncated vars line (a name without a value)";
  for (size_t i = 1; i + 1 < f.size(); i += 2) {
    uint64_t* target = nullptr;
    if (f[i] == "currentEpoch") target = &conf.current_epoch.value;
    if (f[i] == "lastVoteEpoch") target = &conf.last_vote_epoch;
    if (target != nullptr && !ParseU64(f[i + 1], *target)) {
      return "invalid " + std::string(f[i]) + " '" + std::string(f[i + 1]) + "'";
    }
  }
  return {};
}

Error LineError(size_t line_no, const std::string& what) {
  return Error{"nodes.conf line " + std::to_string(line_no) + ": " + what};
}

}  // namespace

Result<NodesConf> ParseNodesConf(std::string_view text) {
  NodesConf conf;
  std::set<NodeId> seen;
  bool have_myself = false;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) continue;
    std::vector<std::string_view> fields = SplitSpaces(line);
    if (fields[0] == "vars") {
      if (std::string e = ParseVars(fields, conf); !e.empty()) return LineError(line_no, e);
      continue;
    }
    NodesConfNode node;
    if (std::string e = LineParser(node).Parse(fields); !e.empty()) return LineError(line_no, e);
    if (!seen.insert(node.id).second) {
      return LineError(line_no, "duplicate node id " + node.id.str());
    }
    if (node.flags & kNodeMyself) {
      if (have_myself) return LineError(line_no, "second node flagged 'myself'");
      have_myself = true;
    }
    conf.nodes.push_back(std::move(node));
  }
  if (!have_myself) return Error{"nodes.conf: no node is flagged 'myself'"};
  return conf;
}

std::string RenderNodeLine(const NodesConfNode& n, bool with_aux) {
  std::string out;
  out.reserve(160);
  out.append(n.id.view()).append(" ").append(n.endpoint.ip).append(":");
  out.append(std::to_string(n.endpoint.port)).append("@").append(std::to_string(n.endpoint.cport));
  if (!n.endpoint.hostname.empty() || (with_aux && !n.shard_id.IsNull())) {
    out.append(",").append(n.endpoint.hostname);
  }
  if (with_aux && !n.shard_id.IsNull()) out.append(",shard-id=").append(n.shard_id.view());
  out.append(" ");
  bool any = false;
  for (const FlagName& fl : kFlagNames) {
    if (!(n.flags & fl.bit)) continue;
    if (any) out.append(",");
    out.append(fl.name);
    any = true;
  }
  if (!any) out.append("noflags");
  out.append(" ");
  if (n.master.IsNull()) {
    out.append("-");
  } else {
    out.append(n.master.view());
  }
  out.append(" ").append(std::to_string(n.ping_sent));
  out.append(" ").append(std::to_string(n.pong_recv));
  out.append(" ").append(std::to_string(n.config_epoch.value));
  out.append(n.connected ? " connected" : " disconnected");
  for (auto [first, last] : n.slots.Ranges()) {
    out.append(" ").append(std::to_string(first));
    if (last != first) out.append("-").append(std::to_string(last));
  }
  // Redis writes open slots in one ascending pass over the slot space, so the
  // two maps interleave.
  auto mig = n.migrating.begin();
  auto imp = n.importing.begin();
  while (mig != n.migrating.end() || imp != n.importing.end()) {
    const bool take_mig =
        imp == n.importing.end() || (mig != n.migrating.end() && mig->first <= imp->first);
    const auto& [slot, id] = take_mig ? *mig++ : *imp++;
    out.append(" [").append(std::to_string(slot)).append(take_mig ? "->-" : "-<-");
    out.append(id.view()).append("]");
  }
  return out;
}

std::string RenderNodesConf(const NodesConf& conf) {
  std::string out;
  for (const NodesConfNode& n : conf.nodes) out.append(RenderNodeLine(n, true)).append("\n");
  out.append("vars currentEpoch ").append(std::to_string(conf.current_epoch.value));
  out.append(" lastVoteEpoch ").append(std::to_string(conf.last_vote_epoch)).append("\n");
  return out;
}

}  // namespace slotd
