// String commands that read or replace a whole value: GET SET SETNX SETEX PSETEX GETSET GETDEL
// GETEX MGET MSET MSETNX. Also the family's registration entry point (edits and LCS live in sibling
// files).
#include <cstdint>
#include <limits>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Options of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply names them.
enum SetOption : uint32_t {
  kNx = 1u << 0,
  kXx = 1u << 1,
  kGet = 1u << 2,
  kKeepTtl = 1u << 3,
  kPersist = 1u << 4,
  kEx = 1u << 5,    // relative seconds
  kPx = 1u << 6,    // relative milliseconds
  kExAt = 1u << 7,  // absolute seconds
  kPxAt = 1u << 8,  // absolute milliseconds
};
constexpr uint32_t kAnyExpire = kEx | kPx | kExAt | kPxAt;

struct ExtendedArgs {
  uint32_t options = 0;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument
};

// The option `opt` may be added when none of the options it conflicts with is present.
bool Allowed(uint32_t options, uint32_t opt, uint32_t conflicts) {
  return (options & (conflicts & ~opt)) == 0;
}

// Parses SET (is_set) or GETEX options from args[first]. A repeated option is accepted, a
// conflicting one is a syntax error, exactly as Redis 7.0 does. Replies the error and returns false
// on failure.
bool ParseExtendedArgs(CommandContext& ctx, ArgList args, size_t first, bool is_set,
                       ExtendedArgs* out) {
  static constexpr struct {
    std::string_view name;
    uint32_t option;
  } kExpireOptions[] = {{"EX", kEx}, {"PX", kPx}, {"EXAT", kExAt}, {"PXAT", kPxAt}};
  for (size_t j = first; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    uint32_t& o = out->options;
    if (is_set && EqualsIgnoreCase(opt, "NX") && Allowed(o, kNx, kXx)) {
      o |= kNx;
    } else if (is_set && EqualsIgnoreCase(opt, "XX") && Allowed(o, kXx, kNx)) {
      o |= kXx;
    } else if (is_set && EqualsIgnoreCase(opt, "GET")) {
      o |= kGet;
    } else if (is_set && EqualsIgnoreCase(opt, "KEEPTTL") &&
               Allowed(o, kKeepTtl, kPersist | kAnyExpire)) {
      o |= kKeepTtl;
    } else if (!is_set && EqualsIgnoreCase(opt, "PERSIST") &&
               Allowed(o, kPersist, kKeepTtl | kAnyExpire)) {
      o |= kPersist;
    } else {
      bool matched = false;
      for (const auto& e : kExpireOptions) {
        if (EqualsIgnoreCase(opt, e.name) && has_next &&
            Allowed(o, e.option, kKeepTtl | kPersist | kAnyExpire)) {
          o |= e.option;
          out->expire = args[++j];
          matched = true;
          break;
        }
      }
      if (!matched) {
        ctx.SyntaxError();
        return false;
      }
    }
  }
  return true;
}

// Converts the expire argument to an absolute time in ms (getExpireMillisecondsOrReply): it must be
// a positive integer and the result must not overflow. Replies the error and returns false on
// failure.
bool ExpireAtMs(CommandContext& ctx, std::string_view arg, uint32_t unit_option, int64_t* at_ms) {
  std::optional<int64_t> parsed = ParseInt64(arg);
  if (!parsed) {
    ctx.NotInteger();
    return false;
  }
  int64_t ms = *parsed;
  bool seconds = unit_option & (kEx | kExAt);
  bool relative = unit_option & (kEx | kPx);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool ok = ms > 0 && !(seconds && ms > kMax / 1000);
  if (ok && seconds) ms *= 1000;
  if (ok && relative) {
    ok = ms <= kMax - ctx.now_ms();
    if (ok) ms += ctx.now_ms();
  }
  if (!ok) {
    ctx.reply().Error(errors::InvalidExpireTime(ctx.spec().name));
    return false;
  }
  *at_ms = ms;
  return true;
}

enum class SetResult { kSet, kNotSet, kFailed };

