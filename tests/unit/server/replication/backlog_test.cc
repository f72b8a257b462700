// ReplBacklog: offsets, wraparound, and which PSYNC offsets it can serve.
#include "server/replication/backlog.h"

#include <gtest/gtest.h>

#include <string>

namespace slotd {
namespace {

std::string From(const ReplBacklog& backlog, int64_t offset) {
  std::string out;
  EXPECT_TRUE(backlog.CopyFrom(offset, &out));
  return out;
}

TEST(ReplBacklog, EmptyBacklogServesOnlyTheNextOffset) {
  ReplBacklog backlog(100, 0);
  EXPECT_EQ(backlog.first_byte_offset(), 1);
  EXPECT_EQ(backlog.histlen(), 0u);
  EXPECT_TRUE(backlog.Covers(1));
  EXPECT_FALSE(backlog.Covers(0));
  EXPECT_FALSE(backlog.Covers(2));
  EXPECT_EQ(From(backlog, 1), "");
}

TEST(ReplBacklog, StartsAfterTheCurrentStreamOffset) {
  ReplBacklog backlog(100, 1000);
  backlog.Append("hello");
  EXPECT_EQ(backlog.first_byte_offset(), 1001);
  EXPECT_EQ(backlog.end_offset(), 1005);
  EXPECT_EQ(From(backlog, 1003), "llo");
  EXPECT_EQ(From(backlog, 1006), "");
  std::string out;
  EXPECT_FALSE(backlog.CopyFrom(1000, &out));
  EXPECT_FALSE(backlog.CopyFrom(1007, &out));
  EXPECT_TRUE(out.empty());
}

TEST(ReplBacklog, WraparoundKeepsTheNewestBytes) {
  ReplBacklog backlog(10, 0);
  backlog.Append("abcdefgh");
  backlog.Append("ijklmn");
  EXPECT_EQ(backlog.histlen(), 10u);
  EXPECT_EQ(backlog.end_offset(), 14);
  EXPECT_EQ(backlog.first_byte_offset(), 5);
  EXPECT_EQ(From(backlog, 5), "efghijklmn");
  EXPECT_EQ(From(backlog, 12), "lmn");
  EXPECT_FALSE(backlog.Covers(4));
  EXPECT_TRUE(backlog.Covers(15));
  EXPECT_FALSE(backlog.Covers(16));
}

TEST(ReplBacklog, AppendLargerThanCapacityKeepsItsTail) {
  ReplBacklog backlog(4, 0);
  backlog.Append("ab");
  backlog.Append("0123456789");
  EXPECT_EQ(backlog.end_offset(), 12);
  EXPECT_EQ(backlog.first_byte_offset(), 9);
  EXPECT_EQ(From(backlog, 9), "6789");
  backlog.Append("X");
  EXPECT_EQ(From(backlog, 10), "789X");
}

TEST(ReplBacklog, ManySmallAppendsMatchTheStream) {
  ReplBacklog backlog(37, 0);
  std::string stream;
  for (int i = 0; i < 200; ++i) {
    std::string piece = std::to_string(i * 7919) + ",";
    backlog.Append(piece);
    stream += piece;
  }
  EXPECT_EQ(backlog.end_offset(), static_cast<int64_t>(stream.size()));
  EXPECT_EQ(From(backlog, backlog.first_byte_offset()), stream.substr(stream.size() - 37));
}

TEST(ReplBacklog, ResizeShrinksToTheNewestAndGrowsWithoutLoss) {
  ReplBacklog backlog(8, 0);
  backlog.Append("abcdefghij");  // holds cdefghij
  backlog.Resize(4);
  EXPECT_EQ(backlog.first_byte_offset(), 7);
  EXPECT_EQ(From(backlog, 7), "ghij");
  backlog.Resize(16);
  backlog.Append("klm");
  EXPECT_EQ(From(backlog, 7), "ghijklm");
  EXPECT_EQ(backlog.capacity(), 16u);
}

}  // namespace
}  // namespace slotd
