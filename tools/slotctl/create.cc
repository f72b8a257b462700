// `slotctl create`: checks that every node is an empty cluster node, plans masters and replicas
// (plan.h), assigns slots, sets distinct config epochs, joins the nodes with CLUSTER MEET, waits
// until every node knows every other and they agree, points the replicas, then checks the result.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <thread>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"
#include "tools/slotctl/plan.h"

namespace slotd::slotctl {
namespace {

// redis-cli waits forever; a bound turns a dead node into an error instead of a hang.
constexpr int kJoinTimeoutBaseS = 120;

bool ProbeNode(ToolCluster& cluster, const HostPort& addr) {
  std::unique_ptr<ToolNode> node = cluster.Connect(addr);
  if (node == nullptr || !ToolCluster::IsEmptyClusterNode(*node)) return false;
  for (const auto& other : cluster.nodes()) {
    if (other->self.id == node->self.id) {
      Log(Level::kErr,
          "[ERR] Node " + node->address() + " is the same node as " + other->address() + ".\n");
      return false;
    }
  }
  cluster.nodes().push_back(std::move(node));
  return true;
}

// Prints the plan as redis-cli does and records it on the nodes (slots, replicate, dirty).
void ApplyPlan(ToolCluster& cluster, const CreatePlan& plan) {
  auto& nodes = cluster.nodes();
  for (size_t k = 0; k < plan.masters.size(); ++k) {
    const SlotRange& r = plan.ranges[k];
    Print("Master[" + std::to_string(k) + "] -> Slots " + std::to_string(r.first) + " - " +
          std::to_string(r.last) + "\n");
    ToolNode& master = *nodes[plan.masters[k]];
    master.self.slots = SlotBitmap();
    master.self.slots.SetRange(r.first, r.last);
    master.dirty = true;
  }
  for (size_t i = 0; i < plan.first_assignments.size(); ++i) {
    if (i == plan.extra_from) Print("Adding extra replicas...\n");
    const auto [replica, master] = plan.first_assignments[i];
    Print("Adding replica " + nodes[replica]->address() + " to " + nodes[master]->address() + "\n");
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (plan.master_of[i] < 0) continue;
    nodes[i]->replicate = nodes[plan.master_of[i]]->name();
    nodes[i]->dirty = true;
  }
  if (plan.initial_score == 0) return;
  Log(Level::kInfo, ">>> Trying to optimize slaves allocation for anti-affinity\n");
  if (plan.final_score == 0) {
    Log(Level::kOk, "[OK] Perfect anti-affinity obtained!\n");
  } else if (plan.final_score >= 10000) {
    Log(Level::kWarn, "[WARNING] Some slaves are in the same host as their master\n");
  } else {
    Log(Level::kWarn, "[WARNING] Some slaves of the same master are in the same host\n");
  }
}

// ADDSLOTSRANGE per range (one round trip); servers without it get ADDSLOTS with every slot.
Reply AddSlots(ToolNode& node) {
  std::vector<std::string> range_argv = {"CLUSTER", "ADDSLOTSRANGE"};
  for (const auto& [first, last] : node.self.slots.Ranges()) {
    range_argv.push_back(std::to_string(first));
    range_argv.push_back(std::to_string(last));
  }
  Reply r = node.link->Command(range_argv);
  if (r.kind != Reply::Kind::kError || r.str.find("nknown subcommand") == std::string::npos) {
    return r;
  }
  std::vector<std::string> argv = {"CLUSTER", "ADDSLOTS"};
  for (int s = 0; s < kClusterSlots; ++s) {
    if (node.self.slots.Test(s)) argv.push_back(std::to_string(s));
  }
  return node.link->Command(argv);
}

// Sends a dirty node's planned config. A replica's REPLICATE may fail before the join (its
// master is still unknown); it stays dirty for the retry. Returns the error, "" on success.
std::string FlushNodeConfig(ToolNode& node) {
  if (!node.dirty) return "";
  Reply r = node.replicate.empty() ? AddSlots(node)
                                   : node.link->Command({"CLUSTER", "REPLICATE", node.replicate});
  if (r.failed()) return r.str.empty() ? "I/O error" : r.str;
  node.dirty = false;
  return "";
}

bool FlushAll(ToolCluster& cluster, bool replicas_must_succeed) {
  for (auto& n : cluster.nodes()) {
    if (!n->dirty) continue;
    std::string err = FlushNodeConfig(*n);
    if (err.empty() || (!replicas_must_succeed && !n->replicate.empty())) continue;
    PrintReplyError(*n, err);
    return false;
  }
  return true;
}

// Numeric address of `host` for CLUSTER MEET, which takes no hostnames.
std::string ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return "";
  char buf[NI_MAXHOST];
  std::string out;
  if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), nullptr, 0, NI_NUMERICHOST) ==
      0) {
    out = buf;
  }
  freeaddrinfo(res);
  return out;
}

