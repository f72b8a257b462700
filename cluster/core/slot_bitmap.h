// SlotBitmap: a set of the 16384 hash slots, convertible to and from the 2048-byte wire form
// (slot s is bit s&7, LSB first, of byte s>>3). Pure; std only.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "cluster/core/slot.h"

namespace slotd {

class SlotBitmap {
 public:
  static constexpr size_t kWireBytes = kClusterSlots / 8;

  SlotBitmap() { bytes_.fill(0); }

  static SlotBitmap FromWire(const uint8_t* bytes) {
    SlotBitmap b;
    std::memcpy(b.bytes_.data(), bytes, kWireBytes);
    return b;
  }
  void ToWire(uint8_t* out) const { std::memcpy(out, bytes_.data(), kWireBytes); }

  // Slots outside [0, 16384) are ignored by setters and read as absent.
  bool Test(int slot) const {
    return InRange(slot) && (bytes_[slot >> 3] >> (slot & 7)) & 1;
  }
  void Set(int slot) {
    if (InRange(slot)) bytes_[slot >> 3] |= static_cast<uint8_t>(1u << (slot & 7));
  }
  void Clear(int slot) {
    if (InRange(slot)) bytes_[slot >> 3] &= static_cast<uint8_t>(~(1u << (slot & 7)));
  }
  // Sets every slot in [first, last] (inclusive, like CLUSTER ADDSLOTSRANGE).
  // Bounds are clamped to the slot space.
  void SetRange(int first, int last) {
    if (first < 0) first = 0;
    if (last >= kClusterSlots) last = kClusterSlots - 1;
    for (int s = first; s <= last; ++s) Set(s);
  }

  int Count() const {
    int n = 0;
    for (uint8_t b : bytes_) n += __builtin_popcount(b);
    return n;
  }
  bool Empty() const { return Count() == 0; }

  // Maximal runs of set slots as inclusive [first, last] pairs, ascending.
  std::vector<std::pair<int, int>> Ranges() const {
    std::vector<std::pair<int, int>> out;
    int start = -1;
    for (int s = 0; s <= kClusterSlots; ++s) {
      // Whole words, then whole bytes, that neither start nor end a run are skipped (nodes.conf
      // saves call this for every node of every save).
      if ((s & 63) == 0 && s < kClusterSlots) {
        uint64_t word;
        std::memcpy(&word, bytes_.data() + (s >> 3), sizeof(word));
        if ((word == 0 && start < 0) || (word == ~uint64_t{0} && start >= 0)) {
          s += 63;
          continue;
        }
      }
      if ((s & 7) == 0 && s < kClusterSlots) {
        const uint8_t byte = bytes_[s >> 3];
        if ((byte == 0 && start < 0) || (byte == 0xff && start >= 0)) {
          s += 7;
          continue;
        }
      }
      const bool on = s < kClusterSlots && Test(s);
      if (on && start < 0) start = s;
      if (!on && start >= 0) {
        out.emplace_back(start, s - 1);
        start = -1;
      }
    }
    return out;
  }

  bool operator==(const SlotBitmap&) const = default;

 private:
  static bool InRange(int slot) { return slot >= 0 && slot < kClusterSlots; }
  std::array<uint8_t, kWireBytes> bytes_;
};

}  // namespace slotd
