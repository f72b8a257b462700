// nodes.conf parsing and rendering: a file written by redis-server 7.0, round
// trips, and one test per kind of corruption (each must fail with the 1-based
// line number and what is wrong).
#include "cluster/topology/nodes_conf.h"

#include <gtest/gtest.h>

#include <string>

namespace slotd {
namespace {

// Written by redis-server 7.0 (node on port 23471 after `redis-cli --cluster
// create` of three nodes, then CLUSTER SETSLOT 100 MIGRATING <23472> and
// SETSLOT 6000 IMPORTING <23472>).
constexpr std::string_view kRedisNodesConf =
    R"(155adf337a5b362eb4ad51ae05ba6d3182b21f1d 127.0.0.1:23472@33472 master - 0 1795315282934 2 connected 5461-10922
72380a8808ab9e1483be27622e610f73b0817120 127.0.0.1:23473@33473 master - 0 1795315283937 3 connected 10923-16383
122f30c4f997657a89f799f9fb89a113eeb043af 127.0.0.1:23471@33471 myself,master - 0 1795315282000 1 connected 0-5460 [100->-155adf337a5b362eb4ad51ae05ba6d3182b21f1d] [6000-<-155adf337a5b362eb4ad51ae05ba6d3182b21f1d]
vars currentEpoch 3 lastVoteEpoch 0
)";

// The same cluster as seen from port 23472 (a peer already stopped: pong 0,
// disconnected).
constexpr std::string_view kRedisNodesConfPeer =
    R"(122f30c4f997657a89f799f9fb89a113eeb043af 127.0.0.1:23471@33471 master - 0 1795315280917 1 connected 0-5460
155adf337a5b362eb4ad51ae05ba6d3182b21f1d 127.0.0.1:23472@33472 myself,master - 0 0 2 connected 5461-10922
72380a8808ab9e1483be27622e610f73b0817120 127.0.0.1:23473@33473 master - 0 0 3 disconnected 10923-16383
vars currentEpoch 3 lastVoteEpoch 0
)";

// Written by redis-server 7.0 on a replica (port 24584, added with
// --cluster-slave) after the master on 24583 was killed and marked FAIL
// (cluster-node-timeout 1000).
constexpr std::string_view kRedisReplicaNodesConf =
    R"(266e224656cba7372cd216085415f70fec80418b 127.0.0.1:24581@34581 master - 0 1795315414982 1 connected 0-5460
821f4d0ffdeb29e885368b802187ccfa521f826c 127.0.0.1:24583@34583 master,fail - 1795315411457 1795315410954 3 disconnected 10923-16383
7bc3cab724fc377ea66c0bf837c076ba872fc487 127.0.0.1:24584@34584 myself,slave 266e224656cba7372cd216085415f70fec80418b 0 1795315414000 1 connected
4ecb42e558a0aa690900b670cad62cb0d7d5f85c 127.0.0.1:24582@34582 master - 0 1795315414981 2 connected 5461-10922
vars currentEpoch 3 lastVoteEpoch 0
)";

constexpr std::string_view kIdA = "155adf337a5b362eb4ad51ae05ba6d3182b21f1d";
constexpr std::string_view kIdB = "72380a8808ab9e1483be27622e610f73b0817120";
constexpr std::string_view kMyselfLine =
    "122f30c4f997657a89f799f9fb89a113eeb043af 127.0.0.1:23471@33471 "
    "myself,master - 0 0 1 "
    "connected 0-5460\n";

// A valid file whose second line is `line2` (line 1 is myself, line 3 the vars
// line).
std::string WithLine2(std::string_view line2) {
  return std::string(kMyselfLine) + std::string(line2) + "\nvars currentEpoch 3 lastVoteEpoch 0\n";
}

std::string ErrorOf(std::string_view text) {
  Result<NodesConf> r = ParseNodesConf(text);
  return r.ok() ? std::string("<parsed>") : r.error();
}

// The error for a line 2 of node kIdA whose fields after the id are `rest`.
std::string PeerError(std::string_view rest) {
  return ErrorOf(WithLine2(std::string(kIdA) + " " + std::string(rest)));
}

// The error for a well-formed connected master line 2 carrying the slot token
// `token`.
std::string SlotTokenError(std::string_view token) {
  return PeerError("127.0.0.1:1@2 master - 0 0 1 connected " + std::string(token));
}

