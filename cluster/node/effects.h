// Effects: what a ClusterNode asks of the outside world, appended to an Outbox in the order the
// host must execute them. Plain data; std and cluster/ only.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cluster/bus/messages.h"
#include "cluster/core/endpoint.h"
#include "cluster/core/node_id.h"
#include "cluster/topology/node_record.h"

namespace slotd {

// Open an outbound bus link with this id to `endpoint` (ip and cport). Sends on it may follow
// at once; the host buffers them until connected and reports failure with OnLinkDown(link).
struct ConnectEffect {
  LinkId link = 0;
  NodeId node;
  Endpoint endpoint;
};
struct SendEffect {
  LinkId link = 0;
  bus::Message msg;
};
struct CloseLinkEffect {
  LinkId link = 0;
};
// Write nodes.conf atomically (temp file, rename; fsync when asked) before executing any
// later effect: a vote or an epoch change must be durable before a peer can see it.
struct SaveConfigEffect {
  std::string text;
  bool fsync = true;
};
// Start (or re-point) replication to the master at `endpoint` (ip and client port).
struct ReplicateFromEffect {
  NodeId master;
  Endpoint endpoint;
};
// Stop replicating and serve as a master (replicationUnsetMaster: shift replication ids).
struct BecomeMasterEffect {};
// Pause client writes until `until_ms` (monotonic); 0 resumes them (manual failover).
struct PauseWritesEffect {
  int64_t until_ms = 0;
};
// This node stopped owning `slot` to a newer configuration: delete the keys it still holds.
struct DeleteSlotKeysEffect {
  int slot = 0;
};
enum class EffectLogLevel { kDebug, kVerbose, kNotice, kWarning };
struct LogEffect {
  EffectLogLevel level = EffectLogLevel::kNotice;
  std::string text;  // Redis's wording, without the pid/role/time prefix
};
struct StateChangedEffect {
  bool ok = false;
};
// Something a ClusterView depends on changed (slots, roles, addresses, cluster state).
struct TopologyChangedEffect {};
// A known node relayed a PUBLISH (or SPUBLISH when `shard`): deliver it to local subscribers.
struct DeliverPublishEffect {
  std::string channel;
  std::string message;
  bool shard = false;
};

using Effect = std::variant<ConnectEffect, SendEffect, CloseLinkEffect, SaveConfigEffect,
                            ReplicateFromEffect, BecomeMasterEffect, PauseWritesEffect,
                            DeleteSlotKeysEffect, LogEffect, StateChangedEffect,
                            TopologyChangedEffect, DeliverPublishEffect>;
using Outbox = std::vector<Effect>;

}  // namespace slotd
