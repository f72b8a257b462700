// NodeId parsing/validation/generation, SlotBitmap wire form and ranges, Rng determinism.
#include "cluster/core/node_id.h"

#include <gtest/gtest.h>

#include <set>

#include "cluster/core/slot_bitmap.h"

namespace slotd {
namespace {

TEST(NodeId, ParsesRedisNames) {
  auto id = NodeId::Parse("3d35e35aa2b52df5e56f9cf1820b50e98441a1b4");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->view(), "3d35e35aa2b52df5e56f9cf1820b50e98441a1b4");
  EXPECT_FALSE(id->IsNull());
  EXPECT_TRUE(NodeId::IsValid(std::string(40, 'z')));  // verifyClusterNodeId accepts a-z
}

TEST(NodeId, RejectsWrongLengthUppercaseAndSymbols) {
  EXPECT_FALSE(NodeId::Parse(std::string(39, 'a')).ok());
  EXPECT_FALSE(NodeId::Parse(std::string(41, 'a')).ok());
  EXPECT_FALSE(NodeId::Parse("").ok());
  EXPECT_FALSE(NodeId::Parse(std::string(39, 'a') + "A").ok());
  EXPECT_FALSE(NodeId::Parse(std::string(39, 'a') + "-").ok());
  EXPECT_FALSE(NodeId::Parse(std::string(39, 'a') + '\0').ok());
  EXPECT_EQ(NodeId::Parse("abc").error(), "node id: expected 40 chars of [0-9a-z], got 3 bytes");
}

TEST(NodeId, DefaultIsTheNullWireName) {
  NodeId id;
  EXPECT_TRUE(id.IsNull());
  EXPECT_EQ(id.view(), std::string(40, '\0'));
}

TEST(NodeId, GenerateIsLowercaseHexAndSeedDeterministic) {
  Rng a(1), b(1), c(2);
  const NodeId x = NodeId::Generate(a);
  EXPECT_EQ(x, NodeId::Generate(b));
  EXPECT_NE(x, NodeId::Generate(c));
  EXPECT_TRUE(NodeId::IsValid(x.view()));
  EXPECT_EQ(x.view().find_first_not_of("0123456789abcdef"), std::string_view::npos);
  std::set<NodeId> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NodeId::Generate(a));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Rng, BelowStaysInBounds) {
  Rng r(7);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(r.Below(3), 3u);
}

TEST(SlotBitmap, WireBitOrderIsLsbFirst) {
  SlotBitmap b;
  b.Set(0);
  b.Set(9);
  b.Set(16383);
  uint8_t wire[2048];
  b.ToWire(wire);
  EXPECT_EQ(wire[0], 0x01);
  EXPECT_EQ(wire[1], 0x02);
  EXPECT_EQ(wire[2047], 0x80);
  EXPECT_EQ(SlotBitmap::FromWire(wire), b);
}

TEST(SlotBitmap, RangesCountAndClear) {
  SlotBitmap b;
  EXPECT_TRUE(b.Empty());
  b.SetRange(0, 5460);
  b.SetRange(10923, 16383);
  b.Set(7000);
  EXPECT_EQ(b.Count(), 5461 + 5461 + 1);
  EXPECT_EQ(b.Ranges(),
            (std::vector<std::pair<int, int>>{{0, 5460}, {7000, 7000}, {10923, 16383}}));
  b.Clear(7000);
  b.Clear(0);
  EXPECT_FALSE(b.Test(0));
  EXPECT_TRUE(b.Test(1));
  EXPECT_EQ(b.Ranges().size(), 2u);
}

TEST(SlotBitmap, OutOfRangeSlotsAreIgnored) {
  SlotBitmap b;
  b.Set(-1);
  b.Set(16384);
  b.SetRange(16380, 2147483647);
  b.SetRange(-2147483647 - 1, -5);
  EXPECT_FALSE(b.Test(-1));
  EXPECT_FALSE(b.Test(16384));
  EXPECT_EQ(b.Count(), 4);
}

}  // namespace
}  // namespace slotd
