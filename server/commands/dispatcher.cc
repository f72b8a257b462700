#include "server/commands/dispatcher.h"

#include <time.h>

#include <cstdio>

#include "server/app/client_pause.h"
#include "server/app/cycle_clock.h"
#include "server/cluster_host/routing_glue.h"
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/slowlog.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/snapshots.h"
#include "server/replication/replication.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Commands a RESP2 client with subscriptions may still run.
bool AllowedInPubSubContext(std::string_view name) {
  return name == "subscribe" || name == "unsubscribe" || name == "psubscribe" || name == "punsubscribe" ||
         name == "ssubscribe" || name == "sunsubscribe" || name == "ping" || name == "quit" || name == "reset";
}

// Commands that run immediately inside MULTI instead of being queued.
bool RunsInsideMulti(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

std::string FullName(const CommandSpec& parent, const CommandSpec& sub) {
  std::string name(parent.name);
  name.push_back('|');
  name.append(sub.name);
  return name;
}

// sdscatrepr-style quoting for MONITOR lines.
void AppendQuoted(std::string* out, std::string_view arg) {
  out->push_back('"');
  for (unsigned char c : arg) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
      default:
        if (c >= 32 && c < 127) {
          out->push_back(static_cast<char>(c));
        } else {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          out->append(hex);
        }
    }
  }
  out->push_back('"');
}

// MONITOR: `+1339518083.107412 [0 127.0.0.1:60866] "set" "k" "v"` to every monitoring client.
void FeedMonitors(Server& server, Client& client, ArgList args) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char prefix[96];
  std::snprintf(prefix, sizeof(prefix), "%lld.%06ld [%d %s]", static_cast<long long>(ts.tv_sec),
                ts.tv_nsec / 1000, client.db_index, client.addr.c_str());
  std::string line = prefix;
  for (std::string_view arg : args) {
    line.push_back(' ');
    AppendQuoted(&line, arg);
  }
  for (Client* monitor : server.monitors) {
    if (monitor == &client) continue;
    monitor->reply.SimpleString(line);
    if (server.schedule_flush) server.schedule_flush(*monitor);
  }
}

// Evicts as needed; while clients are paused the data set stays as it is (nothing is evicted).
bool UnderMaxmemory(Server& server) {
  if (server.pause != nullptr && server.pause->Paused()) {
    return server.UsedMemory() <= server.config.maxmemory;
  }
  return server.EnforceMaxmemory();
}

// Records an error that happened while queueing inside MULTI, so EXEC aborts.
void FlagMultiError(Client& client) {
  if (client.in_multi) client.multi_error = true;
}

// A known command refused before it ran (Redis's rejectCommand): counted as rejected_calls.
void Rejected(Client& client, const CommandSpec& spec) {
  FlagMultiError(client);
  if (spec.stats != nullptr) ++spec.stats->rejected_calls;
}

// CLIENT CACHING YES/NO covers the next command only: any command but a CLIENT subcommand (or one queued
// inside MULTI) consumes it, unknown and refused ones included (Redis's resetClient).
class CachingFlagScope {
 public:
  CachingFlagScope(Client& client, const CommandSpec* const* top) : client_(client), top_(top) {}
  ~CachingFlagScope() {
    if (!client_.tracking.caching) return;
    const bool client_command = *top_ != nullptr && (*top_)->name == "client";
    if (!client_.in_multi && !client_command) client_.tracking.caching = false;
  }
  CachingFlagScope(const CachingFlagScope&) = delete;
  CachingFlagScope& operator=(const CachingFlagScope&) = delete;

 private:
  Client& client_;
  const CommandSpec* const* top_;
};

}  // namespace

void CommandContext::Block(std::span<const std::string_view> keys, int64_t deadline_ms,
                           BlockTimeoutReply timeout_reply) {
  if (in_exec_ || (deadline_ms != 0 && deadline_ms <= now_ms())) {
    if (timeout_reply == BlockTimeoutReply::kNullBulk) {
      reply().Null();
    } else {
      reply().NullArray();
    }
    return;
  }
  server_.BlockClient(client_, args_, keys, deadline_ms, timeout_reply);
}

