// StringDict: chained power-of-two hash table of byte strings (optionally with values), one
// allocation per entry, reverse-binary SCAN cursors and exactly uniform rejection sampling.
#include "server/keyspace/string_dict.h"

#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <unordered_set>

namespace slotd {
namespace {

using varint::GetVarint;
using varint::PutVarint;
using varint::VarintSize;

constexpr size_t kMinBuckets = 4;

uint64_t ProcessSeed() {
  static const uint64_t seed = [] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }();
  return seed;
}

const char* Payload(const StringDict::Entry* e) { return reinterpret_cast<const char*>(e + 1); }

// Where the value's varint starts (just past the key), and the key itself.
const char* KeyEnd(const StringDict::Entry* e, std::string_view* key) {
  uint64_t len = 0;
  const char* p = GetVarint(Payload(e), &len);
  *key = std::string_view(p, len);
  return p + len;
}

size_t EntrySize(const StringDict::Entry* e, bool with_values) {
  std::string_view key;
  const char* end = KeyEnd(e, &key);
  if (with_values) {
    uint64_t len = 0;
    end = GetVarint(end, &len) + len;
  }
  return static_cast<size_t>(end - reinterpret_cast<const char*>(e));
}

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

size_t BucketsFor(size_t n) {
  size_t buckets = kMinBuckets;
  while (buckets < n) buckets <<= 1;
  return buckets;
}

}  // namespace

FastRng& CollectionRng() {
  static FastRng rng(ProcessSeed() ^ 0x5DEECE66DULL);
  return rng;
}

StringDict::~StringDict() {
  for (size_t b = 0; b < bucket_count_; ++b) {
    Entry* e = buckets_[b];
    while (e != nullptr) {
      Entry* next = e->next;
      ::operator delete(e);
      e = next;
    }
  }
  std::free(buckets_);
}

StringDict::StringDict(const StringDict& other) : with_values_(other.with_values_) {
  Reserve(other.size_);
  other.ForEach(
      [this](const Entry* e) { Insert(Key(e), with_values_ ? Value(e) : std::string_view()); });
}

std::string_view StringDict::Key(const Entry* e) {
  std::string_view key;
  KeyEnd(e, &key);
  return key;
}

std::string_view StringDict::Value(const Entry* e) {
  std::string_view key;
  uint64_t len = 0;
  const char* p = GetVarint(KeyEnd(e, &key), &len);
  return std::string_view(p, len);
}

uint64_t StringDict::Hash(std::string_view key) const {
  return XXH3_64bits_withSeed(key.data(), key.size(), ProcessSeed());
}

uint64_t StringDict::NextCursor(uint64_t cursor, uint64_t mask) {
  // Reverse-binary increment (Redis's dictScan): buckets a key can move to on resize are never
  // skipped.
  cursor |= ~mask;
  cursor = ReverseBits(cursor);
  ++cursor;
  return ReverseBits(cursor);
}

StringDict::Entry* StringDict::NewEntry(std::string_view key, std::string_view value) const {
  size_t bytes = sizeof(Entry) + VarintSize(key.size()) + key.size();
  if (with_values_) bytes += VarintSize(value.size()) + value.size();
  auto* e = static_cast<Entry*>(::operator new(bytes));
  e->next = nullptr;
  char* p = PutVarint(reinterpret_cast<char*>(e + 1), key.size());
  std::memcpy(p, key.data(), key.size());
  p += key.size();
  if (with_values_) {
    p = PutVarint(p, value.size());
    std::memcpy(p, value.data(), value.size());
  }
  return e;
}

void StringDict::FreeEntry(Entry* e) {
  entry_bytes_ -= EntrySize(e, with_values_);
  ::operator delete(e);
}

StringDict::Entry** StringDict::FindLink(std::string_view key, size_t* chain_len) const {
  Entry** link = &buckets_[Hash(key) & (bucket_count_ - 1)];
  size_t walked = 0;
  while (*link != nullptr) {
    std::string_view k = Key(*link);
    if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) break;
    link = &(*link)->next;
    ++walked;
  }
  *chain_len = walked;
  return link;
}

const StringDict::Entry* StringDict::Find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  size_t walked = 0;
  return *FindLink(key, &walked);
}

void StringDict::GrowIfNeeded() {
  if (bucket_count_ == 0) {
    Rehash(kMinBuckets);
  } else if (size_ + 1 > bucket_count_) {
    Rehash(bucket_count_ * 2);
  }
}

