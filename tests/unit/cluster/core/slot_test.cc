#include "cluster/core/slot.h"

#include <gtest/gtest.h>

#include "cluster/core/crc16.h"

namespace slotd {
namespace {

TEST(Crc16, CheckValue) { EXPECT_EQ(Crc16Xmodem("123456789"), 0x31C3); }

TEST(KeyHashSlot, MatchesRedisVectors) {
  EXPECT_EQ(KeyHashSlot("a"), 15495);
  EXPECT_EQ(KeyHashSlot("b"), 3300);
  EXPECT_EQ(KeyHashSlot("c"), 7365);
  EXPECT_EQ(KeyHashSlot("foo"), 12182);
  EXPECT_EQ(KeyHashSlot("bar"), 5061);
  EXPECT_EQ(KeyHashSlot("hello"), 866);
  EXPECT_EQ(KeyHashSlot(""), 0);
  EXPECT_EQ(KeyHashSlot("key3444"), 0);
}

TEST(KeyHashSlot, HashTags) {
  EXPECT_EQ(KeyHashSlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeyHashSlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeyHashSlot("foo{}{bar}"), 8363);   // empty tag: whole key
  EXPECT_EQ(KeyHashSlot("foo{{bar}}zap"), 4015);  // hashes "{bar"
  EXPECT_EQ(KeyHashSlot("foo{bar}{zap}"), 5061);  // hashes "bar"
  EXPECT_EQ(HashTagOf("no-close{brace"), "no-close{brace");
}

}  // namespace
}  // namespace slotd
