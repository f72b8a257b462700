// Reads RDB values into our types, converting encodings by our thresholds as Redis's
// rdbLoadObject does, and rejecting duplicates, NaN scores and malformed blobs.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "server/config/config.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"
#include "server/persistence/rdb/packed_blobs.h"
#include "server/persistence/rdb/value_codec.h"

namespace slotd::rdb {
namespace {

using MaybeObject = std::optional<Object>;
using ValueResult = Result<MaybeObject>;

constexpr uint64_t kContainerPlain = 1;
constexpr uint64_t kContainerPacked = 2;

Error Bad(const std::string& what) { return Error{"rdb: " + what}; }

// Walks a listpack or ziplist blob; `fn(const PackedElement&)` returns an error text or nullptr.
template <class Fn>
std::optional<Error> ForEachPacked(std::string_view blob, bool ziplist, Fn&& fn) {
  auto walk = [&](auto opened) -> std::optional<Error> {
    if (!opened) return Error{opened.error()};
    PackedElement e;
    for (;;) {
      auto more = opened->Next(&e);
      if (!more) return Error{more.error()};
      if (!*more) return std::nullopt;
      if (const char* err = fn(e)) return Bad(err);
    }
  };
  return ziplist ? walk(ZiplistReader::Open(blob)) : walk(ListpackReader::Open(blob));
}

// Walks a blob of alternating elements (field/value, member/score): `fn(first_text, second)`
// returns an error text or nullptr.
template <class Fn>
std::optional<Error> ForEachPackedPair(std::string_view blob, bool ziplist, std::string_view what,
                                       Fn&& fn) {
  char first_buf[24];
  std::string_view first;
  bool have_first = false;
  auto err = ForEachPacked(blob, ziplist, [&](const PackedElement& e) -> const char* {
    if (!have_first) {
      first = e.Text(first_buf);
      have_first = true;
      return nullptr;
    }
    have_first = false;
    return fn(first, e);
  });
  if (err) return err;
  if (have_first) return Bad(std::string(what) + " blob with an odd number of elements");
  return std::nullopt;
}

HashLimits HashLimitsOf(const Config& c) {
  return {c.hash_max_listpack_entries, c.hash_max_listpack_value};
}
ZSetLimits ZSetLimitsOf(const Config& c) {
  return {static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_entries, 0)),
          static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_value, 0))};
}

MaybeObject Finish(ObjectType type, std::unique_ptr<Collection> value) {
  if (value->Length() == 0) return std::nullopt;  // "empty key": skipped, or Bad data format
  return Object::FromCollection(type, std::move(value));
}

// ---- Lists ----

ValueResult ReadPlainList(Reader& r, const Config& config) {
  auto len = r.Length();
  if (!len) return Error{len.error()};
  auto list = std::make_unique<ListValue>(config.list_max_listpack_size);
  std::string scratch;
  for (uint64_t i = 0; i < *len; ++i) {
    auto s = r.StringView(&scratch);
    if (!s) return Error{s.error()};
    list->Push(ListValue::End::kTail, *s);
  }
  return Finish(ObjectType::kList, std::move(list));
}

std::optional<Error> AppendPacked(ListValue& list, std::string_view blob, bool ziplist) {
  char buf[24];
  return ForEachPacked(blob, ziplist, [&](const PackedElement& e) -> const char* {
    list.Push(ListValue::End::kTail, e.Text(buf));
    return nullptr;
  });
}

// Types 14 (nodes are ziplists) and 18 (container, then a listpack or one PLAIN element).
ValueResult ReadQuicklist(Reader& r, const Config& config, bool v2) {
  auto nodes = r.Length();
  if (!nodes) return Error{nodes.error()};
  auto list = std::make_unique<ListValue>(config.list_max_listpack_size);
  std::string scratch;
  for (uint64_t i = 0; i < *nodes; ++i) {
    uint64_t container = kContainerPacked;
    if (v2) {
      auto c = r.Length();
      if (!c) return Error{c.error()};
      if (*c != kContainerPlain && *c != kContainerPacked) {
        return Bad("unknown quicklist container " + std::to_string(*c));
      }
      container = *c;
    }
    auto blob = r.StringView(&scratch);
    if (!blob) return Error{blob.error()};
    if (container == kContainerPlain) {
      list->Push(ListValue::End::kTail, *blob);
      continue;
    }
    // Empty nodes are skipped, as Redis does.
    if (auto err = AppendPacked(*list, *blob, !v2)) return *err;
  }
  return Finish(ObjectType::kList, std::move(list));
}

