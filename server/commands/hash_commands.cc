// Hash commands: HSET HSETNX HGET HMSET HMGET HDEL HLEN HSTRLEN HEXISTS HGETALL HKEYS HVALS HINCRBY
// HINCRBYFLOAT HRANDFIELD HSCAN, with Redis 7.0's replies, error texts and argument-check order.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/keyspace/hash_value.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

HashLimits Limits(CommandContext& ctx) {
  return {ctx.config().hash_max_listpack_entries, ctx.config().hash_max_listpack_value};
}

HashValue* FindHash(CommandContext& ctx, std::string_view key, uint32_t flags, bool* wrong_type) {
  return LookupCollection<HashValue>(ctx, key, ObjectType::kHash, flags, wrong_type);
}

// Redis's hashTypeLookupWriteOrCreate: the hash at `key`, created empty when absent; nullptr (with
// WRONGTYPE replied) when the key holds another type.
HashValue* FindOrCreateHash(CommandContext& ctx, std::string_view key) {
  bool wrong_type = false;
  HashValue* hash = FindHash(ctx, key, kLookupForWrite, &wrong_type);
  if (hash != nullptr || wrong_type) return hash;
  Object* created =
      ctx.db().Add(key, Object::FromCollection(ObjectType::kHash, std::make_unique<HashValue>()));
  return &created->as<HashValue>();
}

// Deletes the key when its hash became empty, then signals the change ("hdel", then "del").
void AfterRemoval(CommandContext& ctx, std::string_view key, const HashValue& hash) {
  const bool emptied = hash.Length() == 0;
  if (emptied) ctx.db().Erase(key);
  ctx.Modified(key, notify::kHash, "hdel");
  if (emptied) ctx.Notify(notify::kGeneric, "del", key);
}

// HSET and HMSET: field/value pairs from args[2].
size_t SetPairs(CommandContext& ctx, ArgList args, bool* ok) {
  *ok = false;
  if (args.size() % 2 != 0) {
    ctx.reply().Error(errors::WrongArity(ctx.spec().name));
    return 0;
  }
  HashValue* hash = FindOrCreateHash(ctx, args[1]);
  if (hash == nullptr) return 0;
  HashLimits limits = Limits(ctx);
  size_t created = 0;
  for (size_t i = 2; i < args.size(); i += 2)
    created += hash->Set(args[i], args[i + 1], limits) ? 1 : 0;
  ctx.Modified(args[1], notify::kHash, "hset");
  *ok = true;
  return created;
}

void HSet(CommandContext& ctx, ArgList args) {
  bool ok = false;
  size_t created = SetPairs(ctx, args, &ok);
  if (ok) ctx.reply().Integer(static_cast<int64_t>(created));
}

void HMSet(CommandContext& ctx, ArgList args) {
  bool ok = false;
  SetPairs(ctx, args, &ok);
  if (ok) ctx.reply().Ok();
}

void HSetNx(CommandContext& ctx, ArgList args) {
  HashValue* hash = FindOrCreateHash(ctx, args[1]);
  if (hash == nullptr) return;
  if (hash->Get(args[2])) {
    ctx.reply().Integer(0);
    return;
  }
  hash->Set(args[2], args[3], Limits(ctx));
  ctx.Modified(args[1], notify::kHash, "hset");
  ctx.reply().Integer(1);
}

// The value of `field` as a bulk, or a null when the hash (which may be absent) lacks it.
void ReplyValueOrNull(resp::ReplyBuilder& reply, const HashValue* hash, std::string_view field) {
  std::optional<std::string_view> value = hash ? hash->Get(field) : std::nullopt;
  if (value) {
    reply.Bulk(*value);
  } else {
    reply.Null();
  }
}

void HGet(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ReplyValueOrNull(ctx.reply(), hash, args[2]);
}

void HMGet(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ctx.reply().ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) ReplyValueOrNull(ctx.reply(), hash, args[i]);
}

