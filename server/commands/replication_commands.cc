// Replication commands: REPLICAOF/SLAVEOF, REPLCONF, PSYNC, SYNC, WAIT and ROLE. The work is done
// by server/replication (Server::replication); without it (in-process harness) they report an idle
// master.
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr std::string_view kReplicaOfInCluster = "REPLICAOF not allowed in cluster mode.";
constexpr std::string_view kInvalidMasterPort = "Invalid master port";
constexpr std::string_view kReplicaOfByReplica = "Command is not valid when client is a replica.";
constexpr std::string_view kWaitOnReplica =
    "WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
    "replica is configured "
    "to be writable (which is not the default) writes to replicas are just local and are not "
    "propagated.";
constexpr std::string_view kFailoverToMaster = "PSYNC FAILOVER can't be sent to a master.";

void ReplicaOf(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  Client& client = ctx.client();
  if (server.cluster_mode()) {
    ctx.reply().Error(kReplicaOfInCluster);
    return;
  }
  if (server.replication != nullptr && server.replication->failing_over()) {
    ctx.reply().Error(errors::kReplicaOfWhileFailover);
    return;
  }
  if (EqualsIgnoreCase(args[1], "no") && EqualsIgnoreCase(args[2], "one")) {
    if (server.replication != nullptr) {
      server.replication->UnsetMaster(&client);
    } else {
      server.config.replicaof_host.clear();
      server.config.replicaof_port = 0;
    }
    ctx.reply().Ok();
    return;
  }
  if (client.is_replica) {
    ctx.reply().Error(kReplicaOfByReplica);
    return;
  }
  std::optional<int64_t> port = ParseInt64(args[2]);
  if (!port || *port < 0 || *port > 65535) {
    ctx.reply().Error(kInvalidMasterPort);
    return;
  }
  std::string host(args[1]);
  bool already = false;
  if (server.replication != nullptr) {
    server.replication->SetMaster(host, static_cast<int>(*port), &client, &already);
  } else {
    already = server.config.replicaof_host == host && server.config.replicaof_port == *port;
    server.config.replicaof_host = host;
    server.config.replicaof_port = static_cast<int>(*port);
  }
  if (already) {
    ctx.reply().SimpleString("OK Already connected to specified master");
  } else {
    ctx.reply().Ok();
  }
}

void Replconf(CommandContext& ctx, ArgList args) {
  if (ctx.server().replication != nullptr) {
    ctx.server().replication->Replconf(ctx.client(), args);
    return;
  }
  if (args.size() % 2 == 0) {
    ctx.SyntaxError();
    return;
  }
  if (!EqualsIgnoreCase(args[1], "ack") && !EqualsIgnoreCase(args[1], "getack")) ctx.reply().Ok();
}

void Sync(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  if (args.size() > 2 && !ParseInt64(args[2])) {
    ctx.NotInteger();
    return;
  }
  if (args.size() > 3 && EqualsIgnoreCase(args[3], "failover") &&
      server.config.replicaof_host.empty()) {
    ctx.reply().Error(kFailoverToMaster);
    return;
  }
  if (server.replication == nullptr) {
    ctx.reply().Error("-NOMASTERLINK Can't SYNC while not connected with my master");
    return;
  }
  server.replication->Psync(ctx.client(), args);
}

