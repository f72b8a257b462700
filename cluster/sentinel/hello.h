// The `__sentinel__:hello` payload: 8 comma-separated fields (sentinelSendHello).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/core/result.h"

namespace slotd::sentinel {

struct Hello {
  std::string sentinel_ip;
  int sentinel_port = 0;
  std::string sentinel_runid;
  uint64_t current_epoch = 0;
  std::string master_name;
  std::string master_ip;
  int master_port = 0;
  uint64_t master_config_epoch = 0;
  bool operator==(const Hello&) const = default;
};

// `<ip>,<port>,<runid>,<current_epoch>,<master_name>,<master_ip>,<master_port>,<config_epoch>`
std::string FormatHello(const Hello& hello);
// Redis ignores messages that do not have exactly 8 fields; so do we (and bad numbers).
Result<Hello> ParseHello(std::string_view payload);

}  // namespace slotd::sentinel
