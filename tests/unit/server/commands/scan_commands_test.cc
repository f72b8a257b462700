// Keyspace iteration: KEYS, SCAN (cursor parsing, MATCH, COUNT, TYPE) and RANDOMKEY. Key order is
// the table's, so tests compare sorted key sets. Expected replies were checked against
// redis-server 7.0.15.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/keyspace_test_util.h"

namespace slotd::test {
namespace {

// Parses a RESP2 array of bulk strings (no nesting) starting at `pos`; advances `pos`.
std::vector<std::string> ParseBulkArray(const std::string& reply, size_t* pos) {
  std::vector<std::string> items;
  EXPECT_EQ(reply[*pos], '*') << reply;
  size_t eol = reply.find("\r\n", *pos);
  long n = std::stol(reply.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  for (long i = 0; i < n; ++i) {
    eol = reply.find("\r\n", *pos);
    size_t len = std::stoul(reply.substr(*pos + 1, eol - *pos - 1));
    items.push_back(reply.substr(eol + 2, len));
    *pos = eol + 2 + len + 2;
  }
  return items;
}

std::set<std::string> Keys(CommandHarness& h, std::string_view pattern) {
  std::string reply = h.Run({"KEYS", pattern});
  size_t pos = 0;
  std::vector<std::string> keys = ParseBulkArray(reply, &pos);
  EXPECT_EQ(pos, reply.size());
  return {keys.begin(), keys.end()};
}

struct ScanPage {
  std::string cursor;
  std::vector<std::string> keys;
};

ScanPage ScanOnce(CommandHarness& h, std::vector<std::string> args) {
  args.insert(args.begin(), "SCAN");
  std::string reply = h.Run(args);
  EXPECT_EQ(reply.substr(0, 4), "*2\r\n") << reply;
  size_t pos = 4;
  size_t eol = reply.find("\r\n", pos);
  size_t len = std::stoul(reply.substr(pos + 1, eol - pos - 1));
  ScanPage page{reply.substr(eol + 2, len), {}};
  pos = eol + 2 + len + 2;
  page.keys = ParseBulkArray(reply, &pos);
  EXPECT_EQ(pos, reply.size());
  return page;
}

// Runs a full SCAN iteration with `options` and returns every key seen.
std::set<std::string> ScanAll(CommandHarness& h, const std::vector<std::string>& options) {
  std::set<std::string> seen;
  std::string cursor = "0";
  for (int calls = 0; calls < 10000; ++calls) {
    std::vector<std::string> args{cursor};
    args.insert(args.end(), options.begin(), options.end());
    ScanPage page = ScanOnce(h, args);
    seen.insert(page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    if (cursor == "0") break;
  }
  EXPECT_EQ(cursor, "0");
  return seen;
}

void AddKeys(CommandHarness& h) {
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2", "c", "3", "hello", "x", "hallo", "y"}),
            Simple("OK"));
  PutCollection(h.server().db(0), "l", ObjectType::kList);
  PutCollection(h.server().db(0), "hs", ObjectType::kHash);
}

TEST(ScanCommands, KeysMatchesGlobPatterns) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"KEYS", "*"}), Arr({}));
  AddKeys(h);
  EXPECT_EQ(Keys(h, "*"), (std::set<std::string>{"a", "b", "c", "hello", "hallo", "l", "hs"}));
  EXPECT_EQ(Keys(h, "?"), (std::set<std::string>{"a", "b", "c", "l"}));
  EXPECT_EQ(Keys(h, "[ab]"), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(Keys(h, "h?llo"), (std::set<std::string>{"hello", "hallo"}));
  EXPECT_EQ(Keys(h, "h[^e]llo"), (std::set<std::string>{"hallo"}));
  EXPECT_EQ(Keys(h, "nomatch*"), (std::set<std::string>{}));
}

TEST(ScanCommands, KeysSkipsExpiredKeys) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "gone", "v", "PX", "5"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "kept", "v"}), Simple("OK"));
  h.AdvanceTime(10);
  EXPECT_EQ(Keys(h, "*"), (std::set<std::string>{"kept"}));
}

