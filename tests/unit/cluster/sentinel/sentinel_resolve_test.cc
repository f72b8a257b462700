// resolve-hostnames / announce-hostnames in the state machine: a master monitored by hostname is
// shown, told to replicas and compared by its resolved IP unless announce-hostnames is on, as
// Redis 7.0 does; names that do not resolve are refused by MONITOR.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/unit/cluster/sentinel/fake_instances.h"

namespace slotd::sentinel {
namespace {

using testing::FakeInstances;

constexpr int kMaster = 17100;
constexpr int kReplica = 17101;

// A fake DNS: names to IPs, changeable by the test.
struct FakeDns {
  std::map<std::string, std::string> names = {{"db.example", "10.0.0.5"}};
  int lookups = 0;
  std::string operator()(const std::string& host) {
    ++lookups;
    auto it = names.find(host);
    return it == names.end() ? "" : it->second;
  }
};

// The master lives at db.example (10.0.0.5); its replica at 127.0.0.1 reports master_host
// 10.0.0.5, as a replica told the IP does.
void SetUpByHostname(FakeInstances& w, FakeDns& dns, bool announce_hostnames) {
  w.node().SetResolver([&dns](const std::string& host) { return dns(host); });
  w.AddMaster(kMaster);
  w.servers()[Address{"db.example", kMaster}] = w.servers()[Address{"127.0.0.1", kMaster}];
  w.servers().erase(Address{"127.0.0.1", kMaster});
  w.Alias("db.example", "10.0.0.5");
  w.AddReplica(kReplica, kMaster);
  w.servers()[Address{"127.0.0.1", kReplica}].master_of = Address{"10.0.0.5", kMaster};
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().ConfigSet("resolve-hostnames", "yes", w.now(), out).ok());
    ASSERT_TRUE(
        w.node()
            .ConfigSet("announce-hostnames", announce_hostnames ? "yes" : "no", w.now(), out)
            .ok());
    ASSERT_TRUE(w.node().Monitor("mymaster", "db.example", "17100", "1", w.now(), out).ok());
    ASSERT_TRUE(w.node().Set("mymaster", {"down-after-milliseconds", "5000"}, w.now(), out).ok());
  });
}

std::string MasterAddr(FakeInstances& w) {
  std::optional<Address> addr = w.node().GetMasterAddrByName("mymaster");
  if (!addr) return "none";
  return std::string(w.node().Announce(*addr)) + ":" + std::to_string(addr->port);
}

bool SentSlaveOf(const FakeInstances& w, const std::string& host, int port) {
  const std::vector<std::string> want = {"SLAVEOF", host, std::to_string(port)};
  const auto& c = w.commands();
  return std::find(c.begin(), c.end(), want) != c.end();
}

TEST(SentinelResolve, HostnameMasterIsAnsweredAndComparedByItsIp) {
  FakeInstances w;
  FakeDns dns;
  SetUpByHostname(w, dns, false);
  EXPECT_TRUE(w.HasEvent("+monitor master mymaster 10.0.0.5 17100 quorum 1"));
  EXPECT_EQ(MasterAddr(w), "10.0.0.5:17100");
  w.RunFor(12000);
  EXPECT_TRUE(w.HasEvent("+slave slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster 10.0.0.5 17100"));
  // The replica names the master by IP and the sentinel knows it by name: the same instance.
  EXPECT_FALSE(w.HasEvent("+fix-slave-config"));
  const int lookups_after_discovery = dns.lookups;

  const Address master{"db.example", kMaster};
  w.servers()[master].alive = false;
  w.Input([&](Outbox& out) { w.node().OnLinkDown(master, w.now(), out); });
  w.RunFor(20000);
  EXPECT_TRUE(w.HasEvent("+switch-master mymaster 10.0.0.5 17100 127.0.0.1 17101"));
  EXPECT_EQ(MasterAddr(w), "127.0.0.1:17101");
  EXPECT_TRUE(
      w.HasEvent("+slave slave 10.0.0.5:17100 10.0.0.5 17100 @ mymaster 127.0.0.1 17101"));
  // Periodic INFO compared the reported 10.0.0.5 with db.example's known IP, not by new lookups.
  EXPECT_EQ(dns.lookups, lookups_after_discovery);
}

TEST(SentinelResolve, AnnounceHostnamesShowsAndSendsTheName) {
  FakeInstances w;
  FakeDns dns;
  SetUpByHostname(w, dns, true);
  EXPECT_TRUE(w.HasEvent("+monitor master mymaster db.example 17100 quorum 1"));
  EXPECT_EQ(MasterAddr(w), "db.example:17100");
  w.RunFor(12000);
  EXPECT_TRUE(
      w.HasEvent("+slave slave 127.0.0.1:17101 127.0.0.1 17101 @ mymaster db.example 17100"));
  EXPECT_FALSE(w.HasEvent("+fix-slave-config"));  // 10.0.0.5 is db.example
}

TEST(SentinelResolve, ReplicaFollowingAnotherIpIsFixedWithTheResolvedAddress) {
  FakeInstances w;
  FakeDns dns;
  SetUpByHostname(w, dns, false);
  w.RunFor(12000);  // the replica is discovered
  w.servers()[Address{"127.0.0.1", kReplica}].master_of = Address{"10.0.0.77", kMaster};
  w.RunFor(200000);  // failover-timeout (180 s) must pass before a replica config is fixed
  EXPECT_TRUE(w.HasEvent("+fix-slave-config"));
  EXPECT_TRUE(SentSlaveOf(w, "10.0.0.5", kMaster));
  EXPECT_FALSE(SentSlaveOf(w, "db.example", kMaster));
}

TEST(SentinelResolve, ANewLookupMovesTheAnsweredIp) {
  FakeInstances w;
  FakeDns dns;
  SetUpByHostname(w, dns, false);
  w.node().OnHostResolved("db.example", "10.0.0.9");
  EXPECT_EQ(MasterAddr(w), "10.0.0.9:17100");
  w.node().OnHostResolved("other.example", "10.0.0.1");
  EXPECT_EQ(MasterAddr(w), "10.0.0.9:17100");
}

TEST(SentinelResolve, MonitorRefusesNamesThatDoNotResolve) {
  FakeInstances w;
  FakeDns dns;
  w.node().SetResolver([&dns](const std::string& host) { return dns(host); });
  auto monitor = [&](const char* name, const char* host) {
    std::string error = "ok";
    w.Input([&](Outbox& out) {
      auto r = w.node().Monitor(name, host, "6379", "2", w.now(), out);
      if (!r.ok()) error = r.error();
    });
    return error;
  };
  EXPECT_EQ(monitor("a", "db.example"), "ERR Invalid IP address or hostname specified");
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().ConfigSet("resolve-hostnames", "yes", w.now(), out).ok());
  });
  EXPECT_EQ(monitor("b", "nowhere.example"), "ERR Invalid IP address or hostname specified");
  EXPECT_EQ(monitor("c", "db.example"), "ok");
  EXPECT_EQ(w.node().state().masters.size(), 1u);
}

}  // namespace
}  // namespace slotd::sentinel
