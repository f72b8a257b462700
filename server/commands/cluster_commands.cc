// CLUSTER (the subcommand table and the key-slot subcommands KEYSLOT, COUNTKEYSINSLOT,
// GETKEYSINSLOT, HELP), ASKING, READONLY and READWRITE. Outside cluster mode all of them answer
// "cluster support disabled", after the table's unknown-subcommand and arity checks, as Redis 7.0
// does.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cluster/core/slot.h"
#include "cluster/topology/cluster_view.h"
#include "cluster/topology/describe.h"
#include "server/cluster_host/cluster_host.h"
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"

namespace slotd {
namespace {

// Reads a slot argument like getLongLongFromObjectOrReply; false (with the error written) when it
// is not an integer. Range checks are left to the caller (their texts differ).
bool ParseSlotArg(CommandContext& ctx, std::string_view arg, int64_t* out) {
  std::optional<int64_t> value = ParseInt64(arg);
  if (!value) {
    ctx.NotInteger();
    return false;
  }
  *out = *value;
  return true;
}

void ClusterKeySlot(CommandContext& ctx, ArgList args) {
  ctx.reply().Integer(KeyHashSlot(args[2]));
}

void ClusterCountKeysInSlot(CommandContext& ctx, ArgList args) {
  int64_t slot;
  if (!ParseSlotArg(ctx, args[2], &slot)) return;
  if (slot < 0 || slot >= kClusterSlots) return ctx.reply().Error(errors::kInvalidSlot);
  ctx.reply().Integer(
      static_cast<int64_t>(ctx.server().db(0).CountKeysInSlot(static_cast<int>(slot))));
}

void ClusterGetKeysInSlot(CommandContext& ctx, ArgList args) {
  int64_t slot;
  int64_t max_keys;
  if (!ParseSlotArg(ctx, args[2], &slot) || !ParseSlotArg(ctx, args[3], &max_keys)) return;
  if (slot < 0 || slot >= kClusterSlots || max_keys < 0) {
    return ctx.reply().Error(errors::kInvalidSlotOrKeyCount);
  }
  std::vector<std::string> keys =
      ctx.server().db(0).KeysInSlot(static_cast<int>(slot), static_cast<size_t>(max_keys));
  ctx.reply().ArrayHeader(keys.size());
  for (const std::string& key : keys) ctx.reply().Bulk(key);
}

void ClusterHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "cluster",
            {"ADDSLOTS <slot> [<slot> ...]",
             "    Assign slots to current node.",
             "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
             "    Assign slots which are between <start-slot> and <end-slot> to current node.",
             "BUMPEPOCH",
             "    Advance the cluster config epoch.",
             "COUNT-FAILURE-REPORTS <node-id>",
             "    Return number of failure reports for <node-id>.",
             "COUNTKEYSINSLOT <slot>",
             "    Return the number of keys in <slot>.",
             "DELSLOTS <slot> [<slot> ...]",
             "    Delete slots information from current node.",
             "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
             "    Delete slots information which are between <start-slot> and <end-slot> from "
             "current node.",
             "FAILOVER [FORCE|TAKEOVER]",
             "    Promote current replica node to being a master.",
             "FORGET <node-id>",
             "    Remove a node from the cluster.",
             "GETKEYSINSLOT <slot> <count>",
             "    Return key names stored by current node in a slot.",
             "FLUSHSLOTS",
             "    Delete current node own slots information.",
             "INFO",
             "    Return information about the cluster.",
             "KEYSLOT <key>",
             "    Return the hash slot for <key>.",
             "MEET <ip> <port> [<bus-port>]",
             "    Connect nodes into a working cluster.",
             "MYID",
             "    Return the node id.",
             "NODES",
             "    Return cluster configuration seen by node. Output format:",
             "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
             "REPLICATE <node-id>",
             "    Configure current node as replica to <node-id>.",
             "RESET [HARD|SOFT]",
             "    Reset current node (default: soft).",
             "SET-CONFIG-EPOCH <epoch>",
             "    Set config epoch of current node.",
             "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
             "    Set slot state.",
             "REPLICAS <node-id>",
             "    Return <node-id> replicas.",
             "SAVECONFIG",
             "    Force saving cluster configuration on disk.",
             "SLOTS",
             "    Return information about slots range mappings. Each range is made of:",
             "    start, end, master and replicas IP addresses, ports and ids",
             "SHARDS",
             "    Return information about slot range mappings and the nodes associated with them.",
             "LINKS",
             "    Return information about all network links between this node and its peers.",
             "    Output format is an array where each array element is a map containing "
             "attributes of a link"});
}

