// SetValue: intset (sorted int64 array) and hashtable (StringDict, keys only) encodings of the set
// type.
#include "server/keyspace/set_value.h"

#include <algorithm>
#include <charconv>

#include "server/commands/arg_parse.h"

namespace slotd {
namespace {

size_t Limit(int64_t configured) { return configured < 0 ? 0 : static_cast<size_t>(configured); }

}  // namespace

std::string_view SetMember::Text(char (&buf)[24]) const {
  if (!is_integer) return str;
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), integer);
  (void)ec;
  return std::string_view(buf, static_cast<size_t>(end - buf));
}

std::unique_ptr<SetValue> SetValue::ForFirstMember(std::string_view member) {
  return std::make_unique<SetValue>(/*intset=*/ParseInt64(member).has_value());
}

SetValue::SetValue(bool intset) {
  if (!intset) dict_ = std::make_unique<StringDict>(/*with_values=*/false);
}

SetValue::SetValue(const SetValue& other)
    : ints_(other.ints_),
      dict_(other.dict_ ? std::make_unique<StringDict>(*other.dict_) : nullptr) {}

size_t SetValue::MemoryUsage() const {
  return sizeof(SetValue) + ints_.capacity() * sizeof(int64_t) + (dict_ ? dict_->MemoryUsage() : 0);
}

std::unique_ptr<Collection> SetValue::Clone() const { return std::make_unique<SetValue>(*this); }

void SetValue::ConvertToDict() {
  auto dict = std::make_unique<StringDict>(/*with_values=*/false);
  dict->Reserve(ints_.size());
  char buf[24];
  for (int64_t v : ints_) dict->Insert(SetMember::Int(v).Text(buf));
  dict_ = std::move(dict);
  std::vector<int64_t>().swap(ints_);
}

bool SetValue::Add(std::string_view member, int64_t max_intset_entries) {
  if (dict_) return dict_->Insert(member);
  if (std::optional<int64_t> v = ParseInt64(member))
    return Add(SetMember::Int(*v), max_intset_entries);
  ConvertToDict();
  return dict_->Insert(member);
}

bool SetValue::Add(const SetMember& member, int64_t max_intset_entries) {
  if (!member.is_integer) return Add(member.str, max_intset_entries);
  if (dict_) {
    char buf[24];
    return dict_->Insert(member.Text(buf));
  }
  auto it = std::lower_bound(ints_.begin(), ints_.end(), member.integer);
  if (it != ints_.end() && *it == member.integer) return false;
  ints_.insert(it, member.integer);
  if (ints_.size() > Limit(max_intset_entries)) ConvertToDict();
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (dict_) return dict_->Erase(member);
  std::optional<int64_t> v = ParseInt64(member);
  if (!v) return false;
  auto it = std::lower_bound(ints_.begin(), ints_.end(), *v);
  if (it == ints_.end() || *it != *v) return false;
  ints_.erase(it);
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (dict_) return dict_->Find(member) != nullptr;
  std::optional<int64_t> v = ParseInt64(member);
  return v && std::binary_search(ints_.begin(), ints_.end(), *v);
}

bool SetValue::Contains(const SetMember& member) const {
  if (!member.is_integer) return Contains(member.str);
  if (dict_) {
    char buf[24];
    return dict_->Find(member.Text(buf)) != nullptr;
  }
  return std::binary_search(ints_.begin(), ints_.end(), member.integer);
}

void SetValue::RandomMembers(size_t count, std::vector<SetMember>* out) const {
  FastRng& rng = CollectionRng();
  for (size_t i = 0; i < count; ++i) {
    if (dict_) {
      out->push_back(SetMember::Str(StringDict::Key(dict_->Random(rng))));
    } else {
      out->push_back(SetMember::Int(ints_[rng.Below(ints_.size())]));
    }
  }
}

void SetValue::DistinctRandomMembers(size_t count, std::vector<SetMember>* out) const {
  if (count >= Length()) {
    ForEach([out](const SetMember& m) { out->push_back(m); });
    return;
  }
  FastRng& rng = CollectionRng();
  if (dict_) {
    std::vector<const StringDict::Entry*> entries;
    dict_->DistinctRandom(count, rng, &entries);
    for (const StringDict::Entry* e : entries) out->push_back(SetMember::Str(StringDict::Key(e)));
    return;
  }
  std::vector<int64_t> picked(ints_);
  KeepRandomSubset(&picked, count, rng);
  for (int64_t v : picked) out->push_back(SetMember::Int(v));
}

std::string SetValue::PopRandom() {
  FastRng& rng = CollectionRng();
  if (dict_) {
    std::string member(StringDict::Key(dict_->Random(rng)));
    dict_->Erase(member);
    return member;
  }
  auto it = ints_.begin() + static_cast<std::ptrdiff_t>(rng.Below(ints_.size()));
  std::string member = std::to_string(*it);
  ints_.erase(it);
  return member;
}

}  // namespace slotd
