// Connection commands: PING ECHO QUIT HELLO AUTH SELECT RESET (CLIENT lives in client_command.cc).
// Replies and error texts follow Redis 7.0 (server.c pingCommand, networking.c helloCommand/resetCommand,
// acl.c authCommand, db.c selectCommand).
#include <algorithm>
#include <limits>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/sentinel_runtime.h"
#include "server/commands/server_family.h"
#include "server/resp/errors.h"

namespace slotd {

bool Authenticate(const Server& server, Client& client, std::string_view user, std::string_view password) {
  // requirepass is the default user's password; there are no other users.
  if (user != "default") return false;
  const std::string& required = server.config.requirepass;
  if (!required.empty()) {
    // Compare every byte so the time taken does not reveal the matching prefix.
    unsigned char diff = required.size() == password.size() ? 0 : 1;
    for (size_t i = 0; i < password.size(); ++i) {
      diff |= static_cast<unsigned char>(password[i] ^ required[i % required.size()]);
    }
    if (diff != 0) return false;
  }
  client.authenticated = true;
  return true;
}

bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

namespace {

void Ping(CommandContext& ctx, ArgList args) {
  if (args.size() > 2) {
    ctx.reply().Error(errors::WrongArity("ping"));
    return;
  }
  resp::ReplyBuilder& reply = ctx.reply();
  // A RESP2 subscriber can only read pushes, so its PONG comes as a message-shaped array.
  if (ctx.client().in_pubsub_context()) {
    reply.ArrayHeader(2);
    reply.Bulk("pong");
    reply.Bulk(args.size() == 1 ? std::string_view() : args[1]);
  } else if (args.size() == 1) {
    reply.SimpleString("PONG");
  } else {
    reply.Bulk(args[1]);
  }
}

void Echo(CommandContext& ctx, ArgList args) { ctx.reply().Bulk(args[1]); }

void Quit(CommandContext& ctx, ArgList) {
  ctx.reply().Ok();
  ctx.client().close_after_reply = true;
}

// The HELLO map: server, version, proto, id, mode, role, modules (no role in sentinel mode).
void ReplyHelloMap(CommandContext& ctx) {
  resp::ReplyBuilder& reply = ctx.reply();
  const bool sentinel = InSentinelMode(ctx.server());
  reply.MapHeader(sentinel ? 6 : 7);
  reply.Bulk("server");
  reply.Bulk("redis");
  reply.Bulk("version");
  reply.Bulk("7.0.15");
  reply.Bulk("proto");
  reply.Integer(reply.protocol());
  reply.Bulk("id");
  reply.Integer(static_cast<int64_t>(ctx.client().id()));
  reply.Bulk("mode");
  reply.Bulk(sentinel ? "sentinel" : ctx.server().cluster_mode() ? "cluster" : "standalone");
  if (!sentinel) {
    reply.Bulk("role");
    reply.Bulk(ctx.config().replicaof_host.empty() ? "master" : "replica");
  }
  reply.Bulk("modules");
  reply.EmptyArray();
}

// HELLO [protover [AUTH user pass] [SETNAME name]]. Options apply in order, as in Redis: a failed AUTH
// or a bad name stops there, leaving earlier options applied and the protocol unchanged.
void Hello(CommandContext& ctx, ArgList args) {
  int64_t version = 0;
  if (args.size() >= 2) {
    std::optional<int64_t> parsed = ParseInt64(args[1]);
    if (!parsed) {
      ctx.reply().Error(errors::kHelloProtoNotInteger);
      return;
    }
    if (*parsed < 2 || *parsed > 3) {
      ctx.reply().Error(errors::kNoProto);
      return;
    }
    version = *parsed;
  }
  Client& client = ctx.client();
  for (size_t i = 2; i < args.size(); ++i) {
    size_t more = args.size() - 1 - i;
    if (EqualsIgnoreCase(args[i], "AUTH") && more >= 2) {
      if (!Authenticate(ctx.server(), client, args[i + 1], args[i + 2])) {
        ctx.reply().Error(errors::kWrongPass);
        return;
      }
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "SETNAME") && more >= 1) {
      if (!ValidClientName(args[i + 1])) {
        ctx.reply().Error(errors::kBadClientName);
        return;
      }
      client.name = std::string(args[i + 1]);
      ++i;
    } else {
      ctx.reply().Error(errors::HelloSyntaxError(args[i]));
      return;
    }
  }
  if (!client.authenticated && !ctx.config().requirepass.empty()) {
    ctx.reply().Error(errors::kHelloNoAuth);
    return;
  }
  if (version != 0) client.reply.set_protocol(static_cast<int>(version));
  ReplyHelloMap(ctx);
}

// AUTH [username] password.
void Auth(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) {
    ctx.SyntaxError();
    return;
  }
  std::string_view user = "default";
  std::string_view password = args[1];
  if (args.size() == 2) {
    if (ctx.config().requirepass.empty()) {
      ctx.reply().Error(errors::kAuthNotConfigured);
      return;
    }
  } else {
    user = args[1];
    password = args[2];
  }
  if (Authenticate(ctx.server(), ctx.client(), user, password)) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Error(errors::kWrongPass);
  }
}

