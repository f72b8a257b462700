// Sentinel integration suite: 1 master + 2 replicas watched by 3 real sentinels (slotd --sentinel,
// or Debian's redis-sentinel 7.0 as the reference), through automatic and manual failover, an old
// master returning, a replica going down, a sentinel restarting from its rewritten config and bad
// SENTINEL input; then mixed groups (slotd sentinels over redis-server, 2 slotd + 1
// redis-sentinel). Set SLOTD_SENTINEL_TEST_DATA=redis to run the data nodes as redis-server
// (validates the suite itself).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/sentinel_group.h"

namespace slotd::test {
namespace {

Impl DataImpl() {
  const char* env = std::getenv("SLOTD_SENTINEL_TEST_DATA");
  return env != nullptr && std::string(env) == "redis" ? Impl::kRedis : Impl::kSlotd;
}

// Writes SET w:<n> through whatever master the sentinels name, reconnecting on any failure, and
// remembers which writes were acknowledged and by which port.
class Writer {
 public:
  explicit Writer(std::vector<int> sentinel_ports) : sentinels_(std::move(sentinel_ports)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Number of acknowledged writes served by `port`.
  int AckedBy(int port) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (auto& a : acked_) n += a.second == port ? 1 : 0;
    return n;
  }
  // Acknowledged writes that `port` does not hold.
  int LostOn(int port) {
    std::lock_guard<std::mutex> lock(mu_);
    int lost = 0;
    for (size_t i = 0; i < acked_.size(); i += 200) {
      std::vector<std::string> args = {"EXISTS"};
      for (size_t j = i; j < acked_.size() && j < i + 200; ++j)
        args.push_back(Key(acked_[j].first));
      Reply r = Command(port, args);
      lost += static_cast<int>(args.size() - 1) - static_cast<int>(r.integer);
    }
    return lost;
  }
  int acked() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(acked_.size());
  }

