// slotctl's subcommands. Each returns the process exit code (0 success, 1 failure) and prints
// what redis-cli --cluster prints for the same subcommand.
#pragma once
#include <string>
#include <vector>

#include "tools/slotctl/cluster_probe.h"
#include "tools/slotctl/slot_mover.h"

namespace slotd::slotctl {

struct CommonOptions {
  std::string password;  // -a / --pass: AUTH before anything else
  bool yes = false;      // --yes: do not ask before changing the cluster
  MoveOptions move;      // --timeout, --pipeline, --replace
  // reshard
  std::string from;  // --from ID[,ID...]|all
  std::string to;    // --to ID
  int slots = 0;     // --slots N
  // rebalance
  std::vector<std::string> weights;  // --weight ID=w (ID may be abbreviated)
  bool use_empty_masters = false;
  float threshold = 2.0f;  // percent
  bool simulate = false;
  // add-node
  bool replica = false;   // --replica, or implied by --replica-of
  std::string master_id;  // --replica-of ID
  // call
  bool only_masters = false;
  bool only_replicas = false;
};

// What CheckCluster does besides reporting.
struct CheckOptions {
  bool quiet = false;  // no node listing
  bool fix = false;    // repair open slots and uncovered slots
  bool yes = false;    // fix without asking
  MoveOptions move;
};

int RunCreate(const std::vector<HostPort>& addrs, int replicas, const CommonOptions& opts);
int RunCheck(const HostPort& seed, const CommonOptions& opts);
int RunInfo(const HostPort& seed, const CommonOptions& opts);
int RunFix(const HostPort& seed, const CommonOptions& opts);
int RunAddNode(const HostPort& new_node, const HostPort& existing, const CommonOptions& opts);
int RunDelNode(const HostPort& seed, const std::string& id, const CommonOptions& opts);
int RunReshard(const HostPort& seed, const CommonOptions& opts);
int RunRebalance(const HostPort& seed, const CommonOptions& opts);
int RunCall(const HostPort& seed, const std::vector<std::string>& argv, const CommonOptions& opts);

// Shared by create and check (report.cc).
// One node as ShowNodes prints it, every line indented by `indent` spaces.
std::string NodeInfo(const ToolNode& node, int indent);
// "M: <id> host:port\n   slots:... (N slots) master\n   ..." for every node, in list order.
void ShowNodes(ToolCluster& cluster);
// The per-master key/slot/replica table of `info`; false when a master cannot answer DBSIZE.
bool ShowClusterInfo(ToolCluster& cluster);
// Agreement, open slots, coverage; true when all three are fine (or were fixed).
bool CheckCluster(ToolCluster& cluster, const CheckOptions& opts = {});
// fix.cc: repairs one open slot (redis-cli's cases 1-4); false when it cannot.
bool FixOpenSlot(ToolCluster& cluster, int slot, const CheckOptions& opts);
// fix.cc: gives every slot not in `covered` an owner; the number fixed, -1 on errors.
int FixSlotsCoverage(ToolCluster& cluster, const SlotBitmap& covered, const CheckOptions& opts);
// "Type 'yes' to accept" prompt on stdin; true only for "yes" (create.cc).
bool Confirm(const char* question);
// Polls once a second until every node knows every other (no handshakes left) and all agree
// about the slots, printing redis-cli's progress dots and unreachable-link hints (join_wait.cc).
// False after `timeout_s` seconds.
bool WaitForClusterJoin(ToolCluster& cluster, int timeout_s);

}  // namespace slotd::slotctl
