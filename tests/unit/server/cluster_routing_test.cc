// Routing through the dispatcher with a hand-built ClusterView; CLUSTER KEYSLOT, COUNTKEYSINSLOT,
// GETKEYSINSLOT, HELP; ASKING, READONLY, READWRITE. Every expected reply came from a real
// Redis 7.0.15 cluster with the same layout: masters 27101 (0-5460), 27102 (5461-10922), 27103
// (10923-16383), and 27104 replicating 27101. slot("b") = 3300, slot("a") = 15495, slot("key3444")
// = 0.
#include <gtest/gtest.h>

#include "cluster/topology/cluster_view.h"
#include "server/cluster_host/routing_glue.h"
#include "tests/unit/cluster/three_masters_view.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Arr;
using test::Bulk;
using test::BulkArr;
using test::Err;
using test::Int;
using test::NullBulk;
using test::Simple;

constexpr int kSlotB = 3300;

ClusterView RealLayout(int myself) { return test::ThreeMastersView(myself, 27101); }

Config ClusterConfig() {
  Config config;
  config.cluster_enabled = true;
  return config;
}

class ClusterRoutingTest : public ::testing::Test {
 protected:
  ClusterRoutingTest() : h(ClusterConfig()) { UseView(RealLayout(0)); }
  void UseView(ClusterView v) {
    view = std::move(v);
    h.server().cluster_view = &view;
  }

  test::CommandHarness h;
  ClusterView view;
};

TEST_F(ClusterRoutingTest, OwnSlotIsServedAndOthersAreMoved) {
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"GET", "foo"}), Err("MOVED 12182 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"MSET", "{a}x", "1", "{a}y", "2"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}),
            Err("CROSSSLOT Keys in request don't hash to the same slot"));
}

// Key positions of many commands, each reply taken from the real cluster (node 27101).
TEST_F(ClusterRoutingTest, KeyPositionsOfManyCommandsMatchRedis) {
  const std::string moved = Err("MOVED 15495 127.0.0.1:27103");
  const std::string cross = Err("CROSSSLOT Keys in request don't hash to the same slot");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"WATCH", "a"}, moved},
      {{"WATCH", "b"}, Simple("OK")},
      {{"OBJECT", "ENCODING", "a"}, moved},
      {{"OBJECT", "FREQ", "a"}, moved},
      {{"MEMORY", "USAGE", "a"}, moved},
      {{"SINTERCARD", "2", "a", "b"}, cross},
      {{"SINTERCARD", "2", "b", "{b}x"}, Int(0)},
      {{"LMPOP", "2", "a", "b", "left"}, cross},
      {{"LMPOP", "2", "b", "{b}x", "left"}, test::NullArray()},
      {{"ZMPOP", "1", "a", "min"}, moved},
      {{"BLMPOP", "0.01", "2", "a", "b", "left"}, cross},
      {{"ZUNIONSTORE", "b", "1", "a"}, cross},
      {{"ZUNIONSTORE", "b", "99", "a"}, Err("ERR syntax error")},
      {{"ZUNION", "1", "a"}, moved},
      {{"RENAME", "a", "b"}, cross},
      {{"COPY", "b", "{b}x"}, Int(0)},
      {{"EXISTS", "a", "a"}, moved},
      {{"DEL", "b", "b"}, Int(0)},
      {{"UNLINK", "a"}, moved},
      {{"TOUCH", "b", "{b}z"}, Int(0)},
      {{"SMOVE", "a", "b", "x"}, cross},
      {{"TYPE", "a"}, moved},
      {{"LCS", "a", "b"}, cross},
      {{"GETEX", "a"}, moved},
  };
  for (const auto& [command, expected] : cases) {
    EXPECT_EQ(h.Run(command), expected) << command[0] << " " << command[1];
  }
}

TEST_F(ClusterRoutingTest, KeylessCommandsAreServedEvenWhenDown) {
  view.state_ok = false;
  EXPECT_EQ(h.Run({"PING"}), Simple("PONG"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
}

TEST_F(ClusterRoutingTest, MovableKeysAreRoutedThroughTheirKeyFinder) {
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "{b}d", "2", "{b}x", "a"}),
            Err("CROSSSLOT Keys in request don't hash to the same slot"));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "{a}d", "1", "{a}x"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "{b}d", "1", "{b}x"}), Int(0));
}

