// CLIENT and its subcommands: ID SETNAME GETNAME LIST INFO KILL NO-EVICT REPLY SETINFO UNBLOCK HELP, and
// the registration of the tracking ones (client_tracking_command.cc). Line format, client types and error texts follow Redis 7.0's networking.c (catClientInfoString,
// clientCommand); SETINFO follows 7.2 because client libraries send it on connect.
#include <string>
#include <vector>

#include "server/app/client_pause.h"
#include "server/commands/arg_parse.h"
#include "server/commands/client_tracking.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/server_family.h"
#include "server/net/connection.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

ClientType TypeOf(const Client& c) {
  if (c.is_master) return ClientType::kMaster;
  if (c.is_replica && !c.is_monitor) return ClientType::kReplica;  // monitors count as normal
  if (c.subscription_count() > 0) return ClientType::kPubSub;
  return ClientType::kNormal;
}

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) return ClientType::kReplica;
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

std::string ClientFlags(const Client& c) {
  std::string flags;
  if (c.is_monitor) {
    flags.push_back('O');
  } else if (c.is_replica) {
    flags.push_back('S');
  }
  if (c.is_master) flags.push_back('M');
  if (c.subscription_count() > 0) flags.push_back('P');
  if (c.in_multi) flags.push_back('x');
  if (c.blocked) flags.push_back('b');
  if (c.tracking.enabled) flags.push_back('t');
  if (c.tracking.broken_redirect) flags.push_back('R');
  if (c.tracking.bcast) flags.push_back('B');
  if (c.watch_dirty) flags.push_back('d');
  if (c.close_after_reply) flags.push_back('c');
  if (!c.addr.empty() && c.addr[0] == '/') flags.push_back('U');  // unix socket peers are "path:0"
  if (c.cluster_readonly) flags.push_back('r');
  if (c.no_evict) flags.push_back('e');
  if (flags.empty()) flags.push_back('N');
  return flags;
}

// MULTI's queued commands as Redis counts them (argv_len_sums): argument bytes plus a pointer each.
size_t QueuedBytes(const Client& c) {
  size_t bytes = 0;
  for (const auto& argv : c.queued) {
    for (const std::string& arg : argv) bytes += arg.size() + sizeof(void*);
  }
  return bytes;
}

// One CLIENT LIST line, fields in Redis 7.0's order. `current_argv_bytes` is the size of the arguments
// being executed (argv-mem), non-zero only for the client running the command.
std::string ClientInfoLine(const Server& server, const Client& c, std::string_view cmd,
                           size_t current_argv_bytes) {
  int64_t now_s = server.now_ms / 1000;
  size_t multi_mem = QueuedBytes(c);
  size_t tot_mem = sizeof(Client) + c.output.capacity() + current_argv_bytes + multi_mem;
  std::string line;
  line.reserve(320);
  auto field = [&line](std::string_view name, std::string_view value) {
    if (!line.empty()) line.push_back(' ');
    line.append(name);
    line.push_back('=');
    line.append(value);
  };
  auto num = [&field](std::string_view name, int64_t value) { field(name, std::to_string(value)); };
  num("id", static_cast<int64_t>(c.id()));
  field("addr", c.addr);
  field("laddr", c.laddr);
  num("fd", c.fd);
  field("name", c.name);
  num("age", now_s - c.created_ms / 1000);
  num("idle", now_s - (c.last_interaction_ms ? c.last_interaction_ms : c.created_ms) / 1000);
  field("flags", ClientFlags(c));
  num("db", c.db_index);
  num("sub", static_cast<int64_t>(c.channels.size()));
  num("psub", static_cast<int64_t>(c.patterns.size()));
  num("ssub", static_cast<int64_t>(c.shard_channels.size()));
  num("multi", c.in_multi ? static_cast<int64_t>(c.queued.size()) : -1);
  num("qbuf", 0);
  num("qbuf-free", 0);
  num("argv-mem", static_cast<int64_t>(current_argv_bytes));
  num("multi-mem", static_cast<int64_t>(multi_mem));
  num("rbs", static_cast<int64_t>(c.output.capacity()));
  num("rbp", static_cast<int64_t>(c.output.size()));
  num("obl", static_cast<int64_t>(c.output.size()));
  num("oll", 0);
  num("omem", 0);
  num("tot-mem", static_cast<int64_t>(tot_mem));
  field("events", c.connection() != nullptr ? "r" : "");
  field("cmd", cmd);
  field("user", "default");
  num("redir", c.tracking.enabled ? static_cast<int64_t>(c.tracking.redirect) : -1);
  num("resp", c.reply.protocol());
  return line;
}

