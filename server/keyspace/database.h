// One numbered database (SELECT n): keys -> Objects, their expiry times, and per-slot key sets so that
// COUNTKEYSINSLOT / GETKEYSINSLOT / slot flushes cost O(keys in the slot) in cluster mode.
// No I/O and no RESP: commands call these operations and write replies themselves.
//
// Invariants:
//  1. A key has an expiry entry only while it exists.
//  2. Find()/Contains() never return a key whose expiry time is < now() (Redis's keyIsExpired: a key
//     is alive through its expiry millisecond); they delete it (lazy expiry) and report it through the
//     expired-key listener.
//  3. Scan() returns every key present for the whole iteration at least once, also across table resizes.
//  4. Visitors and listeners must not modify the database they are called from.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/key_table.h"
#include "server/keyspace/object.h"
#include "server/keyspace/slot_tables.h"

namespace slotd {

struct Config;

enum LookupFlags : uint32_t {
  kLookupNone = 0,
  kLookupNoTouch = 1,   // leave LRU/LFU metadata alone (OBJECT, TYPE, EXISTS-like probes)
  kLookupNoStats = 2,   // do not count keyspace_hits/misses
  kLookupNoExpire = 4,  // do not delete an expired key (replicas: the master sends DEL); still hidden
  kLookupNoNotify = 8,  // a miss is counted but raises no "keymiss" event (OBJECT, as Redis)
};

// How expired keys behave (replication sets it; a master deletes them). A replica keeps them until its
// master's DEL arrives but hides them from its clients; the master's own stream sees them as they are.
enum class ExpiryMode : uint8_t { kDelete, kHide, kIgnore };

class Database {
 public:
  // `slot_count` is 16384 in cluster mode (per-slot indexes), 1 otherwise. `hash_seed` seeds XXH3 (pass a
  // random per-process value so clients cannot force collisions) and the sampling PRNG.
  Database(int index, int slot_count, uint64_t hash_seed = 0);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int index() const { return index_; }
  // SWAPDB exchanges Database objects between indexes; each then takes its new number.
  void set_index(int index) { index_ = index; }

  // The cached current time (ms since the epoch) used for expiry; the server updates it before each
  // command, tests set it directly. Must be set before use.
  void set_clock(const int64_t* now_ms) { now_ms_ = now_ms; }
  int64_t now() const { return *now_ms_; }

  // The live configuration: maxmemory-policy chooses whether an access updates the LRU clock or the LFU
  // counter (lfu-log-factor, lfu-decay-time). Without one, accesses update the LRU clock.
  void set_config(const Config* config) { config_ = config; }

  // Called for every key deleted because it expired (lazily or by the active cycle), after removal.
  using ExpiredListener = std::function<void(Database& db, std::string_view key)>;
  void set_expired_listener(ExpiredListener listener) { on_expired_ = std::move(listener); }
  // Called, when notify-keyspace-events asks for them, for the keyspace events the database itself sees:
  // notify::kNew (Set or Add created the key) and notify::kKeyMiss (a counted lookup found nothing).
  using KeyEventListener = std::function<void(Database& db, uint32_t event_class, std::string_view key)>;
  void set_key_event_listener(KeyEventListener listener) { on_key_event_ = std::move(listener); }
  // Points at the process's expiry mode (null = kDelete). Read on every lookup.
  void set_expiry_mode(const ExpiryMode* mode) { expiry_mode_ = mode; }

  // Returns the live value, or nullptr (missing or expired). Counts hits/misses unless kLookupNoStats.
  Object* Find(std::string_view key, uint32_t flags = kLookupNone);
  bool Contains(std::string_view key) { return Find(key, kLookupNoTouch | kLookupNoStats) != nullptr; }

  // Inserts or overwrites. Overwriting drops the key's expiry unless keep_ttl.
  Object& Set(std::string_view key, Object value, bool keep_ttl = false);
  // Inserts only when the key is absent (expired counts as absent); returns nullptr when present.
  // `announce` = false keeps a loaded key from being reported as new (RDB loading, as Redis's
  // dbAddRDBLoad).
  Object* Add(std::string_view key, Object value, bool announce = true);
  // Removes the key; false when it did not exist.
  bool Erase(std::string_view key);
  // Removes and returns the value with its expiry (-1 = none), for RENAME, MOVE and friends.
  struct Taken {
    Object value;
    int64_t expire_at_ms;
  };
  std::optional<Taken> Take(std::string_view key);

  // Absolute expiry in ms since the epoch, or -1 when the key has none (or does not exist).
  int64_t GetExpire(std::string_view key);
  // REQUIRES: the key exists.
  void SetExpire(std::string_view key, int64_t at_ms);
  // Removes the expiry; false when there was none.
  bool Persist(std::string_view key);

