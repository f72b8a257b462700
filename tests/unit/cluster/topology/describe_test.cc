// CLUSTER NODES / INFO / SLOTS / SHARDS content, compared with what redis-server 7.0 printed
// for the same state (a fresh node after CLUSTER ADDSLOTS 0 1 2 5), and the ClusterView.
#include "cluster/topology/describe.h"

#include <gtest/gtest.h>

#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {

std::unique_ptr<ClusterNode> FreshWithSlots() {
  NodeOptions o;
  o.myself.port = 23917;
  o.myself.cport = 33917;
  auto n = std::make_unique<ClusterNode>(o, 42);
  Outbox out;
  EXPECT_TRUE(n->AddSlots({0, 1, 2, 5}, out).ok());
  return n;
}

TEST(Describe, InfoOfAFreshNodeMatchesRedis) {
  auto n = FreshWithSlots();
  EXPECT_EQ(DescribeInfo(n->state(), n->sent_by_type(), n->received_by_type()),
            "cluster_state:fail\r\n"
            "cluster_slots_assigned:4\r\n"
            "cluster_slots_ok:4\r\n"
            "cluster_slots_pfail:0\r\n"
            "cluster_slots_fail:0\r\n"
            "cluster_known_nodes:1\r\n"
            "cluster_size:1\r\n"
            "cluster_current_epoch:0\r\n"
            "cluster_my_epoch:0\r\n"
            "cluster_stats_messages_sent:0\r\n"
            "cluster_stats_messages_received:0\r\n"
            "total_cluster_links_buffer_limit_exceeded:0\r\n");
}

TEST(Describe, InfoCountsMessagesPerType) {
  MessageCounters sent{}, received{};
  sent[bus::kTypePing] = 3;
  sent[bus::kTypeAuthRequest] = 1;
  received[bus::kTypePong] = 2;
  ClusterState st(*NodeId::Parse(std::string(40, 'a')), Endpoint{});
  const std::string info = DescribeInfo(st, sent, received);
  EXPECT_NE(info.find("cluster_stats_messages_ping_sent:3\r\n"
                      "cluster_stats_messages_auth-req_sent:1\r\n"
                      "cluster_stats_messages_sent:4\r\n"
                      "cluster_stats_messages_pong_received:2\r\n"
                      "cluster_stats_messages_received:2\r\n"),
            std::string::npos);
}

TEST(Describe, NodesLineMatchesRedis) {
  auto n = FreshWithSlots();
  EXPECT_EQ(DescribeNodes(n->state(), 0),
            n->id().str() + " :23917@33917 myself,master - 0 0 0 connected 0-2 5\n");
}

TEST(Describe, SlotsAndShardsGroupRunsByOwner) {
  auto n = FreshWithSlots();
  std::vector<SlotsEntry> slots = DescribeSlots(n->state());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].first, 0);
  EXPECT_EQ(slots[0].last, 2);
  EXPECT_EQ(slots[1].first, 5);
  EXPECT_EQ(slots[1].last, 5);
  EXPECT_EQ(slots[1].nodes.front(), &n->state().myself());
  std::vector<Shard> shards = DescribeShards(n->state(), 0);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].slots, (std::vector<std::pair<int, int>>{{0, 2}, {5, 5}}));
  ASSERT_EQ(shards[0].nodes.size(), 1u);
  EXPECT_EQ(shards[0].nodes[0].health, "online");
  EXPECT_TRUE(shards[0].nodes[0].is_master);
}

TEST(Describe, ReplicasOfUnknownNodeIsAnError) {
  auto n = FreshWithSlots();
  EXPECT_EQ(DescribeReplicas(n->state(), "abc", 0).error(), "Unknown node abc");
  EXPECT_TRUE(DescribeReplicas(n->state(), n->id().view(), 0)->empty());
}

TEST(Describe, ViewMapsSlotsToNodeIndexes) {
  auto n = FreshWithSlots();
  ClusterView v = BuildClusterView(n->state());
  ASSERT_EQ(v.nodes.size(), 1u);
  EXPECT_TRUE(v.is_master());
  EXPECT_TRUE(v.owns(5));
  EXPECT_EQ(v.owner_of(3), ClusterView::kNoNode);
  EXPECT_FALSE(v.state_ok);
}

}  // namespace
}  // namespace slotd
