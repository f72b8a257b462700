// DEBUG: the testing hooks of Redis 7.0's debug.c that slotd supports (SEGFAULT, SLEEP, SET-ACTIVE-EXPIRE,
// OBJECT, POPULATE, DIGEST, DIGEST-VALUE, ERROR, LOG, HELP), gated by enable-debug-command
// (no | yes | local).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/debug_digest.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_family.h"
#include "server/keyspace/eviction.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// enable-debug-command local: loopback and unix-socket peers only (Redis's islocalClient).
bool IsLocalClient(const Client& client) {
  std::string_view addr = client.addr;
  return addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("::1") || addr.starts_with('/');
}

}  // namespace

bool ProtectedCommandAllowed(const Config& config, const Client& client) {
  switch (config.enable_debug_command) {
    case DebugCommandPolicy::kYes: return true;
    case DebugCommandPolicy::kLocal: return IsLocalClient(client);
    case DebugCommandPolicy::kNo: return false;
  }
  return false;
}

namespace {

// Size of the value in an RDB file (rdbSavedObjectLen), for DEBUG OBJECT's serializedlength: integers
// that fit 8/16/32 bits are stored in 2/3/5 bytes, other strings as a length prefix plus the bytes.
// Collections are estimated from their memory footprint.
size_t SerializedLength(const Object& value) {
  if (!value.is_string()) return value.MemoryUsage();
  const std::string_view s = value.str();
  if (std::optional<int64_t> n = ParseInt64(s); n && s.size() <= 11) {
    if (*n >= -128 && *n <= 127) return 2;
    if (*n >= -32768 && *n <= 32767) return 3;
    if (*n >= INT32_MIN && *n <= INT32_MAX) return 5;
  }
  size_t prefix = s.size() < 64 ? 1 : s.size() < 16384 ? 2 : s.size() <= UINT32_MAX ? 5 : 9;
  return prefix + s.size();
}

void DebugObject(CommandContext& ctx, ArgList args) {
  const Object* value = ctx.db().Find(args[2], kLookupNoTouch | kLookupNoStats);
  if (value == nullptr) {
    ctx.reply().Error(errors::kNoSuchKey);
    return;
  }
  std::string encoding(value->is_string() ? value->EncodingName() : value->collection()->EncodingName());
  char line[256];
  std::snprintf(line, sizeof(line),
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
                static_cast<const void*>(value), encoding.c_str(), SerializedLength(*value),
                static_cast<unsigned>(value->lru_clock() & ((1u << 24) - 1)),  // Redis's 24-bit LRU clock
                static_cast<unsigned long long>(LruIdleMs(value->lru_clock(), ctx.now_ms()) / 1000));
  ctx.reply().SimpleString(line);
}

// DEBUG POPULATE count [prefix] [size]: adds "prefix:N" = "value:N" (padded with zero bytes or cut to
// `size`) for N below count, skipping keys that exist.
void DebugPopulate(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> count = ParseInt64(args[2]);
  std::optional<int64_t> size = args.size() == 5 ? ParseInt64(args[4]) : std::optional<int64_t>(0);
  if (!count || !size || *count < 0 || *size < 0) {
    ctx.reply().Error(errors::kMustBePositive);
    return;
  }
  std::string prefix(args.size() >= 4 ? args[3] : std::string_view("key"));
  for (int64_t j = 0; j < *count; ++j) {
    std::string key = prefix + ":" + std::to_string(j);
    std::string value = "value:" + std::to_string(j);
    if (*size > 0) value.resize(static_cast<size_t>(*size), '\0');
    if (ctx.db().Add(key, Object::String(std::move(value))) != nullptr) ctx.Modified(key);
  }
  ctx.PreventPropagation();  // as Redis: neither replicas nor the AOF see these keys
  ctx.reply().Ok();
}

// DEBUG DIGEST-VALUE key...: one status line per key; redis-cli --cluster compares these across nodes.
void DebugDigestValue(CommandContext& ctx, ArgList args) {
  ctx.reply().ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const Object* value = ctx.db().Find(args[i], kLookupNoTouch | kLookupNoStats | kLookupNoExpire);
    ValueDigest digest{};
    if (value != nullptr) digest = DigestOfValue(*value, ctx.db().GetExpire(args[i]) != -1);
    ctx.reply().SimpleString(DigestHex(digest));
  }
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "debug",
            {"DIGEST", "    Output a hex signature representing the current DB content.",
             "DIGEST-VALUE <key> [<key> ...]",
             "    Output a hex signature of the values of all the specified keys.",
             "ERROR <string>",
             "    Return a Redis protocol error with <string> as message. Useful for clients",
             "    unit tests to simulate Redis errors.",
             "LOADAOF", "    Flush the AOF buffers on disk and reload the AOF in memory.",
             "LOG <message>", "    Write <message> to the server log.",
             "OBJECT <key>", "    Show low level info about `key` and associated value.",
             "POPULATE <count> [<prefix>] [<size>]",
             "    Create <count> string keys named key:<num>. If <prefix> is specified then",
             "    it is used instead of the 'key' prefix. These are not propagated to",
             "    replicas. Cluster slots are not respected so keys not belonging to the",
             "    current node can be created in cluster mode.",
             "RELOAD [option ...]",
             "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
             "    * MERGE: conflicting keys will be loaded from RDB.",
             "    * NOFLUSH: the existing database will not be removed before load, but",
             "      conflicting keys will generate an exception and kill the server.",
             "    * NOSAVE: the database will be loaded from an existing RDB file.",
             "    Examples:",
             "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
             "      the database.",
             "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
             "      existing RDB file.",
             "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
             "      file to the database.",
             "SEGFAULT", "    Crash the server with sigsegv.",
             "SET-ACTIVE-EXPIRE <0|1>",
             "    Setting it to 0 disables expiring keys in background when they are not",
             "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
             "    default.",
             "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."});
}

