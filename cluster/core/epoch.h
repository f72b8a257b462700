// CurrentEpoch and ConfigEpoch: distinct 64-bit types so one cannot be passed for the other.
// Pure; std only.
#pragma once
#include <compare>
#include <cstdint>

namespace slotd {

struct CurrentEpoch {
  uint64_t value = 0;
  auto operator<=>(const CurrentEpoch&) const = default;
};

struct ConfigEpoch {
  uint64_t value = 0;
  auto operator<=>(const ConfigEpoch&) const = default;
};

}  // namespace slotd
