// KeyTable: chained power-of-two hash table with incremental rehashing and reverse-binary SCAN cursors.
#include "server/keyspace/key_table.h"

#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace slotd {

namespace {

// Redis's dict shrinks when fewer than 10% of the buckets would be used (HASHTABLE_MIN_FILL).
constexpr size_t kMinFillPercent = 10;
// Empty buckets one rehash step may skip before giving up (dictRehash's empty_visits = 10 * n).
constexpr size_t kMaxEmptyVisits = 10;

size_t NextPowerOfTwo(size_t n) {
  size_t size = KeyTable::kInitialBuckets;
  while (size < n) size <<= 1;
  return size;
}

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// Advances a reverse-binary cursor over the bits of `mask`: increments the reversed cursor so that the
// buckets a key can move to on resize are never skipped.
uint64_t NextCursor(uint64_t v, uint64_t mask) {
  v |= ~mask;
  v = ReverseBits(v);
  ++v;
  return ReverseBits(v);
}

bool KeyEquals(const KeyEntry* e, std::string_view key) {
  return e->key_len == key.size() && std::memcmp(e->key().data(), key.data(), key.size()) == 0;
}

void VisitChain(KeyEntry* e, const KeyTable::EntryVisitor& visit) {
  while (e != nullptr) {
    KeyEntry* next = e->next;
    visit(e);
    e = next;
  }
}

}  // namespace

KeyTable::~KeyTable() { Clear(); }

uint64_t KeyTable::Hash(std::string_view key) const {
  return XXH3_64bits_withSeed(key.data(), key.size(), seed_);
}

KeyEntry** KeyTable::AllocBuckets(size_t count) {
  // calloc: large zeroed tables come straight from fresh pages.
  void* mem = std::calloc(count, sizeof(KeyEntry*));
  if (mem == nullptr) throw std::bad_alloc();
  return static_cast<KeyEntry**>(mem);
}

