// Six slotd processes in cluster mode (3 masters, 3 replicas) formed by slotctl: the cluster
// reaches cluster_state:ok everywhere and redis-cli -c follows MOVED across slots.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

class SlotdCluster : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    node_timeout_ms_ = 2000;
    ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  }

  // slotctl (next to slotd in the build dir) makes 3 masters with one replica each.
  void CreateCluster() { CreateWithSlotctl(1); }
};

TEST_F(SlotdCluster, SlotctlCreateReachesStateOkAndRedisCliFollowsMoved) {
  ASSERT_NO_FATAL_FAILURE(CreateCluster());
  EXPECT_EQ(MyId(0).size(), 40u);
  // Keys in many slots: set and read through one entry node, following MOVED.
  std::string cli = "redis-cli -c -p " + std::to_string(port(0)) + " ";
  for (int i = 0; i < 20; ++i) {
    std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(RunShell(cli + "SET " + key + " v" + std::to_string(i)).output, "OK\n");
  }
  for (int i = 0; i < 20; ++i) {
    std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(RunShell(cli + "GET " + key).output, "v" + std::to_string(i) + "\n");
  }
  // Without -c the owner of another slot answers with a redirection.
  std::string moved;
  for (int i = 0; i < 20 && moved.empty(); ++i) {
    std::string reply = Command(0, {"GET", "key:" + std::to_string(i)});
    if (reply.rfind("MOVED ", 0) == 0) moved = reply;
  }
  EXPECT_FALSE(moved.empty());
}

TEST_F(SlotdCluster, CrashedMasterIsReplacedByItsReplica) {
  ASSERT_NO_FATAL_FAILURE(CreateCluster());
  // Wait until all three replicas have synced (the data-age check), then take a master.
  ASSERT_TRUE(WaitFor(
      [&] {
        int slaves = 0;
        for (const NodeLine& n : ClusterNodes(0)) {
          slaves += n.flags.find("slave") != std::string::npos;
        }
        return slaves == 3;
      },
      20000));
  ASSERT_TRUE(WaitReplicasSynced());
  int victim = -1;
  for (size_t i = 1; i < nodes_.size() && victim == -1; ++i) {
    if (Role(i) == "master") victim = static_cast<int>(i);
  }
  ASSERT_NE(victim, -1) << Command(0, {"CLUSTER", "NODES"});
  std::string victim_id = MyId(victim);
  Stop(victim, 9);
  // The victim's line in node 0's CLUSTER NODES.
  auto victim_line = [&]() {
    for (const NodeLine& n : ClusterNodes(0)) {
      if (n.id == victim_id) return n;
    }
    return NodeLine{};
  };
  // First the failure is agreed on (FAIL, not just the local PFAIL "fail?") ...
  ASSERT_TRUE(WaitFor([&] { return victim_line().flags == "master,fail"; }, 30000))
      << victim_line().flags;
  // ... then its replica takes its slots (the failed node's line lists none) and the state is ok.
  EXPECT_TRUE(WaitFor(
      [&] {
        NodeLine line = victim_line();
        return !line.id.empty() && line.slots.empty();
      },
      30000))
      << victim_line().slots;
  std::vector<size_t> alive;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (static_cast<int>(i) != victim) alive.push_back(i);
  }
  ASSERT_TRUE(WaitClusterOk(30000, alive, 6)) << Command(0, {"CLUSTER", "NODES"});
}

TEST_F(SlotdCluster, SecondProcessOnTheSameNodesConfRefusesToStart) {
  int port = FreePort();
  ServerProcess second(SlotdBinary(),
                       {"--port", std::to_string(port), "--bind", "127.0.0.1", "--cluster-enabled",
                        "yes", "--dir", nodes_[0]->dir, "--save", ""},
                       dir_ + "/second.log");
  int status = second.WaitExit(10000);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(second.ReadLog().find("is already used by a different Redis Cluster node"),
            std::string::npos);
}

}  // namespace
}  // namespace slotd::test
