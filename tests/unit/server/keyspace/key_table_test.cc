// KeyTable: insert/find/erase at scale, growth and shrink with incremental rehashing, SCAN's guarantee
// across resizes, random picks.
#include "server/keyspace/key_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace slotd {
namespace {

Object Str(std::string_view s) { return Object::String(s); }

std::string Key(const char* prefix, size_t i) { return std::string(prefix) + std::to_string(i); }

void FinishRehash(KeyTable& t) {
  while (t.RehashSteps(1 << 20)) {
  }
}

TEST(KeyTable, InsertFindEraseMillionKeys) {
  KeyTable t(12345);
  constexpr size_t kKeys = 1'000'000;
  for (size_t i = 0; i < kKeys; ++i) {
    auto [e, inserted] = t.Emplace(Key("key:", i), Str("v"));
    ASSERT_TRUE(inserted);
    ASSERT_EQ(e->key(), Key("key:", i));
  }
  EXPECT_EQ(t.size(), kKeys);
  for (size_t i = 0; i < kKeys; ++i) {
    KeyEntry* e = t.Find(Key("key:", i));
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(e->value.str(), "v");
  }
  EXPECT_EQ(t.Find("key:-1"), nullptr);
  for (size_t i = 0; i < kKeys; ++i) ASSERT_TRUE(t.Erase(Key("key:", i)));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.Erase("key:0"));
}

TEST(KeyTable, EmplaceOfExistingKeyReturnsItAndLeavesValueUntouched) {
  KeyTable t(1);
  t.Emplace("k", Str("old"));
  Object fresh = Str("new");
  auto [e, inserted] = t.Emplace("k", std::move(fresh));
  EXPECT_FALSE(inserted);
  EXPECT_EQ(e->value.str(), "old");
  EXPECT_EQ(fresh.str(), "new");  // NOLINT(bugprone-use-after-move): Emplace did not take it
  EXPECT_EQ(t.size(), 1u);
}

TEST(KeyTable, BinaryAndEmptyKeysAreDistinct) {
  KeyTable t(7);
  const std::string with_nul("a\0b", 3);
  t.Emplace(with_nul, Str("1"));
  t.Emplace("a", Str("2"));
  t.Emplace("", Str("3"));
  EXPECT_EQ(t.Find(with_nul)->value.str(), "1");
  EXPECT_EQ(t.Find("a")->value.str(), "2");
  EXPECT_EQ(t.Find("")->value.str(), "3");
  EXPECT_EQ(t.Find(std::string("a\0c", 3)), nullptr);
}

TEST(KeyTable, GrowsToPowerOfTwoAndShrinksWhenSparse) {
  KeyTable t(99);
  for (size_t i = 0; i < 1000; ++i) t.Emplace(Key("k", i), Str("x"));
  FinishRehash(t);
  EXPECT_EQ(t.bucket_count(), 1024u);  // load factor 1: grows when used reaches the size
  for (size_t i = 0; i < 995; ++i) t.Erase(Key("k", i));
  FinishRehash(t);
  EXPECT_EQ(t.bucket_count(), 8u);  // below 10% fill it shrinks to the next power of two >= used
  for (size_t i = 995; i < 1000; ++i) EXPECT_NE(t.Find(Key("k", i)), nullptr);
  for (size_t i = 995; i < 1000; ++i) t.Erase(Key("k", i));
  FinishRehash(t);
  EXPECT_EQ(t.bucket_count(), KeyTable::kInitialBuckets);
}

TEST(KeyTable, LookupsWorkInTheMiddleOfARehash) {
  KeyTable t(5);
  for (size_t i = 0; i < 64; ++i) t.Emplace(Key("k", i), Str("x"));
  FinishRehash(t);
  t.Emplace("trigger", Str("x"));  // 65 > 64 buckets: starts growing to 128
  ASSERT_TRUE(t.rehashing());
  for (size_t i = 0; i < 64; ++i) ASSERT_NE(t.Find(Key("k", i)), nullptr) << i;
  EXPECT_NE(t.Find("trigger"), nullptr);
  EXPECT_TRUE(t.Erase("k3"));
  EXPECT_EQ(t.Find("k3"), nullptr);
  EXPECT_EQ(t.size(), 64u);
}