KeyEntry* KeyTable::Lookup(std::string_view key, uint64_t h) const {
  for (int t = 0; t < 2; ++t) {
    if (size_[t] == 0) continue;
    for (KeyEntry* e = table_[t][h & (size_[t] - 1)]; e != nullptr; e = e->next) {
      if (KeyEquals(e, key)) return e;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

KeyEntry* KeyTable::Find(std::string_view key) {
  if (used_ == 0) return nullptr;
  if (rehashing()) RehashStep();
  return Lookup(key, Hash(key));
}

std::pair<KeyEntry*, bool> KeyTable::Emplace(std::string_view key, Object&& value) {
  if (rehashing()) RehashStep();
  const uint64_t h = Hash(key);
  if (KeyEntry* existing = Lookup(key, h)) return {existing, false};
  if (!rehashing()) {
    if (size_[0] == 0) {
      table_[0] = AllocBuckets(kInitialBuckets);
      size_[0] = kInitialBuckets;
    } else if (used_ >= size_[0]) {
      StartResize(size_[0] * 2);
    }
  }
  void* mem = ::operator new(sizeof(KeyEntry) + key.size());
  auto* entry = new (mem) KeyEntry{nullptr, std::move(value), kNoExpirePos, static_cast<uint32_t>(key.size())};
  std::memcpy(reinterpret_cast<char*>(entry + 1), key.data(), key.size());
  const int t = rehashing() ? 1 : 0;  // new keys go to the target table so the rehash never revisits them
  KeyEntry*& head = table_[t][h & (size_[t] - 1)];
  entry->next = head;
  head = entry;
  ++used_;
  return {entry, true};
}

KeyEntry* KeyTable::Unlink(std::string_view key) {
  if (used_ == 0) return nullptr;
  if (rehashing()) RehashStep();
  const uint64_t h = Hash(key);
  for (int t = 0; t < 2; ++t) {
    if (size_[t] == 0) continue;
    for (KeyEntry** link = &table_[t][h & (size_[t] - 1)]; *link != nullptr; link = &(*link)->next) {
      KeyEntry* e = *link;
      if (!KeyEquals(e, key)) continue;
      *link = e->next;
      e->next = nullptr;
      --used_;
      MaybeShrink();
      return e;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

void KeyTable::Destroy(KeyEntry* entry) {
  const size_t bytes = entry->AllocSize();
  entry->~KeyEntry();
  ::operator delete(static_cast<void*>(entry), bytes);
}

bool KeyTable::Erase(std::string_view key) {
  KeyEntry* e = Unlink(key);
  if (e == nullptr) return false;
  Destroy(e);
  return true;
}

void KeyTable::Clear() {
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      KeyEntry* e = table_[t][i];
      while (e != nullptr) {
        KeyEntry* next = e->next;
        Destroy(e);
        e = next;
      }
    }
    std::free(table_[t]);
    table_[t] = nullptr;
    size_[t] = 0;
  }
  used_ = 0;
  rehash_idx_ = -1;
}

void KeyTable::StartResize(size_t buckets) {
  if (used_ == 0) {  // nothing to move: swap the bucket array at once
    std::free(table_[0]);
    table_[0] = AllocBuckets(buckets);
    size_[0] = buckets;
    return;
  }
  table_[1] = AllocBuckets(buckets);
  size_[1] = buckets;
  rehash_idx_ = 0;
}

void KeyTable::MaybeShrink() {
  if (rehashing() || size_[0] <= kInitialBuckets) return;
  if (used_ * 100 >= size_[0] * kMinFillPercent) return;
  StartResize(NextPowerOfTwo(used_));
}

void KeyTable::RehashStep() {
  KeyEntry** src = table_[0];
  size_t empty_visits = kMaxEmptyVisits;
  auto idx = static_cast<size_t>(rehash_idx_);
  while (idx < size_[0] && src[idx] == nullptr) {
    ++idx;
    if (--empty_visits == 0) break;
  }
  if (idx < size_[0] && src[idx] != nullptr) {
    const uint64_t mask = size_[1] - 1;
    KeyEntry* e = src[idx];
    while (e != nullptr) {
      KeyEntry* next = e->next;
      KeyEntry*& head = table_[1][Hash(e->key()) & mask];
      e->next = head;
      head = e;
      e = next;
    }
    src[idx] = nullptr;
    ++idx;
  }
  rehash_idx_ = static_cast<int64_t>(idx);
  if (idx >= size_[0]) FinishRehash();
}

void KeyTable::FinishRehash() {
  std::free(table_[0]);
  table_[0] = table_[1];
  size_[0] = size_[1];
  table_[1] = nullptr;
  size_[1] = 0;
  rehash_idx_ = -1;
  // Deletions during a shrink can leave the result sparse again; Redis's cron would resize it.
  MaybeShrink();
}

bool KeyTable::RehashSteps(size_t buckets) {
  for (size_t i = 0; i < buckets && rehashing(); ++i) RehashStep();
  return rehashing();
}

uint64_t KeyTable::Scan(uint64_t cursor, const EntryVisitor& visit) const {
  if (used_ == 0) return 0;
  uint64_t v = cursor;
  if (!rehashing()) {
    const uint64_t m0 = size_[0] - 1;
    VisitChain(table_[0][v & m0], visit);
    return NextCursor(v, m0);
  }
  // While rehashing, visit the cursor's bucket in the smaller table, then every bucket of the larger
  // table that it expands to (their indexes share the smaller mask's bits).
  const int small = size_[0] <= size_[1] ? 0 : 1;
  const int large = 1 - small;
  const uint64_t m0 = size_[small] - 1;
  const uint64_t m1 = size_[large] - 1;
  VisitChain(table_[small][v & m0], visit);
  do {
    VisitChain(table_[large][v & m1], visit);
    v = NextCursor(v, m1);
  } while ((v & (m0 ^ m1)) != 0);
  return v;
}

bool KeyTable::ForEach(const EntryPredicate& visit) const {
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      for (KeyEntry* e = table_[t][i]; e != nullptr;) {
        KeyEntry* next = e->next;
        if (!visit(e)) return false;
        e = next;
      }
    }
  }
  return true;
}

KeyEntry* KeyTable::RandomEntry(FastRng& rng) {
  if (used_ == 0) return nullptr;
  if (rehashing()) RehashStep();
  KeyEntry* head = nullptr;
  if (rehashing()) {
    // Buckets of table_[0] below rehash_idx_ are empty: draw from the rest of both tables.
    const auto first = static_cast<size_t>(rehash_idx_);
    const size_t span = size_[0] + size_[1] - first;
    while (head == nullptr) {
      const size_t h = first + rng.Below(span);
      head = h >= size_[0] ? table_[1][h - size_[0]] : table_[0][h];
    }
  } else {
    const uint64_t mask = size_[0] - 1;
    while (head == nullptr) head = table_[0][rng.Next() & mask];
  }
  size_t length = 0;
  for (KeyEntry* e = head; e != nullptr; e = e->next) ++length;
  for (size_t pick = rng.Below(length); pick > 0; --pick) head = head->next;
  return head;
}

}  // namespace slotd
