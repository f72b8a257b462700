// NodeRecord: what this node believes about one cluster node (Redis's clusterNode): flags,
// addresses, role, timers, failure reports, replication offset. Plain data; std and cluster/ only.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "cluster/bus/wire_format.h"
#include "cluster/core/endpoint.h"
#include "cluster/core/epoch.h"
#include "cluster/core/node_id.h"
#include "cluster/core/slot_bitmap.h"

namespace slotd {

// Identifies one bus connection. Ids are allocated by ClusterNode (outbound links when it asks
// for a connection, inbound links when the host reports an accepted socket); 0 means "none".
using LinkId = uint64_t;

struct NodeRecord {
  NodeId id;
  uint16_t flags = 0;  // bus::kFlag* bits (the wire meaning, not nodes.conf's NodeFlag order)
  Endpoint endpoint;
  NodeId master;                // null when a master or when the master is unknown
  std::vector<NodeId> replicas; // known replicas, ascending id
  ConfigEpoch config_epoch;
  int num_slots = 0;
  // Redis 7.2's shard id (a master's own, its replicas share it); null while unknown (7.0 peers).
  NodeId shard_id;
  // Whether the node's pings carry a shard-id extension: 0 not seen yet, 1 yes, -1 no (a 7.0
  // node, which would log a warning for every extension it does not know).
  int8_t shard_ext = 0;            // kept equal to the slots ClusterState binds to this node

  // Times are the monotonic `now` of the inputs (ms); 0 means "never".
  int64_t ctime_ms = 0;
  int64_t ping_sent_ms = 0;      // a PING is pending since then
  int64_t pong_received_ms = 0;
  int64_t data_received_ms = 0;  // any bus message from the node
  int64_t fail_time_ms = 0;
  int64_t voted_time_ms = 0;     // last vote given to one of its replicas (masters only)
  int64_t orphaned_time_ms = 0;
  uint64_t repl_offset = 0;
  int64_t repl_offset_time_ms = 0;

  LinkId link = 0;           // our outbound link to it
  int64_t link_ctime_ms = 0;
  LinkId inbound_link = 0;

  std::map<NodeId, int64_t> fail_reports;  // reporting master -> time of its last report

  // ClusterState's cache of the slots bound to this node, valid while slots_cache_version
  // equals ClusterState::slot_version() (the headers of every message are compared to it).
  mutable std::shared_ptr<SlotBitmap> slots_cache;
  mutable uint64_t slots_cache_version = 0;

  bool Has(uint16_t f) const { return (flags & f) != 0; }
  bool IsMaster() const { return Has(bus::kFlagMaster); }
  bool IsReplica() const { return Has(bus::kFlagSlave); }
  bool IsMyself() const { return Has(bus::kFlagMyself); }
  bool InHandshake() const { return Has(bus::kFlagHandshake); }
  bool HasAddr() const { return !Has(bus::kFlagNoAddr); }
  bool Failed() const { return Has(bus::kFlagFail); }
  bool TimedOut() const { return Has(bus::kFlagPfail); }
};

}  // namespace slotd
