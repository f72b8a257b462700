// Cluster routing for the dispatcher: gathers the keys of a command (or of the whole transaction at
// EXEC), asks Route() (cluster/node/routing.h) and turns a redirection into Redis 7.0's exact error
// reply. Also the ASKING/READONLY client flags' lifetimes. Used only in cluster mode.
#pragma once
#include <string>

#include "cluster/node/routing.h"
#include "server/app/client.h"
#include "server/app/server.h"
#include "server/commands/command_spec.h"

namespace slotd {

// True when `spec` (the resolved command, a subcommand for containers) may run on this node.
// Otherwise the error (-MOVED, -ASK, -TRYAGAIN, -CROSSSLOT, -CLUSTERDOWN) has been written to the
// client, and for EXEC the transaction has been discarded, as Redis does. Always true outside
// cluster mode, for the master's replication link and for commands without keys.
bool RouteCommand(Server& server, Client& client, const CommandSpec& spec, ArgList args);

// Copies the options routing reads (cluster-require-full-coverage, -allow-reads-when-down,
// -allow-pubsubshard-when-down, -preferred-endpoint-type) into a view the host is about to publish.
void ApplyRoutingConfig(const Config& config, ClusterView* view);

// Unblocks every client blocked on keys that this node can no longer serve (cluster down, slot
// moved or unassigned), giving it the redirection as its reply. Call whenever the view changes (and
// from cron).
void RedirectBlockedClients(Server& server);

// The error reply for a decision that is not kServe, e.g. "-MOVED 3999 127.0.0.1:6381".
std::string RedirectionError(const ClusterView& view, const RouteDecision& decision);

// ASKING applies to the next command only (or, inside MULTI, until EXEC/DISCARD): construct one at
// the start of every top-level dispatch; its destructor drops the flag unless the command was
// ASKING itself or the client is inside MULTI (Redis's resetClient).
class AskingScope {
 public:
  explicit AskingScope(Client& client) : client_(client) {}
  ~AskingScope() {
    if (!client_.asking_set_now && !client_.in_multi) client_.asking = false;
    client_.asking_set_now = false;
  }
  AskingScope(const AskingScope&) = delete;
  AskingScope& operator=(const AskingScope&) = delete;

 private:
  Client& client_;
};

}  // namespace slotd
