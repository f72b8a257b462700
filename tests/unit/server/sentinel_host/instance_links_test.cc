// Replies from monitored instances as the node sees them: hiredis's parse of real Redis bytes,
// converted to sentinel::Reply.
#include "server/sentinel_host/instance_links.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string_view>

namespace slotd {
namespace {

using sentinel::Reply;

Reply Parse(std::string_view bytes) {
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, bytes.data(), bytes.size());
  void* raw = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader, &raw), REDIS_OK);
  redisReaderFree(reader);
  EXPECT_NE(raw, nullptr);
  if (raw == nullptr) return {};
  Reply out = ConvertReply(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return out;
}

TEST(SentinelReplyConversion, IsMasterDownReplyKeepsTypes) {
  // redis-sentinel 7.0's answer to SENTINEL is-master-down-by-addr for an unknown master.
  Reply r = Parse("*3\r\n:0\r\n$1\r\n*\r\n:0\r\n");
  ASSERT_EQ(r.type, Reply::Type::kArray);
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].type, Reply::Type::kInteger);
  EXPECT_EQ(r.elements[0].integer, 0);
  EXPECT_EQ(r.elements[1].type, Reply::Type::kString);
  EXPECT_EQ(r.elements[1].str, "*");
  EXPECT_EQ(r.elements[2].integer, 0);
}

TEST(SentinelReplyConversion, StatusErrorNilAndBinaryStrings) {
  Reply pong = Parse("+PONG\r\n");
  EXPECT_EQ(pong.type, Reply::Type::kStatus);
  EXPECT_EQ(pong.str, "PONG");
  Reply loading = Parse("-LOADING Redis is loading the dataset in memory\r\n");
  EXPECT_EQ(loading.type, Reply::Type::kError);
  EXPECT_EQ(loading.str, "LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(Parse("$-1\r\n").type, Reply::Type::kNil);
  EXPECT_EQ(Parse("*-1\r\n").type, Reply::Type::kNil);
  Reply bin = Parse(std::string_view("$3\r\na\0b\r\n", 9));
  EXPECT_EQ(bin.str, std::string("a\0b", 3));
  Reply big = Parse(":-9223372036854775808\r\n");
  EXPECT_EQ(big.integer, INT64_MIN);
}

TEST(SentinelReplyConversion, NestedArraysAndEmptyArray) {
  Reply r = Parse("*2\r\n*0\r\n*1\r\n$4\r\nINFO\r\n");
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].type, Reply::Type::kArray);
  EXPECT_TRUE(r.elements[0].elements.empty());
  ASSERT_EQ(r.elements[1].elements.size(), 1u);
  EXPECT_EQ(r.elements[1].elements[0].str, "INFO");
}

}  // namespace
}  // namespace slotd
