// The cluster host's entry points for App, free of cluster/ headers (whose LogLevel clashes with
// the server logger's).
#pragma once
#include <uv.h>

namespace slotd {

class ClusterHost;
class Server;

// Constructs and starts the host (cluster-enabled yes); nullptr when start-up failed (logged).
ClusterHost* StartClusterHost(Server& server, uv_loop_t* loop);
// Closes the bus links, the listener and the timer (shutdown); the loop then finishes them.
void ShutdownClusterHost(ClusterHost* host);
// Frees the host once the loop has stopped.
void DeleteClusterHost(ClusterHost* host);

}  // namespace slotd