void Wait(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  if (!server.config.replicaof_host.empty()) {
    ctx.reply().Error(kWaitOnReplica);
    return;
  }
  std::optional<int64_t> numreplicas = ParseInt64(args[1]);
  if (!numreplicas) {
    ctx.NotInteger();
    return;
  }
  TimeoutParse timeout = ParseMsTimeout(args[2]);
  if (!timeout.ok) {
    ctx.reply().Error(timeout.error);
    return;
  }
  if (server.replication == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  server.replication->Wait(ctx.client(), *numreplicas, timeout.deadline_ms, ctx.in_exec());
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], parsed as Redis 7.0 does (each option once,
// ABORT only alone).
void Failover(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  if (server.cluster_mode()) {
    ctx.reply().Error(errors::kFailoverInCluster);
    return;
  }
  Replication* replication = server.replication;
  if (args.size() == 2 && EqualsIgnoreCase(args[1], "abort")) {
    if (replication == nullptr || !replication->AbortFailover("Failover manually aborted")) {
      ctx.reply().Error(errors::kNoFailover);
    } else {
      ctx.reply().Ok();
    }
    return;
  }
  Replication::FailoverRequest request;
  bool has_host = false;
  for (size_t j = 1; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "timeout") && j + 1 < args.size() && request.timeout_ms == 0) {
      std::optional<int64_t> timeout = ParseInt64(args[j + 1]);
      if (!timeout) {
        ctx.NotInteger();
        return;
      }
      if (*timeout <= 0) {
        ctx.reply().Error(errors::kFailoverTimeout);
        return;
      }
      request.timeout_ms = *timeout;
      ++j;
    } else if (EqualsIgnoreCase(args[j], "to") && j + 2 < args.size() && !has_host) {
      std::optional<int64_t> port = ParseInt64(args[j + 2]);
      if (!port) {
        ctx.NotInteger();
        return;
      }
      request.host = std::string(args[j + 1]);
      request.port = static_cast<int>(*port);
      has_host = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "force") && !request.force) {
      request.force = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  if (replication == nullptr) {
    ctx.reply().Error(errors::kFailoverNoReplicas);
    return;
  }
  std::string_view error = replication->StartFailover(request);
  if (!error.empty()) {
    ctx.reply().Error(error);
    return;
  }
  ctx.reply().Ok();
}

void Role(CommandContext& ctx, ArgList) {
  if (ctx.server().replication != nullptr) {
    ctx.server().replication->ReplyRole(ctx.client());
    return;
  }
  resp::ReplyBuilder& reply = ctx.reply();
  const Config& config = ctx.config();
  if (config.replicaof_host.empty()) {
    reply.ArrayHeader(3);
    reply.Bulk("master");
    reply.Integer(0);
    reply.EmptyArray();
  } else {  // never connected: the state a replica has before it connects
    reply.ArrayHeader(5);
    reply.Bulk("slave");
    reply.Bulk(config.replicaof_host);
    reply.Integer(config.replicaof_port);
    reply.Bulk("connect");
    reply.Integer(-1);
  }
}

}  // namespace

void RegisterReplicationCommands(CommandTable& table) {
  constexpr uint32_t kReplicaOfFlags = kCmdAdmin | kCmdNoScript | kCmdStale;
  constexpr uint32_t kSyncFlags = kCmdAdmin | kCmdNoScript | kCmdNoMulti;
  constexpr std::string_view kAdmin = "@admin @slow @dangerous";
  table.Register(MakeSpec("replicaof", 3, kReplicaOfFlags, ReplicaOf, kAdmin, "server",
                          "Make the server a replica of another instance, or promote it as master.",
                          "5.0.0", "O(1)"));
  table.Register(
      MakeSpec("slaveof", 3, kReplicaOfFlags, ReplicaOf, kAdmin, "server",
               "Make the server a replica of another instance, or promote it as master. Deprecated "
               "starting with Redis 5. Use REPLICAOF instead.",
               "1.0.0", "O(1)"));
  table.Register(
      MakeSpec("replconf", -1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdAllowBusy,
               Replconf, kAdmin, "server",
               "An internal command for configuring the replication stream", "3.0.0", "O(1)"));
  table.Register(MakeSpec("psync", -3, kSyncFlags, Sync, kAdmin, "server",
                          "Internal command used for replication", "2.8.0", "O(1)"));
  table.Register(MakeSpec("sync", 1, kSyncFlags, Sync, kAdmin, "server",
                          "Internal command used for replication", "1.0.0", "O(1)"));
  table.Register(MakeSpec(
      "wait", 3, kCmdNoScript, Wait, "@slow @connection", "generic",
      "Wait for the synchronous replication of all the write commands sent in the context of "
      "the current connection",
      "3.0.0", "O(1)"));
  table.Register(
      MakeSpec("failover", -1, kCmdAdmin | kCmdNoScript | kCmdStale, Failover, kAdmin, "server",
               "Start a coordinated failover between this server and one of its replicas.", "6.2.0",
               "O(1)"));
  table.Register(
      MakeSpec("role", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdSentinel, Role,
               "@admin @fast @dangerous", "server",
               "Return the role of the instance in the context of replication", "2.8.12", "O(1)"));
}

}  // namespace slotd
