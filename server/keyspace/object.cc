#include "server/keyspace/object.h"

#include <charconv>

namespace slotd {

std::string_view TypeName(ObjectType type) {
  switch (type) {
    case ObjectType::kString: return "string";
    case ObjectType::kList: return "list";
    case ObjectType::kSet: return "set";
    case ObjectType::kZSet: return "zset";
    case ObjectType::kHash: return "hash";
  }
  return "none";
}

namespace {

// Redis stores a string as an integer when string2l accepts it: no leading '+', no leading zeros, no spaces.
bool LooksLikeInteger(const std::string& s) {
  if (s.empty() || s.size() > 20) return false;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  return std::to_string(value) == s;
}

}  // namespace

std::string_view Object::EncodingName() const {
  if (type_ != ObjectType::kString) return collection_->EncodingName();
  if (LooksLikeInteger(str_)) return "int";
  return str_.size() <= 44 ? "embstr" : "raw";
}

size_t Object::MemoryUsage() const {
  size_t base = sizeof(Object);
  if (type_ == ObjectType::kString) return base + (str_.capacity() > 15 ? str_.capacity() + 1 : 0);
  return base + collection_->MemoryUsage();
}

Object Object::Clone() const {
  Object copy = type_ == ObjectType::kString ? Object(std::string(str_)) : Object(type_, collection_->Clone());
  copy.lru_clock = lru_clock;
  copy.lfu_counter = lfu_counter;
  copy.lfu_decr_time = lfu_decr_time;
  return copy;
}

}  // namespace slotd
