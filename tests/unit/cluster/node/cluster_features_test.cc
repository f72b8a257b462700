// ClusterNode features beyond the 7.0 core protocol: the link list CLUSTER LINKS reports, PUBLISH
// relayed over the bus, and 7.2's shard ids (ping extension, nodes.conf aux field, replicas
// sharing their master's id, no extension for 7.0 peers).
#include <gtest/gtest.h>

#include <string>

#include "cluster/node/cluster_node.h"
#include "cluster/topology/nodes_conf.h"
#include "tests/unit/cluster/node/node_test_util.h"

namespace slotd {
namespace {

using node_test::All;
using node_test::From;
using node_test::Id;
using node_test::Options;

bus::ShardIdExt ShardExt(char c) {
  bus::ShardIdExt e;
  e.shard_id.fill(c);
  return e;
}

const bus::ShardIdExt* FindShardExt(const bus::Message& m) {
  for (const bus::PingExt& e : m.extensions) {
    if (const auto* s = std::get_if<bus::ShardIdExt>(&e)) return s;
  }
  return nullptr;
}

// A node that met peer 'b' (outbound link) and accepted b's inbound link.
class PeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Outbox out;
    ASSERT_TRUE(node_.Meet("10.0.0.9", 7000, 17000, 1000, out).ok());
    TickInput tick;
    tick.now_ms = 1100;
    tick.wall_ms = 1700000000000;
    node_.Tick(tick, out);
    for (const auto* c : All<ConnectEffect>(out)) to_b_ = c->link;
    ASSERT_NE(to_b_, 0u);
    node_.OnFrame(to_b_, From(Id('b'), bus::MessageType::kPong), 1110, out);
    from_b_ = node_.OnAccept("10.0.0.9", "10.0.0.1", 1200);
    node_.OnFrame(from_b_, From(Id('b'), bus::MessageType::kPing), 1200, out);
  }

  ClusterNode node_{Options(), 21};
  LinkId to_b_ = 0;
  LinkId from_b_ = 0;
};

TEST_F(PeerTest, LinksListOutboundThenInboundPerNode) {
  std::vector<LinkSummary> links = node_.Links();
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].link, to_b_);
  EXPECT_FALSE(links[0].inbound);
  EXPECT_EQ(links[0].node, Id('b'));
  EXPECT_EQ(links[0].ctime_ms, 1100);  // connected by the first tick after MEET
  EXPECT_EQ(links[1].link, from_b_);
  EXPECT_TRUE(links[1].inbound);
  EXPECT_EQ(links[1].ctime_ms, 1200);
  // A dropped link disappears from the list.
  Outbox out;
  node_.OnLinkDown(from_b_, 1300, out);
  ASSERT_EQ(node_.Links().size(), 1u);
  EXPECT_FALSE(node_.Links()[0].inbound);
}

TEST_F(PeerTest, PublishIsBroadcastAndDeliveredFromKnownNodesOnly) {
  Outbox out;
  node_.Publish("news", "hello", false, 1300, out);
  auto sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0]->link, to_b_);
  EXPECT_EQ(sends[0]->msg.header.type, bus::MessageType::kPublish);
  EXPECT_EQ(std::get<bus::PublishBody>(sends[0]->msg.body), (bus::PublishBody{"news", "hello"}));
  EXPECT_EQ(node_.sent_by_type()[bus::kTypePublish], 1u);

  out.clear();
  bus::Message pub = From(Id('b'), bus::MessageType::kPublish);
  pub.body = bus::PublishBody{"news", "from b"};
  node_.OnFrame(from_b_, pub, 1310, out);
  auto delivered = All<DeliverPublishEffect>(out);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]->channel, "news");
  EXPECT_EQ(delivered[0]->message, "from b");
  EXPECT_FALSE(delivered[0]->shard);

  // The same frame from a stranger's link is ignored, as clusterProcessPacket does.
  out.clear();
  const LinkId stranger = node_.OnAccept("10.0.0.7", "10.0.0.1", 1320);
  pub.header.sender = Id('z');
  node_.OnFrame(stranger, pub, 1320, out);
  EXPECT_TRUE(All<DeliverPublishEffect>(out).empty());
}

TEST_F(PeerTest, ShardPublishGoesOnlyToMyShard) {
  Outbox out;
  node_.Publish("orders", "1", true, 1300, out);
  EXPECT_TRUE(All<SendEffect>(out).empty());  // b is another master: not in my shard
  bus::Message spub = From(Id('b'), bus::MessageType::kPublishShard);
  spub.body = bus::PublishBody{"orders", "2"};
  node_.OnFrame(to_b_, spub, 1310, out);
  auto delivered = All<DeliverPublishEffect>(out);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_TRUE(delivered[0]->shard);
}

