// MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS k...]: sends
// keys as RESTORE (RESTORE-ASKING in cluster mode) over a cached blocking connection and deletes
// what the target acknowledged, exactly as Redis 7.0's migrateCommand (PROTOCOLS.md 5.4).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/migrate_socket.h"
#include "server/commands/server_family.h"
#include "server/persistence/rdb/dump_payload.h"

namespace slotd {
namespace {

struct MigrateArgs {
  std::string host, port;
  int64_t dbid = 0;
  int64_t timeout_ms = 0;
  bool copy = false;
  bool replace = false;
  std::optional<std::string_view> username, password;
  std::vector<std::string_view> keys;
};

// Options first, then timeout, then db, in Redis's order (so its error wins for combined mistakes).
bool ParseMigrateArgs(CommandContext& ctx, ArgList args, MigrateArgs* out) {
  size_t first_key = 3;
  size_t num_keys = 1;
  for (size_t j = 6; j < args.size(); ++j) {
    const size_t more = args.size() - 1 - j;
    std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "copy")) {
      out->copy = true;
    } else if (EqualsIgnoreCase(opt, "replace")) {
      out->replace = true;
    } else if (EqualsIgnoreCase(opt, "auth")) {
      if (more < 1) return ctx.SyntaxError(), false;
      out->password = args[++j];
    } else if (EqualsIgnoreCase(opt, "auth2")) {
      if (more < 2) return ctx.SyntaxError(), false;
      out->username = args[++j];
      out->password = args[++j];
    } else if (EqualsIgnoreCase(opt, "keys")) {
      if (!args[3].empty()) return ctx.reply().Error(errors::kMigrateKeysNeedsEmptyKey), false;
      first_key = j + 1;
      num_keys = args.size() - j - 1;
      break;
    } else {
      return ctx.SyntaxError(), false;
    }
  }
  std::optional<int64_t> timeout = ParseInt64(args[5]);
  std::optional<int64_t> dbid = timeout ? ParseInt64(args[4]) : std::nullopt;
  if (!timeout || !dbid) return ctx.NotInteger(), false;
  out->host.assign(args[1]);
  out->port.assign(args[2]);
  out->dbid = *dbid;
  out->timeout_ms = *timeout <= 0 ? 1000 : *timeout;
  out->keys.assign(args.begin() + static_cast<long>(first_key),
                   args.begin() + static_cast<long>(first_key + num_keys));
  return true;
}

