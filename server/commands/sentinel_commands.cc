// SENTINEL and its subcommands in sentinel mode, with redis-sentinel 7.0's reply shapes (instance
// descriptions as RESP2 flat arrays / RESP3 maps) and error texts. The SentinelNode decides; this
// file parses, calls it, runs the effects through the runtime and writes the reply.
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cluster/sentinel/describe.h"
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/sentinel_runtime.h"
#include "server/commands/server_family.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

using sentinel::FieldList;
using sentinel::Outbox;
using SentinelHandler = void (*)(CommandContext& ctx, SentinelRuntime& rt, ArgList args);

// Binds a subcommand body to the server's runtime (SENTINEL exists only in sentinel mode).
template <SentinelHandler kBody>
void WithRuntime(CommandContext& ctx, ArgList args) {
  SentinelRuntime* rt = SentinelRuntimeOf(ctx.server());
  if (rt == nullptr) {
    ctx.reply().Error(errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    return;
  }
  kBody(ctx, *rt, args);
}

// The node's errors carry their code ("ERR ...", "NOGOODSLAVE ...") without the '-'.
void NodeError(resp::ReplyBuilder& reply, const std::string& message) {
  std::string text = "-";
  text.append(message);
  reply.Error(text);
}

// sentinelFlushConfigAndReply: +OK, or the save error when the config file could not be written.
void ExecuteAndReplyOk(CommandContext& ctx, SentinelRuntime& rt, Outbox& out) {
  if (rt.Execute(out)) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Error(errors::kSentinelSaveFailed);
  }
}

void ReplyFields(resp::ReplyBuilder& reply, const FieldList& fields) {
  reply.MapHeader(fields.size());
  for (const auto& [key, value] : fields) {
    reply.Bulk(key);
    reply.Bulk(value);
  }
}

void ReplyInstances(resp::ReplyBuilder& reply, const std::vector<FieldList>& instances) {
  reply.ArrayHeader(instances.size());
  for (const FieldList& fields : instances) ReplyFields(reply, fields);
}

const sentinel::Master* MasterOrError(CommandContext& ctx, SentinelRuntime& rt,
                                      std::string_view name) {
  const sentinel::Master* m = rt.node().state().FindMaster(name);
  if (m == nullptr) ctx.reply().Error(errors::kSentinelNoSuchMaster);
  return m;
}

void Masters(CommandContext& ctx, SentinelRuntime& rt, ArgList) {
  ReplyInstances(ctx.reply(), sentinel::DescribeMasters(rt.node().state(), rt.NowMs()));
}

void Master(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  if (const sentinel::Master* m = MasterOrError(ctx, rt, args[2])) {
    ReplyFields(ctx.reply(), sentinel::DescribeMaster(rt.node().state(), *m, rt.NowMs()));
  }
}

void Replicas(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  if (const sentinel::Master* m = MasterOrError(ctx, rt, args[2])) {
    ReplyInstances(ctx.reply(), sentinel::DescribeReplicas(rt.node().state(), *m, rt.NowMs()));
  }
}

void Sentinels(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  if (const sentinel::Master* m = MasterOrError(ctx, rt, args[2])) {
    ReplyInstances(ctx.reply(), sentinel::DescribeSentinels(rt.node().state(), *m, rt.NowMs()));
  }
}

void GetMasterAddrByName(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  std::optional<sentinel::Address> addr = rt.node().GetMasterAddrByName(args[2]);
  if (!addr) {
    ctx.reply().NullArray();
    return;
  }
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(rt.node().Announce(*addr));
  ctx.reply().Bulk(std::to_string(addr->port));
}

void CkQuorum(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  Result<std::string> result = rt.node().CkQuorum(args[2]);
  if (result) {
    ctx.reply().SimpleString(*result);
  } else {
    NodeError(ctx.reply(), result.error());
  }
}

void MyId(CommandContext& ctx, SentinelRuntime& rt, ArgList) { ctx.reply().Bulk(rt.node().myid()); }

void Failover(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  Outbox out;
  Result<sentinel::Ok> result = rt.node().Failover(args[2], rt.NowMs(), out);
  rt.Execute(out);
  if (result) {
    ctx.reply().Ok();
  } else {
    NodeError(ctx.reply(), result.error());
  }
}

void Reset(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  Outbox out;
  int64_t reset = rt.node().Reset(args[2], rt.NowMs(), out);
  rt.Execute(out);
  ctx.reply().Integer(reset);
}

