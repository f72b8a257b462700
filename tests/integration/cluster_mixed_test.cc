// One cluster of redis-server 7.0 and slotd nodes: MEET and gossip across implementations,
// `redis-cli --cluster check` and `slotctl check` through either kind, and failovers both ways
// (a redis-server master replaced by its slotd replica, a slotd master by its redis-server one).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <map>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster_client.h"
#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

class ClusterMixed : public ClusterFixture {
 protected:
  void SetUp() override {
    if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server 7.0 is not installed";
    ClusterFixture::SetUp();
  }

  void AddReplica(size_t replica, size_t master) {
    ASSERT_TRUE(WaitCheckOk(0));
    ShellResult r = RunShell("redis-cli --cluster add-node " + Addr(replica) + " " + Addr(0) +
                             " --cluster-slave --cluster-master-id " + MyId(master));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  void ExpectChecksPass(size_t i) {
    ShellResult check = RunShell("redis-cli --cluster check " + Addr(i));
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_NE(check.output.find("[OK] All 16384 slots covered."), std::string::npos);
    EXPECT_EQ(check.output.find("[WARNING]"), std::string::npos) << check.output;
    ShellResult slotctl = RunShell(SlotctlBinary() + " check " + Addr(i));
    EXPECT_EQ(slotctl.exit_code, 0) << slotctl.output;
  }

  // Crashes master `victim` and waits for `heir` (its replica) to serve its slots with the rest
  // of the cluster ok.
  void CrashAndExpectPromotion(size_t victim, size_t heir) {
    Command(victim, {"DEBUG", "SEGFAULT"});
    ASSERT_TRUE(WIFSIGNALED(nodes_[victim]->process->WaitExit(10000)));
    std::vector<size_t> survivors;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (i != victim) survivors.push_back(i);
    }
    // The state stays ok until the failure is agreed on, so wait for the promotion first.
    ASSERT_TRUE(WaitFor([&] { return Role(heir) == "master"; }, 30000))
        << Command(heir, {"CLUSTER", "NODES"});
    ASSERT_TRUE(WaitClusterOk(30000, survivors, 6)) << Command(heir, {"CLUSTER", "NODES"});
  }

  // Restarts `node` from its nodes.conf and waits until it replicates `master`, synced.
  void RestartAsReplicaOf(size_t node, size_t master) {
    Start(node);
    ASSERT_TRUE(WaitReady(node));
    const std::string master_id = MyId(master);
    EXPECT_TRUE(WaitFor(
        [&] {
          for (const NodeLine& n : ClusterNodes(node)) {
            if (n.flags.find("myself") != std::string::npos) {
              return n.flags == "myself,slave" && n.master == master_id;
            }
          }
          return false;
        },
        20000))
        << Command(node, {"CLUSTER", "NODES"});
    ASSERT_TRUE(WaitReplicasSynced());
  }

  int CountMissing(int keys) {
    ClusterClient client({port(1), port(2), port(3)});
    int missing = 0;
    for (int n = 0; n < keys; ++n) {
      missing += client.Run({"GET", "mix:" + std::to_string(n)}).text != std::to_string(n);
    }
    return missing;
  }
};

