#include "cluster/core/slot.h"

#include "cluster/core/crc16.h"

namespace slotd {

std::string_view HashTagOf(std::string_view key) {
  size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

uint16_t KeyHashSlot(std::string_view key) {
  return Crc16Xmodem(HashTagOf(key)) & (kClusterSlots - 1);
}

}  // namespace slotd