// ---- Subcommands served by the cluster host (server/cluster_host). ----

ClusterHost& Host(CommandContext& ctx) { return *ctx.server().cluster; }

void ReplyAdmin(CommandContext& ctx, const AdminResult& result) {
  if (!result) return ctx.reply().Error(result.error());
  ctx.reply().SimpleString(*result);
}

// A slot argument as getSlotOrReply reads it: -1 when it is not an integer in [0, 16383].
int SlotOrInvalid(std::string_view arg) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v || *v < 0 || *v >= kClusterSlots) return -1;
  return static_cast<int>(*v);
}

void ClusterMyId(CommandContext& ctx, ArgList) {
  ctx.reply().Bulk(Host(ctx).node().id().view());
}

// 7.2's CLUSTER MYSHARDID: the shard id this node shares with its master or replicas.
void ClusterMyShardId(CommandContext& ctx, ArgList) {
  ctx.reply().Bulk(Host(ctx).node().shard_id().view());
}

void ClusterNodes(CommandContext& ctx, ArgList) {
  const ClusterNode& node = Host(ctx).node();
  ctx.reply().Verbatim(DescribeNodes(node.state(), node.wall_offset_ms()));
}

void ClusterInfo(CommandContext& ctx, ArgList) {
  const ClusterNode& node = Host(ctx).node();
  ctx.reply().Verbatim(DescribeInfo(node.state(), node.sent_by_type(), node.received_by_type(),
                                    Host(ctx).links_over_limit()));
}

// 7.0's clusterLinksCommand: one map per link, each node's outbound link before its inbound one.
void ClusterLinks(CommandContext& ctx, ArgList) {
  std::vector<ClusterHost::LinkReport> links = Host(ctx).LinkReports();
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(links.size());
  for (const ClusterHost::LinkReport& l : links) {
    r.MapHeader(6);
    r.Bulk("direction");
    r.Bulk(l.summary.inbound ? "from" : "to");
    r.Bulk("node");
    r.Bulk(l.summary.node.view());
    r.Bulk("create-time");
    r.Integer(l.create_time_ms);
    r.Bulk("events");
    r.Bulk(l.events);
    r.Bulk("send-buffer-allocated");
    r.Integer(static_cast<int64_t>(l.send_allocated));
    r.Bulk("send-buffer-used");
    r.Integer(static_cast<int64_t>(l.send_used));
  }
}

// One node of a CLUSTER SLOTS range: preferred endpoint, port, id, other endpoints as a map.
void ReplySlotsNode(CommandContext& ctx, PreferredEndpoint pref, const NodeRecord& n) {
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(4);
  if (pref == PreferredEndpoint::kIp) {
    r.Bulk(n.endpoint.ip);
  } else if (pref == PreferredEndpoint::kHostname) {
    r.Bulk(n.endpoint.hostname.empty() ? std::string_view("?") : n.endpoint.hostname);
  } else {
    r.Null();
  }
  r.Integer(n.endpoint.port);
  r.Bulk(n.id.view());
  bool with_ip = pref != PreferredEndpoint::kIp;
  bool with_host = pref != PreferredEndpoint::kHostname && !n.endpoint.hostname.empty();
  r.MapHeader((with_ip ? 1 : 0) + (with_host ? 1 : 0));
  if (with_ip) {
    r.Bulk("ip");
    r.Bulk(n.endpoint.ip);
  }
  if (with_host) {
    r.Bulk("hostname");
    r.Bulk(n.endpoint.hostname);
  }
}

