// HashValue: listpack (flat buffer, linear scan) and hashtable (StringDict) encodings of the hash
// type.
#include "server/keyspace/hash_value.h"

#include <algorithm>
#include <cstring>

namespace slotd {
namespace {

using varint::GetVarint;
using varint::PutVarint;
using varint::VarintSize;

// Redis converts a listpack that would grow past 1 GB (lpSafeToAdd's SIZE_SAFETY_LIMIT).
constexpr size_t kListpackSafetyLimit = 1ULL << 30;

size_t Limit(int64_t configured) { return configured < 0 ? 0 : static_cast<size_t>(configured); }

void AppendVarString(std::string* out, std::string_view s) {
  char len[10];
  char* end = PutVarint(len, s.size());
  out->append(len, end);
  out->append(s);
}

}  // namespace

HashValue::HashValue(const HashValue& other)
    : listpack_(other.listpack_),
      lp_count_(other.lp_count_),
      dict_(other.dict_ ? std::make_unique<StringDict>(*other.dict_) : nullptr) {}

std::string_view HashValue::EncodingName() const { return dict_ ? "hashtable" : "listpack"; }

size_t HashValue::MemoryUsage() const {
  size_t bytes = sizeof(HashValue);
  if (listpack_.capacity() > 15) bytes += listpack_.capacity() + 1;
  if (dict_) bytes += dict_->MemoryUsage();
  return bytes;
}

std::unique_ptr<Collection> HashValue::Clone() const { return std::make_unique<HashValue>(*this); }

const char* HashValue::DecodePair(const char* p, Pair* pair) {
  uint64_t len = 0;
  p = GetVarint(p, &len);
  pair->field = std::string_view(p, len);
  p = GetVarint(p + len, &len);
  pair->value = std::string_view(p, len);
  return p + len;
}

size_t HashValue::FindEntry(std::string_view field) const {
  const char* begin = listpack_.data();
  const char* p = begin;
  for (uint32_t i = 0; i < lp_count_; ++i) {
    const char* entry = p;
    Pair pair;
    p = DecodePair(p, &pair);
    if (pair.field == field) return static_cast<size_t>(entry - begin);
  }
  return std::string::npos;
}

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  if (dict_) {
    const StringDict::Entry* e = dict_->Find(field);
    if (e == nullptr) return std::nullopt;
    return StringDict::Value(e);
  }
  size_t pos = FindEntry(field);
  if (pos == std::string::npos) return std::nullopt;
  Pair pair;
  DecodePair(listpack_.data() + pos, &pair);
  return pair.value;
}

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!dict_) {
    size_t max_value = Limit(limits.max_listpack_value);
    if (field.size() > max_value || value.size() > max_value ||
        listpack_.size() + field.size() + value.size() > kListpackSafetyLimit) {
      ConvertToDict();
    }
  }
  if (dict_) return dict_->Set(field, value);

  size_t pos = FindEntry(field);
  if (pos != std::string::npos) {
    Pair old;
    const char* end = DecodePair(listpack_.data() + pos, &old);
    size_t value_pos = static_cast<size_t>(old.value.data() - listpack_.data());
    size_t len_pos = value_pos - VarintSize(old.value.size());
    size_t old_len = static_cast<size_t>(end - listpack_.data()) - len_pos;
    size_t new_len = VarintSize(value.size()) + value.size();
    listpack_.replace(len_pos, old_len, new_len, '\0');
    char* p = PutVarint(listpack_.data() + len_pos, value.size());
    std::memcpy(p, value.data(), value.size());
    return false;
  }
  AppendVarString(&listpack_, field);
  AppendVarString(&listpack_, value);
  ++lp_count_;
  if (lp_count_ > Limit(limits.max_listpack_entries)) ConvertToDict();
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (dict_) return dict_->Erase(field);
  size_t pos = FindEntry(field);
  if (pos == std::string::npos) return false;
  Pair pair;
  const char* end = DecodePair(listpack_.data() + pos, &pair);
  listpack_.erase(pos, static_cast<size_t>(end - listpack_.data()) - pos);
  --lp_count_;
  return true;
}

void HashValue::ConvertToDict() {
  auto dict = std::make_unique<StringDict>(/*with_values=*/true);
  dict->Reserve(lp_count_);
  ForEach([&dict](std::string_view field, std::string_view value) { dict->Insert(field, value); });
  dict_ = std::move(dict);
  std::string().swap(listpack_);
  lp_count_ = 0;
}

void HashValue::AllPairs(std::vector<Pair>* out) const {
  out->reserve(out->size() + Length());
  ForEach([out](std::string_view field, std::string_view value) {
    out->push_back({field, value});
  });
}

void HashValue::RandomPairs(size_t count, std::vector<Pair>* out) const {
  FastRng& rng = CollectionRng();
  if (dict_) {
    for (size_t i = 0; i < count; ++i) {
      const StringDict::Entry* e = dict_->Random(rng);
      out->push_back({StringDict::Key(e), StringDict::Value(e)});
    }
    return;
  }
  // A listpack is small: decode it once, then draw indexes.
  std::vector<Pair> all;
  AllPairs(&all);
  for (size_t i = 0; i < count; ++i) out->push_back(all[rng.Below(all.size())]);
}

void HashValue::DistinctRandomPairs(size_t count, std::vector<Pair>* out) const {
  if (count >= Length()) {
    AllPairs(out);
    return;
  }
  FastRng& rng = CollectionRng();
  if (dict_) {
    std::vector<const StringDict::Entry*> entries;
    dict_->DistinctRandom(count, rng, &entries);
    for (const StringDict::Entry* e : entries)
      out->push_back({StringDict::Key(e), StringDict::Value(e)});
    return;
  }
  std::vector<Pair> all;
  AllPairs(&all);
  KeepRandomSubset(&all, count, rng);
  out->insert(out->end(), all.begin(), all.end());
}

}  // namespace slotd
