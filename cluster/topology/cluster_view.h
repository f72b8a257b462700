// ClusterView: the immutable snapshot of the cluster that the data path reads (routing, MOVED/ASK
// endpoints, CLUSTER KEYSLOT & co.). Built by the cluster state machine whenever its state changes;
// never mutated after. Pure value type; std only.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "cluster/core/endpoint.h"
#include "cluster/core/node_id.h"
#include "cluster/core/slot.h"

namespace slotd {

// cluster-preferred-endpoint-type: what MOVED/ASK (and CLUSTER SLOTS) name a node by.
enum class PreferredEndpoint : uint8_t { kIp, kHostname, kUnknownEndpoint };

struct ClusterViewNode {
  NodeId id;
  Endpoint endpoint;  // ip, port (client), cport (bus), pport, hostname
  bool is_myself = false;
  bool is_replica = false;
  int master = -1;      // replicas: index of the master in ClusterView::nodes, -1 when unknown
  bool failed = false;  // FAIL flag (PFAIL does not count)
};

struct ClusterView {
  static constexpr int kNoNode = -1;

  std::vector<ClusterViewNode> nodes;  // any fixed order (e.g. by id); slots refer to it by index
  // Per slot: index of the owning master (kNoNode = unassigned), and for a slot in migration the
  // node it migrates to (set on the owner) or is imported from (set on the importer).
  std::array<int32_t, kClusterSlots> owner;
  std::array<int32_t, kClusterSlots> migrating_to;
  std::array<int32_t, kClusterSlots> importing_from;
  int myself = kNoNode;  // index of this node

  bool state_ok =
      false;  // cluster_state:ok (computed by the state machine, full coverage included)
  // The configuration routing depends on (copied from the server's config by whoever builds the
  // view).
  bool require_full_coverage = true;
  bool allow_reads_when_down = false;
  bool allow_pubsubshard_when_down = true;
  PreferredEndpoint preferred_endpoint = PreferredEndpoint::kIp;

  ClusterView() {
    owner.fill(kNoNode);
    migrating_to.fill(kNoNode);
    importing_from.fill(kNoNode);
  }

  const ClusterViewNode& node(int index) const { return nodes[static_cast<size_t>(index)]; }
  const ClusterViewNode* myself_node() const { return myself < 0 ? nullptr : &node(myself); }
  bool is_master() const { return myself >= 0 && !node(myself).is_replica; }
  bool is_replica() const { return myself >= 0 && node(myself).is_replica; }
  // Index of my master when I am a replica (kNoNode otherwise or when unknown).
  int my_master() const { return is_replica() ? node(myself).master : kNoNode; }
  bool owns(int slot) const { return myself >= 0 && owner[static_cast<size_t>(slot)] == myself; }
  int owner_of(int slot) const { return owner[static_cast<size_t>(slot)]; }

  // The host name MOVED/ASK use for `n`: ip, hostname ("?" when it has none) or "" per the
  // preference.
  std::string_view PreferredHost(const ClusterViewNode& n) const {
    switch (preferred_endpoint) {
      case PreferredEndpoint::kHostname:
        return n.endpoint.hostname.empty() ? std::string_view("?")
                                           : std::string_view(n.endpoint.hostname);
      case PreferredEndpoint::kUnknownEndpoint:
        return {};
      case PreferredEndpoint::kIp:
        break;
    }
    return n.endpoint.ip;
  }
};

}  // namespace slotd
