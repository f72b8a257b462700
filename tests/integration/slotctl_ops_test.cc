// slotctl's cluster operations (add-node, reshard, rebalance, del-node, fix, call) against real
// clusters, once of redis-server 7.0 nodes and once of slotd nodes: keys must survive every move.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster_client.h"
#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

constexpr int kKeys = 1500;

// Parameter: true runs every node as redis-server 7.0, false as slotd.
class SlotctlOps : public ClusterFixture, public ::testing::WithParamInterface<bool> {
 protected:
  bool redis() const { return GetParam(); }

  // Three masters made by slotctl create, plus `spare` empty cluster nodes (indexes 3...).
  void StartCluster(int spare) {
    if (redis() && RedisServerBinary().empty()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_NO_FATAL_FAILURE(StartNodes(3 + spare, redis()));
    ShellResult r = Slotctl("create" + Addresses({0, 1, 2}) + " --yes");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2})) << Command(0, {"CLUSTER", "NODES"});
  }

  ShellResult Slotctl(const std::string& args) {
    return RunShell(SlotctlBinary() + " --no-color " + args);
  }
  std::string Seed() const { return "127.0.0.1:" + std::to_string(port(0)); }

  // The founding masters seed the test client; spare nodes serve no slots.
  std::vector<int> SeedPorts() const { return {port(0), port(1), port(2)}; }

  void LoadKeys(int count = kKeys, const std::string& prefix = "key:") {
    ClusterClient client(SeedPorts());
    for (int i = 0; i < count; ++i) {
      const std::string k = prefix + std::to_string(i);
      ClusterReply r = client.Run({"SET", k, "value-" + k});
      ASSERT_TRUE(r.ok) << k << ": " << r.text;
    }
  }

  // Every key reads back its value through MOVED/ASK redirections.
  void ExpectKeys(int count = kKeys, const std::string& prefix = "key:") {
    ClusterClient client(SeedPorts());
    int missing = 0;
    for (int i = 0; i < count; ++i) {
      const std::string k = prefix + std::to_string(i);
      ClusterReply r = client.Run({"GET", k});
      if (!r.ok || r.text != "value-" + k) {
        if (++missing <= 5) ADD_FAILURE() << k << ": " << r.text;
      }
    }
    EXPECT_EQ(missing, 0);
  }

  // Slots node `i` owns according to its own CLUSTER NODES.
  int OwnSlots(size_t i) const {
    for (const NodeLine& n : ClusterNodes(i)) {
      if (n.flags.find("myself") == std::string::npos) continue;
      int count = 0;
      std::istringstream in(n.slots);
      std::string range;
      while (in >> range) {
        if (range[0] == '[') continue;
        const size_t dash = range.find('-');
        count += dash == std::string::npos
                     ? 1
                     : std::stoi(range.substr(dash + 1)) - std::stoi(range.substr(0, dash)) + 1;
      }
      return count;
    }
    return -1;
  }

  // add-node of spare `i` as a master, then waits until all nodes see a healthy cluster.
  void AddMaster(size_t i) {
    ShellResult r = Slotctl("add-node 127.0.0.1:" + std::to_string(port(i)) + " " + Seed());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_NE(r.output.find("[OK] New node added correctly."), std::string::npos) << r.output;
    std::vector<size_t> members = {0, 1, 2, i};
    ASSERT_TRUE(WaitClusterOk(30000, members)) << Command(i, {"CLUSTER", "NODES"});
  }

  std::string Check() { return Slotctl("check " + Seed()).output; }
  int CheckExit() { return Slotctl("check " + Seed()).exit_code; }
};

