// `slotctl fix`: closes slots left open (MIGRATING/IMPORTING) by an interrupted reshard and
// gives uncovered slots an owner, following redis-cli --cluster fix's cases so keys survive.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>

#include "tools/slotctl/commands.h"
#include "tools/slotctl/console.h"

namespace slotd::slotctl {
namespace {

using NodeList = std::vector<ToolNode*>;

void Remove(NodeList& list, ToolNode* node) {
  list.erase(std::remove(list.begin(), list.end(), node), list.end());
}

std::string Addresses(const NodeList& list) {
  std::string out;
  for (ToolNode* n : list) out += (out.empty() ? "" : ",") + n->address();
  return out;
}

bool Refuse(ToolCluster& cluster, const char* what) {
  if (cluster.unreachable_masters() == 0) return false;
  Log(Level::kWarn, "*** Fixing " + std::string(what) + " with " +
                        std::to_string(cluster.unreachable_masters()) +
                        " unreachable masters is dangerous: slotctl would assume that slots "
                        "about masters that are not reachable are not covered, and would try "
                        "to reassign them to the reachable nodes. This can cause data loss.\n");
  return true;
}

// The master with the most keys in `slot` (the first one on ties), or null on errors.
ToolNode* MostKeys(const NodeList& nodes, int slot) {
  ToolNode* best = nullptr;
  long long best_count = 0;
  for (ToolNode* n : nodes) {
    if (n->is_replica()) continue;
    const long long count = SlotMover::CountKeysInSlot(*n, slot);
    if (count < 0) return nullptr;
    if (best == nullptr || count > best_count) {
      best = n;
      best_count = count;
    }
  }
  return best;
}

NodeList Masters(ToolCluster& cluster) {
  NodeList out;
  for (auto& n : cluster.nodes()) {
    if (!n->is_replica()) out.push_back(n.get());
  }
  return out;
}

struct OpenSlot {
  int slot = 0;
  NodeList owners;  // masters owning the slot or holding keys of it
  NodeList migrating;
  NodeList importing;  // importing, or holding keys without owning the slot
  ToolNode* owner = nullptr;
};

bool CollectOwners(ToolCluster& cluster, OpenSlot& s) {
  for (ToolNode* n : Masters(cluster)) {
    if (n->self.slots.Test(s.slot)) {
      s.owners.push_back(n);
      continue;
    }
    const long long count = SlotMover::CountKeysInSlot(*n, s.slot);
    if (count < 0) return false;
    if (count > 0) {
      Log(Level::kWarn, "*** Found keys about slot " + std::to_string(s.slot) +
                            " in non-owner node " + n->address() + "!\n");
      s.owners.push_back(n);
    }
  }
  if (s.owners.size() == 1) s.owner = s.owners.front();
  return true;
}

bool CollectStates(ToolCluster& cluster, OpenSlot& s) {
  for (ToolNode* n : Masters(cluster)) {
    if (n->self.migrating.count(s.slot) > 0) {
      s.migrating.push_back(n);
    } else if (n->self.importing.count(s.slot) > 0) {
      s.importing.push_back(n);
    } else if (n != s.owner) {
      const long long count = SlotMover::CountKeysInSlot(*n, s.slot);
      if (count < 0) return false;
      if (count > 0) {
        Log(Level::kWarn, "*** Found keys about slot " + std::to_string(s.slot) + " in node " +
                              n->address() + "!\n");
        s.importing.push_back(n);
      }
    }
  }
  if (!s.migrating.empty()) Print("Set as migrating in: " + Addresses(s.migrating) + "\n");
  if (!s.importing.empty()) Print("Set as importing in: " + Addresses(s.importing) + "\n");
  return true;
}

// No single owner: the node with most keys claims the slot; other claimers become importers.
bool SettleOwner(ToolCluster& cluster, OpenSlot& s) {
  if (s.owner == nullptr) {
    Log(Level::kInfo,
        ">>> No single clear owner for the slot, selecting an owner by # of keys...\n");
    s.owner = MostKeys(Masters(cluster), s.slot);
    if (s.owner == nullptr) {
      Log(Level::kErr, "[ERR] Can't select a slot owner. Impossible to fix.\n");
      return false;
    }
    Log(Level::kWarn, "*** Configuring " + s.owner->address() + " as the slot owner\n");
    if (!SlotMover::ClearSlotStatus(*s.owner, s.slot)) return false;
    if (!SlotMover::SetSlotOwner(*s.owner, s.slot, false)) return false;
    s.owner->self.slots.Set(s.slot);
    Remove(s.migrating, s.owner);
    Remove(s.importing, s.owner);
  }
  if (s.owners.size() <= 1) return true;
  std::string err;
  for (ToolNode* n : s.owners) {
    if (n == s.owner) continue;
    if (!SlotMover::DelSlot(*n, s.slot, true)) return false;
    n->self.slots.Clear(s.slot);
    if (!SlotMover::SetSlot(*n, s.slot, "node", s.owner->name(), err) ||
        !SlotMover::SetSlot(*n, s.slot, "importing", s.owner->name(), err)) {
      PrintReplyError(*n, err);
      return false;
    }
    Remove(s.importing, n);
    s.importing.push_back(n);
    Remove(s.migrating, n);
  }
  return true;
}

// Case 2: keys sit on importing nodes only; move them all to the owner, then everyone agrees.
bool MoveAllToOwner(ToolCluster& cluster, SlotMover& mover, OpenSlot& s) {
  Log(Level::kInfo, ">>> Case 2: Moving all the " + std::to_string(s.slot) +
                        " slot keys to its owner " + s.owner->address() + "\n");
  std::string err;
  for (ToolNode* n : s.importing) {
    if (n == s.owner) continue;
    if (!mover.MoveSlot(*n, *s.owner, s.slot, kMoveVerbose | kMoveCold, err)) return false;
    Log(Level::kInfo, ">>> Setting " + std::to_string(s.slot) + " as STABLE in " + n->address() +
                          "\n");
    if (!SlotMover::ClearSlotStatus(*n, s.slot)) return false;
  }
  for (ToolNode* n : Masters(cluster)) {
    if (n == s.owner) continue;
    if (!SlotMover::SetSlot(*n, s.slot, "NODE", s.owner->name(), err)) {
      PrintReplyError(*n, err);
      return false;
    }
  }
  return true;
}

// Case 3: one migrating node, several empty importers: finish the move to the intended one.
bool FinishToIntendedImporter(SlotMover& mover, OpenSlot& s, bool& handled) {
  ToolNode* src = s.migrating.front();
  const std::string target_id = src->self.migrating.at(s.slot).str();
  ToolNode* dst = nullptr;
  for (ToolNode* n : s.importing) {
    if (SlotMover::CountKeysInSlot(*n, s.slot) != 0) return handled = false;
    if (n->name() == target_id) dst = n;
  }
  handled = true;
  std::string err;
  if (dst != nullptr) {
    Log(Level::kInfo, ">>> Case 3: Moving slot " + std::to_string(s.slot) + " from " +
                          src->address() + " to " + dst->address() +
                          " and closing it on all the other importing nodes.\n");
    if (!mover.MoveSlot(*src, *dst, s.slot, kMoveVerbose, err)) return false;
  } else {
    Log(Level::kInfo, ">>> Case 3: Closing slot " + std::to_string(s.slot) +
                          " on both migrating and importing nodes.\n");
    if (!SlotMover::ClearSlotStatus(*src, s.slot)) return false;
  }
  for (ToolNode* n : s.importing) {
    if (n != dst && !SlotMover::ClearSlotStatus(*n, s.slot)) return false;
  }
  return true;
}

// Case 4 (a lone migrating node that owns the slot or has no keys left) or give up.
bool CloseOrGiveUp(OpenSlot& s) {
  bool close = s.importing.empty() && s.migrating.size() == 1;
  if (close && s.owner != s.migrating.front()) {
    Reply r = s.migrating.front()->link->Command(
        {"CLUSTER", "GETKEYSINSLOT", std::to_string(s.slot), "10"});
    if (r.failed()) {
      PrintReplyError(*s.migrating.front(), r.str);
      return false;
    }
    close = r.elements.empty();
  }
  if (close) {
    ToolNode* n = s.migrating.front();
    Log(Level::kInfo, ">>> Case 4: Closing slot " + std::to_string(s.slot) + " on " +
                          n->address() + "\n");
    return SlotMover::ClearSlotStatus(*n, s.slot);
  }
  Log(Level::kErr, "[ERR] Sorry, slotctl can't fix this slot yet. Slot is set as migrating in " +
                       Addresses(s.migrating) + ", as importing in " + Addresses(s.importing) +
                       ", owner is " + (s.owner ? s.owner->address() : "unknown") + "\n");
  return false;
}

// "[0-5],[9]" as redis-cli lists uncovered slots.
std::string SlotList(const std::vector<int>& slots) {
  SlotBitmap bits;
  for (int s : slots) bits.Set(s);
  return SlotsString(bits);
}

// Moves the keys of an uncovered slot from every other holder into `target`, its new owner.
bool GatherKeys(ToolCluster& cluster, const NodeList& holders, ToolNode& target, int slot,
                const CheckOptions& opts) {
  SlotMover mover(cluster, opts.move);
  std::string err;
  for (ToolNode* src : holders) {
    if (src == &target) continue;
    // The source hands the slot over, then imports it so MIGRATE is not redirected.
    if (!SlotMover::SetSlot(*src, slot, "NODE", target.name(), err) ||
        !SlotMover::SetSlot(*src, slot, "IMPORTING", target.name(), err)) {
      PrintReplyError(*src, err);
      return false;
    }
    if (!mover.MoveSlot(*src, target, slot, kMoveVerbose | kMoveCold, err)) return false;
    if (!SlotMover::ClearSlotStatus(*src, slot)) return false;
  }
  return true;
}

}  // namespace

bool FixOpenSlot(ToolCluster& cluster, int slot, const CheckOptions& opts) {
  if (Refuse(cluster, "open slots")) return false;
  Log(Level::kInfo, ">>> Fixing open slot " + std::to_string(slot) + "\n");
  OpenSlot s;
  s.slot = slot;
  if (!CollectOwners(cluster, s) || !CollectStates(cluster, s)) return false;
  if (!SettleOwner(cluster, s)) return false;
  SlotMover mover(cluster, opts.move);
  std::string err;
  if (s.migrating.size() == 1 && s.importing.size() == 1) {
    ToolNode* src = s.migrating.front();
    ToolNode* dst = s.importing.front();
    Log(Level::kInfo, ">>> Case 1: Moving slot " + std::to_string(slot) + " from " +
                          src->address() + " to " + dst->address() + "\n");
    return mover.MoveSlot(*src, *dst, slot, kMoveVerbose | kMoveUpdate, err);
  }
  if (s.migrating.empty() && !s.importing.empty()) return MoveAllToOwner(cluster, mover, s);
  if (s.migrating.size() == 1 && s.importing.size() > 1) {
    bool handled = false;
    const bool ok = FinishToIntendedImporter(mover, s, handled);
    if (handled) return ok;
  }
  return CloseOrGiveUp(s);
}

int FixSlotsCoverage(ToolCluster& cluster, const SlotBitmap& covered, const CheckOptions& opts) {
  if (Refuse(cluster, "slots coverage")) return -1;
  Log(Level::kInfo, ">>> Fixing slots coverage...\n");
  const NodeList masters = Masters(cluster);
  if (masters.empty()) return -1;
  // Uncovered slots by how many masters hold keys of them: none, one, several.
  std::vector<int> none, single, multi;
  std::map<int, NodeList> holders;
  for (int slot = 0; slot < kClusterSlots; ++slot) {
    if (covered.Test(slot)) continue;
    NodeList& with_keys = holders[slot];
    for (ToolNode* n : masters) {
      Reply r = n->link->Command({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "1"});
      if (r.failed()) {
        PrintReplyError(*n, r.str);
        return -1;
      }
      if (!r.elements.empty()) with_keys.push_back(n);
    }
    (with_keys.empty() ? none : with_keys.size() == 1 ? single : multi).push_back(slot);
  }
  int fixed = 0;
  std::srand(static_cast<unsigned>(std::time(nullptr)));
  auto cover = [&](const std::vector<int>& slots, const char* title, const char* question,
                   auto pick, bool move_keys) {
    if (slots.empty()) return true;
    Print(std::string(title) + "\n" + SlotList(slots) + "\n");
    if (!opts.yes && !Confirm(question)) return true;
    for (int slot : slots) {
      ToolNode* target = pick(slot);
      if (target == nullptr) return false;
      Log(Level::kInfo, ">>> Covering slot " + std::to_string(slot) +
                            (move_keys ? " moving keys to " : " with ") + target->address() +
                            "\n");
      if (!SlotMover::SetSlotOwner(*target, slot, move_keys)) return false;
      target->self.slots.Set(slot);
      if (move_keys && !GatherKeys(cluster, holders[slot], *target, slot, opts)) return false;
      ++fixed;
    }
    return true;
  };
  const bool ok =
      cover(none, "The following uncovered slots have no keys across the cluster:",
            "Fix these slots by covering with a random node?",
            [&](int) { return masters[std::rand() % masters.size()]; }, false) &&
      cover(single, "The following uncovered slots have keys in just one node:",
            "Fix these slots by covering with those nodes?",
            [&](int slot) { return holders[slot].front(); }, false) &&
      cover(multi, "The following uncovered slots have keys in multiple nodes:",
            "Fix these slots by moving keys into a single node?",
            [&](int slot) { return MostKeys(holders[slot], slot); }, true);
  return ok ? fixed : -1;
}

}  // namespace slotd::slotctl
