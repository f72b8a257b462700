// The hash type: "listpack" (one flat buffer of field/value pairs in insertion order, linear scan)
// while small, converted once to "hashtable" (StringDict) past hash-max-listpack-entries/-value;
// never back. Pure data structure: no RESP, no I/O; the thresholds are passed in by the caller.
//
// Invariants:
//  1. Exactly one encoding is live: dict_ == nullptr means listpack_ holds lp_count_ entries, each
//     varint(field len), field, varint(value len), value; fields are unique.
//  2. A listpack hash has at most max_listpack_entries entries and no field or value longer than
//     max_listpack_value bytes (as of the limits passed to its last Set).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/object.h"
#include "server/keyspace/string_dict.h"

namespace slotd {

// hash-max-listpack-entries / hash-max-listpack-value.
struct HashLimits {
  int64_t max_listpack_entries;
  int64_t max_listpack_value;
};

class HashValue final : public Collection {
 public:
  struct Pair {
    std::string_view field;
    std::string_view value;
  };

  HashValue() = default;
  HashValue(const HashValue& other);
  HashValue& operator=(const HashValue&) = delete;

  std::string_view EncodingName() const override;
  size_t Length() const override { return dict_ ? dict_->size() : lp_count_; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Collection> Clone() const override;

  bool is_listpack() const { return dict_ == nullptr; }

  // The value of `field`; the view is valid until the hash changes.
  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets `field` to `value`, converting to "hashtable" when the limits require it. Returns true
  // when the field is new. REQUIRES: neither view points into this hash (copy a Get() result).
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  // Removes `field`; false when absent.
  bool Delete(std::string_view field);

  // Visits every pair (listpack: insertion order); `visit(field, value)` must not modify the hash.
  template <class Visit>
  void ForEach(Visit&& visit) const {
    if (dict_) {
      dict_->ForEach(
          [&](const StringDict::Entry* e) { visit(StringDict::Key(e), StringDict::Value(e)); });
      return;
    }
    const char* p = listpack_.data();
    for (uint32_t i = 0; i < lp_count_; ++i) {
      Pair pair;
      p = DecodePair(p, &pair);
      visit(pair.field, pair.value);
    }
  }

  // HSCAN step: a listpack hash is visited whole and returns cursor 0; a hashtable visits one
  // bucket.
  template <class Visit>
  uint64_t ScanStep(uint64_t cursor, Visit&& visit) const {
    if (!dict_) {
      ForEach(visit);
      return 0;
    }
    return dict_->ScanStep(cursor, [&](const StringDict::Entry* e) {
      visit(StringDict::Key(e), StringDict::Value(e));
    });
  }

  // Appends `count` uniformly random pairs, repeats allowed (HRANDFIELD with a negative count).
  // REQUIRES: Length() > 0. Views are valid until the hash changes.
  void RandomPairs(size_t count, std::vector<Pair>* out) const;
  // Appends min(count, Length()) distinct random pairs (HRANDFIELD with a positive count); the
  // whole hash, in iteration order, when count >= Length().
  void DistinctRandomPairs(size_t count, std::vector<Pair>* out) const;

 private:
  static const char* DecodePair(const char* p, Pair* pair);
  // Byte offset of the entry holding `field`, or std::string::npos.
  size_t FindEntry(std::string_view field) const;
  void AllPairs(std::vector<Pair>* out) const;
  void ConvertToDict();

  std::string listpack_;
  uint32_t lp_count_ = 0;
  std::unique_ptr<StringDict> dict_;
};

}  // namespace slotd
