// RequestParser: framing, chunking at every byte boundary, and every protocol error. Expected texts
// and behaviours were checked against redis-server 7.0.15 over a raw socket.
#include "server/resp/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/resp/errors.h"

namespace slotd::resp {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

struct Outcome {
  std::vector<Argv> commands;
  RequestParser::Status last = RequestParser::Status::kNeedMore;
  std::string error;
  size_t unconsumed = 0;  // bytes left in the buffer when parsing stopped
};

// Drives the parser the way a connection does: bytes are appended to a buffer, complete requests
// are erased from its front (so unconsumed bytes move in memory), and each chunk is followed by as
// many Parse calls as return kCommand. Every call passes a fresh copy, so stale pointers would
// show.
Outcome Feed(const std::vector<std::string_view>& chunks, const ParserLimits& limits = {}) {
  RequestParser parser(&limits);
  Outcome out;
  std::string buffer;
  for (std::string_view chunk : chunks) {
    buffer.append(chunk);
    while (true) {
      std::string copy = buffer;
      size_t consumed = 0;
      out.last = parser.Parse(copy, &consumed);
      if (out.last == RequestParser::Status::kError) {
        out.error = std::string(parser.error());
        out.unconsumed = buffer.size();
        return out;
      }
      if (out.last == RequestParser::Status::kNeedMore) break;
      EXPECT_GT(consumed, 0u);
      EXPECT_LE(consumed, copy.size());
      out.commands.emplace_back(parser.args().begin(), parser.args().end());
      buffer.erase(0, consumed);
    }
  }
  out.unconsumed = buffer.size();
  return out;
}

Outcome FeedAll(std::string_view data, const ParserLimits& limits = {}) {
  return Feed({data}, limits);
}

// Expects `data` to be rejected with `error` and to produce no command before it.
void ExpectError(std::string_view data, std::string_view error, const ParserLimits& limits = {}) {
  Outcome out = FeedAll(data, limits);
  EXPECT_EQ(out.last, RequestParser::Status::kError) << testing::PrintToString(std::string(data));
  EXPECT_EQ(out.error, error);
  EXPECT_TRUE(out.commands.empty());
}

// Expects `data` to be an incomplete request: no command, no error, nothing consumed.
void ExpectNeedMore(std::string_view data, const ParserLimits& limits = {}) {
  Outcome out = FeedAll(data, limits);
  EXPECT_EQ(out.last, RequestParser::Status::kNeedMore) << out.error;
  EXPECT_TRUE(out.commands.empty());
  EXPECT_EQ(out.unconsumed, data.size());
}

const std::vector<std::pair<std::string, std::vector<Argv>>>& WellFormedFrames() {
  static const auto* frames = new std::vector<std::pair<std::string, std::vector<Argv>>>{
      {"*1\r\n$4\r\nPING\r\n", {{"PING"}}},
      {"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", {{"SET", "k", ""}}},
      {"*2\r\n$4\r\nECHO\r\n$6\r\na\0\r\nb\n\r\n"s, {{"ECHO", "a\0\r\nb\n"s}}},
      {"*0\r\n*-1\r\n*1\r\n$1\r\nx\r\n", {{}, {}, {"x"}}},
      {"PING\r\nECHO \"a b\" 'c\\'d'\n\r\n", {{"PING"}, {"ECHO", "a b", "c'd"}, {}}},
      {"*2\r\n$3\r\nGET\r\n$1\r\na\r\nGET b\r\n*1\r\n$4\r\nQUIT\r\n",
       {{"GET", "a"}, {"GET", "b"}, {"QUIT"}}},
      {"SET k \"\\x00\\x41\\r\\n\"\r\n", {{"SET", "k", "\0A\r\n"s}}},
      {"*1\r\n$12\r\n*1\r\n$4\r\nPING\r\n", {{"*1\r\n$4\r\nPING"}}},
  };
  return *frames;
}

TEST(RequestParser, ParsesOneMultibulkRequestIntoViewsOfCallerBytes) {
  ParserLimits limits;
  RequestParser parser(&limits);
  std::string data = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kCommand);
  EXPECT_EQ(consumed, data.size());
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[0], "GET");
  EXPECT_EQ(parser.args()[1], "key");
  EXPECT_EQ(parser.args()[0].data(), data.data() + 8);
  EXPECT_EQ(parser.args()[1].data(), data.data() + 17);
  EXPECT_FALSE(parser.last_was_inline());
}

