// `slotctl reshard` (move N slots from some masters to one) and `slotctl rebalance` (move slots
// until every master holds its weighted share), both built on SlotMover's per-slot moves.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"
#include "tools/slotctl/reshard_plan.h"

namespace slotd::slotctl {
namespace {

// A master usable as a reshard endpoint, or null after printing why not. `target` (if any) may
// not be used as a source too; that case sets `fatal` false so the id is merely skipped.
ToolNode* ReshardNode(ToolCluster& cluster, const std::string& id, const ToolNode* target,
                     bool& fatal) {
  ToolNode* node = cluster.ByName(id);
  fatal = false;
  if (node == nullptr || node->is_replica()) {
    Log(Level::kErr,
        "*** The specified node (" + id + ") is not known or not a master, please retry.\n");
    fatal = true;
    return nullptr;
  }
  if (node == target) {
    Log(Level::kErr, "*** It is not possible to use the target node as source node.\n");
    return nullptr;
  }
  return node;
}

// --from "id1,id2" or "all"; false on an unknown id.
bool ResolveSources(ToolCluster& cluster, const std::string& from, ToolNode* target,
                    std::vector<ToolNode*>& sources) {
  bool all = false;
  size_t pos = 0;
  while (pos <= from.size()) {
    size_t comma = from.find(',', pos);
    if (comma == std::string::npos) comma = from.size();
    const std::string id = from.substr(pos, comma - pos);
    pos = comma + 1;
    if (id.empty()) continue;
    if (id == "all") {
      all = true;
      break;
    }
    bool fatal = false;
    ToolNode* src = ReshardNode(cluster, id, target, fatal);
    if (fatal) return false;
    if (src != nullptr) sources.push_back(src);
  }
  if (all) {
    sources.clear();
    for (auto& n : cluster.nodes()) {
      if (!n->is_replica() && n.get() != target) sources.push_back(n.get());
    }
  }
  return true;
}

bool AskToProceed() {
  Print("Do you want to proceed with the proposed reshard plan (yes/no)? ");
  std::string answer;
  return std::getline(std::cin, answer) && answer == "yes";
}

std::vector<ReshardItem> Table(const std::vector<ToolNode*>& nodes, int count) {
  std::vector<ReshardSource> sources;
  for (size_t i = 0; i < nodes.size(); ++i) {
    sources.push_back({static_cast<int>(i), &nodes[i]->self.slots});
  }
  return ComputeReshardTable(sources, count);
}

}  // namespace

int RunReshard(const HostPort& seed, const CommonOptions& opts) {
  if (opts.slots <= 0 || opts.slots > kClusterSlots || opts.to.empty() || opts.from.empty()) {
    std::fputs("slotctl: reshard needs --from ID[,ID...]|all, --to ID and --slots N "
               "(1 to 16384)\n", stderr);
    return 1;
  }
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  if (!CheckCluster(cluster)) {
    std::fputs("*** Please fix your cluster problems before resharding\n", stderr);
    return 1;
  }
  bool fatal = false;
  ToolNode* target = ReshardNode(cluster, opts.to, nullptr, fatal);
  if (target == nullptr) return 1;
  std::vector<ToolNode*> sources;
  if (!ResolveSources(cluster, opts.from, target, sources)) return 1;
  if (sources.empty()) {
    std::fputs("*** No source nodes given, operation aborted.\n", stderr);
    return 1;
  }
  Print("\nReady to move " + std::to_string(opts.slots) + " slots.\n  Source nodes:\n");
  for (ToolNode* src : sources) Print(NodeInfo(*src, 4) + "\n");
  Print("  Destination node:\n" + NodeInfo(*target, 4) + "\n");
  const std::vector<ReshardItem> table = Table(sources, opts.slots);
  Print("  Resharding plan:\n");
  for (const ReshardItem& item : table) {
    Print("    Moving slot " + std::to_string(item.slot) + " from " +
          sources[item.node]->name() + "\n");
  }
  if (!opts.yes && !AskToProceed()) return 1;
  SlotMover mover(cluster, opts.move);
  for (const ReshardItem& item : table) {
    std::string err;
    if (!mover.MoveSlot(*sources[item.node], *target, item.slot, kMoveVerbose, err)) {
      if (!err.empty()) Log(Level::kErr, "*** Moving slot failed: " + err + "\n");
      return 1;
    }
  }
  return 0;
}

namespace {

// Applies --weight ID=w (abbreviated ids allowed) to `weights`; false on bad input.
bool ParseWeights(ToolCluster& cluster, const std::vector<std::string>& specs,
                  std::map<ToolNode*, float>& weights) {
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      Log(Level::kErr, "*** invalid input " + spec + "\n");
      return false;
    }
    std::string prefix = spec.substr(0, eq);
    for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ToolNode* node = nullptr;
    for (auto& n : cluster.nodes()) {
      if (!prefix.empty() && n->name().compare(0, prefix.size(), prefix) == 0) {
        node = n.get();
        break;
      }
    }
    if (node == nullptr) {
      Log(Level::kErr, "*** No such master node " + spec.substr(0, eq) + "\n");
      return false;
    }
    weights[node] = static_cast<float>(std::atof(spec.c_str() + eq + 1));
  }
  return true;
}

