// `slotctl check`, `info` and `fix`, and the node listing and cluster check other commands reuse.
#include <cstdio>
#include <map>
#include <set>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"

namespace slotd::slotctl {
namespace {

// The flags field without `myself`, in Redis's order ("master", "slave,fail?", ...).
std::string FlagsWithoutMyself(uint16_t flags) {
  static constexpr std::pair<uint16_t, const char*> kNames[] = {
      {kNodeMaster, "master"},        {kNodeSlave, "slave"},
      {kNodePfail, "fail?"},          {kNodeFail, "fail"},
      {kNodeHandshake, "handshake"},  {kNodeNoaddr, "noaddr"},
      {kNodeNofailover, "nofailover"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out.empty() ? "noflags" : out;
}

}  // namespace

std::string NodeInfo(const ToolNode& node, int indent) {
  const std::string pad(indent, ' ');
  std::string out = pad;
  if (node.dirty && !node.replicate.empty()) {
    out += "S: " + node.name() + " " + node.address();
  } else {
    out += std::string(node.is_replica() ? "S" : "M") + ": " + node.name() + " " +
           node.address() + "\n" + pad + "   slots:" + SlotsString(node.self.slots) + " (" +
           std::to_string(node.self.slots.Count()) + " slots) " +
           FlagsWithoutMyself(node.self.flags);
  }
  if (!node.replicate.empty()) {
    out += "\n" + pad + "   replicates " + node.replicate;
  } else if (node.replicas_count > 0) {
    out += "\n" + pad + "   " + std::to_string(node.replicas_count) + " additional replica(s)";
  }
  return out;
}

namespace {

std::string JoinSlots(const std::map<int, NodeId>& open) {
  std::string out;
  for (const auto& [slot, id] : open) {
    if (!out.empty()) out += ',';
    out += std::to_string(slot);
  }
  return out;
}

// Reports migrating/importing slots per node (and fixes them when asked); false when any slot
// is open and was not fixed.
bool CheckOpenSlots(ToolCluster& cluster, const CheckOptions& opts) {
  std::set<int> open;
  for (auto& n : cluster.nodes()) {
    for (const auto* states : {&n->self.migrating, &n->self.importing}) {
      if (states->empty()) continue;
      const char* kind = states == &n->self.migrating ? "migrating" : "importing";
      Log(Level::kErr, "[WARNING] Node " + n->address() + " has slots in " + kind + " state " +
                           JoinSlots(*states) + ".\n");
      for (const auto& [slot, id] : *states) open.insert(slot);
    }
  }
  if (open.empty()) return true;
  std::string list;
  for (int slot : open) list += (list.empty() ? "" : ",") + std::to_string(slot);
  Log(Level::kErr, "[WARNING] The following slots are open: " + list + ".\n");
  if (!opts.fix) return false;
  for (int slot : open) {
    if (!FixOpenSlot(cluster, slot, opts)) return false;
  }
  return true;
}

}  // namespace

void ShowNodes(ToolCluster& cluster) {
  for (auto& n : cluster.nodes()) Print(NodeInfo(*n, 0) + "\n");
}

bool ShowClusterInfo(ToolCluster& cluster) {
  long long keys = 0;
  int masters = 0;
  for (auto& n : cluster.nodes()) {
    if (n->is_replica()) continue;
    Reply r = n->link->Command({"DBSIZE"});
    if (r.kind != Reply::Kind::kInteger) {
      PrintReplyError(*n, r.kind == Reply::Kind::kError ? r.str : "");
      return false;
    }
    char line[256];
    std::snprintf(line, sizeof(line), "%s (%.8s...) -> %lld keys | %d slots | %d slaves.\n",
                  n->address().c_str(), n->name().c_str(), r.integer, n->self.slots.Count(),
                  n->replicas_count);
    Print(line);
    ++masters;
    keys += r.integer;
  }
  Log(Level::kOk,
      "[OK] " + std::to_string(keys) + " keys in " + std::to_string(masters) + " masters.\n");
  char average[64];
  std::snprintf(average, sizeof(average), "%.2f keys per slot on average.\n",
                static_cast<double>(keys) / kClusterSlots);
  Print(average);
  return true;
}

bool CheckCluster(ToolCluster& cluster, const CheckOptions& opts) {
  if (cluster.nodes().empty()) return false;
  Log(Level::kInfo,
      ">>> Performing Cluster Check (using node " + cluster.nodes().front()->address() + ")\n");
  if (!opts.quiet) ShowNodes(cluster);
  bool ok = true;
  if (cluster.ConfigConsistent()) {
    Log(Level::kOk, "[OK] All nodes agree about slots configuration.\n");
  } else {
    Log(Level::kErr, "[ERR] Nodes don't agree about configuration!\n");
    ok = false;
  }
  Log(Level::kInfo, ">>> Check for open slots...\n");
  if (!CheckOpenSlots(cluster, opts)) ok = false;
  Log(Level::kInfo, ">>> Check slots coverage...\n");
  SlotBitmap covered;
  for (auto& n : cluster.nodes()) {
    for (const auto& [first, last] : n->self.slots.Ranges()) covered.SetRange(first, last);
  }
  if (covered.Count() == kClusterSlots) {
    Log(Level::kOk, "[OK] All 16384 slots covered.\n");
  } else {
    Log(Level::kErr, "[ERR] Not all 16384 slots are covered by nodes.\n\n");
    ok = opts.fix && FixSlotsCoverage(cluster, covered, opts) > 0;
  }
  return ok;
}

int RunCheck(const HostPort& seed, const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  const bool info_ok = ShowClusterInfo(cluster);
  const bool check_ok = CheckCluster(cluster);
  return info_ok && check_ok ? 0 : 1;
}

int RunFix(const HostPort& seed, const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  ShowClusterInfo(cluster);
  CheckOptions check;
  check.fix = true;
  check.yes = opts.yes;
  check.move = opts.move;
  check.move.fix = true;
  return CheckCluster(cluster, check) ? 0 : 1;
}

int RunInfo(const HostPort& seed, const CommonOptions& opts) {
  ToolCluster cluster(opts.password);
  if (!cluster.LoadFromNode(seed)) return 1;
  return ShowClusterInfo(cluster) ? 0 : 1;
}

}  // namespace slotd::slotctl