TEST(RequestParser, PlainInlineArgsAreViewsQuotedOnesAreUnescaped) {
  ParserLimits limits;
  RequestParser parser(&limits);
  std::string data = "SET k \"a\\tb\"\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kCommand);
  EXPECT_TRUE(parser.last_was_inline());
  EXPECT_EQ(consumed, data.size());
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[0].data(), data.data());
  EXPECT_EQ(parser.args()[2], "a\tb");
}

TEST(RequestParser, EveryTwoChunkSplitGivesTheSameArgv) {
  for (const auto& [frame, expected] : WellFormedFrames()) {
    for (size_t cut = 0; cut <= frame.size(); ++cut) {
      std::string_view all = frame;
      Outcome out = Feed({all.substr(0, cut), all.substr(cut)});
      EXPECT_EQ(out.commands, expected) << testing::PrintToString(frame) << " cut at " << cut;
      EXPECT_EQ(out.last, RequestParser::Status::kNeedMore);
      EXPECT_EQ(out.unconsumed, 0u);
    }
  }
}

TEST(RequestParser, ByteByByteGivesTheSameArgv) {
  for (const auto& [frame, expected] : WellFormedFrames()) {
    std::vector<std::string_view> chunks;
    for (size_t i = 0; i < frame.size(); ++i)
      chunks.push_back(std::string_view(frame).substr(i, 1));
    Outcome out = Feed(chunks);
    EXPECT_EQ(out.commands, expected) << testing::PrintToString(frame);
    EXPECT_EQ(out.unconsumed, 0u);
  }
}

TEST(RequestParser, PipelinedRequestsComeOutOneAtATime) {
  ParserLimits limits;
  RequestParser parser(&limits);
  std::string data = "*1\r\n$4\r\nPING\r\nECHO x\r\n*2\r\n$4\r\nECHO\r\n$1\r\ny\r\n*1\r\n$4\r\nPI";
  size_t offset = 0;
  std::vector<Argv> seen;
  while (true) {
    size_t consumed = 0;
    auto status = parser.Parse(std::string_view(data).substr(offset), &consumed);
    if (status != RequestParser::Status::kCommand) break;
    seen.emplace_back(parser.args().begin(), parser.args().end());
    offset += consumed;
  }
  EXPECT_EQ(seen, (std::vector<Argv>{{"PING"}, {"ECHO", "x"}, {"ECHO", "y"}}));
  EXPECT_EQ(data.substr(offset), "*1\r\n$4\r\nPI");
}

TEST(RequestParser, BulksAreBinarySafe) {
  std::string payload = "\0\r\n*1\r\n$\r\n\"'\xff"s;
  std::string frame =
      "*2\r\n$3\r\nSET\r\n$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  Outcome out = FeedAll(frame);
  EXPECT_EQ(out.commands, (std::vector<Argv>{{"SET", payload}}));
}

TEST(RequestParser, EmptyRequestsAreCommandsWithoutArgs) {
  for (std::string_view data : {"*0\r\n", "*-1\r\n", "*-100\r\n", "\r\n", "\n", "   \t\r\n"}) {
    Outcome out = FeedAll(data);
    EXPECT_EQ(out.commands, std::vector<Argv>{Argv{}}) << data;
    EXPECT_EQ(out.unconsumed, 0u) << data;
  }
}

TEST(RequestParser, NegativeCountDoesNotSwallowTheNextRequest) {
  EXPECT_EQ(FeedAll("*-5\r\nPING\r\n").commands, (std::vector<Argv>{{}, {"PING"}}));
}

TEST(RequestParser, IncompleteRequestsNeedMore) {
  for (std::string_view data :
       {"*", "*1", "*1\r", "*1\r\n", "*1\r\n$", "*1\r\n$4", "*1\r\n$4\r", "*1\r\n$4\r\nPI",
        "*1\r\n$4\r\nPING", "*1\r\n$4\r\nPING\r", "*1\r\nfoo", "*1\r\nfoo\r", "PING", "PING\r",
        "ECHO \"unterminated"}) {
    ExpectNeedMore(data);
  }
}