  size_t size() const;
  size_t expires_size() const;
  // Average remaining TTL of volatile keys sampled by the active cycle (INFO keyspace avg_ttl), ms.
  int64_t avg_ttl() const { return avg_ttl_ms_; }

  // SCAN: visits some keys and returns the next cursor (0 = done). Expired keys are skipped.
  // `count` is a hint of how many buckets' worth of keys to return.
  using KeyVisitor = std::function<void(std::string_view key, const Object& value)>;
  uint64_t Scan(uint64_t cursor, size_t count, const KeyVisitor& visit);
  // Visits every live key (KEYS, DEBUG, RDB save). The visitor must not modify the database.
  void ForEach(const KeyVisitor& visit);
  // ForEach with each key's absolute expiry (-1 = none), without a second lookup (RDB/AOF rewrite).
  using EntryVisitor = std::function<void(std::string_view key, const Object& value, int64_t expire_at_ms)>;
  // Live keys only, unless `include_expired` (keys past their time not deleted yet: DEBUG DIGEST sees
  // them, as Redis's dict walk does).
  void ForEachWithExpire(const EntryVisitor& visit, bool include_expired = false);

  // A random live key, or nullopt when empty.
  std::optional<std::string> RandomKey();
  // Up to `count` random keys that have an expiry (volatile-* eviction) or any key (allkeys-*).
  std::vector<std::string> SampleKeys(size_t count, bool volatile_only);
  // Visits up to `count` random entries (possibly repeated, possibly expired-but-not-yet-deleted), for
  // the eviction pool. Visits nothing when there is no candidate.
  void SampleEntries(size_t count, bool volatile_only, const EntryVisitor& visit);
  // Approximate bytes the key costs (entry, key, value, index share), whether or not it has expired;
  // 0 when absent. For MEMORY USAGE and eviction accounting.
  size_t KeyMemoryUsage(std::string_view key);

  void Clear();

  // Cluster slot indexes (slot_count 16384); with slot_count 1 every key is in slot 0.
  size_t CountKeysInSlot(int slot) const;
  std::vector<std::string> KeysInSlot(int slot, size_t max_count) const;

  // Active expiry: samples volatile keys and deletes the expired ones, repeating while more than 25% of a
  // sample was expired and `keep_going()` allows. Returns the number of keys deleted.
  size_t ActiveExpireCycle(const std::function<bool()>& keep_going);
  // Moves up to `buckets` buckets of ongoing table resizes (server cron, like Redis's databasesCron).
  void IncrementalRehash(size_t buckets) { tables_.RehashSteps(buckets); }

  // Statistics (INFO stats).
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t expired_keys = 0;

 private:
  // One entry of the expires index: a dense array, so the active cycle walks it sequentially and volatile
  // eviction samples it uniformly; each KeyEntry knows its position (expire_pos).
  struct ExpireRef {
    KeyEntry* entry;
    int64_t at_ms;
  };

  bool IsExpired(const KeyEntry* e) const {
    return e->has_expire() && expires_[e->expire_pos].at_ms < now() && expiry_mode() != ExpiryMode::kIgnore;
  }
  int64_t ExpireOf(const KeyEntry* e) const { return e->has_expire() ? expires_[e->expire_pos].at_ms : -1; }
  void AddExpire(KeyEntry* e, int64_t at_ms);
  void RemoveExpire(KeyEntry* e);
  // Unlinks `e` from the table and the expires index; the caller destroys it.
  void Detach(KeyEntry* e);
  // Counts and reports a detached expired entry, then destroys it.
  void ReportExpired(KeyEntry* e);
  // Deletes an expired entry and reports it to the listener.
  void DeleteExpired(KeyEntry* e);
  // Lookup that deletes (or, with kLookupNoExpire, hides) an expired key.
  KeyEntry* FindLive(std::string_view key, uint32_t flags);
  void Touch(Object& value);
  void StampNew(Object& value);
  // Reports `key` to the key event listener when the configured notify classes include `event_class`.
  void Announce(uint32_t event_class, std::string_view key);

  int index_;
  int slot_count_;
  const int64_t* now_ms_ = nullptr;
  const Config* config_ = nullptr;
  const ExpiryMode* expiry_mode_ = nullptr;
  ExpiryMode expiry_mode() const { return expiry_mode_ == nullptr ? ExpiryMode::kDelete : *expiry_mode_; }
  SlotTables tables_;
  std::vector<ExpireRef> expires_;
  size_t expire_cursor_ = 0;  // where the active cycle continues in expires_
  FastRng rng_;
  ExpiredListener on_expired_;
  KeyEventListener on_key_event_;
  int64_t avg_ttl_ms_ = 0;
};

}  // namespace slotd
