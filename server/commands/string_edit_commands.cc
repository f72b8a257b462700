// String commands that edit a value in place or read part of it: INCR DECR INCRBY DECRBY
// INCRBYFLOAT APPEND SETRANGE GETRANGE SUBSTR STRLEN. In-place edits keep the key's TTL, as Redis's
// dbOverwrite does.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <limits>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Stores `text` at `key`: in place when the key exists (TTL kept), else as a new key. `encoding` is
// what Redis's new object reports: INCR's is an integer, INCRBYFLOAT's an embstr even for "3".
void StoreString(CommandContext& ctx, std::string_view key, Object* existing, std::string_view text,
                 StringEncoding encoding, std::string_view event) {
  if (existing != nullptr) {
    existing->SetString(text, encoding);
  } else {
    ctx.db().Set(key, Object::String(text, encoding));
  }
  ctx.Modified(key, notify::kString, event);
}

void IncrDecrBy(CommandContext& ctx, std::string_view key, int64_t incr) {
  StringLookup found = LookupString(ctx, key, kLookupForWrite);
  if (found.wrong_type) return;
  int64_t value = 0;
  if (found.value != nullptr) {
    std::optional<int64_t> parsed = ParseInt64(found.value->str());
    if (!parsed) return ctx.NotInteger();
    value = *parsed;
  }
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if ((incr < 0 && value < 0 && incr < kMin - value) ||
      (incr > 0 && value > 0 && incr > kMax - value)) {
    return ctx.reply().Error(errors::kOverflow);
  }
  value += incr;
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  StoreString(ctx, key, found.value, std::string_view(buf, static_cast<size_t>(end - buf)),
              StringEncoding::kAuto, "incrby");
  ctx.reply().Integer(value);
}

void Incr(CommandContext& ctx, ArgList args) { IncrDecrBy(ctx, args[1], 1); }
void Decr(CommandContext& ctx, ArgList args) { IncrDecrBy(ctx, args[1], -1); }

void IncrBy(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> incr = ParseInt64(args[2]);
  if (!incr) return ctx.NotInteger();
  IncrDecrBy(ctx, args[1], *incr);
}

void DecrBy(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> decr = ParseInt64(args[2]);
  if (!decr) return ctx.NotInteger();
  if (*decr == std::numeric_limits<int64_t>::min())
    return ctx.reply().Error(errors::kDecrementOverflow);
  IncrDecrBy(ctx, args[1], -*decr);
}

void IncrByFloat(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupForWrite);
  if (found.wrong_type) return;
  long double value = 0;
  if (found.value != nullptr) {
    std::optional<long double> parsed = ParseLongDouble(found.value->str());
    if (!parsed) return ctx.reply().Error(errors::kNotFloat);
    value = *parsed;
  }
  std::optional<long double> incr = ParseLongDouble(args[2]);
  if (!incr) return ctx.reply().Error(errors::kNotFloat);
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.reply().Error(errors::kNanOrInfinity);
  std::string text = FormatLongDoubleHuman(value);
  StoreString(ctx, args[1], found.value, text, StringEncoding::kEmbstr, "incrbyfloat");
  // Float formatting may differ between hosts: replicas get the resulting value.
  ctx.Propagate({"SET", args[1], text, "KEEPTTL"});
  ctx.reply().Bulk(text);
}

// Redis's checkStringLength: the grown string must fit proto-max-bulk-len (the master's stream is
// obeyed regardless). Replies the error and returns false when it does not.
bool CheckStringLength(CommandContext& ctx, uint64_t size, uint64_t append) {
  if (ctx.client().is_master) return true;
  uint64_t total = size + append;
  if (total > static_cast<uint64_t>(ctx.config().proto_max_bulk_len) || total < size) {
    ctx.reply().Error(errors::kStringTooLong);
    return false;
  }
  return true;
}

void Append(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupForWrite);
  if (found.wrong_type) return;
  size_t length = args[2].size();
  if (found.value == nullptr) {
    ctx.db().Set(args[1], Object::String(args[2]));
  } else {
    Object& value = *found.value;
    if (!CheckStringLength(ctx, value.str().size(), args[2].size())) return;
    value.Append(args[2]);
    length = value.str().size();
  }
  ctx.Modified(args[1], notify::kString, "append");
  ctx.reply().Integer(static_cast<int64_t>(length));
}

