// Database: lazy and active expiry, TTL semantics of Set/Take/Add, statistics, access metadata, SCAN,
// random keys and cluster slot indexes.
#include "server/keyspace/database.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cluster/core/slot.h"
#include "server/config/config.h"
#include "server/keyspace/eviction.h"

namespace slotd {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;  // a realistic wall clock, ms

Object Str(std::string_view s) { return Object::String(s); }

std::string Key(const char* prefix, size_t i) { return std::string(prefix) + std::to_string(i); }

class DatabaseTest : public ::testing::Test {
 protected:
  explicit DatabaseTest(int slot_count = 1) : db_(0, slot_count, 42) {
    db_.set_clock(&now_);
    db_.set_expired_listener([this](Database&, std::string_view key) { expired_.emplace_back(key); });
  }

  // Scans to the end, calling `between(call_number)` after each SCAN call; returns the keys seen.
  std::set<std::string> ScanAll(size_t count = 10, const std::function<void(size_t)>& between = {}) {
    std::set<std::string> keys;
    uint64_t cursor = 0;
    size_t call = 0;
    do {
      cursor = db_.Scan(cursor, count, [&](std::string_view key, const Object&) { keys.emplace(key); });
      if (between) between(++call);
    } while (cursor != 0);
    return keys;
  }

  int64_t now_ = kStart;
  Database db_;
  std::vector<std::string> expired_;
};

class DatabaseClusterTest : public DatabaseTest {
 protected:
  DatabaseClusterTest() : DatabaseTest(kClusterSlots) {}
};

TEST_F(DatabaseTest, SetFindEraseAndStats) {
  db_.Set("k", Str("v"));
  ASSERT_NE(db_.Find("k"), nullptr);
  EXPECT_EQ(db_.Find("k")->str(), "v");
  EXPECT_EQ(db_.Find("missing"), nullptr);
  EXPECT_EQ(db_.hits, 2u);
  EXPECT_EQ(db_.misses, 1u);
  EXPECT_TRUE(db_.Contains("k"));  // kLookupNoStats
  EXPECT_EQ(db_.hits, 2u);
  EXPECT_TRUE(db_.Erase("k"));
  EXPECT_FALSE(db_.Erase("k"));
  EXPECT_EQ(db_.size(), 0u);
}

TEST_F(DatabaseTest, KeyIsAliveThroughItsExpiryMillisecondThenLazilyDeleted) {
  db_.Set("k", Str("v"));
  db_.SetExpire("k", now_ + 100);
  now_ += 100;  // Redis's keyIsExpired: expired only when now > when
  EXPECT_NE(db_.Find("k"), nullptr);
  now_ += 1;
  EXPECT_EQ(db_.Find("k"), nullptr);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.expired_keys, 1u);
  EXPECT_EQ(expired_, std::vector<std::string>{"k"});
  EXPECT_EQ(db_.misses, 1u);
}

TEST_F(DatabaseTest, NoExpireLookupHidesTheKeyWithoutDeletingIt) {
  db_.Set("k", Str("v"));
  db_.SetExpire("k", now_ - 1);
  EXPECT_EQ(db_.Find("k", kLookupNoExpire), nullptr);
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_TRUE(expired_.empty());
  EXPECT_FALSE(db_.Contains("k"));
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(expired_.size(), 1u);
}

TEST_F(DatabaseTest, SetDropsTheTtlUnlessKeepTtl) {
  db_.Set("k", Str("1"));
  db_.SetExpire("k", now_ + 5000);
  db_.Set("k", Str("2"), /*keep_ttl=*/true);
  EXPECT_EQ(db_.GetExpire("k"), now_ + 5000);
  db_.Set("k", Str("3"));
  EXPECT_EQ(db_.GetExpire("k"), -1);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.Find("k")->str(), "3");
}

TEST_F(DatabaseTest, SetOverAnExpiredKeyReportsTheExpiryAndStartsFresh) {
  db_.Set("k", Str("old"));
  db_.SetExpire("k", now_ + 10);
  now_ += 11;
  db_.Set("k", Str("new"), /*keep_ttl=*/true);
  EXPECT_EQ(expired_, std::vector<std::string>{"k"});
  EXPECT_EQ(db_.GetExpire("k"), -1);  // nothing left to keep
  EXPECT_EQ(db_.Find("k")->str(), "new");
}

