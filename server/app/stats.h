// Counters reported by INFO stats / INFO clients and reset by CONFIG RESETSTAT.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace slotd {

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t pubsub_messages = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  // Error replies by code, for INFO errorstats (every client's ReplyBuilder counts into this).
  std::map<std::string, uint64_t, std::less<>> error_codes;
};

}  // namespace slotd
