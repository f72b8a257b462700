// ToolCluster: slotctl's picture of a cluster, loaded over live connections the way
// redis-cli --cluster does it: each node describes itself with the `myself` line of its own
// CLUSTER NODES, peers are discovered from a seed node, and agreement is compared across nodes.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/topology/nodes_conf.h"
#include "tools/slotctl/cluster_text.h"
#include "tools/slotctl/node_link.h"

namespace slotd::slotctl {

struct ToolNode {
  HostPort addr;
  std::unique_ptr<NodeLink> link;
  NodesConfNode self;       // this node's own `myself` line
  uint16_t seen_flags = 0;  // flags the seed node reported for it (fail/noaddr exclude it)
  int replicas_count = 0;   // replicas that name this node as their master
  std::string replicate;    // master id it replicates (or, during create, is planned to)
  bool dirty = false;       // create: slots or REPLICATE not yet sent successfully

  bool is_replica() const { return (self.flags & kNodeSlave) != 0; }
  std::string name() const { return self.id.str(); }
  std::string address() const { return addr.host + ":" + std::to_string(addr.port); }
};

class ToolCluster {
 public:
  explicit ToolCluster(std::string password) : password_(std::move(password)) {}

  // Connects; on failure prints redis-cli's "Could not connect to Redis at ..." to stderr.
  std::unique_ptr<ToolNode> Connect(const HostPort& addr) const;
  // INFO says cluster_enabled:1; otherwise prints redis-cli's "[ERR] Node h:p is not configured
  // as a cluster node." (or the error reply) and returns false.
  static bool RequireClusterNode(ToolNode& node);
  // No db0 keys and CLUSTER INFO shows cluster_known_nodes:1.
  static bool IsEmpty(ToolNode& node, std::string& err);
  // RequireClusterNode, LoadSelf and IsEmpty, printing redis-cli's error for the first failure
  // ("[ERR] Node h:p is not empty. Either the node already knows other nodes ...").
  static bool IsEmptyClusterNode(ToolNode& node);
  // A fresh CLUSTER NODES from `node`, parsed; false on any error.
  static bool FetchView(ToolNode& node, NodesConf& view);
  // CLUSTER NODES into node.self (and node.replicate); the whole parsed view into `view`.
  static bool LoadSelf(ToolNode& node, NodesConf& view, std::string& err);

  // Loads the seed and every peer it reports (peers flagged fail or noaddr, or unreachable, are
  // left out), then counts replicas. Prints redis-cli's errors; false when the seed is unusable.
  bool LoadFromNode(const HostPort& seed);
  // Every node's CLUSTER NODES gives the same ConfigSignature (one node always agrees).
  bool ConfigConsistent();
  // Recounts replicas_count from every node's `replicate`; warns about unknown masters.
  void CountReplicas();
  ToolNode* ByName(std::string_view id);

  std::vector<std::unique_ptr<ToolNode>>& nodes() { return nodes_; }
  const std::string& password() const { return password_; }
  // Masters the seed reported that could not be reached or loaded (fix refuses to run then).
  int unreachable_masters() const { return unreachable_masters_; }

 private:
  std::string password_;
  std::vector<std::unique_ptr<ToolNode>> nodes_;
  int unreachable_masters_ = 0;
};

// "Node h:p replied with error:\n<err>\n" at error level, as redis-cli prints reply errors.
void PrintReplyError(const ToolNode& node, std::string_view err);

}  // namespace slotd::slotctl
