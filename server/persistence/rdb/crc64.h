// CRC-64/Jones exactly as Redis computes it for RDB files and DUMP payloads (crc64.c):
// reflected polynomial 0xAD93D23594C935A9, initial value 0, no final xor. Pure; std only.
#pragma once
#include <cstdint>
#include <string_view>

namespace slotd::rdb {

// Continues a running checksum: Crc64(Crc64(0, a), b) == Crc64(0, a + b). Start with 0.
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace slotd::rdb
