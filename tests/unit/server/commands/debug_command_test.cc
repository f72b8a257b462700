// DEBUG: enable-debug-command gating and the supported subcommands. Expected replies were checked against
// redis-server 7.0.15 (started with --enable-debug-command yes).
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

const char kNotAllowed[] =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it "
    "from a local connection, otherwise you need to set this option in the configuration file, and then "
    "restart the server.";

Config DebugPolicy(DebugCommandPolicy policy) {
  Config config;
  config.enable_debug_command = policy;
  return config;
}

TEST(DebugCommand, RefusedByDefault) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"DEBUG", "SLEEP", "0"}), Err(kNotAllowed));
  EXPECT_EQ(h.Run({"DEBUG"}), Err("ERR wrong number of arguments for 'debug' command"));
}

TEST(DebugCommand, LocalPolicyAllowsLoopbackAndUnixSocketsOnly) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kLocal));
  EXPECT_EQ(h.Run({"DEBUG", "SLEEP", "0"}), Simple("OK"));  // the harness client is 127.0.0.1
  Client& remote = h.NewClient();
  remote.addr = "10.1.2.3:4000";
  EXPECT_EQ(h.RunAs(remote, {"DEBUG", "SLEEP", "0"}), Err(kNotAllowed));
  Client& ipv6 = h.NewClient();
  ipv6.addr = "::1:4000";
  EXPECT_EQ(h.RunAs(ipv6, {"DEBUG", "SLEEP", "0"}), Simple("OK"));
  Client& unix_socket = h.NewClient();
  unix_socket.addr = "/tmp/slotd.sock:0";
  EXPECT_EQ(h.RunAs(unix_socket, {"DEBUG", "SLEEP", "0"}), Simple("OK"));
}

TEST(DebugCommand, UnknownSubcommandOrArity) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "FOO"}), Err("ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP."));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "1", "a", "b", "c"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP."));
}

TEST(DebugCommand, SegfaultRequestsACrash) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "SEGFAULT"}), "");
  EXPECT_TRUE(h.server().crash_requested);
}

TEST(DebugCommand, SetActiveExpire) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), Simple("OK"));
  EXPECT_FALSE(h.server().config.active_expire_enabled);
  EXPECT_EQ(h.Run({"DEBUG", "set-active-expire", "1"}), Simple("OK"));
  EXPECT_TRUE(h.server().config.active_expire_enabled);
}

TEST(DebugCommand, ObjectDescribesAValue) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "OBJECT", "nokey"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"SET", "n", "12345"}), Simple("OK"));
  std::string reply = h.Run({"DEBUG", "OBJECT", "n"});
  EXPECT_EQ(reply.rfind("+Value at:0x", 0), 0u);
  EXPECT_NE(reply.find(" refcount:1 encoding:int serializedlength:3 lru:"), std::string::npos);
  EXPECT_NE(reply.find(" lru_seconds_idle:0\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"SET", "big", "123456789012"}), Simple("OK"));
  EXPECT_NE(h.Run({"DEBUG", "OBJECT", "big"}).find("encoding:int serializedlength:13 "), std::string::npos);
  EXPECT_EQ(h.Run({"SET", "s", "v"}), Simple("OK"));
  EXPECT_NE(h.Run({"DEBUG", "OBJECT", "s"}).find("encoding:embstr serializedlength:2 "), std::string::npos);
}

TEST(DebugCommand, PopulateCreatesMissingKeys) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"SET", "key:1", "mine"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "key:0"}), Bulk("value:0"));
  EXPECT_EQ(h.Run({"GET", "key:1"}), Bulk("mine"));  // existing keys are left alone
  EXPECT_EQ(h.Run({"GET", "key:2"}), Bulk("value:2"));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "2", "p", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "p:1"}), Bulk("val"));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "1", "q", "10"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "q:0"}), Bulk(std::string("value:0\0\0\0", 10)));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(6));
}

TEST(DebugCommand, PopulateRejectsBadCounts) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "x"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"DEBUG", "POPULATE", "1", "a", "-1"}), Err("ERR value is out of range, must be positive"));
}

TEST(DebugCommand, ErrorRepliesWithTheGivenLine) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  EXPECT_EQ(h.Run({"DEBUG", "ERROR", "foo bar"}), Err("foo bar"));
  EXPECT_EQ(h.Run({"DEBUG", "ERROR", "-MYERR x"}), Err("-MYERR x"));
}

TEST(DebugCommand, HelpListsSubcommands) {
  CommandHarness h(DebugPolicy(DebugCommandPolicy::kYes));
  std::string help = h.Run({"DEBUG", "HELP"});
  EXPECT_NE(help.find("+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), std::string::npos);
  EXPECT_NE(help.find("+SLEEP <seconds>\r\n+    Stop the server for <seconds>. Decimals allowed.\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace slotd::test
