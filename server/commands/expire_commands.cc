// Key expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
// PEXPIRETIME, PERSIST. A time already in the past deletes the key (on a master), as Redis's
// checkAlreadyExpired does.
#include <cstdint>
#include <limits>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

enum ExpireCondition : uint32_t { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Parses NX/XX/GT/LT from args[3]. Replies the error and returns false when invalid.
bool ParseExpireConditions(CommandContext& ctx, ArgList args, uint32_t* out) {
  uint32_t flags = 0;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "NX")) {
      flags |= kNx;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      flags |= kXx;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      flags |= kGt;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      flags |= kLt;
    } else {
      std::string message(errors::kUnsupportedOptionPrefix);
      message.append(opt);
      ctx.reply().Error(message);
      return false;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    ctx.reply().Error(errors::kExpireNxConflict);
    return false;
  }
  if ((flags & kGt) && (flags & kLt)) {
    ctx.reply().Error(errors::kExpireGtLtConflict);
    return false;
  }
  *out = flags;
  return true;
}

// Whether the conditions allow replacing expiry `current` (-1 = none, an infinite TTL) with `when`.
bool ConditionsAllow(uint32_t flags, int64_t current, int64_t when) {
  if ((flags & kNx) && current != -1) return false;
  if ((flags & kXx) && current == -1) return false;
  if ((flags & kGt) && (current == -1 || when <= current)) return false;
  if ((flags & kLt) && current != -1 && when >= current) return false;
  return true;
}

// EXPIRE family. `base_ms` is now for the relative forms and 0 for the absolute ones. Negative
// times are accepted (they delete the key); only overflow of the unit conversion or the addition is
// an error.
void ExpireGeneric(CommandContext& ctx, ArgList args, int64_t base_ms, bool seconds) {
  uint32_t flags = 0;
  if (!ParseExpireConditions(ctx, args, &flags)) return;
  std::optional<int64_t> parsed = ParseInt64(args[2]);
  if (!parsed) return ctx.NotInteger();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t when = *parsed;
  bool ok = !(seconds && (when > kMax / 1000 || when < kMin / 1000));
  if (ok && seconds) when *= 1000;
  ok = ok && when <= kMax - base_ms;
  if (!ok) return ctx.reply().Error(errors::InvalidExpireTime(ctx.spec().name));
  when += base_ms;

  Database& db = ctx.db();
  std::string_view key = args[1];
  if (db.Find(key, kLookupForWrite) == nullptr) return ctx.reply().Integer(0);
  if (flags != 0 && !ConditionsAllow(flags, db.GetExpire(key), when)) return ctx.reply().Integer(0);
  // A replica keeps the key and waits for its master's DEL.
  bool is_replica = !ctx.config().replicaof_host.empty();
  if (when <= ctx.now_ms() && !is_replica) {
    db.Erase(key);
    ctx.Propagate({"DEL", key});  // lazyfree-lazy-expire is off by default, so DEL rather than UNLINK
    ctx.Modified(key, notify::kGeneric, "del");
  } else {
    db.SetExpire(key, when);
    std::string at = std::to_string(when);  // absolute, so replicas and AOF replays agree
    ctx.Propagate({"PEXPIREAT", key, at});
    ctx.Modified(key, notify::kGeneric, "expire");
  }
  ctx.reply().Integer(1);
}

void Expire(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, ctx.now_ms(), true); }
void PExpire(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, ctx.now_ms(), false); }
void ExpireAt(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, 0, true); }
void PExpireAt(CommandContext& ctx, ArgList args) { ExpireGeneric(ctx, args, 0, false); }

// TTL family: -2 when the key is missing, -1 without expiry; seconds are rounded to nearest.
void TtlGeneric(CommandContext& ctx, ArgList args, bool in_ms, bool absolute) {
  Database& db = ctx.db();
  if (db.Find(args[1], kLookupNoTouch) == nullptr) return ctx.reply().Integer(-2);
  int64_t expire_at = db.GetExpire(args[1]);
  if (expire_at == -1) return ctx.reply().Integer(-1);
  int64_t ttl = absolute ? expire_at : expire_at - ctx.now_ms();
  if (ttl < 0) ttl = 0;
  ctx.reply().Integer(in_ms ? ttl : (ttl + 500) / 1000);
}

void Ttl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, false); }
void PTtl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, false); }
void ExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, true); }
void PExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, true); }

void Persist(CommandContext& ctx, ArgList args) {
  Database& db = ctx.db();
  if (db.Find(args[1], kLookupForWrite) == nullptr || !db.Persist(args[1]))
    return ctx.reply().Integer(0);
  ctx.Modified(args[1], notify::kGeneric, "persist");
  ctx.reply().Integer(1);
}

CommandSpec ExpireSpec(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                       std::string_view summary, std::string_view since) {
  std::string_view acl = (flags & kCmdWrite) ? "@keyspace @write @fast" : "@keyspace @read @fast";
  return OneKeySpec("generic", name, arity, flags, handler, acl, summary, since);
}

}  // namespace

void RegisterExpireCommands(CommandTable& table) {
  constexpr uint32_t kWrite = kCmdWrite | kCmdFast;
  constexpr uint32_t kRead = kCmdReadOnly | kCmdFast;
  table.Register(
      ExpireSpec("expire", -3, kWrite, Expire, "Set a key's time to live in seconds", "1.0.0"));
  table.Register(ExpireSpec("pexpire", -3, kWrite, PExpire,
                            "Set a key's time to live in milliseconds", "2.6.0"));
  table.Register(ExpireSpec("expireat", -3, kWrite, ExpireAt,
                            "Set the expiration for a key as a UNIX timestamp", "1.2.0"));
  table.Register(ExpireSpec(
      "pexpireat", -3, kWrite, PExpireAt,
      "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"));
  table.Register(
      ExpireSpec("ttl", 2, kRead, Ttl, "Get the time to live for a key in seconds", "1.0.0"));
  table.Register(ExpireSpec("pttl", 2, kRead, PTtl,
                            "Get the time to live for a key in milliseconds", "2.6.0"));
  table.Register(ExpireSpec("expiretime", 2, kRead, ExpireTime,
                            "Get the expiration Unix timestamp for a key", "7.0.0"));
  table.Register(ExpireSpec("pexpiretime", 2, kRead, PExpireTime,
                            "Get the expiration Unix timestamp for a key in milliseconds",
                            "7.0.0"));
  table.Register(
      ExpireSpec("persist", 2, kWrite, Persist, "Remove the expiration from a key", "2.2.0"));
}

}  // namespace slotd