// The line for the client running this command: its current command is this CLIENT subcommand
// (or EXEC, when it runs queued), and its arguments are in memory.
std::string SelfInfoLine(CommandContext& ctx, ArgList args) {
  size_t argv_bytes = 0;
  for (std::string_view arg : args) argv_bytes += arg.size();
  std::string cmd = ctx.in_exec() ? "exec" : "client|" + std::string(ctx.spec().name);
  return ClientInfoLine(ctx.server(), ctx.client(), cmd, argv_bytes);
}

void AppendLine(CommandContext& ctx, ArgList args, const Client& c, std::string* out) {
  if (&c == &ctx.client()) {
    out->append(SelfInfoLine(ctx, args));
  } else {
    out->append(ClientInfoLine(ctx.server(), c, c.LastCommandName(), 0));
  }
  out->push_back('\n');
}

void ClientId(CommandContext& ctx, ArgList) { ctx.reply().Integer(static_cast<int64_t>(ctx.client().id())); }

void ClientInfo(CommandContext& ctx, ArgList args) {
  std::string text = SelfInfoLine(ctx, args);
  text.push_back('\n');
  ctx.reply().Verbatim(text);
}

// CLIENT LIST [TYPE type] | [ID id ...]
void ClientList(CommandContext& ctx, ArgList args) {
  std::string text;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "TYPE")) {
    std::optional<ClientType> type = ParseClientType(args[3]);
    if (!type) {
      ctx.reply().Error(errors::UnknownClientType(args[3]));
      return;
    }
    for (const auto& [id, c] : ctx.server().clients) {
      if (TypeOf(*c) == *type) AppendLine(ctx, args, *c, &text);
    }
  } else if (args.size() > 3 && EqualsIgnoreCase(args[2], "ID")) {
    for (size_t i = 3; i < args.size(); ++i) {
      std::optional<int64_t> id = ParseInt64(args[i]);
      if (!id) {
        ctx.reply().Error(errors::kInvalidClientId);
        return;
      }
      auto it = ctx.server().clients.find(static_cast<uint64_t>(*id));
      if (it != ctx.server().clients.end()) AppendLine(ctx, args, *it->second, &text);
    }
  } else if (args.size() != 2) {
    ctx.SyntaxError();
    return;
  } else {
    for (const auto& [id, c] : ctx.server().clients) AppendLine(ctx, args, *c, &text);
  }
  ctx.reply().Verbatim(text);
}

struct KillFilter {
  std::optional<std::string_view> addr, laddr;
  std::optional<ClientType> type;
  uint64_t id = 0;
  bool skip_me = true;
};

