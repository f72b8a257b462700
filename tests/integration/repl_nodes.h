// Real slotd nodes for replication tests: start a master and its replicas on loopback with their own
// dirs, query them, and wait for INFO conditions (shared by the replication and failover tests).
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {

struct Node {
  int port = 0;
  std::string dir;
  std::unique_ptr<ServerProcess> process;
};

// Parses "key:value" lines of an INFO reply.
inline std::map<std::string, std::string> ParseInfo(const std::string& reply) {
  std::map<std::string, std::string> fields;
  size_t pos = reply.find("\r\n");
  while (pos != std::string::npos && pos + 2 < reply.size()) {
    size_t end = reply.find("\r\n", pos + 2);
    if (end == std::string::npos) break;
    std::string line = reply.substr(pos + 2, end - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 1);
    pos = end;
  }
  return fields;
}

class ReplNodes : public ::testing::Test {
 protected:
  Node& Start(std::vector<std::string> extra = {}, Node* reuse = nullptr) {
    if (reuse == nullptr) {
      nodes_.push_back(std::make_unique<Node>());
      reuse = nodes_.back().get();
      reuse->port = FreePort();
      reuse->dir = MakeTempDir();
    }
    std::vector<std::string> args = {"--port",
                                     std::to_string(reuse->port),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     reuse->dir,
                                     "--save",
                                     "",
                                     "--repl-diskless-sync-delay",
                                     "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    reuse->process = std::make_unique<ServerProcess>(SlotdBinary(), args, reuse->dir + "/log");
    EXPECT_TRUE(reuse->process->WaitReady(reuse->port)) << reuse->process->ReadLog();
    return *reuse;
  }
  Node& StartReplicaOf(const Node& master) {
    return Start({"--replicaof", "127.0.0.1", std::to_string(master.port)});
  }
  static std::string Call(const Node& node, const std::vector<std::string>& args) {
    RawClient client(node.port);
    return client.Call(args);
  }
  static std::map<std::string, std::string> Info(const Node& node, const std::string& section) {
    return ParseInfo(Call(node, {"INFO", section}));
  }
  // Waits until the replica applied everything the master produced.
  static bool WaitInSync(const Node& master, const Node& replica, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = Info(master, "replication");
      auto r = Info(replica, "replication");
      if (r["master_link_status"] == "up" && r["slave_repl_offset"] == m["master_repl_offset"])
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  static bool WaitFor(const std::function<bool()>& ready, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace slotd::test
