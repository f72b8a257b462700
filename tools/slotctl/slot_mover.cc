// Slot moves with MIGRATE ... KEYS and the SETSLOT sequence of redis-cli --cluster.
#include "tools/slotctl/slot_mover.h"

#include "tools/slotctl/console.h"

namespace slotd::slotctl {
namespace {

constexpr std::string_view kSetSlotOnReplica = "ERR Please use SETSLOT only with masters.";

// Prints the error of a failed reply the way redis-cli does; true when the reply is fine.
bool CheckReply(const ToolNode& node, const Reply& r) {
  if (!r.failed()) return true;
  PrintReplyError(node, r.str);
  return false;
}

}  // namespace

bool SlotMover::SetSlot(ToolNode& node, int slot, const char* state, const std::string& id,
                        std::string& err) {
  Reply r = node.link->Command({"CLUSTER", "SETSLOT", std::to_string(slot), state, id});
  if (r.kind == Reply::Kind::kIoError) {
    err = "CLUSTER SETSLOT failed to run";
    return false;
  }
  if (r.kind == Reply::Kind::kError) {
    err = r.str;
    return false;
  }
  return true;
}

bool SlotMover::ClearSlotStatus(ToolNode& node, int slot) {
  return CheckReply(node, node.link->Command({"CLUSTER", "SETSLOT", std::to_string(slot),
                                              "STABLE"}));
}

bool SlotMover::DelSlot(ToolNode& node, int slot, bool ignore_unassigned) {
  Reply r = node.link->Command({"CLUSTER", "DELSLOTS", std::to_string(slot)});
  if (!r.failed()) return true;
  if (ignore_unassigned && r.kind == Reply::Kind::kError) {
    std::string owner;
    std::string err;
    if (SlotOwnerId(node, slot, owner, err) && owner.empty()) return true;
  }
  PrintReplyError(node, r.str);
  return false;
}

bool SlotMover::SetSlotOwner(ToolNode& owner, int slot, bool clear) {
  if (!CheckReply(owner, owner.link->Command({"MULTI"}))) return false;
  const std::string s = std::to_string(slot);
  owner.link->Command({"CLUSTER", "DELSLOTS", s});
  owner.link->Command({"CLUSTER", "ADDSLOTS", s});
  if (clear) owner.link->Command({"CLUSTER", "SETSLOT", s, "STABLE"});
  owner.link->Command({"CLUSTER", "BUMPEPOCH"});
  Reply exec = owner.link->Command({"EXEC"});
  if (!CheckReply(owner, exec)) return false;
  if (exec.kind != Reply::Kind::kArray) return false;
  // Only ADDSLOTS (the second command) must succeed: DELSLOTS of an unassigned slot and the
  // others may fail harmlessly.
  if (exec.elements.size() > 1 && exec.elements[1].failed()) {
    PrintReplyError(owner, exec.elements[1].str);
    return false;
  }
  return true;
}

long long SlotMover::CountKeysInSlot(ToolNode& node, int slot) {
  Reply r = node.link->Command({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)});
  if (!CheckReply(node, r) || r.kind != Reply::Kind::kInteger) return -1;
  return r.integer;
}

bool SlotMover::SlotOwnerId(ToolNode& node, int slot, std::string& owner, std::string& err) {
  std::string text;
  if (!node.link->Text({"CLUSTER", "NODES"}, text, err)) return false;
  Result<NodesConf> view = ParseNodesConf(text);
  if (!view.ok()) {
    err = view.error();
    return false;
  }
  owner.clear();
  for (const NodesConfNode& n : view->nodes) {
    if (n.slots.Test(slot)) owner = n.id.str();
  }
  return true;
}

Reply SlotMover::Migrate(ToolNode& source, ToolNode& target, const Reply& keys, bool replace) {
  std::vector<std::string> argv = {"MIGRATE", target.addr.host,
                                   std::to_string(target.addr.port), "", "0",
                                   std::to_string(options_.timeout_ms)};
  if (replace) argv.emplace_back("REPLACE");
  if (!cluster_.password().empty()) {
    argv.emplace_back("AUTH");
    argv.push_back(cluster_.password());
  }
  argv.emplace_back("KEYS");
  for (const Reply& k : keys.elements) argv.push_back(k.str);
  return source.link->Command(argv);
}

bool SlotMover::SameValues(ToolNode& source, ToolNode& target, const Reply& keys,
                           std::vector<std::string>& diffs) {
  std::vector<std::string> argv = {"DEBUG", "DIGEST-VALUE"};
  for (const Reply& k : keys.elements) argv.push_back(k.str);
  Reply a = source.link->Command(argv);
  Reply b = target.link->Command(argv);
  const size_t n = keys.elements.size();
  if (!a.failed() && !b.failed() && a.elements.size() == n && b.elements.size() == n) {
    static const std::string kMissing(40, '0');
    for (size_t i = 0; i < n; ++i) {
      const std::string& x = a.elements[i].str;
      const std::string& y = b.elements[i].str;
      if (x != kMissing && y != kMissing && x != y) diffs.push_back(keys.elements[i].str);
    }
    return true;
  }
  // No DEBUG DIGEST-VALUE (slotd, or enable-debug-command off): compare serialized values.
  // Different encodings of one value count as different, which errs on the side of caution.
  // ASKING lets the importing target answer for a slot it does not serve yet.
  for (const Reply& k : keys.elements) {
    source.link->Command({"ASKING"});
    Reply x = source.link->Command({"DUMP", k.str});
    target.link->Command({"ASKING"});
    Reply y = target.link->Command({"DUMP", k.str});
    if (x.failed() || y.failed()) {
      PrintReplyError(x.failed() ? source : target, x.failed() ? x.str : y.str);
      return false;
    }
    if (x.kind == Reply::Kind::kNil || y.kind == Reply::Kind::kNil) continue;
    if (x.str != y.str) diffs.push_back(k.str);
  }
  return true;
}

