// StringDict: lookups, value replacement, resizing, SCAN guarantees across resizes, uniform
// sampling.
#include "server/keyspace/string_dict.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace slotd {
namespace {

std::string Member(int i) { return "member:" + std::to_string(i); }

TEST(StringDict, InsertFindEraseThroughGrowthAndShrink) {
  StringDict dict(/*with_values=*/false);
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(dict.Insert(Member(i)));
  EXPECT_FALSE(dict.Insert(Member(42)));
  EXPECT_EQ(dict.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const StringDict::Entry* e = dict.Find(Member(i));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(StringDict::Key(e), Member(i));
  }
  EXPECT_EQ(dict.Find("absent"), nullptr);
  for (int i = 0; i < 4990; ++i) ASSERT_TRUE(dict.Erase(Member(i)));
  EXPECT_FALSE(dict.Erase(Member(0)));
  EXPECT_EQ(dict.size(), 10u);
  for (int i = 4990; i < 5000; ++i) EXPECT_NE(dict.Find(Member(i)), nullptr);
}

TEST(StringDict, SetReplacesValuesOfAnyLength) {
  StringDict dict(/*with_values=*/true);
  EXPECT_TRUE(dict.Set("f", "short"));
  EXPECT_FALSE(dict.Set("f", std::string(300, 'x')));  // varint length grows to two bytes
  EXPECT_EQ(StringDict::Value(dict.Find("f")), std::string(300, 'x'));
  EXPECT_FALSE(dict.Set("f", ""));
  EXPECT_EQ(StringDict::Value(dict.Find("f")), "");
  EXPECT_FALSE(dict.Set("f", "abc"));
  EXPECT_FALSE(dict.Set("f", "xyz"));  // same length: rewritten in place
  EXPECT_EQ(StringDict::Value(dict.Find("f")), "xyz");
  EXPECT_EQ(dict.size(), 1u);
}

TEST(StringDict, KeysAreBinarySafeIncludingEmptyAndLong) {
  StringDict dict(/*with_values=*/true);
  std::string with_nul("a\0b", 3);
  std::string long_key(20000, 'k');
  EXPECT_TRUE(dict.Insert("", "empty"));
  EXPECT_TRUE(dict.Insert(with_nul, "nul"));
  EXPECT_TRUE(dict.Insert(long_key, "long"));
  EXPECT_EQ(StringDict::Value(dict.Find("")), "empty");
  EXPECT_EQ(StringDict::Value(dict.Find(with_nul)), "nul");
  EXPECT_EQ(dict.Find(std::string_view("a")), nullptr);
  EXPECT_EQ(StringDict::Key(dict.Find(long_key)), long_key);
}

TEST(StringDict, CopyIsDeepAndIndependent) {
  StringDict dict(/*with_values=*/true);
  for (int i = 0; i < 100; ++i) dict.Set(Member(i), std::to_string(i));
  StringDict copy(dict);
  dict.Erase(Member(1));
  dict.Set(Member(2), "changed");
  EXPECT_EQ(copy.size(), 100u);
  EXPECT_EQ(StringDict::Value(copy.Find(Member(1))), "1");
  EXPECT_EQ(StringDict::Value(copy.Find(Member(2))), "2");
}

// Scans the whole dict, calling `between(step)` after every step (which may change the dict).
template <class Between>
std::set<std::string> FullScan(StringDict& dict, Between between) {
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = dict.ScanStep(
        cursor, [&](const StringDict::Entry* e) { seen.insert(std::string(StringDict::Key(e))); });
    between(step++);
  } while (cursor != 0);
  return seen;
}

TEST(StringDict, ScanReturnsEveryStableEntryWhileTheTableGrows) {
  StringDict dict(/*with_values=*/false);
  for (int i = 0; i < 100; ++i) dict.Insert(Member(i));
  int next = 100;
  // Grows 128 -> 2048 buckets during the first steps of the scan.
  std::set<std::string> seen = FullScan(dict, [&](int step) {
    for (int k = 0; step < 20 && k < 100; ++k) dict.Insert(Member(next++));
  });
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.count(Member(i))) << Member(i);
}

TEST(StringDict, ScanReturnsEveryStableEntryWhileTheTableShrinks) {
  StringDict dict(/*with_values=*/false);
  for (int i = 0; i < 4000; ++i) dict.Insert(Member(i));
  int next_victim = 100;
  std::set<std::string> seen = FullScan(dict, [&](int) {
    for (int k = 0; k < 200 && next_victim < 4000; ++k) dict.Erase(Member(next_victim++));
  });
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.count(Member(i))) << Member(i);
}

TEST(StringDict, RandomIsUniform) {
  StringDict dict(/*with_values=*/false);
  // Erasures leave stale chain bounds and a sparse table: sampling must stay uniform anyway.
  for (int i = 0; i < 300; ++i) dict.Insert(Member(i));
  for (int i = 50; i < 300; ++i) dict.Erase(Member(i));
  FastRng rng(7);
  std::map<std::string, int> hits;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) ++hits[std::string(StringDict::Key(dict.Random(rng)))];
  ASSERT_EQ(hits.size(), 50u);
  for (const auto& [key, n] : hits) {
    EXPECT_GT(n, kDraws / 50 * 0.85) << key;  // expected 2000 each; 0.85..1.15 is > 6 sigma
    EXPECT_LT(n, kDraws / 50 * 1.15) << key;
  }
}

TEST(StringDict, DistinctRandomNeverRepeatsAndCapsAtSize) {
  StringDict dict(/*with_values=*/false);
  for (int i = 0; i < 1000; ++i) dict.Insert(Member(i));
  FastRng rng(11);
  for (size_t count : {1u, 10u, 333u, 334u, 999u, 1000u, 5000u}) {
    std::vector<const StringDict::Entry*> out;
    dict.DistinctRandom(count, rng, &out);
    std::set<const StringDict::Entry*> unique(out.begin(), out.end());
    EXPECT_EQ(out.size(), std::min<size_t>(count, 1000));
    EXPECT_EQ(unique.size(), out.size());
  }
}

}  // namespace
}  // namespace slotd
