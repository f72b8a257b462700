// NodeId parsing, validation and generation.
#include "cluster/core/node_id.h"

#include <cstring>

namespace slotd {

bool NodeId::IsValid(std::string_view text) {
  if (text.size() != kLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

Result<NodeId> NodeId::Parse(std::string_view text) {
  if (!IsValid(text)) {
    return Error{"node id: expected 40 chars of [0-9a-z], got " + std::to_string(text.size()) +
                 " bytes"};
  }
  return FromWire(text.data());
}

NodeId NodeId::FromWire(const char* bytes) {
  NodeId id;
  std::memcpy(id.bytes_.data(), bytes, kLength);
  return id;
}

NodeId NodeId::Generate(Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  NodeId id;
  for (size_t i = 0; i < kLength; i += 16) {
    uint64_t bits = rng.Next();
    for (size_t j = i; j < i + 16 && j < kLength; ++j, bits >>= 4) id.bytes_[j] = kHex[bits & 15];
  }
  return id;
}

bool NodeId::IsNull() const {
  for (char c : bytes_) {
    if (c != '\0') return false;
  }
  return true;
}

}  // namespace slotd