// MONITOR, REMOVE, SET and CONFIG SET: the node's error, or +OK once the config is saved.
void ReplyAdminResult(CommandContext& ctx, SentinelRuntime& rt, const Result<sentinel::Ok>& result,
                      Outbox& out) {
  if (result) {
    ExecuteAndReplyOk(ctx, rt, out);
    return;
  }
  rt.Execute(out);  // SET applies the options before a bad one, and saves them
  NodeError(ctx.reply(), result.error());
}

void Monitor(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  Outbox out;
  auto result = rt.node().Monitor(args[2], args[3], args[4], args[5], rt.NowMs(), out);
  ReplyAdminResult(ctx, rt, result, out);
}

void Remove(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  Outbox out;
  auto result = rt.node().Remove(args[2], rt.NowMs(), out);
  ReplyAdminResult(ctx, rt, result, out);
}

void Set(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  std::vector<std::string> options(args.begin() + 3, args.end());
  Outbox out;
  auto result = rt.node().Set(args[2], options, rt.NowMs(), out);
  ReplyAdminResult(ctx, rt, result, out);
}

void FlushConfig(CommandContext& ctx, SentinelRuntime& rt, ArgList) {
  Outbox out;
  rt.node().FlushConfig(rt.NowMs(), out);
  ExecuteAndReplyOk(ctx, rt, out);
}

// [name, [[age_ms, info|null] for the master, then for each replica], ...] for the masters named
// (unknown names skipped, each master once), in the order masters are kept.
void InfoCache(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  const int64_t now = rt.NowMs();
  std::vector<const sentinel::Master*> masters;
  for (const auto& [name, m] : rt.node().state().masters) {
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == name) {
        masters.push_back(&m);
        break;
      }
    }
  }
  resp::ReplyBuilder& reply = ctx.reply();
  auto cached = [&](const sentinel::Instance& ri) {
    reply.ArrayHeader(2);
    reply.Integer(ri.info_refresh ? now - ri.info_refresh : 0);
    if (ri.info.empty()) {
      reply.Null();
    } else {
      reply.Bulk(ri.info);
    }
  };
  reply.ArrayHeader(masters.size() * 2);
  for (const sentinel::Master* m : masters) {
    reply.Bulk(m->name);
    reply.ArrayHeader(m->replicas.size() + 1);
    cached(*m);
    for (const auto& [name, replica] : m->replicas) cached(replica);
  }
}

// SENTINEL IS-MASTER-DOWN-BY-ADDR ip port current-epoch runid|*
void IsMasterDownByAddr(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  std::optional<int64_t> port = ParseInt64(args[3]);
  std::optional<int64_t> epoch = port ? ParseInt64(args[4]) : std::nullopt;
  if (!port || !epoch) {
    ctx.NotInteger();
    return;
  }
  Outbox out;
  // Redis passes the long port on as an int and the epoch as unsigned: the same conversions here.
  sentinel::IsMasterDownReply r = rt.node().IsMasterDownByAddr(
      args[2], static_cast<int>(*port), static_cast<uint64_t>(*epoch), args[5], rt.NowMs(), out);
  rt.Execute(out);
  ctx.reply().ArrayHeader(3);
  ctx.reply().Integer(r.down ? 1 : 0);
  ctx.reply().Bulk(r.leader);
  ctx.reply().Integer(static_cast<int64_t>(r.leader_epoch));
}

// Clears the flags, then sets them one argument at a time (an error keeps the earlier ones), as
// Redis.
void SimulateFailure(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  uint32_t flags = 0;
  rt.node().SimulateFailure(flags);
  Outbox out;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "crash-after-election")) {
      flags |= sentinel::kSimFailureCrashAfterElection;
      out.push_back(sentinel::LogLine{sentinel::LogLevel::kWarning,
                                      "Failure simulation: this Sentinel will crash after being "
                                      "successfully elected as failover leader"});
    } else if (EqualsIgnoreCase(args[i], "crash-after-promotion")) {
      flags |= sentinel::kSimFailureCrashAfterPromotion;
      out.push_back(
          sentinel::LogLine{sentinel::LogLevel::kWarning,
                            "Failure simulation: this Sentinel will crash after promoting "
                            "the selected replica to master"});
    } else if (EqualsIgnoreCase(args[i], "help")) {
      rt.Execute(out);
      std::string_view modes[] = {"crash-after-election", "crash-after-promotion"};
      ctx.reply().BulkArray(modes);
      return;
    } else {
      rt.Execute(out);
      ctx.reply().Error(errors::kSentinelUnknownSimFailure);
      return;
    }
    rt.node().SimulateFailure(flags);
  }
  rt.Execute(out);
  ctx.reply().Ok();
}