void Select(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> index = ParseInt64(args[1]);
  if (!index) {
    ctx.reply().Error(errors::kInvalidDbIndex);
    return;
  }
  if (*index < std::numeric_limits<int>::min() || *index > std::numeric_limits<int>::max()) {
    ctx.reply().Error(errors::kIntOutOfRange);
    return;
  }
  if (ctx.server().cluster_mode() && *index != 0) {
    ctx.reply().Error(errors::kSelectNotAllowedInCluster);
    return;
  }
  if (*index < 0 || *index >= static_cast<int64_t>(ctx.server().dbs.size())) {
    ctx.reply().Error(errors::kDbIndexOutOfRange);
    return;
  }
  ctx.client().db_index = static_cast<int>(*index);
  ctx.reply().Ok();
}

// RESET: back to a freshly connected client (Redis's clearClientConnectionState), keeping the
// connection, its id and the no-evict flag.
void Reset(CommandContext& ctx, ArgList) {
  Client& client = ctx.client();
  Server& server = ctx.server();
  if (client.is_master || (client.is_replica && !client.is_monitor)) {
    ctx.reply().Error(errors::kResetNotNormal);
    return;
  }
  if (client.is_monitor) std::erase(server.monitors, &client);
  client.is_monitor = false;
  server.tracking.Disable(client);
  client.db_index = 0;
  client.reply.set_protocol(2);
  client.authenticated = server.config.requirepass.empty();
  client.in_multi = false;
  client.multi_error = false;
  client.watch_dirty = false;
  client.queued.clear();
  server.UnwatchAll(client);
  server.pubsub.RemoveClient(client);
  client.name.clear();
  client.reply_mode = ReplyMode::kOn;
  client.cluster_readonly = false;
  client.asking = false;
  ctx.reply().SimpleString("RESET");
}

CommandSpec ConnectionSpec(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                           std::string_view summary, std::string_view since, std::string_view complexity) {
  return MakeSpec(name, arity, flags, handler, "@fast @connection", "connection", summary, since, complexity);
}

}  // namespace

void RegisterConnectionCommands(CommandTable& table) {
  constexpr uint32_t kHandshake =
      kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdSentinel | kCmdAllowBusy;
  table.Register(ConnectionSpec("ping", -1, kCmdFast | kCmdSentinel, Ping, "Ping the server", "1.0.0", "O(1)"));
  table.Register(ConnectionSpec("echo", 2, kCmdLoading | kCmdStale | kCmdFast, Echo, "Echo the given string",
                                "1.0.0", "O(1)"));
  table.Register(ConnectionSpec("quit", -1,
                                kCmdAllowBusy | kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth,
                                Quit, "Close the connection", "1.0.0", "O(1)"));
  table.Register(ConnectionSpec("hello", -1, kHandshake, Hello, "Handshake with Redis", "6.0.0", "O(1)"));
  table.Register(ConnectionSpec("auth", -2, kHandshake, Auth, "Authenticate to the server", "1.0.0",
                                "O(N) where N is the number of passwords defined for the user"));
  table.Register(ConnectionSpec("select", 2, kCmdLoading | kCmdStale | kCmdFast, Select,
                                "Change the selected database for the current connection", "1.0.0", "O(1)"));
  table.Register(ConnectionSpec("reset", 1,
                                kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
                                Reset, "Reset the connection", "6.2.0", "O(1)"));
  RegisterClientCommand(table);
}

}  // namespace slotd
