// Six slotd processes in cluster mode (3 masters, 3 replicas) formed by slotctl: the cluster
// reaches cluster_state:ok everywhere and redis-cli -c follows MOVED across slots.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <libgen.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

std::string RunShell(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1 </dev/null").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class SlotdCluster : public ::testing::Test {
 protected:
  static constexpr int kNodes = 6;

  void SetUp() override {
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
          SlotdBinary(),
          std::vector<std::string>{"--port", std::to_string(port), "--bind", "127.0.0.1",
                                   "--cluster-enabled", "yes", "--cluster-node-timeout", "2000",
                                   "--dir", node_dir, "--save", "", "--appendonly", "no"},
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

  // Every node except `skip_port` reports cluster_state:ok and knows all six nodes.
  bool WaitClusterOk(int timeout_s = 30, int skip_port = -1) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      int ok = 0;
      for (int port : ports_) {
        if (port == skip_port) {
          ++ok;
          continue;
        }
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

  std::string Addresses() const {
    std::string out;
    for (int port : ports_) out += " 127.0.0.1:" + std::to_string(port);
    return out;
  }

  // slotctl (next to slotd in the build dir) makes 3 masters with one replica each.
  void CreateCluster() {
    std::string slotd = SlotdBinary();
    std::string slotctl = std::string(dirname(slotd.data())) + "/slotctl";
    int code = -1;
    std::string out = RunShell(slotctl + " create" + Addresses() + " --replicas 1 --yes", &code);
    ASSERT_EQ(code, 0) << out;
    ASSERT_TRUE(WaitClusterOk()) << Command(ports_[0], {"CLUSTER", "NODES"});
  }

  std::string dir_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_F(SlotdCluster, SlotctlCreateReachesStateOkAndRedisCliFollowsMoved) {
  ASSERT_NO_FATAL_FAILURE(CreateCluster());
  int code = -1;
  EXPECT_EQ(Command(ports_[0], {"CLUSTER", "MYID"}).size(), 40u);
  // Keys in many slots: set and read through one entry node, following MOVED.
  std::string cli = "redis-cli -c -p " + std::to_string(ports_[0]) + " ";
  for (int i = 0; i < 20; ++i) {
    std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(RunShell(cli + "SET " + key + " v" + std::to_string(i), &code), "OK\n");
  }
  for (int i = 0; i < 20; ++i) {
    std::string key = "key:" + std::to_string(i);
    EXPECT_EQ(RunShell(cli + "GET " + key, &code), "v" + std::to_string(i) + "\n");
  }
  // Without -c the owner of another slot answers with a redirection.
  std::string moved;
  for (int i = 0; i < 20 && moved.empty(); ++i) {
    std::string reply = RunShell("redis-cli -p " + std::to_string(ports_[0]) + " GET key:" +
                                     std::to_string(i), &code);
    if (reply.rfind("MOVED", 0) == 0 || reply.find("MOVED ") != std::string::npos) moved = reply;
  }
  EXPECT_FALSE(moved.empty());
}

TEST_F(SlotdCluster, CrashedMasterIsReplacedByItsReplica) {
  ASSERT_NO_FATAL_FAILURE(CreateCluster());
  int code = -1;
  // Wait until all three replicas are attached, then take a master that serves slots.
  int victim = -1;
  size_t victim_index = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string nodes_text;
  while (std::chrono::steady_clock::now() < deadline) {
    nodes_text = Command(ports_[0], {"CLUSTER", "NODES"});
    size_t slaves = 0;
    for (size_t at = nodes_text.find(" slave "); at != std::string::npos;
         at = nodes_text.find(" slave ", at + 1)) {
      ++slaves;
    }
    for (size_t at = nodes_text.find("myself,slave"); at != std::string::npos;
         at = nodes_text.find("myself,slave", at + 1)) {
      ++slaves;
    }
    if (slaves == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (size_t i = 0; i < ports_.size() && victim == -1; ++i) {
    std::string role = RunShell("redis-cli -p " + std::to_string(ports_[i]) + " ROLE", &code);
    if (role.rfind("master", 0) == 0 && ports_[i] != ports_[0]) {
      victim = ports_[i];
      victim_index = i;
    }
  }
  ASSERT_NE(victim, -1) << nodes_text;
  // The replica must have synced before its master dies (the data-age check).
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::string victim_id = Command(victim, {"CLUSTER", "MYID"});
  servers_[victim_index]->Stop(9);
  int observer = ports_[0];
  // The victim's line in the observer's CLUSTER NODES.
  auto victim_line = [&]() {
    std::string nodes = Command(observer, {"CLUSTER", "NODES"});
    size_t at = nodes.find(victim_id + " ");
    if (at == std::string::npos) return std::string();
    return nodes.substr(at, nodes.find('\n', at) - at);
  };
  // First the failure is agreed on (FAIL, not just the local PFAIL "fail?") ...
  std::string line;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    line = victim_line();
    if (line.find(" master,fail ") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_NE(line.find(" master,fail "), std::string::npos) << line;
  // ... then its replica takes its slots (the failed node's line lists none) and the state is ok.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    line = victim_line();
    if (line.find('-', line.find("disconnected")) == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(line.find('-', line.find("disconnected")), std::string::npos) << line;
  ASSERT_TRUE(WaitClusterOk(30, victim)) << Command(observer, {"CLUSTER", "NODES"});
}

TEST_F(SlotdCluster, SecondProcessOnTheSameNodesConfRefusesToStart) {
  int port = FreePort();
  ServerProcess second(SlotdBinary(),
                       {"--port", std::to_string(port), "--bind", "127.0.0.1", "--cluster-enabled",
                        "yes", "--dir", dir_ + "/" + std::to_string(ports_[0]), "--save", ""},
                       dir_ + "/second.log");
  int status = second.WaitExit(10000);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(second.ReadLog().find("is already used by a different Redis Cluster node"),
            std::string::npos);
}

}  // namespace
}  // namespace slotd::test
