// Address text checks and the forms an address is shown in.
#include "cluster/sentinel/address.h"

#include <cctype>

namespace slotd::sentinel {

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t dot = s.find('.', pos);
    std::string_view part = s.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
    int v = 0;
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  int colons = 0;
  for (char c : s) {
    if (c == ':') {
      ++colons;
    } else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.') {
      return false;
    }
  }
  return colons >= 2 && colons <= 7;
}

bool IsIpAddress(std::string_view s) { return IsIpv4(s) || IsIpv6(s); }

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return true;
}

std::string_view IpOf(const Address& addr) {
  if (!addr.ip.empty()) return addr.ip;
  return IsIpAddress(addr.host) ? std::string_view(addr.host) : std::string_view();
}

std::string_view Announced(const Address& addr, bool announce_hostnames) {
  if (announce_hostnames || addr.ip.empty()) return addr.host;
  return addr.ip;
}

bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool SameInstance(const Address& a, const Address& b) {
  if (a.port != b.port) return false;
  if (EqualsIgnoreCaseAscii(a.host, b.host)) return true;
  const std::string_view ip = IpOf(a);
  return !ip.empty() && ip == IpOf(b);
}

std::string FormatHostPort(std::string_view host, int port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  return out + ":" + std::to_string(port);
}

std::string FormatAddress(const Address& addr) { return FormatHostPort(addr.host, addr.port); }

}  // namespace slotd::sentinel
