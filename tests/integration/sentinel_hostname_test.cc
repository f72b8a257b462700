// Sentinels with resolve-hostnames yes watching a group addressed as `localhost`. With
// announce-hostnames yes (and replica-announce-ip, sentinel announce-ip) discovery, failover and the
// addresses answered keep the hostname; with announce-hostnames no every answer carries the
// resolved IP instead. The same setups run on redis-sentinel 7.0 when it is installed.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness/server_process.h"
#include "tests/integration/sentinel_group.h"

namespace slotd::test {
namespace {

constexpr const char* kName = "mymaster";

struct Node {
  int port = 0;
  std::string dir;
  std::unique_ptr<ServerProcess> process;
};

class SentinelHostnameTest : public ::testing::TestWithParam<Impl> {
 protected:
  void SetUp() override {
    if (GetParam() == Impl::kRedis && (!RedisSentinelInstalled() || RedisServerBinary().empty())) {
      GTEST_SKIP() << "redis-sentinel 7.0 is not installed";
    }
  }

  bool StartData(int master_port, Node& n) {
    n.port = FreePort();
    n.dir = MakeTempDir();
    std::vector<std::string> args = {"--port",   std::to_string(n.port), "--bind",
                                     "127.0.0.1", "--dir",               n.dir,
                                     "--save",   "",                     "--appendonly",
                                     "no",       "--repl-diskless-sync-delay", "0"};
    if (announce_hostnames_) args.insert(args.end(), {"--replica-announce-ip", "localhost"});
    if (master_port != 0) {
      args.insert(args.end(), {"--replicaof", "localhost", std::to_string(master_port)});
    }
    std::string binary = GetParam() == Impl::kSlotd ? SlotdBinary() : RedisServerBinary();
    n.process = std::make_unique<ServerProcess>(binary, args, n.dir + "/log");
    return n.process->WaitReady(n.port);
  }

  bool StartSentinel(const std::string& monitor_host, int master_port, Node& n) {
    n.port = FreePort();
    n.dir = MakeTempDir();
    std::string conf = n.dir + "/sentinel.conf";
    std::ofstream(conf) << "port " << n.port << "\nbind 127.0.0.1\ndir " << n.dir << "\n"
                        << "sentinel resolve-hostnames yes\n"
                        << (announce_hostnames_
                                ? "sentinel announce-hostnames yes\nsentinel announce-ip localhost\n"
                                : "")
                        << "sentinel monitor " << kName << " " << monitor_host << " "
                        << master_port << " 2\n"
                        << "sentinel down-after-milliseconds " << kName << " 1500\n"
                        << "sentinel failover-timeout " << kName << " 6000\n";
    std::vector<std::string> args = {conf};
    std::string binary = kRedisSentinelPath;
    if (GetParam() == Impl::kSlotd) {
      binary = SlotdBinary();
      args.push_back("--sentinel");
    }
    n.process = std::make_unique<ServerProcess>(binary, args, n.dir + "/log");
    return n.process->WaitReady(n.port);
  }

  // Every sentinel knows both replicas (by `host`, link ok) and the two other sentinels.
  bool WaitDiscovery(const std::string& host = "localhost") {
    return WaitFor(
        [&] {
          for (Node& s : sentinels_) {
            auto m = FieldMap(Command(s.port, {"SENTINEL", "MASTER", kName}));
            if (m["num-slaves"] != "2" || m["num-other-sentinels"] != "2") return false;
            for (const Reply& r : Command(s.port, {"SENTINEL", "REPLICAS", kName}).elements) {
              auto f = FieldMap(r);
              if (f["ip"] != host || f["flags"] != "slave" ||
                  f["master-link-status"] != "ok") {
                return false;
              }
            }
            for (const Reply& r : Command(s.port, {"SENTINEL", "SENTINELS", kName}).elements) {
              if (FieldMap(r)["ip"] != host) return false;
            }
          }
          return true;
        },
        30000);
  }

  // GET-MASTER-ADDR-BY-NAME from every sentinel, when they all answer the same; {} otherwise.
  std::vector<std::string> AgreedMasterAddr() {
    std::vector<std::string> agreed;
    for (Node& s : sentinels_) {
      Reply r = Command(s.port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kName});
      if (r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2) return {};
      std::vector<std::string> addr = {r.elements[0].str, r.elements[1].str};
      if (!agreed.empty() && addr != agreed) return {};
      agreed = addr;
    }
    return agreed;
  }

  // Kills the master; every sentinel then answers a replica as `host`, the other replica follows
  // it by that name, and the rewritten config monitors it by that name.
  void FailOverAndExpectAnswers(const std::string& host) {
    master_.process->Stop(9);
    std::vector<std::string> addr;
    ASSERT_TRUE(WaitFor(
        [&] {
          addr = AgreedMasterAddr();
          return !addr.empty() && addr[1] != std::to_string(master_.port);
        },
        30000))
        << Logs();
    EXPECT_EQ(addr[0], host);
    const int promoted = std::stoi(addr[1]);
    ASSERT_TRUE(promoted == replicas_[0].port || promoted == replicas_[1].port);
    EXPECT_EQ(Info(promoted, "replication")["role"], "master");
    const int other = promoted == replicas_[0].port ? replicas_[1].port : replicas_[0].port;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto r = Info(other, "replication");
          return r["master_host"] == host && r["master_port"] == addr[1] &&
                 r["master_link_status"] == "up";
        },
        20000))
        << Logs();
    std::string conf = ReadFile(sentinels_[0].dir + "/sentinel.conf");
    EXPECT_NE(conf.find("sentinel monitor mymaster " + host + " " + addr[1]), std::string::npos)
        << conf;
  }

  std::string Logs() {
    std::string out;
    for (Node& s : sentinels_) {
      std::string log = s.process->ReadLog();
      if (log.size() > 3000) log = "..." + log.substr(log.size() - 3000);
      out += "--- sentinel " + std::to_string(s.port) + "\n" + log;
    }
    return out;
  }

  bool announce_hostnames_ = true;
  Node master_;
  Node replicas_[2];
  std::vector<Node> sentinels_ = std::vector<Node>(3);
};

