// NodesConf: Redis 7.0's nodes.conf / CLUSTER NODES text (one line per node
// plus a final `vars` line), parsed into plain values and rendered back
// byte-for-byte. Pure; std only; never throws.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/core/endpoint.h"
#include "cluster/core/epoch.h"
#include "cluster/core/node_id.h"
#include "cluster/core/result.h"
#include "cluster/core/slot_bitmap.h"

namespace slotd {

// Node flag bits; rendered in this order (Redis's fixed order). No bit set
// renders as `noflags`.
enum NodeFlag : uint16_t {
  kNodeMyself = 1 << 0,
  kNodeMaster = 1 << 1,
  kNodeSlave = 1 << 2,
  kNodePfail = 1 << 3,  // "fail?"
  kNodeFail = 1 << 4,
  kNodeHandshake = 1 << 5,
  kNodeNoaddr = 1 << 6,
  kNodeNofailover = 1 << 7,
};

struct NodesConfNode {
  NodeId id;
  Endpoint endpoint;  // ip, port, cport, hostname (pport is not part of the 7.0
                      // format)
  uint16_t flags = 0;
  NodeId master;  // null (IsNull()) when the field is "-"
  uint64_t ping_sent = 0;
  uint64_t pong_recv = 0;
  ConfigEpoch config_epoch;
  bool connected = false;
  SlotBitmap slots;
  std::map<int, NodeId> migrating;  // slot -> destination ("[slot->-id]")
  std::map<int, NodeId> importing;  // slot -> source ("[slot-<-id]")
  NodeId shard_id;  // 7.2 aux field "shard-id=" (nodes.conf only); null when absent
  bool operator==(const NodesConfNode&) const = default;
};

struct NodesConf {
  std::vector<NodesConfNode> nodes;  // file order
  CurrentEpoch current_epoch;
  uint64_t last_vote_epoch = 0;
  bool operator==(const NodesConf&) const = default;
};

// Parses nodes.conf text (the `vars` line is optional, so CLUSTER NODES replies
// parse too). Errors read like "nodes.conf line 3: invalid slot range '5-2'".
// Requires exactly one `myself` node and unique ids.
Result<NodesConf> ParseNodesConf(std::string_view text);

// One node line without the trailing newline (the CLUSTER NODES form). `with_aux` adds the 7.2
// aux fields nodes.conf keeps after the hostname: ",<hostname>,shard-id=<id>".
std::string RenderNodeLine(const NodesConfNode& node, bool with_aux = false);
// Every node line followed by `vars currentEpoch N lastVoteEpoch M`, each
// ending in '\n'.
std::string RenderNodesConf(const NodesConf& conf);

}  // namespace slotd