TEST(ScanCommands, ScanVisitsEveryKey) {
  CommandHarness h;
  EXPECT_EQ(ScanOnce(h, {"0"}).keys.size(), 0u);
  std::set<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(h.Run({"SET", key, "v"}), Simple("OK"));
    expected.insert(key);
  }
  EXPECT_EQ(ScanAll(h, {}), expected);
  EXPECT_EQ(ScanAll(h, {"COUNT", "7"}), expected);
  EXPECT_EQ(ScanAll(h, {"count", "1000"}), expected);
}

TEST(ScanCommands, ScanFiltersByMatchAndType) {
  CommandHarness h;
  AddKeys(h);
  EXPECT_EQ(ScanAll(h, {"MATCH", "[ab]"}), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(ScanAll(h, {"MATCH", "*", "COUNT", "100"}).size(), 7u);
  EXPECT_EQ(ScanAll(h, {"TYPE", "list"}), (std::set<std::string>{"l"}));
  EXPECT_EQ(ScanAll(h, {"TYPE", "LIST"}), (std::set<std::string>{"l"}));
  EXPECT_EQ(ScanAll(h, {"TYPE", "hash", "MATCH", "h*"}), (std::set<std::string>{"hs"}));
  EXPECT_EQ(ScanAll(h, {"TYPE", "foo"}), (std::set<std::string>{}));
  EXPECT_EQ(ScanAll(h, {"TYPE", "list", "TYPE", "string", "MATCH", "h*"}),
            (std::set<std::string>{"hello", "hallo"}));  // the last TYPE wins
}

TEST(ScanCommands, ScanCursorParsing) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  const std::string invalid = Err("ERR invalid cursor");
  EXPECT_EQ(h.Run({"SCAN", "abc"}), invalid);
  EXPECT_EQ(h.Run({"SCAN", " 0"}), invalid);
  EXPECT_EQ(h.Run({"SCAN", "1x"}), invalid);
  EXPECT_EQ(h.Run({"SCAN", "+"}), invalid);
  EXPECT_EQ(h.Run({"SCAN", "18446744073709551616"}), invalid);
  // strtoul accepts these: a sign, leading zeros, the empty string, and wrap-around of "-1".
  for (const char* cursor : {"+0", "00", "", "-0"}) {
    EXPECT_EQ(ScanOnce(h, {cursor}).keys, (std::vector<std::string>{"a"})) << cursor;
  }
  EXPECT_EQ(ScanOnce(h, {"-1"}).cursor, "0");
  EXPECT_EQ(ScanOnce(h, {"18446744073709551615"}).cursor, "0");
}

TEST(ScanCommands, ScanOptionErrors) {
  CommandHarness h;
  const std::string syntax = Err("ERR syntax error");
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT", "0"}), syntax);
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT", "-1"}), syntax);
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT", "abc"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT"}), syntax);
  EXPECT_EQ(h.Run({"SCAN", "0", "MATCH"}), syntax);
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE"}), syntax);
  EXPECT_EQ(h.Run({"SCAN", "0", "foo", "bar"}), syntax);
}

TEST(ScanCommands, ScanWithHugeCountIsBounded) {
  CommandHarness h;
  AddKeys(h);
  ScanPage page = ScanOnce(h, {"0", "COUNT", "9223372036854775807"});
  EXPECT_EQ(page.cursor, "0");
  EXPECT_EQ(page.keys.size(), 7u);
}

TEST(ScanCommands, RandomKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"RANDOMKEY"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "only", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RANDOMKEY"}), Bulk("only"));
  EXPECT_EQ(h.Run({"SET", "other", "v"}), Simple("OK"));
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(h.Run({"RANDOMKEY"}));
  EXPECT_EQ(seen, (std::set<std::string>{Bulk("only"), Bulk("other")}));
}

TEST(ScanCommands, RandomKeyIgnoresExpiredKeys) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "gone", "v", "PX", "5"}), Simple("OK"));
  h.AdvanceTime(10);
  EXPECT_EQ(h.Run({"RANDOMKEY"}), NullBulk());
}

}  // namespace
}  // namespace slotd::test
