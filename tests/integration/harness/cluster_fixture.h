// Shared fixture for cluster integration tests: starts slotd or redis-server nodes in cluster mode
// on free ports (port and port+10000), talks to them with hiredis, runs the real tools (redis-cli,
// slotctl, python3) and polls cluster state with deadlines. Stops only the processes it started.
#pragma once
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <libgen.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/server_process.h"

namespace slotd::test {

struct ShellResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `cmd` under /bin/sh with stdin closed; collects stdout and stderr.
inline ShellResult RunShell(const std::string& cmd) {
  ShellResult r;
  FILE* p = popen((cmd + " 2>&1 </dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string SlotctlBinary() {
  if (const char* env = std::getenv("SLOTCTL_BIN")) return env;
  std::string slotd = SlotdBinary();
  return std::string(dirname(slotd.data())) + "/slotctl";
}

// Polls `done` every `step_ms` until it holds (true) or `timeout_ms` passes (false).
inline bool WaitFor(const std::function<bool()>& done, int timeout_ms, int step_ms = 100) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
  }
  return done();
}

// One CLUSTER NODES line, split into its fields.
struct NodeLine {
  std::string id, addr, flags, master, config_epoch, link, slots;
};

inline std::vector<NodeLine> ParseClusterNodes(const std::string& text) {
  std::vector<NodeLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    NodeLine n;
    std::string ping, pong;
    f >> n.id >> n.addr >> n.flags >> n.master >> ping >> pong >> n.config_epoch >> n.link;
    std::getline(f, n.slots);
    if (!n.slots.empty() && n.slots[0] == ' ') n.slots.erase(0, 1);
    if (!n.id.empty()) out.push_back(n);
  }
  return out;
}

class ClusterFixture : public ::testing::Test {
 protected:
  struct Node {
    int port = 0;
    std::string binary;
    std::vector<std::string> args;
    std::string dir;
    std::unique_ptr<ServerProcess> process;
    bool redis = false;  // a redis-server 7.0 node, not slotd
    bool ever_ready = false;
  };

  void SetUp() override { dir_ = MakeTempDir(); }

  void TearDown() override {
    nodes_.clear();  // stops each server by its pid
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // A port that is free with its bus port and not handed to another node of this test. The bus
  // port is kept below the kernel's ephemeral range when possible: a client socket in TIME_WAIT
  // on it (tests open many short connections) would make the node's bind() fail.
  int NewPort() {
    static const int ephemeral_low = [] {
      std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
      int low = 0;
      return range >> low ? low : 32768;
    }();
    int port = FreePort();
    for (int attempt = 0; attempt < 2000; ++attempt) {
      bool taken = used_.count(port) > 0 || used_.count(port + 10000) > 0;
      if (!taken && (port + 10000 < ephemeral_low || attempt >= 1000)) break;
      port = FreePort();
    }
    used_.insert(port);
    used_.insert(port + 10000);
    return port;
  }

  // Starts one cluster-mode node (slotd unless `redis`) in its own dir; returns its index.
  size_t AddNode(bool redis = false, const std::vector<std::string>& extra = {}) {
    auto node = std::make_unique<Node>();
    node->port = NewPort();
    node->redis = redis;
    node->binary = redis ? RedisServerBinary() : SlotdBinary();
    node->dir = dir_ + "/" + std::to_string(node->port);
    std::filesystem::create_directories(node->dir);
    node->args = {"--port", std::to_string(node->port), "--bind", "127.0.0.1",
                  "--cluster-enabled", "yes", "--cluster-node-timeout",
                  std::to_string(node_timeout_ms_), "--dir", node->dir, "--save", "",
                  "--appendonly", "no", "--enable-debug-command", "yes"};
    node->args.insert(node->args.end(), extra.begin(), extra.end());
    nodes_.push_back(std::move(node));
    size_t index = nodes_.size() - 1;
    Start(index);
    return index;
  }

  // Starts `count` nodes (redis-server ones when `redis`) and waits until they accept connections.
  void StartNodes(int count, bool redis = false, const std::vector<std::string>& extra = {}) {
    std::vector<size_t> added;
    for (int i = 0; i < count; ++i) added.push_back(AddNode(redis, extra));
    for (size_t i : added) {
      ASSERT_TRUE(WaitReady(i)) << nodes_[i]->process->log_path() << " (wait status "
                                << nodes_[i]->process->WaitExit(10) << "):\n"
                                << nodes_[i]->process->ReadLog();
    }
  }

  // (Re)starts node `i` with its arguments; each start logs to a new file in the node's dir.
  void Start(size_t i) {
    Node& n = *nodes_[i];
    std::string log = n.dir + "/log" + std::to_string(++starts_);
    n.process = std::make_unique<ServerProcess>(n.binary, n.args, log);
  }
  // Waits for node `i` to accept connections. A first start that lost its port (or bus port) to
  // another process between FreePort() and bind() is retried on a new port.
  bool WaitReady(size_t i) {
    Node& n = *nodes_[i];
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (n.process->WaitReady(n.port)) {
        n.ever_ready = true;
        return true;
      }
      if (n.ever_ready || n.process->ReadLog().find("already in use") == std::string::npos) {
        return false;
      }
      n.port = NewPort();
      n.args[1] = std::to_string(n.port);
      Start(i);
    }
    return false;
  }
  void Stop(size_t i, int signal) { nodes_[i]->process->Stop(signal); }
  int port(size_t i) const { return nodes_[i]->port; }

