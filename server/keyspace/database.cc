// Database: lazy and active expiry, access metadata, statistics and slot queries over SlotTables.
#include "server/keyspace/database.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "server/config/config.h"
#include "server/keyspace/eviction.h"
#include "server/pubsub/keyspace_events.h"

namespace slotd {

namespace {

// activeExpireCycle with active-expire-effort 1 (Redis 7.0): 20 keys per round, and another round only
// while more than 10% of the sample had expired.
constexpr size_t kExpireKeysPerLoop = 20;      // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
constexpr size_t kExpireAcceptableStale = 10;  // ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE, percent

}  // namespace

Database::Database(int index, int slot_count, uint64_t hash_seed)
    : index_(index),
      slot_count_(slot_count),
      tables_(slot_count, hash_seed),
      rng_(hash_seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(index + 1))) {}

Database::~Database() = default;

size_t Database::size() const { return tables_.size(); }
size_t Database::expires_size() const { return expires_.size(); }

void Database::AddExpire(KeyEntry* e, int64_t at_ms) {
  e->expire_pos = static_cast<uint32_t>(expires_.size());
  expires_.push_back({e, at_ms});
}

void Database::RemoveExpire(KeyEntry* e) {
  if (!e->has_expire()) return;
  const uint32_t pos = e->expire_pos;
  expires_[pos] = expires_.back();  // swap-remove keeps the index dense
  expires_[pos].entry->expire_pos = pos;
  expires_.pop_back();
  e->expire_pos = kNoExpirePos;
  if (expires_.capacity() > 1024 && expires_.size() * 4 < expires_.capacity()) expires_.shrink_to_fit();
}

void Database::Detach(KeyEntry* e) {
  RemoveExpire(e);
  [[maybe_unused]] KeyEntry* unlinked = tables_.Unlink(e->key());
  assert(unlinked == e);
}

void Database::ReportExpired(KeyEntry* e) {
  ++expired_keys;
  if (on_expired_) on_expired_(*this, e->key());  // the key's bytes live until Destroy
  KeyTable::Destroy(e);
}

void Database::DeleteExpired(KeyEntry* e) {
  Detach(e);
  ReportExpired(e);
}

KeyEntry* Database::FindLive(std::string_view key, uint32_t flags) {
  KeyEntry* e = tables_.Find(key);
  if (e == nullptr || !IsExpired(e)) return e;
  if ((flags & kLookupNoExpire) == 0 && expiry_mode() == ExpiryMode::kDelete) DeleteExpired(e);
  return nullptr;
}

void Database::Touch(Object& value) {
  if (config_ != nullptr && IsLfuPolicy(config_->maxmemory_policy)) {
    UpdateLfu(value, now(), config_->lfu_log_factor, config_->lfu_decay_time, rng_.NextDouble());
  } else {
    value.set_lru_clock(LruClockFromMs(now()));
  }
}

// Objects are stamped here when first stored, not at creation (createObject's LRU or LFU stamp);
// values moved between keys (RENAME, MOVE) keep their stamps like Redis's shared robj does.
void Database::StampNew(Object& value) {
  if (value.access_stamped()) return;
  if (config_ != nullptr && IsLfuPolicy(config_->maxmemory_policy)) {
    value.set_lfu(LfuTimeInMinutes(now()), kLfuInitVal);
  } else {
    value.set_lru_clock(LruClockFromMs(now()));
  }
}

void Database::Announce(uint32_t event_class, std::string_view key) {
  if (on_key_event_ && config_ != nullptr && (config_->notify_keyspace_events & event_class) != 0) {
    on_key_event_(*this, event_class, key);
  }
}

Object* Database::Find(std::string_view key, uint32_t flags) {
  KeyEntry* e = FindLive(key, flags);
  if (e == nullptr) {
    if ((flags & kLookupNoStats) == 0) {
      ++misses;
      if ((flags & kLookupNoNotify) == 0) Announce(notify::kKeyMiss, key);
    }
    return nullptr;
  }
  if ((flags & kLookupNoStats) == 0) ++hits;
  if ((flags & kLookupNoTouch) == 0) Touch(e->value);
  return &e->value;
}