const CommandSpec* ResolveCommand(Server& server, Client& client, ArgList args, const CommandSpec** top) {
  const CommandSpec* spec = server.commands.Find(args[0]);
  if (top != nullptr) *top = spec;
  if (spec == nullptr) {
    client.reply.Error(errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    FlagMultiError(client);
    return nullptr;
  }
  if (!spec->subcommands.empty()) {
    // A container with its own handler runs it when called bare (COMMAND lists every command).
    if (args.size() == 1 && spec->handler != nullptr) return spec;
    if (args.size() < 2) {
      client.reply.Error(errors::WrongArity(spec->name));
      Rejected(client, *spec);
      return nullptr;
    }
    const CommandSpec* sub = CommandTable::FindSubcommand(*spec, args[1]);
    if (sub == nullptr) {
      client.reply.Error(errors::UnknownSubcommand(args[1], spec->name));
      FlagMultiError(client);
      return nullptr;
    }
    if (!CommandTable::ArityOk(*sub, args.size())) {
      client.reply.Error(errors::WrongArity(FullName(*spec, *sub)));
      Rejected(client, *sub);
      return nullptr;
    }
    return sub;
  }
  if (!CommandTable::ArityOk(*spec, args.size())) {
    client.reply.Error(errors::WrongArity(spec->name));
    Rejected(client, *spec);
    return nullptr;
  }
  return spec;
}

void Execute(Server& server, Client& client, const CommandSpec& spec, ArgList args, bool in_exec) {
  CommandContext ctx(server, client, spec, args);
  ctx.set_in_exec(in_exec);
  Client* const caller = server.current_client;
  server.current_client = &client;
  uint64_t dirty_before = server.dirty;
  const uint64_t errors_before = client.reply.errors_written();
  ++server.execution_depth;
  int64_t start = CycleNow();
  spec.handler(ctx, args);
  int64_t duration_us = CyclesToMicros(CycleNow() - start);
  --server.execution_depth;
  // Client-side caching: what a tracking client read is what it may now cache.
  if ((spec.flags & kCmdReadOnly) && client.tracking.enabled && !client.tracking.bcast) {
    server.tracking.RememberKeys(client, spec, args);
  }
  // A command that blocked is counted when it is served (it runs again then).
  if (spec.stats != nullptr && !client.blocked) {
    CommandStats& stats = *spec.stats;
    ++stats.calls;
    stats.usec += static_cast<uint64_t>(duration_us);
    if (client.reply.errors_written() != errors_before) ++stats.failed_calls;
    if (server.config.latency_tracking) stats.latency.Record(static_cast<uint64_t>(duration_us) * 1000);
  }
  if (server.on_propagate) {
    // A write that changed something propagates verbatim unless the handler said otherwise.
    // Only an increase counts: SAVE, DEBUG RELOAD and SHUTDOWN reset the counter (Redis's call()).
    if (server.dirty > dirty_before && !ctx.propagation_overridden()) {
      server.AlsoPropagate(client.db_index, args);
    }
    if (server.execution_depth == 0) {
      server.FlushPropagation();
      if (server.replication != nullptr) server.replication->TakeWriteOffset(client);
    }
  }
  // Invalidations addressed to this client while it ran follow its reply (not inside an EXEC's).
  if (server.execution_depth == 0) server.tracking.FlushPending(client);
  server.current_client = caller;
  ++server.stats.total_commands_processed;
  ++client.commands_processed;
  if (!(spec.flags & kCmdSkipSlowlog)) SlowlogRecord(server, client, args, duration_us);
  if (!server.monitors.empty() && !(spec.flags & (kCmdSkipMonitor | kCmdAdmin))) {
    FeedMonitors(server, client, args);
  }
}

void Dispatch(Server& server, Client& client, ArgList args) {
  if (args.empty()) {
    // A replica's newline while it loads our RDB keeps it from timing out (Redis's repl_ack_time).
    if (client.is_replica && server.replication != nullptr) server.replication->OnReplicaNewline(client);
    return;
  }
  AskingScope asking_scope(client);  // ASKING lasts one command (cluster mode)
  // The top-level spec (for container commands the parent) decides the context rules.
  const CommandSpec* top = nullptr;
  CachingFlagScope caching_scope(client, &top);
  // Keep the tracking table within tracking-table-max-keys before it grows again.
  if (server.tracking.clients() > 0) server.tracking.EnforceTableLimit();
  const CommandSpec* spec = ResolveCommand(server, client, args, &top);
  if (spec == nullptr) return;
  std::string_view name = top->name;
  client.last_command = spec;
  client.last_command_parent = top;

  if (!server.config.requirepass.empty() && !client.authenticated && !(top->flags & kCmdNoAuth)) {
    client.reply.Error(errors::kNoAuth);
    Rejected(client, *spec);
    return;
  }
  if ((top->flags & kCmdProtected) && !ProtectedCommandAllowed(server.config, client)) {
    client.reply.Error(errors::kDebugNotAllowed);
    Rejected(client, *spec);
    return;
  }
  // Cluster mode: keys served elsewhere are redirected (before queueing, like Redis).
  if (server.cluster_view != nullptr && !RouteCommand(server, client, *spec, args)) {
    if (spec->stats != nullptr) ++spec->stats->rejected_calls;
    return;
  }
  // MISCONF: writes (and PING) are refused while snapshots fail (stop-writes-on-bgsave-error).
  if (std::string_view misconf = SnapshotWriteError(server, client, *spec); !misconf.empty()) {
    client.reply.Error(misconf);
    Rejected(client, *spec);
    return;
  }
  // MISCONF after a failed AOF write or fsync, until a write succeeds again.
  if (server.aof != nullptr && server.aof->DeniesWrites() && !client.is_master &&
      ((spec->flags & kCmdWrite) || spec->name == "ping")) {
    client.reply.Error(server.aof->MisconfError());
    Rejected(client, *spec);
    return;
  }
  // Replication: READONLY on a read-only replica, MASTERDOWN with stale data refused, NOREPLICAS.
  if (std::string_view refusal = ReplicationRefusal(server, client, spec->flags); !refusal.empty()) {
    client.reply.Error(refusal);
    Rejected(client, *spec);
    return;
  }
  if (client.in_pubsub_context() && !AllowedInPubSubContext(name)) {
    client.reply.Error(errors::PubSubContext(name));
    if (spec->stats != nullptr) ++spec->stats->rejected_calls;
    return;
  }
  // A client pause postpones what it covers (before MULTI queueing, as Redis); replicas never wait, and
  // the master's stream is held back by the replica's applier instead.
  if (server.pause != nullptr && server.pause->Paused() && !client.is_replica && !client.is_master &&
      server.pause->MaybePostpone(client, *spec, args)) {
    return;
  }
  if (client.in_multi && !RunsInsideMulti(name)) {
    if (spec->flags & kCmdNoMulti) {
      client.reply.Error("Command not allowed inside a transaction");
      Rejected(client, *spec);
      return;
    }
    client.queued.emplace_back(args.begin(), args.end());
    client.reply.SimpleString("QUEUED");
    return;
  }
  // The master's stream is applied whatever our memory (replica-ignore-maxmemory).
  if (server.config.maxmemory > 0 && !client.is_master && !UnderMaxmemory(server) &&
      (spec->flags & kCmdDenyOom)) {
    client.reply.Error(errors::kOom);
    if (spec->stats != nullptr) ++spec->stats->rejected_calls;
    return;
  }
  Execute(server, client, *spec, args, false);
  server.ServeReadyKeys();
}

}  // namespace slotd
