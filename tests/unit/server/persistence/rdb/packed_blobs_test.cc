// Listpack, intset and ziplist codecs: Redis 7.0's exact bytes for every integer and string
// width, backlen sizes at their boundaries, and rejection of malformed blobs.
#include "server/persistence/rdb/packed_blobs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/server/persistence/rdb/rdb_test_util.h"

namespace slotd::rdb {
namespace {

using test::Unhex;

std::string Listpack(std::initializer_list<std::string> elements) {
  std::string out;
  ListpackBuilder b(&out);
  for (const auto& e : elements) b.Add(e);
  b.Finish();
  return out;
}

std::vector<std::string> ReadAll(std::string_view blob, bool ziplist = false) {
  std::vector<std::string> out;
  char buf[24];
  auto walk = [&](auto reader) {
    EXPECT_TRUE(reader) << reader.error();
    if (!reader) return;
    PackedElement e;
    for (;;) {
      auto more = reader->Next(&e);
      EXPECT_TRUE(more) << more.error();
      if (!more || !*more) return;
      out.emplace_back(e.Text(buf));
    }
  };
  if (ziplist) {
    walk(ZiplistReader::Open(blob));
  } else {
    walk(ListpackReader::Open(blob));
  }
  return out;
}

bool ListpackValid(std::string_view blob) {
  auto reader = ListpackReader::Open(blob);
  if (!reader) return false;
  PackedElement e;
  for (;;) {
    auto more = reader->Next(&e);
    if (!more) return false;
    if (!*more) return true;
  }
}

TEST(Listpack, MatchesRedisBytesForSmallEntries) {
  // The listpack inside DUMP of RPUSH list a b 3 (PROTOCOLS.md 7.7).
  EXPECT_EQ(Listpack({"a", "b", "3"}), Unhex("0f000000030081610281620203" "01ff"));
  // The hash {f:v} and zset {m:1.5} listpacks.
  EXPECT_EQ(Listpack({"f", "v"}), Unhex("0d000000020081660281760" "2ff"));
  EXPECT_EQ(Listpack({"m", "1.5"}), Unhex("0f0000000200816d0283312e3504ff"));
}

TEST(Listpack, IntegerWidthsAtEveryBoundary) {
  struct Case {
    const char* text;
    const char* hex;  // entry bytes including backlen
  };
  for (const Case& c : std::vector<Case>{{"0", "0001"},
                                         {"127", "7f01"},
                                         {"128", "c08002"},
                                         {"-1", "dfff02"},
                                         {"4095", "cfff02"},
                                         {"-4096", "d00002"},
                                         {"4096", "f1001003"},
                                         {"-32768", "f1008003"},
                                         {"32768", "f200800004"},
                                         {"8388608", "f30000800005"},
                                         {"-2147483649", "f4ffffff7fffffffff09"}}) {
    std::string lp = Listpack({c.text});
    EXPECT_EQ(lp.substr(6, lp.size() - 7), Unhex(c.hex)) << c.text;
    EXPECT_EQ(ReadAll(lp), std::vector<std::string>{c.text}) << c.text;
  }
}

TEST(Listpack, NonCanonicalNumbersStayStrings) {
  for (const char* text : {"007", "-0", "+1", "1 ", "", "99999999999999999999"}) {
    std::string lp = Listpack({text});
    uint8_t first = static_cast<uint8_t>(lp[6]);
    EXPECT_EQ(first & 0xC0, 0x80) << text;
    EXPECT_EQ(ReadAll(lp), std::vector<std::string>{text}) << text;
  }
}

TEST(Listpack, StringWidthsAndBacklensRoundTrip) {
  for (size_t len : {0, 63, 64, 125, 126, 127, 128, 4095, 4096, 16380, 16383, 70000}) {
    std::string s(len, 'z');
    std::string lp = Listpack({s, "x"});
    EXPECT_EQ(ReadAll(lp), (std::vector<std::string>{s, "x"})) << len;
  }
}

TEST(Listpack, CountAbove65534IsStoredAsUnknown) {
  std::string out;
  ListpackBuilder b(&out);
  for (int i = 0; i < 70000; ++i) b.AddInteger(i % 100);
  b.Finish();
  EXPECT_EQ(out.substr(4, 2), "\xff\xff");
  EXPECT_EQ(ReadAll(out).size(), 70000u);
}

TEST(Listpack, MalformedBlobsAreRejected) {
  std::string good = Listpack({"a", "1000", std::string(200, 'q')});
  ASSERT_TRUE(ListpackValid(good));
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_FALSE(ListpackValid(good.substr(0, len))) << len;
  }
  std::string bad_count = good;
  bad_count[4] = 4;
  EXPECT_FALSE(ListpackValid(bad_count));
  std::string bad_backlen = good;
  bad_backlen[8] = 9;  // "a"'s backlen
  EXPECT_FALSE(ListpackValid(bad_backlen));
  std::string bad_encoding = good;
  bad_encoding[6] = static_cast<char>(0xF5);
  EXPECT_FALSE(ListpackValid(bad_encoding));
  std::string long_string = good;
  long_string[6] = static_cast<char>(0xBF);  // claims 63 bytes
  EXPECT_FALSE(ListpackValid(long_string));
}

TEST(Ziplist, ReadsEveryEntryKind) {
  // "a", immediate 5, int16 300, "hello", int8 -3, int24 70000, int32, int64 (hand-built).
  std::string entries = Unhex("000161" "03f6" "02c02c01" "040568656c6c6f" "07fefd" "03f0701101"
                              "05d000e1f505" "06e000e40b5402000000");
  std::string zl(10, '\0');
  zl += entries;
  zl.push_back(static_cast<char>(0xFF));
  size_t tail = 10 + entries.size() - 10;  // the int64 entry is the last 10 bytes
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) zl[at + i] = static_cast<char>(v >> (8 * i));
  };
  put32(0, static_cast<uint32_t>(zl.size()));
  put32(4, static_cast<uint32_t>(tail));
  zl[8] = 8;
  EXPECT_EQ(ReadAll(zl, true),
            (std::vector<std::string>{"a", "5", "300", "hello", "-3", "70000", "100000000",
                                      "10000000000"}));
  std::string bad_prevlen = zl;
  bad_prevlen[13] = 9;
  auto reader = ZiplistReader::Open(bad_prevlen);
  ASSERT_TRUE(reader);
  PackedElement e;
  EXPECT_TRUE(*reader->Next(&e));
  EXPECT_FALSE(reader->Next(&e));
}