bool SendEpochsAndMeet(ToolCluster& cluster) {
  Log(Level::kInfo, ">>> Assign a different config epoch to each node\n");
  int epoch = 1;
  for (auto& n : cluster.nodes()) {
    n->link->Command({"CLUSTER", "SET-CONFIG-EPOCH", std::to_string(epoch++)});
  }
  Log(Level::kInfo, ">>> Sending CLUSTER MEET messages to join the cluster\n");
  ToolNode& first = *cluster.nodes().front();
  const std::string ip = ResolveHost(first.addr.host);
  if (ip.empty()) {
    std::fprintf(stderr, "Invalid IP address or hostname specified: %s\n", first.addr.host.c_str());
    return false;
  }
  std::vector<std::string> meet = {"CLUSTER", "MEET", ip, std::to_string(first.addr.port)};
  const int cport = first.self.endpoint.cport;
  if (cport != 0 && cport != first.addr.port + 10000) meet.push_back(std::to_string(cport));
  for (size_t i = 1; i < cluster.nodes().size(); ++i) {
    ToolNode& n = *cluster.nodes()[i];
    Reply r = n.link->Command(meet);
    if (r.kind == Reply::Kind::kIoError) {
      std::fprintf(stderr, "Failed to send CLUSTER MEET command.\n");
      return false;
    }
    if (r.failed()) {
      PrintReplyError(n, r.str);
      return false;
    }
  }
  return true;
}

}  // namespace

bool Confirm(const char* question) {
  Print(std::string(question) + " (type 'yes' to accept): ");
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "yes";
}

int RunCreate(const std::vector<HostPort>& addrs, int replicas, const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  for (const HostPort& addr : addrs) {
    if (!ProbeNode(cluster, addr)) return 1;
  }
  const int nodes = static_cast<int>(addrs.size());
  if (MastersCount(nodes, replicas) < 3) {
    Log(Level::kErr,
        "*** ERROR: Invalid configuration for cluster creation.\n"
        "*** Redis Cluster requires at least 3 master nodes.\n"
        "*** This is not possible with " +
            std::to_string(nodes) + " nodes and " + std::to_string(replicas) +
            " replicas per node.");
    Log(Level::kErr,
        "\n*** At least " + std::to_string(3 * (replicas + 1)) + " nodes are required.\n");
    return 1;
  }
  Log(Level::kInfo,
      ">>> Performing hash slots allocation on " + std::to_string(nodes) + " nodes...\n");
  std::vector<std::string> hosts;
  for (const HostPort& a : addrs) hosts.push_back(a.host);
  ApplyPlan(cluster, PlanCreate(hosts, replicas));
  ShowNodes(cluster);
  if (!opts.yes && !Confirm("Can I set the above configuration?")) return 1;
  if (!FlushAll(cluster, false)) return 1;
  Log(Level::kInfo, ">>> Nodes configuration updated\n");
  if (!SendEpochsAndMeet(cluster)) return 1;
  // Give the handshakes a moment, so the first poll does not see nodes that still agree only
  // because none of them has learnt anything yet.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  if (!WaitForClusterJoin(cluster, kJoinTimeoutBaseS + nodes)) return 1;
  if (!FlushAll(cluster, true)) return 1;
  ToolCluster result(opts.password);
  if (!result.LoadFromNode(addrs.front())) return 1;
  return CheckCluster(result) ? 0 : 1;
}

}  // namespace slotd::slotctl