// Redis's setGenericCommand without the final reply: with kGet the old value (or null) is already
// replied. `expire_at_ms` < 0 means no expiry.
SetResult SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                     uint32_t options, int64_t expire_at_ms) {
  Database& db = ctx.db();
  bool found = false;
  if (options & kGet) {
    StringLookup old = LookupString(ctx, key, kLookupNone);
    if (old.wrong_type) return SetResult::kFailed;
    if (old.value != nullptr) {
      ctx.reply().Bulk(old.value->str());
    } else {
      ctx.reply().Null();
    }
    found = old.value != nullptr;
  } else if (options & (kNx | kXx)) {
    found = db.Find(key, kLookupForWrite) != nullptr;
  }
  if (((options & kNx) && found) || ((options & kXx) && !found)) return SetResult::kNotSet;
  db.Set(key, Object::String(value), (options & kKeepTtl) != 0);
  if (expire_at_ms >= 0) db.SetExpire(key, expire_at_ms);
  ctx.Modified(key, notify::kString, "set");
  if (expire_at_ms >= 0) ctx.Notify(notify::kGeneric, "expire", key);
  // Relative times would drift on a replica: propagate the absolute form (Redis 7.0 drops GET/NX/XX,
  // even for PXAT).
  if (expire_at_ms >= 0) {
    std::string at = std::to_string(expire_at_ms);
    ctx.Propagate({"SET", key, value, "PXAT", at});
  }
  return SetResult::kSet;
}