TEST_P(SlotctlOps, AddMasterThenReshardThousandSlotsKeepsEveryKey) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(1));
  ASSERT_NO_FATAL_FAILURE(LoadKeys());
  ASSERT_NO_FATAL_FAILURE(AddMaster(3));
  ShellResult r = Slotctl("reshard " + Seed() + " --from all --to " + MyId(3) +
                          " --slots 1000 --yes --pipeline 7 --timeout 10000");
  ASSERT_EQ(r.exit_code, 0) << r.output.substr(0, 4000);
  EXPECT_NE(r.output.find("Ready to move 1000 slots."), std::string::npos);
  EXPECT_NE(r.output.find("Moving slot 0 from " + Seed() + " to 127.0.0.1:" +
                          std::to_string(port(3)) + ": "),
            std::string::npos);
  EXPECT_EQ(OwnSlots(3), 1000);
  EXPECT_GT(std::stoi(Command(3, {"DBSIZE"})), 0);
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2, 3}));
  ExpectKeys();
  ShellResult check = Slotctl("check " + Seed());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_P(SlotctlOps, RebalanceFillsAnEmptyMasterEvenlyAndDelNodeRemovesItOnceEmptied) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(1));
  ASSERT_NO_FATAL_FAILURE(LoadKeys());
  ASSERT_NO_FATAL_FAILURE(AddMaster(3));
  // Without --use-empty-masters the empty node takes no part and the rest is balanced.
  ShellResult idle = Slotctl("rebalance " + Seed());
  EXPECT_EQ(idle.exit_code, 0) << idle.output;
  EXPECT_NE(idle.output.find("*** No rebalancing needed! All nodes are within the 2.00% "
                             "threshold."),
            std::string::npos)
      << idle.output;

  ShellResult r = Slotctl("rebalance " + Seed() + " --use-empty-masters");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(">>> Rebalancing across 4 nodes. Total weight = 4.00"),
            std::string::npos);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(OwnSlots(i), 4096) << i;
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2, 3}));
  ExpectKeys();

  // Not empty yet: refused.
  const std::string gone = MyId(3);
  ShellResult busy = Slotctl("del-node " + Seed() + " " + gone);
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("[ERR] Node 127.0.0.1:" + std::to_string(port(3)) +
                             " is not empty! Reshard data away and try again."),
            std::string::npos)
      << busy.output;

  // Weight 0 empties it, then it can go.
  ShellResult empty = Slotctl("rebalance " + Seed() + " --weight " + gone.substr(0, 8) + "=0");
  ASSERT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(OwnSlots(3), 0);
  ShellResult del = Slotctl("del-node " + Seed() + " " + gone);
  ASSERT_EQ(del.exit_code, 0) << del.output;
  EXPECT_NE(del.output.find(">>> Sending CLUSTER RESET SOFT to the deleted node."),
            std::string::npos);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(Command(i, {"CLUSTER", "NODES"}).find(gone), std::string::npos) << i;
  }
  EXPECT_EQ(InfoField(3, "cluster-info", "cluster_known_nodes"), "1");
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2}));
  ExpectKeys();
  EXPECT_EQ(CheckExit(), 0) << Check();
}

TEST_P(SlotctlOps, AddNodeAsReplicaOfAChosenOrTheLeastServedMaster) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(2));
  const std::string master = MyId(1);
  ShellResult r = Slotctl("add-node 127.0.0.1:" + std::to_string(port(3)) + " " + Seed() +
                          " --replica-of " + master);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(">>> Configure node as replica of 127.0.0.1:" +
                          std::to_string(port(1)) + "."),
            std::string::npos)
      << r.output;
  ASSERT_TRUE(WaitFor([&] { return Role(3) == "slave"; }, 20000));
  EXPECT_EQ(InfoField(3, "replication", "master_port"), std::to_string(port(1)));

  // Every node must know the new replica before the next add counts replicas.
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2, 3}));
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const NodeLine& n : ClusterNodes(0)) {
          if (n.flags.find("slave") != std::string::npos && n.master == master) return true;
        }
        return false;
      },
      20000));
  ShellResult automatic =
      Slotctl("add-node 127.0.0.1:" + std::to_string(port(4)) + " " + Seed() + " --replica");
  ASSERT_EQ(automatic.exit_code, 0) << automatic.output;
  EXPECT_NE(automatic.output.find("Automatically selected master "), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return Role(4) == "slave"; }, 20000));
  EXPECT_NE(InfoField(4, "replication", "master_port"), std::to_string(port(1)));

  ShellResult bad = Slotctl("add-node 127.0.0.1:" + std::to_string(port(3)) + " " + Seed() +
                            " --replica-of 0123456789");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("[ERR] No such master ID 0123456789"), std::string::npos)
      << bad.output;
}