bool SlotMover::RetryBusyKeys(ToolNode& source, ToolNode& target, const Reply& keys,
                              std::string& err) {
  Log(Level::kWarn, "\n*** Target key exists\n");
  if (!options_.replace) {
    Log(Level::kWarn, "*** Checking key values on both nodes...\n");
    std::vector<std::string> diffs;
    if (!SameValues(source, target, keys, diffs)) {
      Log(Level::kErr, "*** Value check failed!\n");
      err = "value check failed";
      return false;
    }
    if (!diffs.empty()) {
      std::string text = "*** Found " + std::to_string(diffs.size()) +
                         " key(s) in both source node and target node having different "
                         "values.\n    Source node: " +
                         source.address() + "\n    Target node: " + target.address() +
                         "\n    Keys(s):\n";
      for (const std::string& k : diffs) text += "    - " + k + "\n";
      text +=
          "Please fix the above key(s) manually and try again or relaunch the command \n"
          "with --replace option to force key overriding.\n";
      Log(Level::kErr, text);
      err = "target keys with different values";
      return false;
    }
  }
  Log(Level::kWarn, "*** Replacing target keys...\n");
  return true;
}

bool SlotMover::MigrateKeysInSlot(ToolNode& source, ToolNode& target, int slot, bool dots,
                                  std::string& err) {
  const std::vector<std::string> get_keys = {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot),
                                             std::to_string(options_.pipeline)};
  for (;;) {
    Reply keys = source.link->Command(get_keys);
    if (keys.failed()) {
      err = keys.str;
      PrintReplyError(source, err);
      return false;
    }
    if (keys.elements.empty()) return true;
    Reply moved = Migrate(source, target, keys, false);
    if (moved.kind == Reply::Kind::kError) {
      const bool busy = moved.str.find("BUSYKEY") != std::string::npos;
      bool not_served = false;
      if (!busy) {
        std::string owner;
        std::string owner_err;
        not_served = SlotOwnerId(source, slot, owner, owner_err) && owner.empty();
      }
      if (busy || not_served) {
        if (options_.fix && not_served) {
          Log(Level::kWarn,
              "*** Slot was not served, setting owner to node " + target.address() + ".\n");
          std::string ignored;
          SetSlot(source, slot, "node", target.name(), ignored);
        }
        if (busy && !RetryBusyKeys(source, target, keys, err)) return false;
        moved = Migrate(source, target, keys, busy);
      }
    }
    if (moved.failed()) {
      err = moved.str;
      Print("\n");
      PrintReplyError(source, err);
      return false;
    }
    if (dots) Print(std::string(keys.elements.size(), '.'));
  }
}

bool SlotMover::MoveSlot(ToolNode& source, ToolNode& target, int slot, unsigned flags,
                         std::string& err) {
  if (!(flags & kMoveQuiet)) {
    Print("Moving slot " + std::to_string(slot) + " from " + source.address() + " to " +
          target.address() + ": ");
  }
  err.clear();
  const bool cold = (flags & kMoveCold) != 0;
  if (!cold) {
    if (!SetSlot(target, slot, "importing", source.name(), err)) return false;
    if (!SetSlot(source, slot, "migrating", target.name(), err)) return false;
  }
  const bool moved = MigrateKeysInSlot(source, target, slot, flags & kMoveVerbose, err);
  if (!(flags & kMoveQuiet)) Print("\n");
  if (!moved) return false;
  if (!cold) {
    // The target first: if it crashed after another node was told, the slot would be left
    // without an owner (redirect loops).
    if (!SetSlot(target, slot, "node", target.name(), err)) return false;
    // A master that gave away its last slot (here or in an earlier move) may have turned
    // itself into a replica meanwhile; its refusal is no error.
    auto tell = [&](ToolNode& node) {
      if (SetSlot(node, slot, "node", target.name(), err)) return true;
      if (err.compare(0, kSetSlotOnReplica.size(), kSetSlotOnReplica) != 0) return false;
      err.clear();
      return true;
    };
    if (!tell(source)) return false;
    // Everyone else too, so clients are not bounced around while gossip catches up.
    for (auto& n : cluster_.nodes()) {
      if (n.get() == &source || n.get() == &target || n->is_replica()) continue;
      if (!tell(*n)) return false;
    }
  }
  if (flags & kMoveUpdate) {
    source.self.slots.Clear(slot);
    target.self.slots.Set(slot);
  }
  return true;
}

}  // namespace slotd::slotctl
