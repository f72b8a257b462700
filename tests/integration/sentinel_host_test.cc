// slotd --sentinel end to end: three slotd sentinels watching a slotd master with two replicas
// discover the replicas and each other, answer the master's address, fail over when the master is
// killed (+switch-master to subscribers, every sentinel agrees, the other replica follows) and
// record the new state in their rewritten config files.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

using Clock = std::chrono::steady_clock;

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;

Context Connect(int port) {
  timeval tv{2, 0};
  Context c(redisConnectWithTimeout("127.0.0.1", port, tv));
  if (c && c->err == 0) redisSetTimeout(c.get(), tv);
  return c;
}

// argv on a fresh connection; the reply's strings flattened one level ("" entries for non-strings),
// with `*count` the element count (-1 on a nil or failed reply).
std::vector<std::string> Call(int port, const std::vector<std::string>& argv,
                              int* count = nullptr) {
  std::vector<std::string> out;
  if (count != nullptr) *count = -1;
  Context c = Connect(port);
  if (!c || c->err != 0) return out;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c.get(), static_cast<int>(argv.size()), args.data(), lens.data()));
  if (r == nullptr) return out;
  if (r->type == REDIS_REPLY_ARRAY) {
    if (count != nullptr) *count = static_cast<int>(r->elements);
    for (size_t i = 0; i < r->elements; ++i) {
      const redisReply* e = r->element[i];
      out.emplace_back(e->type == REDIS_REPLY_STRING ? std::string(e->str, e->len) : "");
    }
  } else if (r->str != nullptr) {
    if (count != nullptr) *count = 1;
    out.emplace_back(r->str, r->len);
  }
  freeReplyObject(r);
  return out;
}

bool WaitFor(const std::function<bool()>& done, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SentinelHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    master_port_ = FreePort();
    master_ = Start({"--port", std::to_string(master_port_)}, "master");
    ASSERT_TRUE(master_->WaitReady(master_port_));
    for (int i = 0; i < 2; ++i) {
      replica_ports_.push_back(FreePort());
      replicas_.push_back(Start({"--port", std::to_string(replica_ports_[i]), "--replicaof",
                                 "127.0.0.1", std::to_string(master_port_)},
                                "replica" + std::to_string(i)));
      ASSERT_TRUE(replicas_[i]->WaitReady(replica_ports_[i]));
    }
    for (int i = 0; i < 3; ++i) {
      sentinel_ports_.push_back(FreePort());
      std::string conf = dir_ + "/sentinel" + std::to_string(i) + ".conf";
      std::ofstream(conf) << "port " << sentinel_ports_[i] << "\n"
                          << "sentinel monitor mymaster 127.0.0.1 " << master_port_ << " 2\n"
                          << "sentinel down-after-milliseconds mymaster 1000\n"
                          << "sentinel failover-timeout mymaster 10000\n";
      sentinel_confs_.push_back(conf);
      sentinels_.push_back(std::make_unique<ServerProcess>(
          SlotdBinary(), std::vector<std::string>{conf, "--sentinel"},
          dir_ + "/sentinel" + std::to_string(i) + ".log"));
      ASSERT_TRUE(sentinels_[i]->WaitReady(sentinel_ports_[i]));
    }
  }

  std::unique_ptr<ServerProcess> Start(std::vector<std::string> args, const std::string& name) {
    args.insert(args.end(), {"--save", "", "--appendonly", "no", "--dir", dir_});
    return std::make_unique<ServerProcess>(SlotdBinary(), args, dir_ + "/" + name + ".log");
  }

  int Count(int sentinel_port, const std::string& subcommand) {
    int count = -1;
    Call(sentinel_port, {"SENTINEL", subcommand, "mymaster"}, &count);
    return count;
  }

  std::vector<std::string> MasterAddr(int sentinel_port) {
    return Call(sentinel_port, {"SENTINEL", "get-master-addr-by-name", "mymaster"});
  }

  std::string dir_;
  int master_port_ = 0;
  std::vector<int> replica_ports_;
  std::vector<int> sentinel_ports_;
  std::vector<std::string> sentinel_confs_;
  std::unique_ptr<ServerProcess> master_;
  std::vector<std::unique_ptr<ServerProcess>> replicas_;
  std::vector<std::unique_ptr<ServerProcess>> sentinels_;
};