TEST_P(SlotctlOps, FixFinishesASlotLeftOpenByAnInterruptedReshard) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(0));
  ASSERT_NO_FATAL_FAILURE(LoadKeys());
  // 300 keys in one slot, owned by the first master (slot 0 belongs to it).
  std::string tag;
  for (int i = 0; tag.empty(); ++i) {
    if (KeySlot("t" + std::to_string(i)) < 5000) tag = "{t" + std::to_string(i) + "}:";
  }
  ASSERT_NO_FATAL_FAILURE(LoadKeys(300, tag));
  const std::string slot = std::to_string(KeySlot(tag));
  // What a reshard killed mid-slot leaves: both sides open, part of the keys moved.
  ASSERT_EQ(Command(1, {"CLUSTER", "SETSLOT", slot, "IMPORTING", MyId(0)}), "OK");
  ASSERT_EQ(Command(0, {"CLUSTER", "SETSLOT", slot, "MIGRATING", MyId(1)}), "OK");
  std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", std::to_string(port(1)), "", "0",
                                      "5000", "KEYS"};
  for (int i = 0; i < 40; ++i) migrate.push_back(tag + std::to_string(i));
  ASSERT_EQ(Command(0, migrate), "OK");
  ShellResult open = Slotctl("check " + Seed());
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_NE(open.output.find("[WARNING] The following slots are open: " + slot + "."),
            std::string::npos)
      << open.output;

  ShellResult fix = Slotctl("fix " + Seed());
  ASSERT_EQ(fix.exit_code, 0) << fix.output;
  EXPECT_NE(fix.output.find(">>> Fixing open slot " + slot), std::string::npos);
  ShellResult after = Slotctl("check " + Seed());
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(Command(0, {"CLUSTER", "COUNTKEYSINSLOT", slot}), "300");
  EXPECT_EQ(Command(1, {"CLUSTER", "COUNTKEYSINSLOT", slot}), "0");
  ASSERT_TRUE(WaitClusterOk(30000, {0, 1, 2}));
  ExpectKeys();
  ExpectKeys(300, tag);
}

TEST_P(SlotctlOps, FixCoversSlotsNobodyServes) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(0));
  // Slot 100 with keys on the first master, slot 101 without keys: both lose their owner.
  std::string key;
  for (int i = 0; key.empty(); ++i) {
    if (KeySlot("k" + std::to_string(i)) == 100) key = "k" + std::to_string(i);
  }
  ASSERT_EQ(Command(0, {"SET", key, "v"}), "OK");
  for (size_t i = 0; i < 3; ++i) {
    Command(i, {"CLUSTER", "DELSLOTS", "100", "101"});
  }
  ShellResult broken = Slotctl("check " + Seed());
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.output.find("[ERR] Not all 16384 slots are covered by nodes."),
            std::string::npos);
  ShellResult fix = Slotctl("fix " + Seed() + " --yes");
  ASSERT_EQ(fix.exit_code, 0) << fix.output;
  EXPECT_NE(fix.output.find("The following uncovered slots have no keys across the cluster:\n"
                            "[101]\n"),
            std::string::npos)
      << fix.output;
  EXPECT_NE(fix.output.find("The following uncovered slots have keys in just one node:\n[100]\n"),
            std::string::npos);
  EXPECT_NE(fix.output.find(">>> Covering slot 100 with " + Seed()), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return CheckExit() == 0; }, 20000)) << Check();
  EXPECT_EQ(Command(0, {"GET", key}), "v");
}

