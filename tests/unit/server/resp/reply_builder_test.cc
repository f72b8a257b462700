// ReplyBuilder: the exact RESP2 and RESP3 bytes of every method. Expected bytes were taken from
// redis-server 7.0.15 (DEBUG PROTOCOL <type>, ZSCORE, HGETALL, SMEMBERS, SUBSCRIBE, CLIENT INFO,
// ...).
#include "server/resp/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace slotd::resp {
namespace {

using namespace std::string_literals;

// Runs `write` against a builder speaking `protocol` and returns the bytes it produced.
template <typename Fn>
std::string Emit(int protocol, Fn write) {
  std::string out;
  ReplyBuilder builder(&out);
  builder.set_protocol(protocol);
  write(builder);
  return out;
}

// Expects the same bytes in both protocols.
template <typename Fn>
void ExpectBoth(Fn write, std::string_view expected) {
  EXPECT_EQ(Emit(2, write), expected);
  EXPECT_EQ(Emit(3, write), expected);
}

TEST(ReplyBuilder, DefaultsToResp2) {
  std::string out;
  ReplyBuilder builder(&out);
  EXPECT_EQ(builder.protocol(), 2);
  EXPECT_FALSE(builder.resp3());
  builder.set_protocol(3);
  EXPECT_TRUE(builder.resp3());
}

TEST(ReplyBuilder, SimpleStringAndOkAreTheSameInBothProtocols) {
  ExpectBoth([](ReplyBuilder& b) { b.SimpleString("PONG"); }, "+PONG\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Ok(); }, "+OK\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.SimpleString(""); }, "+\r\n");
}

TEST(ReplyBuilder, ErrorGetsErrPrefixUnlessItCarriesACode) {
  ExpectBoth([](ReplyBuilder& b) { b.Error("syntax error"); }, "-ERR syntax error\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Error("-WRONGTYPE Operation"); }, "-WRONGTYPE Operation\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Error(""); }, "-ERR \r\n");
}

TEST(ReplyBuilder, ErrorReplacesCrAndLfWithSpaces) {
  // Redis: "Protocol error: expected '$', got '\r'" reaches the client as "got ' '".
  ExpectBoth([](ReplyBuilder& b) { b.Error("expected '$', got '\r'"); },
             "-ERR expected '$', got ' '\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Error("a\r\nb"); }, "-ERR a  b\r\n");
}

TEST(ReplyBuilder, ErrorsAreCounted) {
  std::string out;
  ReplyBuilder builder(&out);
  builder.Ok();
  builder.Error("x");
  builder.Error("-CODE y");
  EXPECT_EQ(builder.errors_written(), 2u);
}

TEST(ReplyBuilder, IntegerCoversTheInt64Range) {
  ExpectBoth([](ReplyBuilder& b) { b.Integer(12345); }, ":12345\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Integer(0); }, ":0\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Integer(-1); }, ":-1\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Integer(INT64_MIN); }, ":-9223372036854775808\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Integer(INT64_MAX); }, ":9223372036854775807\r\n");
}

TEST(ReplyBuilder, BulkIsBinarySafe) {
  ExpectBoth([](ReplyBuilder& b) { b.Bulk("Hello World"); }, "$11\r\nHello World\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Bulk(""); }, "$0\r\n\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.Bulk("a\0\r\nb"s); }, "$5\r\na\0\r\nb\r\n"s);
}

TEST(ReplyBuilder, NullIsDollarMinusOneOrUnderscore) {
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.Null(); }), "$-1\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Null(); }), "_\r\n");
}

TEST(ReplyBuilder, NullArrayIsStarMinusOneOrUnderscore) {
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.NullArray(); }), "_\r\n");
}

TEST(ReplyBuilder, DoubleIsBulkInResp2AndCommaInResp3) {
  const std::vector<std::pair<double, std::string>> cases = {
      {3.141, "3.141"},
      {0.1, "0.10000000000000001"},
      {1.5, "1.5"},
      {-2, "-2"},
      {1e20, "1e+20"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
  };
  for (const auto& [value, text] : cases) {
    EXPECT_EQ(Emit(2, [&](ReplyBuilder& b) { b.Double(value); }),
              "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n");
    EXPECT_EQ(Emit(3, [&](ReplyBuilder& b) { b.Double(value); }), "," + text + "\r\n");
    EXPECT_EQ(FormatDouble(value), text);
  }
}

TEST(ReplyBuilder, BoolIsIntegerInResp2AndHashInResp3) {
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Bool(false); }), "#f\r\n");
}

TEST(ReplyBuilder, VerbatimIsBulkInResp2AndEqualsInResp3) {
  std::string text = "This is a verbatim\nstring";
  EXPECT_EQ(Emit(2, [&](ReplyBuilder& b) { b.Verbatim(text); }), "$25\r\n" + text + "\r\n");
  EXPECT_EQ(Emit(3, [&](ReplyBuilder& b) { b.Verbatim(text); }), "=29\r\ntxt:" + text + "\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Verbatim("# x", "mkd"); }), "=7\r\nmkd:# x\r\n");
}

TEST(ReplyBuilder, VerbatimFormatIsAlwaysThreeBytes) {
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Verbatim("x", "md"); }), "=5\r\nmd :x\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.Verbatim("x", "markdown"); }), "=5\r\nmar:x\r\n");
}

