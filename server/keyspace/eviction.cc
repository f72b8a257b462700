// maxmemory eviction with Redis 7.0's sampled eviction pool, and the LRU/LFU access math.
#include "server/keyspace/eviction.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace slotd {

namespace {

constexpr int64_t kLruResolutionMs = 1000;  // LRU_CLOCK_RESOLUTION
constexpr uint32_t kLfuTimeMask = 65535;    // the decrement time keeps 16 bits of minutes

bool IsVolatilePolicy(MaxmemoryPolicy policy) {
  return policy == MaxmemoryPolicy::kVolatileLru || policy == MaxmemoryPolicy::kVolatileLfu ||
         policy == MaxmemoryPolicy::kVolatileRandom || policy == MaxmemoryPolicy::kVolatileTtl;
}

bool IsRandomPolicy(MaxmemoryPolicy policy) {
  return policy == MaxmemoryPolicy::kVolatileRandom || policy == MaxmemoryPolicy::kAllkeysRandom;
}

// How much a sampled key deserves eviction: higher is evicted first (evictionPoolPopulate's "idle").
uint64_t EvictionScore(const Object& value, int64_t expire_at_ms, int64_t now_ms, const Config& cfg) {
  switch (cfg.maxmemory_policy) {
    case MaxmemoryPolicy::kVolatileLru:
    case MaxmemoryPolicy::kAllkeysLru:
      return LruIdleMs(value.lru_clock(), now_ms);
    case MaxmemoryPolicy::kVolatileLfu:
    case MaxmemoryPolicy::kAllkeysLfu:
      return 255 - LfuDecrAndReturn(value, now_ms, cfg.lfu_decay_time);
    case MaxmemoryPolicy::kVolatileTtl:  // the sooner it expires, the higher the score
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(expire_at_ms);
    default:
      return 0;
  }
}

}  // namespace

bool IsLfuPolicy(MaxmemoryPolicy policy) {
  return policy == MaxmemoryPolicy::kVolatileLfu || policy == MaxmemoryPolicy::kAllkeysLfu;
}

uint32_t LruClockFromMs(int64_t now_ms) { return static_cast<uint32_t>(now_ms / kLruResolutionMs); }

uint64_t LruIdleMs(uint32_t lru_clock, int64_t now_ms) {
  const uint32_t clock = LruClockFromMs(now_ms);
  // A stamp from the future (clock set back) counts as just accessed rather than as ~136 years idle.
  if (clock < lru_clock) return 0;
  return static_cast<uint64_t>(clock - lru_clock) * kLruResolutionMs;
}

uint16_t LfuTimeInMinutes(int64_t now_ms) {
  return static_cast<uint16_t>(static_cast<uint64_t>(now_ms / 1000 / 60) & kLfuTimeMask);
}

uint8_t LfuLogIncr(uint8_t counter, int lfu_log_factor, double random01) {
  if (counter == 255) return 255;
  const double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  const double p = 1.0 / (base * lfu_log_factor + 1);
  return random01 < p ? static_cast<uint8_t>(counter + 1) : counter;
}