void ClusterSlots(CommandContext& ctx, ArgList) {
  const ClusterView* view = ctx.server().cluster_view;
  PreferredEndpoint pref = view != nullptr ? view->preferred_endpoint : PreferredEndpoint::kIp;
  std::vector<SlotsEntry> entries = DescribeSlots(Host(ctx).node().state());
  ctx.reply().ArrayHeader(entries.size());
  for (const SlotsEntry& e : entries) {
    ctx.reply().ArrayHeader(2 + e.nodes.size());
    ctx.reply().Integer(e.first);
    ctx.reply().Integer(e.last);
    for (const NodeRecord* n : e.nodes) ReplySlotsNode(ctx, pref, *n);
  }
}

void ReplyShardNode(CommandContext& ctx, PreferredEndpoint pref, const ShardNode& sn) {
  resp::ReplyBuilder& r = ctx.reply();
  const NodeRecord& n = *sn.node;
  bool with_host = !n.endpoint.hostname.empty();
  r.MapHeader(7 + (with_host ? 1 : 0));
  r.Bulk("id");
  r.Bulk(n.id.view());
  r.Bulk("port");
  r.Integer(n.endpoint.port);
  r.Bulk("ip");
  r.Bulk(n.endpoint.ip);
  r.Bulk("endpoint");
  if (pref == PreferredEndpoint::kIp) {
    r.Bulk(n.endpoint.ip);
  } else if (pref == PreferredEndpoint::kHostname) {
    r.Bulk(with_host ? std::string_view(n.endpoint.hostname) : std::string_view("?"));
  } else {
    r.Bulk("?");
  }
  if (with_host) {
    r.Bulk("hostname");
    r.Bulk(n.endpoint.hostname);
  }
  r.Bulk("role");
  r.Bulk(sn.is_master ? "master" : "replica");
  r.Bulk("replication-offset");
  r.Integer(static_cast<int64_t>(sn.replication_offset));
  r.Bulk("health");
  r.Bulk(sn.health);
}

void ClusterShards(CommandContext& ctx, ArgList) {
  const ClusterView* view = ctx.server().cluster_view;
  PreferredEndpoint pref = view != nullptr ? view->preferred_endpoint : PreferredEndpoint::kIp;
  ClusterHost& host = Host(ctx);
  std::vector<Shard> shards = DescribeShards(host.node().state(), host.ReplicationOffset());
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(shards.size());
  for (const Shard& shard : shards) {
    r.MapHeader(2);
    r.Bulk("slots");
    r.ArrayHeader(shard.slots.size() * 2);
    for (const auto& [first, last] : shard.slots) {
      r.Integer(first);
      r.Integer(last);
    }
    r.Bulk("nodes");
    r.ArrayHeader(shard.nodes.size());
    for (const ShardNode& sn : shard.nodes) ReplyShardNode(ctx, pref, sn);
  }
}

void ClusterMeet(CommandContext& ctx, ArgList args) {
  if (args.size() > 5) return ctx.reply().Error(errors::UnknownSubcommand(args[1], "cluster"));
  std::optional<int64_t> port = ParseInt64(args[3]);
  if (!port) {
    return ctx.reply().Error("Invalid TCP base port specified: " + std::string(args[3]));
  }
  std::optional<int64_t> cport = args.size() == 5 ? ParseInt64(args[4]) : *port + 10000;
  if (!cport) {
    return ctx.reply().Error("Invalid TCP bus port specified: " + std::string(args[4]));
  }
  std::string ip(args[2]);
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Meet(ip, static_cast<int>(*port), static_cast<int>(*cport), now, out);
  }));
}