TEST_F(ClusterRoutingTest, ShardChannelsRouteByTheirSlot) {
  EXPECT_EQ(h.Run({"SPUBLISH", "b", "x"}), Int(0));
  EXPECT_EQ(h.Run({"SPUBLISH", "a", "x"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"SSUBSCRIBE", "b", "c"}),
            Err("CROSSSLOT Keys in request don't hash to the same slot"));
}

TEST_F(ClusterRoutingTest, ClusterDownTexts) {
  view.state_ok = false;
  view.owner[0] = ClusterView::kNoNode;
  EXPECT_EQ(h.Run({"GET", "b"}), Err("CLUSTERDOWN The cluster is down"));
  EXPECT_EQ(h.Run({"GET", "key3444"}), Err("CLUSTERDOWN Hash slot not served"));
  EXPECT_EQ(h.Run({"GET", "a"}), Err("CLUSTERDOWN The cluster is down"));
  EXPECT_EQ(h.Run({"SPUBLISH", "b", "x"}), Int(0));
  view.allow_reads_when_down = true;
  EXPECT_EQ(h.Run({"GET", "b"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "b", "1"}),
            Err("CLUSTERDOWN The cluster is down and only accepts read commands"));
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}),
            Err("CLUSTERDOWN The cluster is down and only accepts read commands"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
  view.allow_pubsubshard_when_down = false;
  EXPECT_EQ(h.Run({"SPUBLISH", "b", "x"}), Err("CLUSTERDOWN The cluster is down"));
}

TEST_F(ClusterRoutingTest, MigratingSlotServesPresentKeysAndAsksForMissingOnes) {
  EXPECT_EQ(h.Run({"SET", "{b}x", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "{b}w", "1"}), Simple("OK"));
  view.migrating_to[kSlotB] = 1;
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Bulk("1"));
  EXPECT_EQ(h.Run({"MGET", "{b}x", "{b}w"}), BulkArr({"1", "1"}));
  EXPECT_EQ(h.Run({"GET", "{b}y"}), Err("ASK 3300 127.0.0.1:27102"));
  EXPECT_EQ(h.Run({"SET", "{b}y", "1"}), Err("ASK 3300 127.0.0.1:27102"));
  EXPECT_EQ(h.Run({"MGET", "{b}x", "{b}y"}),
            Err("TRYAGAIN Multiple keys request during rehashing of slot"));
  EXPECT_EQ(h.Run({"DEL", "{b}x", "{b}y"}),
            Err("TRYAGAIN Multiple keys request during rehashing of slot"));
}

TEST_F(ClusterRoutingTest, ImportingSlotNeedsAskingForOneCommand) {
  UseView(RealLayout(1));
  view.importing_from[kSlotB] = 0;
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), NullBulk());
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MGET", "{b}x", "{b}y"}),
            Err("TRYAGAIN Multiple keys request during rehashing of slot"));
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MGET", "{b}x", "{b}x"}), Arr({NullBulk(), NullBulk()}));
  // Any command in between, even an unknown one or one without keys, uses the flag up.
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PING"}), Simple("PONG"));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  h.Run({"FOO"});
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
}

