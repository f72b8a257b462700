// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: introspection of one key's value. Lookups do
// not refresh the access time; a missing key answers null.
#include <cstdint>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/commands/server_family.h"
#include "server/keyspace/eviction.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Redis shares the integer objects 0..9999 (OBJ_SHARED_INTEGERS) unless an LRU/LFU maxmemory policy
// needs per-object access data; OBJECT REFCOUNT reports those as INT_MAX.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = 2147483647;

bool UsesSharedInteger(const Object& value, const Config& config) {
  if (!value.is_string()) return false;
  MaxmemoryPolicy p = config.maxmemory_policy;
  bool per_object_lru =
      p == MaxmemoryPolicy::kVolatileLru || p == MaxmemoryPolicy::kAllkeysLru || IsLfuPolicy(p);
  if (config.maxmemory != 0 && per_object_lru) return false;
  std::optional<int64_t> number = ParseInt64(value.str());
  return number && *number >= 0 && *number < kSharedIntegers;
}

// The value at args[2] without touching it; replies null and returns nullptr when missing.
const Object* LookupOrNull(CommandContext& ctx, ArgList args) {
  const Object* value = ctx.db().Find(args[2], kLookupNoTouch | kLookupNoNotify);
  if (value == nullptr) ctx.reply().Null();
  return value;
}

void ObjectEncoding(CommandContext& ctx, ArgList args) {
  if (const Object* value = LookupOrNull(ctx, args)) ctx.reply().Bulk(value->EncodingName());
}

void ObjectRefcount(CommandContext& ctx, ArgList args) {
  if (const Object* value = LookupOrNull(ctx, args)) {
    ctx.reply().Integer(UsesSharedInteger(*value, ctx.config()) ? kSharedRefcount : 1);
  }
}

void ObjectIdleTime(CommandContext& ctx, ArgList args) {
  const Object* value = LookupOrNull(ctx, args);
  if (value == nullptr) return;
  if (IsLfuPolicy(ctx.config().maxmemory_policy)) return ctx.reply().Error(errors::kLfuSelected);
  ctx.reply().Integer(static_cast<int64_t>(LruIdleMs(value->lru_clock(), ctx.now_ms()) / 1000));
}

void ObjectFreq(CommandContext& ctx, ArgList args) {
  const Object* value = LookupOrNull(ctx, args);
  if (value == nullptr) return;
  if (!IsLfuPolicy(ctx.config().maxmemory_policy))
    return ctx.reply().Error(errors::kLfuNotSelected);
  ctx.reply().Integer(LfuDecrAndReturn(*value, ctx.now_ms(), ctx.config().lfu_decay_time));
}

void ObjectHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "object",
            {"ENCODING <key>",
             "    Return the kind of internal representation used in order to store the value",
             "    associated with a <key>.", "FREQ <key>",
             "    Return the access frequency index of the <key>. The returned integer is",
             "    proportional to the logarithm of the recent access frequency of the key.",
             "IDLETIME <key>",
             "    Return the idle time of the <key>, that is the approximated number of",
             "    seconds elapsed since the last access to the key.", "REFCOUNT <key>",
             "    Return the number of references of the value associated with the specified",
             "    <key>."});
}

CommandSpec KeySub(std::string_view name, CommandHandler handler, std::string_view summary,
                   std::string_view since) {
  return CollectionSpec(name, 3, kCmdReadOnly, 2, 2, 1, handler, "@keyspace @read @slow", "generic",
                        summary, since, "O(1)");
}

}  // namespace

void RegisterObjectCommand(CommandTable& table) {
  CommandSpec object = CollectionSpec("object", -2, 0, 0, 0, 0, nullptr, "@slow", "generic",
                                      "A container for object introspection commands", "2.2.3",
                                      "Depends on subcommand.");
  object.subcommands = {
      KeySub("encoding", ObjectEncoding, "Inspect the internal encoding of a Redis object",
             "2.2.3"),
      KeySub("freq", ObjectFreq, "Get the logarithmic access frequency counter of a Redis object",
             "4.0.0"),
      CollectionSpec("help", 2, kCmdLoading | kCmdStale, 0, 0, 0, ObjectHelp, "@keyspace @slow",
                     "generic", "Show helpful text about the different subcommands", "6.2.0",
                     "O(1)"),
      KeySub("idletime", ObjectIdleTime, "Get the time since a Redis object was last accessed",
             "2.2.3"),
      KeySub("refcount", ObjectRefcount, "Get the number of references to the value of the key",
             "2.2.3")};
  table.Register(std::move(object));
}

}  // namespace slotd
