// SlotTables: routes keys to their slot's KeyTable and keeps the per-slot counts in a Fenwick tree.
#include "server/keyspace/slot_tables.h"

#include <cassert>

#include "cluster/core/slot.h"

namespace slotd {

SlotTables::SlotTables(int slot_count, uint64_t hash_seed)
    : slot_count_(slot_count), seed_(hash_seed), tables_(static_cast<size_t>(slot_count)) {
  assert(slot_count == 1 || slot_count == kClusterSlots);
  if (slot_count_ == 1) {
    tables_[0] = std::make_unique<KeyTable>(seed_);
  } else {
    tree_.assign(static_cast<size_t>(slot_count_) + 1, 0);
  }
}

SlotTables::~SlotTables() = default;

int SlotTables::SlotOf(std::string_view key) const { return slot_count_ == 1 ? 0 : KeyHashSlot(key); }

const KeyTable* SlotTables::TableAt(int slot) const {
  if (slot < 0 || slot >= slot_count_) return nullptr;
  return tables_[static_cast<size_t>(slot)].get();
}

KeyEntry* SlotTables::Find(std::string_view key) {
  KeyTable* table = tables_[static_cast<size_t>(SlotOf(key))].get();
  return table == nullptr ? nullptr : table->Find(key);
}

std::pair<KeyEntry*, bool> SlotTables::Emplace(std::string_view key, Object&& value) {
  const int slot = SlotOf(key);
  std::unique_ptr<KeyTable>& table = tables_[static_cast<size_t>(slot)];
  if (table == nullptr) table = std::make_unique<KeyTable>(seed_);
  auto result = table->Emplace(key, std::move(value));
  if (result.second) {
    ++total_;
    AddCount(slot, 1);
  }
  return result;
}

KeyEntry* SlotTables::Unlink(std::string_view key) {
  const int slot = SlotOf(key);
  KeyTable* table = tables_[static_cast<size_t>(slot)].get();
  KeyEntry* e = table == nullptr ? nullptr : table->Unlink(key);
  if (e != nullptr) {
    --total_;
    AddCount(slot, -1);
  }
  return e;
}

void SlotTables::Clear() {
  if (slot_count_ == 1) {
    tables_[0]->Clear();
  } else {
    for (auto& table : tables_) table.reset();
    tree_.assign(tree_.size(), 0);
  }
  total_ = 0;
}

size_t SlotTables::CountInSlot(int slot) const {
  const KeyTable* table = TableAt(slot);
  return table == nullptr ? 0 : table->size();
}

void SlotTables::AddCount(int slot, int64_t delta) {
  if (tree_.empty()) return;
  for (size_t i = static_cast<size_t>(slot) + 1; i < tree_.size(); i += i & (~i + 1)) {
    tree_[i] += static_cast<uint64_t>(delta);  // wraps correctly for -1
  }
}

uint64_t SlotTables::PrefixCount(int slot) const {
  uint64_t sum = 0;
  for (size_t i = static_cast<size_t>(slot) + 1; i > 0; i -= i & (~i + 1)) sum += tree_[i];
  return sum;
}

int SlotTables::SlotOfRank(uint64_t rank) const {
  size_t pos = 0;
  size_t step = 1;
  while (step * 2 < tree_.size()) step *= 2;
  for (; step > 0; step >>= 1) {
    if (pos + step < tree_.size() && tree_[pos + step] <= rank) {
      pos += step;
      rank -= tree_[pos];
    }
  }
  return static_cast<int>(pos);  // 1-based index pos + 1 is slot pos
}

int SlotTables::NextNonEmptySlot(int slot) const {
  if (slot >= slot_count_) return -1;
  const uint64_t before = slot > 0 ? PrefixCount(slot - 1) : 0;
  return before >= total_ ? -1 : SlotOfRank(before);
}

uint64_t SlotTables::Scan(uint64_t cursor, const KeyTable::EntryVisitor& visit) const {
  if (total_ == 0) return 0;
  if (slot_count_ == 1) return tables_[0]->Scan(cursor, visit);
  int slot = static_cast<int>(cursor & (kClusterSlots - 1));
  uint64_t inner = cursor >> kSlotBits;
  if (CountInSlot(slot) == 0) {  // the slot emptied since (or never had keys): start the next one
    slot = NextNonEmptySlot(slot);
    if (slot < 0) return 0;
    inner = 0;
  }
  inner = tables_[static_cast<size_t>(slot)]->Scan(inner, visit);
  if (inner != 0) return (inner << kSlotBits) | static_cast<uint64_t>(slot);
  // Slot done; the next cursor names the next slot with a fresh table cursor (never 0: slot >= 1).
  slot = NextNonEmptySlot(slot + 1);
  return slot < 0 ? 0 : static_cast<uint64_t>(slot);
}

void SlotTables::ForEach(const KeyTable::EntryPredicate& visit) const {
  for (const auto& table : tables_) {
    if (table != nullptr && !table->empty() && !table->ForEach(visit)) return;
  }
}

void SlotTables::ForEachInSlot(int slot, const KeyTable::EntryPredicate& visit) const {
  const KeyTable* table = TableAt(slot);
  if (table != nullptr) table->ForEach(visit);
}

KeyEntry* SlotTables::RandomEntry(FastRng& rng) {
  if (total_ == 0) return nullptr;
  const int slot = slot_count_ == 1 ? 0 : SlotOfRank(rng.Below(total_));
  return tables_[static_cast<size_t>(slot)]->RandomEntry(rng);
}

void SlotTables::RehashSteps(size_t buckets) {
  for (auto& table : tables_) {
    if (table != nullptr && table->rehashing()) table->RehashSteps(buckets);
  }
}

}  // namespace slotd
