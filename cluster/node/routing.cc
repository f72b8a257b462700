// Route(): Redis 7.0's getNodeByQuery over a ClusterView (PROTOCOLS.md 5.1).
#include "cluster/node/routing.h"

#include "cluster/core/slot.h"

namespace slotd {
namespace {

using Kind = RouteDecision::Kind;

RouteDecision Decide(Kind kind, int slot, int node = ClusterView::kNoNode) {
  RouteDecision d;
  d.kind = kind;
  d.slot = slot;
  d.node = node;
  return d;
}

// What walking the keys found: the slot and its owner, whether the slot is open here, and the key
// counts the migration rules need.
struct KeyWalk {
  int slot = -1;
  int owner = ClusterView::kNoNode;
  bool migrating = false;
  bool importing = false;
  bool multiple_keys = false;
  int missing = 0;
  int existing = 0;
};

// Walks the keys like getNodeByQuery's loop. Returns false with `*error` set when the walk itself
// decides (unassigned slot, keys in different slots).
bool WalkKeys(const ClusterView& view, const RouteRequest& request, const KeyPresence& presence,
              KeyWalk* walk, RouteDecision* error) {
  std::string_view first;
  bool have_first = false;
  for (std::string_view key : request.keys) {
    const int slot = KeyHashSlot(key);
    if (!have_first) {
      have_first = true;
      first = key;
      walk->slot = slot;
      walk->owner = view.owner_of(slot);
      if (walk->owner == ClusterView::kNoNode) {
        *error = Decide(Kind::kDownUnbound, slot);
        return false;
      }
      const size_t s = static_cast<size_t>(slot);
      if (walk->owner == view.myself && view.migrating_to[s] != ClusterView::kNoNode) {
        walk->migrating = true;
      } else if (view.importing_from[s] != ClusterView::kNoNode) {
        walk->importing = true;
      }
    } else if (key != first) {
      if (slot != walk->slot) {
        *error = Decide(Kind::kCrossSlot, walk->slot);
        return false;
      }
      walk->multiple_keys = true;
    }
    // Shard channels stay with the source until the slot is handed over, so they are not counted.
    if ((walk->migrating || walk->importing) && !request.shard_pubsub && !presence.Exists(key)) {
      ++walk->missing;
    } else {
      ++walk->existing;
    }
  }
  return true;
}

}  // namespace

RouteDecision Route(const ClusterView& view, const RouteRequest& request,
                    const KeyPresence& presence) {
  KeyWalk walk;
  RouteDecision error;
  if (!WalkKeys(view, request, presence, &walk, &error)) return error;
  // No keys at all: any node serves the command.
  if (walk.owner == ClusterView::kNoNode) return Decide(Kind::kServe, -1);
  const int slot = walk.slot;

  if (!view.state_ok) {
    if (request.shard_pubsub) {
      if (!view.allow_pubsubshard_when_down) return Decide(Kind::kDownState, slot);
    } else if (!view.allow_reads_when_down) {
      return Decide(Kind::kDownState, slot);
    } else if (request.is_write) {
      return Decide(Kind::kDownReadOnly, slot);
    }
  }
  // MIGRATE must be able to move keys freely while the slot is open.
  if ((walk.migrating || walk.importing) && request.is_migrate) return Decide(Kind::kServe, slot);

  if (walk.migrating && walk.missing > 0) {
    if (walk.existing > 0) return Decide(Kind::kTryAgain, slot);
    return Decide(Kind::kAsk, slot, view.migrating_to[static_cast<size_t>(slot)]);
  }
  if (walk.importing && request.asking) {
    if (walk.multiple_keys && walk.missing > 0) return Decide(Kind::kTryAgain, slot);
    return Decide(Kind::kServe, slot);
  }
  // A replica serves reads of its master's slots to READONLY clients (and shard pub/sub to anyone).
  if ((request.readonly_client || request.shard_pubsub) && !request.is_write_for_replica_read &&
      view.is_replica() && view.my_master() == walk.owner) {
    return Decide(Kind::kServe, slot);
  }
  if (walk.owner != view.myself) return Decide(Kind::kMoved, slot, walk.owner);
  return Decide(Kind::kServe, slot);
}

RouteDecision RouteBlocked(const ClusterView& view, std::string_view first_key,
                           bool readonly_client, bool is_write) {
  // Even with reads allowed while down: only a write could wake the client, and none will come.
  if (!view.state_ok) return Decide(Kind::kDownState, -1);
  const int slot = KeyHashSlot(first_key);
  int owner = view.owner_of(slot);
  if (readonly_client && !is_write && view.is_replica() && view.my_master() == owner)
    owner = view.myself;
  if (owner == view.myself ||
      view.importing_from[static_cast<size_t>(slot)] != ClusterView::kNoNode) {
    return Decide(Kind::kServe, slot);
  }
  if (owner == ClusterView::kNoNode) return Decide(Kind::kDownUnbound, slot);
  return Decide(Kind::kMoved, slot, owner);
}

}  // namespace slotd
