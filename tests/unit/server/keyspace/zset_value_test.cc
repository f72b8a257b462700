// ZSetValue and its two encodings: ordering, ZADD flag semantics, conversion past the listpack
// limits, range-to-rank resolution, and a randomized comparison of both encodings against a
// std::set model.
#include "server/keyspace/zset_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace slotd {
namespace {

constexpr ZSetLimits kDefault{128, 64};
constexpr ZSetLimits kAlwaysSkiplist{0, 64};

std::vector<std::pair<std::string, double>> Contents(const ZSetValue& z) {
  std::vector<std::pair<std::string, double>> out;
  for (ZSetValue::Cursor c = z.First(); c.valid(); c.Next())
    out.emplace_back(c.member(), c.score());
  return out;
}

std::vector<std::string> MembersBackwards(const ZSetValue& z) {
  std::vector<std::string> out;
  for (ZSetValue::Cursor c = z.Last(); c.valid(); c.Prev()) out.emplace_back(c.member());
  return out;
}

void Add(ZSetValue& z, std::string_view member, double score, const ZSetLimits& limits = kDefault) {
  z.Add(member, score, 0, limits);
}

class ZSetBothEncodings : public ::testing::TestWithParam<bool> {
 protected:
  std::unique_ptr<ZSetValue> Make() {
    return ZSetValue::ForFirstMember(1, GetParam() ? kAlwaysSkiplist : kDefault);
  }
  ZSetLimits limits() const { return GetParam() ? kAlwaysSkiplist : kDefault; }
};

TEST_P(ZSetBothEncodings, OrdersByScoreThenMember) {
  auto z = Make();
  EXPECT_EQ(z->EncodingName(), GetParam() ? "skiplist" : "listpack");
  z->Add("b", 1, 0, limits());
  z->Add("a", 1, 0, limits());
  z->Add("c", 0.5, 0, limits());
  z->Add("z", -1, 0, limits());
  std::vector<std::pair<std::string, double>> expected = {
      {"z", -1}, {"c", 0.5}, {"a", 1}, {"b", 1}};
  EXPECT_EQ(Contents(*z), expected);
  EXPECT_EQ(MembersBackwards(*z), (std::vector<std::string>{"b", "a", "c", "z"}));
  EXPECT_EQ(z->Rank("a"), 2u);
  EXPECT_EQ(z->Rank("b"), 3u);
  EXPECT_EQ(z->Rank("nope"), std::nullopt);
  EXPECT_EQ(z->Score("c"), 0.5);
  EXPECT_EQ(z->At(1).member(), "c");
  EXPECT_FALSE(z->At(4).valid());
}

TEST_P(ZSetBothEncodings, AddFlagsFollowZAdd) {
  auto z = Make();
  using R = ZSetValue::AddResult;
  EXPECT_EQ(z->Add("m", 5, ZSetValue::kAddXx, limits()).outcome, R::kSkipped);
  EXPECT_EQ(z->Length(), 0u);
  EXPECT_EQ(z->Add("m", 5, ZSetValue::kAddNx, limits()).outcome, R::kAdded);
  EXPECT_EQ(z->Add("m", 6, ZSetValue::kAddNx, limits()).outcome, R::kSkipped);
  EXPECT_EQ(z->Add("m", 4, ZSetValue::kAddGt, limits()).outcome, R::kSkipped);
  EXPECT_EQ(z->Add("m", 7, ZSetValue::kAddGt, limits()).outcome, R::kUpdated);
  EXPECT_EQ(z->Add("m", 7, ZSetValue::kAddLt, limits()).outcome, R::kSkipped);
  EXPECT_EQ(z->Add("m", 7, 0, limits()).outcome, R::kUnchanged);
  ZSetValue::AddResult incr = z->Add("m", 1.5, ZSetValue::kAddIncr, limits());
  EXPECT_EQ(incr.outcome, R::kUpdated);
  EXPECT_EQ(incr.score, 8.5);
  EXPECT_EQ(z->Add("m", -INFINITY, 0, limits()).outcome, R::kUpdated);
  EXPECT_EQ(z->Add("m", INFINITY, ZSetValue::kAddIncr, limits()).outcome, R::kNaN);
  EXPECT_EQ(z->Score("m"), -INFINITY);
  // GT only blocks updates; a new member is still added (Redis 7.0).
  EXPECT_EQ(z->Add("n", 1, ZSetValue::kAddGt, limits()).outcome, R::kAdded);
}

TEST_P(ZSetBothEncodings, ScoreRangesBecomeRankIntervals) {
  auto z = Make();
  for (int i = 1; i <= 5; ++i)
    z->Add(std::string(1, static_cast<char>('a' + i - 1)), i, 0, limits());
  auto ranks = [&](double min, double max, bool minex, bool maxex) {
    ZSetValue::Ranks r = z->RanksInScoreRange({min, max, minex, maxex});
    return std::make_pair(r.begin, r.size());
  };
  EXPECT_EQ(ranks(2, 4, false, false), (std::pair<size_t, size_t>{1, 3}));
  EXPECT_EQ(ranks(2, 4, true, true), (std::pair<size_t, size_t>{2, 1}));
  EXPECT_EQ(ranks(-INFINITY, INFINITY, false, false), (std::pair<size_t, size_t>{0, 5}));
  EXPECT_EQ(ranks(3, 3, true, false).second, 0u);
  EXPECT_EQ(ranks(4, 2, false, false).second, 0u);
  EXPECT_EQ(ranks(6, 9, false, false).second, 0u);
}

TEST_P(ZSetBothEncodings, LexRangesWithEqualScores) {
  auto z = Make();
  for (const char* m : {"a", "b", "c", "d", "e"}) z->Add(m, 0, 0, limits());
  ZLexBound neg{ZLexBound::kNegInf, true, {}};
  ZLexBound pos{ZLexBound::kPosInf, true, {}};
  auto value = [](std::string_view v, bool exclusive) {
    return ZLexBound{ZLexBound::kValue, exclusive, v};
  };
  EXPECT_EQ(z->LexCount({neg, pos}), 5u);
  EXPECT_EQ(z->LexCount({value("b", false), value("d", true)}), 2u);
  EXPECT_EQ(z->FirstInLexRange({value("b", false), value("d", true)}), 1u);
  EXPECT_EQ(z->LastInLexRange({value("b", false), value("d", true)}), 2u);
  EXPECT_EQ(z->LexCount({value("b", true), pos}), 3u);
  EXPECT_EQ(z->LexCount({pos, neg}), 0u);
  EXPECT_EQ(z->LexCount({neg, neg}), 0u);
  EXPECT_EQ(z->LexCount({value("c", false), value("c", true)}), 0u);
  EXPECT_EQ(z->LexCount({value("bb", false), value("c", false)}), 1u);
  EXPECT_EQ(z->FirstInLexRange({value("f", false), pos}), std::nullopt);
  ZSetValue::Ranks removal = z->LexRemoval({value("b", false), value("c", false)});
  EXPECT_EQ(removal.begin, 1u);
  EXPECT_EQ(removal.size(), 2u);
}

// With mixed scores Redis's answer depends on its walk: a listpack scans for the first member >=
// min, then counts while <= max (redis-server 7.0: ZADD k 1 b 2 a 3 c; ZLEXCOUNT k [b [c -> 3, (a
// [c -> 3, [c [c -> 1), where a sorted-by-member view would say 2, 2 and 1.
TEST(ZSetValue, ListpackLexWalkMatchesRedisWithMixedScores) {
  ZSetValue z;
  Add(z, "b", 1);
  Add(z, "a", 2);
  Add(z, "c", 3);
  auto value = [](std::string_view v) { return ZLexBound{ZLexBound::kValue, false, v}; };
  EXPECT_EQ(z.LexCount({value("b"), value("c")}), 3u);
  EXPECT_EQ(z.LexCount({{ZLexBound::kValue, true, "a"}, value("c")}), 3u);
  EXPECT_EQ(z.LexCount({value("c"), value("c")}), 1u);
  EXPECT_EQ(z.FirstInLexRange({value("a"), value("b")}), 0u);
}

TEST_P(ZSetBothEncodings, EraseRanksRemovesTheInterval) {
  auto z = Make();
  for (int i = 0; i < 10; ++i) z->Add("m" + std::to_string(i), i, 0, limits());
  z->EraseRanks(2, 5);
  EXPECT_EQ(z->Length(), 7u);
  EXPECT_EQ(z->At(2).member(), "m5");
  EXPECT_FALSE(z->Score("m3"));
  z->EraseRanks(5, 100);
  EXPECT_EQ(z->Length(), 5u);
  EXPECT_EQ(z->Last().member(), "m7");
  EXPECT_EQ(z->Rank("m7"), 4u);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ZSetBothEncodings, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Skiplist" : "Listpack"; });

TEST(ZSetValue, ConvertsToSkiplistPastEntryLimit) {
  ZSetValue z;
  ZSetLimits limits{4, 64};
  for (int i = 0; i < 4; ++i) Add(z, "m" + std::to_string(i), i, limits);
  EXPECT_EQ(z.EncodingName(), "listpack");
  Add(z, "m4", 4, limits);
  EXPECT_EQ(z.EncodingName(), "skiplist");
  EXPECT_EQ(z.Length(), 5u);
  EXPECT_EQ(z.Rank("m4"), 4u);
  // Conversion is one way, as in Redis.
  z.Remove("m4");
  z.Remove("m3");
  EXPECT_EQ(z.EncodingName(), "skiplist");
}

TEST(ZSetValue, ConvertsToSkiplistForALongMember) {
  ZSetValue z;
  Add(z, "short", 1);
  Add(z, std::string(64, 'x'), 2);
  EXPECT_EQ(z.EncodingName(), "listpack");
  Add(z, std::string(65, 'y'), 3);
  EXPECT_EQ(z.EncodingName(), "skiplist");
  EXPECT_EQ(z.Score(std::string(64, 'x')), 2);
}

TEST(ZSetValue, FirstMemberDecidesTheStartingEncoding) {
  EXPECT_EQ(ZSetValue::ForFirstMember(64, kDefault)->EncodingName(), "listpack");
  EXPECT_EQ(ZSetValue::ForFirstMember(65, kDefault)->EncodingName(), "skiplist");
  EXPECT_EQ(ZSetValue::ForFirstMember(1, kAlwaysSkiplist)->EncodingName(), "skiplist");
}

TEST(ZSetValue, FromSortedPicksTheEncodingBySize) {
  std::vector<ZEntry> small = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(ZSetValue::FromSorted(small, kDefault)->EncodingName(), "listpack");
  EXPECT_EQ(ZSetValue::FromSorted(small, ZSetLimits{1, 64})->EncodingName(), "skiplist");
  auto z = ZSetValue::FromSorted(small, ZSetLimits{1, 64});
  EXPECT_EQ(Contents(*z), (std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2}}));
}

