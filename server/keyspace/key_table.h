// KeyTable: the hash table behind a Database (one per cluster slot in cluster mode). Chained buckets of
// power-of-two size hashed with seeded XXH3, incremental rehashing in both directions (like Redis's dict),
// and Redis's reverse-binary SCAN cursor. Knows nothing of expiry policy, slots or statistics.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "cluster/core/rng.h"
#include "server/keyspace/object.h"

namespace slotd {

// KeyEntry::expire_pos value of a key without a TTL.
inline constexpr uint32_t kNoExpirePos = UINT32_MAX;

// One key and its value, allocated as one block: this header followed by the key's bytes (no NUL).
struct KeyEntry {
  KeyEntry* next;        // bucket chain
  Object value;
  uint32_t expire_pos;   // index in the owning Database's expires index, kNoExpirePos when none
  uint32_t key_len;

  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_len}; }
  bool has_expire() const { return expire_pos != kNoExpirePos; }
  // Bytes of this allocation (header plus key), as the allocator is asked for them.
  size_t AllocSize() const { return sizeof(KeyEntry) + key_len; }
};

// 40 bytes of header: a 16-byte key with an inline value is one 56-byte request, a 64-byte glibc chunk.
static_assert(sizeof(KeyEntry) == 40, "KeyEntry header size is part of the per-key memory budget");

// The keyspace's sampling PRNG: the cluster library's SplitMix64 plus a [0, 1) helper. Not for anything
// security related.
class FastRng : public Rng {
 public:
  using Rng::Rng;
  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
};

class KeyTable {
 public:
  static constexpr size_t kInitialBuckets = 4;

  explicit KeyTable(uint64_t hash_seed) : seed_(hash_seed) {}
  ~KeyTable();
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  size_t size() const { return used_; }
  bool empty() const { return used_ == 0; }
  bool rehashing() const { return rehash_idx_ >= 0; }
  // Buckets of the main table and, while rehashing, of the target table (tests, MEMORY stats).
  size_t bucket_count() const { return size_[0] + size_[1]; }

  // The entry for `key`, or nullptr. Performs one incremental rehash step.
  KeyEntry* Find(std::string_view key);
  // Inserts `value` under `key` and returns {entry, true}; when the key exists returns {existing, false}
  // and leaves `value` untouched. May start growing the table.
  std::pair<KeyEntry*, bool> Emplace(std::string_view key, Object&& value);
  // Detaches the entry for `key` and returns it (nullptr when absent); the caller frees it with
  // Destroy(). May start shrinking the table.
  KeyEntry* Unlink(std::string_view key);
  static void Destroy(KeyEntry* entry);
  bool Erase(std::string_view key);
  // Frees every entry and the buckets.
  void Clear();

  // One SCAN step: visits the keys of the bucket(s) at `cursor` and returns the next cursor (0 = done).
  // Every key present for the whole iteration is visited at least once, across grows and shrinks.
  // `visit` must not modify the table.
  using EntryVisitor = std::function<void(KeyEntry* entry)>;
  uint64_t Scan(uint64_t cursor, const EntryVisitor& visit) const;
  // Visits entries until `visit` returns false; returns false when stopped early. `visit` must not modify
  // the table.
  using EntryPredicate = std::function<bool(KeyEntry* entry)>;
  bool ForEach(const EntryPredicate& visit) const;
  // A random entry (random non-empty bucket, then a random element of its chain); nullptr when empty.
  KeyEntry* RandomEntry(FastRng& rng);

  // Moves up to `buckets` buckets of an ongoing rehash (server cron); returns true while still rehashing.
  bool RehashSteps(size_t buckets);

 private:
  uint64_t Hash(std::string_view key) const;
  // The entry for `key` with hash `h` in either table, without rehash work.
  KeyEntry* Lookup(std::string_view key, uint64_t h) const;
  static KeyEntry** AllocBuckets(size_t count);
  void StartResize(size_t buckets);
  void RehashStep();
  void FinishRehash();
  void MaybeShrink();

  uint64_t seed_;
  KeyEntry** table_[2] = {nullptr, nullptr};
  size_t size_[2] = {0, 0};   // bucket counts, 0 or a power of two
  size_t used_ = 0;
  int64_t rehash_idx_ = -1;   // next bucket of table_[0] to move into table_[1]; -1 when not rehashing
};

}  // namespace slotd
