// ListValue: push/pop at both ends, indexing, insertion with node splits, removal and trimming,
// checked against a std::deque model across node-size settings (list-max-listpack-size).
#include "server/keyspace/list_value.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

namespace slotd {
namespace {

using End = ListValue::End;

std::vector<std::string> Elements(const ListValue& list) {
  std::vector<std::string> out;
  list.ForEach([&](std::string_view v) { out.emplace_back(v); });
  return out;
}

std::vector<std::string> Backwards(const ListValue& list) {
  std::vector<std::string> out;
  if (list.Length() == 0) return out;
  for (auto c = list.CursorAt(list.Length() - 1); c.valid(); c.Prev()) out.emplace_back(c.value());
  return out;
}

void ExpectSame(const ListValue& list, const std::deque<std::string>& model) {
  ASSERT_TRUE(list.Validate());
  ASSERT_EQ(list.Length(), model.size());
  std::vector<std::string> expected(model.begin(), model.end());
  ASSERT_EQ(Elements(list), expected);
  std::vector<std::string> reversed(model.rbegin(), model.rend());
  ASSERT_EQ(Backwards(list), reversed);
}

TEST(ListValue, ReportsQuicklistEncodingLikeRedis70) {
  ListValue list(-2);
  list.Push(End::kTail, "a");
  EXPECT_EQ(list.EncodingName(), "quicklist");
}

TEST(ListValue, PushBothEndsKeepsOrder) {
  ListValue list(-2);
  list.Push(End::kTail, "b");
  list.Push(End::kHead, "a");
  list.Push(End::kTail, "c");
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(list.Peek(End::kHead), "a");
  EXPECT_EQ(list.Peek(End::kTail), "c");
  list.Pop(End::kHead);
  list.Pop(End::kTail);
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"b"}));
  list.Pop(End::kTail);
  EXPECT_EQ(list.Length(), 0u);
}

TEST(ListValue, StoresEmptyAndLargeElementsWithMultiByteLengths) {
  ListValue list(-2);
  std::string big(20000, 'x');  // 3-byte varint, larger than a node: gets its own node
  std::string mid(200, 'y');    // 2-byte varint
  list.Push(End::kTail, "");
  list.Push(End::kTail, big);
  list.Push(End::kHead, mid);
  list.Push(End::kTail, "z");
  EXPECT_EQ(Elements(list), (std::vector<std::string>{mid, "", big, "z"}));
  EXPECT_EQ(Backwards(list), (std::vector<std::string>{"z", big, "", mid}));
  EXPECT_EQ(list.At(2), big);
  list.Set(2, "small");
  EXPECT_EQ(list.At(2), "small");
  list.Set(1, big);
  EXPECT_EQ(Elements(list), (std::vector<std::string>{mid, big, "small", "z"}));
}

TEST(ListValue, PositiveFillLimitsEntriesPerNode) {
  ListValue list(3);
  for (int i = 0; i < 10; ++i) list.Push(End::kTail, std::to_string(i));
  // 10 entries in nodes of at most 3: at least 4 nodes, visible as a larger memory footprint than
  // one node.
  ListValue one_node(-5);
  for (int i = 0; i < 10; ++i) one_node.Push(End::kTail, std::to_string(i));
  EXPECT_GT(list.MemoryUsage(), one_node.MemoryUsage());
  EXPECT_EQ(list.At(9), "9");
  EXPECT_EQ(list.At(4), "4");
}

TEST(ListValue, InsertAtPivotSplitsFullNodes) {
  ListValue list(2);  // two entries per node forces splits
  for (const char* v : {"a", "b", "c", "d"}) list.Push(End::kTail, v);
  EXPECT_TRUE(list.InsertAtPivot("b", "X", /*after=*/false));
  EXPECT_TRUE(list.InsertAtPivot("b", "Y", /*after=*/true));
  EXPECT_TRUE(list.InsertAtPivot("d", "Z", /*after=*/true));
  EXPECT_FALSE(list.InsertAtPivot("nope", "W", true));
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"a", "X", "b", "Y", "c", "d", "Z"}));
}

TEST(ListValue, RemoveMatchesFromEitherEndWithLimit) {
  ListValue list(2);
  for (const char* v : {"a", "b", "a", "c", "a", "d", "a"}) list.Push(End::kTail, v);
  EXPECT_EQ(list.RemoveMatches("a", 2, /*from_tail=*/false), 2u);
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"b", "c", "a", "d", "a"}));
  EXPECT_EQ(list.RemoveMatches("a", 1, /*from_tail=*/true), 1u);
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"b", "c", "a", "d"}));
  EXPECT_EQ(list.RemoveMatches("a", 0, false), 1u);
  EXPECT_EQ(list.RemoveMatches("zz", 0, false), 0u);
  EXPECT_EQ(Elements(list), (std::vector<std::string>{"b", "c", "d"}));
}

