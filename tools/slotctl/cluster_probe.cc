// Loading a cluster's nodes and their own descriptions over hiredis links.
#include "tools/slotctl/cluster_probe.h"

#include <cstdio>

#include "tools/slotctl/console.h"

namespace slotd::slotctl {

void PrintReplyError(const ToolNode& node, std::string_view err) {
  Log(Level::kErr, "Node " + node.address() + " replied with error:\n" + std::string(err) + "\n");
}

std::unique_ptr<ToolNode> ToolCluster::Connect(const HostPort& addr) const {
  auto node = std::make_unique<ToolNode>();
  node->addr = addr;
  std::string error;
  node->link = NodeLink::Connect(addr, password_, error);
  if (node->link == nullptr) {
    std::fprintf(stderr, "Could not connect to Redis at %s: %s\n", node->address().c_str(),
                 error.c_str());
    return nullptr;
  }
  return node;
}

bool ToolCluster::RequireClusterNode(ToolNode& node) {
  std::string info;
  std::string err;
  if (node.link->Text({"INFO"}, info, err) && InfoField(info, "cluster_enabled").value_or(0) == 1) {
    return true;
  }
  const std::string why = err.empty() ? "is not configured as a cluster node." : err;
  Log(Level::kErr, "[ERR] Node " + node.address() + " " + why + "\n");
  return false;
}

bool ToolCluster::IsEmpty(ToolNode& node, std::string& err) {
  std::string info;
  if (!node.link->Text({"INFO"}, info, err)) return false;
  if (InfoHasLine(info, "db0:")) return false;
  if (!node.link->Text({"CLUSTER", "INFO"}, info, err)) return false;
  return InfoField(info, "cluster_known_nodes").value_or(0) == 1;
}

bool ToolCluster::IsEmptyClusterNode(ToolNode& node) {
  if (!RequireClusterNode(node)) return false;
  std::string err;
  NodesConf view;
  if (!LoadSelf(node, view, err)) {
    PrintReplyError(node, err);
    return false;
  }
  if (IsEmpty(node, err)) return true;
  const std::string why = err.empty() ? "is not empty. Either the node already knows other "
                                        "nodes (check with CLUSTER NODES) or contains some key "
                                        "in database 0."
                                      : err;
  Log(Level::kErr, "[ERR] Node " + node.address() + " " + why + "\n");
  return false;
}

bool ToolCluster::FetchView(ToolNode& node, NodesConf& view) {
  std::string text;
  std::string err;
  if (!node.link->Text({"CLUSTER", "NODES"}, text, err)) return false;
  Result<NodesConf> parsed = ParseNodesConf(text);
  if (!parsed.ok()) return false;
  view = std::move(*parsed);
  return true;
}

bool ToolCluster::LoadSelf(ToolNode& node, NodesConf& view, std::string& err) {
  std::string text;
  if (!node.link->Text({"CLUSTER", "NODES"}, text, err)) return false;
  Result<NodesConf> parsed = ParseNodesConf(text);
  if (!parsed.ok()) {
    err = "invalid CLUSTER NODES reply (" + parsed.error() + ")";
    return false;
  }
  view = std::move(*parsed);
  node.self = MyselfOf(view);
  node.replicate.clear();
  if (node.is_replica() && !node.self.master.IsNull()) node.replicate = node.self.master.str();
  return true;
}

bool ToolCluster::LoadFromNode(const HostPort& seed_addr) {
  nodes_.clear();
  unreachable_masters_ = 0;
  std::unique_ptr<ToolNode> seed = Connect(seed_addr);
  if (seed == nullptr) return false;
  if (!RequireClusterNode(*seed)) return false;
  std::string err;
  NodesConf seed_view;
  if (!LoadSelf(*seed, seed_view, err)) {
    PrintReplyError(*seed, err);
    return false;
  }
  nodes_.push_back(std::move(seed));
  for (const NodesConfNode& peer : seed_view.nodes) {
    if (peer.flags & kNodeMyself) continue;
    if (peer.endpoint.ip.empty() || peer.endpoint.port == 0) continue;
    std::unique_ptr<ToolNode> node = Connect({peer.endpoint.ip, peer.endpoint.port});
    if (node == nullptr) {
      if (peer.flags & kNodeMaster) ++unreachable_masters_;
      continue;
    }
    node->seen_flags = peer.flags;
    NodesConf view;
    if (!LoadSelf(*node, view, err)) {
      Log(Level::kErr, "[ERR] Unable to load info for node " + node->address() + "\n");
      continue;
    }
    if ((node->seen_flags | node->self.flags) & (kNodeNoaddr | kNodeFail)) continue;
    nodes_.push_back(std::move(node));
  }
  CountReplicas();
  return true;
}

void ToolCluster::CountReplicas() {
  for (auto& n : nodes_) n->replicas_count = 0;
  for (auto& n : nodes_) {
    if (n->replicate.empty()) continue;
    ToolNode* master = ByName(n->replicate);
    if (master == nullptr) {
      Log(Level::kWarn, "*** WARNING: " + n->address() + " claims to be slave of unknown node ID " +
                            n->replicate + ".\n");
      continue;
    }
    ++master->replicas_count;
  }
}

bool ToolCluster::ConfigConsistent() {
  if (nodes_.size() <= 1) return true;
  std::string first;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodesConf view;
    if (!FetchView(*nodes_[i], view)) return false;
    std::string signature = ConfigSignature(view);
    // A node that owns no slots at all has no signature; redis-cli treats that as disagreement.
    if (signature.empty()) return false;
    if (i == 0) {
      first = std::move(signature);
    } else if (signature != first) {
      return false;
    }
  }
  return true;
}

ToolNode* ToolCluster::ByName(std::string_view id) {
  for (auto& n : nodes_) {
    if (n->self.id.view() == id) return n.get();
  }
  return nullptr;
}

}  // namespace slotd::slotctl