// ADDSLOTS/DELSLOTS: every argument is checked before any slot state (as Redis does).
void ClusterChangeSlots(CommandContext& ctx, ArgList args) {
  bool del = EqualsIgnoreCase(args[1], "delslots");
  std::vector<int> slots;
  for (size_t i = 2; i < args.size(); ++i) {
    int slot = SlotOrInvalid(args[i]);
    if (slot < 0) return ctx.reply().Error("Invalid or out of range slot");
    slots.push_back(slot);
  }
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t, Outbox& out) {
    return del ? n.DelSlots(slots, out) : n.AddSlots(slots, out);
  }));
}

void ClusterChangeSlotsRange(CommandContext& ctx, ArgList args) {
  bool del = EqualsIgnoreCase(args[1], "delslotsrange");
  if (args.size() % 2 == 1) {
    return ctx.reply().Error(errors::WrongArity(del ? "cluster|delslotsrange"
                                                    : "cluster|addslotsrange"));
  }
  std::vector<std::pair<int, int>> ranges;
  for (size_t i = 2; i < args.size(); i += 2) {
    int first = SlotOrInvalid(args[i]);
    int last = SlotOrInvalid(args[i + 1]);
    if (first < 0 || last < 0) return ctx.reply().Error("Invalid or out of range slot");
    if (first > last) {
      return ctx.reply().Error("start slot number " + std::to_string(first) +
                               " is greater than end slot number " + std::to_string(last));
    }
    ranges.emplace_back(first, last);
  }
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t, Outbox& out) {
    return del ? n.DelSlotsRange(ranges, out) : n.AddSlotsRange(ranges, out);
  }));
}

void ClusterFlushSlots(CommandContext& ctx, ArgList) {
  if (ctx.server().db(0).size() != 0) {
    return ctx.reply().Error("DB must be empty to perform CLUSTER FLUSHSLOTS.");
  }
  ReplyAdmin(ctx, Host(ctx).Admin([](ClusterNode& n, int64_t, Outbox& out) {
    return n.FlushSlots(out);
  }));
}

void ClusterSetSlot(CommandContext& ctx, ArgList args) {
  ClusterHost& host = Host(ctx);
  if (host.node().state().myself().IsReplica()) {
    return ctx.reply().Error("Please use SETSLOT only with masters.");
  }
  int slot = SlotOrInvalid(args[2]);
  if (slot < 0) return ctx.reply().Error("Invalid or out of range slot");
  SetSlotAction action;
  std::string_view verb = args[3];
  if (EqualsIgnoreCase(verb, "migrating") && args.size() == 5) {
    action = SetSlotAction::kMigrating;
  } else if (EqualsIgnoreCase(verb, "importing") && args.size() == 5) {
    action = SetSlotAction::kImporting;
  } else if (EqualsIgnoreCase(verb, "stable") && args.size() == 4) {
    action = SetSlotAction::kStable;
  } else if (EqualsIgnoreCase(verb, "node") && args.size() == 5) {
    action = SetSlotAction::kNode;
  } else {
    return ctx.reply().Error(
        "Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
  }
  std::string_view id = args.size() == 5 ? args[4] : std::string_view();
  bool has_keys = ctx.server().db(0).CountKeysInSlot(slot) > 0;
  ReplyAdmin(ctx, host.Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.SetSlot(slot, action, id, has_keys, now, out);
  }));
}

void ClusterReplicate(CommandContext& ctx, ArgList args) {
  bool db_empty = ctx.server().db(0).size() == 0;
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Replicate(args[2], db_empty, now, out);
  }));
}

void ClusterReplicas(CommandContext& ctx, ArgList args) {
  const ClusterNode& node = Host(ctx).node();
  auto lines = DescribeReplicas(node.state(), args[2], node.wall_offset_ms());
  if (!lines) return ctx.reply().Error(lines.error());
  ctx.reply().BulkArray(std::span<const std::string>(*lines));
}