void Get(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  if (found.value == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(found.value->str());
}

void Set(CommandContext& ctx, ArgList args) {
  if (args.size() == 3) {  // the hot path: no options, one table operation
    ctx.db().Set(args[1], Object::String(args[2]));
    ctx.Modified(args[1], notify::kString, "set");
    return ctx.reply().Ok();
  }
  ExtendedArgs opts;
  if (!ParseExtendedArgs(ctx, args, 3, true, &opts)) return;
  int64_t expire_at = -1;
  if ((opts.options & kAnyExpire) && !ExpireAtMs(ctx, opts.expire, opts.options, &expire_at))
    return;
  SetResult result = SetGeneric(ctx, args[1], args[2], opts.options, expire_at);
  if (result == SetResult::kFailed || (opts.options & kGet)) return;
  if (result == SetResult::kSet) return ctx.reply().Ok();
  ctx.reply().Null();
}

void SetNx(CommandContext& ctx, ArgList args) {
  SetResult result = SetGeneric(ctx, args[1], args[2], kNx, -1);
  ctx.reply().Integer(result == SetResult::kSet ? 1 : 0);
}

void SetExpiring(CommandContext& ctx, ArgList args, uint32_t unit_option) {
  int64_t expire_at = -1;
  if (!ExpireAtMs(ctx, args[2], unit_option, &expire_at)) return;
  SetGeneric(ctx, args[1], args[3], 0, expire_at);
  ctx.reply().Ok();
}

void SetEx(CommandContext& ctx, ArgList args) { SetExpiring(ctx, args, kEx); }
void PSetEx(CommandContext& ctx, ArgList args) { SetExpiring(ctx, args, kPx); }

void GetSet(CommandContext& ctx, ArgList args) {
  if (SetGeneric(ctx, args[1], args[2], kGet, -1) == SetResult::kSet) ctx.Propagate({"SET", args[1], args[2]});
}

void GetDel(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  if (found.value == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(found.value->str());
  ctx.db().Erase(args[1]);
  ctx.Modified(args[1], notify::kGeneric, "del");
  ctx.Propagate({"DEL", args[1]});
}

void GetEx(CommandContext& ctx, ArgList args) {
  ExtendedArgs opts;
  if (!ParseExtendedArgs(ctx, args, 2, false, &opts)) return;
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  if (found.value == nullptr) return ctx.reply().Null();
  // Redis validates the expire time only once the key is known to exist.
  int64_t expire_at = -1;
  if ((opts.options & kAnyExpire) && !ExpireAtMs(ctx, opts.expire, opts.options, &expire_at))
    return;
  ctx.reply().Bulk(found.value->str());
  Database& db = ctx.db();
  if ((opts.options & (kExAt | kPxAt)) && expire_at <= ctx.now_ms()) {
    db.Erase(args[1]);  // an absolute time in the past deletes the key, as checkAlreadyExpired does
    ctx.Modified(args[1], notify::kGeneric, "del");
    ctx.Propagate({"DEL", args[1]});
  } else if (expire_at >= 0) {
    db.SetExpire(args[1], expire_at);
    ctx.Modified(args[1], notify::kGeneric, "expire");
    std::string at = std::to_string(expire_at);
    ctx.Propagate({"PEXPIREAT", args[1], at});
  } else if ((opts.options & kPersist) && db.Persist(args[1])) {
    ctx.Modified(args[1], notify::kGeneric, "persist");
    ctx.Propagate({"PERSIST", args[1]});
  }
}

void MGet(CommandContext& ctx, ArgList args) {
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(args.size() - 1);
  Database& db = ctx.db();
  for (size_t i = 1; i < args.size(); ++i) {
    const Object* value = db.Find(args[i]);
    if (value != nullptr && value->is_string()) {
      reply.Bulk(value->str());
    } else {
      reply.Null();
    }
  }
}

// MSET and MSETNX: key/value pairs; with `only_new`, nothing is set when any key exists.
void MSetGeneric(CommandContext& ctx, ArgList args, bool only_new) {
  if (args.size() % 2 == 0) return ctx.reply().Error(errors::WrongArity(ctx.spec().name));
  Database& db = ctx.db();
  if (only_new) {
    for (size_t i = 1; i < args.size(); i += 2) {
      if (db.Find(args[i], kLookupForWrite) != nullptr) return ctx.reply().Integer(0);
    }
  }
  for (size_t i = 1; i < args.size(); i += 2) {
    db.Set(args[i], Object::String(args[i + 1]));
    ctx.Modified(args[i], notify::kString, "set");
  }
  if (only_new) return ctx.reply().Integer(1);
  ctx.reply().Ok();
}

void MSet(CommandContext& ctx, ArgList args) { MSetGeneric(ctx, args, false); }
void MSetNx(CommandContext& ctx, ArgList args) { MSetGeneric(ctx, args, true); }

constexpr uint32_t kWriteDenyOom = kCmdWrite | kCmdDenyOom;

// Every spec here: string group, a key range first..last by step.
CommandSpec StringSpec(std::string_view name, int arity, uint32_t flags, int first, int last,
                       int step, CommandHandler handler, std::string_view acl,
                       std::string_view summary, std::string_view since,
                       std::string_view complexity = "O(1)") {
  return CollectionSpec(name, arity, flags, first, last, step, handler, acl, "string", summary,
                        since, complexity);
}

}  // namespace

void RegisterStringCommands(CommandTable& table) {
  table.Register(StringSpec("get", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, Get, "@read @string @fast",
                            "Get the value of a key", "1.0.0"));
  table.Register(StringSpec("set", -3, kWriteDenyOom, 1, 1, 1, Set, "@write @string @slow",
                            "Set the string value of a key", "1.0.0"));
  table.Register(StringSpec("setnx", 3, kWriteDenyOom | kCmdFast, 1, 1, 1, SetNx,
                            "@write @string @fast",
                            "Set the value of a key, only if the key does not exist", "1.0.0"));
  table.Register(StringSpec("setex", 4, kWriteDenyOom, 1, 1, 1, SetEx, "@write @string @slow",
                            "Set the value and expiration of a key", "2.0.0"));
  table.Register(StringSpec("psetex", 4, kWriteDenyOom, 1, 1, 1, PSetEx, "@write @string @slow",
                            "Set the value and expiration in milliseconds of a key", "2.6.0"));
  table.Register(StringSpec("getset", 3, kWriteDenyOom | kCmdFast, 1, 1, 1, GetSet,
                            "@write @string @fast",
                            "Set the string value of a key and return its old value", "1.0.0"));
  table.Register(StringSpec("getdel", 2, kCmdWrite | kCmdFast, 1, 1, 1, GetDel,
                            "@write @string @fast", "Get the value of a key and delete the key",
                            "6.2.0"));
  table.Register(StringSpec("getex", -2, kCmdWrite | kCmdFast, 1, 1, 1, GetEx,
                            "@write @string @fast",
                            "Get the value of a key and optionally set its expiration", "6.2.0"));
  table.Register(StringSpec("mget", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, MGet,
                            "@read @string @fast", "Get the values of all the given keys", "1.0.0",
                            "O(N) where N is the number of keys to retrieve."));
  table.Register(StringSpec("mset", -3, kWriteDenyOom, 1, -1, 2, MSet, "@write @string @slow",
                            "Set multiple keys to multiple values", "1.0.1",
                            "O(N) where N is the number of keys to set."));
  table.Register(StringSpec("msetnx", -3, kWriteDenyOom, 1, -1, 2, MSetNx, "@write @string @slow",
                            "Set multiple keys to multiple values, only if none of the keys exist",
                            "1.0.1", "O(N) where N is the number of keys to set."));
  RegisterStringEditCommands(table);
  RegisterLcsCommand(table);
  RegisterBitmapCommands(table);
  RegisterHyperLogLogCommands(table);
}

}  // namespace slotd
