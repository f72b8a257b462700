// Text helpers for slotctl (addresses, INFO fields, slot lists, config signatures).
#include "tools/slotctl/cluster_text.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace slotd::slotctl {

std::optional<HostPort> ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view port_text = text.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  // "[::1]:7000" is accepted too; the brackets are not part of the address.
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{std::string(host), port};
}

std::optional<long long> InfoField(std::string_view info, std::string_view name) {
  size_t pos = 0;
  while (pos < info.size()) {
    size_t eol = info.find('\n', pos);
    std::string_view line = info.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? info.size() : eol + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name ||
        line[name.size()] != ':') {
      continue;
    }
    std::string_view value = line.substr(name.size() + 1);
    if (!value.empty() && value.back() == '\r') value.remove_suffix(1);
    long long out = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

bool InfoHasLine(std::string_view info, std::string_view prefix) {
  for (size_t pos = 0; pos < info.size();) {
    if (info.substr(pos, prefix.size()) == prefix) return true;
    size_t eol = info.find('\n', pos);
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return false;
}

std::string SlotsString(const SlotBitmap& slots) {
  std::string out;
  for (const auto& [first, last] : slots.Ranges()) {
    if (!out.empty()) out += ',';
    out += '[';
    out += std::to_string(first);
    if (last != first) out += '-' + std::to_string(last);
    out += ']';
  }
  return out;
}

std::string ConfigSignature(const NodesConf& view) {
  std::vector<std::string> entries;
  for (const NodesConfNode& node : view.nodes) {
    std::vector<std::pair<int, int>> ranges = node.slots.Ranges();
    if (ranges.empty()) continue;
    std::string entry(node.id.view());
    entry += ':';
    for (size_t i = 0; i < ranges.size(); ++i) {
      if (i > 0) entry += ',';
      entry += std::to_string(ranges[i].first);
      if (ranges[i].second != ranges[i].first) entry += '-' + std::to_string(ranges[i].second);
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string& e : entries) {
    if (!out.empty()) out += '|';
    out += e;
  }
  return out;
}

const NodesConfNode& MyselfOf(const NodesConf& view) {
  for (const NodesConfNode& node : view.nodes) {
    if (node.flags & kNodeMyself) return node;
  }
  return view.nodes.front();
}

}  // namespace slotd::slotctl
