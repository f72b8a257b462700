// RouteCommand(): Redis 7.0's cluster check in processCommand, over the server's current
// ClusterView.
#include "server/cluster_host/routing_glue.h"

#include <string_view>
#include <vector>

#include "cluster/topology/cluster_view.h"
#include "server/commands/command_table.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

class DbZeroPresence final : public KeyPresence {
 public:
  explicit DbZeroPresence(Database& db) : db_(db) {}
  bool Exists(std::string_view key) const override { return db_.Contains(key); }

 private:
  Database& db_;
};

bool IsShardPubSub(std::string_view name) {
  return name == "ssubscribe" || name == "sunsubscribe" || name == "spublish";
}

bool HasKeySpecs(const CommandSpec& spec) {
  return spec.first_key > 0 || (spec.flags & kCmdMovableKeys);
}

// Appends the keys of one command to `keys` (views into `args`).
void AppendKeys(const CommandSpec& spec, ArgList args, std::vector<int>* indexes,
                std::vector<std::string_view>* keys) {
  indexes->clear();
  if (!CommandTable::ExtractKeys(spec, args, indexes)) return;
  for (int i : *indexes) keys->push_back(args[static_cast<size_t>(i)]);
}

// The spec a queued argv runs as (queueing already validated it); nullptr if it vanished.
const CommandSpec* QueuedSpec(const Server& server, ArgList argv) {
  const CommandSpec* spec = server.commands.Find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty() || argv.size() < 2) return spec;
  return CommandTable::FindSubcommand(*spec, argv[1]);
}

// Like Redis's discardTransaction(): the client leaves MULTI and forgets its WATCHes.
void DiscardTransaction(Server& server, Client& client) {
  client.in_multi = false;
  client.multi_error = false;
  client.watch_dirty = false;
  client.queued.clear();
  server.UnwatchAll(client);
}

// Whether any queued command is a write (Redis's mstate.cmd_flags & CMD_WRITE); appends the keys of
// all of them to `keys`.
bool ScanQueued(const Server& server, const Client& client, std::vector<int>* indexes,
                std::vector<std::string_view>* keys) {
  bool any_write = false;
  std::vector<std::string_view> argv;
  for (const std::vector<std::string>& queued : client.queued) {
    argv.assign(queued.begin(), queued.end());
    const CommandSpec* spec = QueuedSpec(server, argv);
    if (spec == nullptr) continue;
    if (spec->flags & kCmdWrite) any_write = true;
    AppendKeys(*spec, argv, indexes, keys);
  }
  return any_write;
}

}  // namespace

std::string RedirectionError(const ClusterView& view, const RouteDecision& decision) {
  using Kind = RouteDecision::Kind;
  switch (decision.kind) {
    case Kind::kMoved:
    case Kind::kAsk: {
      const ClusterViewNode& node = view.node(decision.node);
      std::string text = decision.kind == Kind::kAsk ? "-ASK " : "-MOVED ";
      text += std::to_string(decision.slot);
      text.push_back(' ');
      text += view.PreferredHost(node);
      text.push_back(':');
      text += std::to_string(node.endpoint.port);
      return text;
    }
    case Kind::kTryAgain:
      return std::string(errors::kClusterTryAgain);
    case Kind::kCrossSlot:
      return std::string(errors::kClusterCrossSlot);
    case Kind::kDownState:
      return std::string(errors::kClusterDown);
    case Kind::kDownReadOnly:
      return std::string(errors::kClusterDownReadOnly);
    case Kind::kDownUnbound:
      return std::string(errors::kClusterDownUnbound);
    case Kind::kServe:
      break;
  }
  return {};
}

void ApplyRoutingConfig(const Config& config, ClusterView* view) {
  view->require_full_coverage = config.cluster_require_full_coverage;
  view->allow_reads_when_down = config.cluster_allow_reads_when_down;
  view->allow_pubsubshard_when_down = config.cluster_allow_pubsubshard_when_down;
  switch (config.cluster_preferred_endpoint_type) {
    case ClusterEndpointType::kIp:
      view->preferred_endpoint = PreferredEndpoint::kIp;
      break;
    case ClusterEndpointType::kHostname:
      view->preferred_endpoint = PreferredEndpoint::kHostname;
      break;
    case ClusterEndpointType::kUnknownEndpoint:
      view->preferred_endpoint = PreferredEndpoint::kUnknownEndpoint;
      break;
  }
}

void RedirectBlockedClients(Server& server) {
  const ClusterView* view = server.cluster_view;
  if (view == nullptr) return;
  for (const auto& [id, client] : server.clients) {
    if (!client->blocked || client->block_keys.empty() || client->is_master) continue;
    const bool is_write =
        client->last_command != nullptr && (client->last_command->flags & kCmdWrite);
    const RouteDecision decision =
        RouteBlocked(*view, client->block_keys.front(), client->cluster_readonly, is_write);
    if (decision.serve()) continue;
    server.UnblockClient(*client, /*timed_out=*/false);
    client->reply.Error(RedirectionError(*view, decision));
    if (server.schedule_flush) server.schedule_flush(*client);
  }
}

bool RouteCommand(Server& server, Client& client, const CommandSpec& spec, ArgList args) {
  const ClusterView* view = server.cluster_view;
  if (view == nullptr || client.is_master) return true;
  const bool is_exec = spec.name == "exec";
  if (!is_exec && !HasKeySpecs(spec)) return true;
  // EXEC without MULTI just fails; it has nothing to route.
  if (is_exec && !client.in_multi) return true;

  // Reused across calls: routing runs for every keyed command in cluster mode.
  static std::vector<int> indexes;
  static std::vector<std::string_view> keys;
  keys.clear();
  RouteRequest request;
  request.is_write = (spec.flags & kCmdWrite) != 0;
  if (is_exec) {
    request.is_write_for_replica_read = ScanQueued(server, client, &indexes, &keys);
  } else {
    AppendKeys(spec, args, &indexes, &keys);
    request.is_write_for_replica_read = request.is_write;
  }
  request.keys = keys;
  request.shard_pubsub = IsShardPubSub(spec.name);
  request.is_migrate = spec.name == "migrate";
  request.asking = client.asking || (spec.flags & kCmdAsking);
  request.readonly_client = client.cluster_readonly;

  const RouteDecision decision = Route(*view, request, DbZeroPresence(server.db(0)));
  if (decision.serve()) return true;
  if (is_exec) {
    DiscardTransaction(server, client);
  } else if (client.in_multi) {
    client.multi_error = true;
  }
  client.reply.Error(RedirectionError(*view, decision));
  return false;
}

}  // namespace slotd
