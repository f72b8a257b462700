// Small helpers the replication files share: random 40-hex-char ids and complete writes to a
// descriptor.
#pragma once
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

namespace slotd {

// 40 random hex characters from /dev/urandom (replication ids, diskless EOF marks).
inline std::string RandomHexId() {
  static const char kHex[] = "0123456789abcdef";
  unsigned char bytes[40] = {};
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    size_t got = std::fread(bytes, 1, sizeof(bytes), f);
    (void)got;
    std::fclose(f);
  }
  std::string out(40, '0');
  for (size_t i = 0; i < out.size(); ++i) out[i] = kHex[bytes[i] & 0xF];
  return out;
}

// Writes every byte (retrying short writes and EINTR); false on an error.
inline bool WriteFully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace slotd
