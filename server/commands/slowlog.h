// The slow log (SLOWLOG) and the latency monitor's event series (LATENCY): bounded in-memory records of
// commands slower than slowlog-log-slower-than and of spikes over latency-monitor-threshold. Plain data
// owned by Server; SlowlogRecord() is the one entry point the dispatcher calls after each command.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/command_spec.h"

namespace slotd {

class Client;
class Server;

struct SlowlogEntry {
  uint64_t id = 0;
  int64_t time_s = 0;       // unix time the command finished
  int64_t duration_us = 0;
  std::vector<std::string> argv;  // at most kMaxArgs, each cut at kMaxArgBytes (Redis's limits)
  std::string peer;         // "ip:port"
  std::string client_name;
};

// Invariants: entries are newest first; ids increase by one per recorded entry and survive RESET.
class Slowlog {
 public:
  static constexpr size_t kMaxArgs = 32;       // SLOWLOG_ENTRY_MAX_ARGC
  static constexpr size_t kMaxArgBytes = 128;  // SLOWLOG_ENTRY_MAX_STRING

  // Adds `entry` (its id is assigned here) and drops the oldest entries beyond `max_len`.
  void Push(SlowlogEntry entry, size_t max_len);
  void Reset() { entries_.clear(); }
  const std::deque<SlowlogEntry>& entries() const { return entries_; }

 private:
  std::deque<SlowlogEntry> entries_;
  uint64_t next_id_ = 0;
};

// Latency spikes per event name ("command", "fast-command", ...), one sample per second at most
// (the worst one), the last kSamples seconds that had a spike. As Redis's latency.c.
class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;  // LATENCY_TS_LEN

  struct Sample {
    int64_t time_s = 0;  // 0 = unused slot
    int64_t latency_ms = 0;
  };
  struct Series {
    std::array<Sample, kSamples> samples{};
    size_t next = 0;  // the slot the next new second is written to
    int64_t max_ms = 0;
    const Sample& latest() const { return samples[(next + kSamples - 1) % kSamples]; }
  };

  void AddSample(std::string_view event, int64_t now_s, int64_t latency_ms);
  // Forget one event's series (returns 1 when it existed) or all of them (returns how many).
  size_t Reset(std::string_view event);
  size_t ResetAll();
  const std::map<std::string, Series, std::less<>>& events() const { return events_; }

 private:
  std::map<std::string, Series, std::less<>> events_;
};

// Records `args`, just executed by `client` in `duration_us`, in the slow log and the latency monitor
// when over their thresholds. Costs one comparison when under them. Commands flagged skip_slowlog and
// clients left blocked are not logged; passwords (AUTH, HELLO AUTH) are logged as "(redacted)".
void SlowlogRecord(Server& server, Client& client, ArgList args, int64_t duration_us);

}  // namespace slotd
