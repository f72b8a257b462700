// What CLUSTER NODES / SLOTS / SHARDS / INFO / REPLICAS report, as text or plain data, and the
// ClusterView snapshot for the data path. RESP rendering belongs to the server. std and
// cluster/ only.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/bus/wire_format.h"
#include "cluster/core/result.h"
#include "cluster/topology/cluster_state.h"
#include "cluster/topology/cluster_view.h"

namespace slotd {

// CLUSTER NODES: one line per known node (handshake nodes included), each ending in '\n'.
std::string DescribeNodes(const ClusterState& state, int64_t wall_offset_ms);

// CLUSTER REPLICAS <id>: the node lines of its replicas (without '\n').
// Errors: "Unknown node <id>", "The specified node is not a master".
Result<std::vector<std::string>> DescribeReplicas(const ClusterState& state,
                                                  std::string_view node_id,
                                                  int64_t wall_offset_ms);

// CLUSTER SLOTS: each maximal run of slots with one owner, ascending; nodes = owner first,
// then its replicas that are not FAIL and have reported a non-zero offset.
struct SlotsEntry {
  int first = 0;
  int last = 0;
  std::vector<const NodeRecord*> nodes;
};
std::vector<SlotsEntry> DescribeSlots(const ClusterState& state);

// CLUSTER SHARDS: one shard per master (also masters without slots).
struct ShardNode {
  const NodeRecord* node = nullptr;
  bool is_master = false;
  uint64_t replication_offset = 0;
  std::string_view health;  // "online", "fail" or "loading"
};
struct Shard {
  std::vector<std::pair<int, int>> slots;  // inclusive ranges, ascending
  std::vector<ShardNode> nodes;            // master first
};
// `my_offset`: this node's own replication offset (other nodes' come from their headers).
std::vector<Shard> DescribeShards(const ClusterState& state, uint64_t my_offset);

// CLUSTER INFO text ("\r\n" line ends). Counters are indexed by bus message type;
// `links_over_limit` counts links freed for exceeding cluster-link-sendbuf-limit.
using MessageCounters = std::array<uint64_t, bus::kTypeCount>;
std::string DescribeInfo(const ClusterState& state, const MessageCounters& sent,
                         const MessageCounters& received, uint64_t links_over_limit = 0);

// The immutable snapshot routing reads. Routing settings (coverage, reads when down,
// preferred endpoint) are left at their defaults for the host to fill in.
ClusterView BuildClusterView(const ClusterState& state);

}  // namespace slotd