void HDel(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  HashValue* hash = FindHash(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  int64_t deleted = 0;
  for (size_t i = 2; hash != nullptr && i < args.size() && hash->Length() > 0; ++i) {
    deleted += hash->Delete(args[i]) ? 1 : 0;
  }
  if (deleted > 0) AfterRemoval(ctx, args[1], *hash);
  ctx.reply().Integer(deleted);
}

void HLen(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (!wrong_type) ctx.reply().Integer(hash ? static_cast<int64_t>(hash->Length()) : 0);
}

void HStrLen(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  std::optional<std::string_view> value = hash ? hash->Get(args[2]) : std::nullopt;
  ctx.reply().Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void HExists(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (!wrong_type) ctx.reply().Integer(hash && hash->Get(args[2]) ? 1 : 0);
}

enum class GetAllPart { kFields, kValues, kBoth };

void ReplyAll(CommandContext& ctx, ArgList args, GetAllPart part) {
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  resp::ReplyBuilder& reply = ctx.reply();
  size_t length = hash ? hash->Length() : 0;
  if (part == GetAllPart::kBoth) {
    reply.MapHeader(length);
  } else {
    reply.ArrayHeader(length);
  }
  if (hash == nullptr) return;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (part != GetAllPart::kValues) reply.Bulk(field);
    if (part != GetAllPart::kFields) reply.Bulk(value);
  });
}

void HGetAll(CommandContext& ctx, ArgList args) { ReplyAll(ctx, args, GetAllPart::kBoth); }
void HKeys(CommandContext& ctx, ArgList args) { ReplyAll(ctx, args, GetAllPart::kFields); }
void HVals(CommandContext& ctx, ArgList args) { ReplyAll(ctx, args, GetAllPart::kValues); }

void HIncrBy(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> increment = ParseInt64(args[3]);
  if (!increment) {
    ctx.NotInteger();
    return;
  }
  HashValue* hash = FindOrCreateHash(ctx, args[1]);
  if (hash == nullptr) return;
  int64_t current = 0;
  if (std::optional<std::string_view> old = hash->Get(args[2])) {
    std::optional<int64_t> parsed = ParseInt64(*old);
    if (!parsed) {
      ctx.reply().Error(errors::kHashValueNotInteger);
      return;
    }
    current = *parsed;
  }
  int64_t result = 0;
  if (__builtin_add_overflow(current, *increment, &result)) {
    ctx.reply().Error(errors::kOverflow);
    return;
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), result);
  (void)ec;
  hash->Set(args[2], std::string_view(buf, static_cast<size_t>(end - buf)), Limits(ctx));
  ctx.Modified(args[1], notify::kHash, "hincrby");
  ctx.reply().Integer(result);
}

void HIncrByFloat(CommandContext& ctx, ArgList args) {
  std::optional<long double> increment = ParseLongDouble(args[3]);
  if (!increment) {
    ctx.reply().Error(errors::kNotFloat);
    return;
  }
  if (std::isinf(*increment)) {
    ctx.reply().Error(errors::kValueNanOrInfinity);
    return;
  }
  HashValue* hash = FindOrCreateHash(ctx, args[1]);
  if (hash == nullptr) return;
  long double current = 0;
  if (std::optional<std::string_view> old = hash->Get(args[2])) {
    std::optional<long double> parsed = ParseLongDouble(*old);
    if (!parsed) {
      ctx.reply().Error(errors::kHashValueNotFloat);
      return;
    }
    current = *parsed;
  }
  long double result = current + *increment;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply().Error(errors::kNanOrInfinity);
    return;
  }
  std::string text = FormatLongDoubleHuman(result);
  hash->Set(args[2], text, Limits(ctx));
  ctx.Modified(args[1], notify::kHash, "hincrbyfloat");
  ctx.Propagate({"HSET", args[1], args[2], text});  // the result, not the float arithmetic
  ctx.reply().Bulk(text);
}