TEST_P(SentinelHostnameTest, DiscoversByHostnameAndAnswersTheHostnameAfterFailover) {
  ASSERT_TRUE(StartData(0, master_));
  for (Node& r : replicas_) ASSERT_TRUE(StartData(master_.port, r));
  for (Node& s : sentinels_) ASSERT_TRUE(StartSentinel("localhost", master_.port, s));

  ASSERT_TRUE(WaitDiscovery()) << Logs();
  EXPECT_EQ(AgreedMasterAddr(),
            (std::vector<std::string>{"localhost", std::to_string(master_.port)}));

  FailOverAndExpectAnswers("localhost");
}

TEST_P(SentinelHostnameTest, WithoutAnnounceHostnamesEveryAnswerIsTheResolvedIp) {
  announce_hostnames_ = false;
  const std::string ip = "127.0.0.1";  // what localhost resolves to here (getent ahosts localhost)
  ASSERT_TRUE(StartData(0, master_));
  for (Node& r : replicas_) ASSERT_TRUE(StartData(master_.port, r));
  for (Node& s : sentinels_) ASSERT_TRUE(StartSentinel("localhost", master_.port, s));

  ASSERT_TRUE(WaitDiscovery(ip)) << Logs();
  EXPECT_EQ(AgreedMasterAddr(), (std::vector<std::string>{ip, std::to_string(master_.port)}));
  auto master = FieldMap(Command(sentinels_[0].port, {"SENTINEL", "MASTER", kName}));
  EXPECT_EQ(master["ip"], ip);
  EXPECT_EQ(Info(sentinels_[0].port, "sentinel")["master0"],
            "name=mymaster,status=ok,address=" + ip + ":" + std::to_string(master_.port) +
                ",slaves=2,sentinels=3");
  // The replicas follow `localhost`, which is the master's IP: nothing to fix.
  EXPECT_EQ(Logs().find("+fix-slave-config"), std::string::npos) << Logs();
  // A name that does not resolve is refused by MONITOR, a known one is taken.
  Reply bad = Command(sentinels_[0].port,
                      {"SENTINEL", "MONITOR", "other", "no-such-host.invalid", "6379", "2"});
  EXPECT_EQ(bad.str, "ERR Invalid IP address or hostname specified");
  Reply good = Command(sentinels_[0].port, {"SENTINEL", "MONITOR", "other", "localhost", "1", "2"});
  EXPECT_EQ(good.str, "OK");
  EXPECT_EQ(FieldMap(Command(sentinels_[0].port, {"SENTINEL", "MASTER", "other"}))["ip"], ip);
  Command(sentinels_[0].port, {"SENTINEL", "REMOVE", "other"});

  FailOverAndExpectAnswers(ip);
}

INSTANTIATE_TEST_SUITE_P(Impls, SentinelHostnameTest, ::testing::Values(Impl::kSlotd, Impl::kRedis),
                         [](const auto& info) {
                           return std::string(info.param == Impl::kSlotd ? "slotd" : "redis");
                         });

// A hostname that never resolves: the sentinel logs the failure, keeps answering, retries, and
// marks the master down (redis-sentinel 7.0 also starts, but logs the failure on every retry).
TEST(SentinelHostnameFailure, UnresolvableHostnameIsLoggedAndTheLoopKeepsServing) {
  Node s;
  s.port = FreePort();
  s.dir = MakeTempDir();
  std::string conf = s.dir + "/sentinel.conf";
  std::ofstream(conf) << "port " << s.port << "\nbind 127.0.0.1\ndir " << s.dir << "\n"
                      << "sentinel resolve-hostnames yes\n"
                      << "sentinel monitor " << kName << " no-such-host.invalid 6379 1\n"
                      << "sentinel down-after-milliseconds " << kName << " 1000\n";
  s.process = std::make_unique<ServerProcess>(SlotdBinary(),
                                              std::vector<std::string>{conf, "--sentinel"},
                                              s.dir + "/log");
  ASSERT_TRUE(s.process->WaitReady(s.port));
  EXPECT_TRUE(WaitFor(
      [&] {
        return s.process->ReadLog().find("Failed to resolve hostname 'no-such-host.invalid'") !=
               std::string::npos;
      },
      10000))
      << s.process->ReadLog();
  EXPECT_TRUE(WaitFor(
      [&] {
        auto m = FieldMap(Command(s.port, {"SENTINEL", "MASTER", kName}));
        return m["flags"].find("s_down") != std::string::npos;
      },
      10000));
  // Retries (one a second) neither block the loop nor repeat the warning.
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(Command(s.port, {"PING"}).str, "PONG");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  }
  std::string log = s.process->ReadLog();
  size_t first = log.find("Failed to resolve hostname");
  EXPECT_EQ(log.find("Failed to resolve hostname", first + 1), std::string::npos) << log;
  const int status = s.process->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace slotd::test
