// CLIENT subcommands. Expected replies, the CLIENT LIST field set and its order were checked against
// redis-server 7.0.15 (SETINFO against 7.2's texts).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

// The payload of a RESP2 bulk reply.
std::string BulkPayload(const std::string& reply) {
  size_t start = reply.find("\r\n");
  return reply.substr(start + 2, reply.size() - start - 4);
}

std::vector<std::pair<std::string, std::string>> Fields(const std::string& line) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    std::string field = line.substr(pos, end - pos);
    size_t eq = field.find('=');
    fields.emplace_back(field.substr(0, eq), field.substr(eq + 1));
    pos = end + 1;
  }
  return fields;
}

std::string Field(const std::string& line, const std::string& name) {
  for (const auto& [key, value] : Fields(line)) {
    if (key == name) return value;
  }
  return "<missing>";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

TEST(ClientCommand, ListLineHasRedis70FieldsInOrder) {
  CommandHarness h;
  std::string reply = h.Run({"CLIENT", "LIST"});
  std::string text = BulkPayload(reply);
  ASSERT_EQ(text.back(), '\n');
  std::vector<std::string> keys;
  for (const auto& [key, value] : Fields(text.substr(0, text.size() - 1))) keys.push_back(key);
  const std::vector<std::string> expected = {
      "id",   "addr",      "laddr",    "fd",        "name", "age",  "idle", "flags", "db",  "sub",
      "psub", "ssub",      "multi",    "qbuf",      "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
      "oll",  "omem",      "tot-mem",  "events",    "cmd",  "user", "redir", "resp"};
  EXPECT_EQ(keys, expected);
}

TEST(ClientCommand, ListDescribesTheCaller) {
  CommandHarness h;
  std::string line = BulkPayload(h.Run({"CLIENT", "LIST"}));
  line.pop_back();
  EXPECT_EQ(Field(line, "id"), std::to_string(h.client().id()));
  EXPECT_EQ(Field(line, "addr"), "127.0.0.1:50000");
  EXPECT_EQ(Field(line, "laddr"), "127.0.0.1:6379");
  EXPECT_EQ(Field(line, "name"), "");
  EXPECT_EQ(Field(line, "flags"), "N");
  EXPECT_EQ(Field(line, "db"), "0");
  EXPECT_EQ(Field(line, "multi"), "-1");
  EXPECT_EQ(Field(line, "argv-mem"), "10");  // "client" + "list", as Redis counts the running argv
  EXPECT_EQ(Field(line, "cmd"), "client|list");
  EXPECT_EQ(Field(line, "user"), "default");
  EXPECT_EQ(Field(line, "redir"), "-1");
  EXPECT_EQ(Field(line, "resp"), "2");
}

TEST(ClientCommand, ListShowsOtherClientsState) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.RunAs(other, {"CLIENT", "SETNAME", "worker"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"SELECT", "2"}), Simple("OK"));
  h.server().pubsub.Subscribe(other, "a");
  h.server().pubsub.PSubscribe(other, "b*");
  h.AdvanceTime(3000);
  std::vector<std::string> lines = Lines(BulkPayload(h.Run({"CLIENT", "LIST"})));
  ASSERT_EQ(lines.size(), 2u);
  const std::string& line = lines[1];
  EXPECT_EQ(Field(line, "id"), std::to_string(other.id()));
  EXPECT_EQ(Field(line, "name"), "worker");
  EXPECT_EQ(Field(line, "age"), "3");
  EXPECT_EQ(Field(line, "flags"), "P");
  EXPECT_EQ(Field(line, "db"), "2");
  EXPECT_EQ(Field(line, "sub"), "1");
  EXPECT_EQ(Field(line, "psub"), "1");
  EXPECT_EQ(Field(line, "argv-mem"), "0");
}

TEST(ClientCommand, ListFlagsMultiAndQueuedMemory) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.RunAs(other, {"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"SET", "a", "b"}), Simple("QUEUED"));
  std::string line = Lines(BulkPayload(h.Run({"CLIENT", "LIST", "ID", std::to_string(other.id())})))[0];
  EXPECT_EQ(Field(line, "flags"), "x");
  EXPECT_EQ(Field(line, "multi"), "1");
  EXPECT_EQ(Field(line, "multi-mem"), "29");  // 5 argument bytes + 3 argv pointers, as Redis counts
}

TEST(ClientCommand, ListFilters) {
  CommandHarness h;
  Client& sub = h.NewClient();
  h.server().pubsub.Subscribe(sub, "c");
  std::vector<std::string> lines = Lines(BulkPayload(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"})));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Field(lines[0], "id"), std::to_string(sub.id()));
  EXPECT_EQ(Lines(BulkPayload(h.Run({"CLIENT", "LIST", "TYPE", "NORMAL"}))).size(), 1u);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "master"}), Bulk(""));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "replica"}), Bulk(""));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID", "99"}), Bulk(""));
  EXPECT_EQ(Lines(BulkPayload(h.Run({"CLIENT", "LIST", "ID", "2", "1", "2"}))).size(), 3u);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "foo"}), Err("ERR Unknown client type 'foo'"));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID", "1", "x"}), Err("ERR Invalid client ID"));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "normal", "x"}), Err("ERR syntax error"));
}