// Writes pairs as HRANDFIELD does: fields only, or with values flat (RESP2) or as 2-element arrays
// (RESP3).
void ReplyRandomPairs(resp::ReplyBuilder& reply, const std::vector<HashValue::Pair>& pairs,
                      bool with_values) {
  for (const HashValue::Pair& pair : pairs) {
    if (with_values && reply.resp3()) reply.ArrayHeader(2);
    reply.Bulk(pair.field);
    if (with_values) reply.Bulk(pair.value);
  }
}

void RandomFieldsWithCount(CommandContext& ctx, const HashValue& hash, int64_t count,
                           bool with_values) {
  resp::ReplyBuilder& reply = ctx.reply();
  bool repeats = count < 0;
  uint64_t wanted = repeats ? static_cast<uint64_t>(-count) : static_cast<uint64_t>(count);
  if (!repeats && wanted > hash.Length()) wanted = hash.Length();
  reply.ArrayHeader(with_values && !reply.resp3() ? wanted * 2 : wanted);
  std::vector<HashValue::Pair> pairs;
  if (!repeats) {
    hash.DistinctRandomPairs(wanted, &pairs);
    ReplyRandomPairs(reply, pairs, with_values);
    return;
  }
  // Repeats: in bounded batches, so a huge count never needs a huge temporary.
  constexpr uint64_t kBatch = 1024;
  while (wanted > 0) {
    uint64_t n = wanted < kBatch ? wanted : kBatch;
    pairs.clear();
    hash.RandomPairs(n, &pairs);
    ReplyRandomPairs(reply, pairs, with_values);
    wanted -= n;
  }
}

void HRandField(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) {
    bool wrong_type = false;
    const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
    if (wrong_type) return;
    if (hash == nullptr) {
      ctx.reply().Null();
      return;
    }
    std::vector<HashValue::Pair> pairs;
    hash->RandomPairs(1, &pairs);
    ctx.reply().Bulk(pairs[0].field);
    return;
  }
  std::optional<int64_t> count = ParseRandomCount(ctx, args[2]);
  if (!count) return;
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "WITHVALUES"))) {
    ctx.SyntaxError();
    return;
  }
  bool with_values = args.size() == 4;
  // Redis refuses counts whose doubled reply length would overflow.
  if (with_values && (*count < -(INT64_MAX / 2) || *count > INT64_MAX / 2)) {
    ctx.reply().Error(errors::kOutOfRange);
    return;
  }
  bool wrong_type = false;
  const HashValue* hash = FindHash(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  if (hash == nullptr || *count == 0) {
    ctx.reply().EmptyArray();
    return;
  }
  RandomFieldsWithCount(ctx, *hash, *count, with_values);
}

void HScan(CommandContext& ctx, ArgList args) {
  uint64_t cursor = 0;
  CollectionScanArgs options;
  const HashValue* hash =
      BeginCollectionScan<HashValue>(ctx, args, ObjectType::kHash, &cursor, &options);
  if (hash == nullptr) return;
  std::vector<HashValue::Pair> pairs;
  auto gather = [&pairs](std::string_view field, std::string_view value) {
    pairs.push_back({field, value});
  };
  // COUNT counts fields and values alike, as Redis's scan list does.
  uint64_t next = RunScanLoop(
      cursor, options.count, [&](uint64_t c) { return hash->ScanStep(c, gather); },
      [&pairs] { return pairs.size() * 2; });
  size_t kept = 0;
  for (const HashValue::Pair& pair : pairs) {
    if (!options.use_pattern || GlobMatch(options.pattern, pair.field)) pairs[kept++] = pair;
  }
  pairs.resize(kept);
  resp::ReplyBuilder& reply = ctx.reply();
  ReplyScanCursor(reply, next);
  reply.ArrayHeader(pairs.size() * 2);
  for (const HashValue::Pair& pair : pairs) {
    reply.Bulk(pair.field);
    reply.Bulk(pair.value);
  }
}