TEST(Intset, NarrowestWidthAndValidation) {
  std::string out;
  std::vector<int64_t> small{1, 2, 3};
  BuildIntset(small, &out);
  EXPECT_EQ(out, Unhex("0200000003000000010002000300"));  // as DUMP of SADD s 1 2 3
  for (auto values : std::vector<std::vector<int64_t>>{
           {-32768, 32767}, {-32769, 5}, {1, 2147483648}, {INT64_MIN, 0, INT64_MAX}}) {
    std::string blob;
    BuildIntset(values, &blob);
    auto view = IntsetView::Open(blob);
    ASSERT_TRUE(view) << view.error();
    ASSERT_EQ(view->size(), values.size());
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(view->At(i), values[i]);
  }
  EXPECT_FALSE(IntsetView::Open(Unhex("0300000001000000010000")));  // width 3
  EXPECT_FALSE(IntsetView::Open(Unhex("02000000020000000100")));  // short
  EXPECT_FALSE(IntsetView::Open(Unhex("02000000020000000100020000")));  // odd size
  EXPECT_FALSE(IntsetView::Open(Unhex("020000000200000002000100")));  // descending
  EXPECT_FALSE(IntsetView::Open(Unhex("020000000200000001000100")));  // duplicate
}

}  // namespace
}  // namespace slotd::rdb
