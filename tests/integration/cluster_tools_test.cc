// redis-cli's cluster manager, unchanged, against slotd nodes as an operator runs it: create with
// replicas, add-node (master and --cluster-slave), del-node, check, reshard of 1000 slots holding
// keys, and a restart of every node from its nodes.conf.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster_client.h"
#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

class ClusterTools : public ClusterFixture {
 protected:
  // `redis-cli --cluster check` through node `i`: exit 0, full coverage, no warning.
  void ExpectCheckOk(size_t i) {
    ShellResult check = RunShell("redis-cli --cluster check " + Addr(i));
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_NE(check.output.find("[OK] All nodes agree about slots configuration."),
              std::string::npos)
        << check.output;
    EXPECT_NE(check.output.find("[OK] All 16384 slots covered."), std::string::npos);
    EXPECT_EQ(check.output.find("[WARNING]"), std::string::npos) << check.output;
    EXPECT_EQ(check.output.find("[ERR]"), std::string::npos) << check.output;
  }

  // Number of slots node `owner_id` serves in node `i`'s CLUSTER NODES.
  int SlotCount(size_t i, const std::string& owner_id) {
    for (const NodeLine& n : ClusterNodes(i)) {
      if (n.id != owner_id) continue;
      int count = 0;
      std::istringstream ranges(n.slots);
      std::string range;
      while (ranges >> range) {
        if (range[0] == '[') continue;  // a migrating/importing marker
        size_t dash = range.find('-');
        int first = std::stoi(range.substr(0, dash));
        int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
        count += last - first + 1;
      }
      return count;
    }
    return -1;
  }

  // The view of the cluster every node must keep across a restart: per node id, its address,
  // role, master, configEpoch and slots (ping times and link state left out).
  std::map<std::string, std::string> StableView(size_t i) {
    std::map<std::string, std::string> view;
    for (const NodeLine& n : ClusterNodes(i)) {
      std::string flags = n.flags;
      if (flags.rfind("myself,", 0) == 0) flags.erase(0, 7);
      view[n.id] = n.addr + " " + flags + " " + n.master + " " + n.config_epoch + " " + n.slots;
    }
    return view;
  }
};

TEST_F(ClusterTools, CreateAddNodeAsMasterAndReplicaThenDelNode) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  ASSERT_NO_FATAL_FAILURE(CreateWithRedisCli(1));
  ASSERT_TRUE(WaitCheckOk(3));
  ExpectCheckOk(3);

  const size_t master = AddNode();
  const size_t replica = AddNode();
  ASSERT_TRUE(WaitReady(master));
  ASSERT_TRUE(WaitReady(replica));
  ShellResult added = RunShell("redis-cli --cluster add-node " + Addr(master) + " " + Addr(0));
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("[OK] New node added correctly."), std::string::npos);
  const std::string master_id = MyId(master);
  // add-node --cluster-slave needs the new master known cluster-wide first.
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2, 3, 4, 5, master}, 7));
  ASSERT_TRUE(WaitCheckOk(0));
  added = RunShell("redis-cli --cluster add-node " + Addr(replica) + " " + Addr(0) +
                   " --cluster-slave --cluster-master-id " + master_id);
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("[OK] New node added correctly."), std::string::npos);
  ASSERT_TRUE(WaitClusterOk(30000, {}, 8));
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const NodeLine& n : ClusterNodes(0)) {
          if (n.id == MyId(replica)) return n.flags == "slave" && n.master == master_id;
        }
        return false;
      },
      20000))
      << Command(0, {"CLUSTER", "NODES"});
  ASSERT_TRUE(WaitReplicasSynced());
  ExpectCheckOk(0);

  // del-node: the replica first, then the empty master; the rest forget both.
  for (size_t gone : {replica, master}) {
    ShellResult deleted =
        RunShell("redis-cli --cluster del-node " + Addr(0) + " " + MyId(gone));
    ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
    EXPECT_NE(deleted.output.find("Sending CLUSTER FORGET messages to the cluster..."),
              std::string::npos)
        << deleted.output;
  }
  EXPECT_TRUE(WaitClusterOk(30000, {0, 1, 2, 3, 4, 5}, 6));
  // CLUSTER RESET SOFT left each deleted node alone, knowing only itself.
  EXPECT_EQ(ClusterNodes(master).size(), 1u);
  EXPECT_EQ(ClusterNodes(replica).size(), 1u);
  ExpectCheckOk(1);
}