uint8_t LfuDecrAndReturn(const Object& value, int64_t now_ms, int lfu_decay_time) {
  const uint8_t counter = value.lfu_counter();
  if (lfu_decay_time <= 0) return counter;
  const uint32_t now = LfuTimeInMinutes(now_ms);
  const uint32_t last = value.lfu_decr_time();
  // Redis's LFUTimeElapsed, including its wrap formula (65535 - last + now).
  const uint32_t elapsed = now >= last ? now - last : kLfuTimeMask - last + now;
  const uint32_t periods = elapsed / static_cast<uint32_t>(lfu_decay_time);
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

void UpdateLfu(Object& value, int64_t now_ms, int lfu_log_factor, int lfu_decay_time, double random01) {
  const uint8_t decayed = LfuDecrAndReturn(value, now_ms, lfu_decay_time);
  value.set_lfu(LfuTimeInMinutes(now_ms), LfuLogIncr(decayed, lfu_log_factor, random01));
}

void Evictor::ResetPool() {
  for (Candidate& c : pool_) c.db = -1;
}

// The pool is sorted by ascending score, filled from the front; the best candidate is the last filled
// slot. A worse candidate than all pooled ones is dropped when the pool is full; otherwise inserting
// into a full pool drops the worst (front) entry.
void Evictor::Offer(uint64_t score, int db, std::string_view key) {
  for (Candidate& c : pool_) {
    if (c.db == db && c.key == key) {  // already pooled: keep the fresher score
      c.score = score;
      std::stable_sort(pool_.begin(), pool_.end(), [](const Candidate& a, const Candidate& b) {
        return a.db >= 0 && (b.db < 0 || a.score < b.score);
      });
      return;
    }
  }
  size_t k = 0;
  while (k < kPoolSize && pool_[k].db >= 0 && pool_[k].score < score) ++k;
  const bool full = pool_[kPoolSize - 1].db >= 0;
  if (k == 0 && full) return;
  if (k < kPoolSize && pool_[k].db < 0) {
    // Free slot right where it belongs.
  } else if (!full) {
    std::rotate(pool_.begin() + static_cast<std::ptrdiff_t>(k), pool_.end() - 1, pool_.end());
  } else {
    --k;  // drop the worst (front) candidate and shift the lower part left
    std::rotate(pool_.begin(), pool_.begin() + 1, pool_.begin() + static_cast<std::ptrdiff_t>(k) + 1);
  }
  Candidate& slot = pool_[k];
  slot.score = score;
  slot.db = db;
  slot.key.assign(key);  // reuses the slot's buffer
}

bool Evictor::PopulatePool(std::vector<std::unique_ptr<Database>>& dbs, const Config& cfg) {
  const bool volatile_only = IsVolatilePolicy(cfg.maxmemory_policy);
  const size_t samples = static_cast<size_t>(std::max(cfg.maxmemory_samples, 1));
  bool any = false;
  for (size_t i = 0; i < dbs.size(); ++i) {
    Database& db = *dbs[i];
    if ((volatile_only ? db.expires_size() : db.size()) == 0) continue;
    any = true;
    const int64_t now_ms = db.now();
    db.SampleEntries(samples, volatile_only, [&](std::string_view key, const Object& value, int64_t at_ms) {
      Offer(EvictionScore(value, at_ms, now_ms, cfg), static_cast<int>(i), key);
    });
  }
  return any;
}

bool Evictor::PopBest(std::vector<std::unique_ptr<Database>>& dbs, bool volatile_only, int* db,
                      std::string* key) {
  for (size_t k = kPoolSize; k-- > 0;) {
    Candidate& c = pool_[k];
    if (c.db < 0) continue;
    const int candidate_db = c.db;
    c.db = -1;  // popped: free slots stay at the back because this was the last filled one
    if (static_cast<size_t>(candidate_db) >= dbs.size()) continue;
    Database& d = *dbs[static_cast<size_t>(candidate_db)];
    // A ghost (deleted, or persisted under a volatile policy, since it was pooled) is skipped.
    const bool alive = volatile_only ? d.GetExpire(c.key) >= 0 : d.KeyMemoryUsage(c.key) > 0;
    if (!alive) continue;
    *db = candidate_db;
    std::swap(*key, c.key);
    return true;
  }
  return false;
}

bool Evictor::PickRandom(std::vector<std::unique_ptr<Database>>& dbs, bool volatile_only, int* db,
                         std::string* key) {
  for (size_t n = 0; n < dbs.size(); ++n) {
    next_db_ = (next_db_ + 1) % dbs.size();
    Database& d = *dbs[next_db_];
    bool found = false;
    d.SampleEntries(1, volatile_only, [&](std::string_view k, const Object&, int64_t) {
      key->assign(k);
      found = true;
    });
    if (found) {
      *db = static_cast<int>(next_db_);
      return true;
    }
  }
  return false;
}

EvictionResult Evictor::EvictIfNeeded(std::vector<std::unique_ptr<Database>>& dbs, const Config& cfg,
                                      size_t used_memory, const EvictedListener& on_evicted) {
  EvictionResult result;
  if (cfg.maxmemory == 0 || used_memory <= cfg.maxmemory) return result;
  if (cfg.maxmemory_policy == MaxmemoryPolicy::kNoEviction) {
    result.under_limit = false;
    return result;
  }
  const size_t to_free = used_memory - cfg.maxmemory;
  const bool volatile_only = IsVolatilePolicy(cfg.maxmemory_policy);
  std::string key;
  while (result.bytes_freed < to_free) {
    int db = -1;
    bool found = false;
    if (IsRandomPolicy(cfg.maxmemory_policy)) {
      found = PickRandom(dbs, volatile_only, &db, &key);
    } else {
      // Like performEvictions: refill the pool from fresh samples, then take its best live candidate.
      while (!found && PopulatePool(dbs, cfg)) found = PopBest(dbs, volatile_only, &db, &key);
    }
    if (!found) {
      result.under_limit = false;
      return result;
    }
    Database& d = *dbs[static_cast<size_t>(db)];
    result.bytes_freed += d.KeyMemoryUsage(key);
    // Erase is false when the key had expired: it was deleted (and reported) as expired instead.
    if (d.Erase(key)) {
      ++result.keys_evicted;
      if (on_evicted) on_evicted(d, key);
    }
  }
  return result;
}

}  // namespace slotd
