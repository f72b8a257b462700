// CLIENT TRACKING behaviour that tests/compat cannot compare byte for byte: the tracking table's size
// limit (Redis picks the keys to drop at random) and the bookkeeping INFO shows as clients come and go.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/repl_nodes.h"

namespace slotd::test {
namespace {

using ClientTracking = ReplNodes;

TEST_F(ClientTracking, TableLimitInvalidatesKeysEarly) {
  Node& node = Start({"--tracking-table-max-keys", "10"});
  RawClient tracker(node.port);
  ASSERT_NE(tracker.Call({"HELLO", "3"}), "");
  ASSERT_EQ(tracker.Call({"CLIENT", "TRACKING", "ON"}), "+OK\r\n");
  // Each read adds a key; from the 11th on, the table is cut back to 10 before the next command runs.
  int invalidations = 0;
  auto run = [&](const std::vector<std::string>& command) {
    tracker.Send(command);
    for (std::string reply = tracker.ReadReply(); reply.rfind(">2", 0) == 0; reply = tracker.ReadReply()) {
      EXPECT_NE(reply.find("invalidate"), std::string::npos) << reply;
      ++invalidations;
    }
  };
  for (int i = 0; i < 30; ++i) run({"GET", "key" + std::to_string(i)});
  run({"PING"});  // the cut after the last read
  auto stats = ParseInfo(Call(node, {"INFO", "stats"}));
  EXPECT_LE(std::stoi(stats["tracking_total_keys"]), 10);
  EXPECT_EQ(invalidations + std::stoi(stats["tracking_total_keys"]), 30);
}

TEST_F(ClientTracking, InfoCountsClientsKeysAndPrefixesAndForgetsDisconnectedClients) {
  Node& node = Start();
  {
    RawClient reader(node.port);
    RawClient broadcaster(node.port);
    ASSERT_EQ(reader.Call({"CLIENT", "TRACKING", "ON"}), "+OK\r\n");
    ASSERT_EQ(reader.Call({"MGET", "a", "b", "c"}), "*3\r\n$-1\r\n$-1\r\n$-1\r\n");
    ASSERT_EQ(broadcaster.Call({"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p:", "PREFIX", "q:"}), "+OK\r\n");
    EXPECT_EQ(ParseInfo(Call(node, {"INFO", "clients"}))["tracking_clients"], "2");
    auto stats = ParseInfo(Call(node, {"INFO", "stats"}));
    EXPECT_EQ(stats["tracking_total_keys"], "3");
    EXPECT_EQ(stats["tracking_total_items"], "3");
    EXPECT_EQ(stats["tracking_total_prefixes"], "2");
    std::string list = Call(node, {"CLIENT", "LIST"});
    EXPECT_NE(list.find("flags=t "), std::string::npos) << list;
    EXPECT_NE(list.find("flags=tB "), std::string::npos) << list;
  }
  // Both connections closed: the server forgets them (the keys stay until they change, as in Redis).
  for (int i = 0; i < 50 && ParseInfo(Call(node, {"INFO", "clients"}))["tracking_clients"] != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(ParseInfo(Call(node, {"INFO", "clients"}))["tracking_clients"], "0");
  auto stats = ParseInfo(Call(node, {"INFO", "stats"}));
  EXPECT_EQ(stats["tracking_total_prefixes"], "0");
  ASSERT_EQ(Call(node, {"MSET", "a", "1", "b", "1", "c", "1"}), "+OK\r\n");
  EXPECT_EQ(ParseInfo(Call(node, {"INFO", "stats"}))["tracking_total_keys"], "0");
}

}  // namespace
}  // namespace slotd::test