// SENTINEL CONFIG SET <option> <value> | GET <pattern>
void ConfigGetSet(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  if (EqualsIgnoreCase(args[2], "set") && args.size() == 5) {
    Outbox out;
    auto result = rt.node().ConfigSet(args[3], args[4], rt.NowMs(), out);
    ReplyAdminResult(ctx, rt, result, out);
  } else if (EqualsIgnoreCase(args[2], "get") && args.size() == 4) {
    auto pairs = rt.node().ConfigGet(args[3]);
    ctx.reply().MapHeader(pairs.size());
    for (const auto& [name, value] : pairs) {
      ctx.reply().Bulk(name);
      ctx.reply().Bulk(value);
    }
  } else {
    ctx.reply().Error(errors::kSentinelConfigUsage);
  }
}

// SENTINEL DEBUG lists the timing parameters, or sets them one by one as Redis does (those before a
// bad one stay set).
void Debug(CommandContext& ctx, SentinelRuntime& rt, ArgList args) {
  const sentinel::Timings& timings = rt.node().timings();
  if (args.size() == 2) {
    ctx.reply().MapHeader(std::size(sentinel::kTimingParams));
    for (const sentinel::TimingParam& p : sentinel::kTimingParams) {
      ctx.reply().Bulk(p.name);
      ctx.reply().Bulk(std::to_string(timings.*p.field));
    }
    return;
  }
  for (size_t j = 2; j < args.size(); j += 2) {
    bool known = false;
    for (const sentinel::TimingParam& p : sentinel::kTimingParams) {
      known = known || EqualsIgnoreCase(args[j], p.name);
    }
    if (!known || j + 1 >= args.size()) {
      ctx.reply().Error(errors::SentinelDebugUnknownOption(args[j]));
      return;
    }
    std::optional<int64_t> value = ParseInt64(args[j + 1]);
    if (!value || *value <= 0) {
      ctx.reply().Error(errors::SentinelDebugBadArgument(args[j + 1], args[j]));
      return;
    }
    rt.node().SetTiming(args[j], *value);
    rt.TimingsChanged();
  }
  ctx.reply().SimpleString("OK");
}

void PendingScripts(CommandContext& ctx, SentinelRuntime& rt, ArgList) {
  std::vector<SentinelRuntime::Script> scripts = rt.PendingScripts();
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(scripts.size());
  for (const SentinelRuntime::Script& s : scripts) {
    reply.MapHeader(5);
    reply.Bulk("argv");
    reply.BulkArray(s.argv);
    reply.Bulk("flags");
    reply.Bulk(s.running ? "running" : "scheduled");
    reply.Bulk("pid");
    reply.Bulk(std::to_string(s.pid));
    reply.Bulk(s.running ? "run-time" : "run-delay");
    reply.Bulk(std::to_string(s.running ? s.run_time_ms : s.run_delay_ms));
    reply.Bulk("retry-num");
    reply.Bulk(std::to_string(s.retry_num));
  }
}

void Help(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "sentinel",
            {"CKQUORUM <master-name>",
             "    Check if the current Sentinel configuration is able to reach the quorum",
             "    needed to failover a master and the majority needed to authorize the",
             "    failover.",
             "CONFIG SET <param> <value>",
             "    Set a global Sentinel configuration parameter.",
             "CONFIG GET <param>",
             "    Get global Sentinel configuration parameter.",
             "DEBUG [<param> <value> ...]",
             "    Show a list of configurable time parameters and their values (milliseconds).",
             "    Or update current configurable parameters values (one or more).",
             "GET-MASTER-ADDR-BY-NAME <master-name>",
             "    Return the ip and port number of the master with that name.",
             "FAILOVER <master-name>",
             "    Manually failover a master node without asking for agreement from other",
             "    Sentinels",
             "FLUSHCONFIG",
             "    Force Sentinel to rewrite its configuration on disk, including the current",
             "    Sentinel state.",
             "INFO-CACHE <master-name>",
             "    Return last cached INFO output from masters and all its replicas.",
             "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
             "    Check if the master specified by ip:port is down from current Sentinel's",
             "    point of view.",
             "MASTER <master-name>",
             "    Show the state and info of the specified master.",
             "MASTERS",
             "    Show a list of monitored masters and their state.",
             "MONITOR <name> <ip> <port> <quorum>",
             "    Start monitoring a new master with the specified name, ip, port and quorum.",
             "MYID",
             "    Return the ID of the Sentinel instance.",
             "PENDING-SCRIPTS",
             "    Get pending scripts information.",
             "REMOVE <master-name>",
             "    Remove master from Sentinel's monitor list.",
             "REPLICAS <master-name>",
             "    Show a list of replicas for this master and their state.",
             "RESET <pattern>",
             "    Reset masters for specific master name matching this pattern.",
             "SENTINELS <master-name>",
             "    Show a list of Sentinel instances for this master and their state.",
             "SET <master-name> <option> <value> [<option> <value> ...]",
             "    Set configuration parameters for certain masters.",
             "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
             "    Simulate a Sentinel crash."});
}

