// Keyspace notifications that depend on the server's own timing (so tests/compat, which compares a command's
// events step by step, cannot pin them): "expired" from the active expiry cycle, "evicted" under maxmemory,
// and the RESP3 push form a HELLO 3 subscriber receives.
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/repl_nodes.h"

namespace slotd::test {
namespace {

using KeyspaceEvents = ReplNodes;

std::string Bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

std::string Message(const std::string& channel, const std::string& payload) {
  return "*3\r\n" + Bulk("message") + Bulk(channel) + Bulk(payload);
}

TEST_F(KeyspaceEvents, ActiveExpiryPublishesExpired) {
  Node& node = Start({"--notify-keyspace-events", "Ex"});
  RawClient subscriber(node.port);
  ASSERT_NE(subscriber.Call({"SUBSCRIBE", "__keyevent@0__:expired"}), "");
  ASSERT_EQ(Call(node, {"SET", "soon", "v", "PX", "100"}), "+OK\r\n");
  ASSERT_EQ(Call(node, {"SET", "later", "v", "EX", "1000"}), "+OK\r\n");
  // Nobody reads the key: the server's own cycle finds it (RawClient waits up to 5 s).
  EXPECT_EQ(subscriber.ReadReply(), Message("__keyevent@0__:expired", "soon"));
  EXPECT_EQ(Call(node, {"DBSIZE"}), ":1\r\n");
}

TEST_F(KeyspaceEvents, MaxmemoryEvictionPublishesEvictedPerKey) {
  Node& node = Start({"--notify-keyspace-events", "Ee", "--maxmemory-policy", "allkeys-lru"});
  RawClient subscriber(node.port);
  ASSERT_NE(subscriber.Call({"SUBSCRIBE", "__keyevent@0__:evicted"}), "");
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(Call(node, {"SET", "key" + std::to_string(i), std::string(1000, 'x')}), "+OK\r\n");
  }
  // A limit below what the server already uses: the next write evicts every key it can, then is refused.
  ASSERT_EQ(Call(node, {"CONFIG", "SET", "maxmemory", "1"}), "+OK\r\n");
  std::string reply = Call(node, {"SET", "trigger", "v"});
  EXPECT_EQ(reply.rfind("-OOM", 0), 0u) << reply;
  int evicted = 0;
  for (std::string m = subscriber.ReadReply(); !m.empty(); m = evicted < 50 ? subscriber.ReadReply() : "") {
    EXPECT_NE(m.find("__keyevent@0__:evicted"), std::string::npos) << m;
    ++evicted;
  }
  EXPECT_EQ(evicted, 50);
  EXPECT_EQ(ParseInfo(Call(node, {"INFO", "stats"}))["evicted_keys"], "50");
  ASSERT_EQ(Call(node, {"CONFIG", "SET", "maxmemory", "0"}), "+OK\r\n");
}

TEST_F(KeyspaceEvents, Resp3SubscriberGetsPushMessages) {
  Node& node = Start({"--notify-keyspace-events", "K$"});
  RawClient subscriber(node.port);
  ASSERT_NE(subscriber.Call({"HELLO", "3"}), "");
  ASSERT_NE(subscriber.Call({"SUBSCRIBE", "__keyspace@0__:k"}), "");
  ASSERT_EQ(Call(node, {"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(subscriber.ReadReply(), ">3\r\n" + Bulk("message") + Bulk("__keyspace@0__:k") + Bulk("set"));
}

}  // namespace
}  // namespace slotd::test