TEST_F(DatabaseTest, AddOnlyWhenAbsentAndExpiredCountsAsAbsent) {
  EXPECT_NE(db_.Add("k", Str("1")), nullptr);
  EXPECT_EQ(db_.Add("k", Str("2")), nullptr);
  EXPECT_EQ(db_.Find("k")->str(), "1");
  db_.SetExpire("k", now_ - 1);
  Object* added = db_.Add("k", Str("3"));
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->str(), "3");
  EXPECT_EQ(db_.GetExpire("k"), -1);
  EXPECT_EQ(expired_.size(), 1u);
}

TEST_F(DatabaseTest, TakeReturnsValueWithItsExpiryAndRemovesTheKey) {
  db_.Set("k", Str("v"));
  db_.SetExpire("k", now_ + 777);
  auto taken = db_.Take("k");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->value.str(), "v");
  EXPECT_EQ(taken->expire_at_ms, now_ + 777);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_FALSE(db_.Take("k").has_value());

  db_.Set("p", Str("v"));
  EXPECT_EQ(db_.Take("p")->expire_at_ms, -1);
}

TEST_F(DatabaseTest, TakeOfAnExpiredKeyIsEmptyAndReportsIt) {
  db_.Set("k", Str("v"));
  db_.SetExpire("k", now_ - 1);
  EXPECT_FALSE(db_.Take("k").has_value());
  EXPECT_EQ(expired_, std::vector<std::string>{"k"});
}

TEST_F(DatabaseTest, EraseOfAnExpiredKeyIsFalseAndCountsAsExpired) {
  db_.Set("k", Str("v"));
  db_.SetExpire("k", now_ - 1);
  EXPECT_FALSE(db_.Erase("k"));
  EXPECT_EQ(db_.expired_keys, 1u);
  EXPECT_EQ(db_.size(), 0u);
}

TEST_F(DatabaseTest, PersistAndGetExpire) {
  db_.Set("k", Str("v"));
  EXPECT_EQ(db_.GetExpire("k"), -1);
  EXPECT_FALSE(db_.Persist("k"));
  db_.SetExpire("k", now_ + 10);
  db_.SetExpire("k", now_ + 20);  // updates in place
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(db_.GetExpire("k"), now_ + 20);
  EXPECT_TRUE(db_.Persist("k"));
  EXPECT_EQ(db_.GetExpire("k"), -1);
  EXPECT_EQ(db_.GetExpire("missing"), -1);
  EXPECT_FALSE(db_.Persist("missing"));
}

TEST_F(DatabaseTest, ExpiresIndexStaysConsistentUnderChurn) {
  for (size_t i = 0; i < 1000; ++i) {
    db_.Set(Key("k", i), Str("v"));
    if (i % 2 == 0) db_.SetExpire(Key("k", i), now_ + static_cast<int64_t>(i) + 1);
  }
  for (size_t i = 0; i < 1000; i += 4) db_.Erase(Key("k", i));
  for (size_t i = 2; i < 1000; i += 8) db_.Persist(Key("k", i));
  size_t with_ttl = 0;
  db_.ForEachWithExpire([&](std::string_view key, const Object&, int64_t at) {
    const size_t i = std::stoul(std::string(key.substr(1)));
    const bool expect_ttl = i % 2 == 0 && i % 4 != 0 && (i - 2) % 8 != 0;
    EXPECT_EQ(at, expect_ttl ? now_ + static_cast<int64_t>(i) + 1 : -1) << key;
    if (at >= 0) ++with_ttl;
  });
  EXPECT_EQ(with_ttl, db_.expires_size());
  EXPECT_EQ(db_.size(), 750u);
}

