// COMMAND introspection. Exact replies and the name/arity/flags/first/last/step of the commands checked
// here come from redis-server 7.0.15 (COMMAND INFO, COMMAND DOCS, COMMAND GETKEYS, COMMAND LIST).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

// A parsed RESP value: scalars keep their text, aggregates (array, set, map flattened) their children.
struct Value {
  char type = 0;
  std::string text;
  std::vector<Value> items;
};

Value Parse(const std::string& in, size_t& pos) {
  Value v;
  v.type = in[pos];
  size_t end = in.find("\r\n", pos);
  std::string head = in.substr(pos + 1, end - pos - 1);
  pos = end + 2;
  if (v.type == '$' || v.type == '=') {
    int64_t len = std::stoll(head);
    if (len >= 0) {
      v.text = in.substr(pos, static_cast<size_t>(len));
      pos += static_cast<size_t>(len) + 2;
    }
  } else if (v.type == '*' || v.type == '~' || v.type == '%') {
    int64_t n = std::stoll(head) * (v.type == '%' ? 2 : 1);
    for (int64_t i = 0; i < n; ++i) v.items.push_back(Parse(in, pos));
  } else {
    v.text = head;
  }
  return v;
}

Value Parse(const std::string& in) {
  size_t pos = 0;
  Value v = Parse(in, pos);
  EXPECT_EQ(pos, in.size());
  return v;
}

std::vector<std::string> Texts(const Value& v) {
  std::vector<std::string> out;
  for (const Value& item : v.items) out.push_back(item.text);
  return out;
}

struct Expected {
  std::string name;
  int arity;
  std::vector<std::string> flags;
  int first, last, step;
};

// Values from redis-server 7.0.15's COMMAND INFO.
const Expected kRedisEntries[] = {
    {"get", 2, {"readonly", "fast"}, 1, 1, 1},
    {"set", -3, {"write", "denyoom"}, 1, 1, 1},
    {"mset", -3, {"write", "denyoom"}, 1, -1, 2},
    {"del", -2, {"write"}, 1, -1, 1},
    {"ping", -1, {"fast"}, 0, 0, 0},
    {"client", -2, {}, 0, 0, 0},
    {"memory|usage", -3, {"readonly"}, 2, 2, 1},
    {"info", -1, {"loading", "stale"}, 0, 0, 0},
    {"shutdown", -1, {"admin", "noscript", "loading", "stale", "no_multi", "allow_busy"}, 0, 0, 0},
    {"hello", -1, {"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, 0, 0, 0},
};

TEST(CommandCommand, InfoMatchesRedisKeyPositionsArityAndFlags) {
  CommandHarness h;
  for (const Expected& e : kRedisEntries) {
    Value reply = Parse(h.Run({"COMMAND", "INFO", e.name}));
    ASSERT_EQ(reply.items.size(), 1u) << e.name;
    const Value& entry = reply.items[0];
    ASSERT_EQ(entry.items.size(), 10u) << e.name;
    EXPECT_EQ(entry.items[0].text, e.name);
    EXPECT_EQ(entry.items[1].text, std::to_string(e.arity)) << e.name;
    EXPECT_EQ(Texts(entry.items[2]), e.flags) << e.name;
    EXPECT_EQ(entry.items[3].text, std::to_string(e.first)) << e.name;
    EXPECT_EQ(entry.items[4].text, std::to_string(e.last)) << e.name;
    EXPECT_EQ(entry.items[5].text, std::to_string(e.step)) << e.name;
  }
}

TEST(CommandCommand, InfoOfSubcommandsAndUnknownNamesIsExact) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "client|id", "nosuch", "a|b|c"}),
            "*3\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
            "*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n$-1\r\n");
  h.client().reply.set_protocol(3);
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "nosuch"}), "*1\r\n_\r\n");
}

TEST(CommandCommand, KeySpecDerivedFromTheKeyRange) {
  CommandHarness h;
  // memory|usage as Redis 7.0.15 sends it, but for the key flags (Redis: RO; ours adds access).
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "memory|usage"}),
            "*1\r\n*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n*2\r\n+@read\r\n"
            "+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n"
            "$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n"
            "$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
            "$5\r\nlimit\r\n:0\r\n*0\r\n");
  Value mset = Parse(h.Run({"COMMAND", "INFO", "mset"})).items[0];
  const Value& find_keys = mset.items[8].items[0].items[5];  // flags, begin_search, find_keys values
  EXPECT_EQ(find_keys.items[1].text, "range");
  EXPECT_EQ(Texts(find_keys.items[3]), (std::vector<std::string>{"lastkey", "-1", "keystep", "2", "limit", "0"}));
}