 private:
  static std::string Key(int n) { return "w:" + std::to_string(n); }
  void Run() {
    int next = 0;
    size_t turn = 0;
    while (!stop_) {
      int port = SentinelGroup::MasterPortFrom(sentinels_[turn++ % sentinels_.size()]);
      int n = next++;
      Reply r = port != 0 ? Command(port, {"SET", Key(n), "x"}, 500) : Reply{};
      if (r.type == REDIS_REPLY_STATUS && r.str == "OK") {
        std::lock_guard<std::mutex> lock(mu_);
        acked_.emplace_back(n, port);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::vector<int> sentinels_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::pair<int, int>> acked_;  // (write number, port that acknowledged it)
  std::thread thread_;
};

class SentinelSuite : public ::testing::TestWithParam<Impl> {
 protected:
  void SetUp() override {
    if (GetParam() == Impl::kRedis && !RedisSentinelInstalled()) {
      GTEST_SKIP() << "redis-sentinel is not installed";
    }
    if (DataImpl() == Impl::kRedis && RedisServerBinary().empty()) {
      GTEST_SKIP() << "redis-server is not installed";
    }
    ASSERT_TRUE(group_.StartData(DataImpl())) << "data nodes did not start";
    ASSERT_TRUE(group_.StartSentinels({GetParam(), GetParam(), GetParam()})) << group_.Logs();
    ASSERT_TRUE(group_.WaitDiscovery()) << "sentinels did not discover replicas and peers\n"
                                        << group_.Logs();
  }
  std::vector<int> SentinelPorts() {
    std::vector<int> ports;
    for (auto& s : group_.sentinels()) ports.push_back(s->port);
    return ports;
  }
  int sentinel0() { return group_.sentinels()[0]->port; }

  SentinelGroup group_;
};

TEST_P(SentinelSuite, KilledMasterFailsOverAndWriterResumesOnNewMaster) {
  int old_port = group_.master().port;
  std::vector<std::unique_ptr<EventWatch>> events;
  for (int port : SentinelPorts()) {
    events.push_back(
        std::make_unique<EventWatch>(port, std::vector<std::string>{"+switch-master", "+odown"}));
  }
  Writer writer(SentinelPorts());
  ASSERT_TRUE(WaitFor([&] { return writer.AckedBy(old_port) >= 50; }, 5000));
  group_.Kill(group_.master());
  int new_port = group_.WaitNewMaster(old_port, 30000);
  ASSERT_NE(new_port, 0) << group_.Logs();
  // Every sentinel announces the switch; at least the leader went through +odown itself (the others
  // may learn the new configuration from its hello messages first).
  std::string switched =
      "mymaster 127.0.0.1 " + std::to_string(old_port) + " 127.0.0.1 " + std::to_string(new_port);
  int odown = 0;
  for (auto& e : events) {
    EXPECT_TRUE(e->WaitContains(switched, 5000)) << e->seen();
    odown += e->seen().find("+odown") != std::string::npos ? 1 : 0;
  }
  EXPECT_GE(odown, 1);
  EXPECT_TRUE(WaitFor([&] { return writer.AckedBy(new_port) >= 50; }, 10000))
      << "the writer did not resume against the new master";
  writer.Stop();
  int lost = writer.LostOn(new_port);
  std::cout << "[ writes ] acknowledged " << writer.acked() << ", lost in the failover: " << lost
            << "\n";
  RecordProperty("acked_writes", writer.acked());
  RecordProperty("lost_writes", lost);
  EXPECT_LT(lost, writer.AckedBy(old_port))
      << "the new master holds none of the old master's writes";
  EXPECT_EQ(Info(new_port, "replication")["role"], "master");
  for (auto& d : group_.data()) {
    if (d->port != old_port && d->port != new_port) {
      EXPECT_TRUE(SentinelGroup::WaitReplicaOf(d->port, new_port, 15000)) << group_.Logs();
    }
  }
}

TEST_P(SentinelSuite, ManualFailoverPromotesAReplica) {
  int old_port = group_.master().port;
  Reply ok = Command(sentinel0(), {"SENTINEL", "FAILOVER", "mymaster"});
  EXPECT_EQ(ok.type, REDIS_REPLY_STATUS);
  EXPECT_EQ(ok.str, "OK");
  int new_port = group_.WaitNewMaster(old_port, 30000);
  ASSERT_NE(new_port, 0) << group_.Logs();
  EXPECT_EQ(Info(new_port, "replication")["role"], "master");
  // GET-MASTER-ADDR-BY-NAME names the promoted replica from reconf-slaves on; MASTER follows at
  // +switch-master.
  std::map<std::string, std::string> m;
  EXPECT_TRUE(WaitFor(
      [&] {
        m = FieldMap(Command(sentinel0(), {"SENTINEL", "MASTER", "mymaster"}));
        return m["port"] == std::to_string(new_port);
      },
      15000))
      << group_.Logs();
  EXPECT_EQ(m["config-epoch"], "1");
  EXPECT_EQ(m["flags"].rfind("master", 0), 0u) << m["flags"];  // "master[,disconnected]"
  for (auto& d : group_.data()) {
    if (d->port != old_port && d->port != new_port) {
      EXPECT_TRUE(SentinelGroup::WaitReplicaOf(d->port, new_port, 15000)) << group_.Logs();
    }
  }
}

TEST_P(SentinelSuite, OldMasterReturnsAsReplicaOfNewMaster) {
  Instance& old_master = group_.master();
  int old_port = old_master.port;
  group_.Kill(old_master);
  int new_port = group_.WaitNewMaster(old_port, 30000);
  ASSERT_NE(new_port, 0) << group_.Logs();
  ASSERT_TRUE(group_.Restart(old_master));
  int current = 0;
  EXPECT_TRUE(WaitFor(
      [&] {
        current = SentinelGroup::MasterPortFrom(sentinel0());
        auto r = Info(old_port, "replication");
        return r["role"] == "slave" && r["master_port"] == std::to_string(current) &&
               r["master_link_status"] == "up";
      },
      30000))
      << "the returning master was not converted\n"
      << group_.Logs();
  EXPECT_EQ(current, new_port) << "a second failover followed the first\n" << group_.Logs();
  new_port = current;
  // Every sentinel lists it among the replicas of the new master.
  EXPECT_TRUE(WaitFor(
      [&] {
        for (auto& s : group_.sentinels()) {
          Reply r = Command(s->port, {"SENTINEL", "REPLICAS", "mymaster"});
          bool found = false;
          for (const Reply& e : r.elements) {
            auto f = FieldMap(e);
            found |= f["port"] == std::to_string(old_port) && f["flags"] == "slave";
          }
          if (!found) return false;
        }
        return true;
      },
      15000))
      << group_.Logs();
}

TEST_P(SentinelSuite, ReplicaDownIsSubjectivelyDownWithoutFailover) {
  int master_port = group_.master().port;
  Instance& replica = *group_.data()[1];
  EventWatch events(sentinel0(), {"+sdown", "+switch-master"});
  group_.Kill(replica);
  std::string sdown = "slave 127.0.0.1:" + std::to_string(replica.port) + " 127.0.0.1 " +
                      std::to_string(replica.port) + " @ mymaster 127.0.0.1 " +
                      std::to_string(master_port);
  EXPECT_TRUE(events.WaitContains(sdown, 10000)) << events.seen() << group_.Logs();
  EXPECT_TRUE(WaitFor(
      [&] {
        for (const Reply& e : Command(sentinel0(), {"SENTINEL", "REPLICAS", "mymaster"}).elements) {
          auto f = FieldMap(e);
          if (f["port"] == std::to_string(replica.port)) return f["flags"].find("s_down") == 0;
        }
        return false;
      },
      5000));
  // Well past down-after-milliseconds, the master is still the master everywhere.
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * group_.down_after_ms));
  EXPECT_EQ(events.seen().find("+switch-master"), std::string::npos) << events.seen();
  for (auto& s : group_.sentinels()) {
    EXPECT_EQ(SentinelGroup::MasterPortFrom(s->port), master_port);
    EXPECT_EQ(FieldMap(Command(s->port, {"SENTINEL", "MASTER", "mymaster"}))["flags"], "master");
  }
}

TEST_P(SentinelSuite, RestartedSentinelResumesFromRewrittenConfig) {
  Instance& s0 = *group_.sentinels()[0];
  std::string id = Command(s0.port, {"SENTINEL", "MYID"}).str;
  ASSERT_EQ(id.size(), 40u);
  // A manual failover bumps the epochs, so the restart must remember them too.
  int old_port = group_.master().port;
  ASSERT_EQ(Command(s0.port, {"SENTINEL", "FAILOVER", "mymaster"}).str, "OK");
  int new_port = group_.WaitNewMaster(old_port, 30000);
  ASSERT_NE(new_port, 0) << group_.Logs();
  ASSERT_TRUE(WaitFor(
      [&] {
        std::string conf = ReadFile(s0.conf);
        for (auto& s : group_.sentinels()) {
          if (&*s != &s0 &&
              conf.find(Command(s->port, {"SENTINEL", "MYID"}).str) == std::string::npos) {
            return false;
          }
        }
        return conf.find("sentinel monitor mymaster 127.0.0.1 " + std::to_string(new_port)) !=
                   std::string::npos &&
               conf.find("known-replica mymaster 127.0.0.1 " + std::to_string(old_port)) !=
                   std::string::npos;
      },
      15000))
      << ReadFile(s0.conf);
  std::string conf = ReadFile(s0.conf);
  EXPECT_NE(conf.find("sentinel myid " + id), std::string::npos) << conf;
  EXPECT_NE(conf.find("sentinel current-epoch 1"), std::string::npos) << conf;
  EXPECT_NE(conf.find("sentinel known-sentinel mymaster 127.0.0.1 "), std::string::npos) << conf;
  s0.process->Stop(15);
  ASSERT_TRUE(group_.Restart(s0)) << s0.process->ReadLog();
  // Straight after the restart (before any hello could arrive) it knows everything again.
  auto m = FieldMap(Command(s0.port, {"SENTINEL", "MASTER", "mymaster"}));
  EXPECT_EQ(Command(s0.port, {"SENTINEL", "MYID"}).str, id);
  EXPECT_EQ(m["port"], std::to_string(new_port));
  EXPECT_EQ(m["config-epoch"], "1");
  EXPECT_EQ(m["num-slaves"], "2");
  EXPECT_EQ(m["num-other-sentinels"], "2");
  EXPECT_EQ(Info(s0.port, "sentinel")["sentinel_masters"], "1");
}

TEST_P(SentinelSuite, BadSentinelInputGetsRedisErrors) {
  // Texts observed from redis-sentinel 7.0.15.
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"SENTINEL"}, "-ERR wrong number of arguments for 'sentinel' command\r\n"},
      {{"SENTINEL", "MASTER"}, "-ERR wrong number of arguments for 'sentinel|master' command\r\n"},
      {{"SENTINEL", "MASTER", "a", "b"},
       "-ERR wrong number of arguments for 'sentinel|master' command\r\n"},
      {{"SENTINEL", "MYID", "x"}, "-ERR wrong number of arguments for 'sentinel|myid' command\r\n"},
      {{"SENTINEL", "SET", "mymaster", "quorum"},
       "-ERR wrong number of arguments for 'sentinel|set' command\r\n"},
      {{"SENTINEL", "MONITOR", "m2", "127.0.0.1", "1234"},
       "-ERR wrong number of arguments for 'sentinel|monitor' command\r\n"},
      {{"SENTINEL", "FOO"}, "-ERR unknown subcommand 'FOO'. Try SENTINEL HELP.\r\n"},
      {{"SENTINEL", "MASTER", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "REPLICAS", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "SENTINELS", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "FAILOVER", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "CKQUORUM", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "REMOVE", "nope"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "SET", "nope", "quorum", "2"}, "-ERR No such master with that name\r\n"},
      {{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"}, "*-1\r\n"},
      {{"SENTINEL", "MONITOR", "m2", "127.0.0.1", "1234", "0"},
       "-ERR Quorum must be 1 or greater.\r\n"},
      {{"SENTINEL", "MONITOR", "m2", "127.0.0.1", "1234", "x"}, "-ERR Invalid quorum\r\n"},
      {{"SENTINEL", "MONITOR", "m2", "127.0.0.1", "abc", "2"}, "-ERR Invalid port\r\n"},
      {{"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "1234", "2"},
       "-ERR Duplicate master name.\r\n"},
      {{"SENTINEL", "SET", "mymaster", "quorum", "0"},
       "-ERR Invalid argument '0' for SENTINEL SET 'quorum'\r\n"},
      {{"SENTINEL", "SET", "mymaster", "quorum", "x"},
       "-ERR Invalid argument 'x' for SENTINEL SET 'quorum'\r\n"},
      {{"SENTINEL", "SET", "mymaster", "down-after-milliseconds", "-5"},
       "-ERR Invalid argument '-5' for SENTINEL SET 'down-after-milliseconds'\r\n"},
      {{"SENTINEL", "SET", "mymaster", "bogus", "2"},
       "-ERR Unknown option or number of arguments for SENTINEL SET 'bogus'\r\n"},
      {{"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"},
       "-ERR value is not an integer or out of range\r\n"},
      {{"GET", "x"}, "-ERR unknown command 'GET', with args beginning with: 'x' \r\n"},
  };
  RawClient client(sentinel0());
  for (const auto& [args, expected] : cases) {
    EXPECT_EQ(client.Call(args), expected) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
  // None of it changed the monitored set.
  EXPECT_EQ(Info(sentinel0(), "sentinel")["sentinel_masters"], "1");
}

// Kills the master of a discovered group and checks that all sentinels agree on one new master and
// that the remaining replica follows it.
void ExpectFailoverAfterKill(SentinelGroup& group) {
  int old_port = group.master().port;
  group.Kill(group.master());
  int new_port = group.WaitNewMaster(old_port, 30000);
  ASSERT_NE(new_port, 0) << group.Logs();
  EXPECT_EQ(Info(new_port, "replication")["role"], "master");
  for (auto& d : group.data()) {
    if (d->port != old_port && d->port != new_port) {
      EXPECT_TRUE(SentinelGroup::WaitReplicaOf(d->port, new_port, 15000)) << group.Logs();
    }
  }
}

// (redis-sentinel monitoring slotd data nodes is SentinelSuite's RedisSentinel variant.)
TEST(SentinelMixed, SlotdSentinelsFailOverRedisServerGroup) {
  if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server is not installed";
  SentinelGroup group;
  ASSERT_TRUE(group.StartData(Impl::kRedis));
  ASSERT_TRUE(group.StartSentinels({Impl::kSlotd, Impl::kSlotd, Impl::kSlotd})) << group.Logs();
  ASSERT_TRUE(group.WaitDiscovery()) << group.Logs();
  ExpectFailoverAfterKill(group);
}

TEST(SentinelMixed, SlotdAndRedisSentinelsAgreeAndFailOver) {
  if (!RedisSentinelInstalled()) GTEST_SKIP() << "redis-sentinel is not installed";
  SentinelGroup group;
  ASSERT_TRUE(group.StartData(DataImpl()));
  ASSERT_TRUE(group.StartSentinels({Impl::kSlotd, Impl::kRedis, Impl::kSlotd})) << group.Logs();
  ASSERT_TRUE(group.WaitDiscovery()) << group.Logs();
  ExpectFailoverAfterKill(group);
  // Every sentinel, whatever its implementation, settled on the same epoch.
  for (auto& s : group.sentinels()) {
    EXPECT_EQ(FieldMap(Command(s->port, {"SENTINEL", "MASTER", "mymaster"}))["config-epoch"], "1")
        << s->port;
  }
}

INSTANTIATE_TEST_SUITE_P(Sentinels, SentinelSuite, ::testing::Values(Impl::kSlotd, Impl::kRedis),
                         [](const ::testing::TestParamInfo<Impl>& info) {
                           return info.param == Impl::kSlotd ? "Slotd" : "RedisSentinel";
                         });

}  // namespace
}  // namespace slotd::test