TEST_F(SentinelHostTest, DiscoversGroupAndFailsOverWhenTheMasterDies) {
  // Discovery: replicas through the master's INFO, sentinels through hello messages.
  for (int port : sentinel_ports_) {
    EXPECT_TRUE(WaitFor([&] { return Count(port, "replicas") == 2; }, 20000))
        << "sentinel " << port << " replicas: " << Count(port, "replicas");
    EXPECT_TRUE(WaitFor([&] { return Count(port, "sentinels") == 2; }, 20000))
        << "sentinel " << port << " sentinels: " << Count(port, "sentinels");
    EXPECT_EQ(MasterAddr(port),
              (std::vector<std::string>{"127.0.0.1", std::to_string(master_port_)}));
  }
  ASSERT_FALSE(HasFailure());
  // Wait until every replica is in sync, so either can be promoted.
  for (int port : replica_ports_) {
    ASSERT_TRUE(WaitFor(
        [&] {
          auto info = Call(port, {"INFO", "replication"});
          return !info.empty() && info[0].find("master_link_status:up") != std::string::npos;
        },
        10000));
  }

  Context subscriber = Connect(sentinel_ports_[0]);
  ASSERT_TRUE(subscriber && subscriber->err == 0);
  auto* sub = static_cast<redisReply*>(redisCommand(subscriber.get(), "SUBSCRIBE +switch-master"));
  ASSERT_NE(sub, nullptr);
  freeReplyObject(sub);

  master_->Stop(9);
  std::string switch_payload;
  auto deadline = Clock::now() + std::chrono::seconds(40);
  while (switch_payload.empty() && Clock::now() < deadline) {
    void* raw = nullptr;
    if (redisGetReply(subscriber.get(), &raw) != REDIS_OK) {
      // A read timeout breaks the hiredis context: reconnect and subscribe again.
      subscriber = Connect(sentinel_ports_[0]);
      ASSERT_TRUE(subscriber && subscriber->err == 0);
      freeReplyObject(redisCommand(subscriber.get(), "SUBSCRIBE +switch-master"));
      continue;
    }
    auto* msg = static_cast<redisReply*>(raw);
    if (msg->type == REDIS_REPLY_ARRAY && msg->elements == 3 &&
        std::string(msg->element[0]->str) == "message") {
      switch_payload.assign(msg->element[2]->str, msg->element[2]->len);
    }
    freeReplyObject(msg);
  }
  ASSERT_FALSE(switch_payload.empty()) << "no +switch-master within 40 s";

  // "<name> <old-ip> <old-port> <new-ip> <new-port>", the new port being one of the replicas.
  std::istringstream fields(switch_payload);
  std::string name, old_ip, old_port, new_ip, new_port;
  fields >> name >> old_ip >> old_port >> new_ip >> new_port;
  EXPECT_EQ(name, "mymaster");
  EXPECT_EQ(old_port, std::to_string(master_port_));
  EXPECT_EQ(new_ip, "127.0.0.1");
  int promoted = std::stoi(new_port);
  ASSERT_TRUE(promoted == replica_ports_[0] || promoted == replica_ports_[1]) << switch_payload;
  int other = promoted == replica_ports_[0] ? replica_ports_[1] : replica_ports_[0];

  for (int port : sentinel_ports_) {
    EXPECT_TRUE(WaitFor(
        [&] {
          return MasterAddr(port) == std::vector<std::string>{"127.0.0.1", new_port};
        },
        15000))
        << "sentinel " << port << " still answers "
        << (MasterAddr(port).empty() ? "" : MasterAddr(port)[1]);
  }
  EXPECT_TRUE(WaitFor(
      [&] {
        auto info = Call(promoted, {"INFO", "replication"});
        return !info.empty() && info[0].find("role:master") != std::string::npos;
      },
      5000));
  EXPECT_TRUE(WaitFor(
      [&] {
        auto info = Call(other, {"INFO", "replication"});
        return !info.empty() && info[0].find("master_port:" + new_port) != std::string::npos &&
               info[0].find("master_link_status:up") != std::string::npos;
      },
      20000))
      << "the other replica does not follow the promoted one";

  // The state is on disk: the new master address, the epoch, the peers.
  for (const std::string& conf : sentinel_confs_) {
    EXPECT_TRUE(WaitFor(
        [&] {
          std::string text = ReadFile(conf);
          return text.find("sentinel monitor mymaster 127.0.0.1 " + new_port + " 2") !=
                     std::string::npos &&
                 text.find("sentinel current-epoch 1") != std::string::npos &&
                 text.find("sentinel known-sentinel mymaster") != std::string::npos &&
                 text.find("sentinel myid ") != std::string::npos;
        },
        10000))
        << conf << ":\n"
        << ReadFile(conf);
  }

  // Restarted from its rewritten file, a sentinel knows the new master and its peers at once.
  sentinels_[0]->Stop();
  sentinels_[0] = std::make_unique<ServerProcess>(
      SlotdBinary(), std::vector<std::string>{sentinel_confs_[0], "--sentinel"},
      dir_ + "/sentinel0-restarted.log");
  ASSERT_TRUE(sentinels_[0]->WaitReady(sentinel_ports_[0]));
  EXPECT_EQ(MasterAddr(sentinel_ports_[0]), (std::vector<std::string>{"127.0.0.1", new_port}));
  EXPECT_EQ(Count(sentinel_ports_[0], "sentinels"), 2);
  EXPECT_EQ(Count(sentinel_ports_[0], "replicas"), 2);
}

TEST(SentinelHostStartup, InvalidDirectiveIsAFatalConfigErrorAsInRedis) {
  std::string dir = MakeTempDir();
  std::string conf = dir + "/bad.conf";
  int port = FreePort();
  std::ofstream(conf) << "port " << port << "\nsentinel monitor m 127.0.0.1 6379 0\n";
  ServerProcess bad(SlotdBinary(), {conf, "--sentinel"}, dir + "/bad.log");
  int status = bad.WaitExit(10000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  // redis-sentinel 7.0 printed exactly this block for the same file.
  EXPECT_NE(bad.ReadLog().find("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                               "Reading the configuration file, at line 2\n"
                               ">>> 'sentinel monitor m 127.0.0.1 6379 0'\n"
                               "Quorum must be 1 or greater.\n"),
            std::string::npos)
      << bad.ReadLog();
}

}  // namespace
}  // namespace slotd::test
