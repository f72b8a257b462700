// Connection commands: PING ECHO QUIT HELLO AUTH SELECT RESET. Every expected reply was checked against
// redis-server 7.0.15.
#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

// HELLO's reply for client `id` with protocol `proto` in standalone mode, as Redis 7.0.15 sends it.
std::string HelloReply(int proto, uint64_t id) {
  std::string head = proto == 3 ? "%7\r\n" : "*14\r\n";
  return head + Bulk("server") + Bulk("redis") + Bulk("version") + Bulk("7.0.15") + Bulk("proto") +
         Int(proto) + Bulk("id") + Int(static_cast<int64_t>(id)) + Bulk("mode") + Bulk("standalone") +
         Bulk("role") + Bulk("master") + Bulk("modules") + "*0\r\n";
}

Config WithPassword(std::string password) {
  Config config;
  config.requirepass = std::move(password);
  return config;
}

TEST(ConnectionCommands, PingRepliesPongOrEchoesItsArgument) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"PING"}), Simple("PONG"));
  EXPECT_EQ(h.Run({"PING", "hi"}), Bulk("hi"));
  EXPECT_EQ(h.Run({"PING", "a", "b"}), Err("ERR wrong number of arguments for 'ping' command"));
}

TEST(ConnectionCommands, PingOfResp2SubscriberIsAPongArray) {
  CommandHarness h;
  h.server().pubsub.Subscribe(h.client(), "c");
  EXPECT_EQ(h.Run({"PING"}), Arr({Bulk("pong"), Bulk("")}));
  EXPECT_EQ(h.Run({"PING", "x"}), Arr({Bulk("pong"), Bulk("x")}));
  h.client().reply.set_protocol(3);  // RESP3 subscribers can read normal replies
  EXPECT_EQ(h.Run({"PING"}), Simple("PONG"));
  EXPECT_EQ(h.Run({"PING", "x"}), Bulk("x"));
}

TEST(ConnectionCommands, EchoAndQuit) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ECHO", ""}), Bulk(""));
  EXPECT_EQ(h.Run({"ECHO"}), Err("ERR wrong number of arguments for 'echo' command"));
  EXPECT_FALSE(h.client().close_after_reply);
  EXPECT_EQ(h.Run({"QUIT"}), Simple("OK"));
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST(ConnectionCommands, HelloSwitchesProtocolAndDescribesTheServer) {
  CommandHarness h;
  uint64_t id = h.client().id();
  EXPECT_EQ(h.Run({"HELLO"}), HelloReply(2, id));
  EXPECT_EQ(h.Run({"HELLO", "3"}), HelloReply(3, id));
  EXPECT_EQ(h.client().reply.protocol(), 3);
  EXPECT_EQ(h.Run({"HELLO"}), HelloReply(3, id));  // no argument keeps the protocol
  EXPECT_EQ(h.Run({"HELLO", "2"}), HelloReply(2, id));
}

TEST(ConnectionCommands, HelloReportsClusterMode) {
  Config config;
  config.cluster_enabled = true;
  CommandHarness h(config);
  EXPECT_NE(h.Run({"HELLO"}).find(Bulk("mode") + Bulk("cluster")), std::string::npos);
}

TEST(ConnectionCommands, HelloRejectsBadVersionsAndOptions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HELLO", "4"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(h.Run({"HELLO", "1"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(h.Run({"HELLO", "abc"}), Err("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH"}), Err("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_EQ(h.Run({"HELLO", "3", "SETNAME"}), Err("ERR Syntax error in HELLO option 'SETNAME'"));
  EXPECT_EQ(h.Run({"HELLO", "3", "FOO"}), Err("ERR Syntax error in HELLO option 'FOO'"));
  EXPECT_EQ(h.Run({"HELLO", "2", "SETNAME", "a b"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.client().reply.protocol(), 2);
}

TEST(ConnectionCommands, HelloSetnameNamesTheClient) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HELLO", "3", "SETNAME", "n1"}), HelloReply(3, h.client().id()));
  EXPECT_EQ(h.client().name, "n1");
}

TEST(ConnectionCommands, HelloWithoutPasswordAcceptsAnyDefaultUserPassword) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "default", "whatever"}), HelloReply(3, h.client().id()));
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "a", "b"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
}

