// SentinelNode's addresses with resolve-hostnames: resolving hostnames where Redis does (when an
// address is created or compared with a hostname from the wire), fresh lookups from the host, and
// replica names in announced form.
#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sentinel {

std::string SentinelNode::Resolve(const std::string& host) {
  if (IsIpAddress(host)) return host;
  if (!state_.resolve_hostnames || !resolver_) return "";
  // A failure is not logged here: the links log it once per name when they try to connect.
  return resolver_(host);
}

Address SentinelNode::MakeAddress(std::string host, int port) {
  Address addr{std::move(host), port, {}};
  if (!IsIpAddress(addr.host)) addr.ip = Resolve(addr.host);
  return addr;
}

bool SentinelNode::AddressIsHost(const Address& addr, std::string_view host) {
  // The common case needs no lookup: the wire names the address as we know it.
  if (EqualsIgnoreCaseAscii(addr.host, host)) return true;
  const std::string ip = Resolve(std::string(host));
  if (ip.empty()) return false;
  return ip == IpOf(addr);
}

std::string SentinelNode::ReplicaName(const Address& addr) const {
  return FormatHostPort(Announce(addr), addr.port);
}

void SentinelNode::OnHostResolved(std::string_view host, std::string_view ip) {
  auto refresh = [&](Address& addr) {
    if (addr.host == host) addr.ip = std::string(ip);
  };
  for (auto& [name, m] : state_.masters) {
    refresh(m.addr);
    for (auto& [rn, r] : m.replicas) refresh(r.addr);
    for (auto& [sn, s] : m.sentinels) refresh(s.addr);
  }
}

void SentinelNode::ResolveConfiguredAddresses() {
  for (auto& [name, m] : state_.masters) {
    m.addr = MakeAddress(m.addr.host, m.addr.port);
    for (auto& [rn, r] : m.replicas) r.addr = MakeAddress(r.addr.host, r.addr.port);
    for (auto& [sn, s] : m.sentinels) s.addr = MakeAddress(s.addr.host, s.addr.port);
  }
}

}  // namespace slotd::sentinel
