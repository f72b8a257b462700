// INFO text -> InstanceInfo. Numbers are read leniently as Redis does (atoi/strtoll prefixes).
#include "cluster/sentinel/info_parser.h"

#include <cctype>

namespace slotd::sentinel {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Leading integer like strtoll (optional sign, digits, stops at the first non-digit).
int64_t LeadingInt(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  uint64_t v = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    if (v > (UINT64_MAX - 9) / 10) break;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  const int64_t sv = v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
  return neg ? -sv : sv;
}

uint64_t LeadingUint(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    if (v > (UINT64_MAX - 9) / 10) break;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  return v;
}

int ClampInt(int64_t v) {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return static_cast<int>(v);
}

// The value of `key=` inside a comma list, or an empty view.
std::string_view ListField(std::string_view line, std::string_view key) {
  size_t pos = 0;
  while (pos < line.size()) {
    size_t comma = line.find(',', pos);
    std::string_view item = line.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    if (StartsWith(item, key)) return item.substr(key.size());
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return {};
}

void ParseReplicaLine(std::string_view line, InstanceInfo& info) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view rest = line.substr(colon + 1);
  Address addr;
  if (rest.find("ip=") == std::string_view::npos) {
    // Old format: slave0:<ip>,<port>,<state>
    size_t c1 = rest.find(',');
    if (c1 == std::string_view::npos) return;
    size_t c2 = rest.find(',', c1 + 1);
    if (c2 == std::string_view::npos) return;
    addr.host = std::string(rest.substr(0, c1));
    addr.port = ClampInt(LeadingInt(rest.substr(c1 + 1, c2 - c1 - 1)));
  } else {
    std::string_view ip = ListField(rest, "ip=");
    std::string_view port = ListField(rest, "port=");
    if (ip.empty() || port.empty()) return;
    addr.host = std::string(ip);
    addr.port = ClampInt(LeadingInt(port));
  }
  info.replicas.push_back(std::move(addr));
}

void ParseLine(std::string_view l, InstanceInfo& info) {
  if (l.size() >= 47 && StartsWith(l, "run_id:")) {
    info.run_id = std::string(l.substr(7, 40));
  } else if (l.size() >= 7 && StartsWith(l, "slave") &&
             std::isdigit(static_cast<unsigned char>(l[5]))) {
    ParseReplicaLine(l, info);
  } else if (StartsWith(l, "master_link_down_since_seconds:")) {
    info.master_link_down_ms = LeadingInt(l.substr(31)) * 1000;
  } else if (StartsWith(l, "role:master")) {
    info.role = Role::kMaster;
  } else if (StartsWith(l, "role:slave")) {
    info.role = Role::kReplica;
  } else if (StartsWith(l, "master_host:")) {
    info.master_host = std::string(l.substr(12));
  } else if (StartsWith(l, "master_port:")) {
    info.master_port = ClampInt(LeadingInt(l.substr(12)));
  } else if (StartsWith(l, "master_link_status:")) {
    std::string_view v = l.substr(19);
    info.master_link_up = v.size() == 2 && std::tolower(static_cast<unsigned char>(v[0])) == 'u' &&
                          std::tolower(static_cast<unsigned char>(v[1])) == 'p';
  } else if (StartsWith(l, "slave_priority:")) {
    info.slave_priority = ClampInt(LeadingInt(l.substr(15)));
  } else if (StartsWith(l, "slave_repl_offset:")) {
    info.slave_repl_offset = LeadingUint(l.substr(18));
  } else if (StartsWith(l, "replica_announced:")) {
    info.replica_announced = LeadingInt(l.substr(18)) != 0;
  }
}

}  // namespace

InstanceInfo ParseInstanceInfo(std::string_view text) {
  InstanceInfo info;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ParseLine(line, info);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return info;
}

}  // namespace slotd::sentinel