TEST(RequestParser, ByteAfterCountCrIsNotChecked) {
  // Redis needs one byte after '\r' but never looks at it.
  Outcome out = FeedAll("*1\rX$4\rYPINGZZ");
  EXPECT_EQ(out.commands, (std::vector<Argv>{{"PING"}}));
  EXPECT_EQ(out.unconsumed, 0u);
}

TEST(RequestParser, BytesAfterBulkAreSkippedUnchecked) {
  Outcome out = FeedAll("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(out.commands, (std::vector<Argv>{{"PING"}, {"PING"}}));
}

TEST(RequestParser, CountLineAcceptsIntMax) { ExpectNeedMore("*2147483647\r\n"); }

TEST(RequestParser, BadMultibulkCount) {
  for (std::string_view data :
       {"*abc\r\n", "*\r\n", "*-0\r\n", "*+1\r\n", "*01\r\n", "* 1\r\n", "*1 \r\n",
        "*000000000000000000001\r\n", "*99999999999999999999\r\n"}) {
    ExpectError(data, errors::kProtoInvalidMultibulkLength);
  }
}

TEST(RequestParser, MultibulkCountOverIntMax) {
  ExpectError("*2147483648\r\n", errors::kProtoInvalidMultibulkLength);
}

TEST(RequestParser, NegativeBulkLength) {
  ExpectError("*1\r\n$-1\r\n", errors::kProtoInvalidBulkLength);
}

TEST(RequestParser, NonNumericBulkLength) {
  for (std::string_view data : {"*1\r\n$\r\n", "*1\r\n$x\r\n", "*1\r\n$ 4\r\nPING\r\n",
                                "*1\r\n$+4\r\nPING\r\n", "*1\r\n$04\r\nPING\r\n"}) {
    ExpectError(data, errors::kProtoInvalidBulkLength);
  }
}

TEST(RequestParser, BulkLengthOverLimit) {
  ExpectError("*1\r\n$536870913\r\n", errors::kProtoInvalidBulkLength);
  ExpectNeedMore("*1\r\n$536870912\r\n");
  ParserLimits small;
  small.max_bulk_len = 5;
  ExpectError("*1\r\n$6\r\n", errors::kProtoInvalidBulkLength, small);
}

TEST(RequestParser, MasterLinkLimitAllowsAnyBulkLength) {
  ParserLimits master;
  master.max_bulk_len = INT64_MAX;
  RequestParser parser(&master);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*1\r\n$9223372036854775807\r\nab", &consumed),
            RequestParser::Status::kNeedMore);
  EXPECT_EQ(parser.pending_bulk_bytes(), static_cast<size_t>(INT64_MAX));  // + 2 for CRLF, - 2 held
}

TEST(RequestParser, ExpectedDollar) {
  ExpectError("*1\r\n:4\r\n", errors::ProtoExpectedDollar(':'));
  ExpectError("*2\r\n$1\r\na\r\n*1\r\n", errors::ProtoExpectedDollar('*'));
  // The reply builder turns this '\r' into a space, as Redis's reply shows: "got ' '".
  ExpectError("*1\r\n\r\n", errors::ProtoExpectedDollar('\r'));
}

TEST(RequestParser, ExpectedDollarWaitsForTheLineEnd) { ExpectNeedMore("*1\r\nfoo bar"); }

TEST(RequestParser, UnbalancedQuotes) {
  for (std::string_view data : {"ECHO \"abc\r\n", "ECHO 'abc\r\n", "ECHO \"abc\"def\r\n",
                                "ECHO 'a'b\r\n", "ECHO \"a\\\"\r\n", "ECHO \"abc\\\r\n", "\"\n"}) {
    ExpectError(data, errors::kProtoUnbalancedQuotes);
  }
}

TEST(RequestParser, TooBigInline) {
  ExpectNeedMore(std::string(65536, 'x'));
  ExpectError(std::string(65537, 'x'), errors::kProtoTooBigInline);
}

TEST(RequestParser, LongInlineLineArrivingAtOnceIsAccepted) {
  // The limit applies only while the newline is missing.
  std::string data = "ECHO " + std::string(70000, 'x') + "\r\n";
  Outcome out = FeedAll(data);
  ASSERT_EQ(out.commands.size(), 1u);
  EXPECT_EQ(out.commands[0][1].size(), 70000u);
}

