// Hash slots: the 16384-way key partition of Redis Cluster, with {hash tag} support.
// Pure; std only.
#pragma once
#include <cstdint>
#include <string_view>

namespace slotd {

inline constexpr int kClusterSlots = 16384;

// The part of `key` that is hashed: the bytes between the first '{' and the first '}' after it,
// when that span is non-empty; otherwise the whole key (Redis's keyHashSlot).
std::string_view HashTagOf(std::string_view key);

// CRC16/XMODEM of the hash tag, modulo 16384.
uint16_t KeyHashSlot(std::string_view key);

}  // namespace slotd