CommandSpec Sub(std::string_view name, int arity, CommandHandler handler, std::string_view summary,
                std::string_view since, std::string_view complexity) {
  return MakeSpec(name, arity, kCmdAdmin | kCmdOnlySentinel, handler, "@admin @slow @dangerous",
                  "sentinel", summary, since, complexity);
}

}  // namespace

void RegisterSentinelCommand(CommandTable& table) {
  CommandSpec spec =
      MakeSpec("sentinel", -2, kCmdAdmin | kCmdOnlySentinel, nullptr, "@admin @slow @dangerous",
               "sentinel", "A container for Sentinel commands", "2.8.4", "Depends on subcommand.");
  spec.subcommands = {
      Sub("ckquorum", 3, WithRuntime<CkQuorum>, "Check for a Sentinel quorum", "2.8.4", ""),
      Sub("config", -3, WithRuntime<ConfigGetSet>, "Configure Sentinel", "6.2.0", "O(1)"),
      Sub("debug", -2, WithRuntime<Debug>, "List or update the current configurable parameters",
          "7.0.0", "O(N) where N is the number of configurable parameters"),
      Sub("failover", 3, WithRuntime<Failover>, "Force a failover", "2.8.4", ""),
      Sub("flushconfig", 2, WithRuntime<FlushConfig>, "Rewrite configuration file", "2.8.4",
          "O(1)"),
      Sub("get-master-addr-by-name", 3, WithRuntime<GetMasterAddrByName>,
          "Get port and address of a master", "2.8.4", "O(1)"),
      MakeSpec("help", 2, kCmdLoading | kCmdStale | kCmdOnlySentinel, Help, "@slow", "sentinel",
               "Show helpful text about the different subcommands", "6.2.0", "O(1)"),
      Sub("info-cache", -3, WithRuntime<InfoCache>,
          "Get cached INFO from the instances in the deployment", "3.2.0",
          "O(N) where N is the number of instances"),
      Sub("is-master-down-by-addr", 6, WithRuntime<IsMasterDownByAddr>, "Check if a master is down",
          "2.8.4", "O(1)"),
      Sub("master", 3, WithRuntime<Master>, "Shows the state of a master", "2.8.4", "O(1)"),
      Sub("masters", 2, WithRuntime<Masters>, "List the monitored masters", "2.8.4",
          "O(N) where N is the number of masters"),
      Sub("monitor", 6, WithRuntime<Monitor>, "Start monitoring", "2.8.4", "O(1)"),
      Sub("myid", 2, WithRuntime<MyId>, "Get the Sentinel instance ID", "6.2.0", "O(1)"),
      Sub("pending-scripts", 2, WithRuntime<PendingScripts>,
          "Get information about pending scripts", "2.8.4", ""),
      Sub("remove", 3, WithRuntime<Remove>, "Stop monitoring", "2.8.4", "O(1)"),
      Sub("replicas", 3, WithRuntime<Replicas>, "List the monitored replicas", "5.0.0",
          "O(N) where N is the number of replicas"),
      Sub("reset", 3, WithRuntime<Reset>, "Reset masters by name pattern", "2.8.4",
          "O(N) where N is the number of monitored masters"),
      Sub("sentinels", 3, WithRuntime<Sentinels>, "List the Sentinel instances", "2.8.4",
          "O(N) where N is the number of Sentinels"),
      Sub("set", -5, WithRuntime<Set>, "Change the configuration of a monitored master", "2.8.4",
          "O(1)"),
      Sub("simulate-failure", -3, WithRuntime<SimulateFailure>, "Simulate failover scenarios",
          "3.2.0", ""),
      Sub("slaves", 3, WithRuntime<Replicas>, "List the monitored slaves", "2.8.0",
          "O(N) where N is the number of slaves"),
  };
  table.Register(std::move(spec));
}

}  // namespace slotd
