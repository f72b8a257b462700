// ClusterState: the nodes this node knows, who owns each slot, open slot migrations and the
// epochs (Redis's clusterState). Keeps the invariants below; knows nothing about the bus.
// std and cluster/ only.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/core/result.h"
#include "cluster/core/slot.h"
#include "cluster/core/slot_bitmap.h"
#include "cluster/topology/node_record.h"
#include "cluster/topology/nodes_conf.h"

namespace slotd {

// Invariants (checked by CheckInvariants(), see cluster/README.md S1-S5):
//  S1. Exactly one node has MYSELF and it is myself().
//  S2. Every slot owner is a known node; NodeRecord::num_slots equals the slots bound to it.
//  S3. Only masters own slots.
//  S4. A replica with a known master is listed in that master's `replicas`, and every listed
//      replica names that master.
//  S5. nodes() is keyed by NodeRecord::id; by_index() lists the same records in id order.
class ClusterState {
 public:
  // A fresh cluster of one: myself is a master with no slots, epochs 0.
  ClusterState(NodeId myself_id, Endpoint myself_endpoint);
  ClusterState(const ClusterState&) = delete;
  ClusterState& operator=(const ClusterState&) = delete;

  // Rebuilds the state from a parsed nodes.conf (clusterLoadConfig): `fail` nodes get
  // fail_time = now, non-zero ping/pong times become now, currentEpoch is raised to the
  // largest configEpoch. Handshake lines are skipped.
  static Result<std::unique_ptr<ClusterState>> FromConf(const NodesConf& conf, int64_t now_ms);

  NodeRecord& myself() { return *myself_; }
  const NodeRecord& myself() const { return *myself_; }
  // myself, or myself's master when I am a replica with a known master.
  NodeRecord* MyMasterOrMe();

  NodeRecord* Find(const NodeId& id);
  const NodeRecord* Find(const NodeId& id) const;
  const std::map<NodeId, NodeRecord>& nodes() const { return nodes_; }
  std::map<NodeId, NodeRecord>& nodes() { return nodes_; }
  // All records in id order; index access serves uniform random sampling.
  const std::vector<NodeRecord*>& by_index() const { return by_index_; }
  size_t size() const { return nodes_.size(); }

  // REQUIRES: no node with record.id exists.
  NodeRecord& Add(NodeRecord record);
  // Removes the node, its slots, its replica links and the failure reports it made
  // (clusterDelNode). REQUIRES: not myself.
  void Remove(const NodeId& id);
  // Re-keys a node (a handshake node learning its real name). REQUIRES: `to` unknown.
  NodeRecord& Rename(const NodeId& from, const NodeId& to);

  NodeRecord* SlotOwner(int slot) const { return owners_[slot]; }
  // Incremented by every slot binding change (lets callers cache bitmaps).
  uint64_t slot_version() const { return slot_version_; }
  void BindSlot(int slot, NodeRecord& owner);
  void UnbindSlot(int slot);
  // Unbinds every slot of `node`; returns how many it had.
  int UnbindAllSlots(NodeRecord& node);
  SlotBitmap SlotsOf(const NodeRecord& node) const { return CachedSlotsOf(node); }
  const SlotBitmap& CachedSlotsOf(const NodeRecord& node) const;
  // True when `claimed` differs from the slots bound to `node`.
  bool SlotsDiffer(const NodeRecord& node, const SlotBitmap& claimed) const;
  // No owner, or the owner stopped claiming it (isSlotUnclaimed).
  bool SlotUnclaimed(int slot) const;

  // Role links, maintaining S4. SetMaster(replica, nullptr) only detaches.
  void SetMaster(NodeRecord& replica, NodeRecord* master);
  void AddReplica(NodeRecord& master, const NodeId& replica);
  void RemoveReplica(NodeRecord& master, const NodeId& replica);

  // Masters serving >= 1 slot; `reachable` (optional) gets those not PFAIL/FAIL.
  int CountServingMasters(int* reachable = nullptr) const;

  // Highest of currentEpoch and every configEpoch (clusterGetMaxEpoch).
  uint64_t MaxEpoch() const;

  // Snapshot in nodes.conf form. `wall_offset_ms` converts monotonic times to Unix ms.
  // Handshake nodes are included only when `with_handshake` (CLUSTER NODES shows them).
  NodesConf ToConf(int64_t wall_offset_ms, bool with_handshake) const;
  NodesConfNode ToConfNode(const NodeRecord& n, int64_t wall_offset_ms) const;

  // Empty when S1-S5 hold; else a description of the first violation.
  std::string CheckInvariants() const;

  CurrentEpoch current_epoch;
  uint64_t last_vote_epoch = 0;
  bool state_ok = false;  // cluster_state; starts as fail like Redis
  int cluster_size = 0;   // masters serving >= 1 slot, as of the last state evaluation
  std::map<int, NodeId> migrating_to;
  std::map<int, NodeId> importing_from;
  SlotBitmap owner_not_claiming;

 private:
  void Reindex();

  std::map<NodeId, NodeRecord> nodes_;
  std::vector<NodeRecord*> by_index_;
  std::vector<NodeRecord*> owners_;  // kClusterSlots entries; map nodes never move
  NodeRecord* myself_ = nullptr;
  uint64_t slot_version_ = 1;  // 0 marks an empty NodeRecord::slots_cache
};

// Wire flag bits <-> nodes.conf NodeFlag bits (the two orders differ).
uint16_t ConfFlagsFromWire(uint16_t wire_flags);
uint16_t WireFlagsFromConf(uint16_t conf_flags);

}  // namespace slotd