  // One command on a fresh connection; the reply's string (status, bulk or error text), or the
  // integer as text; "" when the node is unreachable.
  static std::string CommandPort(int port, const std::vector<std::string>& argv) {
    redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port, {2, 0});
    std::string out;
    if (ctx != nullptr && ctx->err == 0) {
      redisSetTimeout(ctx, {5, 0});
      std::vector<const char*> args;
      std::vector<size_t> lens;
      for (const std::string& a : argv) {
        args.push_back(a.c_str());
        lens.push_back(a.size());
      }
      auto* reply = static_cast<redisReply*>(redisCommandArgv(
          ctx, static_cast<int>(args.size()), args.data(), lens.data()));
      if (reply != nullptr) {
        if (reply->str != nullptr) {
          out.assign(reply->str, reply->len);
        } else if (reply->type == REDIS_REPLY_INTEGER) {
          out = std::to_string(reply->integer);
        }
        freeReplyObject(reply);
      }
    }
    if (ctx != nullptr) redisFree(ctx);
    return out;
  }
  std::string Command(size_t i, const std::vector<std::string>& argv) const {
    return CommandPort(port(i), argv);
  }

  std::vector<NodeLine> ClusterNodes(size_t i) const {
    return ParseClusterNodes(Command(i, {"CLUSTER", "NODES"}));
  }
  std::string MyId(size_t i) const { return Command(i, {"CLUSTER", "MYID"}); }
  // "master" or "slave" from ROLE's first element ("" when unreachable).
  std::string Role(size_t i) const {
    std::string role;
    redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port(i), {2, 0});
    if (ctx != nullptr && ctx->err == 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(ctx, "ROLE"));
      if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements > 0) {
        role.assign(reply->element[0]->str, reply->element[0]->len);
      }
      if (reply != nullptr) freeReplyObject(reply);
    }
    if (ctx != nullptr) redisFree(ctx);
    return role;
  }
  // `field`'s value in INFO `section`, or in CLUSTER INFO when `section` is "cluster-info".
  std::string InfoField(size_t i, const std::string& section, const std::string& field) const {
    std::string info = "\n" + (section == "cluster-info" ? Command(i, {"CLUSTER", "INFO"})
                                                        : Command(i, {"INFO", section}));
    size_t at = info.find("\n" + field + ":");
    if (at == std::string::npos) return "";
    at += field.size() + 2;
    return info.substr(at, info.find_first_of("\r\n", at) - at);
  }

  // Every node in `which` (all when empty) reports cluster_state:ok and knows `known` nodes.
  bool WaitClusterOk(int timeout_ms = 30000, std::vector<size_t> which = {}, int known = -1) {
    if (which.empty()) {
      for (size_t i = 0; i < nodes_.size(); ++i) which.push_back(i);
    }
    if (known < 0) known = static_cast<int>(which.size());
    const std::string known_line = "cluster_known_nodes:" + std::to_string(known) + "\r\n";
    return WaitFor(
        [&] {
          for (size_t i : which) {
            std::string info = Command(i, {"CLUSTER", "INFO"});
            if (info.find("cluster_state:ok") == std::string::npos ||
                info.find(known_line) == std::string::npos) {
              return false;
            }
          }
          return true;
        },
        timeout_ms, 200);
  }

  // Replicas of every node in `which` have finished their initial sync (master_link_status:up).
  bool WaitReplicasSynced(int timeout_ms = 30000) {
    return WaitFor(
        [&] {
          for (size_t i = 0; i < nodes_.size(); ++i) {
            if (!nodes_[i]->process->running()) continue;
            if (Role(i) == "slave" &&
                InfoField(i, "replication", "master_link_status") != "up") {
              return false;
            }
          }
          return true;
        },
        timeout_ms, 200);
  }

  std::string Addr(size_t i) const { return "127.0.0.1:" + std::to_string(port(i)); }

  // `redis-cli --cluster check` through node `i` passes with no warning. redis-cli's reshard and
  // add-node refuse to run until every node agrees on the configuration (roles and configEpochs
  // still spreading by gossip right after `create`).
  bool WaitCheckOk(size_t i) {
    return WaitFor(
        [&] {
          ShellResult check = RunShell("redis-cli --cluster check " + Addr(i));
          return check.exit_code == 0 && check.output.find("[WARNING]") == std::string::npos;
        },
        20000, 200);
  }

  std::string Addresses(const std::vector<size_t>& which = {}) const {
    std::string out;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!which.empty() && std::find(which.begin(), which.end(), i) == which.end()) continue;
      out += " 127.0.0.1:" + std::to_string(port(i));
    }
    return out;
  }

  // `slotctl create` over every node with `replicas` replicas per master, then waits for ok.
  void CreateWithSlotctl(int replicas = 1) {
    ShellResult r = RunShell(SlotctlBinary() + " create" + Addresses() + " --replicas " +
                             std::to_string(replicas) + " --yes");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(WaitClusterOk()) << Command(0, {"CLUSTER", "NODES"});
  }

  // `redis-cli --cluster create` over every node, unchanged as an operator runs it.
  void CreateWithRedisCli(int replicas = 1) {
    ShellResult r = RunShell("redis-cli --cluster create" + Addresses() +
                             " --cluster-replicas " + std::to_string(replicas) +
                             " --cluster-yes");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_NE(r.output.find("[OK] All 16384 slots covered."), std::string::npos) << r.output;
    ASSERT_TRUE(WaitClusterOk()) << Command(0, {"CLUSTER", "NODES"});
  }

  // Index of the node whose CLUSTER MYID is `id`, or -1.
  int IndexOfId(const std::string& id) const {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i]->process->running() && MyId(i) == id) return static_cast<int>(i);
    }
    return -1;
  }

  int node_timeout_ms_ = 1500;
  std::string dir_;
  std::vector<std::unique_ptr<Node>> nodes_;

 private:
  std::set<int> used_;
  int starts_ = 0;
};

}  // namespace slotd::test
