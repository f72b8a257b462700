// Formatting and parsing of sentinel hello messages.
#include "cluster/sentinel/hello.h"

#include <charconv>
#include <vector>

namespace slotd::sentinel {

std::string FormatHello(const Hello& h) {
  std::string out;
  out.reserve(128);
  out += h.sentinel_ip;
  out += ',' + std::to_string(h.sentinel_port) + ',' + h.sentinel_runid + ',' +
         std::to_string(h.current_epoch) + ',' + h.master_name + ',' + h.master_ip + ',' +
         std::to_string(h.master_port) + ',' + std::to_string(h.master_config_epoch);
  return out;
}

namespace {

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<Hello> ParseHello(std::string_view payload) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (true) {
    size_t comma = payload.find(',', start);
    tokens.push_back(payload.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (tokens.size() != 8) {
    return Error{"hello: expected 8 fields, got " + std::to_string(tokens.size())};
  }
  Hello h;
  h.sentinel_ip = tokens[0];
  h.sentinel_runid = tokens[2];
  h.master_name = tokens[4];
  h.master_ip = tokens[5];
  if (!ParseNumber(tokens[1], h.sentinel_port) || h.sentinel_port <= 0 || h.sentinel_port > 65535) {
    return Error{"hello: bad sentinel port"};
  }
  if (!ParseNumber(tokens[3], h.current_epoch)) return Error{"hello: bad current epoch"};
  if (!ParseNumber(tokens[6], h.master_port) || h.master_port <= 0 || h.master_port > 65535) {
    return Error{"hello: bad master port"};
  }
  if (!ParseNumber(tokens[7], h.master_config_epoch)) return Error{"hello: bad config epoch"};
  return h;
}

}  // namespace slotd::sentinel
