// Helpers shared by the sorted-set command files (see zset_common.h).
#include "server/commands/zset_common.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/keyspace/database.h"

namespace slotd::zset {
namespace {

// strtod needs a terminated string; arguments are views into the request buffer.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(small_)) {
      s.copy(small_, s.size());
      small_[s.size()] = '\0';
      ptr_ = small_;
    } else {
      large_.assign(s);
      ptr_ = large_.c_str();
    }
  }
  const char* get() const { return ptr_; }

 private:
  char small_[64];
  std::string large_;
  const char* ptr_;
};

// One zslParseRange bound: strtod must stop at the terminator (so trailing garbage fails, while a
// leading space or nothing at all is accepted, as in Redis), and NaN is refused.
bool ParseScoreBound(std::string_view s, double* value, bool* exclusive) {
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  CString text(s);
  char* end = nullptr;
  *value = std::strtod(text.get(), &end);
  return *end == '\0' && !std::isnan(*value);
}

bool ParseLexBound(std::string_view s, ZLexBound* bound) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      bound->kind = s[0] == '+' ? ZLexBound::kPosInf : ZLexBound::kNegInf;
      bound->exclusive = true;
      return true;
    case '(':
    case '[':
      bound->kind = ZLexBound::kValue;
      bound->exclusive = s[0] == '(';
      bound->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

}  // namespace

ZSetLimits Limits(const CommandContext& ctx) {
  const Config& config = ctx.config();
  return {static_cast<size_t>(std::max<int64_t>(config.zset_max_listpack_entries, 0)),
          static_cast<size_t>(std::max<int64_t>(config.zset_max_listpack_value, 0))};
}

ZSetValue* Find(CommandContext& ctx, std::string_view key, uint32_t lookup_flags,
                bool* wrong_type) {
  return LookupCollection<ZSetValue>(ctx, key, ObjectType::kZSet, lookup_flags, wrong_type);
}

std::optional<double> ParseScore(std::string_view s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  CString text(s);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(text.get(), &end);
  if (end != text.get() + s.size() || std::isnan(value)) return std::nullopt;
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  return value;
}

std::optional<ZScoreRange> ParseScoreRange(std::string_view min, std::string_view max) {
  ZScoreRange range;
  if (!ParseScoreBound(min, &range.min, &range.min_exclusive) ||
      !ParseScoreBound(max, &range.max, &range.max_exclusive)) {
    return std::nullopt;
  }
  return range;
}

std::optional<ZLexRange> ParseLexRange(std::string_view min, std::string_view max) {
  ZLexRange range;
  if (!ParseLexBound(min, &range.min) || !ParseLexBound(max, &range.max)) return std::nullopt;
  return range;
}

ZSetValue::Ranks RankInterval(int64_t start, int64_t end, size_t length) {
  auto len = static_cast<int64_t>(length);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return {};
  if (end >= len) end = len - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(end) + 1};
}

void EntryWriter::AddRun(ZSetValue::Cursor c, size_t count, bool reverse) {
  for (size_t i = 0; i < count && c.valid(); ++i) {
    Add(c.member(), c.score());
    if (reverse) {
      c.Prev();
    } else {
      c.Next();
    }
  }
}

namespace {

size_t StoreValue(CommandContext& ctx, std::string_view key, std::unique_ptr<ZSetValue> value,
                  std::string_view event) {
  if (value->Length() == 0) {
    if (ctx.db().Erase(key)) ctx.Modified(key, notify::kGeneric, "del");
    return 0;
  }
  size_t length = value->Length();
  ctx.db().Set(key, Object::FromCollection(ObjectType::kZSet, std::move(value)));
  ctx.Modified(key, notify::kZset, event);
  return length;
}

}  // namespace

size_t Store(CommandContext& ctx, std::string_view key, std::span<const ZEntry> entries,
             std::string_view event) {
  return StoreValue(ctx, key, ZSetValue::FromSorted(entries, Limits(ctx)), event);
}

size_t StoreInOrder(CommandContext& ctx, std::string_view key, std::span<const ZEntry> entries,
                    std::string_view event) {
  ZSetLimits limits = Limits(ctx);
  auto value = entries.size() > limits.max_listpack_entries ? ZSetValue::EmptySkiplist()
                                                            : std::make_unique<ZSetValue>();
  for (const ZEntry& e : entries) value->Add(e.member, e.score, 0, limits);
  return StoreValue(ctx, key, std::move(value), event);
}

void AfterRemoval(CommandContext& ctx, std::string_view key, const ZSetValue& value,
                  std::string_view event) {
  const bool emptied = value.Length() == 0;
  if (emptied) ctx.db().Erase(key);
  ctx.Modified(key, notify::kZset, event);
  if (emptied) ctx.Notify(notify::kGeneric, "del", key);
}

bool FindNumKeys(ArgList args, size_t numkeys_index, bool dest_first,
                 std::vector<int>* key_indexes) {
  if (args.size() <= numkeys_index) return false;
  std::optional<int64_t> numkeys = ParseInt64(args[numkeys_index]);
  if (!numkeys || *numkeys <= 0 ||
      static_cast<uint64_t>(*numkeys) > args.size() - numkeys_index - 1) {
    return false;
  }
  if (dest_first) key_indexes->push_back(1);
  for (int64_t i = 0; i < *numkeys; ++i) {
    key_indexes->push_back(static_cast<int>(numkeys_index + 1 + static_cast<size_t>(i)));
  }
  return true;
}

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 CommandHandler handler, std::string_view acl, std::string_view summary,
                 std::string_view since, std::string_view complexity) {
  return CollectionSpec(name, arity, flags, first_key, last_key, first_key > 0 ? 1 : 0, handler,
                        acl, "sorted-set", summary, since, complexity);
}

}  // namespace slotd::zset
