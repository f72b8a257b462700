// Eviction: LRU/LFU math and each maxmemory-policy picking the victims Redis's approximation would.
#include "server/keyspace/eviction.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace slotd {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;

Object Str(std::string_view s) { return Object::String(s); }

std::string Key(const char* prefix, size_t i) { return std::string(prefix) + std::to_string(i); }

class EvictionTest : public ::testing::Test {
 protected:
  EvictionTest() {
    for (int i = 0; i < 2; ++i) {
      dbs_.push_back(std::make_unique<Database>(i, 1, 1000 + static_cast<uint64_t>(i)));
      dbs_.back()->set_clock(&now_);
      dbs_.back()->set_config(&cfg_);
    }
    cfg_.maxmemory = 1'000'000;
    cfg_.maxmemory_samples = 64;  // sampling with replacement: large enough to see every key of a small db
  }

  Database& db(int i) { return *dbs_[static_cast<size_t>(i)]; }

  // Asks for exactly one byte over the limit: the first victim covers it.
  EvictionResult EvictOne() { return Evict(cfg_.maxmemory + 1); }
  EvictionResult Evict(size_t used) {
    return evictor_.EvictIfNeeded(dbs_, cfg_, used, [this](Database& d, std::string_view key) {
      evicted_.push_back(std::to_string(d.index()) + ":" + std::string(key));
    });
  }

  int64_t now_ = kStart;
  Config cfg_;
  std::vector<std::unique_ptr<Database>> dbs_;
  Evictor evictor_;
  std::vector<std::string> evicted_;
};

TEST(EvictionMath, LfuLogIncrIsCertainAtTheInitialValueAndRarerAbove) {
  EXPECT_EQ(LfuLogIncr(0, 10, 0.999), 1);
  EXPECT_EQ(LfuLogIncr(kLfuInitVal, 10, 0.999), 6);
  EXPECT_EQ(LfuLogIncr(6, 10, 0.05), 7);  // p = 1 / (1 * 10 + 1) ~ 0.0909
  EXPECT_EQ(LfuLogIncr(6, 10, 0.1), 6);
  EXPECT_EQ(LfuLogIncr(255, 10, 0.0), 255);
}

