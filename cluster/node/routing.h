// Routing: decides whether this node serves a command's keys or redirects the client (MOVED, ASK,
// TRYAGAIN, CROSSSLOT, CLUSTERDOWN), exactly as Redis 7.0's getNodeByQuery. Pure; std only.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "cluster/topology/cluster_view.h"

namespace slotd {

// What the command (or, for EXEC, the queued commands) asks of the node.
struct RouteRequest {
  // Every key the command touches, in order (for EXEC: the keys of all queued commands).
  std::span<const std::string_view> keys;
  bool is_write = false;  // the command itself is flagged write (cluster-down read-only check)
  bool is_write_for_replica_read = false;  // is_write, or for EXEC: some queued command is a write
  bool shard_pubsub = false;     // SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH: keys are shard channels
  bool is_migrate = false;       // MIGRATE runs locally while its slot is open
  bool asking = false;           // the client sent ASKING, or the command has the asking flag
  bool readonly_client = false;  // the client sent READONLY
};

// Answers whether a key exists in the local keyspace (db 0); asked only for slots in migration.
class KeyPresence {
 public:
  virtual bool Exists(std::string_view key) const = 0;

 protected:
  ~KeyPresence() = default;
};

struct RouteDecision {
  enum class Kind : uint8_t {
    kServe,         // run it here
    kMoved,         // -MOVED <slot> <node endpoint>
    kAsk,           // -ASK <slot> <node endpoint>
    kTryAgain,      // -TRYAGAIN: multi-key request during the slot's migration
    kCrossSlot,     // -CROSSSLOT
    kDownState,     // -CLUSTERDOWN The cluster is down
    kDownReadOnly,  // -CLUSTERDOWN ... only accepts read commands
    kDownUnbound,   // -CLUSTERDOWN Hash slot not served
  };
  Kind kind = Kind::kServe;
  int slot = -1;                    // the keys' slot, -1 when there are none
  int node = ClusterView::kNoNode;  // kMoved / kAsk: the node to go to

  bool serve() const { return kind == Kind::kServe; }
};

RouteDecision Route(const ClusterView& view, const RouteRequest& request,
                    const KeyPresence& presence);

// For a client blocked on keys (BLPOP & co.), Redis 7.0's clusterRedirectBlockedClientIfNeeded:
// kDownState while the cluster is down, kDownUnbound / kMoved when the key's slot is neither served
// nor imported here, else kServe (keep waiting). `is_write` is the blocked command's write flag.
RouteDecision RouteBlocked(const ClusterView& view, std::string_view first_key,
                           bool readonly_client, bool is_write);

}  // namespace slotd