TEST(ListValue, EraseRangeAcrossNodes) {
  ListValue list(3);
  std::deque<std::string> model;
  for (int i = 0; i < 20; ++i) {
    list.Push(End::kTail, std::to_string(i));
    model.push_back(std::to_string(i));
  }
  list.EraseRange(2, 9);
  model.erase(model.begin() + 2, model.begin() + 11);
  ExpectSame(list, model);
  list.EraseRange(0, list.Length());
  EXPECT_EQ(list.Length(), 0u);
}

TEST(ListValue, CloneIsIndependent) {
  ListValue list(-2);
  for (int i = 0; i < 5; ++i) list.Push(End::kTail, std::to_string(i));
  auto copy = list.Clone();
  list.Pop(End::kHead);
  auto& cloned = static_cast<ListValue&>(*copy);
  EXPECT_EQ(cloned.Length(), 5u);
  EXPECT_EQ(cloned.At(0), "0");
  EXPECT_EQ(list.At(0), "1");
}

std::string RandomValue(std::mt19937& rng) {
  static const size_t kSizes[] = {0, 1, 5, 20, 130, 900, 5000};
  size_t len = kSizes[rng() % 7];
  std::string v(len, 'a');
  for (char& ch : v) ch = static_cast<char>('a' + rng() % 3);
  return v;
}

// Random operations against a deque model, for every node sizing rule.
class ListValueModel : public ::testing::TestWithParam<int> {};

TEST_P(ListValueModel, MatchesDequeUnderRandomOperations) {
  std::mt19937 rng(1234 + GetParam());
  ListValue list(GetParam());
  std::deque<std::string> model;
  for (int step = 0; step < 6000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    std::string v = RandomValue(rng);
    if (op <= 2 || model.empty()) {
      bool head = rng() % 2;
      list.Push(head ? End::kHead : End::kTail, v);
      head ? model.push_front(v) : model.push_back(v);
    } else if (op == 3) {
      bool head = rng() % 2;
      ASSERT_EQ(list.Peek(head ? End::kHead : End::kTail), head ? model.front() : model.back());
      list.Pop(head ? End::kHead : End::kTail);
      head ? model.pop_front() : model.pop_back();
    } else if (op == 4) {
      size_t i = rng() % model.size();
      ASSERT_EQ(list.At(i), model[i]);
      list.Set(i, v);
      model[i] = v;
    } else if (op == 5) {
      const std::string pivot = model[rng() % model.size()];
      bool after = rng() % 2;
      ASSERT_TRUE(list.InsertAtPivot(pivot, v, after));
      auto it = std::find(model.begin(), model.end(), pivot);
      model.insert(after ? it + 1 : it, v);
    } else if (op == 6 && step % 7 == 0) {
      bool from_tail = rng() % 2;
      uint64_t limit = rng() % 3;
      size_t removed = list.RemoveMatches(v, limit, from_tail);
      size_t expected = 0;
      if (from_tail) {
        for (size_t i = model.size(); i-- > 0 && (limit == 0 || expected < limit);) {
          if (model[i] == v) model.erase(model.begin() + i), ++expected;
        }
      } else {
        for (size_t i = 0; i < model.size() && (limit == 0 || expected < limit);) {
          if (model[i] == v)
            model.erase(model.begin() + i), ++expected;
          else
            ++i;
        }
      }
      ASSERT_EQ(removed, expected);
    } else if (op == 7 && step % 11 == 0) {
      size_t start = rng() % model.size();
      size_t count = rng() % (model.size() - start + 1);
      list.EraseRange(start, count);
      model.erase(model.begin() + start, model.begin() + start + count);
    } else {
      size_t i = rng() % model.size();
      ASSERT_EQ(list.At(i), model[i]);
    }
    if (step % 500 == 0) ExpectSame(list, model);
  }
  ExpectSame(list, model);
}

TEST(ListValue, DefaultFillPacksSmallElementsIntoEightKibNodes) {
  ListValue list(-2);
  for (int i = 0; i < 100000; ++i)
    list.Push(i % 2 ? End::kTail : End::kHead, "element:" + std::to_string(i));
  ASSERT_TRUE(list.Validate());
  // About 16 bytes per entry: ~500 entries per 8 KiB node.
  EXPECT_LT(list.node_count(), 250u);
  EXPECT_GT(list.node_count(), 150u);
  EXPECT_LT(list.MemoryUsage(), 100000u * 20);
  EXPECT_EQ(list.At(49999), "element:0");
  EXPECT_EQ(list.At(50000), "element:1");
  EXPECT_EQ(list.At(0), "element:99998");
  EXPECT_EQ(list.At(99999), "element:99999");
}

INSTANTIATE_TEST_SUITE_P(Fills, ListValueModel, ::testing::Values(-1, -2, -5, 1, 2, 5, 128, 0));

}  // namespace
}  // namespace slotd