TEST(NodesConf, ParsesFileWrittenByRedis) {
  Result<NodesConf> r = ParseNodesConf(kRedisNodesConf);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->nodes.size(), 3u);
  EXPECT_EQ(r->current_epoch.value, 3u);
  EXPECT_EQ(r->last_vote_epoch, 0u);

  const NodesConfNode& a = r->nodes[0];
  EXPECT_EQ(a.id.view(), kIdA);
  EXPECT_EQ(a.endpoint.ip, "127.0.0.1");
  EXPECT_EQ(a.endpoint.port, 23472);
  EXPECT_EQ(a.endpoint.cport, 33472);
  EXPECT_EQ(a.endpoint.hostname, "");
  EXPECT_EQ(a.flags, kNodeMaster);
  EXPECT_TRUE(a.master.IsNull());
  EXPECT_EQ(a.ping_sent, 0u);
  EXPECT_EQ(a.pong_recv, 1795315282934u);
  EXPECT_EQ(a.config_epoch.value, 2u);
  EXPECT_TRUE(a.connected);
  EXPECT_EQ(a.slots.Count(), 10922 - 5461 + 1);
  EXPECT_TRUE(a.slots.Test(5461) && a.slots.Test(10922) && !a.slots.Test(5460));

  const NodesConfNode& me = r->nodes[2];
  EXPECT_EQ(me.flags, kNodeMyself | kNodeMaster);
  EXPECT_EQ(me.slots.Ranges(), (std::vector<std::pair<int, int>>{{0, 5460}}));
  ASSERT_EQ(me.migrating.size(), 1u);
  EXPECT_EQ(me.migrating.at(100).view(), kIdA);
  ASSERT_EQ(me.importing.size(), 1u);
  EXPECT_EQ(me.importing.at(6000).view(), kIdA);
}

TEST(NodesConf, RendersRedisFilesByteForByte) {
  for (std::string_view text : {kRedisNodesConf, kRedisNodesConfPeer}) {
    Result<NodesConf> r = ParseNodesConf(text);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(RenderNodesConf(*r), text);
  }
}

TEST(NodesConf, ParsesReplicaAndFailedMasterWrittenByRedis) {
  Result<NodesConf> r = ParseNodesConf(kRedisReplicaNodesConf);
  ASSERT_TRUE(r.ok()) << r.error();
  const NodesConfNode& failed = r->nodes[1];
  EXPECT_EQ(failed.flags, kNodeMaster | kNodeFail);
  EXPECT_EQ(failed.ping_sent, 1795315411457u);
  EXPECT_FALSE(failed.connected);
  const NodesConfNode& me = r->nodes[2];
  EXPECT_EQ(me.flags, kNodeMyself | kNodeSlave);
  EXPECT_EQ(me.master, r->nodes[0].id);
  EXPECT_EQ(me.config_epoch.value, 1u);  // a replica shows its master's epoch
  EXPECT_TRUE(me.slots.Empty());
  EXPECT_EQ(RenderNodesConf(*r), kRedisReplicaNodesConf);
}

TEST(NodesConf, ParsesClusterNodesReplyWithoutVarsLine) {
  // CLUSTER NODES on the same replica returned exactly the node lines of its
  // nodes.conf.
  std::string_view reply = kRedisReplicaNodesConf.substr(0, kRedisReplicaNodesConf.find("vars"));
  Result<NodesConf> r = ParseNodesConf(reply);
  ASSERT_TRUE(r.ok()) << r.error();
  std::string lines;
  for (const NodesConfNode& n : r->nodes) lines += RenderNodeLine(n) + "\n";
  EXPECT_EQ(lines, reply);
}

TEST(NodesConf, ParsesDisconnectedPeer) {
  Result<NodesConf> r = ParseNodesConf(kRedisNodesConfPeer);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->nodes[2].connected);
  EXPECT_EQ(r->nodes[2].id.view(), kIdB);
  EXPECT_EQ(r->nodes[1].flags, kNodeMyself | kNodeMaster);
}

