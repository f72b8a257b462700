// Object: inline/heap string storage around the 16-byte boundary, in-place edits, move semantics,
// OBJECT ENCODING names (checked against redis-server 7.0) and the shared LRU/LFU access stamp.
#include "server/keyspace/object.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "server/keyspace/list_value.h"

namespace slotd {
namespace {

const std::string k16(16, 'a');
const std::string k17(17, 'b');

TEST(Object, LiteralsAndStdStringsBuildStrings) {
  Object from_literal = Object::String("literal");
  std::string text = "from std::string";
  Object from_string = Object::String(std::move(text));
  EXPECT_EQ(from_literal.str(), "literal");
  EXPECT_EQ(from_string.str(), "from std::string");
  EXPECT_TRUE(from_literal.is_string());
  EXPECT_EQ(from_literal.type(), ObjectType::kString);
}

TEST(Object, SixteenBytesStayInlineAndSeventeenGoToTheHeap) {
  Object inline_value = Object::String(k16);
  Object heap_value = Object::String(k17);
  EXPECT_EQ(inline_value.str(), k16);
  EXPECT_EQ(heap_value.str(), k17);
  const char* base = reinterpret_cast<const char*>(&inline_value);
  EXPECT_GE(inline_value.str().data(), base);
  EXPECT_LT(inline_value.str().data(), base + sizeof(Object));
  EXPECT_EQ(inline_value.MemoryUsage(), sizeof(Object));
  EXPECT_GE(heap_value.MemoryUsage(), sizeof(Object) + 17);
}

TEST(Object, EmptyStringsAndBinaryBytesRoundTrip) {
  EXPECT_EQ(Object::String("").str(), "");
  const std::string binary("a\0b\xff", 4);
  EXPECT_EQ(Object::String(binary).str(), binary);
}

TEST(Object, AppendCrossesFromInlineToHeapAndKeepsTheBytes) {
  Object o = Object::String("0123456789");
  o.Append("abcdef");  // 16: still inline
  EXPECT_EQ(o.str(), "0123456789abcdef");
  EXPECT_EQ(o.MemoryUsage(), sizeof(Object));
  o.Append("g");  // 17: heap
  EXPECT_EQ(o.str(), "0123456789abcdefg");
  EXPECT_GT(o.MemoryUsage(), sizeof(Object));
  std::string expected(o.str());
  for (int i = 0; i < 1000; ++i) {
    o.Append("xyz");
    expected += "xyz";
  }
  EXPECT_EQ(o.str(), expected);
}

TEST(Object, AppendOfItsOwnBytesWorksAcrossReallocation) {
  Object o = Object::String("abcdefghij");
  o.Append(o.str());  // 20 bytes: moves to the heap while reading its inline bytes
  EXPECT_EQ(o.str(), "abcdefghijabcdefghij");
  o.Append(o.str().substr(5));
  EXPECT_EQ(o.str(), "abcdefghijabcdefghijfghijabcdefghij");
}

TEST(Object, ResizeStringZeroFillsGrowthAndShrinksBackInline) {
  Object o = Object::String("abc");
  char* bytes = o.ResizeString(20);
  EXPECT_EQ(o.str(), std::string("abc") + std::string(17, '\0'));
  bytes[19] = 'z';
  EXPECT_EQ(o.str().back(), 'z');
  o.ResizeString(16);
  EXPECT_EQ(o.str(), std::string("abc") + std::string(13, '\0'));
  EXPECT_EQ(o.MemoryUsage(), sizeof(Object));
  o.ResizeString(2);
  EXPECT_EQ(o.str(), "ab");
}

TEST(Object, SetStringReplacesAcrossTheBoundaryBothWays) {
  Object o = Object::String("short");
  o.SetString(k17);
  EXPECT_EQ(o.str(), k17);
  o.SetString("12345678901234567890");
  EXPECT_EQ(o.str(), "12345678901234567890");
  o.SetString(o.str().substr(2));  // overlapping source
  EXPECT_EQ(o.str(), "345678901234567890");
  o.SetString("7");
  EXPECT_EQ(o.str(), "7");
  EXPECT_EQ(o.MemoryUsage(), sizeof(Object));
}

TEST(Object, MoveLeavesTheSourceEmptyAndKeepsTheStamp) {
  Object heap = Object::String(k17);
  heap.set_lru_clock(1234);
  Object moved(std::move(heap));
  EXPECT_EQ(moved.str(), k17);
  EXPECT_EQ(moved.lru_clock(), 1234u);
  EXPECT_TRUE(moved.access_stamped());
  EXPECT_EQ(heap.str(), "");  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_FALSE(heap.access_stamped());  // NOLINT(bugprone-use-after-move)

  Object target = Object::String("old value that is long");
  target = std::move(moved);
  EXPECT_EQ(target.str(), k17);
  EXPECT_EQ(moved.str(), "");  // NOLINT(bugprone-use-after-move)

  Object list = Object::FromCollection(ObjectType::kList, std::make_unique<ListValue>(-2));
  target = std::move(list);
  EXPECT_EQ(target.type(), ObjectType::kList);
  EXPECT_NE(target.collection(), nullptr);
  EXPECT_TRUE(list.is_string());          // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(list.collection(), nullptr);  // NOLINT(bugprone-use-after-move)
}

// Each expectation matches OBJECT ENCODING on redis-server 7.0 after the same command.
TEST(Object, StringEncodingsFollowHowRedisBuiltTheValue) {
  EXPECT_EQ(Object::String("123").EncodingName(), "int");  // SET k 123
  EXPECT_EQ(Object::String("-1").EncodingName(), "int");
  EXPECT_EQ(Object::String("007").EncodingName(), "embstr");                      // not canonical
  EXPECT_EQ(Object::String("12345678901234567890123").EncodingName(), "embstr");  // too long
  EXPECT_EQ(Object::String("abc").EncodingName(), "embstr");
  EXPECT_EQ(Object::String("").EncodingName(), "embstr");
  EXPECT_EQ(Object::String(std::string(44, 'a')).EncodingName(), "embstr");
  EXPECT_EQ(Object::String(std::string(45, 'a')).EncodingName(), "raw");
  // INCRBYFLOAT: createStringObject, never "int".
  EXPECT_EQ(Object::String("3", StringEncoding::kEmbstr).EncodingName(), "embstr");

  Object o = Object::String("123");
  o.Append("4");  // APPEND k 4
  EXPECT_EQ(o.EncodingName(), "raw");
  o.SetString("1235");  // INCR k
  EXPECT_EQ(o.EncodingName(), "int");
  o.Append("");  // even an empty APPEND unshares the value
  EXPECT_EQ(o.EncodingName(), "raw");
  o.SetString("abc");
  EXPECT_EQ(o.EncodingName(), "embstr");
  o.ResizeString(3)[1] = 'x';  // SETRANGE k 1 x
  EXPECT_EQ(o.EncodingName(), "raw");
  EXPECT_EQ(o.str(), "axc");
}

TEST(Object, CloneCopiesBytesEncodingAndStamp) {
  Object o = Object::String(k17);
  o.Append("!");
  o.set_lru_clock(77);
  Object copy = o.Clone();
  EXPECT_EQ(copy.str(), o.str());
  EXPECT_NE(copy.str().data(), o.str().data());
  EXPECT_EQ(copy.EncodingName(), "raw");
  EXPECT_EQ(copy.lru_clock(), 77u);

  Object list = Object::FromCollection(ObjectType::kList, std::make_unique<ListValue>(-2));
  Object list_copy = list.Clone();
  EXPECT_EQ(list_copy.type(), ObjectType::kList);
  EXPECT_NE(list_copy.collection(), list.collection());
}

TEST(Object, AccessStampHoldsEitherTheLruClockOrTheLfuPair) {
  Object o = Object::String("v");
  EXPECT_FALSE(o.access_stamped());
  o.set_lru_clock(0xFFFFFFF0u);
  EXPECT_TRUE(o.access_stamped());
  EXPECT_EQ(o.lru_clock(), 0xFFFFFFF0u);
  o.set_lfu(65535, 5);
  EXPECT_EQ(o.lfu_decr_time(), 65535);
  EXPECT_EQ(o.lfu_counter(), 5);
  o.set_lfu(1, 255);
  EXPECT_EQ(o.lfu_decr_time(), 1);
  EXPECT_EQ(o.lfu_counter(), 255);
  EXPECT_EQ(o.str(), "v");  // the stamp shares no bytes with the string

  Object fresh = Object::String("w");
  fresh.CopyAccessStamp(o);
  EXPECT_TRUE(fresh.access_stamped());
  EXPECT_EQ(fresh.lfu_counter(), 255);
  EXPECT_EQ(fresh.str(), "w");
}

}  // namespace
}  // namespace slotd