void ClusterCountFailureReports(CommandContext& ctx, ArgList args) {
  ClusterHost& host = Host(ctx);
  Result<int64_t> count = host.node().CountFailureReports(args[2], host.MonotonicMs());
  if (!count) return ctx.reply().Error(count.error());
  ctx.reply().Integer(*count);
}

void ClusterForget(CommandContext& ctx, ArgList args) {
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Forget(args[2], now, out);
  }));
}

void ClusterReset(CommandContext& ctx, ArgList args) {
  bool hard = false;
  if (args.size() == 3) {
    if (EqualsIgnoreCase(args[2], "hard")) {
      hard = true;
    } else if (!EqualsIgnoreCase(args[2], "soft")) {
      return ctx.SyntaxError();
    }
  } else if (args.size() > 3) {
    return ctx.reply().Error(errors::UnknownSubcommand(args[1], "cluster"));
  }
  ClusterHost& host = Host(ctx);
  bool replica = host.node().state().myself().IsReplica();
  if (!replica && ctx.server().db(0).size() != 0) {
    return ctx.reply().Error("CLUSTER RESET can't be called with master nodes containing keys");
  }
  AdminResult result = host.Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Reset(hard, now, out);
  });
  // A replica's data belonged to its old master (clusterReset's emptyData).
  if (result && replica) {
    ctx.server().DatabaseModified(0);
    ctx.server().db(0).Clear();
  }
  ReplyAdmin(ctx, result);
}

void ClusterFailover(CommandContext& ctx, ArgList args) {
  FailoverMode mode = FailoverMode::kDefault;
  if (args.size() == 3) {
    if (EqualsIgnoreCase(args[2], "force")) {
      mode = FailoverMode::kForce;
    } else if (EqualsIgnoreCase(args[2], "takeover")) {
      mode = FailoverMode::kTakeover;
    } else {
      return ctx.SyntaxError();
    }
  } else if (args.size() > 3) {
    return ctx.SyntaxError();
  }
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t now, Outbox& out) {
    return n.Failover(mode, now, out);
  }));
}

void ClusterSetConfigEpoch(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> epoch = ParseInt64(args[2]);
  if (!epoch) return ctx.NotInteger();
  if (*epoch < 0) {
    return ctx.reply().Error("Invalid config epoch specified: " + std::to_string(*epoch));
  }
  ReplyAdmin(ctx, Host(ctx).Admin([&](ClusterNode& n, int64_t, Outbox& out) {
    return n.SetConfigEpoch(*epoch, out);
  }));
}

void ClusterBumpEpoch(CommandContext& ctx, ArgList) {
  ReplyAdmin(ctx, Host(ctx).Admin([](ClusterNode& n, int64_t, Outbox& out) {
    return n.BumpEpoch(out);
  }));
}

void ClusterSaveConfig(CommandContext& ctx, ArgList) {
  ReplyAdmin(ctx, Host(ctx).Admin([](ClusterNode& n, int64_t, Outbox& out) {
    return n.SaveConfig(out);
  }));
}

// Every CLUSTER subcommand of Redis 7.0. `run` is the implementation; nullptr marks the ones the
// cluster host (server/cluster_host) provides: put its handler here when it exists. Until then such
// a subcommand answers like an unknown one in cluster mode (outside cluster mode every subcommand
// is "disabled").
struct ClusterSubcommand {
  std::string_view name;
  int arity;
  bool admin;  // admin commands: "@admin @slow @dangerous"
  CommandHandler run;
  std::string_view summary;
  std::string_view since;
  std::string_view complexity;
};

constexpr std::string_view kPerNode = "O(N) where N is the total number of Cluster nodes";
constexpr std::string_view kPerSlotArg = "O(N) where N is the total number of hash slot arguments";
constexpr std::string_view kPerRange =
    "O(N) where N is the total number of the slots between the start slot and end slot arguments.";