void Debug(CommandContext& ctx, ArgList args) {
  if (!ProtectedCommandAllowed(ctx.config(), ctx.client())) {
    ctx.reply().Error(errors::kDebugNotAllowed);
    return;
  }
  std::string_view sub = args[1];
  size_t argc = args.size();
  if (argc == 2 && EqualsIgnoreCase(sub, "HELP")) {
    DebugHelp(ctx);
  } else if (EqualsIgnoreCase(sub, "SEGFAULT")) {
    // App flushes the logs, then raises SIGSEGV; the client gets no reply, as with Redis.
    ctx.server().crash_requested = true;
  } else if (argc == 3 && EqualsIgnoreCase(sub, "SLEEP")) {
    // Blocks the whole server on purpose, as Redis does: tests use it to simulate a busy server.
    double seconds = std::strtod(std::string(args[2]).c_str(), nullptr);
    if (seconds > 0) {  // NaN and negatives do not sleep; absurd lengths are capped, not overflowed
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(std::min(seconds, 1e9) * 1e6)));
    }
    ctx.reply().Ok();
  } else if (argc == 3 && EqualsIgnoreCase(sub, "SET-ACTIVE-EXPIRE")) {
    ctx.server().config.active_expire_enabled = std::atoi(std::string(args[2]).c_str()) != 0;
    ctx.reply().Ok();
  } else if (argc == 3 && EqualsIgnoreCase(sub, "OBJECT")) {
    DebugObject(ctx, args);
  } else if (argc == 2 && EqualsIgnoreCase(sub, "DIGEST")) {
    ctx.reply().SimpleString(DigestHex(DigestOfDataset(ctx.server().dbs)));
  } else if (EqualsIgnoreCase(sub, "DIGEST-VALUE")) {
    DebugDigestValue(ctx, args);
  } else if (argc >= 3 && argc <= 5 && EqualsIgnoreCase(sub, "POPULATE")) {
    DebugPopulate(ctx, args);
  } else if (EqualsIgnoreCase(sub, "RELOAD")) {
    DebugReload(ctx, args);  // persistence_commands.cc
  } else if (argc == 2 && EqualsIgnoreCase(sub, "LOADAOF")) {
    // Redis 7.0 exits when the AOF cannot be loaded (or is off); an error reply is kinder.
    Aof* aof = ctx.server().aof;
    if (aof != nullptr && aof->ReloadForDebug()) {
      ctx.reply().Ok();
    } else {
      ctx.reply().Error(errors::kDebugLoadAofFailed);
    }
  } else if (argc == 3 && EqualsIgnoreCase(sub, "ERROR")) {
    ctx.reply().Error("-" + std::string(args[2]));  // the text is the whole error line, code included
  } else if (argc == 3 && EqualsIgnoreCase(sub, "LOG")) {
    Log(LogLevel::kWarning, "DEBUG LOG: %.*s", static_cast<int>(args[2].size()), args[2].data());
    ctx.reply().Ok();
  } else {
    ctx.reply().Error(errors::UnknownSubcommandOrArity(sub, "debug"));
  }
}

}  // namespace

void RegisterDebugCommand(CommandTable& table) {
  table.Register(MakeSpec("debug", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdProtected, Debug,
                          "@admin @slow @dangerous", "server", "A container for debugging commands", "1.0.0",
                          "Depends on subcommand."));
}

}  // namespace slotd
