// SENTINEL subcommands as typed inputs: error texts checked against redis-sentinel 7.0, and the
// instance field lists SENTINEL MASTERS / REPLICAS / SENTINELS reply with.
#include <gtest/gtest.h>

#include <algorithm>

#include "cluster/sentinel/describe.h"
#include "tests/unit/cluster/sentinel/fake_instances.h"

namespace slotd::sentinel {
namespace {

using testing::FakeInstances;

std::string MonitorError(FakeInstances& w, const char* name, const char* ip, const char* port,
                         const char* quorum) {
  std::string error = "ok";
  w.Input([&](Outbox& out) {
    auto r = w.node().Monitor(name, ip, port, quorum, w.now(), out);
    if (!r.ok()) error = r.error();
  });
  return error;
}

std::string SetError(FakeInstances& w, const char* name, std::vector<std::string> args) {
  std::string error = "ok";
  w.Input([&](Outbox& out) {
    auto r = w.node().Set(name, args, w.now(), out);
    if (!r.ok()) error = r.error();
  });
  return error;
}

TEST(SentinelAdmin, MonitorValidatesLikeRedis) {
  FakeInstances w;
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "6000", "x"), "ERR Invalid quorum");
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "x", "2"), "ERR Invalid port");
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "+5", "2"), "ERR Invalid port");
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "6000", "0"), "ERR Quorum must be 1 or greater.");
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "70000", "2"), "ERR Invalid port number.");
  EXPECT_EQ(MonitorError(w, "a", "127.0.0.1", "-1", "2"), "ERR Invalid port number.");
  EXPECT_EQ(MonitorError(w, "a", "bad..ip", "6000", "2"),
            "ERR Invalid IP address or hostname specified");
  EXPECT_EQ(MonitorError(w, "a", "localhost", "6000", "2"),
            "ERR Invalid IP address or hostname specified");  // resolve-hostnames is off
  EXPECT_EQ(MonitorError(w, "m1", "127.0.0.1", "6999", "2"), "ok");
  EXPECT_EQ(MonitorError(w, "m1", "127.0.0.1", "6000", "2"), "ERR Duplicate master name.");
  EXPECT_EQ(MonitorError(w, "v6", "::1", "6000", "2"), "ok");
  EXPECT_EQ(MonitorError(w, "zero", "127.0.0.1", "0", "2"), "ok");
  EXPECT_EQ(w.node().state().masters.size(), 3u);
}

TEST(SentinelAdmin, SetValidatesLikeRedis) {
  FakeInstances w;
  ASSERT_EQ(MonitorError(w, "m1", "127.0.0.1", "6999", "2"), "ok");
  EXPECT_EQ(SetError(w, "nosuch", {"quorum", "2"}), "ERR No such master with that name");
  EXPECT_EQ(SetError(w, "m1", {"quorum", "0"}),
            "ERR Invalid argument '0' for SENTINEL SET 'quorum'");
  EXPECT_EQ(SetError(w, "m1", {"foo", "1"}),
            "ERR Unknown option or number of arguments for SENTINEL SET 'foo'");
  EXPECT_EQ(SetError(w, "m1", {"down-after-milliseconds", "abc"}),
            "ERR Invalid argument 'abc' for SENTINEL SET 'down-after-milliseconds'");
  EXPECT_EQ(SetError(w, "m1", {"parallel-syncs", "0"}),
            "ERR Invalid argument '0' for SENTINEL SET 'parallel-syncs'");
  EXPECT_EQ(SetError(w, "m1", {"failover-timeout", "-1"}),
            "ERR Invalid argument '-1' for SENTINEL SET 'failover-timeout'");
  EXPECT_EQ(SetError(w, "m1", {"master-reboot-down-after-period", "-1"}),
            "ERR Invalid argument '-1' for SENTINEL SET 'master-reboot-down-after-period'");
  EXPECT_EQ(SetError(w, "m1", {"rename-command", "a"}),
            "ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'");
  EXPECT_EQ(SetError(w, "m1", {"notification-script", "/bin/true"}).substr(0, 58),
            "ERR Reconfiguration of scripts path is denied for security");
  // Options before a bad one stay applied, as in Redis.
  EXPECT_EQ(SetError(w, "m1", {"quorum", "3", "parallel-syncs", "2", "foo"}),
            "ERR Unknown option or number of arguments for SENTINEL SET 'foo'");
  const Master& m = *w.node().state().FindMaster("m1");
  EXPECT_EQ(m.quorum, 3);
  EXPECT_EQ(m.parallel_syncs, 2);
  EXPECT_EQ(SetError(w, "m1", {"rename-command", "CONFIG", "xc", "auth-pass", "pw"}), "ok");
  EXPECT_EQ(m.Command("config"), "xc");
  EXPECT_TRUE(w.HasEvent("+set master m1 127.0.0.1 6999 auth-pass ******"));
}

