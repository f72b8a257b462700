// Discovery and bookkeeping: hello-driven sentinel records (address switch, invalid address,
// shared links), +reboot on a new run id, and +fix-slave-config for a misconfigured replica.
#include <gtest/gtest.h>

#include "cluster/sentinel/describe.h"
#include "tests/unit/cluster/sentinel/fake_instances.h"

namespace slotd::sentinel {
namespace {

using testing::FakeInstances;

std::string HelloFrom(const std::string& runid, int port, const char* master, int master_port) {
  return "127.0.0.1," + std::to_string(port) + "," + runid + ",0," + master + ",127.0.0.1," +
         std::to_string(master_port) + ",0";
}

void Monitor(FakeInstances& w, const char* name, int port) {
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().Monitor(name, "127.0.0.1", std::to_string(port), "2", w.now(), out).ok());
  });
}

// Masters "a" (17100) and "b" (17200), both with sentinel `other` at port 26380.
void SentinelKnownForTwoMasters(FakeInstances& w, const std::string& other) {
  w.AddMaster(17100);
  w.AddMaster(17200);
  Monitor(w, "a", 17100);
  Monitor(w, "b", 17200);
  w.Input([&](Outbox& out) {
    w.node().OnHello(HelloFrom(other, 26380, "a", 17100), w.now(), out);
    w.node().OnHello(HelloFrom(other, 26380, "b", 17200), w.now(), out);
  });
}

TEST(SentinelDiscovery, SentinelSeenForTwoMastersSharesOneLink) {
  FakeInstances w;
  const std::string other(40, 'e');
  SentinelKnownForTwoMasters(w, other);
  w.RunFor(500);
  const SentinelState& st = w.node().state();
  EXPECT_EQ(st.links.count(Address{"127.0.0.1", 26380}), 1u);
  auto sentinels = DescribeSentinels(st, *st.FindMaster("a"), w.now());
  ASSERT_EQ(sentinels.size(), 1u);
  EXPECT_EQ(sentinels[0][6], (std::pair<std::string, std::string>{"link-refcount", "2"}));
}

TEST(SentinelDiscovery, SentinelChangingAddressIsSwitchedInEveryMaster) {
  FakeInstances w;
  const std::string other(40, 'e');
  SentinelKnownForTwoMasters(w, other);
  w.Input(
      [&](Outbox& out) { w.node().OnHello(HelloFrom(other, 26390, "a", 17100), w.now(), out); });
  EXPECT_TRUE(
      w.HasEvent("+sentinel-address-switch master a 127.0.0.1 17100 ip 127.0.0.1 port "
                 "26390 for " +
                 other));
  EXPECT_TRUE(w.HasEvent("+sentinel-address-update sentinel " + other +
                         " 127.0.0.1 26390 @ a 127.0.0.1 17100 1 additional matching instances"));
  const SentinelState& st = w.node().state();
  EXPECT_EQ(st.FindMaster("b")->sentinels.at(other).addr.port, 26390);
}

TEST(SentinelDiscovery, NewRunIdAtAKnownAddressInvalidatesTheOldRecord) {
  FakeInstances w;
  w.AddMaster(17100);
  Monitor(w, "a", 17100);
  const std::string first(40, 'e'), second(40, 'f');
  w.Input([&](Outbox& out) {
    w.node().OnHello(HelloFrom(first, 26380, "a", 17100), w.now(), out);
    w.node().OnHello(HelloFrom(second, 26380, "a", 17100), w.now(), out);
  });
  EXPECT_TRUE(w.HasEvent("+sentinel-invalid-addr sentinel " + first + " 127.0.0.1 26380"));
  const Master& m = *w.node().state().FindMaster("a");
  EXPECT_EQ(m.sentinels.at(first).addr.port, 0);
  EXPECT_EQ(m.sentinels.at(second).addr.port, 26380);
}

TEST(SentinelDiscovery, RunIdChangeIsAReboot) {
  FakeInstances w;
  w.AddMaster(17100);
  Monitor(w, "a", 17100);
  w.RunFor(1000);
  EXPECT_FALSE(w.HasEvent("+reboot"));
  w.servers()[Address{"127.0.0.1", 17100}].runid = std::string(40, 'z');
  w.RunFor(11000);  // the next INFO (every 10 s) sees the new run id
  EXPECT_TRUE(w.HasEvent("+reboot master a 127.0.0.1 17100"));
  EXPECT_EQ(w.node().state().FindMaster("a")->runid, std::string(40, 'z'));
}

TEST(SentinelDiscovery, ReplicaFollowingTheWrongMasterIsFixed) {
  FakeInstances w;
  w.AddMaster(17100);
  w.AddReplica(17101, 17100);
  Monitor(w, "a", 17100);
  w.Input([&](Outbox& out) {
    ASSERT_TRUE(w.node().Set("a", {"failover-timeout", "5000"}, w.now(), out).ok());
  });
  w.RunFor(2000);
  // The replica is repointed elsewhere behind Sentinel's back; the master still lists it.
  w.servers()[Address{"127.0.0.1", 17101}].master_of = Address{"127.0.0.1", 17999};
  w.RunFor(20000);
  EXPECT_TRUE(w.HasEvent("+fix-slave-config slave 127.0.0.1:17101 127.0.0.1 17101 @ a"));
  const testing::FakeServer& replica = w.servers()[Address{"127.0.0.1", 17101}];
  EXPECT_EQ(replica.master_of, (Address{"127.0.0.1", 17100}));
}

TEST(SentinelDiscovery, Ipv6ReplicaNamesUseBrackets) {
  EXPECT_EQ(FormatAddress(Address{"::1", 6380}), "[::1]:6380");
  EXPECT_EQ(FormatAddress(Address{"10.0.0.1", 6380}), "10.0.0.1:6380");
}

}  // namespace
}  // namespace slotd::sentinel
