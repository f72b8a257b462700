// Test helper: pulls the pieces out of RESP reply bytes whose exact order is random (HRANDFIELD,
// SRANDMEMBER, SPOP, hashtable iteration), so tests can check them as multisets.
#pragma once
#include <cstdlib>
#include <string>
#include <vector>

namespace slotd::test {

// Every bulk string payload in `reply`, in order; aggregate headers and other types are skipped.
inline std::vector<std::string> BulksOf(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < reply.size()) {
    size_t eol = reply.find("\r\n", pos);
    if (eol == std::string::npos) break;
    if (reply[pos] == '$' && reply.compare(pos, 3, "$-1") != 0) {
      size_t len = std::strtoul(reply.c_str() + pos + 1, nullptr, 10);
      out.push_back(reply.substr(eol + 2, len));
      pos = eol + 2 + len + 2;
    } else {
      pos = eol + 2;
    }
  }
  return out;
}

// The first line of `reply` (its type and length header), e.g. "*3" or "~2".
inline std::string HeaderOf(const std::string& reply) {
  return reply.substr(0, reply.find("\r\n"));
}

}  // namespace slotd::test