TEST(NodesConf, RoundTripsEveryFieldKind) {
  NodesConf conf;
  conf.current_epoch.value = 18446744073709551615ull;
  conf.last_vote_epoch = 7;
  NodesConfNode me;
  me.id = *NodeId::Parse("122f30c4f997657a89f799f9fb89a113eeb043af");
  me.endpoint = Endpoint{"::1", 7000, 17000, 0, "host.example"};
  me.flags = kNodeMyself | kNodeMaster | kNodeNofailover;
  me.connected = true;
  me.slots.Set(0);
  me.slots.SetRange(2, 5);
  me.slots.Set(16383);
  me.migrating[3] = *NodeId::Parse(kIdA);
  me.importing[1] = *NodeId::Parse(kIdB);
  me.importing[9] = *NodeId::Parse(kIdA);
  NodesConfNode replica;
  replica.id = *NodeId::Parse(kIdA);
  replica.endpoint = Endpoint{"", 0, 0, 0, ""};
  replica.flags = kNodeSlave | kNodePfail | kNodeFail | kNodeHandshake | kNodeNoaddr;
  replica.master = me.id;
  replica.ping_sent = 12;
  replica.pong_recv = 34;
  replica.config_epoch.value = 5;
  NodesConfNode bare;
  bare.id = *NodeId::Parse(kIdB);
  bare.endpoint = Endpoint{"10.0.0.1", 65535, 1, 0, ""};
  conf.nodes = {me, replica, bare};

  const std::string text = RenderNodesConf(conf);
  EXPECT_EQ(text,
            "122f30c4f997657a89f799f9fb89a113eeb043af ::1:7000@17000,host.example "
            "myself,master,nofailover - 0 0 0 connected 0 2-5 16383 [1-<-" +
                std::string(kIdB) + "] [3->-" + std::string(kIdA) + "] [9-<-" + std::string(kIdA) +
                "]\n" + std::string(kIdA) +
                " :0@0 slave,fail?,fail,handshake,noaddr "
                "122f30c4f997657a89f799f9fb89a113eeb043af 12 "
                "34 5 disconnected\n" +
                std::string(kIdB) +
                " 10.0.0.1:65535@1 noflags - 0 0 0 disconnected\n"
                "vars currentEpoch 18446744073709551615 lastVoteEpoch 7\n");
  Result<NodesConf> back = ParseNodesConf(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, conf);
}