TEST(ZSetValue, ListpackDropsTheSignOfZeroLikeRedis) {
  ZSetValue listpack;
  Add(listpack, "x", -0.0);
  EXPECT_FALSE(std::signbit(*listpack.Score("x")));
  auto skiplist = ZSetValue::ForFirstMember(1, kAlwaysSkiplist);
  Add(*skiplist, "x", -0.0, kAlwaysSkiplist);
  EXPECT_TRUE(std::signbit(*skiplist->Score("x")));
}

TEST(ZSetValue, ListpackHandlesMembersLongerThanOneLengthByte) {
  ZSetValue z;
  ZSetLimits limits{128, 100000};
  std::string big(20000, 'b'), mid(200, 'm');
  Add(z, big, 2, limits);
  Add(z, mid, 1, limits);
  Add(z, "", 3, limits);
  EXPECT_EQ(z.EncodingName(), "listpack");
  EXPECT_EQ(MembersBackwards(z), (std::vector<std::string>{"", big, mid}));
  EXPECT_EQ(z.Rank(big), 1u);
  EXPECT_TRUE(z.Remove(big));
  EXPECT_EQ(Contents(z), (std::vector<std::pair<std::string, double>>{{mid, 1}, {"", 3}}));
}

TEST(ZSetValue, CloneIsIndependent) {
  auto z = ZSetValue::ForFirstMember(1, kAlwaysSkiplist);
  for (int i = 0; i < 50; ++i) Add(*z, std::to_string(i), i, kAlwaysSkiplist);
  std::unique_ptr<Collection> copy = z->Clone();
  z->Remove("7");
  auto& c = static_cast<ZSetValue&>(*copy);
  EXPECT_EQ(c.Length(), 50u);
  EXPECT_EQ(c.Score("7"), 7);
  EXPECT_EQ(c.EncodingName(), "skiplist");
}