TEST(ConnectionCommands, HelloNeedsAuthenticationWhenAPasswordIsSet) {
  CommandHarness h(WithPassword("secret"));
  const std::string no_auth =
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
      "<pass> option can be used to authenticate the client and select the RESP protocol version at the "
      "same time";
  EXPECT_EQ(h.Run({"HELLO"}), Err(no_auth));
  EXPECT_EQ(h.Run({"HELLO", "3"}), Err(no_auth));
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "default", "bad"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "default", "secret", "AUTH", "default", "x"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "default", "secret"}), HelloReply(2, h.client().id()));
  EXPECT_TRUE(h.client().authenticated);
}

TEST(ConnectionCommands, AuthWithoutPasswordConfigured) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"AUTH", "x"}),
            Err("ERR AUTH <password> called without any password configured for the default user. Are you "
                "sure your configuration is correct?"));
  EXPECT_EQ(h.Run({"AUTH", "default", "x"}), Simple("OK"));  // the default user has no password
  EXPECT_EQ(h.Run({"AUTH", "a", "b"}), Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "a", "b", "c"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"AUTH"}), Err("ERR wrong number of arguments for 'auth' command"));
}

TEST(ConnectionCommands, AuthWithRequirepass) {
  CommandHarness h(WithPassword("secret"));
  EXPECT_EQ(h.Run({"PING"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(h.Run({"AUTH", "x"}), Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "default", "x"}), Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "foo", "secret"}), Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "secre"}), Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(h.Run({"AUTH", "secret"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PING"}), Simple("PONG"));
  Client& other = h.NewClient();
  EXPECT_EQ(h.RunAs(other, {"AUTH", "default", "secret"}), Simple("OK"));
}

TEST(ConnectionCommands, SelectChecksTheIndex) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SELECT", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(h.Run({"SELECT", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(h.Run({"SELECT", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SELECT", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(h.Run({"SELECT", "15"}), Simple("OK"));
  EXPECT_EQ(h.client().db_index, 15);
  EXPECT_EQ(h.Run({"SELECT", "0"}), Simple("OK"));
  EXPECT_EQ(h.client().db_index, 0);
}

TEST(ConnectionCommands, SelectOnlyZeroInClusterMode) {
  Config config;
  config.cluster_enabled = true;
  CommandHarness h(config);
  EXPECT_EQ(h.Run({"SELECT", "1"}), Err("ERR SELECT is not allowed in cluster mode"));
  EXPECT_EQ(h.Run({"SELECT", "0"}), Simple("OK"));
}

TEST(ConnectionCommands, ResetRestoresAFreshConnection) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SELECT", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "n"}), Simple("OK"));
  EXPECT_EQ(h.Run({"HELLO", "3"}), HelloReply(3, h.client().id()));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "a", "b"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"RESET"}), Simple("RESET"));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), NullBulk());
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  EXPECT_EQ(h.client().db_index, 0);
  EXPECT_EQ(h.Run({"HELLO"}), HelloReply(2, h.client().id()));
}

TEST(ConnectionCommands, ResetLeavesPubSubAndDeauthenticates) {
  CommandHarness h(WithPassword("secret"));
  EXPECT_EQ(h.Run({"AUTH", "secret"}), Simple("OK"));
  h.server().pubsub.Subscribe(h.client(), "c");
  EXPECT_EQ(h.Run({"RESET"}), Simple("RESET"));
  EXPECT_EQ(h.client().subscription_count(), 0u);
  EXPECT_EQ(h.server().pubsub.NumSub("c", false), 0u);
  EXPECT_EQ(h.Run({"PING"}), Err("NOAUTH Authentication required."));
}

TEST(ConnectionCommands, ResetRefusesReplicaLinks) {
  CommandHarness h;
  h.client().is_replica = true;
  EXPECT_EQ(h.Run({"RESET"}), Err("ERR can only reset normal client connections"));
  h.client().is_monitor = true;  // monitors are flagged as replicas but may reset
  EXPECT_EQ(h.Run({"RESET"}), Simple("RESET"));
  EXPECT_FALSE(h.client().is_monitor);
}

}  // namespace
}  // namespace slotd::test