TEST(CommandCommand, ContainerListsItsSubcommands) {
  CommandHarness h;
  Value client = Parse(h.Run({"COMMAND", "INFO", "client"})).items[0];
  EXPECT_EQ(Texts(client.items[6]), (std::vector<std::string>{"@slow"}));
  std::vector<std::string> subs;
  for (const Value& sub : client.items[9].items) subs.push_back(sub.items[0].text);
  EXPECT_NE(std::find(subs.begin(), subs.end(), "client|list"), subs.end());
  EXPECT_NE(std::find(subs.begin(), subs.end(), "client|kill"), subs.end());
}

TEST(CommandCommand, AllCountAndList) {
  CommandHarness h;
  Value all = Parse(h.Run({"COMMAND"}));
  EXPECT_EQ(h.Run({"COMMAND", "COUNT"}), Int(static_cast<int64_t>(all.items.size())));
  EXPECT_EQ(Parse(h.Run({"COMMAND", "INFO"})).items.size(), all.items.size());
  for (const Value& entry : all.items) EXPECT_EQ(entry.items.size(), 10u) << entry.items[0].text;
  Value list = Parse(h.Run({"COMMAND", "LIST"}));
  std::vector<std::string> names = Texts(list);
  EXPECT_GT(names.size(), all.items.size());  // subcommands are listed too
  EXPECT_NE(std::find(names.begin(), names.end(), "config|get"), names.end());
}

TEST(CommandCommand, ListFilters) {
  CommandHarness h;
  std::vector<std::string> client = Texts(Parse(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*"})));
  EXPECT_NE(std::find(client.begin(), client.end(), "client|id"), client.end());
  for (const std::string& name : client) EXPECT_EQ(name.rfind("client|", 0), 0u);
  std::vector<std::string> conn = Texts(Parse(h.Run({"COMMAND", "LIST", "FILTERBY", "aclcat", "connection"})));
  EXPECT_NE(std::find(conn.begin(), conn.end(), "ping"), conn.end());
  EXPECT_EQ(std::find(conn.begin(), conn.end(), "get"), conn.end());
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "x"}), Err("ERR syntax error"));
}

TEST(CommandCommand, DocsOfKnownNamesOnly) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "client|id", "nosuch"}),
            "*2\r\n$9\r\nclient|id\r\n*8\r\n$7\r\nsummary\r\n$48\r\nReturns the client ID for the current "
            "connection\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n"
            "$4\r\nO(1)\r\n");
  h.client().reply.set_protocol(3);
  std::string slowlog = h.Run({"COMMAND", "DOCS", "slowlog"});
  EXPECT_EQ(slowlog.rfind("%1\r\n$7\r\nslowlog\r\n%5\r\n", 0), 0u);
  EXPECT_NE(slowlog.find("$11\r\nsubcommands\r\n%4\r\n"), std::string::npos);
  Value all = Parse(h.Run({"COMMAND", "DOCS"}));
  EXPECT_EQ(h.Run({"COMMAND", "COUNT"}), Int(static_cast<int64_t>(all.items.size() / 2)));
}

TEST(CommandCommand, GetKeys) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "set", "a", "b"}), BulkArr({"a"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "mset", "a", "b", "c", "d"}), BulkArr({"a", "c"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "memory", "usage", "k"}), BulkArr({"k"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}), Err("ERR Invalid command specified"));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "memory", "nosuch"}), Err("ERR Invalid command specified"));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "client", "list"}), Err("ERR The command has no key arguments"));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "mset", "a"}),
            Err("ERR Invalid number of arguments specified for command"));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "get"}),
            Err("ERR wrong number of arguments for 'command|getkeys' command"));
}

TEST(CommandCommand, GetKeysAndFlags) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYSANDFLAGS", "get", "a"}),
            Arr({Arr({Bulk("a"), Arr({Simple("RO"), Simple("access")})})}));
}

TEST(CommandCommand, HelpAndUnknownSubcommand) {
  CommandHarness h;
  std::string help = h.Run({"COMMAND", "HELP"});
  EXPECT_EQ(help.rfind("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                       "+(no subcommand)\r\n",
                       0),
            0u);
  EXPECT_EQ(h.Run({"COMMAND", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
}

}  // namespace
}  // namespace slotd::test