// Parses the new form "CLIENT KILL <option> <value> ..."; writes the error and returns false on bad input.
bool ParseKillFilter(CommandContext& ctx, ArgList args, KillFilter* filter) {
  for (size_t i = 2; i < args.size(); i += 2) {
    bool more = i + 1 < args.size();
    std::string_view option = args[i];
    if (more && EqualsIgnoreCase(option, "ID")) {
      std::optional<int64_t> id = ParseInt64(args[i + 1]);
      if (!id || *id < 1) {
        ctx.reply().Error(errors::kClientIdNotPositive);
        return false;
      }
      filter->id = static_cast<uint64_t>(*id);
    } else if (more && EqualsIgnoreCase(option, "TYPE")) {
      filter->type = ParseClientType(args[i + 1]);
      if (!filter->type) {
        ctx.reply().Error(errors::UnknownClientType(args[i + 1]));
        return false;
      }
    } else if (more && EqualsIgnoreCase(option, "ADDR")) {
      filter->addr = args[i + 1];
    } else if (more && EqualsIgnoreCase(option, "LADDR")) {
      filter->laddr = args[i + 1];
    } else if (more && EqualsIgnoreCase(option, "USER")) {
      if (args[i + 1] != "default") {  // the only user; every client is authenticated as it
        ctx.reply().Error(errors::NoSuchUser(args[i + 1]));
        return false;
      }
    } else if (more && EqualsIgnoreCase(option, "SKIPME")) {
      if (EqualsIgnoreCase(args[i + 1], "yes")) {
        filter->skip_me = true;
      } else if (EqualsIgnoreCase(args[i + 1], "no")) {
        filter->skip_me = false;
      } else {
        ctx.SyntaxError();
        return false;
      }
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

bool Matches(const KillFilter& f, const Client& c, const Client& self) {
  if (f.addr && c.addr != *f.addr) return false;
  if (f.laddr && c.laddr != *f.laddr) return false;
  if (f.type && TypeOf(c) != *f.type) return false;
  if (f.id != 0 && c.id() != f.id) return false;
  return !(f.skip_me && &c == &self);
}

// CLIENT KILL ip:port (old form: may kill the caller, replies OK or "No such client") or
// CLIENT KILL <filters> (replies the number killed, skips the caller unless SKIPME no).
void ClientKill(CommandContext& ctx, ArgList args) {
  KillFilter filter;
  bool old_form = args.size() == 3;
  if (old_form) {
    filter.addr = args[2];
    filter.skip_me = false;
  } else if (!ParseKillFilter(ctx, args, &filter)) {
    return;
  }
  Client& self = ctx.client();
  std::vector<Client*> victims;  // collected first: closing a client may remove it from the map
  for (const auto& [id, c] : ctx.server().clients) {
    if (Matches(filter, *c, self)) victims.push_back(c);
  }
  bool kill_self = false;
  for (Client* c : victims) {
    if (c == &self) {
      kill_self = true;
    } else if (c->connection() != nullptr) {
      // Freed at once with its pending output, as Redis's freeClient(): a PUBLISH right after
      // the kill must not count (or reach) a killed subscriber.
      c->connection()->Close(false);
    } else if (ctx.server().close_client) {
      ctx.server().close_client(*c);  // the master link's client has no connection of its own
    }
  }
  if (old_form) {
    if (victims.empty()) {
      ctx.reply().Error(errors::kNoSuchClient);
    } else {
      ctx.reply().Ok();
    }
  } else {
    ctx.reply().Integer(static_cast<int64_t>(victims.size()));
  }
  // Only after the reply is queued, so the caller still receives it.
  if (kill_self) self.close_after_reply = true;
}

void ClientSetName(CommandContext& ctx, ArgList args) {
  if (!ValidClientName(args[2])) {
    ctx.reply().Error(errors::kBadClientName);
    return;
  }
  ctx.client().name = std::string(args[2]);
  ctx.reply().Ok();
}

void ClientGetName(CommandContext& ctx, ArgList) {
  if (ctx.client().name.empty()) {
    ctx.reply().Null();
  } else {
    ctx.reply().Bulk(ctx.client().name);
  }
}

// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP are not answered (the dispatcher suppresses later replies).
void ClientReply(CommandContext& ctx, ArgList args) {
  Client& client = ctx.client();
  if (EqualsIgnoreCase(args[2], "ON")) {
    client.reply_mode = ReplyMode::kOn;
    ctx.reply().Ok();
  } else if (EqualsIgnoreCase(args[2], "OFF")) {
    client.reply_mode = ReplyMode::kOff;
  } else if (EqualsIgnoreCase(args[2], "SKIP")) {
    if (client.reply_mode != ReplyMode::kOff) client.reply_mode = ReplyMode::kSkip;
  } else {
    ctx.SyntaxError();
  }
}

void ClientNoEvict(CommandContext& ctx, ArgList args) {
  if (EqualsIgnoreCase(args[2], "ON")) {
    ctx.client().no_evict = true;
  } else if (EqualsIgnoreCase(args[2], "OFF")) {
    ctx.client().no_evict = false;
  } else {
    ctx.SyntaxError();
    return;
  }
  ctx.reply().Ok();
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; redis-py >= 5 sends it and ignores errors).
void ClientSetInfo(CommandContext& ctx, ArgList args) {
  std::string* target = nullptr;
  std::string_view attribute;
  if (EqualsIgnoreCase(args[2], "LIB-NAME")) {
    target = &ctx.client().lib_name;
    attribute = "lib-name";
  } else if (EqualsIgnoreCase(args[2], "LIB-VER")) {
    target = &ctx.client().lib_ver;
    attribute = "lib-ver";
  } else {
    ctx.reply().Error(errors::UnrecognizedOption(args[2]));
    return;
  }
  if (!ValidClientName(args[3])) {
    ctx.reply().Error(errors::BadClientInfoValue(attribute));
    return;
  }
  *target = std::string(args[3]);
  ctx.reply().Ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command with its timeout reply
// or an -UNBLOCKED error. Replies 1 when a blocked client was found.
void ClientUnblock(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) {
    ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "client"));
    return;
  }
  bool with_error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "ERROR")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(args[3], "TIMEOUT")) {
      ctx.reply().Error(errors::kUnblockReason);
      return;
    }
  }
  std::optional<int64_t> id = ParseInt64(args[2]);
  if (!id) {
    ctx.NotInteger();
    return;
  }
  Server& server = ctx.server();
  auto it = server.clients.find(static_cast<uint64_t>(*id));
  // A client postponed by a pause is not unblockable (Redis 7.0 crashes here; later versions reply 0).
  if (it == server.clients.end() || !it->second->blocked ||
      (server.pause != nullptr && server.pause->IsPostponed(*it->second))) {
    ctx.reply().Integer(0);
    return;
  }
  Client& target = *it->second;
  if (with_error) {
    target.reply.Error(errors::kUnblockedByClient);
    server.UnblockClient(target, false);
    if (server.schedule_flush) server.schedule_flush(target);
  } else {
    server.UnblockClient(target, true);
  }
  ctx.reply().Integer(1);
}

