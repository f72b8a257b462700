// SetValue: intset/hashtable encodings, conversion rules, membership across encodings, random
// members.
#include "server/keyspace/set_value.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace slotd {
namespace {

constexpr int64_t kMaxIntset = 512;

std::vector<std::string> Members(const SetValue& set) {
  std::vector<std::string> out;
  set.ForEach([&](const SetMember& m) {
    char buf[24];
    out.emplace_back(m.Text(buf));
  });
  return out;
}

TEST(SetValue, IntegersStaySortedInAnIntset) {
  SetValue set;
  for (const char* m : {"3", "-5", "100", "1", "3"}) set.Add(m, kMaxIntset);
  EXPECT_EQ(set.EncodingName(), "intset");
  EXPECT_EQ(Members(set), (std::vector<std::string>{"-5", "1", "3", "100"}));
  EXPECT_TRUE(set.Contains("100"));
  EXPECT_FALSE(set.Contains("2"));
  EXPECT_FALSE(set.Contains("abc"));
}

TEST(SetValue, ExtremeIntegersAreIntsetMembers) {
  SetValue set;
  EXPECT_TRUE(set.Add("9223372036854775807", kMaxIntset));
  EXPECT_TRUE(set.Add("-9223372036854775808", kMaxIntset));
  EXPECT_EQ(set.EncodingName(), "intset");
  EXPECT_EQ(Members(set),
            (std::vector<std::string>{"-9223372036854775808", "9223372036854775807"}));
}

TEST(SetValue, NonCanonicalIntegersConvertToHashtable) {
  for (const char* member : {"07", "+1", " 1", "1.0", "9223372036854775808", "-0", "", "a"}) {
    SetValue set;
    set.Add("1", kMaxIntset);
    EXPECT_TRUE(set.Add(member, kMaxIntset)) << member;
    EXPECT_EQ(set.EncodingName(), "hashtable") << member;
    EXPECT_TRUE(set.Contains("1")) << member;
    EXPECT_TRUE(set.Contains(member)) << member;
    EXPECT_EQ(set.Length(), 2u);
  }
}

TEST(SetValue, ConvertsPastMaxIntsetEntries) {
  SetValue set;
  for (int i = 1; i <= 512; ++i) set.Add(std::to_string(i), kMaxIntset);
  EXPECT_EQ(set.EncodingName(), "intset");
  EXPECT_TRUE(set.Add("513", kMaxIntset));
  EXPECT_EQ(set.EncodingName(), "hashtable");
  EXPECT_EQ(set.Length(), 513u);
  for (int i = 1; i <= 513; ++i) ASSERT_TRUE(set.Contains(std::to_string(i)));
  for (int i = 1; i <= 500; ++i) set.Remove(std::to_string(i));
  EXPECT_EQ(set.EncodingName(), "hashtable");  // never converts back
}

TEST(SetValue, FirstMemberChoosesTheInitialEncoding) {
  EXPECT_EQ(SetValue::ForFirstMember("12")->EncodingName(), "intset");
  EXPECT_EQ(SetValue::ForFirstMember("x")->EncodingName(), "hashtable");
}

TEST(SetValue, MembershipOfIntegerMembersWorksAcrossEncodings) {
  SetValue ints;
  ints.Add("42", kMaxIntset);
  SetValue strings(/*intset=*/false);
  strings.Add("42", kMaxIntset);
  strings.Add("x", kMaxIntset);
  EXPECT_TRUE(strings.Contains(SetMember::Int(42)));
  EXPECT_TRUE(ints.Contains(SetMember::Str("42")));
  EXPECT_FALSE(ints.Contains(SetMember::Str("x")));
  EXPECT_TRUE(ints.Add(SetMember::Str("x"), kMaxIntset));
  EXPECT_EQ(ints.EncodingName(), "hashtable");
  EXPECT_TRUE(ints.Contains(SetMember::Int(42)));
}

TEST(SetValue, RemoveAndPopEmptyTheSet) {
  SetValue set;
  set.Add("1", kMaxIntset);
  set.Add("2", kMaxIntset);
  EXPECT_FALSE(set.Remove("3"));
  EXPECT_FALSE(set.Remove("x"));
  EXPECT_TRUE(set.Remove("1"));
  EXPECT_EQ(set.PopRandom(), "2");
  EXPECT_EQ(set.Length(), 0u);
}

TEST(SetValue, PopRandomReturnsEachMemberOnce) {
  for (int n : {100, 1000}) {
    SetValue set;
    for (int i = 0; i < n; ++i) set.Add(std::to_string(i), kMaxIntset);
    std::set<std::string> popped;
    while (set.Length() > 0) EXPECT_TRUE(popped.insert(set.PopRandom()).second);
    EXPECT_EQ(popped.size(), static_cast<size_t>(n));
  }
}

TEST(SetValue, RandomMembersAreUniformInBothEncodings) {
  for (bool intset : {true, false}) {
    SetValue set(intset);
    for (int i = 0; i < 20; ++i) set.Add(std::to_string(i), kMaxIntset);
    ASSERT_EQ(set.is_intset(), intset);
    std::vector<SetMember> members;
    set.RandomMembers(40000, &members);
    std::map<std::string, int> hits;
    for (const SetMember& m : members) {
      char buf[24];
      ++hits[std::string(m.Text(buf))];
    }
    ASSERT_EQ(hits.size(), 20u);
    for (const auto& [member, count] : hits) {
      EXPECT_GT(count, 1700) << member;  // expected 2000, sigma ~44
      EXPECT_LT(count, 2300) << member;
    }
  }
}

TEST(SetValue, DistinctRandomMembersNeverRepeat) {
  for (bool intset : {true, false}) {
    SetValue set(intset);
    for (int i = 0; i < 100; ++i) set.Add(std::to_string(i), kMaxIntset);
    for (size_t count : {1u, 30u, 34u, 99u, 100u, 101u}) {
      std::vector<SetMember> members;
      set.DistinctRandomMembers(count, &members);
      std::set<std::string> unique;
      for (const SetMember& m : members) {
        char buf[24];
        unique.insert(std::string(m.Text(buf)));
      }
      EXPECT_EQ(members.size(), std::min<size_t>(count, 100));
      EXPECT_EQ(unique.size(), members.size());
    }
  }
}

}  // namespace
}  // namespace slotd