bool StringDict::Insert(std::string_view key, std::string_view value) {
  GrowIfNeeded();
  size_t walked = 0;
  Entry** link = FindLink(key, &walked);
  if (*link != nullptr) return false;
  Entry* e = NewEntry(key, value);
  *link = e;  // at the chain's end: SCAN order within a bucket does not matter
  entry_bytes_ += EntrySize(e, with_values_);
  ++size_;
  if (walked + 1 > max_chain_) max_chain_ = walked + 1;
  return true;
}

bool StringDict::Set(std::string_view key, std::string_view value) {
  GrowIfNeeded();
  size_t walked = 0;
  Entry** link = FindLink(key, &walked);
  Entry* old = *link;
  if (old == nullptr) return Insert(key, value);
  std::string_view old_value = Value(old);
  if (old_value.size() == value.size()) {
    std::memmove(const_cast<char*>(old_value.data()), value.data(), value.size());
    return false;
  }
  Entry* e = NewEntry(key, value);
  e->next = old->next;
  *link = e;
  entry_bytes_ += EntrySize(e, with_values_);
  FreeEntry(old);
  return false;
}

bool StringDict::Erase(std::string_view key) {
  if (size_ == 0) return false;
  size_t walked = 0;
  Entry** link = FindLink(key, &walked);
  Entry* e = *link;
  if (e == nullptr) return false;
  *link = e->next;
  FreeEntry(e);
  --size_;
  if (bucket_count_ > kMinBuckets && size_ * 4 < bucket_count_) Rehash(BucketsFor(size_));
  return true;
}

void StringDict::Reserve(size_t n) {
  if (n > bucket_count_) Rehash(BucketsFor(n));
}

void StringDict::Rehash(size_t buckets) {
  void* mem = std::calloc(buckets, sizeof(Entry*));
  if (mem == nullptr) throw std::bad_alloc();
  auto* fresh = static_cast<Entry**>(mem);
  const uint64_t mask = buckets - 1;
  size_t max_chain = 0;
  for (size_t b = 0; b < bucket_count_; ++b) {
    Entry* e = buckets_[b];
    while (e != nullptr) {
      Entry* next = e->next;
      Entry** slot = &fresh[Hash(Key(e)) & mask];
      e->next = *slot;
      *slot = e;
      e = next;
    }
  }
  for (size_t b = 0; b < buckets; ++b) {
    size_t len = 0;
    for (Entry* e = fresh[b]; e != nullptr; e = e->next) ++len;
    if (len > max_chain) max_chain = len;
  }
  std::free(buckets_);
  buckets_ = fresh;
  bucket_count_ = buckets;
  max_chain_ = max_chain;
}

const StringDict::Entry* StringDict::Random(FastRng& rng) const {
  // Rejection sampling: a uniform (bucket, position < max_chain_) pair hits each entry with the
  // same probability. Expected tries are bucket_count_ * max_chain_ / size_, small by invariant 1.
  for (;;) {
    const Entry* e = buckets_[rng.Next() & (bucket_count_ - 1)];
    uint64_t pos = max_chain_ > 1 ? rng.Below(max_chain_) : 0;
    while (e != nullptr && pos > 0) {
      e = e->next;
      --pos;
    }
    if (e != nullptr) return e;
  }
}

void StringDict::DistinctRandom(size_t count, FastRng& rng, std::vector<const Entry*>* out) const {
  if (count > size_) count = size_;
  if (count * 3 > size_) {
    // Most entries are wanted: shuffling a list of all of them is cheaper than rejecting repeats.
    std::vector<const Entry*> all;
    all.reserve(size_);
    ForEach([&all](const Entry* e) { all.push_back(e); });
    KeepRandomSubset(&all, count, rng);
    out->insert(out->end(), all.begin(), all.end());
    return;
  }
  // At most a third of the entries are wanted, so each draw is new with probability >= 2/3.
  std::unordered_set<const Entry*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const Entry* e = Random(rng);
    if (seen.insert(e).second) out->push_back(e);
  }
}

size_t StringDict::MemoryUsage() const {
  // Allocator overhead: about 8 bytes per chunk, rounded to 16.
  return sizeof(StringDict) + bucket_count_ * sizeof(Entry*) + entry_bytes_ + size_ * 8;
}

}  // namespace slotd