TEST(ReplyBuilder, ArrayHeaderIsTheSameInBothProtocols) {
  ExpectBoth([](ReplyBuilder& b) { b.ArrayHeader(3); }, "*3\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.EmptyArray(); }, "*0\r\n");
}

TEST(ReplyBuilder, MapHeaderIsFlatArrayInResp2) {
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.MapHeader(3); }), "*6\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.MapHeader(3); }), "%3\r\n");
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.MapHeader(0); }), "*0\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.MapHeader(0); }), "%0\r\n");
}

TEST(ReplyBuilder, SetHeaderIsArrayInResp2) {
  EXPECT_EQ(Emit(2, [](ReplyBuilder& b) { b.SetHeader(1); }), "*1\r\n");
  EXPECT_EQ(Emit(3, [](ReplyBuilder& b) { b.SetHeader(1); }), "~1\r\n");
}

TEST(ReplyBuilder, PushHeaderIsArrayInResp2) {
  auto subscribe = [](ReplyBuilder& b) {
    b.PushHeader(3);
    b.Bulk("subscribe");
    b.Bulk("ch");
    b.Integer(1);
  };
  EXPECT_EQ(Emit(2, subscribe), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  EXPECT_EQ(Emit(3, subscribe), ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
}

TEST(ReplyBuilder, BulkArrayAcceptsViewsAndStrings) {
  std::vector<std::string_view> views = {"a", ""};
  std::vector<std::string> strings = {"a", ""};
  ExpectBoth([&](ReplyBuilder& b) { b.BulkArray(views); }, "*2\r\n$1\r\na\r\n$0\r\n\r\n");
  ExpectBoth([&](ReplyBuilder& b) { b.BulkArray(strings); }, "*2\r\n$1\r\na\r\n$0\r\n\r\n");
  ExpectBoth([](ReplyBuilder& b) { b.BulkArray(std::vector<std::string>{}); }, "*0\r\n");
}

TEST(ReplyBuilder, HgetallShapedMap) {
  auto hgetall = [](ReplyBuilder& b) {
    b.MapHeader(1);
    b.Bulk("f");
    b.Bulk("v");
  };
  EXPECT_EQ(Emit(2, hgetall), "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Emit(3, hgetall), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST(ReplyBuilder, DeferredArrayPatchesTheCount) {
  auto write = [](ReplyBuilder& b) {
    auto d = b.BeginDeferredArray();
    b.Integer(0);
    b.Integer(1);
    b.Integer(2);
    b.EndDeferred(d, 3);
  };
  ExpectBoth(write, "*3\r\n:0\r\n:1\r\n:2\r\n");
}

TEST(ReplyBuilder, DeferredMapCountsPairsAndDoublesInResp2) {
  auto write = [](ReplyBuilder& b) {
    auto d = b.BeginDeferredMap();
    for (int i = 0; i < 3; ++i) {
      b.Integer(i);
      b.Bool(i == 1);
    }
    b.EndDeferred(d, 3);
  };
  EXPECT_EQ(Emit(2, write), "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
  EXPECT_EQ(Emit(3, write), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
}

TEST(ReplyBuilder, DeferredSetIsArrayInResp2) {
  auto write = [](ReplyBuilder& b) {
    auto d = b.BeginDeferredSet();
    b.Bulk("x");
    b.EndDeferred(d, 1);
  };
  EXPECT_EQ(Emit(2, write), "*1\r\n$1\r\nx\r\n");
  EXPECT_EQ(Emit(3, write), "~1\r\n$1\r\nx\r\n");
}

TEST(ReplyBuilder, NestedDeferredAndEmptyAndLargeCounts) {
  auto write = [](ReplyBuilder& b) {
    b.Ok();
    auto outer = b.BeginDeferredArray();
    auto inner = b.BeginDeferredArray();
    b.EndDeferred(inner, 0);
    auto big = b.BeginDeferredArray();
    b.EndDeferred(big, 18446744073709551615u >> 1);
    b.EndDeferred(outer, 2);
  };
  ExpectBoth(write, "+OK\r\n*2\r\n*0\r\n*9223372036854775807\r\n");
}

TEST(ReplyBuilder, RawAndBufferSwap) {
  std::string first;
  std::string second;
  ReplyBuilder builder(&first);
  builder.Raw("+QUEUED\r\n");
  builder.set_buffer(&second);
  builder.Integer(1);
  EXPECT_EQ(builder.buffer(), &second);
  EXPECT_EQ(first, "+QUEUED\r\n");
  EXPECT_EQ(second, ":1\r\n");
}

}  // namespace
}  // namespace slotd::resp
