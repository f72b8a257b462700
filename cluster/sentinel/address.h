// Where an instance lives, as Redis's sentinelAddr: the host it was given (an IP, or with
// resolve-hostnames a hostname), the IP that host resolved to, and the port. The host is the
// identity (links are keyed by it); the IP follows DNS, refreshed by the host on every reconnect.
#pragma once
#include <compare>
#include <string>
#include <string_view>
#include <tuple>

namespace slotd::sentinel {

struct Address {
  std::string host;
  int port = 0;
  std::string ip;  // `host` resolved; "" when host is an IP itself or could not be resolved

  bool operator==(const Address& o) const { return port == o.port && host == o.host; }
  auto operator<=>(const Address& o) const {
    return std::tie(host, port) <=> std::tie(o.host, o.port);
  }
};

bool IsIpv4(std::string_view s);
bool IsIpv6(std::string_view s);
bool IsIpAddress(std::string_view s);  // IPv4 or IPv6 text
bool IsHostname(std::string_view s);   // letters, digits, '-', '.', '_' (what MONITOR accepts)

// The IP an address stands for: its resolution, or the host when that is an IP; "" if unknown.
std::string_view IpOf(const Address& addr);
// What others are told (announceSentinelAddr): the host with announce-hostnames, else the IP. An
// unresolved hostname is told as itself (Redis would send an empty string there).
std::string_view Announced(const Address& addr, bool announce_hostnames);
// Two records of one instance: same port and same host, or same IP (sentinelAddrOrHostnameEqual).
bool SameInstance(const Address& a, const Address& b);

// ASCII case folding for names that compare case-insensitively (options, commands, hostnames).
bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b);
std::string Lower(std::string_view s);

// "host:port", or "[host]:port" for IPv6 (anetFormatAddr): replica names.
std::string FormatHostPort(std::string_view host, int port);
std::string FormatAddress(const Address& addr);

}  // namespace slotd::sentinel