TEST_F(ClusterRoutingTest, AskingBeforeMultiCoversTheWholeTransaction) {
  UseView(RealLayout(1));
  view.importing_from[kSlotB] = 0;
  EXPECT_EQ(h.Run({"ASKING"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({NullBulk()}));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
  // ASKING queued inside MULTI does not help the commands queued after it.
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"ASKING"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(h.Run({"GET", "{b}x"}), Err("MOVED 3300 127.0.0.1:27101"));
}

TEST_F(ClusterRoutingTest, ExecIsRoutedOverAllQueuedCommands) {
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("QUEUED"));
  // The slot moves away while the transaction is open: EXEC redirects and discards it.
  view.owner[kSlotB] = 1;
  EXPECT_EQ(h.Run({"EXEC"}), Err("MOVED 3300 127.0.0.1:27102"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  view.owner[kSlotB] = 0;
  EXPECT_EQ(h.Run({"GET", "b"}), NullBulk());
}

TEST_F(ClusterRoutingTest, ReplicaServesReadOnlyClientsReadsOfItsMaster) {
  UseView(RealLayout(3));
  EXPECT_EQ(h.Run({"GET", "b"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"READONLY"}), Simple("OK"));
  EXPECT_NE(h.Run({"CLIENT", "INFO"}).find(" flags=r "), std::string::npos);  // Redis's 'r' flag
  EXPECT_EQ(h.Run({"GET", "b"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 127.0.0.1:27103"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "b"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "b"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({NullBulk()}));
  EXPECT_EQ(h.Run({"READWRITE"}), Simple("OK"));
  EXPECT_NE(h.Run({"CLIENT", "INFO"}).find(" flags=N "), std::string::npos);
  EXPECT_EQ(h.Run({"GET", "b"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"READONLY"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RESET"}), Simple("RESET"));
  EXPECT_EQ(h.Run({"GET", "b"}), Err("MOVED 3300 127.0.0.1:27101"));
  EXPECT_EQ(h.Run({"SPUBLISH", "b", "x"}), Int(0));
}

TEST_F(ClusterRoutingTest, ReplicationLinkIsNeverRedirected) {
  UseView(RealLayout(3));
  h.client().is_master = true;
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("OK"));
}

TEST_F(ClusterRoutingTest, BlockedClientsAreRedirectedWhenTheirSlotLeaves) {
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "b", "0"}), "");
  RedirectBlockedClients(h.server());
  EXPECT_EQ(h.TakeOutput(waiter), "");  // still served here
  view.owner[kSlotB] = 1;
  RedirectBlockedClients(h.server());
  EXPECT_EQ(h.TakeOutput(waiter), Err("MOVED 3300 127.0.0.1:27102"));
  EXPECT_FALSE(waiter.blocked);
  // An importing slot keeps its waiters.
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "a", "0"}), Err("MOVED 15495 127.0.0.1:27103"));
  view.owner[kSlotB] = 0;
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "b", "0"}), "");
  view.owner[kSlotB] = 1;
  view.importing_from[kSlotB] = 1;
  RedirectBlockedClients(h.server());
  EXPECT_EQ(h.TakeOutput(waiter), "");
  view.owner[kSlotB] = ClusterView::kNoNode;
  view.importing_from[kSlotB] = ClusterView::kNoNode;
  RedirectBlockedClients(h.server());
  EXPECT_EQ(h.TakeOutput(waiter), Err("CLUSTERDOWN Hash slot not served"));
}

TEST_F(ClusterRoutingTest, BlockedClientsGetClusterDownEvenWhenReadsAreAllowed) {
  Client& waiter = h.NewClient();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "b", "0"}), "");
  view.state_ok = false;
  view.allow_reads_when_down = true;
  RedirectBlockedClients(h.server());
  EXPECT_EQ(h.TakeOutput(waiter), Err("CLUSTERDOWN The cluster is down"));
  view.state_ok = true;
  EXPECT_EQ(h.Run({"RPUSH", "b", "x"}), Int(1));
  EXPECT_EQ(h.TakeOutput(waiter), "");
}

TEST_F(ClusterRoutingTest, MovedNamesTheNodeByPreferredEndpoint) {
  view.preferred_endpoint = PreferredEndpoint::kHostname;
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 ?:27103"));
  view.nodes[2].endpoint.hostname = "host-c";
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 host-c:27103"));
  view.preferred_endpoint = PreferredEndpoint::kUnknownEndpoint;
  EXPECT_EQ(h.Run({"GET", "a"}), Err("MOVED 15495 :27103"));
}

