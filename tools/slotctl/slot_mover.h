// Moving one hash slot and its keys between masters the way redis-cli --cluster does, plus the
// small CLUSTER SETSLOT/ADDSLOTS/DELSLOTS steps that reshard, rebalance and fix are built from.
#pragma once
#include <string>

#include "tools/slotctl/cluster_probe.h"

namespace slotd::slotctl {

struct MoveOptions {
  int timeout_ms = 60000;  // MIGRATE timeout (--timeout)
  int pipeline = 10;       // keys per GETKEYSINSLOT/MIGRATE batch (--pipeline)
  bool replace = false;    // --replace: overwrite keys that already exist on the target
  bool fix = false;        // running for `fix`: may assign an unserved slot to the target
};

enum MoveFlags : unsigned {
  kMoveVerbose = 1 << 0,  // a dot per moved key
  kMoveCold = 1 << 1,     // move keys only, no SETSLOT before or after
  kMoveUpdate = 1 << 2,   // record the new owner in the in-memory slots of both nodes
  kMoveQuiet = 1 << 3,    // no "Moving slot ..." line
};

class SlotMover {
 public:
  SlotMover(ToolCluster& cluster, MoveOptions options)
      : cluster_(cluster), options_(std::move(options)) {}

  // IMPORTING on the target, MIGRATING on the source, keys moved in batches of `pipeline`
  // with MIGRATE ... KEYS (BUSYKEY handled as redis-cli does), then SETSLOT NODE on the
  // target, the source and every other master. On failure `err` holds the error reply.
  bool MoveSlot(ToolNode& source, ToolNode& target, int slot, unsigned flags, std::string& err);
  // Only the key-moving loop of MoveSlot.
  bool MigrateKeysInSlot(ToolNode& source, ToolNode& target, int slot, bool dots,
                         std::string& err);

  // CLUSTER SETSLOT <slot> <state> <id>; the error reply in `err` on failure.
  static bool SetSlot(ToolNode& node, int slot, const char* state, const std::string& id,
                      std::string& err);
  // CLUSTER SETSLOT <slot> STABLE; prints the error.
  static bool ClearSlotStatus(ToolNode& node, int slot);
  // CLUSTER DELSLOTS; with `ignore_unassigned` an "already unassigned" error is fine.
  static bool DelSlot(ToolNode& node, int slot, bool ignore_unassigned);
  // DELSLOTS + ADDSLOTS (+ SETSLOT STABLE when `clear`) + BUMPEPOCH in one MULTI/EXEC: makes
  // `owner` claim the slot with a fresh epoch. Only an ADDSLOTS failure counts as failure.
  static bool SetSlotOwner(ToolNode& owner, int slot, bool clear);
  // CLUSTER COUNTKEYSINSLOT, or -1 after printing the error.
  static long long CountKeysInSlot(ToolNode& node, int slot);
  // The id of the node `node` believes serves `slot`, "" when unassigned; false on errors.
  static bool SlotOwnerId(ToolNode& node, int slot, std::string& owner, std::string& err);

 private:
  Reply Migrate(ToolNode& source, ToolNode& target, const Reply& keys, bool replace);
  // True when every key of `keys` that exists on both nodes has the same value on both.
  bool SameValues(ToolNode& source, ToolNode& target, const Reply& keys,
                  std::vector<std::string>& diffs);
  bool RetryBusyKeys(ToolNode& source, ToolNode& target, const Reply& keys, std::string& err);

  ToolCluster& cluster_;
  MoveOptions options_;
};

}  // namespace slotd::slotctl