TEST(SentinelAdmin, ConfigSetAndGetLikeRedis) {
  FakeInstances w;
  std::string e1, e2, e3;
  w.Input([&](Outbox& out) {
    e1 = w.node().ConfigSet("announce-port", "70000", w.now(), out).error();
    e2 = w.node().ConfigSet("foo", "1", w.now(), out).error();
    e3 = w.node().ConfigSet("resolve-hostnames", "maybe", w.now(), out).error();
    EXPECT_TRUE(w.node().ConfigSet("announce-ip", "10.1.1.1", w.now(), out).ok());
  });
  EXPECT_EQ(e1, "ERR Invalid value '70000' to SENTINEL CONFIG SET 'announce-port'");
  EXPECT_EQ(e2, "ERR Invalid argument 'foo' to SENTINEL CONFIG SET");
  EXPECT_EQ(e3, "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'");
  auto got = w.node().ConfigGet("announce-*");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::string>{"announce-hostnames", "no"}));
  EXPECT_EQ(got[1], (std::pair<std::string, std::string>{"announce-ip", "10.1.1.1"}));
  EXPECT_EQ(got[2], (std::pair<std::string, std::string>{"announce-port", "0"}));
  ASSERT_EQ(MonitorError(w, "m1", "127.0.0.1", "6999", "2"), "ok");
  EXPECT_EQ(SetError(w, "m1", {"rename-command", "", "x"}),
            "ERR Invalid argument '' for SENTINEL SET 'rename-command'");
}

TEST(SentinelAdmin, CkQuorumFailoverRemoveAndResetReplies) {
  FakeInstances w;
  ASSERT_EQ(MonitorError(w, "m1", "127.0.0.1", "6999", "2"), "ok");
  EXPECT_EQ(w.node().CkQuorum("m1").error(),
            "NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified "
            "quorum for this master");
  EXPECT_EQ(w.node().CkQuorum("nosuch").error(), "ERR No such master with that name");
  std::string failover;
  w.Input([&](Outbox& out) { failover = w.node().Failover("m1", w.now(), out).error(); });
  EXPECT_EQ(failover, "NOGOODSLAVE No suitable replica to promote");
  ASSERT_EQ(MonitorError(w, "m2", "127.0.0.1", "7000", "1"), "ok");
  EXPECT_EQ(w.node().CkQuorum("m2").value(),
            "OK 1 usable Sentinels. Quorum and failover authorization can be reached");
  int64_t reset = 0;
  w.Input([&](Outbox& out) { reset = w.node().Reset("m?", w.now(), out); });
  EXPECT_EQ(reset, 2);
  EXPECT_TRUE(w.HasEvent("+reset-master master m1 127.0.0.1 6999"));
  w.Input([&](Outbox& out) { reset = w.node().Reset("x*", w.now(), out); });
  EXPECT_EQ(reset, 0);
  w.Input([&](Outbox& out) { EXPECT_TRUE(w.node().Remove("m1", w.now(), out).ok()); });
  EXPECT_TRUE(w.HasEvent("-monitor master m1 127.0.0.1 6999"));
  EXPECT_FALSE(w.node().GetMasterAddrByName("m1").has_value());
}

TEST(SentinelAdmin, ForcedFailoverSkipsTheElection) {
  FakeInstances w;
  w.AddMaster(17100);
  w.AddReplica(17101, 17100);
  ASSERT_EQ(MonitorError(w, "mymaster", "127.0.0.1", "17100", "2"), "ok");
  w.RunFor(3000);
  w.Input([&](Outbox& out) { EXPECT_TRUE(w.node().Failover("mymaster", w.now(), out).ok()); });
  std::string again;
  w.Input([&](Outbox& out) { again = w.node().Failover("mymaster", w.now(), out).error(); });
  EXPECT_EQ(again, "INPROG Failover already in progress");
  w.RunFor(3000);
  EXPECT_TRUE(w.HasEvent("+elected-leader master mymaster"));
  EXPECT_TRUE(w.HasEvent("+switch-master mymaster 127.0.0.1 17100 127.0.0.1 17101"));
}

