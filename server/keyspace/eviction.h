// maxmemory eviction (Redis 7.0's approximated LRU/LFU/TTL/random policies with a 16-entry eviction pool)
// and the LRU clock / LFU counter math shared with Database (access updates) and OBJECT IDLETIME/FREQ.
// No I/O: the caller measures memory and propagates the evicted keys through the listener.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"
#include "server/keyspace/database.h"
#include "server/keyspace/object.h"

namespace slotd {

// ---- LRU clock and LFU counter (Redis evict.c semantics) ----

inline constexpr uint8_t kLfuInitVal = 5;  // LFU_INIT_VAL: new keys start here so they are not evicted at once

bool IsLfuPolicy(MaxmemoryPolicy policy);

// LRU clock of `now_ms`: seconds since the epoch (Redis LRU_CLOCK_RESOLUTION is 1000 ms).
uint32_t LruClockFromMs(int64_t now_ms);
// Idle time of an object stamped with `lru_clock`, in ms (estimateObjectIdleTime); wraps like Redis.
uint64_t LruIdleMs(uint32_t lru_clock, int64_t now_ms);

// LFU decrement time base: minutes since the epoch, modulo 2^16 (LFUGetTimeInMinutes).
uint16_t LfuTimeInMinutes(int64_t now_ms);
// Logarithmic increment: the counter grows with probability 1 / ((counter - 5) * log_factor + 1);
// `random01` is uniform in [0, 1). Saturates at 255.
uint8_t LfuLogIncr(uint8_t counter, int lfu_log_factor, double random01);
// The counter after decaying one step per `lfu_decay_time` minutes since its last decrement time
// (LFUDecrAndReturn); does not modify the object. lfu_decay_time 0 = never decay.
uint8_t LfuDecrAndReturn(const Object& value, int64_t now_ms, int lfu_decay_time);
// An access under an LFU policy: decay, log-increment, stamp the decrement time (updateLFU).
void UpdateLfu(Object& value, int64_t now_ms, int lfu_log_factor, int lfu_decay_time, double random01);

// ---- Eviction ----

struct EvictionResult {
  bool under_limit = true;  // memory is (by estimate) at or below maxmemory; false = answer -OOM
  size_t keys_evicted = 0;
  size_t bytes_freed = 0;   // estimate from Database::KeyMemoryUsage
};

// Called after each evicted key is removed: propagate a DEL, notify "evicted", signal WATCH.
using EvictedListener = std::function<void(Database& db, std::string_view key)>;

// Keeps Redis's eviction pool across calls (good candidates found earlier remain eligible).
class Evictor {
 public:
  static constexpr size_t kPoolSize = 16;  // EVPOOL_SIZE

  // When `used_memory` exceeds cfg.maxmemory (and maxmemory is set), evicts keys by
  // cfg.maxmemory_policy until the estimated bytes freed cover the excess. under_limit is false under
  // noeviction or when no candidate is left; the dispatcher then rejects denyoom commands with -OOM.
  EvictionResult EvictIfNeeded(std::vector<std::unique_ptr<Database>>& dbs, const Config& cfg,
                               size_t used_memory, const EvictedListener& on_evicted = {});

  // Drops pooled candidates (FLUSHALL, tests).
  void ResetPool();

 private:
  struct Candidate {
    uint64_t score = 0;  // higher = better to evict (idle ms, 255 - LFU counter, or -expire time)
    int db = -1;         // -1 = free slot
    std::string key;
  };

  // Samples cfg.maxmemory_samples keys of every database into the pool (evictionPoolPopulate).
  // Returns false when no database has a candidate.
  bool PopulatePool(std::vector<std::unique_ptr<Database>>& dbs, const Config& cfg);
  void Offer(uint64_t score, int db, std::string_view key);
  // Pops the best pooled candidate that still exists; false when the pool has none.
  bool PopBest(std::vector<std::unique_ptr<Database>>& dbs, bool volatile_only, int* db, std::string* key);
  bool PickRandom(std::vector<std::unique_ptr<Database>>& dbs, bool volatile_only, int* db, std::string* key);

  std::array<Candidate, kPoolSize> pool_;  // ascending score, filled from the front (see Offer)
  size_t next_db_ = 0;  // round robin for the random policies
};

}  // namespace slotd
