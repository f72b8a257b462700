// CLUSTER (the subcommand table and the key-slot subcommands KEYSLOT, COUNTKEYSINSLOT,
// GETKEYSINSLOT, HELP), ASKING, READONLY and READWRITE. Outside cluster mode all of them answer
// "cluster support disabled", after the table's unknown-subcommand and arity checks, as Redis 7.0
// does.
#include <array>
#include <optional>

#include "cluster/core/slot.h"
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

const std::array<ClusterSubcommand, 27> kSubcommands = {{
    {"addslots", -3, true, nullptr, "Assign new hash slots to receiving node", "3.0.0",
     kPerSlotArg},
    {"addslotsrange", -4, true, nullptr, "Assign new hash slots to receiving node", "7.0.0",
     kPerRange},
    {"bumpepoch", 2, true, nullptr, "Advance the cluster config epoch", "3.0.0", "O(1)"},
    {"count-failure-reports", 3, true, nullptr,
     "Return the number of failure reports active for a given node", "3.0.0",
     "O(N) where N is the number of failure reports"},
    {"countkeysinslot", 3, false, ClusterCountKeysInSlot,
     "Return the number of local keys in the specified hash slot", "3.0.0", "O(1)"},
    {"delslots", -3, true, nullptr, "Set hash slots as unbound in receiving node", "3.0.0",
     kPerSlotArg},
    {"delslotsrange", -4, true, nullptr, "Set hash slots as unbound in receiving node", "7.0.0",
     kPerRange},
    {"failover", -2, true, nullptr, "Forces a replica to perform a manual failover of its master.",
     "3.0.0", "O(1)"},
    {"flushslots", 2, true, nullptr, "Delete a node's own slots information", "3.0.0", "O(1)"},
    {"forget", 3, true, nullptr, "Remove a node from the nodes table", "3.0.0", "O(1)"},
    {"getkeysinslot", 4, false, ClusterGetKeysInSlot,
     "Return local key names in the specified hash slot", "3.0.0",
     "O(log(N)) where N is the number of requested keys"},
    {"help", 2, false, ClusterHelp, "Show helpful text about the different subcommands", "5.0.0",
     "O(1)"},
    {"info", 2, false, nullptr, "Provides info about Redis Cluster node state", "3.0.0", "O(1)"},
    {"keyslot", 3, false, ClusterKeySlot, "Returns the hash slot of the specified key", "3.0.0",
     "O(N) where N is the number of bytes in the key"},
    {"links", 2, false, nullptr,
     "Returns a list of all TCP links to and from peer nodes in cluster", "7.0.0", kPerNode},
    {"meet", -4, true, nullptr, "Force a node cluster to handshake with another node", "3.0.0",
     "O(1)"},
    {"myid", 2, false, nullptr, "Return the node id", "3.0.0", "O(1)"},
    {"nodes", 2, false, nullptr, "Get Cluster config for the node", "3.0.0", kPerNode},
    {"replicas", 3, true, nullptr, "List replica nodes of the specified master node", "5.0.0",
     "O(1)"},
    {"replicate", 3, true, nullptr, "Reconfigure a node as a replica of the specified master node",
     "3.0.0", "O(1)"},
    {"reset", -2, true, nullptr, "Reset a Redis Cluster node", "3.0.0",
     "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side "
     "effect."},
    {"saveconfig", 2, true, nullptr, "Forces the node to save cluster state on disk", "3.0.0",
     "O(1)"},
    {"set-config-epoch", 3, true, nullptr, "Set the configuration epoch in a new node", "3.0.0",
     "O(1)"},
    {"setslot", -4, true, nullptr, "Bind a hash slot to a specific node", "3.0.0", "O(1)"},
    {"shards", 2, false, nullptr, "Get array of cluster slots to node mappings", "7.0.0",
     "O(N) where N is the total number of cluster nodes"},
    {"slaves", 3, true, nullptr, "List replica nodes of the specified master node", "3.0.0",
     "O(1)"},
    {"slots", 2, false, nullptr, "Get array of Cluster slot to node mappings", "3.0.0", kPerNode},
}};

// The handler of every CLUSTER subcommand: the cluster-mode gate, then the implementation.
void ClusterCommand(CommandContext& ctx, ArgList args) {
  if (!ctx.server().cluster_mode()) return ctx.reply().Error(errors::kClusterDisabled);
  for (const ClusterSubcommand& sub : kSubcommands) {
    if (!EqualsIgnoreCase(sub.name, args[1])) continue;
    if (sub.run != nullptr) return sub.run(ctx, args);
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