ValueResult ReadZiplistList(Reader& r, const Config& config) {
  std::string scratch;
  auto blob = r.StringView(&scratch);
  if (!blob) return Error{blob.error()};
  auto list = std::make_unique<ListValue>(config.list_max_listpack_size);
  if (auto err = AppendPacked(*list, *blob, true)) return *err;
  return Finish(ObjectType::kList, std::move(list));
}

// ---- Sets ----

ValueResult ReadSet(Reader& r, const Config& config) {
  auto len = r.Length();
  if (!len) return Error{len.error()};
  std::unique_ptr<SetValue> set;
  std::string scratch;
  for (uint64_t i = 0; i < *len; ++i) {
    auto s = r.StringView(&scratch);
    if (!s) return Error{s.error()};
    if (!set) set = SetValue::ForFirstMember(*s);
    if (!set->Add(*s, config.set_max_intset_entries)) return Bad("duplicate set member");
  }
  if (!set) return MaybeObject();
  return Finish(ObjectType::kSet, std::move(set));
}

ValueResult ReadIntset(Reader& r, const Config& config) {
  std::string scratch;
  auto blob = r.StringView(&scratch);
  if (!blob) return Error{blob.error()};
  auto view = IntsetView::Open(*blob);
  if (!view) return Error{view.error()};
  auto set = std::make_unique<SetValue>(true);
  for (size_t i = 0; i < view->size(); ++i) {
    set->Add(SetMember::Int(view->At(i)), config.set_max_intset_entries);
  }
  return Finish(ObjectType::kSet, std::move(set));
}

// ---- Hashes ----

ValueResult ReadHash(Reader& r, const Config& config) {
  auto len = r.Length();
  if (!len) return Error{len.error()};
  auto hash = std::make_unique<HashValue>();
  HashLimits limits = HashLimitsOf(config);
  std::string field_scratch;
  std::string value_scratch;
  for (uint64_t i = 0; i < *len; ++i) {
    auto field = r.StringView(&field_scratch);
    if (!field) return Error{field.error()};
    auto value = r.StringView(&value_scratch);
    if (!value) return Error{value.error()};
    if (!hash->Set(*field, *value, limits)) return Bad("duplicate hash field");
  }
  return Finish(ObjectType::kHash, std::move(hash));
}

ValueResult ReadPackedHash(Reader& r, const Config& config, bool ziplist) {
  std::string scratch;
  auto blob = r.StringView(&scratch);
  if (!blob) return Error{blob.error()};
  auto hash = std::make_unique<HashValue>();
  HashLimits limits = HashLimitsOf(config);
  char value_buf[24];
  auto err = ForEachPackedPair(
      *blob, ziplist, "hash", [&](std::string_view field, const PackedElement& value) {
        return hash->Set(field, value.Text(value_buf), limits) ? nullptr : "duplicate hash field";
      });
  if (err) return *err;
  return Finish(ObjectType::kHash, std::move(hash));
}

// ---- Sorted sets ----

std::unique_ptr<ZSetValue> EmptyZSet(uint64_t len, const ZSetLimits& limits) {
  if (len > limits.max_listpack_entries) return ZSetValue::EmptySkiplist();
  return std::make_unique<ZSetValue>();
}

const char* AddMember(ZSetValue& zset, std::string_view member, double score,
                      const ZSetLimits& limits) {
  if (std::isnan(score)) return "sorted set score is NaN";
  auto added = zset.Add(member, score, 0, limits);
  return added.outcome == ZSetValue::AddResult::kAdded ? nullptr : "duplicate sorted set member";
}

// Old ASCII scores (type 3): a length byte, 253 = NaN, 254 = +inf, 255 = -inf.
Result<double> ReadAsciiScore(Reader& r) {
  auto n = r.Byte();
  if (!n) return Error{n.error()};
  if (*n == 253) return std::nan("");
  if (*n == 254) return HUGE_VAL;
  if (*n == 255) return -HUGE_VAL;
  auto text = r.Bytes(*n);
  if (!text) return Error{text.error()};
  char buf[256];
  std::memcpy(buf, text->data(), text->size());
  buf[text->size()] = '\0';
  char* end = nullptr;
  double v = std::strtod(buf, &end);
  if (end != buf + text->size()) return Bad("bad sorted set score");
  return v;
}

