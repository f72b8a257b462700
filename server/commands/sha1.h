// SHA-1 (FIPS 180-4), for replies Redis defines through it (DEBUG DIGEST); not for security.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slotd {

class Sha1 {
 public:
  using Digest = std::array<uint8_t, 20>;

  Sha1() { Reset(); }
  void Reset();
  void Update(const void* data, size_t len);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  // Pads the message and returns its hash; Reset() before reusing the object.
  Digest Final();

  static Digest Of(const void* data, size_t len) {
    Sha1 sha;
    sha.Update(data, len);
    return sha.Final();
  }

 private:
  void Compress(const uint8_t* block);

  uint32_t state_[5];
  uint64_t total_bytes_;
  uint8_t pending_[64];
  size_t pending_len_;
};

}  // namespace slotd
