// `slotctl add-node`, `del-node` and `call`: joining a node to a running cluster (as a master
// or a replica), removing an empty one, and running one command on every node.
#include <chrono>
#include <cstdio>
#include <thread>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"

namespace slotd::slotctl {
namespace {

// redis-cli waits forever for the join; a bound turns a dead node into an error.
constexpr int kJoinTimeoutS = 120;

// The master with the fewest replicas (the first one on ties), or null when there is none.
ToolNode* LeastReplicas(ToolCluster& cluster) {
  ToolNode* best = nullptr;
  for (auto& n : cluster.nodes()) {
    if (n->is_replica()) continue;
    if (best == nullptr || n->replicas_count < best->replicas_count) best = n.get();
  }
  return best;
}

// Connects to the node being added and checks it is an empty cluster node.
std::unique_ptr<ToolNode> ProbeNewNode(ToolCluster& cluster, const HostPort& addr) {
  std::unique_ptr<ToolNode> node = cluster.Connect(addr);
  if (node == nullptr) {
    Log(Level::kErr, "[ERR] Sorry, can't connect to node " + addr.host + ":" +
                         std::to_string(addr.port) + "\n");
    return nullptr;
  }
  if (!ToolCluster::IsEmptyClusterNode(*node)) return nullptr;
  return node;
}

// Copies the cluster's functions to a new master; servers without FUNCTION are skipped.
bool CopyFunctions(ToolNode& from, ToolNode& to) {
  Log(Level::kInfo, ">>> Getting functions from cluster\n");
  Reply dump = from.link->Command({"FUNCTION", "DUMP"});
  if (dump.failed() || dump.kind != Reply::Kind::kString) {
    Log(Level::kInfo,
        ">>> Failed retrieving Functions from the cluster, skip this step as the server does "
        "not support the function command (error = '" + dump.str + "')\n");
    return true;
  }
  Log(Level::kInfo, ">>> Send FUNCTION LIST to " + to.address() +
                        " to verify there is no functions in it\n");
  Reply list = to.link->Command({"FUNCTION", "LIST"});
  if (list.failed()) {
    Log(Level::kErr, ">>> Failed on FUNCTION LIST (error = '" + list.str + "')\n");
    return false;
  }
  if (!list.elements.empty()) {
    Log(Level::kErr, ">>> New node already contains functions and can not be added to the "
                     "cluster. Use FUNCTION FLUSH and try again.\n");
    return false;
  }
  Log(Level::kInfo, ">>> Send FUNCTION RESTORE to " + to.address() + "\n");
  Reply restored = to.link->Command({"FUNCTION", "RESTORE", dump.str});
  if (restored.failed()) {
    Log(Level::kErr,
        ">>> Failed loading functions to the new node (error = '" + restored.str + "')\n");
    return false;
  }
  return true;
}

bool SendMeet(ToolNode& new_node, const ToolNode& first) {
  Log(Level::kInfo, ">>> Send CLUSTER MEET to node " + new_node.address() +
                        " to make it join the cluster.\n");
  const std::string ip = first.self.endpoint.ip.empty() ? first.addr.host : first.self.endpoint.ip;
  std::vector<std::string> meet = {"CLUSTER", "MEET", ip, std::to_string(first.addr.port)};
  const int cport = first.self.endpoint.cport;
  if (cport != 0 && cport != first.addr.port + 10000) meet.push_back(std::to_string(cport));
  Reply r = new_node.link->Command(meet);
  if (r.failed()) {
    PrintReplyError(new_node, r.str);
    return false;
  }
  return true;
}

}  // namespace

int RunAddNode(const HostPort& new_addr, const HostPort& existing, const CommonOptions& opts) {
  Log(Level::kInfo, ">>> Adding node " + new_addr.host + ":" + std::to_string(new_addr.port) +
                        " to cluster " + existing.host + ":" + std::to_string(existing.port) +
                        "\n");
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(existing)) return 1;
  if (!CheckCluster(cluster)) return 1;
  ToolNode* master = nullptr;
  if (opts.replica) {
    if (!opts.master_id.empty()) {
      master = cluster.ByName(opts.master_id);
      if (master == nullptr || master->is_replica()) {
        Log(Level::kErr, "[ERR] No such master ID " + opts.master_id + "\n");
        return 1;
      }
    } else {
      master = LeastReplicas(cluster);
      if (master == nullptr) return 1;
      Print("Automatically selected master " + master->address() + "\n");
    }
  }
  std::unique_ptr<ToolNode> node = ProbeNewNode(cluster, new_addr);
  if (node == nullptr) return 1;
  ToolNode& first = *cluster.nodes().front();
  // A replica gets its functions from its master.
  if (master == nullptr && !CopyFunctions(first, *node)) return 1;
  if (!SendMeet(*node, first)) return 1;
  ToolNode& added = *node;
  cluster.nodes().push_back(std::move(node));
  if (master != nullptr) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (!WaitForClusterJoin(cluster, kJoinTimeoutS)) return 1;
    Log(Level::kInfo, ">>> Configure node as replica of " + master->address() + ".\n");
    Reply r = added.link->Command({"CLUSTER", "REPLICATE", master->name()});
    if (r.failed()) {
      PrintReplyError(added, r.str);
      return 1;
    }
  }
  Log(Level::kOk, "[OK] New node added correctly.\n");
  return 0;
}