// Carries out one planned move, printing a '#' per slot; false after printing the error.
bool MoveSlots(ToolCluster& cluster, const CommonOptions& opts, ToolNode& src, ToolNode& dst,
               int count) {
  Print("Moving " + std::to_string(count) + " slots from " + src.address() + " to " +
        dst.address() + "\n");
  const std::vector<ReshardItem> table = Table({&src}, count);
  if (static_cast<int>(table.size()) != count) {
    Log(Level::kErr, "*** Assertion failed: Reshard table != number of slots");
    return false;
  }
  SlotMover mover(cluster, opts.move);
  for (const ReshardItem& item : table) {
    std::string err;
    if (!opts.simulate &&
        !mover.MoveSlot(src, dst, item.slot, kMoveQuiet | kMoveUpdate, err)) {
      Log(Level::kErr, "*** Moving slot failed: " + err + "\n");
      return false;
    }
    Print("#");
  }
  Print("\n");
  return true;
}

}  // namespace

int RunRebalance(const HostPort& seed, const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  std::map<ToolNode*, float> weights;
  if (!ParseWeights(cluster, opts.weights, weights)) return 1;
  std::vector<ToolNode*> involved;
  std::vector<RebalanceNode> plan_nodes;
  float total_weight = 0;
  for (auto& n : cluster.nodes()) {
    if (n->is_replica()) continue;
    if (!opts.use_empty_masters && n->self.slots.Empty()) continue;
    const auto w = weights.find(n.get());
    const float weight = w == weights.end() ? 1.0f : w->second;
    involved.push_back(n.get());
    plan_nodes.push_back({n->self.slots.Count(), weight});
    total_weight += weight;
  }
  CheckOptions quiet;
  quiet.quiet = true;
  if (!CheckCluster(cluster, quiet)) {
    Log(Level::kErr, "*** Please fix your cluster problems before rebalancing\n");
    return 1;
  }
  const RebalancePlan plan = PlanRebalance(plan_nodes, opts.threshold);
  if (!plan.needed) {
    char line[128];
    std::snprintf(line, sizeof(line),
                  "*** No rebalancing needed! All nodes are within the %.2f%% threshold.\n",
                  opts.threshold);
    Log(Level::kWarn, line);
    return 0;
  }
  char header[128];
  std::snprintf(header, sizeof(header), ">>> Rebalancing across %zu nodes. Total weight = %.2f\n",
                involved.size(), total_weight);
  Log(Level::kInfo, header);
  for (const RebalanceMove& m : plan.moves) {
    if (!MoveSlots(cluster, opts, *involved[m.src], *involved[m.dst], m.count)) return 1;
  }
  return 0;
}

}  // namespace slotd::slotctl
