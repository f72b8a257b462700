// CRC-16/XMODEM (poly 0x1021, init 0, no reflection), the checksum Redis Cluster hashes keys with.
// Pure function; std only.
#pragma once
#include <cstdint>
#include <string_view>

namespace slotd {

uint16_t Crc16Xmodem(std::string_view bytes);

}  // namespace slotd
