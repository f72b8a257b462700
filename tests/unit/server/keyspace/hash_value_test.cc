// HashValue: listpack/hashtable encodings, the conversion thresholds, updates and random sampling.
#include "server/keyspace/hash_value.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace slotd {
namespace {

constexpr HashLimits kLimits{128, 64};

std::vector<std::pair<std::string, std::string>> Pairs(const HashValue& hash) {
  std::vector<std::pair<std::string, std::string>> out;
  hash.ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

TEST(HashValue, SmallHashIsListpackInInsertionOrder) {
  HashValue hash;
  EXPECT_TRUE(hash.Set("b", "1", kLimits));
  EXPECT_TRUE(hash.Set("a", "2", kLimits));
  EXPECT_FALSE(hash.Set("b", "3", kLimits));
  EXPECT_EQ(hash.EncodingName(), "listpack");
  EXPECT_EQ(hash.Length(), 2u);
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Pairs(hash), (std::vector<P>{{"b", "3"}, {"a", "2"}}));
  EXPECT_EQ(hash.Get("a"), "2");
  EXPECT_FALSE(hash.Get("c").has_value());
}

TEST(HashValue, ListpackUpdatesKeepNeighboursIntact) {
  HashValue hash;
  hash.Set("x", "1", kLimits);
  hash.Set("y", "2", kLimits);
  hash.Set("z", "3", kLimits);
  hash.Set("y", std::string(60, 'v'), kLimits);
  hash.Set("x", "", kLimits);
  EXPECT_EQ(hash.Get("x"), "");
  EXPECT_EQ(hash.Get("y"), std::string(60, 'v'));
  EXPECT_EQ(hash.Get("z"), "3");
  EXPECT_TRUE(hash.Delete("y"));
  EXPECT_FALSE(hash.Delete("y"));
  EXPECT_EQ(hash.Get("z"), "3");
  EXPECT_EQ(hash.Length(), 2u);
}

TEST(HashValue, ConvertsPastTheEntryLimitAndNeverBack) {
  HashValue hash;
  for (int i = 0; i < 128; ++i) hash.Set("f" + std::to_string(i), "v", kLimits);
  EXPECT_EQ(hash.EncodingName(), "listpack");
  hash.Set("f128", "v", kLimits);
  EXPECT_EQ(hash.EncodingName(), "hashtable");
  EXPECT_EQ(hash.Length(), 129u);
  for (int i = 0; i < 129; ++i) EXPECT_EQ(hash.Get("f" + std::to_string(i)), "v");
  for (int i = 0; i < 120; ++i) hash.Delete("f" + std::to_string(i));
  EXPECT_EQ(hash.EncodingName(), "hashtable");
}

TEST(HashValue, ConvertsWhenAFieldOrValueExceedsTheValueLimit) {
  HashValue at_limit;
  at_limit.Set(std::string(64, 'f'), std::string(64, 'v'), kLimits);
  EXPECT_EQ(at_limit.EncodingName(), "listpack");

  HashValue long_value;
  long_value.Set("a", "1", kLimits);
  long_value.Set("f", std::string(65, 'v'), kLimits);
  EXPECT_EQ(long_value.EncodingName(), "hashtable");
  EXPECT_EQ(long_value.Get("a"), "1");

  HashValue long_field;
  long_field.Set(std::string(65, 'f'), "1", kLimits);
  EXPECT_EQ(long_field.EncodingName(), "hashtable");
}

TEST(HashValue, ZeroLimitsMeanHashtableFromTheFirstField) {
  HashValue hash;
  hash.Set("f", "v", HashLimits{0, 64});
  EXPECT_EQ(hash.EncodingName(), "hashtable");
  EXPECT_EQ(hash.Get("f"), "v");
}

TEST(HashValue, CloneIsIndependentInBothEncodings) {
  for (int n : {3, 300}) {
    HashValue hash;
    for (int i = 0; i < n; ++i) hash.Set("f" + std::to_string(i), "v", kLimits);
    std::unique_ptr<Collection> copy = hash.Clone();
    hash.Set("f0", "changed", kLimits);
    auto& cloned = static_cast<HashValue&>(*copy);
    EXPECT_EQ(cloned.Get("f0"), "v");
    EXPECT_EQ(cloned.Length(), static_cast<size_t>(n));
    EXPECT_EQ(cloned.EncodingName(), hash.EncodingName());
  }
}

TEST(HashValue, ScanOfListpackReturnsEverythingAndCursorZero) {
  HashValue hash;
  hash.Set("a", "1", kLimits);
  hash.Set("b", "2", kLimits);
  std::vector<std::string> seen;
  uint64_t next =
      hash.ScanStep(12345, [&](std::string_view f, std::string_view) { seen.emplace_back(f); });
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(HashValue, RandomPairsAreUniformInBothEncodings) {
  for (int n : {10, 200}) {
    HashValue hash;
    for (int i = 0; i < n; ++i) hash.Set("f" + std::to_string(i), "v" + std::to_string(i), kLimits);
    std::vector<HashValue::Pair> pairs;
    const int draws = 1000 * n;
    hash.RandomPairs(static_cast<size_t>(draws), &pairs);
    ASSERT_EQ(pairs.size(), static_cast<size_t>(draws));
    std::map<std::string, int> hits;
    for (const auto& p : pairs) {
      EXPECT_EQ(p.value.substr(1), p.field.substr(1));  // value belongs to its field
      ++hits[std::string(p.field)];
    }
    ASSERT_EQ(hits.size(), static_cast<size_t>(n));
    for (const auto& [field, count] : hits) {
      EXPECT_GT(count, 800) << field;  // expected 1000, sigma ~32
      EXPECT_LT(count, 1200) << field;
    }
  }
}

TEST(HashValue, DistinctRandomPairsNeverRepeat) {
  for (int n : {10, 200}) {
    HashValue hash;
    for (int i = 0; i < n; ++i) hash.Set("f" + std::to_string(i), "v", kLimits);
    for (size_t count : {1u, 5u, 9u, 10u, 150u, 1000u}) {
      std::vector<HashValue::Pair> pairs;
      hash.DistinctRandomPairs(count, &pairs);
      std::set<std::string_view> fields;
      for (const auto& p : pairs) fields.insert(p.field);
      EXPECT_EQ(pairs.size(), std::min<size_t>(count, static_cast<size_t>(n)));
      EXPECT_EQ(fields.size(), pairs.size());
    }
  }
}

}  // namespace
}  // namespace slotd
