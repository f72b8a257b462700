// DUMP, RESTORE and RESTORE-ASKING: values serialized in RDB form with a version and CRC64 footer,
// byte-compatible with Redis 7.0 in both directions (the payload codec is persistence/rdb's).
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/config/config.h"
#include "server/keyspace/eviction.h"
#include "server/persistence/rdb/dump_payload.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

void Dump(CommandContext& ctx, ArgList args) {
  const Object* value = ctx.db().Find(args[1]);
  if (value == nullptr) return ctx.reply().Null();
  const Config& config = ctx.config();
  ctx.reply().Bulk(rdb::DumpPayload(*value, config.rdbcompression, config.list_max_listpack_size));
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle_seconds = -1;
  int64_t freq = -1;
};

// The options after the payload; replies the error and returns nullopt when invalid. IDLETIME
// and FREQ exclude each other: the second one is a syntax error, as in Redis.
std::optional<RestoreOptions> ParseRestoreOptions(CommandContext& ctx, ArgList args) {
  RestoreOptions o;
  for (size_t j = 4; j < args.size(); ++j) {
    bool has_value = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "REPLACE")) {
      o.replace = true;
    } else if (EqualsIgnoreCase(args[j], "ABSTTL")) {
      o.absttl = true;
    } else if (EqualsIgnoreCase(args[j], "IDLETIME") && has_value && o.freq == -1) {
      std::optional<int64_t> idle = ParseInt64(args[++j]);
      if (!idle) return ctx.NotInteger(), std::nullopt;
      if (*idle < 0) return ctx.reply().Error(errors::kInvalidIdletime), std::nullopt;
      o.idle_seconds = *idle;
    } else if (EqualsIgnoreCase(args[j], "FREQ") && has_value && o.idle_seconds == -1) {
      std::optional<int64_t> freq = ParseInt64(args[++j]);
      if (!freq) return ctx.NotInteger(), std::nullopt;
      if (*freq < 0 || *freq > 255) return ctx.reply().Error(errors::kInvalidFreq), std::nullopt;
      o.freq = *freq;
    } else {
      ctx.SyntaxError();
      return std::nullopt;
    }
  }
  return o;
}

// objectSetLRUOrLFU: only the hint matching the maxmemory-policy family applies.
void ApplyAccessHint(const RestoreOptions& o, const Config& config, int64_t now_ms, Object& value) {
  if (IsLfuPolicy(config.maxmemory_policy)) {
    if (o.freq >= 0) value.set_lfu(LfuTimeInMinutes(now_ms), static_cast<uint8_t>(o.freq));
  } else if (o.idle_seconds >= 0) {
    int64_t at = o.idle_seconds > now_ms / 1000 ? 0 : now_ms - o.idle_seconds * 1000;
    value.set_lru_clock(LruClockFromMs(at));
  }
}

// Replicas and the AOF get the TTL as an absolute time (argv[2] rewritten, ABSTTL appended).
void PropagateAbsolute(CommandContext& ctx, ArgList args, int64_t at_ms) {
  std::string at = std::to_string(at_ms);
  std::vector<std::string_view> argv(args.begin(), args.end());
  argv[2] = at;
  argv.push_back("ABSTTL");
  ctx.Propagate(std::span<const std::string_view>(argv));
}

void Restore(CommandContext& ctx, ArgList args) {
  std::optional<RestoreOptions> o = ParseRestoreOptions(ctx, args);
  if (!o) return;
  Database& db = ctx.db();
  std::string_view key = args[1];
  if (!o->replace && db.Find(key, kLookupForWrite) != nullptr) {
    return ctx.reply().Error(errors::kBusyKey);
  }
  std::optional<int64_t> ttl = ParseInt64(args[2]);
  if (!ttl) return ctx.NotInteger();
  if (*ttl < 0) return ctx.reply().Error(errors::kInvalidTtl);
  Result<Object> value = rdb::ParseDumpPayload(args[3], ctx.config());
  if (!value) {
    bool bad_footer = value.error() == errors::kDumpPayloadInvalid;
    return ctx.reply().Error(bad_footer ? errors::kDumpPayloadInvalid : errors::kBadDataFormat);
  }
  bool deleted = o->replace && db.Erase(key);
  int64_t at = *ttl;
  // Redis adds without an overflow check; the wrapped time then counts as already expired.
  if (at != 0 && !o->absttl) {
    at = static_cast<int64_t>(static_cast<uint64_t>(at) + static_cast<uint64_t>(ctx.now_ms()));
  }
  bool is_replica = !ctx.config().replicaof_host.empty();
  if (at != 0 && at <= ctx.now_ms() && !is_replica) {
    if (deleted) {
      ctx.Propagate({"DEL", key});
      ctx.Modified(key, notify::kGeneric, "del");
    } else {
      ctx.PreventPropagation();
    }
    return ctx.reply().SimpleString("OK");
  }
  Object* stored = db.Add(key, std::move(*value));
  ApplyAccessHint(*o, ctx.config(), ctx.now_ms(), *stored);
  if (at != 0) {
    db.SetExpire(key, at);
    if (!o->absttl) PropagateAbsolute(ctx, args, at);
  }
  ctx.Modified(key, notify::kGeneric, "restore");
  ctx.reply().SimpleString("OK");
}

constexpr std::string_view kRestoreComplexity =
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where "
    "N is the number of Redis objects composing the value and M their average size. For small "
    "string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). "
    "However for sorted set values the complexity is O(N*M*log(N)) because inserting values into "
    "sorted sets is O(log(N)).";
constexpr std::string_view kRestoreAcl = "@keyspace @write @slow @dangerous";

}  // namespace

void RegisterDumpCommands(CommandTable& table) {
  table.Register(CollectionSpec(
      "dump", 2, kCmdReadOnly, 1, 1, 1, Dump, "@keyspace @read @slow", "generic",
      "Return a serialized version of the value stored at the specified key.", "2.6.0",
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
      "Redis objects composing the value and M their average size. For small string values the "
      "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."));
  table.Register(CollectionSpec(
      "restore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, Restore, kRestoreAcl, "generic",
      "Create a key using the provided serialized value, previously obtained using DUMP.",
      "2.6.0", kRestoreComplexity));
  table.Register(CollectionSpec("restore-asking", -4, kCmdWrite | kCmdDenyOom | kCmdAsking, 1,
                                1, 1, Restore, kRestoreAcl, "server",
                                "An internal command for migrating keys in a cluster", "3.0.0",
                                kRestoreComplexity));
}

}  // namespace slotd