TEST(ApplyRoutingConfigTest, CopiesTheRoutingOptions) {
  Config config;
  config.cluster_allow_reads_when_down = true;
  config.cluster_allow_pubsubshard_when_down = false;
  config.cluster_require_full_coverage = false;
  config.cluster_preferred_endpoint_type = ClusterEndpointType::kHostname;
  ClusterView view;
  ApplyRoutingConfig(config, &view);
  EXPECT_TRUE(view.allow_reads_when_down);
  EXPECT_FALSE(view.allow_pubsubshard_when_down);
  EXPECT_FALSE(view.require_full_coverage);
  EXPECT_EQ(view.preferred_endpoint, PreferredEndpoint::kHostname);
  config.cluster_preferred_endpoint_type = ClusterEndpointType::kUnknownEndpoint;
  ApplyRoutingConfig(config, &view);
  EXPECT_EQ(view.preferred_endpoint, PreferredEndpoint::kUnknownEndpoint);
}

TEST_F(ClusterRoutingTest, KeySlotCommands) {
  EXPECT_EQ(h.Run({"CLUSTER", "KEYSLOT", "a"}), Int(15495));
  EXPECT_EQ(h.Run({"CLUSTER", "KEYSLOT", "{user1000}.following"}), Int(3443));
  EXPECT_EQ(h.Run({"CLUSTER", "countkeysinslot", "16384"}), Err("ERR Invalid slot"));
  EXPECT_EQ(h.Run({"CLUSTER", "countkeysinslot", "-1"}), Err("ERR Invalid slot"));
  EXPECT_EQ(h.Run({"CLUSTER", "countkeysinslot", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "1", "-1"}),
            Err("ERR Invalid slot or number of keys"));
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "16384", "1"}),
            Err("ERR Invalid slot or number of keys"));
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "x", "1"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "1", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "3300", "10"}), "*0\r\n");
  EXPECT_EQ(h.Run({"MSET", "{b}1", "v", "{b}2", "v", "b", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"CLUSTER", "countkeysinslot", "3300"}), Int(3));
  std::string two = h.Run({"CLUSTER", "getkeysinslot", "3300", "2"});
  EXPECT_EQ(two.substr(0, 4), "*2\r\n");
  EXPECT_EQ(h.Run({"CLUSTER", "getkeysinslot", "3300", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"CLUSTER", "keyslot"}),
            Err("ERR wrong number of arguments for 'cluster|keyslot' command"));
  EXPECT_EQ(h.Run({"CLUSTER", "foo"}), Err("ERR unknown subcommand 'foo'. Try CLUSTER HELP."));
  EXPECT_EQ(h.Run({"SELECT", "1"}), Err("ERR SELECT is not allowed in cluster mode"));
  EXPECT_EQ(h.Run({"SELECT", "0"}), Simple("OK"));
}

TEST_F(ClusterRoutingTest, ClusterHelpListsEverySubcommand) {
  std::string help = h.Run({"CLUSTER", "HELP"});
  const std::string head =
      "*56\r\n+CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n";
  EXPECT_EQ(help.substr(0, head.size()), head);
  EXPECT_EQ(help.size(), 2291u);  // byte for byte what Redis 7.0.15 sends
  EXPECT_NE(
      help.find(
          "+SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)\r\n"),
      std::string::npos);
}

TEST(ClusterCommandsStandaloneTest, EverythingAnswersClusterSupportDisabled) {
  test::CommandHarness h;
  const std::string disabled = Err("ERR This instance has cluster support disabled");
  EXPECT_EQ(h.Run({"CLUSTER", "INFO"}), disabled);
  EXPECT_EQ(h.Run({"CLUSTER", "KEYSLOT", "a"}), disabled);
  EXPECT_EQ(h.Run({"CLUSTER", "HELP"}), disabled);
  EXPECT_EQ(h.Run({"ASKING"}), disabled);
  EXPECT_EQ(h.Run({"READONLY"}), disabled);
  EXPECT_EQ(h.Run({"READWRITE"}), disabled);
  EXPECT_EQ(h.Run({"CLUSTER", "foo"}), Err("ERR unknown subcommand 'foo'. Try CLUSTER HELP."));
  EXPECT_EQ(h.Run({"CLUSTER", "keyslot"}),
            Err("ERR wrong number of arguments for 'cluster|keyslot' command"));
  EXPECT_EQ(h.Run({"CLUSTER"}), Err("ERR wrong number of arguments for 'cluster' command"));
  EXPECT_EQ(h.Run({"ASKING", "x"}), Err("ERR wrong number of arguments for 'asking' command"));
}

}  // namespace
}  // namespace slotd
