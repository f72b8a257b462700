// SlotTables: a Database's keys split into one KeyTable per cluster slot (16384 in cluster mode, one
// otherwise), so per-slot counts are O(1), per-slot listing is O(keys in slot) and no key pays for a slot
// index. A Fenwick tree of per-slot counts gives fair random picks and skips empty slots while scanning.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "server/keyspace/key_table.h"

namespace slotd {

class SlotTables {
 public:
  // REQUIRES: slot_count is 1 or 16384.
  SlotTables(int slot_count, uint64_t hash_seed);
  ~SlotTables();

  size_t size() const { return total_; }
  int SlotOf(std::string_view key) const;

  KeyEntry* Find(std::string_view key);
  std::pair<KeyEntry*, bool> Emplace(std::string_view key, Object&& value);
  // Detaches and returns the entry (nullptr when absent); free it with KeyTable::Destroy.
  KeyEntry* Unlink(std::string_view key);
  void Clear();

  // One SCAN step over all slots. With 16384 slots the cursor is (table cursor << 14) | slot; with one
  // table it is that table's cursor. Same guarantee as KeyTable::Scan.
  uint64_t Scan(uint64_t cursor, const KeyTable::EntryVisitor& visit) const;
  // Visit until `visit` returns false.
  void ForEach(const KeyTable::EntryPredicate& visit) const;
  void ForEachInSlot(int slot, const KeyTable::EntryPredicate& visit) const;
  // Uniform over keys (weighted by slot); nullptr when empty.
  KeyEntry* RandomEntry(FastRng& rng);
  // 0 for slots out of range.
  size_t CountInSlot(int slot) const;
  void RehashSteps(size_t buckets);

 private:
  static constexpr int kSlotBits = 14;

  const KeyTable* TableAt(int slot) const;
  void AddCount(int slot, int64_t delta);
  // Keys in slots [0, slot].
  uint64_t PrefixCount(int slot) const;
  // The slot holding the key of 0-based rank `rank` in slot order. REQUIRES rank < total_.
  int SlotOfRank(uint64_t rank) const;
  // The first non-empty slot >= `slot`, or -1.
  int NextNonEmptySlot(int slot) const;

  int slot_count_;
  uint64_t seed_;
  size_t total_ = 0;
  std::vector<std::unique_ptr<KeyTable>> tables_;  // created on first insert into the slot
  std::vector<uint64_t> tree_;                     // Fenwick tree (1-based); empty with one slot
};

}  // namespace slotd