TEST(EvictionMath, LfuDecaysOnePerDecayPeriod) {
  Object o = Str("v");
  o.set_lfu(LfuTimeInMinutes(kStart), 10);
  EXPECT_EQ(LfuDecrAndReturn(o, kStart + 39'000, 1), 10);  // kStart is 20 s into a minute
  EXPECT_EQ(LfuDecrAndReturn(o, kStart + 3 * 60'000, 1), 7);
  EXPECT_EQ(LfuDecrAndReturn(o, kStart + 3 * 60'000, 2), 9);
  EXPECT_EQ(LfuDecrAndReturn(o, kStart + 3 * 60'000, 0), 10);  // decay disabled
  EXPECT_EQ(LfuDecrAndReturn(o, kStart + 60 * 60'000, 1), 0);
  UpdateLfu(o, kStart + 3 * 60'000, 10, 1, 0.0);
  EXPECT_EQ(o.lfu_counter(), 8);
  EXPECT_EQ(o.lfu_decr_time(), LfuTimeInMinutes(kStart + 3 * 60'000));
}

TEST(EvictionMath, LruIdleTimeHasSecondResolution) {
  const uint32_t stamp = LruClockFromMs(kStart);
  EXPECT_EQ(LruIdleMs(stamp, kStart + 999), 0u);
  EXPECT_EQ(LruIdleMs(stamp, kStart + 12'345), 12'000u);
  EXPECT_EQ(LruIdleMs(stamp, kStart - 5000), 0u);  // clock set back
}

TEST_F(EvictionTest, NothingHappensUnderTheLimitOrWithoutMaxmemory) {
  db(0).Set("k", Str("v"));
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysRandom;
  EXPECT_TRUE(Evict(cfg_.maxmemory).under_limit);
  cfg_.maxmemory = 0;
  EXPECT_TRUE(Evict(1ull << 40).under_limit);
  EXPECT_EQ(db(0).size(), 1u);
}

TEST_F(EvictionTest, NoevictionReportsOverLimitAndKeepsKeys) {
  db(0).Set("k", Str("v"));
  cfg_.maxmemory_policy = MaxmemoryPolicy::kNoEviction;
  const EvictionResult r = EvictOne();
  EXPECT_FALSE(r.under_limit);
  EXPECT_EQ(r.keys_evicted, 0u);
  EXPECT_EQ(db(0).size(), 1u);
}

TEST_F(EvictionTest, VolatileTtlEvictsTheSoonestExpiring) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kVolatileTtl;
  for (const char* k : {"a", "b", "c", "d"}) db(0).Set(k, Str("v"));
  db(0).SetExpire("a", now_ + 100'000);
  db(0).SetExpire("b", now_ + 10'000);
  db(0).SetExpire("c", now_ + 50'000);
  const EvictionResult r = EvictOne();
  EXPECT_TRUE(r.under_limit);
  EXPECT_EQ(r.keys_evicted, 1u);
  EXPECT_EQ(evicted_, std::vector<std::string>{"0:b"});
  EvictOne();
  EXPECT_EQ(evicted_.back(), "0:c");
}

TEST_F(EvictionTest, AllkeysLruEvictsTheIdlestKey) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysLru;
  for (size_t i = 0; i < 10; ++i) db(0).Set(Key("k", i), Str("v"));
  now_ += 60'000;
  for (size_t i = 0; i < 10; ++i) {
    if (i != 3) db(0).Find(Key("k", i));
  }
  now_ += 1000;
  EvictOne();
  EXPECT_EQ(evicted_, std::vector<std::string>{"0:k3"});
  EXPECT_FALSE(db(0).Contains("k3"));
  EXPECT_EQ(db(0).size(), 9u);
}

TEST_F(EvictionTest, AllkeysLruComparesCandidatesAcrossDatabases) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysLru;
  db(1).Set("old", Str("v"));
  now_ += 30'000;
  for (size_t i = 0; i < 5; ++i) db(0).Set(Key("k", i), Str("v"));
  now_ += 1000;
  EvictOne();
  EXPECT_EQ(evicted_, std::vector<std::string>{"1:old"});
}

TEST_F(EvictionTest, AllkeysLfuEvictsTheLeastFrequentlyUsed) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysLfu;
  for (size_t i = 0; i < 8; ++i) db(0).Set(Key("k", i), Str("v"));
  for (int round = 0; round < 50; ++round) {
    for (size_t i = 0; i < 8; ++i) {
      if (i != 5) db(0).Find(Key("k", i));
    }
  }
  EvictOne();
  EXPECT_EQ(evicted_, std::vector<std::string>{"0:k5"});
}

TEST_F(EvictionTest, VolatileLruNeverTouchesKeysWithoutTtl) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kVolatileLru;
  for (size_t i = 0; i < 5; ++i) db(0).Set(Key("p", i), Str("v"));
  for (size_t i = 0; i < 3; ++i) {
    db(0).Set(Key("v", i), Str("v"));
    db(0).SetExpire(Key("v", i), now_ + 1'000'000);
  }
  const EvictionResult r = Evict(cfg_.maxmemory * 2);  // more than all keys together
  EXPECT_FALSE(r.under_limit);
  EXPECT_EQ(r.keys_evicted, 3u);
  EXPECT_EQ(db(0).size(), 5u);
  EXPECT_EQ(db(0).expires_size(), 0u);
}

TEST_F(EvictionTest, VolatileLfuAndVolatileRandomPickOnlyVolatileKeys) {
  for (MaxmemoryPolicy policy : {MaxmemoryPolicy::kVolatileLfu, MaxmemoryPolicy::kVolatileRandom}) {
    cfg_.maxmemory_policy = policy;
    db(0).Clear();
    evicted_.clear();
    for (size_t i = 0; i < 20; ++i) db(0).Set(Key("p", i), Str("v"));
    db(0).Set("ttl", Str("v"));
    db(0).SetExpire("ttl", now_ + 1'000'000);
    EXPECT_TRUE(EvictOne().under_limit);
    EXPECT_EQ(evicted_, std::vector<std::string>{"0:ttl"});
    EXPECT_FALSE(EvictOne().under_limit);  // no volatile key left
    EXPECT_EQ(db(0).size(), 20u);
  }
}

TEST_F(EvictionTest, AllkeysRandomEvictsUntilTheEstimateCoversTheExcess) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysRandom;
  for (size_t i = 0; i < 100; ++i) db(i % 2).Set(Key("k", i), Str(std::string(100, 'x')));
  const size_t per_key = db(0).KeyMemoryUsage("k0");
  const EvictionResult r = Evict(cfg_.maxmemory + per_key * 10);
  EXPECT_TRUE(r.under_limit);
  EXPECT_EQ(r.keys_evicted, 10u);
  EXPECT_EQ(r.bytes_freed, per_key * 10);
  EXPECT_EQ(db(0).size() + db(1).size(), 90u);
  EXPECT_EQ(evicted_.size(), 10u);
}

TEST_F(EvictionTest, EmptyDatabasesCannotSatisfyAnyPolicy) {
  for (MaxmemoryPolicy policy :
       {MaxmemoryPolicy::kAllkeysLru, MaxmemoryPolicy::kAllkeysLfu, MaxmemoryPolicy::kAllkeysRandom,
        MaxmemoryPolicy::kVolatileLru, MaxmemoryPolicy::kVolatileTtl, MaxmemoryPolicy::kVolatileRandom}) {
    cfg_.maxmemory_policy = policy;
    EXPECT_FALSE(EvictOne().under_limit);
  }
}

TEST_F(EvictionTest, PooledCandidatesDeletedMeanwhileAreSkipped) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kAllkeysLru;
  for (size_t i = 0; i < 10; ++i) db(0).Set(Key("k", i), Str("v"));
  now_ += 10'000;
  db(0).Set("young", Str("v"));
  EvictOne();  // fills the pool with the old keys and evicts one of them
  ASSERT_EQ(evicted_.size(), 1u);
  for (size_t i = 0; i < 10; ++i) db(0).Erase(Key("k", i));
  EvictOne();
  EXPECT_EQ(evicted_.back(), "0:young");
  EXPECT_EQ(db(0).size(), 0u);
}

TEST_F(EvictionTest, ExpiredVictimCountsAsFreedButNotEvicted) {
  cfg_.maxmemory_policy = MaxmemoryPolicy::kVolatileTtl;
  size_t expired = 0;
  db(0).set_expired_listener([&](Database&, std::string_view) { ++expired; });
  db(0).Set("k", Str("v"));
  db(0).SetExpire("k", now_ + 10);
  now_ += 11;
  const EvictionResult r = EvictOne();
  EXPECT_TRUE(r.under_limit);
  EXPECT_EQ(r.keys_evicted, 0u);
  EXPECT_GT(r.bytes_freed, 0u);
  EXPECT_EQ(expired, 1u);
  EXPECT_TRUE(evicted_.empty());
}

}  // namespace
}  // namespace slotd
