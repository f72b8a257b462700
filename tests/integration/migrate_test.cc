// MIGRATE between real processes: slotd -> slotd, slotd -> redis-server 7.0, redis-server 7.0 ->
// slotd, and the failure replies (target errors passed through, refused and unresolvable targets, a
// silent target).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

std::string Ok() { return "+OK\r\n"; }
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// One server process on a free port with a client connected to it.
struct Node {
  Node(const std::string& binary, std::vector<std::string> extra)
      : port(FreePort()), dir(MakeTempDir()) {
    std::vector<std::string> args = {
        "--port", std::to_string(port), "--bind", "127.0.0.1", "--dir", dir, "--save",
        "",       "--appendonly",       "no"};
    args.insert(args.end(), extra.begin(), extra.end());
    process = std::make_unique<ServerProcess>(binary, args);
    ready = process->WaitReady(port);
    if (ready) client = std::make_unique<RawClient>(port);
  }
  std::string Call(const std::vector<std::string>& args) { return client->Call(args); }

  int port;
  std::string dir;
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<RawClient> client;
  bool ready = false;
};

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = std::make_unique<Node>(SlotdBinary(), std::vector<std::string>{});
    target_ = std::make_unique<Node>(SlotdBinary(), std::vector<std::string>{});
    ASSERT_TRUE(source_->ready) << source_->process->ReadLog();
    ASSERT_TRUE(target_->ready) << target_->process->ReadLog();
  }
  std::unique_ptr<Node> StartRedis() {
    if (RedisServerBinary().empty()) return nullptr;
    auto node = std::make_unique<Node>(RedisServerBinary(), std::vector<std::string>{});
    return node->ready ? std::move(node) : nullptr;
  }
  // Fills `n` with one key of every type (the string with a TTL).
  static void FillAllTypes(Node& n) {
    ASSERT_EQ(n.Call({"SET", "str", "hello", "PX", "100000"}), Ok());
    ASSERT_EQ(n.Call({"RPUSH", "list", "a", "b", "3"}), Int(3));
    ASSERT_EQ(n.Call({"HSET", "hash", "f", "v"}), Int(1));
    ASSERT_EQ(n.Call({"ZADD", "zset", "1.5", "m"}), Int(1));
    ASSERT_EQ(n.Call({"SADD", "set", "1", "2", "3"}), Int(3));
  }
  static void ExpectAllTypes(Node& n) {
    EXPECT_EQ(n.Call({"GET", "str"}), Bulk("hello"));
    const std::string pttl = n.Call({"PTTL", "str"});
    EXPECT_EQ(pttl[0], ':');
    EXPECT_GT(std::stoll(pttl.substr(1)), 90000);
    EXPECT_EQ(n.Call({"LRANGE", "list", "0", "-1"}), "*3\r\n" + Bulk("a") + Bulk("b") + Bulk("3"));
    EXPECT_EQ(n.Call({"HGET", "hash", "f"}), Bulk("v"));
    EXPECT_EQ(n.Call({"ZSCORE", "zset", "m"}), Bulk("1.5"));
    EXPECT_EQ(n.Call({"SCARD", "set"}), Int(3));
  }
  std::vector<std::string> MigrateAll(int port, const std::string& db) {
    return {"MIGRATE", "127.0.0.1", std::to_string(port),
            "",        db,          "5000",
            "KEYS",    "str",       "list",
            "hash",    "zset",      "set",
            "missing"};
  }

  std::unique_ptr<Node> source_, target_;
};

TEST_F(Migrate, MovesEveryTypeBetweenSlotdProcesses) {
  FillAllTypes(*source_);
  EXPECT_EQ(source_->Call(MigrateAll(target_->port, "2")), Ok());
  EXPECT_EQ(source_->Call({"DBSIZE"}), Int(0));
  ASSERT_EQ(target_->Call({"SELECT", "2"}), Ok());
  ExpectAllTypes(*target_);
}

TEST_F(Migrate, NothingToMoveIsNokey) {
  EXPECT_EQ(
      source_->Call({"MIGRATE", "127.0.0.1", std::to_string(target_->port), "k", "0", "1000"}),
      "+NOKEY\r\n");
}

TEST_F(Migrate, BusyKeyIsPassedThroughAndReplaceOverwrites) {
  ASSERT_EQ(source_->Call({"SET", "k", "new"}), Ok());
  ASSERT_EQ(target_->Call({"SET", "k", "old"}), Ok());
  const std::string port = std::to_string(target_->port);
  EXPECT_EQ(source_->Call({"MIGRATE", "127.0.0.1", port, "k", "0", "1000"}),
            "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n");
  EXPECT_EQ(source_->Call({"GET", "k"}), Bulk("new"));
  EXPECT_EQ(source_->Call({"MIGRATE", "127.0.0.1", port, "k", "0", "1000", "COPY", "REPLACE"}),
            Ok());
  EXPECT_EQ(source_->Call({"GET", "k"}), Bulk("new"));
  EXPECT_EQ(target_->Call({"GET", "k"}), Bulk("new"));
}

TEST_F(Migrate, AuthErrorsOfTheTargetArePassedThrough) {
  ASSERT_EQ(source_->Call({"SET", "k", "v"}), Ok());
  const std::string port = std::to_string(target_->port);
  EXPECT_EQ(source_->Call({"MIGRATE", "127.0.0.1", port, "k", "0", "1000", "AUTH2", "u", "p"}),
            "-ERR Target instance replied with error: WRONGPASS invalid username-password pair or "
            "user is "
            "disabled.\r\n");
  EXPECT_EQ(source_->Call({"EXISTS", "k"}), Int(1));
}