TEST_F(ClusterMixed, RedisAndSlotdNodesFormOneClusterAndFailOverEachOther) {
  // Masters: two redis-server and one slotd; each replica is of the other kind where possible.
  const size_t redis_a = AddNode(true), redis_b = AddNode(true), slotd_a = AddNode(false);
  const size_t slotd_b = AddNode(false), slotd_c = AddNode(false), redis_c = AddNode(true);
  for (size_t i = 0; i < nodes_.size(); ++i) ASSERT_TRUE(WaitReady(i)) << i;
  ShellResult created =
      RunShell("redis-cli --cluster create" + Addresses({redis_a, redis_b, slotd_a}) +
               " --cluster-replicas 0 --cluster-yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  ASSERT_TRUE(WaitClusterOk(30000, {redis_a, redis_b, slotd_a}, 3));
  ASSERT_NO_FATAL_FAILURE(AddReplica(slotd_b, redis_a));
  ASSERT_NO_FATAL_FAILURE(AddReplica(slotd_c, redis_b));
  ASSERT_NO_FATAL_FAILURE(AddReplica(redis_c, slotd_a));
  ASSERT_TRUE(WaitClusterOk(30000)) << Command(redis_a, {"CLUSTER", "NODES"});
  ASSERT_TRUE(WaitReplicasSynced());
  ExpectChecksPass(redis_b);
  ExpectChecksPass(slotd_a);

  constexpr int kKeys = 1000;
  ClusterClient client({port(0)});
  for (int n = 0; n < kKeys; ++n) {
    ASSERT_TRUE(client.Run({"SET", "mix:" + std::to_string(n), std::to_string(n)}).ok);
  }
  // WAIT makes sure the replicas of every master hold the keys before the crashes.
  for (size_t m : {redis_a, redis_b, slotd_a}) EXPECT_EQ(Command(m, {"WAIT", "1", "5000"}), "1");

  // A redis-server master fails; its slotd replica wins the election with mixed votes.
  ASSERT_NO_FATAL_FAILURE(CrashAndExpectPromotion(redis_a, slotd_b));
  EXPECT_EQ(CountMissing(kKeys), 0);
  ASSERT_NO_FATAL_FAILURE(RestartAsReplicaOf(redis_a, slotd_b));

  // A slotd master fails; its redis-server replica takes over.
  ASSERT_NO_FATAL_FAILURE(CrashAndExpectPromotion(slotd_a, redis_c));
  EXPECT_EQ(CountMissing(kKeys), 0);
  ASSERT_NO_FATAL_FAILURE(RestartAsReplicaOf(slotd_a, redis_c));
  EXPECT_TRUE(WaitClusterOk(30000));
  ExpectChecksPass(slotd_a);
}

// The exact story: three redis-server and three slotd nodes handed to `redis-cli --cluster
// create --cluster-replicas 1`, which picks masters and replica placement itself; then a master of
// each implementation fails and its replica (whichever kind redis-cli chose) takes over.
TEST_F(ClusterMixed, RedisCliCreatesAThreeAndThreeClusterThatSurvivesAFailoverOfEachKind) {
  for (bool redis : {true, false, true, false, true, false}) AddNode(redis);
  for (size_t i = 0; i < nodes_.size(); ++i) ASSERT_TRUE(WaitReady(i)) << i;
  ASSERT_NO_FATAL_FAILURE(CreateWithRedisCli(1));
  ASSERT_TRUE(WaitReplicasSynced());
  ExpectChecksPass(1);

  // Who replicates whom, as redis-cli arranged it.
  std::vector<size_t> masters;
  std::map<size_t, size_t> replica_of_master;
  for (const NodeLine& n : ClusterNodes(0)) {
    if (n.flags.find("slave") == std::string::npos) continue;
    int replica = IndexOfId(n.id), master = IndexOfId(n.master);
    ASSERT_GE(replica, 0);
    ASSERT_GE(master, 0);
    replica_of_master[static_cast<size_t>(master)] = static_cast<size_t>(replica);
  }
  ASSERT_EQ(replica_of_master.size(), 3u) << Command(0, {"CLUSTER", "NODES"});
  int redis_master = -1, slotd_master = -1;
  for (auto [master, replica] : replica_of_master) {
    (nodes_[master]->redis ? redis_master : slotd_master) = static_cast<int>(master);
  }
  ASSERT_GE(redis_master, 0) << "redis-cli made no redis-server master";
  ASSERT_GE(slotd_master, 0) << "redis-cli made no slotd master";

  constexpr int kKeys = 1000;
  {
    ClusterClient client({port(0)});
    for (int n = 0; n < kKeys; ++n) {
      ASSERT_TRUE(client.Run({"SET", "mix:" + std::to_string(n), std::to_string(n)}).ok);
    }
  }
  for (auto [master, replica] : replica_of_master) {
    EXPECT_EQ(Command(master, {"WAIT", "1", "5000"}), "1");
  }
  for (int victim : {redis_master, slotd_master}) {
    size_t heir = replica_of_master[static_cast<size_t>(victim)];
    ASSERT_NO_FATAL_FAILURE(CrashAndExpectPromotion(static_cast<size_t>(victim), heir));
    EXPECT_EQ(CountMissing(kKeys), 0);
    ASSERT_NO_FATAL_FAILURE(RestartAsReplicaOf(static_cast<size_t>(victim), heir));
  }
  EXPECT_TRUE(WaitClusterOk(30000));
  ExpectChecksPass(static_cast<size_t>(slotd_master));
}

}  // namespace
}  // namespace slotd::test
