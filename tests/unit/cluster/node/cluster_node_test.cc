// ClusterNode in isolation: CLUSTER subcommand errors (texts checked against redis-server
// 7.0), the handshake over crafted frames, vote durability ordering and restore from
// nodes.conf. Multi-node behaviour is covered by tests/sim.
#include "cluster/node/cluster_node.h"

#include <gtest/gtest.h>

#include "cluster/topology/describe.h"
#include "tests/unit/cluster/node/node_test_util.h"

namespace slotd {
namespace {

using node_test::All;
using node_test::From;
using node_test::Id;
using node_test::Options;

TEST(ClusterNodeAdmin, SlotAssignmentErrorsMatchRedis) {
  ClusterNode n(Options(), 1);
  Outbox out;
  ASSERT_TRUE(n.AddSlots({0, 1, 2, 3}, out).ok());
  EXPECT_EQ(n.AddSlotsRange({{5, 3}}, out).error(),
            "start slot number 5 is greater than end slot number 3");
  EXPECT_EQ(n.AddSlotsRange({{0, 3}}, out).error(), "Slot 0 is already busy");
  EXPECT_EQ(n.DelSlots({7}, out).error(), "Slot 7 is already unassigned");
  EXPECT_EQ(n.AddSlots({9, 9}, out).error(), "Slot 9 specified multiple times");
  EXPECT_EQ(n.AddSlots({16384}, out).error(), "Invalid or out of range slot");
  EXPECT_EQ(n.state().myself().num_slots, 4);  // failed calls changed nothing
  ASSERT_TRUE(n.DelSlotsRange({{1, 2}}, out).ok());
  EXPECT_EQ(n.state().myself().num_slots, 2);
}

TEST(ClusterNodeAdmin, SetSlotErrorsMatchRedis) {
  ClusterNode n(Options(), 2);
  Outbox out;
  ASSERT_TRUE(n.AddSlots({0}, out).ok());
  auto setslot = [&](int slot, SetSlotAction a, std::string_view id) {
    return n.SetSlot(slot, a, id, false, 0, out);
  };
  EXPECT_EQ(setslot(3, SetSlotAction::kMigrating, "abc").error(),
            "I'm not the owner of hash slot 3");
  EXPECT_EQ(setslot(0, SetSlotAction::kImporting, "abc").error(),
            "I'm already the owner of hash slot 0");
  EXPECT_EQ(setslot(0, SetSlotAction::kMigrating, "abc").error(), "I don't know about node abc");
  EXPECT_EQ(setslot(0, SetSlotAction::kNode, "abc").error(), "Unknown node abc");
  EXPECT_TRUE(setslot(0, SetSlotAction::kStable, "").ok());
}

TEST(ClusterNodeAdmin, EpochCommandsMatchRedis) {
  ClusterNode n(Options(), 3);
  Outbox out;
  EXPECT_EQ(n.SetConfigEpoch(-1, out).error(), "Invalid config epoch specified: -1");
  EXPECT_EQ(*n.BumpEpoch(out), "BUMPED 1");
  EXPECT_EQ(*n.BumpEpoch(out), "STILL 1");
  EXPECT_EQ(n.SetConfigEpoch(5, out).error(), "Node config epoch is already non-zero");
  ASSERT_TRUE(n.Meet("1.2.3.4", 7000, 17000, 0, out).ok());
  EXPECT_EQ(n.SetConfigEpoch(5, out).error(),
            "The user can assign a config epoch only when the node does not know any other "
            "node.");
  // Epoch changes are fsynced before anything else the input produced.
  out.clear();
  ClusterNode fresh(Options(), 4);
  ASSERT_TRUE(fresh.SetConfigEpoch(7, out).ok());
  ASSERT_FALSE(out.empty());
  const auto* save = std::get_if<SaveConfigEffect>(&out.front());
  ASSERT_NE(save, nullptr);
  EXPECT_TRUE(save->fsync);
  EXPECT_NE(save->text.find("vars currentEpoch 7 lastVoteEpoch 0"), std::string::npos);
}

TEST(ClusterNodeAdmin, NodeCommandsRefuseUnknownOrSelf) {
  ClusterNode n(Options(), 5);
  Outbox out;
  const std::string me = n.id().str();
  EXPECT_EQ(n.Meet("1.2.3", 7000, 17000, 0, out).error(),
            "Invalid node address specified: 1.2.3:7000");
  EXPECT_EQ(n.Meet("300.1.1.1", 7000, 17000, 0, out).error(),
            "Invalid node address specified: 300.1.1.1:7000");
  EXPECT_EQ(n.Meet("1.2.3.4", 0, 10000, 0, out).error(),
            "Invalid node address specified: 1.2.3.4:0");
  EXPECT_EQ(n.Replicate("abc", true, 0, out).error(), "Unknown node abc");
  EXPECT_EQ(n.Replicate(me, true, 0, out).error(), "Can't replicate myself");
  EXPECT_EQ(n.Forget("abc", 0, out).error(), "Unknown node abc");
  EXPECT_EQ(n.Forget(me, 0, out).error(), "I tried hard but I can't forget myself...");
  EXPECT_EQ(n.Failover(FailoverMode::kDefault, 0, out).error(),
            "You should send CLUSTER FAILOVER to a replica");
  EXPECT_EQ(n.CountFailureReports("abc", 0).error(), "Unknown node abc");
  EXPECT_EQ(*n.CountFailureReports(me, 0), 0);
}

TEST(ClusterNodeBus, MeetFromUnknownNodeIsAnsweredAndStartsAHandshake) {
  ClusterNode n(Options(), 6);
  Outbox out;
  const LinkId link = n.OnAccept("10.0.0.9", "10.0.0.1", 1000);
  n.OnFrame(link, From(Id('a'), bus::MessageType::kMeet), 1000, out);
  auto sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0]->link, link);
  EXPECT_EQ(sends[0]->msg.header.type, bus::MessageType::kPong);
  EXPECT_EQ(sends[0]->msg.header.sender, n.id());
  EXPECT_EQ(n.state().myself().endpoint.ip, "10.0.0.1");  // learned from the MEET's socket
  ASSERT_EQ(n.state().size(), 2u);
  const NodeRecord* peer = n.state().by_index()[0]->IsMyself() ? n.state().by_index()[1]
                                                                : n.state().by_index()[0];
  EXPECT_TRUE(peer->InHandshake());
  EXPECT_EQ(peer->endpoint.ip, "10.0.0.9");
  EXPECT_EQ(peer->endpoint.cport, 17000);
}