TEST_F(Migrate, UnreachableTargetsAreIoErrors) {
  ASSERT_EQ(source_->Call({"SET", "k", "v"}), Ok());
  const std::string closed_port = std::to_string(FreePort());
  EXPECT_EQ(source_->Call({"MIGRATE", "127.0.0.1", closed_port, "k", "0", "200"}),
            "-IOERR error or timeout writing to target instance\r\n");
  EXPECT_EQ(source_->Call({"MIGRATE", "nonexistent.invalid", "1", "k", "0", "200"}),
            "-IOERR error or timeout connecting to the client\r\n");
  EXPECT_EQ(source_->Call({"EXISTS", "k"}), Int(1));
}

TEST_F(Migrate, SilentTargetTimesOutReading) {
  // A listener that accepts (in the kernel backlog) but never answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ASSERT_EQ(source_->Call({"SET", "k", "v"}), Ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(source_->Call(
                {"MIGRATE", "127.0.0.1", std::to_string(ntohs(addr.sin_port)), "k", "0", "300"}),
            "-IOERR error or timeout reading to target instance\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(source_->Call({"EXISTS", "k"}), Int(1));
  close(fd);
}

TEST_F(Migrate, IsPropagatedAsDelOfTheAcknowledgedKeys) {
  Node aof_source(SlotdBinary(), {"--appendonly", "yes"});
  ASSERT_TRUE(aof_source.ready) << aof_source.process->ReadLog();
  ASSERT_EQ(aof_source.Call({"SET", "k1", "v"}), Ok());
  ASSERT_EQ(aof_source.Call({"SET", "k2", "v"}), Ok());
  ASSERT_EQ(aof_source.Call({"SET", "k3", "v"}), Ok());
  ASSERT_EQ(target_->Call({"SET", "k2", "taken"}), Ok());
  const std::string port = std::to_string(target_->port);
  // k2 is refused (BUSYKEY): only k1 and k3 are deleted, and only they are propagated.
  EXPECT_EQ(
      aof_source.Call({"MIGRATE", "127.0.0.1", port, "", "0", "1000", "KEYS", "k1", "k2", "k3"}),
      "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n");
  EXPECT_EQ(aof_source.Call({"MIGRATE", "127.0.0.1", port, "k2", "0", "1000", "COPY", "REPLACE"}),
            Ok());
  ASSERT_EQ(aof_source.Call({"SET", "end", "v"}), Ok());
  const std::string aof_path = aof_source.dir + "/appendonlydir/appendonly.aof.1.incr.aof";
  std::string aof;
  for (int i = 0; i < 50 && aof.find("$3\r\nend\r\n") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(aof_path, std::ios::binary);
    aof.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string del =
      "*3\r\n$3\r\nDEL\r\n$2\r\nk1\r\n$2\r\nk3\r\n*3\r\n$3\r\nSET\r\n$3\r\nend\r\n";
  EXPECT_NE(aof.find(del), std::string::npos) << aof;
  EXPECT_EQ(aof.find("MIGRATE"), std::string::npos);
  EXPECT_EQ(aof.find("migrate"), std::string::npos);
}

TEST_F(Migrate, SlotdToRedisServer) {
  std::unique_ptr<Node> redis = StartRedis();
  if (redis == nullptr) GTEST_SKIP() << "redis-server 7.0 is not available";
  FillAllTypes(*source_);
  EXPECT_EQ(source_->Call(MigrateAll(redis->port, "3")), Ok());
  EXPECT_EQ(source_->Call({"DBSIZE"}), Int(0));
  ASSERT_EQ(redis->Call({"SELECT", "3"}), Ok());
  ExpectAllTypes(*redis);
}

TEST_F(Migrate, RedisServerToSlotd) {
  std::unique_ptr<Node> redis = StartRedis();
  if (redis == nullptr) GTEST_SKIP() << "redis-server 7.0 is not available";
  FillAllTypes(*redis);
  EXPECT_EQ(redis->Call(MigrateAll(target_->port, "0")), Ok());
  EXPECT_EQ(redis->Call({"DBSIZE"}), Int(0));
  ExpectAllTypes(*target_);
}

TEST_F(Migrate, ClusterModeSendsRestoreAsking) {
  std::unique_ptr<Node> redis = StartRedis();
  if (redis == nullptr) GTEST_SKIP() << "redis-server 7.0 is not available";
  Node cluster_source(SlotdBinary(), {"--cluster-enabled", "yes"});
  ASSERT_TRUE(cluster_source.ready) << cluster_source.process->ReadLog();
  // A lone cluster node serves keys once it owns every slot (the reply is irrelevant before the
  // cluster host exists); wait until writes are accepted.
  cluster_source.Call({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"});
  std::string set_reply;
  for (int i = 0; i < 100 && (set_reply = cluster_source.Call({"SET", "k", "v"})) != Ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(set_reply, Ok());
  EXPECT_EQ(
      cluster_source.Call({"MIGRATE", "127.0.0.1", std::to_string(redis->port), "k", "0", "1000"}),
      Ok());
  EXPECT_EQ(redis->Call({"GET", "k"}), Bulk("v"));
  const std::string stats = redis->Call({"INFO", "commandstats"});
  EXPECT_NE(stats.find("cmdstat_restore-asking:calls=1,"), std::string::npos) << stats;
}

}  // namespace
}  // namespace slotd::test