TEST(SentinelAdmin, SimulatedFailureReportsTheCrashPoint) {
  FakeInstances w;
  w.AddMaster(17100);
  w.AddReplica(17101, 17100);
  ASSERT_EQ(MonitorError(w, "mymaster", "127.0.0.1", "17100", "2"), "ok");
  w.RunFor(3000);
  w.node().SimulateFailure(kSimFailureCrashAfterElection);
  EXPECT_FALSE(w.node().crashed());
  w.Input([&](Outbox& out) { EXPECT_TRUE(w.node().Failover("mymaster", w.now(), out).ok()); });
  w.RunFor(300);
  EXPECT_TRUE(w.node().crashed());
  const auto& logs = w.logs();
  auto crash =
      std::find(logs.begin(), logs.end(), "Sentinel CRASH because of SENTINEL simulate-failure");
  ASSERT_NE(crash, logs.end());
  EXPECT_EQ(*(crash - 1), "+elected-leader master mymaster 127.0.0.1 17100");
}

TEST(SentinelAdmin, DescribesInstancesInRedisFieldOrder) {
  FakeInstances w;
  w.AddMaster(17100);
  w.AddReplica(17101, 17100);
  ASSERT_EQ(MonitorError(w, "mymaster", "127.0.0.1", "17100", "2"), "ok");
  w.RunFor(2000);
  const SentinelState& st = w.node().state();
  FieldList m = DescribeMaster(st, *st.FindMaster("mymaster"), w.now());
  std::vector<std::string> keys;
  for (auto& [k, v] : m) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name",
                                            "ip",
                                            "port",
                                            "runid",
                                            "flags",
                                            "link-pending-commands",
                                            "link-refcount",
                                            "last-ping-sent",
                                            "last-ok-ping-reply",
                                            "last-ping-reply",
                                            "down-after-milliseconds",
                                            "info-refresh",
                                            "role-reported",
                                            "role-reported-time",
                                            "config-epoch",
                                            "num-slaves",
                                            "num-other-sentinels",
                                            "quorum",
                                            "failover-timeout",
                                            "parallel-syncs"}));
  EXPECT_EQ(m[4].second, "master");
  EXPECT_EQ(m[15].second, "1");
  auto replicas = DescribeReplicas(st, *st.FindMaster("mymaster"), w.now());
  ASSERT_EQ(replicas.size(), 1u);
  EXPECT_EQ(replicas[0][0].second, "127.0.0.1:17101");
  EXPECT_EQ(replicas[0][4].second, "slave");
  EXPECT_EQ(replicas[0].back().first, "replica-announced");
  EXPECT_EQ(replicas[0][replicas[0].size() - 6].second, "ok");  // master-link-status
  const std::string info = InfoSentinelSection(st, w.now(), 0, 0);
  EXPECT_NE(
      info.find("master0:name=mymaster,status=ok,address=127.0.0.1:17100,slaves=1,sentinels=1"),
      std::string::npos);
  EXPECT_NE(info.find("sentinel_tilt_since_seconds:-1\r\n"), std::string::npos);
}

TEST(SentinelAdmin, AMasterMonitoredBeforeTheFirstTickReportsFreshLinkTimes) {
  FakeInstances w;
  w.AddMaster(17100);
  ASSERT_EQ(MonitorError(w, "mymaster", "127.0.0.1", "17100", "2"), "ok");
  // No tick yet, so no link exists: Redis creates the link with the instance, timers at "now".
  const SentinelState& st = w.node().state();
  FieldList m = DescribeMaster(st, *st.FindMaster("mymaster"), w.now());
  auto value = [&m](const std::string& key) {
    for (auto& [k, v] : m)
      if (k == key) return v;
    return std::string("missing");
  };
  EXPECT_EQ(value("last-ping-sent"), "0");
  EXPECT_EQ(value("last-ok-ping-reply"), "0");
  EXPECT_EQ(value("last-ping-reply"), "0");
}

}  // namespace
}  // namespace slotd::sentinel