TEST(NodesConf, AcceptsLoaderLeniencies) {
  // CLUSTER NODES output has no vars line; flags are case-insensitive; missing
  // @cport is port+10000; blank lines and CRLF endings are skipped like Redis's
  // loader trims them.
  Result<NodesConf> r = ParseNodesConf(
      "\r\n122f30c4f997657a89f799f9fb89a113eeb043af "
      "127.0.0.1:7000 MySelf,Master - 0 0 1 "
      "connected 7\r\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->nodes[0].endpoint.cport, 17000);
  EXPECT_EQ(r->nodes[0].flags, kNodeMyself | kNodeMaster);
  EXPECT_TRUE(r->nodes[0].slots.Test(7));
  EXPECT_EQ(r->current_epoch.value, 0u);
}

TEST(NodesConf, SkipsUnknownVars) {
  Result<NodesConf> r = ParseNodesConf(std::string(kMyselfLine) +
                                       "vars futureVar x currentEpoch 4 lastVoteEpoch 2\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->current_epoch.value, 4u);
  EXPECT_EQ(r->last_vote_epoch, 2u);
}

TEST(NodesConf, RejectsMissingFields) {
  EXPECT_EQ(PeerError("127.0.0.1:1@2 master - 0 0 1"),
            "nodes.conf line 2: missing fields (expected at least 8, got 7)");
}

TEST(NodesConf, RejectsBadNodeId) {
  EXPECT_EQ(ErrorOf(WithLine2("155ADF337a5b362eb4ad51ae05ba6d3182b21f1d 127.0.0.1:1@2 master - 0 "
                              "0 1 connected")),
            "nodes.conf line 2: invalid node id "
            "'155ADF337a5b362eb4ad51ae05ba6d3182b21f1d'");
  EXPECT_EQ(ErrorOf(WithLine2("abc 127.0.0.1:1@2 master - 0 0 1 connected")),
            "nodes.conf line 2: invalid node id 'abc'");
}

TEST(NodesConf, RejectsBadMasterId) {
  EXPECT_EQ(PeerError("127.0.0.1:1@2 slave xyz 0 0 1 connected"),
            "nodes.conf line 2: invalid master id 'xyz'");
}

TEST(NodesConf, RejectsBadPort) {
  EXPECT_EQ(PeerError("127.0.0.1:65536@2 master - 0 0 1 connected"),
            "nodes.conf line 2: invalid port in '127.0.0.1:65536@2'");
  EXPECT_EQ(PeerError("127.0.0.1:x@2 master - 0 0 1 connected"),
            "nodes.conf line 2: invalid port in '127.0.0.1:x@2'");
  EXPECT_EQ(PeerError("127.0.0.1:1@-2 master - 0 0 1 connected"),
            "nodes.conf line 2: invalid cluster bus port in '127.0.0.1:1@-2'");
  EXPECT_EQ(PeerError("127.0.0.1 master - 0 0 1 connected"),
            "nodes.conf line 2: invalid address '127.0.0.1'");
}

TEST(NodesConf, RejectsBadSlot) {
  EXPECT_EQ(SlotTokenError("5x"), "nodes.conf line 2: invalid slot '5x'");
  EXPECT_EQ(SlotTokenError("-1"), "nodes.conf line 2: invalid slot range '-1'");
}

TEST(NodesConf, RejectsReversedRange) {
  EXPECT_EQ(SlotTokenError("5-2"), "nodes.conf line 2: invalid slot range '5-2'");
}

TEST(NodesConf, RejectsSlotAbove16383) {
  EXPECT_EQ(SlotTokenError("16384"), "nodes.conf line 2: invalid slot '16384'");
  EXPECT_EQ(SlotTokenError("0-16384"), "nodes.conf line 2: invalid slot range '0-16384'");
}

TEST(NodesConf, RejectsBadOpenSlotEntry) {
  EXPECT_EQ(SlotTokenError("[1->-x]"), "nodes.conf line 2: invalid open slot entry '[1->-x]'");
  const std::string bad = "[16384-<-" + std::string(kIdB) + "]";
  EXPECT_EQ(SlotTokenError(bad), "nodes.conf line 2: invalid open slot entry '" + bad + "'");
}

TEST(NodesConf, RejectsUnknownFlag) {
  EXPECT_EQ(PeerError("127.0.0.1:1@2 master,bogus - 0 0 1 connected"),
            "nodes.conf line 2: unknown flag 'bogus'");
}

TEST(NodesConf, RejectsBadNumbersAndLinkState) {
  EXPECT_EQ(PeerError("127.0.0.1:1@2 master - -1 0 1 connected"),
            "nodes.conf line 2: invalid ping-sent '-1'");
  EXPECT_EQ(PeerError("127.0.0.1:1@2 master - 0 0 1 up"),
            "nodes.conf line 2: invalid link state 'up'");
}

TEST(NodesConf, RejectsDuplicateMyself) {
  EXPECT_EQ(PeerError("127.0.0.1:1@2 myself,slave - 0 0 1 connected"),
            "nodes.conf line 2: second node flagged 'myself'");
}

TEST(NodesConf, RejectsMissingMyself) {
  EXPECT_EQ(ErrorOf(std::string(kIdA) + " 127.0.0.1:1@2 master - 0 0 1 connected\n"),
            "nodes.conf: no node is flagged 'myself'");
}

TEST(NodesConf, RejectsDuplicateId) {
  EXPECT_EQ(ErrorOf(WithLine2(std::string(kMyselfLine.substr(0, 40)) +
                              " 127.0.0.1:1@2 master - 0 0 1 connected")),
            "nodes.conf line 2: duplicate node id "
            "122f30c4f997657a89f799f9fb89a113eeb043af");
}

TEST(NodesConf, RejectsTruncatedVarsLine) {
  EXPECT_EQ(ErrorOf(std::string(kMyselfLine) + "vars currentEpoch 3 lastVoteEpoch\n"),
            "nodes.conf line 2: truncated vars line (a name without a value)");
  EXPECT_EQ(ErrorOf(std::string(kMyselfLine) + "vars currentEpoch 3x lastVoteEpoch 0\n"),
            "nodes.conf line 2: invalid currentEpoch '3x'");
}

}  // namespace
}  // namespace slotd