Object& Database::Set(std::string_view key, Object value, bool keep_ttl) {
  auto [e, inserted] = tables_.Emplace(key, std::move(value));
  if (!inserted && IsExpired(e)) {  // an expired key is deleted first, as lookupKeyWrite would
    DeleteExpired(e);
    std::tie(e, inserted) = tables_.Emplace(key, std::move(value));
  }
  if (!inserted) {
    // dbOverwrite under an LFU policy keeps the key's access frequency for the new value.
    if (!value.access_stamped() && config_ != nullptr && IsLfuPolicy(config_->maxmemory_policy)) {
      value.CopyAccessStamp(e->value);
    }
    e->value = std::move(value);
    if (!keep_ttl) RemoveExpire(e);
  }
  StampNew(e->value);
  if (inserted) Announce(notify::kNew, key);
  return e->value;
}

Object* Database::Add(std::string_view key, Object value, bool announce) {
  auto [e, inserted] = tables_.Emplace(key, std::move(value));
  if (!inserted) {
    if (!IsExpired(e)) return nullptr;
    DeleteExpired(e);
    e = tables_.Emplace(key, std::move(value)).first;
  }
  StampNew(e->value);
  if (announce) Announce(notify::kNew, key);
  return &e->value;
}

bool Database::Erase(std::string_view key) {
  KeyEntry* e = tables_.Unlink(key);
  if (e == nullptr) return false;
  const bool expired = IsExpired(e);
  RemoveExpire(e);
  if (expired) {
    ReportExpired(e);
    return false;
  }
  KeyTable::Destroy(e);
  return true;
}

std::optional<Database::Taken> Database::Take(std::string_view key) {
  KeyEntry* e = tables_.Unlink(key);
  if (e == nullptr) return std::nullopt;
  const bool expired = IsExpired(e);
  const int64_t at_ms = ExpireOf(e);
  RemoveExpire(e);
  if (expired) {
    ReportExpired(e);
    return std::nullopt;
  }
  Taken taken{std::move(e->value), at_ms};
  KeyTable::Destroy(e);
  return taken;
}

int64_t Database::GetExpire(std::string_view key) {
  KeyEntry* e = tables_.Find(key);
  return e == nullptr ? -1 : ExpireOf(e);
}

void Database::SetExpire(std::string_view key, int64_t at_ms) {
  KeyEntry* e = tables_.Find(key);
  assert(e != nullptr);
  if (e == nullptr) return;
  if (e->has_expire()) {
    expires_[e->expire_pos].at_ms = at_ms;
  } else {
    AddExpire(e, at_ms);
  }
}

bool Database::Persist(std::string_view key) {
  KeyEntry* e = tables_.Find(key);
  if (e == nullptr || !e->has_expire()) return false;
  RemoveExpire(e);
  return true;
}

uint64_t Database::Scan(uint64_t cursor, size_t count, const KeyVisitor& visit) {
  count = std::max<size_t>(count, 1);
  // SCAN's effort bound: at most count * 10 table steps per call (scanGenericCommand).
  size_t steps = count > std::numeric_limits<size_t>::max() / 10 ? std::numeric_limits<size_t>::max()
                                                                  : count * 10;
  std::vector<KeyEntry*> batch;
  do {
    cursor = tables_.Scan(cursor, [&batch](KeyEntry* e) { batch.push_back(e); });
  } while (cursor != 0 && --steps > 0 && batch.size() < count);
  // Visit first, delete expired keys after: deleting never moves other entries, but the visitor must
  // see a stable database.
  std::vector<KeyEntry*> expired;
  for (KeyEntry* e : batch) {
    if (IsExpired(e)) {
      expired.push_back(e);
    } else {
      visit(e->key(), e->value);
    }
  }
  if (expiry_mode() == ExpiryMode::kDelete) {
    for (KeyEntry* e : expired) DeleteExpired(e);
  }
  return cursor;
}

void Database::ForEach(const KeyVisitor& visit) {
  tables_.ForEach([&](KeyEntry* e) {
    if (!IsExpired(e)) visit(e->key(), e->value);
    return true;
  });
}

void Database::ForEachWithExpire(const EntryVisitor& visit, bool include_expired) {
  tables_.ForEach([&](KeyEntry* e) {
    if (include_expired || !IsExpired(e)) visit(e->key(), e->value, ExpireOf(e));
    return true;
  });
}