TEST(ZSetValue, ScanVisitsEveryElementAcrossIndexResizes) {
  auto z = ZSetValue::ForFirstMember(1, kAlwaysSkiplist);
  for (int i = 0; i < 100; ++i) Add(*z, "k" + std::to_string(i), i, kAlwaysSkiplist);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = z->ScanStep(cursor, [&](std::string_view m, double) { seen.emplace(m); });
    // Grow the index while the scan is running; the original members must still all be seen.
    if (++steps % 5 == 0 && steps <= 40) {
      for (int i = 0; i < 40; ++i)
        Add(*z, "g" + std::to_string(steps) + "_" + std::to_string(i), 0, kAlwaysSkiplist);
    }
  } while (cursor != 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.count("k" + std::to_string(i))) << i;
}

// A model: the ordered (score, member) pairs and member -> score.
struct Model {
  std::set<std::pair<double, std::string>> ordered;
  std::map<std::string, double> scores;

  void Set(const std::string& m, double s) {
    Remove(m);
    ordered.emplace(s, m);
    scores[m] = s;
  }
  void Remove(const std::string& m) {
    auto it = scores.find(m);
    if (it == scores.end()) return;
    ordered.erase({it->second, m});
    scores.erase(it);
  }
};

void ExpectMatches(const ZSetValue& z, const Model& model) {
  ASSERT_EQ(z.Length(), model.ordered.size());
  size_t rank = 0;
  ZSetValue::Cursor c = z.First();
  for (const auto& [score, member] : model.ordered) {
    ASSERT_TRUE(c.valid());
    ASSERT_EQ(c.member(), member);
    ASSERT_EQ(c.score(), score);
    ASSERT_EQ(z.Rank(member), rank);
    c.Next();
    ++rank;
  }
  EXPECT_FALSE(c.valid());
}