TEST(ClusterNodeBus, PongOnOurLinkCompletesTheHandshakeUnderTheRealName) {
  ClusterNode n(Options(), 7);
  Outbox out;
  ASSERT_TRUE(n.Meet("10.0.0.9", 7000, 17000, 1000, out).ok());
  out.clear();
  TickInput tick;
  tick.now_ms = 1100;
  tick.wall_ms = 1700000000000;
  n.Tick(tick, out);
  auto connects = All<ConnectEffect>(out);
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0]->endpoint.ip, "10.0.0.9");
  auto sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0]->msg.header.type, bus::MessageType::kMeet);
  out.clear();
  n.OnFrame(connects[0]->link, From(Id('b'), bus::MessageType::kPong), 1110, out);
  const NodeRecord* peer = n.state().Find(Id('b'));
  ASSERT_NE(peer, nullptr);
  EXPECT_FALSE(peer->InHandshake());
  EXPECT_TRUE(peer->IsMaster());
  EXPECT_EQ(peer->pong_received_ms, 1110);
  EXPECT_EQ(n.state().size(), 2u);
}

// A master with slots learns replica R of a FAIL master M, then R asks for a vote.
class VoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Outbox out;
    ASSERT_TRUE(node_.AddSlots({0}, out).ok());
    const LinkId in = node_.OnAccept("10.0.0.2", "10.0.0.1", 1000);
    node_.OnFrame(in, From(Id('m'), bus::MessageType::kMeet), 1000, out);
    TickInput tick;
    tick.now_ms = 1100;
    node_.Tick(tick, out);
    LinkId to_m = 0;
    for (const auto* c : All<ConnectEffect>(out)) to_m = c->link;
    bus::Message pong = From(Id('m'), bus::MessageType::kPong);
    pong.header.myslots.Set(1);
    node_.OnFrame(to_m, pong, 1110, out);
    // M gossips its replica R; we connect and complete a PING/PONG with R.
    bus::Message ping = From(Id('m'), bus::MessageType::kPing);
    ping.header.myslots.Set(1);
    bus::GossipEntry r;
    r.name = Id('r');
    r.ip = "10.0.0.3";
    r.port = 7000;
    r.cport = 17000;
    r.flags = bus::kFlagSlave;
    ping.gossip.push_back(r);
    node_.OnFrame(in, ping, 1120, out);
    out.clear();
    tick.now_ms = 1200;
    node_.Tick(tick, out);
    for (const auto* c : All<ConnectEffect>(out)) to_r_ = c->link;
    bus::Message rpong = From(Id('r'), bus::MessageType::kPong);
    rpong.header.flags = bus::kFlagSlave;
    rpong.header.slaveof = Id('m');
    rpong.header.myslots.Set(1);
    node_.OnFrame(to_r_, rpong, 1210, out);
    // M is declared failed by someone else.
    bus::Message fail = From(Id('r'), bus::MessageType::kFail);
    fail.header.flags = bus::kFlagSlave;
    fail.header.slaveof = Id('m');
    fail.body = bus::FailBody{Id('m')};
    node_.OnFrame(to_r_, fail, 1300, out);
    ASSERT_TRUE(node_.state().Find(Id('m'))->Failed());
  }
  bus::Message Request(uint64_t epoch) {
    bus::Message req = From(Id('r'), bus::MessageType::kAuthRequest, epoch);
    req.header.flags = bus::kFlagSlave;
    req.header.slaveof = Id('m');
    req.header.myslots.Set(1);
    return req;
  }
  ClusterNode node_{Options(), 8};
  LinkId to_r_ = 0;
};

