// slotctl against six real redis-server 7.0 processes in cluster mode (slotd nodes later, same
// tool): create with replicas, check, info, open-slot detection and the refusals.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <libgen.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string SlotctlBinary() {
  if (const char* env = std::getenv("SLOTCTL_BIN")) return env;
  std::string slotd = SlotdBinary();
  return std::string(dirname(slotd.data())) + "/slotctl";
}

ProcessResult RunSlotctl(const std::string& args) {
  ProcessResult r;
  std::string cmd = SlotctlBinary() + " " + args + " 2>&1 </dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// One CLUSTER NODES line, the fields the tests look at.
struct NodeLine {
  std::string id, addr, flags, master, slots;
};

class SlotctlCluster : public ::testing::Test {
 protected:
  static constexpr int kNodes = 6;

  void SetUp() override {
    if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server 7.0 is not installed";
    dir_ = MakeTempDir();
    std::set<int> used;
    for (int i = 0; i < kNodes; ++i) {
      int port = FreePort();
      while (used.count(port) > 0 || used.count(port + 10000) > 0) port = FreePort();
      used.insert(port);
      ports_.push_back(port);
      const std::string node_dir = dir_ + "/" + std::to_string(port);
      std::filesystem::create_directories(node_dir);
      servers_.push_back(std::make_unique<ServerProcess>(
          RedisServerBinary(),
          std::vector<std::string>{"--port", std::to_string(port), "--bind", "127.0.0.1",
                                   "127.0.0.2", "127.0.0.3", "--cluster-enabled", "yes", "--dir",
                                   node_dir, "--save", "", "--appendonly", "no"},
          node_dir + "/log"));
    }
    for (int i = 0; i < kNodes; ++i) {
      ASSERT_TRUE(servers_[i]->WaitReady(ports_[i])) << servers_[i]->ReadLog();
    }
  }

  void TearDown() override {
    servers_.clear();  // stops each server by its pid
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string Command(int port, const std::vector<std::string>& argv) {
    redisContext* ctx = redisConnect("127.0.0.1", port);
    std::string out;
    if (ctx != nullptr && ctx->err == 0) {
      std::vector<const char*> args;
      for (const std::string& a : argv) args.push_back(a.c_str());
      auto* reply = static_cast<redisReply*>(
          redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), nullptr));
      if (reply != nullptr) {
        if (reply->str != nullptr) out.assign(reply->str, reply->len);
        freeReplyObject(reply);
      }
    }
    if (ctx != nullptr) redisFree(ctx);
    return out;
  }

  std::vector<NodeLine> ClusterNodes(int port) {
    std::vector<NodeLine> out;
    std::istringstream in(Command(port, {"CLUSTER", "NODES"}));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      NodeLine n;
      std::string ping, pong, epoch, link;
      f >> n.id >> n.addr >> n.flags >> n.master >> ping >> pong >> epoch >> link;
      std::getline(f, n.slots);
      if (!n.id.empty()) out.push_back(n);
    }
    return out;
  }

  // Polls until every node reports cluster_state:ok and knows every other one.
  bool WaitClusterOk(int timeout_s = 20) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      int ok = 0;
      for (int port : ports_) {
        std::string info = Command(port, {"CLUSTER", "INFO"});
        if (info.find("cluster_state:ok") != std::string::npos &&
            info.find("cluster_known_nodes:6") != std::string::npos) {
          ++ok;
        }
      }
      if (ok == kNodes) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // master id -> replica ids, from node `port`'s view, once all three replicas are visible.
  std::map<std::string, std::vector<std::string>> WaitReplicasOf(int port, int timeout_s = 20) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    std::map<std::string, std::vector<std::string>> replicas;
    while (std::chrono::steady_clock::now() < deadline) {
      replicas.clear();
      for (const NodeLine& n : ClusterNodes(port)) {
        if (n.flags.find("slave") != std::string::npos) replicas[n.master].push_back(n.id);
      }
      if (replicas.size() == 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
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

  std::string dir_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_F(SlotctlCluster, CreateMakesThreeMastersEachWithOneReplicaAndCheckPasses) {
  ProcessResult created = RunSlotctl("create" + Addresses() + " --replicas 1 --yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("Master[0] -> Slots 0 - 5460\n"), std::string::npos);
  EXPECT_NE(created.output.find("Waiting for the cluster to join"), std::string::npos);
  EXPECT_NE(created.output.find("[OK] All nodes agree about slots configuration."),
            std::string::npos);
  EXPECT_NE(created.output.find("[OK] All 16384 slots covered."), std::string::npos);
  ASSERT_TRUE(WaitClusterOk());

  std::vector<NodeLine> nodes = ClusterNodes(ports_[0]);
  std::set<std::string> masters;
  for (const NodeLine& n : nodes) {
    if (n.flags.find("master") != std::string::npos && !n.slots.empty()) masters.insert(n.id);
  }
  EXPECT_EQ(masters.size(), 3u);
  auto replicas = WaitReplicasOf(ports_[0]);
  ASSERT_EQ(replicas.size(), 3u);
  for (const auto& [master, ids] : replicas) {
    EXPECT_EQ(masters.count(master), 1u) << master;
    EXPECT_EQ(ids.size(), 1u) << master;
  }

  ProcessResult check = RunSlotctl("check 127.0.0.1:" + std::to_string(ports_[3]));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("[OK] All 16384 slots covered."), std::string::npos);
}

TEST_F(SlotctlCluster, CheckReportsAMigratingSlotAndFails) {
  ASSERT_EQ(RunSlotctl("create" + Addresses() + " --replicas 1 --yes").exit_code, 0);
  ASSERT_TRUE(WaitClusterOk());
  // Slot 0 belongs to the first master; point it at another master.
  std::string target;
  for (const NodeLine& n : ClusterNodes(ports_[0])) {
    if (n.flags.find("myself") == std::string::npos &&
        n.flags.find("master") != std::string::npos && !n.slots.empty()) {
      target = n.id;
    }
  }
  ASSERT_FALSE(target.empty());
  ASSERT_EQ(Command(ports_[0], {"CLUSTER", "SETSLOT", "0", "MIGRATING", target}), "OK");

  ProcessResult check = RunSlotctl("check 127.0.0.1:" + std::to_string(ports_[1]));
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
  ASSERT_EQ(WaitReplicasOf(ports_[0]).size(), 3u);
  // "foo" hashes to slot 12182, which the third master (ports_[2]) owns.
  ASSERT_EQ(Command(ports_[2], {"SET", "foo", "bar"}), "OK");
  ProcessResult info = RunSlotctl("info 127.0.0.1 " + std::to_string(ports_[0]));
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
  ProcessResult created = RunSlotctl("create" + Addresses(hosts) + " --replicas 1 --yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.find("[WARNING]"), std::string::npos) << created.output;
  ASSERT_TRUE(WaitClusterOk());
  std::map<std::string, std::string> host_of_id;  // by each node's own id
  for (int i = 0; i < kNodes; ++i) host_of_id[Command(ports_[i], {"CLUSTER", "MYID"})] = hosts[i];
  auto replicas = WaitReplicasOf(ports_[0]);
  ASSERT_EQ(replicas.size(), 3u);
  for (const auto& [master, ids] : replicas) {
    for (const std::string& r : ids) EXPECT_NE(host_of_id[r], host_of_id[master]);
  }
}

TEST_F(SlotctlCluster, CreateRefusesTooFewMastersAndNodesThatAreNotEmpty) {
  std::string five;
  for (int i = 0; i < 5; ++i) five += " 127.0.0.1:" + std::to_string(ports_[i]);
  ProcessResult too_few = RunSlotctl("create" + five + " --replicas 1 --yes");
  EXPECT_EQ(too_few.exit_code, 1);
  EXPECT_EQ(too_few.output,
            "*** ERROR: Invalid configuration for cluster creation.\n"
            "*** Redis Cluster requires at least 3 master nodes.\n"
            "*** This is not possible with 5 nodes and 1 replicas per node.\n"
            "*** At least 6 nodes are required.\n");

  // The node that sends MEET knows the other one at once.
  ASSERT_EQ(Command(ports_[0], {"CLUSTER", "MEET", "127.0.0.1", std::to_string(ports_[1])}), "OK");
  ProcessResult busy = RunSlotctl("create" + Addresses() + " --replicas 1 --yes");
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("[ERR] Node 127.0.0.1:" + std::to_string(ports_[0]) +
                             " is not empty. Either the node already knows other nodes (check "
                             "with CLUSTER NODES) or contains some key in database 0.\n"),
            std::string::npos)
      << busy.output;
}

}  // namespace
}  // namespace slotd::test
