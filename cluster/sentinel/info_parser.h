// The fields Sentinel reads from a monitored instance's INFO reply (sentinelRefreshInstanceInfo).
// Each field is optional: Redis only updates what the reply contains.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/sentinel/sentinel_state.h"

namespace slotd::sentinel {

struct InstanceInfo {
  std::optional<std::string> run_id;           // exactly 40 chars
  std::optional<Role> role;                    // role:master / role:slave
  std::vector<Address> replicas;               // slave<N>: lines (new and old formats)
  std::optional<int64_t> master_link_down_ms;  // master_link_down_since_seconds * 1000
  std::optional<std::string> master_host;
  std::optional<int> master_port;
  std::optional<bool> master_link_up;  // master_link_status:up
  std::optional<int> slave_priority;
  std::optional<uint64_t> slave_repl_offset;
  std::optional<bool> replica_announced;
};

InstanceInfo ParseInstanceInfo(std::string_view text);

}  // namespace slotd::sentinel