std::optional<std::string> Database::RandomKey() {
  // Each round returns a live key or deletes an expired one, so this ends (dbRandomKey).
  int tries = 0;
  while (KeyEntry* e = tables_.RandomEntry(rng_)) {
    if (!IsExpired(e)) return std::string(e->key());
    if (expiry_mode() != ExpiryMode::kDelete) {
      // A replica cannot delete: after 100 expired picks it returns one, as dbRandomKey does.
      if (++tries >= 100) return std::string(e->key());
      continue;
    }
    DeleteExpired(e);
  }
  return std::nullopt;
}

void Database::SampleEntries(size_t count, bool volatile_only, const EntryVisitor& visit) {
  for (size_t i = 0; i < count; ++i) {
    if (volatile_only) {
      if (expires_.empty()) return;
      const ExpireRef& ref = expires_[rng_.Below(expires_.size())];
      visit(ref.entry->key(), ref.entry->value, ref.at_ms);
    } else {
      KeyEntry* e = tables_.RandomEntry(rng_);
      if (e == nullptr) return;
      visit(e->key(), e->value, ExpireOf(e));
    }
  }
}

std::vector<std::string> Database::SampleKeys(size_t count, bool volatile_only) {
  std::vector<std::string> keys;
  SampleEntries(count, volatile_only,
                [&keys](std::string_view key, const Object&, int64_t) { keys.emplace_back(key); });
  return keys;
}

size_t Database::KeyMemoryUsage(std::string_view key) {
  KeyEntry* e = tables_.Find(key);
  if (e == nullptr) return 0;
  size_t bytes = MallocChunkSize(e->AllocSize()) + e->value.MemoryUsage() - sizeof(Object);
  bytes += sizeof(KeyEntry*);  // its share of the bucket array at load factor ~1
  if (e->has_expire()) bytes += sizeof(ExpireRef);
  return bytes;
}

void Database::Clear() {
  tables_.Clear();
  expires_.clear();
  expires_.shrink_to_fit();
  expire_cursor_ = 0;
  avg_ttl_ms_ = 0;
}

size_t Database::CountKeysInSlot(int slot) const { return tables_.CountInSlot(slot); }

std::vector<std::string> Database::KeysInSlot(int slot, size_t max_count) const {
  std::vector<std::string> keys;
  if (max_count == 0) return keys;
  tables_.ForEachInSlot(slot, [&](KeyEntry* e) {
    keys.emplace_back(e->key());
    return keys.size() < max_count;
  });
  return keys;
}

size_t Database::ActiveExpireCycle(const std::function<bool()>& keep_going) {
  size_t deleted = 0;
  if (expiry_mode() != ExpiryMode::kDelete) return 0;  // a replica waits for its master's DELs
  const int64_t now_ms = now();
  while (true) {
    if (expires_.empty()) {
      avg_ttl_ms_ = 0;
      break;
    }
    // Walk the dense index from where the last round stopped, so every volatile key is checked
    // eventually (Redis 7.0 keeps expires_cursor for the same reason).
    size_t sampled = 0;
    size_t expired = 0;
    int64_t ttl_sum = 0;
    int64_t ttl_samples = 0;
    for (size_t n = std::min(kExpireKeysPerLoop, expires_.size()); n > 0 && !expires_.empty(); --n) {
      if (expire_cursor_ >= expires_.size()) expire_cursor_ = 0;
      const ExpireRef ref = expires_[expire_cursor_];
      ++sampled;
      if (ref.at_ms < now_ms) {
        DeleteExpired(ref.entry);  // the last index entry moved into expire_cursor_: check it next
        ++expired;
        continue;
      }
      ++expire_cursor_;
      if (ref.at_ms > now_ms) {
        ttl_sum += ref.at_ms - now_ms;
        ++ttl_samples;
      }
    }
    deleted += expired;
    if (ttl_samples > 0) {
      // Running estimate weighting the new sample by 2% (activeExpireCycle).
      const int64_t avg = ttl_sum / ttl_samples;
      if (avg_ttl_ms_ == 0) avg_ttl_ms_ = avg;
      avg_ttl_ms_ = (avg_ttl_ms_ / 50) * 49 + avg / 50;
    }
    if (expired * 100 / sampled <= kExpireAcceptableStale) break;
    if (!keep_going()) break;
  }
  return deleted;
}

}  // namespace slotd