CommandSpec HashSpec(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                     std::string_view acl, std::string_view summary, std::string_view since,
                     std::string_view complexity = "O(1)") {
  return CollectionSpec(name, arity, flags, 1, 1, 1, handler, acl, "hash", summary, since,
                        complexity);
}

}  // namespace

void RegisterHashCommands(CommandTable& table) {
  constexpr uint32_t kWriteFast = kCmdWrite | kCmdDenyOom | kCmdFast;
  constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kWriteAcl = "@write @hash @fast";
  constexpr std::string_view kReadAcl = "@read @hash @fast";
  constexpr std::string_view kSlowReadAcl = "@read @hash @slow";
  constexpr std::string_view kWholeHash = "O(N) where N is the size of the hash.";
  table.Register(HashSpec(
      "hset", -4, kWriteFast, HSet, kWriteAcl, "Set the string value of a hash field", "2.0.0",
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
      "command is called with multiple field/value pairs."));
  table.Register(HashSpec("hsetnx", 4, kWriteFast, HSetNx, kWriteAcl,
                          "Set the value of a hash field, only if the field does not exist",
                          "2.0.0"));
  table.Register(
      HashSpec("hget", 3, kReadFast, HGet, kReadAcl, "Get the value of a hash field", "2.0.0"));
  table.Register(HashSpec("hmset", -4, kWriteFast, HMSet, kWriteAcl,
                          "Set multiple hash fields to multiple values", "2.0.0",
                          "O(N) where N is the number of fields being set."));
  table.Register(HashSpec("hmget", -3, kReadFast, HMGet, kReadAcl,
                          "Get the values of all the given hash fields", "2.0.0",
                          "O(N) where N is the number of fields being requested."));
  table.Register(HashSpec("hdel", -3, kCmdWrite | kCmdFast, HDel, kWriteAcl,
                          "Delete one or more hash fields", "2.0.0",
                          "O(N) where N is the number of fields to be removed."));
  table.Register(HashSpec("hlen", 2, kReadFast, HLen, kReadAcl,
                          "Get the number of fields in a hash", "2.0.0"));
  table.Register(HashSpec("hstrlen", 3, kReadFast, HStrLen, kReadAcl,
                          "Get the length of the value of a hash field", "3.2.0"));
  table.Register(HashSpec("hexists", 3, kReadFast, HExists, kReadAcl,
                          "Determine if a hash field exists", "2.0.0"));
  table.Register(HashSpec("hgetall", 2, kCmdReadOnly, HGetAll, kSlowReadAcl,
                          "Get all the fields and values in a hash", "2.0.0", kWholeHash));
  table.Register(HashSpec("hkeys", 2, kCmdReadOnly, HKeys, kSlowReadAcl,
                          "Get all the fields in a hash", "2.0.0", kWholeHash));
  table.Register(HashSpec("hvals", 2, kCmdReadOnly, HVals, kSlowReadAcl,
                          "Get all the values in a hash", "2.0.0", kWholeHash));
  table.Register(HashSpec("hincrby", 4, kWriteFast, HIncrBy, kWriteAcl,
                          "Increment the integer value of a hash field by the given number",
                          "2.0.0"));
  table.Register(HashSpec("hincrbyfloat", 4, kWriteFast, HIncrByFloat, kWriteAcl,
                          "Increment the float value of a hash field by the given amount",
                          "2.6.0"));
  table.Register(HashSpec("hrandfield", -2, kCmdReadOnly, HRandField, kSlowReadAcl,
                          "Get one or multiple random fields from a hash", "6.2.0",
                          "O(N) where N is the number of fields returned"));
  table.Register(HashSpec(
      "hscan", -3, kCmdReadOnly, HScan, kSlowReadAcl,
      "Incrementally iterate hash fields and associated values", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.."));
}

}  // namespace slotd