void SetRange(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> offset = ParseInt64(args[2]);
  if (!offset) return ctx.NotInteger();
  if (*offset < 0) return ctx.reply().Error(errors::kOffsetOutOfRange);
  std::string_view patch = args[3];
  StringLookup found = LookupString(ctx, args[1], kLookupForWrite);
  if (found.wrong_type) return;
  size_t old_size = found.value != nullptr ? found.value->str().size() : 0;
  // Writing nothing never creates a key; it reports the current length.
  if (patch.empty()) return ctx.reply().Integer(static_cast<int64_t>(old_size));
  if (!CheckStringLength(ctx, static_cast<uint64_t>(*offset), patch.size())) return;
  Object* target = found.value;
  if (target == nullptr) target = &ctx.db().Set(args[1], Object::String(std::string_view()));
  const size_t end = static_cast<size_t>(*offset) + patch.size();
  const size_t size = std::max(old_size, end);
  char* bytes = target->ResizeString(size);  // zero-fills the gap up to the offset
  std::memcpy(bytes + static_cast<size_t>(*offset), patch.data(), patch.size());
  ctx.Modified(args[1], notify::kString, "setrange");
  ctx.reply().Integer(static_cast<int64_t>(size));
}

// GETRANGE and SUBSTR: inclusive [start, end], negative indexes count from the end, clamped to the
// string.
void GetRange(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> start = ParseInt64(args[2]);
  std::optional<int64_t> end = start ? ParseInt64(args[3]) : std::nullopt;
  if (!start || !end) return ctx.NotInteger();
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  if (found.value == nullptr) return ctx.reply().Bulk("");
  std::string_view str = found.value->str();
  int64_t size = static_cast<int64_t>(str.size());
  int64_t from = *start;
  int64_t to = *end;
  if (from < 0 && to < 0 && from > to) return ctx.reply().Bulk("");
  if (from < 0) from += size;
  if (to < 0) to += size;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= size) to = size - 1;
  if (from > to || size == 0) return ctx.reply().Bulk("");
  ctx.reply().Bulk(str.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

void StrLen(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  ctx.reply().Integer(found.value != nullptr ? static_cast<int64_t>(found.value->str().size()) : 0);
}

constexpr uint32_t kWriteDenyOomFast = kCmdWrite | kCmdDenyOom | kCmdFast;
constexpr std::string_view kRangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately determined by "
    "the "
    "returned length, but because creating a substring from an existing string is very cheap, it "
    "can be "
    "considered O(1) for small strings.";

}  // namespace

void RegisterStringEditCommands(CommandTable& table) {
  constexpr std::string_view kWriteFast = "@write @string @fast";
  table.Register(OneKeySpec("string", "incr", 2, kWriteDenyOomFast, Incr, kWriteFast,
                            "Increment the integer value of a key by one", "1.0.0"));
  table.Register(OneKeySpec("string", "decr", 2, kWriteDenyOomFast, Decr, kWriteFast,
                            "Decrement the integer value of a key by one", "1.0.0"));
  table.Register(OneKeySpec("string", "incrby", 3, kWriteDenyOomFast, IncrBy, kWriteFast,
                            "Increment the integer value of a key by the given amount", "1.0.0"));
  table.Register(OneKeySpec("string", "decrby", 3, kWriteDenyOomFast, DecrBy, kWriteFast,
                            "Decrement the integer value of a key by the given number", "1.0.0"));
  table.Register(OneKeySpec("string", "incrbyfloat", 3, kWriteDenyOomFast, IncrByFloat, kWriteFast,
                            "Increment the float value of a key by the given amount", "2.6.0"));
  table.Register(OneKeySpec(
      "string", "append", 3, kWriteDenyOomFast, Append, kWriteFast, "Append a value to a key",
      "2.0.0",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
      "the already present value is of any size, since the dynamic string library used by "
      "Redis will double the free space available on every reallocation."));
  table.Register(OneKeySpec(
      "string", "setrange", 4, kCmdWrite | kCmdDenyOom, SetRange, "@write @string @slow",
      "Overwrite part of a string at key starting at the specified offset", "2.2.0",
      "O(1), not counting the time taken to copy the new string in place. Usually, this "
      "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
      "O(M) with M being the length of the value argument."));
  table.Register(OneKeySpec("string", "getrange", 4, kCmdReadOnly, GetRange, "@read @string @slow",
                            "Get a substring of the string stored at a key", "2.4.0",
                            kRangeComplexity));
  table.Register(OneKeySpec("string", "substr", 4, kCmdReadOnly, GetRange, "@read @string @slow",
                            "Get a substring of the string stored at a key", "1.0.0",
                            kRangeComplexity));
  table.Register(OneKeySpec("string", "strlen", 2, kCmdReadOnly | kCmdFast, StrLen,
                            "@read @string @fast", "Get the length of the value stored in a key",
                            "2.2.0"));
}

}  // namespace slotd
