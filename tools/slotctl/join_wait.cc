// Waiting for freshly met nodes to form one cluster (slotctl create).
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"

namespace slotd::slotctl {
namespace {

struct JoinStatus {
  bool joined = true;
  // Peer address ("ip:port@cport") -> addresses of the nodes whose link to it is down or
  // still handshaking.
  std::map<std::string, std::vector<std::string>> unreachable;
};

JoinStatus PollJoin(ToolCluster& cluster) {
  JoinStatus status;
  std::set<std::string_view> ids;
  for (auto& n : cluster.nodes()) ids.insert(n->self.id.view());
  std::string first_signature;
  for (size_t i = 0; i < cluster.nodes().size(); ++i) {
    ToolNode& node = *cluster.nodes()[i];
    NodesConf view;
    if (!ToolCluster::FetchView(node, view)) {
      status.joined = false;
      continue;
    }
    size_t known = 0;
    for (const NodesConfNode& peer : view.nodes) {
      if (peer.flags & kNodeMyself) continue;
      const bool handshake = (peer.flags & kNodeHandshake) != 0;
      if (!handshake && ids.count(peer.id.view()) > 0) ++known;
      if (handshake || !peer.connected) {
        status
            .unreachable[peer.endpoint.ip + ":" + std::to_string(peer.endpoint.port) + "@" +
                         std::to_string(peer.endpoint.cport)]
            .push_back(node.address());
      }
    }
    if (known + 1 < ids.size()) status.joined = false;
    std::string signature = ConfigSignature(view);
    if (i == 0) first_signature = signature;
    if (signature.empty() || signature != first_signature) status.joined = false;
  }
  return status;
}

void PrintUnreachable(const JoinStatus& status) {
  if (status.unreachable.empty()) return;
  Print("\n");
  Log(Level::kErr,
      "Warning: " + std::to_string(status.unreachable.size()) + " node(s) may be unreachable\n");
  for (const auto& [addr, from] : status.unreachable) {
    const size_t at = addr.rfind('@');
    const size_t colon = addr.rfind(':', at);
    Log(Level::kErr, " - The port " + addr.substr(at + 1) + " of node " + addr.substr(0, colon) +
                         " may be unreachable from:\n");
    for (const std::string& f : from) Log(Level::kErr, "   " + f + "\n");
    Log(Level::kErr,
        "Cluster bus ports must be reachable by every node.\n"
        "Remember that cluster bus ports are different from standard instance "
        "ports.\n");
  }
}

}  // namespace

bool WaitForClusterJoin(ToolCluster& cluster, int timeout_s) {
  Print("Waiting for the cluster to join\n");
  // Hints about unreachable links come after this many polls, as redis-cli spaces them.
  const int hint_after = 20 + static_cast<int>(cluster.nodes().size() * 0.15f);
  int counter = 0;
  for (int waited = 0;; ++waited) {
    JoinStatus status = PollJoin(cluster);
    if (status.joined) break;
    if (waited >= timeout_s) {
      Print("\n");
      Log(Level::kErr,
          "[ERR] The cluster did not join within " + std::to_string(timeout_s) + " seconds.\n");
      return false;
    }
    Print(".");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (++counter > hint_after) {
      PrintUnreachable(status);
      counter = 0;
    }
  }
  Print("\n");
  return true;
}

}  // namespace slotd::slotctl
