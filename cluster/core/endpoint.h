// Where a node can be reached: client port, bus port, optional TLS-plaintext port and hostname.
// Pure value type.
#pragma once
#include <cstdint>
#include <string>

namespace slotd {

struct Endpoint {
  std::string ip;        // empty: unknown (use the socket peer address)
  uint16_t port = 0;     // client port
  uint16_t cport = 0;    // cluster bus port
  uint16_t pport = 0;    // plaintext port when the cluster uses TLS, else 0
  std::string hostname;  // cluster-announce-hostname, may be empty
  bool operator==(const Endpoint&) const = default;
};

}  // namespace slotd