int RunDelNode(const HostPort& seed, const std::string& id, const CommonOptions& opts) {
  Log(Level::kInfo, ">>> Removing node " + id + " from cluster " + seed.host + ":" +
                        std::to_string(seed.port) + "\n");
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  ToolNode* node = cluster.ByName(id);
  if (node == nullptr) {
    Log(Level::kErr, "[ERR] No such node ID " + id + "\n");
    return 1;
  }
  if (!node->self.slots.Empty()) {
    Log(Level::kErr, "[ERR] Node " + node->address() +
                         " is not empty! Reshard data away and try again.\n");
    return 1;
  }
  Log(Level::kInfo, ">>> Sending CLUSTER FORGET messages to the cluster...\n");
  for (auto& n : cluster.nodes()) {
    if (n.get() == node) continue;
    if (n->replicate == node->name()) {
      // Its master is going away: follow the master with the fewest replicas instead.
      ToolNode* master = LeastReplicas(cluster);
      if (master == nullptr || master == node) return 1;
      Log(Level::kInfo,
          ">>> " + n->address() + " as replica of " + master->address() + "\n");
      Reply r = n->link->Command({"CLUSTER", "REPLICATE", master->name()});
      if (r.failed()) {
        PrintReplyError(*n, r.str);
        return 1;
      }
    }
    Reply r = n->link->Command({"CLUSTER", "FORGET", node->name()});
    if (r.failed()) {
      PrintReplyError(*n, r.str);
      return 1;
    }
  }
  Log(Level::kInfo, ">>> Sending CLUSTER RESET SOFT to the deleted node.\n");
  Reply r = node->link->Command({"CLUSTER", "RESET", "SOFT"});
  if (r.failed()) {
    PrintReplyError(*node, r.str);
    return 1;
  }
  return 0;
}

namespace {

// redis-cli's raw reply form: errors and strings as text, integers in decimal, nil as nothing,
// array elements one per line.
std::string RawReply(const Reply& r) {
  switch (r.kind) {
    case Reply::Kind::kError:
      return r.str + "\n";
    case Reply::Kind::kStatus:
    case Reply::Kind::kString:
      return r.str;
    case Reply::Kind::kInteger:
      return std::to_string(r.integer);
    case Reply::Kind::kArray: {
      std::string out;
      for (size_t i = 0; i < r.elements.size(); ++i) {
        if (i > 0) out += '\n';
        out += RawReply(r.elements[i]);
      }
      return out;
    }
    case Reply::Kind::kNil:
    case Reply::Kind::kIoError:
      break;
  }
  return "";
}

}  // namespace

int RunCall(const HostPort& seed, const std::vector<std::string>& argv,
            const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  std::string line = ">>> Calling";
  for (const std::string& a : argv) line += " " + a;
  Log(Level::kInfo, line + "\n");
  bool all_ok = true;
  for (auto& n : cluster.nodes()) {
    if (opts.only_masters && n->is_replica()) continue;
    if (opts.only_replicas && !n->is_replica()) continue;
    Reply r = n->link->Command(argv);
    if (r.kind == Reply::Kind::kIoError) {
      Print(n->address() + ": Failed!\n");
      all_ok = false;
      continue;
    }
    Print(n->address() + ": " + RawReply(r) + "\n");
  }
  return all_ok ? 0 : 1;
}

}  // namespace slotd::slotctl
