// The cluster host's entry points for App and the commands, free of cluster/ headers.
#pragma once
#include <uv.h>

#include <string_view>

namespace slotd {

class ClusterHost;
class Server;

// Constructs and starts the host (cluster-enabled yes); nullptr when start-up failed (logged).
ClusterHost* StartClusterHost(Server& server, uv_loop_t* loop);
// PUBLISH / SPUBLISH in cluster mode: relay the message to the other nodes over the bus.
void ClusterPropagatePublish(ClusterHost* host, std::string_view channel,
                             std::string_view message, bool shard);
// CONFIG SET of a cluster-* option: the node and the routing view take the new values at once.
void ClusterApplyConfig(ClusterHost* host);
// Closes the bus links, the listener and the timer (shutdown); the loop then finishes them.
void ShutdownClusterHost(ClusterHost* host);
// Frees the host once the loop has stopped.
void DeleteClusterHost(ClusterHost* host);

}  // namespace slotd