const std::array<ClusterSubcommand, 28> kSubcommands = {{
    {"addslots", -3, true, ClusterChangeSlots, "Assign new hash slots to receiving node", "3.0.0",
     kPerSlotArg},
    {"addslotsrange", -4, true, ClusterChangeSlotsRange,
     "Assign new hash slots to receiving node", "7.0.0",
     kPerRange},
    {"bumpepoch", 2, true, ClusterBumpEpoch, "Advance the cluster config epoch", "3.0.0", "O(1)"},
    {"count-failure-reports", 3, true, ClusterCountFailureReports,
     "Return the number of failure reports active for a given node", "3.0.0",
     "O(N) where N is the number of failure reports"},
    {"countkeysinslot", 3, false, ClusterCountKeysInSlot,
     "Return the number of local keys in the specified hash slot", "3.0.0", "O(1)"},
    {"delslots", -3, true, ClusterChangeSlots,
     "Set hash slots as unbound in receiving node", "3.0.0",
     kPerSlotArg},
    {"delslotsrange", -4, true, ClusterChangeSlotsRange,
     "Set hash slots as unbound in receiving node", "7.0.0",
     kPerRange},
    {"failover", -2, true, ClusterFailover,
     "Forces a replica to perform a manual failover of its master.",
     "3.0.0", "O(1)"},
    {"flushslots", 2, true, ClusterFlushSlots,
     "Delete a node's own slots information", "3.0.0", "O(1)"},
    {"forget", 3, true, ClusterForget, "Remove a node from the nodes table", "3.0.0", "O(1)"},
    {"getkeysinslot", 4, false, ClusterGetKeysInSlot,
     "Return local key names in the specified hash slot", "3.0.0",
     "O(log(N)) where N is the number of requested keys"},
    {"help", 2, false, ClusterHelp, "Show helpful text about the different subcommands", "5.0.0",
     "O(1)"},
    {"info", 2, false, ClusterInfo,
     "Provides info about Redis Cluster node state", "3.0.0", "O(1)"},
    {"keyslot", 3, false, ClusterKeySlot, "Returns the hash slot of the specified key", "3.0.0",
     "O(N) where N is the number of bytes in the key"},
    {"links", 2, false, ClusterLinks,
     "Returns a list of all TCP links to and from peer nodes in cluster", "7.0.0", kPerNode},
    {"meet", -4, true, ClusterMeet, "Force a node cluster to handshake with another node", "3.0.0",
     "O(1)"},
    {"myid", 2, false, ClusterMyId, "Return the node id", "3.0.0", "O(1)"},
    {"myshardid", 2, false, ClusterMyShardId, "Return the node shard id", "7.2.0", "O(1)"},
    {"nodes", 2, false, ClusterNodes, "Get Cluster config for the node", "3.0.0", kPerNode},
    {"replicas", 3, true, ClusterReplicas,
     "List replica nodes of the specified master node", "5.0.0",
     "O(1)"},
    {"replicate", 3, true, ClusterReplicate,
     "Reconfigure a node as a replica of the specified master node",
     "3.0.0", "O(1)"},
    {"reset", -2, true, ClusterReset, "Reset a Redis Cluster node", "3.0.0",
     "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side "
     "effect."},
    {"saveconfig", 2, true, ClusterSaveConfig,
     "Forces the node to save cluster state on disk", "3.0.0",
     "O(1)"},
    {"set-config-epoch", 3, true, ClusterSetConfigEpoch,
     "Set the configuration epoch in a new node", "3.0.0",
     "O(1)"},
    {"setslot", -4, true, ClusterSetSlot, "Bind a hash slot to a specific node", "3.0.0", "O(1)"},
    {"shards", 2, false, ClusterShards, "Get array of cluster slots to node mappings", "7.0.0",
     "O(N) where N is the total number of cluster nodes"},
    {"slaves", 3, true, ClusterReplicas, "List replica nodes of the specified master node", "3.0.0",
     "O(1)"},
    {"slots", 2, false, ClusterSlots,
     "Get array of Cluster slot to node mappings", "3.0.0", kPerNode},
}};