ValueResult ReadZSet(Reader& r, const Config& config, bool binary_scores) {
  auto len = r.Length();
  if (!len) return Error{len.error()};
  ZSetLimits limits = ZSetLimitsOf(config);
  auto zset = EmptyZSet(*len, limits);
  std::string scratch;
  for (uint64_t i = 0; i < *len; ++i) {
    auto member = r.StringView(&scratch);
    if (!member) return Error{member.error()};
    double score;
    if (binary_scores) {
      auto bits = r.U64Le();
      if (!bits) return Error{bits.error()};
      std::memcpy(&score, &*bits, sizeof(score));
    } else {
      auto s = ReadAsciiScore(r);
      if (!s) return Error{s.error()};
      score = *s;
    }
    if (const char* err = AddMember(*zset, *member, score, limits)) return Bad(err);
  }
  return Finish(ObjectType::kZSet, std::move(zset));
}

// Listpack scores are integers or text (zzlStrtod).
bool PackedScore(const PackedElement& e, double* score) {
  if (e.is_integer) {
    *score = static_cast<double>(e.integer);
    return true;
  }
  if (e.str.empty() || e.str.size() > 127) return false;
  char buf[128];
  std::memcpy(buf, e.str.data(), e.str.size());
  buf[e.str.size()] = '\0';
  char* end = nullptr;
  *score = std::strtod(buf, &end);
  return end == buf + e.str.size();
}

ValueResult ReadPackedZSet(Reader& r, const Config& config, bool ziplist) {
  std::string scratch;
  auto blob = r.StringView(&scratch);
  if (!blob) return Error{blob.error()};
  ZSetLimits limits = ZSetLimitsOf(config);
  auto zset = std::make_unique<ZSetValue>();
  auto err = ForEachPackedPair(
      *blob, ziplist, "sorted set",
      [&](std::string_view member, const PackedElement& score_element) -> const char* {
        double score;
        if (!PackedScore(score_element, &score)) return "bad sorted set score";
        return AddMember(*zset, member, score, limits);
      });
  if (err) return *err;
  return Finish(ObjectType::kZSet, std::move(zset));
}

ValueResult ReadString(Reader& r) {
  std::string scratch;
  auto s = r.StringView(&scratch);
  if (!s) return Error{s.error()};
  return MaybeObject(Object::String(*s));
}

}  // namespace

const char* UnsupportedTypeName(uint8_t type) {
  switch (type) {
    case kTypeModule:
    case kTypeModule2:
      return "module";
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
    case 21:  // 7.2's STREAM_LISTPACKS_3
      return "stream";
    case kTypeHashZipmap:
      return "zipmap-encoded hash";
    default:
      return nullptr;
  }
}

Result<std::optional<Object>> ReadValue(Reader& r, uint8_t type, const Config& config) {
  switch (type) {
    case kTypeString:
      return ReadString(r);
    case kTypeList:
      return ReadPlainList(r, config);
    case kTypeListZiplist:
      return ReadZiplistList(r, config);
    case kTypeListQuicklist:
      return ReadQuicklist(r, config, false);
    case kTypeListQuicklist2:
      return ReadQuicklist(r, config, true);
    case kTypeSet:
      return ReadSet(r, config);
    case kTypeSetIntset:
      return ReadIntset(r, config);
    case kTypeHash:
      return ReadHash(r, config);
    case kTypeHashZiplist:
      return ReadPackedHash(r, config, true);
    case kTypeHashListpack:
      return ReadPackedHash(r, config, false);
    case kTypeZset:
      return ReadZSet(r, config, false);
    case kTypeZset2:
      return ReadZSet(r, config, true);
    case kTypeZsetZiplist:
      return ReadPackedZSet(r, config, true);
    case kTypeZsetListpack:
      return ReadPackedZSet(r, config, false);
    default:
      break;
  }
  if (const char* name = UnsupportedTypeName(type)) {
    return Bad(std::string("value type ") + std::to_string(type) + " (" + name +
               ") is not supported by slotd");
  }
  return Bad("unknown value type " + std::to_string(type));
}

}  // namespace slotd::rdb