// Writes `key` straight into node `i` although it does not serve the key's slot: the slot is
// opened for import just long enough for an ASKING write (a leftover of an earlier move).
void PlantKey(ClusterFixture& f, int port, const std::string& owner_id, const std::string& key,
              const std::string& value) {
  const std::string slot = std::to_string(KeySlot(key));
  redisContext* ctx = redisConnect("127.0.0.1", port);
  ASSERT_TRUE(ctx != nullptr && ctx->err == 0);
  const std::vector<std::vector<std::string>> steps = {
      {"CLUSTER", "SETSLOT", slot, "IMPORTING", owner_id}, {"ASKING"}, {"SET", key, value},
      {"CLUSTER", "SETSLOT", slot, "STABLE"}};
  for (const auto& argv : steps) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
    ASSERT_NE(reply, nullptr);
    EXPECT_EQ(std::string(reply->str, reply->len), "OK") << argv[0];
    freeReplyObject(reply);
  }
  redisFree(ctx);
  (void)f;
}

TEST_P(SlotctlOps, ReshardReplacesTargetKeysOnlyWhenValuesMatchOrReplaceIsGiven) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(0));
  // A key of slot 0 and one of slot 1: the first master gives its lowest slot first.
  std::string same, differs;
  for (int i = 0; same.empty() || differs.empty(); ++i) {
    const std::string k = "b" + std::to_string(i);
    if (KeySlot(k) == 0 && same.empty()) same = k;
    if (KeySlot(k) == 1 && differs.empty()) differs = k;
  }
  for (const std::string& k : {same, differs}) ASSERT_EQ(Command(0, {"SET", k, "source"}), "OK");
  ASSERT_NO_FATAL_FAILURE(PlantKey(*this, port(1), MyId(0), same, "source"));
  ASSERT_NO_FATAL_FAILURE(PlantKey(*this, port(1), MyId(0), differs, "other"));
  const std::string move =
      "reshard " + Seed() + " --from " + MyId(0) + " --to " + MyId(1) + " --slots 1 --yes";

  ShellResult equal = Slotctl(move);
  ASSERT_EQ(equal.exit_code, 0) << equal.output;
  EXPECT_NE(equal.output.find("*** Target key exists\n*** Checking key values on both nodes...\n"
                              "*** Replacing target keys..."),
            std::string::npos)
      << equal.output;
  EXPECT_EQ(Command(1, {"GET", same}), "source");

  ShellResult refused = Slotctl(move);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("*** Found 1 key(s) in both source node and target node having "
                                "different values."),
            std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("    - " + differs + "\n"), std::string::npos);
  EXPECT_EQ(Command(0, {"GET", differs}), "source");  // nothing lost on the source
  EXPECT_EQ(Command(1, {"CLUSTER", "COUNTKEYSINSLOT", "1"}), "1");

  // Close the slot the refused move left open, then force the move.
  EXPECT_EQ(Command(0, {"CLUSTER", "SETSLOT", "1", "STABLE"}), "OK");
  EXPECT_EQ(Command(1, {"CLUSTER", "SETSLOT", "1", "STABLE"}), "OK");
  ShellResult replaced = Slotctl(move + " --replace");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(Command(1, {"GET", differs}), "source");
  EXPECT_EQ(Command(0, {"CLUSTER", "COUNTKEYSINSLOT", "1"}), "0");
}

TEST_P(SlotctlOps, CallRunsACommandOnEveryNodeAndReshardRefusesUnknownNodes) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(0));
  ShellResult r = Slotctl("call " + Seed() + " CONFIG GET maxmemory-policy");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(">>> Calling CONFIG GET maxmemory-policy\n"), std::string::npos);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(r.output.find("127.0.0.1:" + std::to_string(port(i)) +
                            ": maxmemory-policy\nnoeviction\n"),
              std::string::npos)
        << r.output;
  }
  ShellResult bad = Slotctl("reshard " + Seed() + " --from all --to nosuchnode --slots 10 --yes");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("*** The specified node (nosuchnode) is not known or not a master, "
                            "please retry."),
            std::string::npos)
      << bad.output;
}

INSTANTIATE_TEST_SUITE_P(Backends, SlotctlOps, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "RedisServer" : "Slotd");
                         });

}  // namespace
}  // namespace slotd::test