void AppendBulk(std::string* out, std::string_view s) {
  out->push_back('$');
  out->append(std::to_string(s.size()));
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

void AppendArrayHeader(std::string* out, size_t n) {
  out->push_back('*');
  out->append(std::to_string(n));
  out->append("\r\n");
}

// The pipelined request: optional AUTH, SELECT when the connection's db differs, one RESTORE per
// key that is still alive. `sent` receives the keys in the order their replies will come.
std::string BuildRequest(CommandContext& ctx, const MigrateArgs& m, bool select,
                         const std::vector<std::string_view>& live,
                         std::vector<std::string_view>* sent) {
  std::string out;
  if (m.password) {
    AppendArrayHeader(&out, m.username ? 3 : 2);
    AppendBulk(&out, "AUTH");
    if (m.username) AppendBulk(&out, *m.username);
    AppendBulk(&out, *m.password);
  }
  if (select) {
    AppendArrayHeader(&out, 2);
    AppendBulk(&out, "SELECT");
    AppendBulk(&out, std::to_string(m.dbid));
  }
  const std::string_view restore = ctx.server().cluster_mode() ? "RESTORE-ASKING" : "RESTORE";
  for (std::string_view key : live) {
    Object* value = ctx.db().Find(key, kLookupNoTouch | kLookupNoStats);
    if (value == nullptr) continue;  // expired since the first lookup
    int64_t ttl = 0;
    const int64_t expire_at = ctx.db().GetExpire(key);
    if (expire_at != -1) ttl = std::max<int64_t>(expire_at - ctx.now_ms(), 1);
    AppendArrayHeader(&out, m.replace ? 5 : 4);
    AppendBulk(&out, restore);
    AppendBulk(&out, key);
    AppendBulk(&out, std::to_string(ttl));
    AppendBulk(&out, rdb::DumpPayload(*value, ctx.config().rdbcompression,
                                      ctx.config().list_max_listpack_size));
    if (m.replace) AppendBulk(&out, "REPLACE");
    sent->push_back(key);
  }
  return out;
}

enum class Attempt { kDone, kRetry, kFailed };

// One try of the transfer. kRetry / kFailed: a socket problem before anything was acknowledged (the
// caller retries once unless it was a timeout, else reports `*writing`).
Attempt TryMigrate(CommandContext& ctx, const MigrateArgs& m,
                   const std::vector<std::string_view>& live, bool may_retry, bool* writing) {
  using Status = MigrateSocket::Status;
  MigrateSocketCache& cache = MigrateSockets();
  MigrateSocket* sock = cache.Get(m.host, m.port, m.timeout_ms, ctx.now_ms());
  if (sock == nullptr) {
    ctx.reply().Error(errors::kMigrateConnectError);
    return Attempt::kDone;
  }
  const bool select = sock->last_dbid != m.dbid;
  std::vector<std::string_view> sent;
  const std::string request = BuildRequest(ctx, m, select, live, &sent);
  *writing = false;
  auto socket_failure = [&](Status status) {
    cache.Close(m.host, m.port);
    return may_retry && status != Status::kTimeout ? Attempt::kRetry : Attempt::kFailed;
  };
  Status status = sock->WriteAll(request, m.timeout_ms);
  if (status != Status::kOk) {
    *writing = true;
    return socket_failure(status);
  }
  std::string auth_reply, select_reply, reply;
  if (m.password && (status = sock->ReadLine(&auth_reply, m.timeout_ms)) != Status::kOk) {
    return socket_failure(status);
  }
  if (select && (status = sock->ReadLine(&select_reply, m.timeout_ms)) != Status::kOk) {
    return socket_failure(status);
  }
  bool error_from_target = false;
  std::vector<std::string_view> deleted{"DEL"};
  size_t j = 0;
  for (; j < sent.size(); ++j) {
    if ((status = sock->ReadLine(&reply, m.timeout_ms)) != Status::kOk) break;
    const std::string* error = (m.password && auth_reply.starts_with('-')) ? &auth_reply
                               : (select && select_reply.starts_with('-')) ? &select_reply
                               : reply.starts_with('-')                    ? &reply
                                                                           : nullptr;
    if (error != nullptr) {
      if (!error_from_target) {
        sock->last_dbid = -1;
        error_from_target = true;
        std::string text(errors::kMigrateTargetErrorPrefix);
        ctx.reply().Error(text.append(*error, 1));
      }
    } else if (!m.copy) {
      ctx.db().Erase(sent[j]);
      ctx.Modified(sent[j], notify::kGeneric, "del");
      deleted.push_back(sent[j]);
    }
  }
  const bool socket_error = j < sent.size();
  if (!error_from_target && socket_error && j == 0) return socket_failure(status);
  if (socket_error) cache.Close(m.host, m.port);
  // Replicas and the AOF see the transfer as DEL of the acknowledged keys.
  if (deleted.size() > 1) {
    ctx.Propagate(std::span<const std::string_view>(deleted));
  } else {
    ctx.PreventPropagation();
  }
  if (!error_from_target && socket_error) return Attempt::kFailed;
  if (!error_from_target) {
    sock->last_dbid = m.dbid;
    ctx.reply().Ok();
  }
  return Attempt::kDone;
}

void MigrateCommand(CommandContext& ctx, ArgList args) {
  MigrateArgs m;
  if (!ParseMigrateArgs(ctx, args, &m)) return;
  std::vector<std::string_view> live;
  for (std::string_view key : m.keys) {
    if (ctx.db().Find(key) != nullptr) live.push_back(key);
  }
  if (live.empty()) return ctx.reply().SimpleString("NOKEY");
  bool writing = false;
  Attempt attempt = TryMigrate(ctx, m, live, /*may_retry=*/true, &writing);
  if (attempt == Attempt::kRetry) attempt = TryMigrate(ctx, m, live, /*may_retry=*/false, &writing);
  if (attempt != Attempt::kDone) {
    ctx.reply().Error(writing ? errors::kMigrateWriteError : errors::kMigrateReadError);
  }
}

// Redis's migrateGetKeys: key 3, or everything after KEYS (no keys when KEYS comes with a non-empty
// key).
bool MigrateKeys(ArgList args, std::vector<int>* key_indexes) {
  int first = 3;
  int count = 1;
  const int argc = static_cast<int>(args.size());
  for (int i = 6; i < argc; ++i) {
    if (!EqualsIgnoreCase(args[static_cast<size_t>(i)], "keys")) continue;
    if (!args[3].empty()) return false;
    first = i + 1;
    count = argc - first;
    break;
  }
  for (int i = first; i < first + count && i < argc; ++i) key_indexes->push_back(i);
  return true;
}

}  // namespace

void RegisterMigrateCommand(CommandTable& table) {
  CommandSpec spec =
      MakeSpec("migrate", -6, kCmdWrite | kCmdMovableKeys, MigrateCommand,
               "@keyspace @write @slow @dangerous", "generic",
               "Atomically transfer a key from a Redis instance to another one.", "2.6.0",
               "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in "
               "the target "
               "instance. See the pages of these commands for time complexity. Also an O(N) data "
               "transfer between "
               "the two instances is performed.");
  spec.first_key = 3;
  spec.last_key = 3;
  spec.key_step = 1;
  spec.key_finder = MigrateKeys;
  table.Register(std::move(spec));
}

}  // namespace slotd
