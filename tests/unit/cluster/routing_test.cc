// Route() against hand-built views: every branch of Redis 7.0's getNodeByQuery (PROTOCOLS.md 5.1).
// Cases were checked on a real 7.0.15 cluster (3 masters, 1 replica) with the same slot layout.
#include "cluster/node/routing.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/unit/cluster/three_masters_view.h"

namespace slotd {
namespace {

using Kind = RouteDecision::Kind;

// slot("a") = 15495, slot("b") = 3300, slot("c") = 7365, slot("foo") = 12182, slot("{b}x") = 3300.
constexpr int kSlotA = 15495;
constexpr int kSlotB = 3300;

class FakeKeys : public KeyPresence {
 public:
  bool Exists(std::string_view key) const override { return keys.count(std::string(key)) > 0; }
  std::set<std::string> keys;
};

ClusterView ThreeMasters(int myself) { return test::ThreeMastersView(myself, 7001); }

class RoutingTest : public ::testing::Test {
 protected:
  RouteDecision RouteKeys(std::vector<std::string_view> keys) {
    keys_ = std::move(keys);
    request.keys = keys_;
    return Route(view, request, presence);
  }

  ClusterView view = ThreeMasters(0);
  RouteRequest request;
  FakeKeys presence;

 private:
  std::vector<std::string_view> keys_;
};

TEST_F(RoutingTest, CommandWithoutKeysIsServedEvenWhenTheClusterIsDown) {
  view.state_ok = false;
  RouteDecision d = RouteKeys({});
  EXPECT_EQ(d.kind, Kind::kServe);
  EXPECT_EQ(d.slot, -1);
}

TEST_F(RoutingTest, KeyInOwnSlotIsServed) {
  RouteDecision d = RouteKeys({"b"});
  EXPECT_EQ(d.kind, Kind::kServe);
  EXPECT_EQ(d.slot, kSlotB);
}

TEST_F(RoutingTest, KeyOwnedElsewhereIsMovedToTheOwner) {
  RouteDecision d = RouteKeys({"a"});
  EXPECT_EQ(d.kind, Kind::kMoved);
  EXPECT_EQ(d.slot, kSlotA);
  EXPECT_EQ(d.node, 2);
}

TEST_F(RoutingTest, UnassignedSlotIsNotServedEvenWhenStateIsOk) {
  view.owner[kSlotB] = ClusterView::kNoNode;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kDownUnbound);
}

TEST_F(RoutingTest, KeysInDifferentSlotsAreCrossSlotEvenIfOneIsUnassigned) {
  view.owner[kSlotA] = ClusterView::kNoNode;
  EXPECT_EQ(RouteKeys({"b", "a"}).kind, Kind::kCrossSlot);
  EXPECT_EQ(RouteKeys({"b", "c"}).kind, Kind::kCrossSlot);
}

TEST_F(RoutingTest, HashTaggedKeysShareASlot) {
  EXPECT_EQ(RouteKeys({"{b}x", "{b}y", "b"}).kind, Kind::kServe);
  RouteDecision d = RouteKeys({"{a}x", "{a}y"});
  EXPECT_EQ(d.kind, Kind::kMoved);
  EXPECT_EQ(d.slot, kSlotA);
}

TEST_F(RoutingTest, MigratingSlotServesKeysThatExist) {
  view.migrating_to[kSlotB] = 1;
  presence.keys = {"{b}x", "{b}y"};
  EXPECT_EQ(RouteKeys({"{b}x", "{b}y"}).kind, Kind::kServe);
}

TEST_F(RoutingTest, MigratingSlotAsksForMissingKeys) {
  view.migrating_to[kSlotB] = 1;
  RouteDecision d = RouteKeys({"{b}x", "{b}y"});
  EXPECT_EQ(d.kind, Kind::kAsk);
  EXPECT_EQ(d.slot, kSlotB);
  EXPECT_EQ(d.node, 1);
}

TEST_F(RoutingTest, MigratingSlotWithSomeKeysMissingIsTryAgain) {
  view.migrating_to[kSlotB] = 1;
  presence.keys = {"{b}x"};
  EXPECT_EQ(RouteKeys({"{b}x", "{b}y"}).kind, Kind::kTryAgain);
  // The same key twice, one copy present, counts as present.
  EXPECT_EQ(RouteKeys({"{b}x", "{b}x"}).kind, Kind::kServe);
}

TEST_F(RoutingTest, MigrateRunsLocallyWhileTheSlotIsOpen) {
  view.migrating_to[kSlotB] = 1;
  request.is_migrate = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
}

TEST_F(RoutingTest, ImportingSlotRedirectsClientsWithoutAsking) {
  view = ThreeMasters(1);
  view.importing_from[kSlotB] = 0;
  RouteDecision d = RouteKeys({"b"});
  EXPECT_EQ(d.kind, Kind::kMoved);
  EXPECT_EQ(d.node, 0);
}

TEST_F(RoutingTest, ImportingSlotServesAskingClients) {
  view = ThreeMasters(1);
  view.importing_from[kSlotB] = 0;
  request.asking = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);  // a single missing key is fine
  presence.keys = {"{b}x"};
  EXPECT_EQ(RouteKeys({"{b}x", "{b}y"}).kind, Kind::kTryAgain);
  presence.keys = {"{b}x", "{b}y"};
  EXPECT_EQ(RouteKeys({"{b}x", "{b}y"}).kind, Kind::kServe);
}

