// slotctl against six real redis-server 7.0 processes in cluster mode (slotd nodes later, same
// tool): create with replicas, check, info, open-slot detection and the refusals.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

ShellResult RunSlotctl(const std::string& args) { return RunShell(SlotctlBinary() + " " + args); }

class SlotctlCluster : public ClusterFixture {
 protected:
  static constexpr int kNodes = 6;

  void SetUp() override {
    if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server 7.0 is not installed";
    ClusterFixture::SetUp();
    // Extra loopback addresses stand in for other hosts (CreateKeepsReplicasOffTheirMastersHost).
    ASSERT_NO_FATAL_FAILURE(
        StartNodes(kNodes, /*redis=*/true, {"--bind", "127.0.0.1", "127.0.0.2", "127.0.0.3"}));
    for (size_t i = 0; i < nodes_.size(); ++i) ports_.push_back(port(i));
  }

  // master id -> replica ids, from node `i`'s view, once all three replicas are visible.
  std::map<std::string, std::vector<std::string>> WaitReplicasOf(size_t i, int timeout_ms = 20000) {
    std::map<std::string, std::vector<std::string>> replicas;
    WaitFor(
        [&] {
          replicas.clear();
          for (const NodeLine& n : ClusterNodes(i)) {
            if (n.flags.find("slave") != std::string::npos) replicas[n.master].push_back(n.id);
          }
          return replicas.size() == 3;
        },
        timeout_ms, 200);
    return replicas;
  }

  std::string Addresses(const std::vector<std::string>& hosts = {}) {
    std::string out;
    for (int i = 0; i < kNodes; ++i) {
      const std::string host = hosts.empty() ? "127.0.0.1" : hosts[i];
      out += " " + host + ":" + std::to_string(ports_[i]);
    }
    return out;
  }

  std::vector<int> ports_;
};

TEST_F(SlotctlCluster, CreateMakesThreeMastersEachWithOneReplicaAndCheckPasses) {
  ShellResult created = RunSlotctl("create" + Addresses() + " --replicas 1 --yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("Master[0] -> Slots 0 - 5460\n"), std::string::npos);
  EXPECT_NE(created.output.find("Waiting for the cluster to join"), std::string::npos);
  EXPECT_NE(created.output.find("[OK] All nodes agree about slots configuration."),
            std::string::npos);
  EXPECT_NE(created.output.find("[OK] All 16384 slots covered."), std::string::npos);
  ASSERT_TRUE(WaitClusterOk());

  std::vector<NodeLine> nodes = ClusterNodes(0);
  std::set<std::string> masters;
  for (const NodeLine& n : nodes) {
    if (n.flags.find("master") != std::string::npos && !n.slots.empty()) masters.insert(n.id);
  }
  EXPECT_EQ(masters.size(), 3u);
  auto replicas = WaitReplicasOf(0);
  ASSERT_EQ(replicas.size(), 3u);
  for (const auto& [master, ids] : replicas) {
    EXPECT_EQ(masters.count(master), 1u) << master;
    EXPECT_EQ(ids.size(), 1u) << master;
  }

  ShellResult check = RunSlotctl("check 127.0.0.1:" + std::to_string(ports_[3]));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("[OK] All 16384 slots covered."), std::string::npos);
}

TEST_F(SlotctlCluster, CheckReportsAMigratingSlotAndFails) {
  ASSERT_EQ(RunSlotctl("create" + Addresses() + " --replicas 1 --yes").exit_code, 0);
  ASSERT_TRUE(WaitClusterOk());
  // Slot 0 belongs to the first master; point it at another master.
  std::string target;
  for (const NodeLine& n : ClusterNodes(0)) {
    if (n.flags.find("myself") == std::string::npos &&
        n.flags.find("master") != std::string::npos && !n.slots.empty()) {
      target = n.id;
    }
  }
  ASSERT_FALSE(target.empty());
  ASSERT_EQ(CommandPort(ports_[0], {"CLUSTER", "SETSLOT", "0", "MIGRATING", target}), "OK");

  ShellResult check = RunSlotctl("check 127.0.0.1:" + std::to_string(ports_[1]));
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("[WARNING] Node 127.0.0.1:" + std::to_string(ports_[0]) +
                              " has slots in migrating state 0."),
            std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("[WARNING] The following slots are open: 0."), std::string::npos);
  EXPECT_NE(check.output.find("[OK] All 16384 slots covered."), std::string::npos);
}