TEST_F(ClusterTools, ReshardMovesThousandSlotsWithTheirKeys) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  ASSERT_NO_FATAL_FAILURE(CreateWithRedisCli(1));
  constexpr int kKeys = 10000;
  ClusterClient client({port(0)});
  for (int n = 0; n < kKeys; ++n) {
    ASSERT_TRUE(client.Run({"SET", "key:" + std::to_string(n), "v" + std::to_string(n)}).ok) << n;
  }
  // Move 1000 slots from the master serving slot 0 to another master. Only masters owning slots
  // are picked: a node told to replicate may still be listed as a slotless master for a moment.
  ASSERT_TRUE(WaitCheckOk(0));
  std::string from, to;
  for (const NodeLine& n : ClusterNodes(0)) {
    if (n.flags.find("master") == std::string::npos || n.slots.empty()) continue;
    if (n.slots.rfind("0-", 0) == 0) {
      from = n.id;
    } else if (to.empty()) {
      to = n.id;
    }
  }
  ASSERT_FALSE(from.empty());
  ASSERT_FALSE(to.empty());
  const int from_slots = SlotCount(0, from);
  const int to_slots = SlotCount(0, to);
  // A writer keeps going during the move: it meets ASK (new keys of a migrating slot) and MOVED.
  ClusterWriter writer({port(1), port(2)});
  writer.Start();
  ShellResult reshard =
      RunShell("redis-cli --cluster reshard " + Addr(0) + " --cluster-from " + from +
               " --cluster-to " + to + " --cluster-slots 1000 --cluster-yes");
  writer.Stop();
  const std::string tail =
      reshard.output.substr(reshard.output.size() - std::min<size_t>(reshard.output.size(), 3000));
  ASSERT_EQ(reshard.exit_code, 0) << tail;
  EXPECT_GT(writer.acked(), 0);
  EXPECT_EQ(writer.failed(), 0);
  EXPECT_EQ(writer.CountLost({port(3)}), 0);
  EXPECT_EQ(reshard.output.find("[ERR]"), std::string::npos) << tail;
  ExpectCheckOk(2);
  EXPECT_TRUE(WaitFor([&] { return SlotCount(5, from) == from_slots - 1000; }, 10000));
  EXPECT_EQ(SlotCount(5, to), to_slots + 1000);

  // Every key through `redis-cli -c`, entering at a node that does not own most of them.
  const std::string gets = dir_ + "/gets.txt";
  {
    std::ofstream out(gets);
    for (int n = 0; n < kKeys; ++n) out << "GET key:" << n << "\n";
  }
  ShellResult read = RunShell("(redis-cli -c -p " + std::to_string(port(4)) + " < " + gets +
                              " | grep -v '^-> Redirected')");
  std::istringstream lines(read.output);
  std::string line;
  int n = 0, wrong = 0;
  while (std::getline(lines, line)) wrong += line != "v" + std::to_string(n++);
  EXPECT_EQ(n, kKeys);
  EXPECT_EQ(wrong, 0);
  int64_t total = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (Role(i) == "master") total += std::stoll(Command(i, {"DBSIZE"}));
  }
  EXPECT_EQ(total, kKeys + writer.acked());
}

TEST_F(ClusterTools, RestartOfEveryNodeKeepsIdsEpochsAndSlots) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  ASSERT_NO_FATAL_FAILURE(CreateWithRedisCli(1));
  ASSERT_TRUE(WaitReplicasSynced());
  // Views agree once every node has heard every other node's final configEpoch.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (size_t i = 1; i < nodes_.size(); ++i) {
          if (StableView(i) != StableView(0)) return false;
        }
        return true;
      },
      20000));
  std::vector<std::map<std::string, std::string>> before;
  std::vector<std::string> epochs, ids;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    before.push_back(StableView(i));
    epochs.push_back(InfoField(i, "cluster-info", "cluster_current_epoch"));
    ids.push_back(MyId(i));
  }
  for (size_t i = 0; i < nodes_.size(); ++i) Stop(i, SIGTERM);
  for (size_t i = 0; i < nodes_.size(); ++i) Start(i);
  for (size_t i = 0; i < nodes_.size(); ++i) ASSERT_TRUE(WaitReady(i));
  ASSERT_TRUE(WaitClusterOk(30000)) << Command(0, {"CLUSTER", "NODES"});
  for (size_t i = 0; i < nodes_.size(); ++i) {
    EXPECT_EQ(StableView(i), before[i]) << "node " << i;
    EXPECT_EQ(InfoField(i, "cluster-info", "cluster_current_epoch"), epochs[i]);
    EXPECT_EQ(MyId(i), ids[i]);
    EXPECT_NE(nodes_[i]->process->ReadLog().find("Node configuration loaded, I'm " + ids[i]),
              std::string::npos);
  }
  ExpectCheckOk(0);
}

}  // namespace
}  // namespace slotd::test