// The handler of every CLUSTER subcommand: the cluster-mode gate, then the implementation.
void ClusterCommand(CommandContext& ctx, ArgList args) {
  if (!ctx.server().cluster_mode()) return ctx.reply().Error(errors::kClusterDisabled);
  for (const ClusterSubcommand& sub : kSubcommands) {
    if (!EqualsIgnoreCase(sub.name, args[1])) continue;
    // The key-slot subcommands work without a cluster host (e.g. in-process tests).
    bool local = sub.run == ClusterKeySlot || sub.run == ClusterCountKeysInSlot ||
                 sub.run == ClusterGetKeysInSlot || sub.run == ClusterHelp;
    if (sub.run != nullptr && (local || ctx.server().cluster != nullptr)) {
      return sub.run(ctx, args);
    }
    break;
  }
  ctx.reply().Error(errors::UnknownSubcommand(args[1], "cluster"));
}

void AskingCommand(CommandContext& ctx, ArgList) {
  if (!ctx.server().cluster_mode()) return ctx.reply().Error(errors::kClusterDisabled);
  ctx.client().asking = true;
  // Queued inside MULTI, ASKING runs during EXEC and, like in Redis, ends with it.
  if (!ctx.in_exec()) ctx.client().asking_set_now = true;
  ctx.reply().Ok();
}

void ReadOnlyCommand(CommandContext& ctx, ArgList) {
  if (!ctx.server().cluster_mode()) return ctx.reply().Error(errors::kClusterDisabled);
  ctx.client().cluster_readonly = true;
  ctx.reply().Ok();
}

void ReadWriteCommand(CommandContext& ctx, ArgList) {
  if (!ctx.server().cluster_mode()) return ctx.reply().Error(errors::kClusterDisabled);
  ctx.client().cluster_readonly = false;
  ctx.reply().Ok();
}

}  // namespace

void RegisterClusterCommands(CommandTable& table) {
  CommandSpec cluster =
      MakeSpec("cluster", -2, 0, nullptr, "@slow", "cluster", "A container for cluster commands",
               "3.0.0", "Depends on subcommand.");
  for (const ClusterSubcommand& sub : kSubcommands) {
    uint32_t flags = kCmdStale;
    if (sub.admin) flags |= kCmdAdmin;
    if (sub.name == "help") flags |= kCmdLoading;
    if (sub.name == "reset") flags |= kCmdNoScript;
    cluster.subcommands.push_back(MakeSpec(sub.name, sub.arity, flags, ClusterCommand,
                                           sub.admin ? "@admin @slow @dangerous" : "@slow",
                                           "cluster", sub.summary, sub.since, sub.complexity));
  }
  table.Register(std::move(cluster));
  table.Register(MakeSpec("asking", 1, kCmdFast, AskingCommand, "@fast @connection", "cluster",
                          "Sent by cluster clients after an -ASK redirect", "3.0.0", "O(1)"));
  table.Register(MakeSpec("readonly", 1, kCmdLoading | kCmdStale | kCmdFast, ReadOnlyCommand,
                          "@fast @connection", "cluster",
                          "Enables read queries for a connection to a cluster replica node",
                          "3.0.0", "O(1)"));
  table.Register(MakeSpec("readwrite", 1, kCmdLoading | kCmdStale | kCmdFast, ReadWriteCommand,
                          "@fast @connection", "cluster",
                          "Disables read queries for a connection to a cluster replica node",
                          "3.0.0", "O(1)"));
}

}  // namespace slotd