TEST_F(SlotctlCluster, InfoListsKeysSlotsAndReplicasPerMaster) {
  ASSERT_EQ(RunSlotctl("create" + Addresses() + " --replicas 1 --yes").exit_code, 0);
  ASSERT_TRUE(WaitClusterOk());
  ASSERT_EQ(WaitReplicasOf(0).size(), 3u);
  // "foo" hashes to slot 12182, which the third master (ports_[2]) owns.
  ASSERT_EQ(CommandPort(ports_[2], {"SET", "foo", "bar"}), "OK");
  ShellResult info = RunSlotctl("info 127.0.0.1 " + std::to_string(ports_[0]));
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("127.0.0.1:" + std::to_string(ports_[2]) + " ("), std::string::npos);
  EXPECT_NE(info.output.find(") -> 1 keys | 5461 slots | 1 slaves.\n"), std::string::npos)
      << info.output;
  EXPECT_NE(info.output.find(") -> 0 keys | 5462 slots | 1 slaves.\n"), std::string::npos);
  EXPECT_NE(info.output.find("[OK] 1 keys in 3 masters.\n0.00 keys per slot on average.\n"),
            std::string::npos);
}

TEST_F(SlotctlCluster, CreateKeepsReplicasOffTheirMastersHost) {
  // Three loopback addresses stand in for three hosts, two nodes on each.
  const std::vector<std::string> hosts = {"127.0.0.1", "127.0.0.1", "127.0.0.2",
                                          "127.0.0.2", "127.0.0.3", "127.0.0.3"};
  ShellResult created = RunSlotctl("create" + Addresses(hosts) + " --replicas 1 --yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.find("[WARNING]"), std::string::npos) << created.output;
  ASSERT_TRUE(WaitClusterOk());
  std::map<std::string, std::string> host_of_id;  // by each node's own id
  for (int i = 0; i < kNodes; ++i) host_of_id[MyId(i)] = hosts[i];
  auto replicas = WaitReplicasOf(0);
  ASSERT_EQ(replicas.size(), 3u);
  for (const auto& [master, ids] : replicas) {
    for (const std::string& r : ids) EXPECT_NE(host_of_id[r], host_of_id[master]);
  }
}

TEST_F(SlotctlCluster, CreateRefusesTooFewMastersAndNodesThatAreNotEmpty) {
  std::string five;
  for (int i = 0; i < 5; ++i) five += " 127.0.0.1:" + std::to_string(ports_[i]);
  ShellResult too_few = RunSlotctl("create" + five + " --replicas 1 --yes");
  EXPECT_EQ(too_few.exit_code, 1);
  EXPECT_EQ(too_few.output,
            "*** ERROR: Invalid configuration for cluster creation.\n"
            "*** Redis Cluster requires at least 3 master nodes.\n"
            "*** This is not possible with 5 nodes and 1 replicas per node.\n"
            "*** At least 6 nodes are required.\n");

  // The node that sends MEET knows the other one at once.
  ASSERT_EQ(Command(0, {"CLUSTER", "MEET", "127.0.0.1", std::to_string(ports_[1])}), "OK");
  ShellResult busy = RunSlotctl("create" + Addresses() + " --replicas 1 --yes");
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("[ERR] Node 127.0.0.1:" + std::to_string(ports_[0]) +
                             " is not empty. Either the node already knows other nodes (check "
                             "with CLUSTER NODES) or contains some key in database 0.\n"),
            std::string::npos)
      << busy.output;
}

}  // namespace
}  // namespace slotd::test
