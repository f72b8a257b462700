// The set type: "intset" (a sorted array of 64-bit integers, binary searched) while every member is
// an integer and there are at most set-max-intset-entries, converted once to "hashtable"
// (StringDict). Pure data structure: no RESP, no I/O; the threshold is passed in by the caller.
//
// Invariants:
//  1. Exactly one encoding is live: dict_ == nullptr means ints_ holds the members, strictly
//     ascending.
//  2. Only strings that Redis's string2ll accepts (ParseInt64) are stored in ints_, so the member
//     text is the integer's decimal form and a member is never in the wrong representation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/object.h"
#include "server/keyspace/string_dict.h"

namespace slotd {

// One member as a set hands it out: an integer (intset) or bytes (hashtable, valid until the set
// changes).
struct SetMember {
  std::string_view str;
  int64_t integer = 0;
  bool is_integer = false;

  static SetMember Int(int64_t v) { return {{}, v, true}; }
  static SetMember Str(std::string_view s) { return {s, 0, false}; }
  // The member's bytes; integers are formatted into `buf`.
  std::string_view Text(char (&buf)[24]) const;
};

class SetValue final : public Collection {
 public:
  // An empty set in the encoding Redis's setTypeCreate picks for its first member: intset for
  // integers.
  static std::unique_ptr<SetValue> ForFirstMember(std::string_view member);

  explicit SetValue(bool intset = true);
  SetValue(const SetValue& other);
  SetValue& operator=(const SetValue&) = delete;

  std::string_view EncodingName() const override { return dict_ ? "hashtable" : "intset"; }
  size_t Length() const override { return dict_ ? dict_->size() : ints_.size(); }
  size_t MemoryUsage() const override;
  std::unique_ptr<Collection> Clone() const override;

  bool is_intset() const { return dict_ == nullptr; }

  // Adds a member (converting to "hashtable" for a non-integer or past `max_intset_entries`);
  // returns true when it was new. The SetMember overload skips formatting and parsing when both are
  // integers.
  bool Add(std::string_view member, int64_t max_intset_entries);
  bool Add(const SetMember& member, int64_t max_intset_entries);
  // Removes a member; false when absent.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  bool Contains(const SetMember& member) const;

  // Visits every member (intset: ascending); `visit(const SetMember&)` must not modify the set.
  template <class Visit>
  void ForEach(Visit&& visit) const {
    if (dict_) {
      dict_->ForEach(
          [&](const StringDict::Entry* e) { visit(SetMember::Str(StringDict::Key(e))); });
      return;
    }
    for (int64_t v : ints_) visit(SetMember::Int(v));
  }

  // SSCAN step: an intset is visited whole and returns cursor 0; a hashtable visits one bucket.
  template <class Visit>
  uint64_t ScanStep(uint64_t cursor, Visit&& visit) const {
    if (!dict_) {
      ForEach(visit);
      return 0;
    }
    return dict_->ScanStep(
        cursor, [&](const StringDict::Entry* e) { visit(SetMember::Str(StringDict::Key(e))); });
  }

  // Appends `count` uniformly random members, repeats allowed. REQUIRES: Length() > 0.
  void RandomMembers(size_t count, std::vector<SetMember>* out) const;
  // Appends min(count, Length()) distinct random members; the whole set when count >= Length().
  void DistinctRandomMembers(size_t count, std::vector<SetMember>* out) const;
  // Removes a uniformly random member and returns its text. REQUIRES: Length() > 0.
  std::string PopRandom();

 private:
  void ConvertToDict();

  std::vector<int64_t> ints_;
  std::unique_ptr<StringDict> dict_;
};

}  // namespace slotd