TEST_F(RoutingTest, ClusterDownRefusesKeyedCommands) {
  view.state_ok = false;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kDownState);
  EXPECT_EQ(RouteKeys({"a"}).kind, Kind::kDownState);
}

TEST_F(RoutingTest, ClusterDownWithReadsAllowedRefusesOnlyWrites) {
  view.state_ok = false;
  view.allow_reads_when_down = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
  EXPECT_EQ(RouteKeys({"a"}).kind, Kind::kMoved);
  request.is_write = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kDownReadOnly);
}

TEST_F(RoutingTest, ShardPubSubFollowsItsOwnDownSetting) {
  view.state_ok = false;
  request.shard_pubsub = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
  view.allow_pubsubshard_when_down = false;
  view.allow_reads_when_down = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kDownState);
}

TEST_F(RoutingTest, ShardChannelsOfAMigratingSlotStayWithTheSource) {
  view.migrating_to[kSlotB] = 1;
  request.shard_pubsub = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
}

TEST_F(RoutingTest, ReplicaRedirectsToItsMasterUnlessReadOnlyRead) {
  view = ThreeMasters(3);
  RouteDecision d = RouteKeys({"b"});
  EXPECT_EQ(d.kind, Kind::kMoved);
  EXPECT_EQ(d.node, 0);
  request.readonly_client = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
  EXPECT_EQ(RouteKeys({"a"}).kind, Kind::kMoved);  // not my master's slot
  request.is_write_for_replica_read = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kMoved);
}

TEST_F(RoutingTest, ReplicaServesShardPubSubOfItsMasterWithoutReadOnly) {
  view = ThreeMasters(3);
  request.shard_pubsub = true;
  EXPECT_EQ(RouteKeys({"b"}).kind, Kind::kServe);
}

TEST(RouteBlockedTest, KeepsWaitersOfServedOrImportedSlots) {
  ClusterView v = ThreeMasters(0);
  EXPECT_EQ(RouteBlocked(v, "b", false, true).kind, Kind::kServe);
  v.owner[kSlotB] = 1;
  RouteDecision d = RouteBlocked(v, "b", false, true);
  EXPECT_EQ(d.kind, Kind::kMoved);
  EXPECT_EQ(d.node, 1);
  EXPECT_EQ(d.slot, kSlotB);
  v.importing_from[kSlotB] = 1;
  EXPECT_EQ(RouteBlocked(v, "b", false, true).kind, Kind::kServe);
  v.importing_from[kSlotB] = ClusterView::kNoNode;
  v.owner[kSlotB] = ClusterView::kNoNode;
  EXPECT_EQ(RouteBlocked(v, "b", false, true).kind, Kind::kDownUnbound);
}

TEST(RouteBlockedTest, ClusterDownReleasesWaitersEvenWithReadsAllowed) {
  ClusterView v = ThreeMasters(0);
  v.state_ok = false;
  v.allow_reads_when_down = true;
  EXPECT_EQ(RouteBlocked(v, "b", false, false).kind, Kind::kDownState);
}

TEST(RouteBlockedTest, ReplicaKeepsReadOnlyReadersOfItsMaster) {
  ClusterView v = ThreeMasters(3);
  EXPECT_EQ(RouteBlocked(v, "b", true, false).kind, Kind::kServe);
  EXPECT_EQ(RouteBlocked(v, "b", true, true).kind, Kind::kMoved);
  EXPECT_EQ(RouteBlocked(v, "b", false, false).kind, Kind::kMoved);
}

TEST(ClusterViewTest, PreferredHostFollowsEndpointType) {
  ClusterView v = ThreeMasters(0);
  ClusterViewNode& n = v.nodes[1];
  EXPECT_EQ(v.PreferredHost(n), "127.0.0.1");
  v.preferred_endpoint = PreferredEndpoint::kHostname;
  EXPECT_EQ(v.PreferredHost(n), "?");
  n.endpoint.hostname = "node-b.example";
  EXPECT_EQ(v.PreferredHost(n), "node-b.example");
  v.preferred_endpoint = PreferredEndpoint::kUnknownEndpoint;
  EXPECT_EQ(v.PreferredHost(n), "");
  EXPECT_TRUE(v.is_master());
  EXPECT_EQ(v.my_master(), ClusterView::kNoNode);
}

}  // namespace
}  // namespace slotd
