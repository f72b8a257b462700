// NodeId: the 40-character cluster node name ([0-9a-z], generated as random lowercase hex).
// Pure; randomness comes from a caller-seeded Rng.
#pragma once
#include <array>
#include <compare>
#include <cstring>
#include <string>
#include <string_view>

#include "cluster/core/result.h"
#include "cluster/core/rng.h"

namespace slotd {

class NodeId {
 public:
  static constexpr size_t kLength = 40;

  // The all-NUL name (the wire form of "no master" in `slaveof`).
  NodeId() { bytes_.fill('\0'); }

  // Accepts exactly 40 chars of [0-9a-z] (Redis's verifyClusterNodeId; uppercase is rejected).
  static Result<NodeId> Parse(std::string_view text);
  static bool IsValid(std::string_view text);
  // Takes 40 raw wire bytes without validating them (peers' names are looked up, not trusted).
  static NodeId FromWire(const char* bytes);
  static NodeId Generate(Rng& rng);

  bool IsNull() const;
  std::string_view view() const { return {bytes_.data(), kLength}; }
  std::string str() const { return std::string(view()); }
  const char* data() const { return bytes_.data(); }

  // memcmp order (the same as the defaulted one for [0-9a-z] names): maps keyed by NodeId are
  // searched for every gossip entry, and the defaulted array compare goes char by char.
  std::strong_ordering operator<=>(const NodeId& o) const {
    return std::memcmp(bytes_.data(), o.bytes_.data(), kLength) <=> 0;
  }
  bool operator==(const NodeId& o) const {
    return std::memcmp(bytes_.data(), o.bytes_.data(), kLength) == 0;
  }

 private:
  std::array<char, kLength> bytes_;
};

}  // namespace slotd
