// ClusterState: loading Redis's nodes.conf, slot binding bookkeeping, role links, removal and
// renames, and the invariant checker catching a broken state.
#include "cluster/topology/cluster_state.h"

#include <gtest/gtest.h>

namespace slotd {
namespace {

// Written by redis-server 7.0 for a 3 master / 1 replica layout (replica of the first master).
constexpr std::string_view kConf =
    "155adf337a5b362eb4ad51ae05ba6d3182b21f1d 127.0.0.1:23472@33472 master - 0 1795315282934 2 "
    "connected 5461-10922\n"
    "72380a8808ab9e1483be27622e610f73b0817120 127.0.0.1:23473@33473 master,fail - 0 "
    "1795315283937 3 connected 10923-16383\n"
    "0b17c248a3d7ac1fcd7b5d1c6e7ac8e07d23dbf1 127.0.0.1:23474@33474 slave "
    "122f30c4f997657a89f799f9fb89a113eeb043af 0 1795315283937 1 connected\n"
    "122f30c4f997657a89f799f9fb89a113eeb043af 127.0.0.1:23471@33471 myself,master - 0 "
    "1795315282000 1 connected 0-5460 [100->-155adf337a5b362eb4ad51ae05ba6d3182b21f1d]\n"
    "vars currentEpoch 3 lastVoteEpoch 2\n";

NodeId Id(std::string_view s) { return *NodeId::Parse(s); }

std::unique_ptr<ClusterState> Load() {
  auto conf = ParseNodesConf(kConf);
  EXPECT_TRUE(conf.ok()) << conf.error();
  auto state = ClusterState::FromConf(*conf, 5000);
  EXPECT_TRUE(state.ok()) << state.error();
  return std::move(*state);
}

TEST(ClusterState, LoadsRolesSlotsEpochsAndOpenSlots) {
  auto st = Load();
  EXPECT_EQ(st->myself().id, Id("122f30c4f997657a89f799f9fb89a113eeb043af"));
  EXPECT_EQ(st->myself().num_slots, 5461);
  EXPECT_EQ(st->current_epoch.value, 3u);
  EXPECT_EQ(st->last_vote_epoch, 2u);
  const NodeRecord* replica = st->Find(Id("0b17c248a3d7ac1fcd7b5d1c6e7ac8e07d23dbf1"));
  ASSERT_NE(replica, nullptr);
  EXPECT_TRUE(replica->IsReplica());
  EXPECT_EQ(replica->master, st->myself().id);
  ASSERT_EQ(st->myself().replicas.size(), 1u);
  const NodeRecord* failed = st->Find(Id("72380a8808ab9e1483be27622e610f73b0817120"));
  EXPECT_TRUE(failed->Failed());
  EXPECT_EQ(failed->fail_time_ms, 5000);
  EXPECT_EQ(failed->pong_received_ms, 5000);  // non-zero times become "now"
  EXPECT_EQ(st->SlotOwner(16383), failed);
  EXPECT_EQ(st->migrating_to.at(100), Id("155adf337a5b362eb4ad51ae05ba6d3182b21f1d"));
  EXPECT_EQ(st->CheckInvariants(), "");
}

TEST(ClusterState, SavedConfRoundTripsThroughTheParser) {
  auto st = Load();
  NodesConf conf = st->ToConf(1000, false);
  auto again = ClusterState::FromConf(conf, 5000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RenderNodesConf((*again)->ToConf(1000, false)), RenderNodesConf(conf));
  // The replica line shows its master's configEpoch, as CLUSTER NODES does.
  EXPECT_NE(RenderNodesConf(conf).find("0b17c248a3d7ac1fcd7b5d1c6e7ac8e07d23dbf1 "
                                       "127.0.0.1:23474@33474 slave "
                                       "122f30c4f997657a89f799f9fb89a113eeb043af 0 6000 1 "
                                       "disconnected"),
            std::string::npos);
}

TEST(ClusterState, RemovingANodeDropsItsSlotsLinksAndReports) {
  auto st = Load();
  const NodeId peer = Id("155adf337a5b362eb4ad51ae05ba6d3182b21f1d");
  st->Find(Id("72380a8808ab9e1483be27622e610f73b0817120"))->fail_reports[peer] = 1;
  st->Remove(peer);
  EXPECT_EQ(st->Find(peer), nullptr);
  EXPECT_EQ(st->SlotOwner(5461), nullptr);
  EXPECT_TRUE(st->migrating_to.empty());
  EXPECT_TRUE(st->Find(Id("72380a8808ab9e1483be27622e610f73b0817120"))->fail_reports.empty());
  st->Remove(st->myself().id);  // never removes myself
  EXPECT_EQ(st->size(), 3u);
  EXPECT_EQ(st->CheckInvariants(), "");
}

TEST(ClusterState, RenameKeepsSlotsAndIndexOrder) {
  auto st = Load();
  const NodeId from = Id("155adf337a5b362eb4ad51ae05ba6d3182b21f1d");
  const NodeId to = Id("ffffffffffffffffffffffffffffffffffffffff");
  NodeRecord& n = st->Rename(from, to);
  EXPECT_EQ(n.id, to);
  EXPECT_EQ(st->SlotOwner(5461), &n);
  EXPECT_EQ(st->by_index().back(), &n);
  EXPECT_EQ(st->CheckInvariants(), "");
}

TEST(ClusterState, CheckerReportsSlotsOwnedByAReplica) {
  auto st = Load();
  st->BindSlot(0, *st->Find(Id("0b17c248a3d7ac1fcd7b5d1c6e7ac8e07d23dbf1")));
  EXPECT_EQ(st->CheckInvariants().substr(0, 3), "S3:");
}

TEST(ClusterState, MaxEpochIncludesEveryConfigEpoch) {
  ClusterState st(*NodeId::Parse(std::string(40, 'a')), Endpoint{});
  EXPECT_EQ(st.MaxEpoch(), 0u);
  NodeRecord other;
  other.id = *NodeId::Parse(std::string(40, 'b'));
  other.config_epoch.value = 9;
  st.Add(other);
  EXPECT_EQ(st.MaxEpoch(), 9u);
}

TEST(ClusterStateFlags, WireAndConfOrdersMapBothWays) {
  const uint16_t wire = bus::kFlagMyself | bus::kFlagSlave | bus::kFlagPfail |
                        bus::kFlagNoFailover;
  EXPECT_EQ(ConfFlagsFromWire(wire), kNodeMyself | kNodeSlave | kNodePfail | kNodeNofailover);
  EXPECT_EQ(WireFlagsFromConf(ConfFlagsFromWire(wire)), wire);
}

}  // namespace
}  // namespace slotd