TEST(KeyTable, ScanOfEmptyTableEndsAtOnce) {
  KeyTable t(1);
  size_t visits = 0;
  EXPECT_EQ(t.Scan(0, [&](KeyEntry*) { ++visits; }), 0u);
  EXPECT_EQ(visits, 0u);
}

TEST(KeyTable, ScanWithoutResizeVisitsEachKeyExactlyOnce) {
  KeyTable t(3);
  for (size_t i = 0; i < 500; ++i) t.Emplace(Key("k", i), Str("x"));
  FinishRehash(t);
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.Scan(cursor, [&](KeyEntry* e) { seen.emplace(e->key()); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
}

// Keys present for the whole scan are returned even though the table grows twice and shrinks back
// while the cursor moves, including steps taken while a rehash is half done.
TEST(KeyTable, ScanReturnsStableKeysAcrossGrowAndShrink) {
  KeyTable t(2024);
  constexpr size_t kStable = 300;
  for (size_t i = 0; i < kStable; ++i) t.Emplace(Key("stable:", i), Str("x"));
  FinishRehash(t);
  const size_t initial_buckets = t.bucket_count();

  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t step = 0;
  size_t extra = 0;
  size_t steps_while_rehashing = 0;
  size_t max_buckets = 0;
  do {
    cursor = t.Scan(cursor, [&](KeyEntry* e) { seen.emplace(e->key()); });
    if (t.rehashing()) ++steps_while_rehashing;
    ++step;
    if (step < 40) {  // grow: 60 extra keys per step, enough to double twice
      for (int j = 0; j < 60; ++j) t.Emplace(Key("extra:", extra++), Str("x"));
    } else if (extra > 0) {  // then shrink by deleting them again
      for (int j = 0; j < 120 && extra > 0; ++j) t.Erase(Key("extra:", --extra));
    }
    max_buckets = std::max(max_buckets, t.bucket_count());
  } while (cursor != 0);

  EXPECT_GT(max_buckets, initial_buckets * 4);
  EXPECT_GT(steps_while_rehashing, 0u);
  for (size_t i = 0; i < kStable; ++i) EXPECT_TRUE(seen.count(Key("stable:", i))) << i;
}

TEST(KeyTable, ScanGuaranteeHoldsWhenShrinkStartsBeforeTheScan) {
  KeyTable t(77);
  for (size_t i = 0; i < 4000; ++i) t.Emplace(Key("k", i), Str("x"));
  FinishRehash(t);
  size_t live = 4000;
  while (!t.rehashing()) t.Erase(Key("k", --live));  // stop as soon as the shrink from 4096 starts
  ASSERT_GT(live, 100u);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.Scan(cursor, [&](KeyEntry* e) { seen.emplace(e->key()); });
    t.Find("k0");  // each lookup moves the rehash along
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), live);
  for (size_t i = 0; i < live; ++i) EXPECT_TRUE(seen.count(Key("k", i))) << i;
}

TEST(KeyTable, RandomEntryReachesEveryKey) {
  KeyTable t(11);
  for (size_t i = 0; i < 10; ++i) t.Emplace(Key("k", i), Str("x"));
  FastRng rng(42);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.emplace(t.RandomEntry(rng)->key());
  EXPECT_EQ(seen.size(), 10u);
  KeyTable empty(1);
  EXPECT_EQ(empty.RandomEntry(rng), nullptr);
}

TEST(KeyTable, ForEachStopsWhenTheVisitorSaysSo) {
  KeyTable t(1);
  for (size_t i = 0; i < 50; ++i) t.Emplace(Key("k", i), Str("x"));
  size_t visits = 0;
  EXPECT_FALSE(t.ForEach([&](KeyEntry*) { return ++visits < 5; }));
  EXPECT_EQ(visits, 5u);
  visits = 0;
  EXPECT_TRUE(t.ForEach([&](KeyEntry*) { return ++visits > 0; }));
  EXPECT_EQ(visits, 50u);
}

TEST(KeyTable, ClearFreesEverything) {
  KeyTable t(1);
  for (size_t i = 0; i < 100; ++i) t.Emplace(Key("k", i), Str("x"));
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.bucket_count(), 0u);
  EXPECT_EQ(t.Find("k1"), nullptr);
  t.Emplace("again", Str("y"));
  EXPECT_EQ(t.Find("again")->value.str(), "y");
}

}  // namespace
}  // namespace slotd