// CLIENT PAUSE timeout [WRITE|ALL]: postpones clients' commands (all, or those that write or may
// replicate) for `timeout` ms. The deadline wraps like Redis's mstime arithmetic: a huge timeout
// overflows into the past and pauses nothing.
void ClientPauseCommand(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) {
    ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "client"));
    return;
  }
  PauseKind kind = PauseKind::kAll;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "WRITE")) {
      kind = PauseKind::kWrite;
    } else if (!EqualsIgnoreCase(args[3], "ALL")) {
      ctx.reply().Error(errors::kPauseMode);
      return;
    }
  }
  TimeoutParse timeout = ParseMsTimeout(args[2]);
  if (!timeout.ok) {
    ctx.reply().Error(timeout.error);
    return;
  }
  int64_t end_ms = 0;  // 0: already over
  if (timeout.deadline_ms > 0) {
    end_ms = static_cast<int64_t>(static_cast<uint64_t>(ctx.now_ms()) +
                                  static_cast<uint64_t>(timeout.deadline_ms));
  }
  if (ClientPause* pause = ctx.server().pause; pause != nullptr) {
    pause->Pause(PausePurpose::kClientCommand, end_ms, kind);
  }
  ctx.reply().Ok();
}

void ClientUnpause(CommandContext& ctx, ArgList) {
  if (ClientPause* pause = ctx.server().pause; pause != nullptr) pause->Unpause(PausePurpose::kClientCommand);
  ctx.reply().Ok();
}

void ClientHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "client",
            {"CACHING (YES|NO)", "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
             "GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
             "GETNAME", "    Return the name of the current connection.",
             "ID", "    Return the ID of the current connection.",
             "INFO", "    Return information about the current client connection.",
             "KILL <ip:port>", "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
             "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
             "    * USER <username>", "      Kill connections authenticated by <username>.",
             "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
             "LIST [options ...]", "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
             "UNPAUSE", "    Stop the current client pause, resuming traffic.",
             "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
             "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
             "SETNAME <name>", "    Assign the name <name> to the current connection.",
             "SETINFO <LIB-NAME|LIB-VER> <value>", "    Set client meta attr. Options are:",
             "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
             "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
             "         [OPTIN] [OPTOUT] [NOLOOP]", "    Control server assisted client side caching.",
             "TRACKINGINFO", "    Report tracking status for the current connection.",
             "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction."});
}

CommandSpec Sub(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                std::string_view acl, std::string_view summary, std::string_view since,
                std::string_view complexity) {
  return MakeSpec(name, arity, flags, handler, acl, "connection", summary, since, complexity);
}

}  // namespace

void RegisterClientCommand(CommandTable& table) {
  constexpr uint32_t kBase = kCmdNoScript | kCmdLoading | kCmdStale | kCmdSentinel;
  constexpr uint32_t kAdmin = kBase | kCmdAdmin;
  constexpr std::string_view kAcl = "@slow @connection";
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous @connection";
  CommandSpec client = Sub("client", -2, kCmdSentinel, nullptr, "@slow",
                           "A container for client connection commands", "2.4.0", "Depends on subcommand.");
  client.subcommands = {
      Sub("id", 2, kBase, ClientId, kAcl, "Returns the client ID for the current connection", "5.0.0", "O(1)"),
      Sub("info", 2, kBase, ClientInfo, kAcl, "Returns information about the current client connection.",
          "6.2.0", "O(1)"),
      Sub("list", -2, kAdmin, ClientList, kAdminAcl, "Get the list of client connections", "2.4.0",
          "O(N) where N is the number of client connections"),
      Sub("kill", -3, kAdmin, ClientKill, kAdminAcl, "Kill the connection of a client", "2.4.0",
          "O(N) where N is the number of client connections"),
      Sub("setname", 3, kBase, ClientSetName, kAcl, "Set the current connection name", "2.6.9", "O(1)"),
      Sub("getname", 2, kBase, ClientGetName, kAcl, "Get the current connection name", "2.6.9", "O(1)"),
      Sub("reply", 3, kBase, ClientReply, kAcl, "Instruct the server whether to reply to commands", "3.2.0",
          "O(1)"),
      Sub("no-evict", 3, kAdmin, ClientNoEvict, kAdminAcl,
          "Set client eviction mode for the current connection", "7.0.0", "O(1)"),
      Sub("setinfo", 4, kBase, ClientSetInfo, kAcl, "Set client or connection specific info", "7.2.0", "O(1)"),
      Sub("unblock", -3, kAdmin, ClientUnblock, kAdminAcl,
          "Unblock a client blocked in a blocking command from a different connection", "5.0.0",
          "O(log N) where N is the number of client connections"),
      Sub("pause", -3, kAdmin, ClientPauseCommand, kAdminAcl,
          "Stop processing commands from clients for some time", "2.9.50", "O(1)"),
      Sub("unpause", 2, kAdmin, ClientUnpause, kAdminAcl, "Resume processing of clients that were paused",
          "6.2.0", "O(N) Where N is the number of paused clients"),
      Sub("getredir", 2, kBase, ClientGetRedirCommand, kAcl,
          "Get tracking notifications redirection client ID if any", "6.0.0", "O(1)"),
      Sub("tracking", -3, kBase, ClientTrackingCommand, kAcl,
          "Enable or disable server assisted client side caching support", "6.0.0",
          "O(1). Some options may introduce additional complexity."),
      Sub("caching", 3, kBase, ClientCachingCommand, kAcl,
          "Instruct the server about tracking or not keys in the next request", "6.0.0", "O(1)"),
      Sub("trackinginfo", 2, kBase, ClientTrackingInfoCommand, kAcl,
          "Return information about server assisted client side caching for the current connection",
          "6.2.0", "O(1)"),
      Sub("help", 2, kCmdLoading | kCmdStale | kCmdSentinel, ClientHelp, kAcl,
          "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
  };
  table.Register(std::move(client));
}

}  // namespace slotd
