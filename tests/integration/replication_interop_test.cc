// Replication across implementations: slotd replicating from a real redis-server 7.0 master and a
// real redis-server 7.0 replicating from slotd, each with a full sync (diskless and disk-based),
// the stream, and a partial resync after the link is cut.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

struct Node {
  int port = 0;
  std::string dir;
  std::unique_ptr<ServerProcess> process;
};

std::map<std::string, std::string> Info(int port, const std::string& section) {
  RawClient client(port);
  std::string reply = client.Call({"INFO", section});
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start < reply.size()) {
    size_t end = reply.find("\r\n", start);
    if (end == std::string::npos) break;
    std::string line = reply.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 1);
    start = end + 2;
  }
  return fields;
}

std::string Call(int port, const std::vector<std::string>& args) {
  RawClient client(port);
  return client.Call(args);
}

bool WaitFor(const std::function<bool()>& ready, int timeout_ms = 15000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool InSync(int master, int replica) {
  return WaitFor([&] {
    auto r = Info(replica, "replication");
    return r["master_link_status"] == "up" &&
           r["slave_repl_offset"] == Info(master, "replication")["master_repl_offset"];
  });
}

class ReplicationInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server is not installed";
  }
  Node& StartSlotd(std::vector<std::string> extra) {
    Node& node = NewNode();
    std::vector<std::string> args = {
        "--port", std::to_string(node.port),    "--bind", "127.0.0.1", "--dir", node.dir, "--save",
        "",       "--repl-diskless-sync-delay", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    node.process = std::make_unique<ServerProcess>(SlotdBinary(), args, node.dir + "/log");
    EXPECT_TRUE(node.process->WaitReady(node.port)) << node.process->ReadLog();
    return node;
  }
  Node& StartRedis(std::vector<std::string> extra) {
    Node& node = NewNode();
    std::vector<std::string> args = {"--port",
                                     std::to_string(node.port),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     node.dir,
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--repl-diskless-sync-delay",
                                     "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    node.process = std::make_unique<ServerProcess>(RedisServerBinary(), args, node.dir + "/log");
    EXPECT_TRUE(node.process->WaitReady(node.port)) << node.process->ReadLog();
    return node;
  }
  Node& NewNode() {
    nodes_.push_back(std::make_unique<Node>());
    nodes_.back()->port = FreePort();
    nodes_.back()->dir = MakeTempDir();
    return *nodes_.back();
  }
  // Data written before and after the sync, in two dbs, with an expiry.
  static void WriteSample(int port, const std::string& tag) {
    RawClient c(port);
    c.Call({"SET", "s" + tag, "v" + tag});
    c.Call({"RPUSH", "l" + tag, "a", "b"});
    c.Call({"HSET", "h" + tag, "f", "1"});
    c.Call({"ZADD", "z" + tag, "2", "m"});
    c.Call({"SET", "t" + tag, "x", "EX", "1000"});
    c.Call({"SELECT", "1"});
    c.Call({"SET", "db1" + tag, "y"});
  }
  static void CheckSample(int port, const std::string& tag) {
    RawClient c(port);
    EXPECT_EQ(c.Call({"GET", "s" + tag}),
              "$" + std::to_string(1 + tag.size()) + "\r\nv" + tag + "\r\n");
    EXPECT_EQ(c.Call({"LRANGE", "l" + tag, "0", "-1"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    EXPECT_EQ(c.Call({"HGET", "h" + tag, "f"}), "$1\r\n1\r\n");
    EXPECT_EQ(c.Call({"ZSCORE", "z" + tag, "m"}), "$1\r\n2\r\n");
    EXPECT_NE(c.Call({"TTL", "t" + tag}), ":-1\r\n");
    c.Call({"SELECT", "1"});
    EXPECT_EQ(c.Call({"GET", "db1" + tag}), "$1\r\ny\r\n");
  }

  // Full sync of sample 1, streaming of sample 2, then the link cut by CLIENT KILL TYPE `kill_type`
  // on the node at `kill_port`, and sample 3 arriving over a partial resync.
  void SyncStreamCutAndResume(const Node& master, const Node& replica, int kill_port,
                              const std::string& kill_type) {
    ASSERT_TRUE(InSync(master.port, replica.port)) << replica.process->ReadLog();
    WriteSample(master.port, "2");
    ASSERT_TRUE(InSync(master.port, replica.port));
    CheckSample(replica.port, "1");
    CheckSample(replica.port, "2");
    EXPECT_EQ(Call(kill_port, {"CLIENT", "KILL", "TYPE", kill_type}), ":1\r\n");
    WriteSample(master.port, "3");
    ASSERT_TRUE(InSync(master.port, replica.port)) << replica.process->ReadLog();
    CheckSample(replica.port, "3");
    EXPECT_EQ(Info(master.port, "stats")["sync_partial_ok"], "1");
  }

  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(ReplicationInterop, SlotdReplicatesFromRedisMasterDiskless) {
  Node& master = StartRedis({});
  WriteSample(master.port, "1");
  Node& replica = StartSlotd({"--replicaof", "127.0.0.1", std::to_string(master.port)});
  SyncStreamCutAndResume(master, replica, master.port, "replica");
  EXPECT_NE(replica.process->ReadLog().find("receiving streamed RDB from master with EOF"),
            std::string::npos);
}

TEST_F(ReplicationInterop, SlotdReplicatesFromRedisMasterDiskBased) {
  Node& master = StartRedis({"--repl-diskless-sync", "no"});
  WriteSample(master.port, "1");
  Node& replica = StartSlotd({"--replicaof", "127.0.0.1", std::to_string(master.port)});
  ASSERT_TRUE(InSync(master.port, replica.port)) << replica.process->ReadLog();
  EXPECT_NE(Call(replica.port, {"CLIENT", "LIST", "TYPE", "master"}).find("flags=M"),
            std::string::npos);
  // Our replica drops the link itself (its master client is killed) and continues partially.
  SyncStreamCutAndResume(master, replica, replica.port, "master");
}

TEST_F(ReplicationInterop, RedisReplicatesFromSlotdMaster) {
  for (const char* diskless : {"yes", "no"}) {
    SCOPED_TRACE(diskless);
    Node& master = StartSlotd({"--repl-diskless-sync", diskless});
    WriteSample(master.port, "1");
    Node& replica = StartRedis({"--replicaof", "127.0.0.1", std::to_string(master.port)});
    // The redis replica drops its master link; it comes back with PSYNC and continues.
    SyncStreamCutAndResume(master, replica, replica.port, "master");
    EXPECT_NE(replica.process->ReadLog().find("Successful partial resynchronization with master."),
              std::string::npos);
  }
}

}  // namespace
}  // namespace slotd::test