TEST_F(DatabaseTest, ActiveExpireCycleDeletesAllWhenEverySampleIsExpired) {
  for (size_t i = 0; i < 1000; ++i) {
    db_.Set(Key("k", i), Str("v"));
    db_.SetExpire(Key("k", i), now_ + 10);
  }
  db_.Set("persistent", Str("v"));
  now_ += 11;
  EXPECT_EQ(db_.ActiveExpireCycle([] { return true; }), 1000u);
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(expired_.size(), 1000u);
  EXPECT_EQ(db_.expired_keys, 1000u);
}

TEST_F(DatabaseTest, ActiveExpireCycleStopsWhenKeepGoingSaysNo) {
  for (size_t i = 0; i < 1000; ++i) {
    db_.Set(Key("k", i), Str("v"));
    db_.SetExpire(Key("k", i), now_ + 10);
  }
  now_ += 11;
  EXPECT_EQ(db_.ActiveExpireCycle([] { return false; }), 20u);  // one round of 20 samples
  EXPECT_EQ(db_.size(), 980u);
}

TEST_F(DatabaseTest, ActiveExpireCycleStopsWhenFewSampledKeysAreStaleButRepeatedCyclesCleanUp) {
  for (size_t i = 0; i < 1000; ++i) {
    db_.Set(Key("k", i), Str("v"));
    db_.SetExpire(Key("k", i), now_ + (i % 20 == 0 ? 10 : 1'000'000));  // 5% will expire
  }
  now_ += 11;
  const size_t first = db_.ActiveExpireCycle([] { return true; });
  EXPECT_LE(first, 2u);  // a 20-key sample with <= 10% stale ends the cycle
  size_t total = first;
  for (int cycle = 0; cycle < 100 && total < 50; ++cycle) total += db_.ActiveExpireCycle([] { return true; });
  EXPECT_EQ(total, 50u);  // the cursor walks the whole index across cycles
  EXPECT_EQ(db_.expires_size(), 950u);
}