TEST(RequestParser, TooBigMbulkCountLine) {
  ExpectNeedMore("*" + std::string(65535, '1'));
  ExpectError("*" + std::string(65536, '1'), errors::kProtoTooBigMbulkCount);
}

TEST(RequestParser, LongCountLineWithCrIsAnInvalidLength) {
  ExpectError("*" + std::string(70000, '1') + "\r\n", errors::kProtoInvalidMultibulkLength);
}

TEST(RequestParser, TooBigBulkCountLine) {
  ExpectNeedMore("*1\r\n$" + std::string(65535, '1'));
  ExpectError("*1\r\n$" + std::string(65536, '1'), errors::kProtoTooBigBulkCount);
}

TEST(RequestParser, TooBigLimitCountsBytesArrivedSoFar) {
  std::string line(40000, '1');
  Outcome out = Feed({"*1\r\n$", line, line});
  EXPECT_EQ(out.error, errors::kProtoTooBigBulkCount);
}

TEST(RequestParser, NulInCountLineHidesTheLineEnd) {
  // Redis finds the line end with strchr(), which stops at a NUL: it waits until the size limit.
  ExpectNeedMore("*1\0\r\n$4\r\nPING\r\n"s);
  std::string data = "*1\0\r\n"s + std::string(65536, 'x');
  ExpectError(data, errors::kProtoTooBigMbulkCount);
}

TEST(RequestParser, NulInInlineLineHidesTheNewline) {
  ExpectNeedMore("ECHO a\0b\r\nPING\r\n"s);
  ExpectError("\0"s + std::string(65536, '\n'), errors::kProtoTooBigInline);
}

TEST(RequestParser, UnauthenticatedMultibulk) {
  ParserLimits limits;
  limits.authenticated = false;
  ExpectError("*11\r\n", errors::kProtoUnauthMultibulk, limits);
  ExpectNeedMore("*10\r\n", limits);
  ExpectNeedMore("*11\r\n");  // authenticated: no such limit
}

TEST(RequestParser, UnauthenticatedBulk) {
  ParserLimits limits;
  limits.authenticated = false;
  ExpectError("*1\r\n$16385\r\n", errors::kProtoUnauthBulk, limits);
  ExpectNeedMore("*1\r\n$16384\r\n", limits);
}

TEST(RequestParser, InvalidLengthsAreReportedBeforeUnauthenticatedOnes) {
  ParserLimits limits;
  limits.authenticated = false;
  ExpectError("*2147483648\r\n", errors::kProtoInvalidMultibulkLength, limits);
  ExpectError("*1\r\n$536870913\r\n", errors::kProtoInvalidBulkLength, limits);
}

TEST(RequestParser, UnauthenticatedInlineHasNoCountLimit) {
  ParserLimits limits;
  limits.authenticated = false;
  Outcome out = FeedAll("a b c d e f g h i j k l\r\n", limits);
  ASSERT_EQ(out.commands.size(), 1u);
  EXPECT_EQ(out.commands[0].size(), 12u);
}

TEST(RequestParser, InlineQuotingFollowsSdssplitargs) {
  // Each line was sent to redis-server 7.0 as "ECHO <arg>" and the echoed bytes recorded.
  const std::vector<std::pair<std::string, Argv>> cases = {
      {"ECHO \"a\\x41\\n\\t\\\\\\\"\\q\"", {"ECHO", "aA\n\t\\\"q"}},
      {"ECHO \"\\xAb\\x4A\"",
       {"ECHO",
        "\xab"
        "J"}},
      {"ECHO \"\\x4g\"", {"ECHO", "x4g"}},
      {"ECHO \"\\x\"", {"ECHO", "x"}},
      {"ECHO 'it\\'s \\n'", {"ECHO", "it's \\n"}},
      {"ECHO 'a\\\\b'", {"ECHO", "a\\\\b"}},
      {"ECHO 'a\"b' \"it's\"", {"ECHO", "a\"b", "it's"}},
      {"ECHO foo\"bar baz\"", {"ECHO", "foobar baz"}},
      {"ECHO \"\" ''", {"ECHO", "", ""}},
      {"ECHO \"a\rb\"", {"ECHO", "a\rb"}},
      {"ECHO a\vb a\fb", {"ECHO", "a\vb", "a\fb"}},  // \v and \f end no unquoted argument...
      {"\vECHO \f x", {"ECHO", "x"}},                // ...but are skipped between arguments
      {"ECHO \"a\"\v", {"ECHO", "a"}},
      {"ECHO 'a'\t", {"ECHO", "a"}},
      {"ECHO a\rb", {"ECHO", "a", "b"}},
      {"  SET   k\tv  ", {"SET", "k", "v"}},
  };
  for (const auto& [line, expected] : cases) {
    for (std::string_view ending : {"\r\n", "\n"}) {
      Outcome out = FeedAll(line + std::string(ending));
      EXPECT_EQ(out.commands, std::vector<Argv>{expected}) << testing::PrintToString(line);
      EXPECT_EQ(out.unconsumed, 0u);
    }
  }
}

