// Pub/sub on real processes: PUBLISH on a master reaches its replicas' subscribers (through the
// replication stream, never the AOF), CLIENT KILL frees a subscriber at once, and keyspace
// notifications come from each node for the changes it applies (a replica's from its master's stream).
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/repl_nodes.h"

namespace slotd::test {
namespace {

using PubSubReplication = ReplNodes;

std::string Message(const std::string& channel, const std::string& payload) {
  return "*3\r\n$7\r\nmessage\r\n$" + std::to_string(channel.size()) + "\r\n" + channel + "\r\n$" +
         std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
}

TEST_F(PubSubReplication, PublishOnTheMasterReachesSubscribersOfItsReplica) {
  Node& master = Start({"--appendonly", "yes"});
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, replica));

  RawClient subscriber(replica.port);
  ASSERT_EQ(subscriber.Call({"SUBSCRIBE", "news"}),
            "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
  // No subscriber on the master itself: PUBLISH counts only local receivers, as Redis.
  EXPECT_EQ(Call(master, {"PUBLISH", "news", "hello"}), ":0\r\n");
  EXPECT_EQ(subscriber.ReadReply(), Message("news", "hello"));

  // The AOF holds writes only: a restart from it replays no PUBLISH (and still has the key).
  EXPECT_EQ(Call(master, {"SET", "k", "v"}), "+OK\r\n");
  ASSERT_TRUE(WaitInSync(master, replica));
  std::string aof_dir = master.dir + "/appendonlydir";
  std::string grep = "grep -rqi publish " + aof_dir;
  EXPECT_NE(std::system(grep.c_str()), 0) << "PUBLISH was written to the AOF";
}

TEST_F(PubSubReplication, KilledSubscriberIsNoLongerCountedByPublish) {
  Node& node = Start();
  RawClient subscriber(node.port);
  ASSERT_EQ(subscriber.Call({"SUBSCRIBE", "news"}),
            "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
  RawClient admin(node.port);
  EXPECT_EQ(admin.Call({"CLIENT", "KILL", "TYPE", "pubsub"}), ":1\r\n");
  // Redis frees the killed client before replying: the very next PUBLISH finds nobody.
  EXPECT_EQ(admin.Call({"PUBLISH", "news", "late"}), ":0\r\n");
  EXPECT_TRUE(subscriber.WaitClosed());
  // A new client on the same channel name works normally (the registry was left consistent).
  RawClient again(node.port);
  ASSERT_EQ(again.Call({"SUBSCRIBE", "news"}), "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
  EXPECT_EQ(admin.Call({"PUBLISH", "news", "hi"}), ":1\r\n");
  EXPECT_EQ(again.ReadReply(), Message("news", "hi"));
}

std::string Event(const std::string& pattern, const std::string& channel, const std::string& payload) {
  return "*4\r\n$8\r\npmessage\r\n$" + std::to_string(pattern.size()) + "\r\n" + pattern + "\r\n$" +
         std::to_string(channel.size()) + "\r\n" + channel + "\r\n$" + std::to_string(payload.size()) + "\r\n" +
         payload + "\r\n";
}

TEST_F(PubSubReplication, ReplicaPublishesKeyspaceEventsOfTheStreamItApplies) {
  Node& master = Start({"--notify-keyspace-events", "KEA"});
  Node& replica = StartReplicaOf(master);
  ASSERT_TRUE(WaitInSync(master, replica));
  ASSERT_EQ(Call(replica, {"CONFIG", "SET", "notify-keyspace-events", "Kgx$"}), "+OK\r\n");
  RawClient on_replica(replica.port);
  RawClient on_master(master.port);
  ASSERT_NE(on_replica.Call({"PSUBSCRIBE", "__keyspace@0__:*"}), "");
  ASSERT_NE(on_master.Call({"PSUBSCRIBE", "__keyevent@0__:*"}), "");

  ASSERT_EQ(Call(master, {"SET", "k", "v", "PX", "300"}), "+OK\r\n");
  EXPECT_EQ(on_master.ReadReply(), Event("__keyevent@0__:*", "__keyevent@0__:set", "k"));
  EXPECT_EQ(on_master.ReadReply(), Event("__keyevent@0__:*", "__keyevent@0__:expire", "k"));
  // The replica applies SET ... PXAT: the same two events, on its own channels and classes.
  EXPECT_EQ(on_replica.ReadReply(), Event("__keyspace@0__:*", "__keyspace@0__:k", "set"));
  EXPECT_EQ(on_replica.ReadReply(), Event("__keyspace@0__:*", "__keyspace@0__:k", "expire"));
  // The master expires the key by itself; the replica only deletes it when the master's DEL arrives.
  EXPECT_EQ(on_master.ReadReply(), Event("__keyevent@0__:*", "__keyevent@0__:expired", "k"));
  EXPECT_EQ(on_replica.ReadReply(), Event("__keyspace@0__:*", "__keyspace@0__:k", "del"));
}

}  // namespace
}  // namespace slotd::test