TEST(ClientCommand, InfoIsTheCallersLineAsVerbatimText) {
  CommandHarness h;
  std::string text = BulkPayload(h.Run({"CLIENT", "INFO"}));
  EXPECT_EQ(Field(text.substr(0, text.size() - 1), "cmd"), "client|info");
  h.client().reply.set_protocol(3);
  std::string reply = h.Run({"CLIENT", "INFO"});
  EXPECT_EQ(reply[0], '=');
  EXPECT_NE(reply.find("\r\ntxt:id="), std::string::npos);
}

TEST(ClientCommand, IdNameAndGetName) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "ID"}), Int(static_cast<int64_t>(h.client().id())));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), NullBulk());
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "x"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), Bulk("x"));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "a b"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "a\nb"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), Bulk("x"));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", ""}), Simple("OK"));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), NullBulk());
}

TEST(ClientCommand, ArityAndUnknownSubcommand) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT"}), Err("ERR wrong number of arguments for 'client' command"));
  EXPECT_EQ(h.Run({"CLIENT", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
  EXPECT_EQ(h.Run({"CLIENT", "ID", "x"}), Err("ERR wrong number of arguments for 'client|id' command"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL"}), Err("ERR wrong number of arguments for 'client|kill' command"));
}

TEST(ClientCommand, KillOldFormByAddress) {
  CommandHarness h;
  Client& other = h.NewClient();
  other.addr = "10.0.0.1:1234";
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "1.2.3.4:5"}), Err("ERR No such client"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "10.0.0.1:1234"}), Simple("OK"));
  EXPECT_TRUE(other.close_after_reply);
  EXPECT_FALSE(h.client().close_after_reply);
  // The old form may kill the caller itself, after its reply.
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "127.0.0.1:50000"}), Simple("OK"));
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST(ClientCommand, KillWithFiltersCountsAndSkipsTheCaller) {
  CommandHarness h;
  Client& a = h.NewClient();
  Client& b = h.NewClient();
  b.laddr = "127.0.0.1:7000";
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "99999"}), Int(0));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "LADDR", "127.0.0.1:7000"}), Int(1));
  EXPECT_TRUE(b.close_after_reply);
  EXPECT_FALSE(a.close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", std::to_string(a.id()), "TYPE", "normal"}), Int(1));
  EXPECT_TRUE(a.close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", std::to_string(h.client().id())}), Int(0));  // SKIPME yes
  EXPECT_FALSE(h.client().close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "USER", "default", "SKIPME", "no"}), Int(3));
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST(ClientCommand, KillRejectsBadFilters) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "0"}), Err("ERR client-id should be greater than 0"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "x"}), Err("ERR client-id should be greater than 0"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "USER", "foo"}), Err("ERR No such user 'foo'"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "foo"}), Err("ERR Unknown client type 'foo'"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "USER", "default", "SKIPME", "maybe"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "1", "TYPE"}), Err("ERR syntax error"));
  EXPECT_FALSE(h.client().close_after_reply);
}

TEST(ClientCommand, ReplyModes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "FOO"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.client().reply_mode, ReplyMode::kSkip);
  h.client().reply_mode = ReplyMode::kOn;
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.client().reply_mode, ReplyMode::kOff);
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.client().reply_mode, ReplyMode::kOff);  // SKIP does not undo OFF
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "ON"}), Simple("OK"));
  EXPECT_EQ(h.client().reply_mode, ReplyMode::kOn);
}

TEST(ClientCommand, NoEvictAndSetInfo) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "NO-EVICT", "maybe"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"CLIENT", "NO-EVICT", "on"}), Simple("OK"));
  EXPECT_TRUE(h.client().no_evict);
  std::string line = BulkPayload(h.Run({"CLIENT", "INFO"}));
  EXPECT_EQ(Field(line.substr(0, line.size() - 1), "flags"), "e");
  EXPECT_EQ(h.Run({"CLIENT", "NO-EVICT", "OFF"}), Simple("OK"));
  EXPECT_FALSE(h.client().no_evict);
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), Simple("OK"));
  EXPECT_EQ(h.client().lib_name, "redis-py");
  EXPECT_EQ(h.client().lib_ver, "5.0.1");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "foo", "x"}), Err("ERR Unrecognized option 'foo'"));
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "lib-name", "a b"}),
            Err("ERR lib-name cannot contain spaces, newlines or special characters."));
}

TEST(ClientCommand, UnblockEndsABlockedCommand) {
  CommandHarness h;
  Client& blocked = h.NewClient();
  std::vector<std::string_view> argv = {"BLPOP", "k", "0"};
  std::vector<std::string_view> keys = {"k"};
  h.server().BlockClient(blocked, argv, keys, 0, BlockTimeoutReply::kNullArray);
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "99"}), Int(0));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "1", "foo"}), Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(blocked.id())}), Int(1));
  EXPECT_EQ(h.TakeOutput(blocked), NullArray());
  EXPECT_FALSE(blocked.blocked);
  h.server().BlockClient(blocked, argv, keys, 0, BlockTimeoutReply::kNullArray);
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(blocked.id()), "ERROR"}), Int(1));
  EXPECT_EQ(h.TakeOutput(blocked), Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(blocked.id())}), Int(0));
}

TEST(ClientCommand, GetRedirAndHelp) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "GETREDIR"}), Int(-1));
  std::string help = h.Run({"CLIENT", "HELP"});
  EXPECT_NE(help.find("\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CACHING (YES|NO)\r\n"
                      "+    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.\r\n+GETREDIR\r\n"),
            std::string::npos);
  EXPECT_NE(help.find("+TRACKINGINFO\r\n+    Report tracking status for the current connection.\r\n"), std::string::npos);
  EXPECT_NE(help.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
}

}  // namespace
}  // namespace slotd::test