TEST(ClusterNodeShardId, FreshNodeHasOneAndRestoreKeepsIt) {
  ClusterNode n(Options(), 22);
  EXPECT_TRUE(NodeId::IsValid(n.shard_id().view()));
  EXPECT_NE(n.shard_id(), n.id());
  const std::string text = n.ConfigText();
  EXPECT_NE(text.find(",,shard-id=" + n.shard_id().str() + " myself,master"), std::string::npos)
      << text;
  auto restored = ClusterNode::Restore(Options(), text, 23, 5000);
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_EQ((*restored)->shard_id(), n.shard_id());
}

TEST(ClusterNodeShardId, A70FileWithoutShardIdGetsANewOne) {
  const std::string conf = std::string(40, 'c') +
                           " 127.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-10\n"
                           "vars currentEpoch 1 lastVoteEpoch 0\n";
  auto restored = ClusterNode::Restore(Options(), conf, 24, 5000);
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_TRUE(NodeId::IsValid((*restored)->shard_id().view()));
}

TEST_F(PeerTest, PingsCarryTheShardIdUntilThePeerShowsItIs70) {
  Outbox out;
  node_.OnFrame(from_b_, From(Id('b'), bus::MessageType::kPing), 1300, out);
  auto sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);  // the PONG
  // b's PING had no shard-id extension: b is a 7.0 node, so our PONG leaves it out.
  EXPECT_EQ(FindShardExt(sends[0]->msg), nullptr);

  // Once b's pings carry one (a 7.2 node or slotd), the next reply carries ours.
  bus::Message ping = From(Id('b'), bus::MessageType::kPing);
  ping.extensions.push_back(ShardExt('e'));
  node_.OnFrame(from_b_, ping, 1400, out);
  out.clear();
  node_.OnFrame(from_b_, ping, 1450, out);
  sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);
  const bus::ShardIdExt* ext = FindShardExt(sends[0]->msg);
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(std::string(ext->shard_id.data(), 40), node_.shard_id().str());
  EXPECT_EQ(node_.state().Find(Id('b'))->shard_id, Id('e'));
  // Other nodes' shard ids are kept in nodes.conf.
  EXPECT_NE(node_.ConfigText().find(",,shard-id=" + Id('e').str()), std::string::npos);
}

TEST_F(PeerTest, AReplicaTakesItsMastersShardId) {
  Outbox out;
  bus::Message ping = From(Id('b'), bus::MessageType::kPing);
  ping.extensions.push_back(ShardExt('e'));
  node_.OnFrame(from_b_, ping, 1300, out);
  ASSERT_TRUE(node_.Replicate(Id('b').view(), true, 1400, out).ok());
  EXPECT_EQ(node_.shard_id(), Id('e'));
  // The master announcing another shard id (a rolling upgrade) moves ours too, durably.
  out.clear();
  ping.extensions = {ShardExt('f')};
  node_.OnFrame(from_b_, ping, 1500, out);
  EXPECT_EQ(node_.shard_id(), Id('f'));
  ASSERT_FALSE(out.empty());
  const auto* save = std::get_if<SaveConfigEffect>(&out.front());
  ASSERT_NE(save, nullptr);
  EXPECT_TRUE(save->fsync);
}

TEST(NodesConfAux, Parses72AuxFieldsAndRendersThemOnlyInTheFile) {
  const std::string shard(40, 'd');
  const std::string text =
      std::string(40, 'a') + " 127.0.0.1:30001@40001,,tls-port=0,shard-id=" + shard +
      " myself,master - 0 0 1 connected 0-5460\n" + std::string(40, 'b') +
      " 127.0.0.1:30002@40002,host-b,shard-id=" + shard + " slave " + std::string(40, 'a') +
      " 0 0 1 connected\nvars currentEpoch 1 lastVoteEpoch 0\n";
  Result<NodesConf> conf = ParseNodesConf(text);
  ASSERT_TRUE(conf.ok()) << conf.error();
  EXPECT_EQ(conf->nodes[0].shard_id, *NodeId::Parse(shard));
  EXPECT_EQ(conf->nodes[0].endpoint.hostname, "");
  EXPECT_EQ(conf->nodes[1].endpoint.hostname, "host-b");
  // tls-port is not kept; everything else renders back as 7.2 wrote it.
  EXPECT_EQ(RenderNodeLine(conf->nodes[0], true),
            std::string(40, 'a') + " 127.0.0.1:30001@40001,,shard-id=" + shard +
                " myself,master - 0 0 1 connected 0-5460");
  // CLUSTER NODES shows no aux fields.
  EXPECT_EQ(RenderNodeLine(conf->nodes[0]),
            std::string(40, 'a') + " 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460");
  EXPECT_EQ(RenderNodeLine(conf->nodes[1]).substr(41, 30), "127.0.0.1:30002@40002,host-b s");
}

TEST(NodesConfAux, RejectsABadShardId) {
  const std::string text = std::string(40, 'a') +
                           " 127.0.0.1:30001@40001,,shard-id=XYZ myself,master - 0 0 1 connected\n";
  Result<NodesConf> conf = ParseNodesConf(text);
  ASSERT_FALSE(conf.ok());
  EXPECT_NE(conf.error().find("invalid shard-id"), std::string::npos) << conf.error();
}

}  // namespace
}  // namespace slotd