TEST_F(VoteTest, VoteIsFsyncedBeforeTheAckAndGivenOncePerEpoch) {
  Outbox out;
  node_.OnFrame(to_r_, Request(1), 1400, out);
  ASSERT_GE(out.size(), 2u);
  const auto* save = std::get_if<SaveConfigEffect>(&out.front());
  ASSERT_NE(save, nullptr);
  EXPECT_TRUE(save->fsync);
  EXPECT_NE(save->text.find("lastVoteEpoch 1"), std::string::npos);
  auto acks = All<SendEffect>(out);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0]->msg.header.type, bus::MessageType::kAuthAck);
  EXPECT_EQ(acks[0]->link, to_r_);
  out.clear();
  node_.OnFrame(to_r_, Request(1), 1500, out);
  EXPECT_TRUE(All<SendEffect>(out).empty());
  auto logs = All<LogEffect>(out);
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs.back()->text,
            "Failover auth denied to " + Id('r').str() + ": already voted for epoch 1");
  // A new epoch within 2 * node_timeout of the last vote for M's replicas is refused too.
  out.clear();
  node_.OnFrame(to_r_, Request(2), 1600, out);
  EXPECT_TRUE(All<SendEffect>(out).empty());
}

TEST(ClusterNodeRestore, SavedConfigRestoresTheSameNode) {
  ClusterNode n(Options(), 9);
  Outbox out;
  ASSERT_TRUE(n.AddSlotsRange({{0, 99}, {200, 200}}, out).ok());
  ASSERT_TRUE(n.SetConfigEpoch(3, out).ok());
  const std::string text = n.ConfigText();
  auto restored = ClusterNode::Restore(Options(), text, 10, 5000);
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_EQ((*restored)->id(), n.id());
  EXPECT_EQ((*restored)->ConfigText(), text);
  EXPECT_EQ((*restored)->state().myself().num_slots, 101);
  EXPECT_FALSE(ClusterNode::Restore(Options(), "garbage\n", 1, 0).ok());
}

}  // namespace
}  // namespace slotd