TEST(RequestParser, InlineDropsOnlyOneCrBeforeTheNewline) {
  EXPECT_EQ(FeedAll("ECHO x\r\r\n").commands, (std::vector<Argv>{{"ECHO", "x"}}));
  EXPECT_EQ(FeedAll("ECHO \"x\r\"\r\n").commands, (std::vector<Argv>{{"ECHO", "x\r"}}));
}

TEST(RequestParser, ErrorIsStickyUntilReset) {
  ParserLimits limits;
  RequestParser parser(&limits);
  size_t consumed = 7;
  ASSERT_EQ(parser.Parse("*x\r\n", &consumed), RequestParser::Status::kError);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.Parse("PING\r\n", &consumed), RequestParser::Status::kError);
  parser.Reset();
  EXPECT_TRUE(parser.error().empty());
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), RequestParser::Status::kCommand);
  EXPECT_EQ(parser.args()[0], "PING");
}

TEST(RequestParser, ResetForgetsAPartialRequest) {
  ParserLimits limits;
  RequestParser parser(&limits);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$2\r\n", &consumed), RequestParser::Status::kNeedMore);
  parser.Reset();
  EXPECT_EQ(parser.pending_bulk_bytes(), 0u);
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), RequestParser::Status::kCommand);
  EXPECT_EQ(parser.args().size(), 1u);
}

TEST(RequestParser, PendingBulkBytesCountsWhatIsMissing) {
  ParserLimits limits;
  RequestParser parser(&limits);
  size_t consumed = 0;
  std::string data = "*2\r\n$3\r\nSET\r\n";
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kNeedMore);
  EXPECT_EQ(parser.pending_bulk_bytes(), 0u);  // the next length is not known yet
  data += "$10\r\nabc";
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kNeedMore);
  EXPECT_EQ(parser.pending_bulk_bytes(), 9u);  // 7 payload bytes and the CRLF
  data += "defghij\r";
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kNeedMore);
  EXPECT_EQ(parser.pending_bulk_bytes(), 1u);
  data += "\n";
  ASSERT_EQ(parser.Parse(data, &consumed), RequestParser::Status::kCommand);
  EXPECT_EQ(parser.pending_bulk_bytes(), 0u);
  EXPECT_EQ(parser.args()[1], "abcdefghij");
}

TEST(RequestParser, LargeBulkInSmallChunksKeepsOffsets) {
  const size_t size = 8 << 20;
  std::string payload(size, '\r');
  for (size_t i = 0; i < size; i += 4099) payload[i] = '\0';
  std::string frame = "*2\r\n$3\r\nSET\r\n$" + std::to_string(size) + "\r\n" + payload + "\r\n";
  ParserLimits limits;
  RequestParser parser(&limits);
  std::string buffer;
  size_t consumed = 0;
  for (size_t offset = 0; offset < frame.size(); offset += 4096) {
    buffer.append(frame, offset, 4096);
    auto status = parser.Parse(buffer, &consumed);
    if (buffer.size() < frame.size()) {
      ASSERT_EQ(status, RequestParser::Status::kNeedMore) << offset;
      ASSERT_EQ(parser.pending_bulk_bytes(), frame.size() - buffer.size());  // header in chunk 1
    } else {
      ASSERT_EQ(status, RequestParser::Status::kCommand);
    }
  }
  EXPECT_EQ(consumed, frame.size());
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[1].data(), buffer.data() + frame.size() - 2 - size);
  EXPECT_EQ(parser.args()[1], payload);
}

}  // namespace
}  // namespace slotd::resp
