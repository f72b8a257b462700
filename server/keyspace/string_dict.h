// StringDict: the "hashtable" encoding shared by sets (keys only) and hashes (key -> value). A
// chained, power-of-two hash table whose entries are single allocations (next pointer + varint
// lengths + bytes), with Redis's reverse-binary SCAN cursor and uniform O(1)-expected random
// sampling. No RESP, no config.
//
// Invariants:
//  1. bucket_count_ is 0 (empty table) or a power of two >= kMinBuckets; size_ <= bucket_count_
//     after every insertion (load factor <= 1); the table shrinks once size_ < bucket_count_ / 4.
//  2. max_chain_ >= the length of every chain (exact after a rehash, raised by insertions, never
//     lowered by erasures), so rejection sampling against it is exactly uniform.
//  3. An entry's bytes are varint(key len), key, and for tables with values varint(value len),
//     value.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "server/keyspace/key_table.h"  // FastRng

namespace slotd {

// LEB128 lengths, as used by the compact encodings and StringDict entries.
namespace varint {
inline size_t VarintSize(uint64_t n) {
  size_t size = 1;
  for (; n >= 0x80; n >>= 7) ++size;
  return size;
}
inline char* PutVarint(char* p, uint64_t n) {
  for (; n >= 0x80; n >>= 7) *p++ = static_cast<char>((n & 0x7F) | 0x80);
  *p++ = static_cast<char>(n);
  return p;
}
inline const char* GetVarint(const char* p, uint64_t* n) {
  uint64_t value = 0;
  int shift = 0;
  for (; static_cast<unsigned char>(*p) & 0x80; shift += 7) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(*p++) & 0x7F) << shift;
  }
  *n = value | (static_cast<uint64_t>(static_cast<unsigned char>(*p++)) << shift);
  return p;
}
}  // namespace varint

// Moves a uniformly chosen subset of `count` items to the front of `items` (in random order) and
// drops the rest. REQUIRES: count <= items->size().
template <class T>
void KeepRandomSubset(std::vector<T>* items, size_t count, FastRng& rng) {
  for (size_t i = 0; i < count; ++i) {
    size_t j = i + static_cast<size_t>(rng.Below(items->size() - i));
    std::swap((*items)[i], (*items)[j]);
  }
  items->resize(count);
}

// The PRNG for random members/fields (SPOP, SRANDMEMBER, HRANDFIELD), seeded once per process.
FastRng& CollectionRng();

class StringDict {
 public:
  struct Entry {
    Entry* next;
    // Followed by the bytes of invariant 3.
  };

  explicit StringDict(bool with_values) : with_values_(with_values) {}
  ~StringDict();
  StringDict(const StringDict& other);  // deep copy (COPY, set algebra)
  StringDict& operator=(const StringDict&) = delete;

  bool with_values() const { return with_values_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  static std::string_view Key(const Entry* e);
  // REQUIRES: with_values().
  static std::string_view Value(const Entry* e);

  // The entry for `key`, or nullptr. The entry stays valid until it is erased or its value is
  // replaced.
  const Entry* Find(std::string_view key) const;
  // Adds `key` (with `value` for tables with values); false, changing nothing, when the key exists.
  bool Insert(std::string_view key, std::string_view value = {});
  // Adds `key` or replaces its value. Returns true when the key was new. REQUIRES: with_values().
  bool Set(std::string_view key, std::string_view value);
  // Removes `key`; false when absent.
  bool Erase(std::string_view key);
  // Makes room for `n` entries without further rehashing (conversions from compact encodings).
  void Reserve(size_t n);

  // A uniformly random entry. REQUIRES: !empty().
  const Entry* Random(FastRng& rng) const;
  // Appends min(count, size()) distinct uniformly chosen entries: a partial shuffle of all entries
  // when many are wanted, rejection sampling otherwise (O(count) expected, never O(size) per
  // entry).
  void DistinctRandom(size_t count, FastRng& rng, std::vector<const Entry*>* out) const;

  // One SCAN step: visits the entries of the bucket at `cursor`, returns the next cursor (0 =
  // done). Every entry present for the whole iteration is visited at least once, across grows and
  // shrinks.
  template <class Visit>
  uint64_t ScanStep(uint64_t cursor, Visit&& visit) const {
    if (size_ == 0) return 0;
    const uint64_t mask = bucket_count_ - 1;
    for (const Entry* e = buckets_[cursor & mask]; e != nullptr; e = e->next) visit(e);
    return NextCursor(cursor, mask);
  }

  // Visits every entry; `visit` must not modify the table.
  template <class Visit>
  void ForEach(Visit&& visit) const {
    for (size_t b = 0; b < bucket_count_; ++b) {
      for (const Entry* e = buckets_[b]; e != nullptr; e = e->next) visit(e);
    }
  }

  // Approximate bytes owned: bucket array plus entry allocations.
  size_t MemoryUsage() const;

 private:
  static uint64_t NextCursor(uint64_t cursor, uint64_t mask);
  uint64_t Hash(std::string_view key) const;
  Entry* NewEntry(std::string_view key, std::string_view value) const;
  void FreeEntry(Entry* e);
  // Finds `key`; sets *link to the pointer that points at the result (or at the chain's end) and
  // *chain_len to the number of entries walked.
  Entry** FindLink(std::string_view key, size_t* chain_len) const;
  void Rehash(size_t buckets);
  void GrowIfNeeded();

  Entry** buckets_ = nullptr;
  size_t bucket_count_ = 0;
  size_t size_ = 0;
  size_t max_chain_ = 0;
  size_t entry_bytes_ = 0;  // sum of entry allocation sizes
  bool with_values_;
};

}  // namespace slotd