TEST_F(DatabaseTest, AvgTtlTracksSampledTtls) {
  EXPECT_EQ(db_.avg_ttl(), 0);
  for (size_t i = 0; i < 100; ++i) {
    db_.Set(Key("k", i), Str("v"));
    db_.SetExpire(Key("k", i), now_ + 10'000);
  }
  db_.ActiveExpireCycle([] { return true; });
  // First estimate: the sample average, then the 2% running blend (49/50 old + 1/50 new).
  EXPECT_EQ(db_.avg_ttl(), (10'000 / 50) * 49 + 10'000 / 50);
  for (size_t i = 0; i < 100; ++i) db_.Persist(Key("k", i));
  db_.ActiveExpireCycle([] { return true; });
  EXPECT_EQ(db_.avg_ttl(), 0);
}

TEST_F(DatabaseTest, ScanReturnsLiveKeysAndDropsExpiredOnes) {
  for (size_t i = 0; i < 200; ++i) db_.Set(Key("k", i), Str("v"));
  db_.SetExpire("k7", now_ - 1);
  const std::set<std::string> keys = ScanAll();
  EXPECT_EQ(keys.size(), 199u);
  EXPECT_FALSE(keys.count("k7"));
  EXPECT_EQ(db_.size(), 199u);  // deleted when the scan met it
  EXPECT_EQ(expired_, std::vector<std::string>{"k7"});
}

TEST_F(DatabaseTest, ScanCountIsAHintOfKeysPerCall) {
  for (size_t i = 0; i < 1000; ++i) db_.Set(Key("k", i), Str("v"));
  size_t returned = 0;
  db_.Scan(0, 100, [&](std::string_view, const Object&) { ++returned; });
  EXPECT_GE(returned, 100u);
  EXPECT_LT(returned, 130u);
  EXPECT_EQ(db_.Scan(0, SIZE_MAX, [](std::string_view, const Object&) {}), 0u);  // no overflow
}

TEST_F(DatabaseTest, ScanGuaranteeSurvivesResizesBetweenCalls) {
  for (size_t i = 0; i < 500; ++i) db_.Set(Key("stable:", i), Str("v"));
  size_t extra = 0;
  const std::set<std::string> seen = ScanAll(5, [&](size_t call) {
    if (call < 30) {  // grow several times, then shrink back
      for (int j = 0; j < 200; ++j) db_.Set(Key("extra:", extra++), Str("v"));
    } else {
      for (int j = 0; j < 400 && extra > 0; ++j) db_.Erase(Key("extra:", --extra));
    }
  });
  for (size_t i = 0; i < 500; ++i) EXPECT_TRUE(seen.count(Key("stable:", i))) << i;
}

TEST_F(DatabaseTest, RandomKeySkipsAndDeletesExpiredKeys) {
  EXPECT_FALSE(db_.RandomKey().has_value());
  for (size_t i = 0; i < 10; ++i) {
    db_.Set(Key("gone", i), Str("v"));
    db_.SetExpire(Key("gone", i), now_ - 1);
  }
  db_.Set("live", Str("v"));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(db_.RandomKey(), "live");
  db_.Erase("live");
  EXPECT_FALSE(db_.RandomKey().has_value());
  EXPECT_EQ(db_.size(), 0u);
}

TEST_F(DatabaseTest, SampleKeysVolatileOnlyReturnsKeysWithTtl) {
  for (size_t i = 0; i < 10; ++i) db_.Set(Key("k", i), Str("v"));
  EXPECT_TRUE(db_.SampleKeys(5, true).empty());
  db_.SetExpire("k3", now_ + 1000);
  const auto keys = db_.SampleKeys(5, true);
  EXPECT_EQ(keys, std::vector<std::string>(5, "k3"));
  EXPECT_EQ(db_.SampleKeys(5, false).size(), 5u);
}

TEST_F(DatabaseTest, AccessStampsTheLruClockUnlessNoTouch) {
  db_.Set("k", Str("v"));
  EXPECT_EQ(db_.Find("k", kLookupNoTouch)->lru_clock(), LruClockFromMs(kStart));
  now_ += 5000;
  EXPECT_EQ(db_.Find("k", kLookupNoTouch)->lru_clock(), LruClockFromMs(kStart));
  EXPECT_EQ(LruIdleMs(db_.Find("k", kLookupNoTouch)->lru_clock(), now_), 5000u);
  db_.Find("k");
  EXPECT_EQ(db_.Find("k", kLookupNoTouch)->lru_clock(), LruClockFromMs(now_));
}

TEST_F(DatabaseTest, AccessUnderLfuPolicyRaisesTheCounterAndOverwriteKeepsIt) {
  Config cfg;
  cfg.maxmemory_policy = MaxmemoryPolicy::kAllkeysLfu;
  db_.set_config(&cfg);
  db_.Set("hot", Str("v"));
  db_.Set("cold", Str("v"));
  EXPECT_EQ(db_.Find("cold", kLookupNoTouch)->lfu_counter(), kLfuInitVal);
  for (int i = 0; i < 2000; ++i) db_.Find("hot");
  const uint8_t hot = db_.Find("hot", kLookupNoTouch)->lfu_counter();
  EXPECT_GT(hot, 10);
  EXPECT_EQ(db_.Find("cold", kLookupNoTouch)->lfu_counter(), kLfuInitVal);
  db_.Set("hot", Str("new value"));
  EXPECT_EQ(db_.Find("hot", kLookupNoTouch)->lfu_counter(), hot);
}

TEST_F(DatabaseTest, ClearEmptiesKeysAndExpires) {
  for (size_t i = 0; i < 100; ++i) {
    db_.Set(Key("k", i), Str("v"));
    db_.SetExpire(Key("k", i), now_ + 1000);
  }
  db_.ActiveExpireCycle([] { return true; });
  db_.Clear();
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.avg_ttl(), 0);
  EXPECT_EQ(db_.Find("k1"), nullptr);
  db_.Set("k1", Str("v"));
  EXPECT_EQ(db_.GetExpire("k1"), -1);
}

TEST_F(DatabaseTest, KeyMemoryUsageCoversKeyAndValue) {
  db_.Set("k", Str(std::string(1000, 'x')));
  EXPECT_GT(db_.KeyMemoryUsage("k"), 1000u);
  EXPECT_LT(db_.KeyMemoryUsage("k"), 1300u);
  EXPECT_EQ(db_.KeyMemoryUsage("missing"), 0u);
}

TEST_F(DatabaseTest, WithoutClusterEveryKeyIsInSlotZero) {
  db_.Set("foo", Str("v"));
  db_.Set("bar", Str("v"));
  EXPECT_EQ(db_.CountKeysInSlot(0), 2u);
  EXPECT_EQ(db_.CountKeysInSlot(12182), 0u);
}

TEST_F(DatabaseClusterTest, SlotCountsAndKeysFollowKeyHashSlot) {
  db_.Set("foo", Str("v"));
  db_.Set("{user1000}.following", Str("v"));
  db_.Set("{user1000}.followers", Str("v"));
  EXPECT_EQ(db_.CountKeysInSlot(12182), 1u);
  EXPECT_EQ(db_.KeysInSlot(12182, 10), std::vector<std::string>{"foo"});
  EXPECT_EQ(db_.CountKeysInSlot(3443), 2u);
  EXPECT_EQ(db_.KeysInSlot(3443, 1).size(), 1u);
  EXPECT_EQ(db_.KeysInSlot(3443, 0).size(), 0u);
  EXPECT_EQ(db_.CountKeysInSlot(0), 0u);
  EXPECT_EQ(db_.CountKeysInSlot(-1), 0u);
  EXPECT_EQ(db_.CountKeysInSlot(16384), 0u);
  EXPECT_TRUE(db_.KeysInSlot(16384, 10).empty());
  db_.Erase("{user1000}.following");
  EXPECT_EQ(db_.CountKeysInSlot(3443), 1u);
  EXPECT_EQ(db_.size(), 2u);
}

TEST_F(DatabaseClusterTest, ScanVisitsEverySlotsKeysOnce) {
  for (size_t i = 0; i < 3000; ++i) db_.Set(Key("k", i), Str("v"));
  size_t visits = 0;
  std::set<std::string> keys;
  uint64_t cursor = 0;
  do {
    cursor = db_.Scan(cursor, 10, [&](std::string_view key, const Object&) {
      keys.emplace(key);
      ++visits;
    });
  } while (cursor != 0);
  EXPECT_EQ(keys.size(), 3000u);
  EXPECT_EQ(visits, 3000u);
}

TEST_F(DatabaseClusterTest, ScanGuaranteeHoldsWhileSlotsFillAndEmpty) {
  for (size_t i = 0; i < 300; ++i) db_.Set(Key("stable:", i), Str("v"));
  size_t extra = 0;
  size_t calls = 0;
  const std::set<std::string> seen = ScanAll(3, [&](size_t call) {
    calls = call;
    if (call % 2 == 0) {  // slots gain keys, then lose all of them again
      for (int j = 0; j < 3000; ++j) db_.Set(Key("extra:", extra++), Str("v"));
    } else {
      while (extra > 0) db_.Erase(Key("extra:", --extra));
    }
  });
  EXPECT_GT(calls, 50u);
  for (size_t i = 0; i < 300; ++i) EXPECT_TRUE(seen.count(Key("stable:", i))) << i;
}

TEST_F(DatabaseClusterTest, RandomKeyIsFairAcrossSlots) {
  // 90 keys in one slot, 10 in others: picks follow key counts, not slot counts.
  for (size_t i = 0; i < 90; ++i) db_.Set("{tag}" + std::to_string(i), Str("v"));
  for (size_t i = 0; i < 10; ++i) db_.Set(Key("other", i), Str("v"));
  size_t tagged = 0;
  for (int i = 0; i < 2000; ++i) tagged += db_.RandomKey()->rfind("{tag}", 0) == 0 ? 1 : 0;
  EXPECT_GT(tagged, 1600u);
  EXPECT_LT(tagged, 1990u);
}

TEST_F(DatabaseClusterTest, ClearEmptiesEverySlot) {
  db_.Set("foo", Str("v"));
  db_.Clear();
  EXPECT_EQ(db_.CountKeysInSlot(12182), 0u);
  EXPECT_FALSE(db_.RandomKey().has_value());
  EXPECT_EQ(db_.Scan(0, 10, [](std::string_view, const Object&) {}), 0u);
}

}  // namespace
}  // namespace slotd
