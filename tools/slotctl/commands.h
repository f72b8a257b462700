// slotctl's subcommands. Each returns the process exit code (0 success, 1 failure) and prints
// what redis-cli --cluster prints for the same subcommand.
#pragma once
#include <string>
#include <vector>

#include "tools/slotctl/cluster_probe.h"

namespace slotd::slotctl {

struct CommonOptions {
  std::string password;  // -a / --pass: AUTH before anything else
  bool yes = false;      // --yes: do not ask before changing the cluster
};

int RunCreate(const std::vector<HostPort>& addrs, int replicas, const CommonOptions& opts);
int RunCheck(const HostPort& seed, const CommonOptions& opts);
int RunInfo(const HostPort& seed, const CommonOptions& opts);

// Shared by create and check (report.cc).
// "M: <id> host:port\n   slots:... (N slots) master\n   ..." for every node, in list order.
void ShowNodes(ToolCluster& cluster);
// The per-master key/slot/replica table of `info`; false when a master cannot answer DBSIZE.
bool ShowClusterInfo(ToolCluster& cluster);
// Agreement, open slots, coverage; true when all three are fine.
bool CheckCluster(ToolCluster& cluster);
// Polls once a second until every node knows every other (no handshakes left) and all agree
// about the slots, printing redis-cli's progress dots and unreachable-link hints (join_wait.cc).
// False after `timeout_s` seconds.
bool WaitForClusterJoin(ToolCluster& cluster, int timeout_s);

}  // namespace slotd::slotctl