void RunRandomized(const ZSetLimits& limits, uint32_t seed) {
  std::mt19937 rng(seed);
  auto z = ZSetValue::ForFirstMember(1, limits);
  Model model;
  for (int step = 0; step < 4000; ++step) {
    std::string member = "m" + std::to_string(rng() % 300);
    double score = static_cast<double>(rng() % 50);  // many ties: member order matters
    switch (rng() % 10) {
      case 0:
      case 1: {
        bool removed = z->Remove(member);
        EXPECT_EQ(removed, model.scores.count(member) == 1);
        model.Remove(member);
        break;
      }
      case 2: {
        size_t n = model.ordered.size();
        size_t begin = n ? rng() % n : 0, end = begin + rng() % 5;
        z->EraseRanks(begin, end);
        auto first = std::next(model.ordered.begin(), static_cast<long>(begin));
        auto last = std::next(first, static_cast<long>(std::min(end, n) - std::min(begin, n)));
        for (auto it = first; it != last;) {
          model.scores.erase(it->second);
          it = model.ordered.erase(it);
        }
        break;
      }
      default:
        z->Add(member, score, 0, limits);
        model.Set(member, score);
    }
    if (step % 97 == 0) ExpectMatches(*z, model);
    // Range queries against the model.
    double lo = static_cast<double>(rng() % 50), hi = lo + static_cast<double>(rng() % 10);
    bool loex = rng() % 2, hiex = rng() % 2;
    ZSetValue::Ranks r = z->RanksInScoreRange({lo, hi, loex, hiex});
    size_t expected_begin = 0, expected_count = 0;
    for (const auto& [s, m] : model.ordered) {
      if (loex ? s <= lo : s < lo) ++expected_begin;
      if ((loex ? s > lo : s >= lo) && (hiex ? s < hi : s <= hi)) ++expected_count;
    }
    ASSERT_EQ(r.size(), expected_count);
    if (expected_count) {
      ASSERT_EQ(r.begin, expected_begin);
    }
    if (!model.ordered.empty()) {
      size_t rank = rng() % model.ordered.size();
      ASSERT_EQ(z->At(rank).member(),
                std::next(model.ordered.begin(), static_cast<long>(rank))->second);
    }
  }
  ExpectMatches(*z, model);
}

TEST(ZSetValue, RandomizedSkiplistMatchesModel) {
  for (uint32_t seed = 1; seed <= 2; ++seed) RunRandomized(kAlwaysSkiplist, seed);
}

TEST(ZSetValue, RandomizedListpackMatchesModel) { RunRandomized(ZSetLimits{100000, 64}, 7); }

TEST(ZSetValue, RandomizedLexRangesMatchModelWithEqualScores) {
  std::mt19937 rng(11);
  auto z = ZSetValue::ForFirstMember(1, kAlwaysSkiplist);
  std::set<std::string> model;
  for (int i = 0; i < 500; ++i) {
    std::string m = std::to_string(rng() % 1000);
    z->Add(m, 0, 0, kAlwaysSkiplist);
    model.insert(m);
  }
  for (int i = 0; i < 500; ++i) {
    std::string a = std::to_string(rng() % 1000), b = std::to_string(rng() % 1000);
    bool aex = rng() % 2, bex = rng() % 2;
    ZLexRange range{{ZLexBound::kValue, aex, a}, {ZLexBound::kValue, bex, b}};
    size_t count = 0, begin = 0;
    for (const std::string& m : model) {
      bool above = aex ? m > a : m >= a;
      if (!above) ++begin;
      if (above && (bex ? m < b : m <= b)) ++count;
    }
    ASSERT_EQ(z->LexCount(range), count) << a << " " << b;
    if (count) {
      ASSERT_EQ(z->FirstInLexRange(range), begin);
      ASSERT_EQ(z->LastInLexRange(range), begin + count - 1);
    }
  }
}

}  // namespace
}  // namespace slotd
