// The hello payload and the INFO fields Sentinel reads, against text produced by Redis 7.0.
#include <gtest/gtest.h>

#include "cluster/sentinel/hello.h"
#include "cluster/sentinel/info_parser.h"

namespace slotd::sentinel {
namespace {

TEST(SentinelHello, FormatsTheVerifiedRedisPayload) {
  Hello h{"127.0.0.1", 17200,      "c3521e705208dfa0f06da29926bfea6336c76584",
          0,           "mymaster", "127.0.0.1",
          17100,       0};
  EXPECT_EQ(
      FormatHello(h),
      "127.0.0.1,17200,c3521e705208dfa0f06da29926bfea6336c76584,0,mymaster,127.0.0.1,17100,0");
}

TEST(SentinelHello, ParsesWhatItFormats) {
  Hello h{"10.0.0.1", 26379, std::string(40, 'a'), 7, "m", "10.0.0.2", 6380, 5};
  Result<Hello> parsed = ParseHello(FormatHello(h));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(*parsed, h);
}

TEST(SentinelHello, RejectsWrongFieldCountsAndBadNumbers) {
  EXPECT_FALSE(ParseHello("127.0.0.1,17200,abc,0,mymaster,127.0.0.1,17100").ok());
  EXPECT_FALSE(ParseHello("127.0.0.1,17200,abc,0,mymaster,127.0.0.1,17100,0,9").ok());
  EXPECT_FALSE(ParseHello("127.0.0.1,port,abc,0,mymaster,127.0.0.1,17100,0").ok());
  EXPECT_FALSE(ParseHello("127.0.0.1,17200,abc,-1,mymaster,127.0.0.1,17100,0").ok());
  EXPECT_FALSE(ParseHello("127.0.0.1,70000,abc,0,mymaster,127.0.0.1,17100,0").ok());
  EXPECT_FALSE(ParseHello("").ok());
}

// INFO replication + run_id of a redis-server 7.0 master with one replica attached.
constexpr const char* kMasterInfo =
    "# Server\r\nredis_version:7.0.15\r\nrun_id:0813b7144477b43cffd26ea0c7b3649b94fab5fc\r\n"
    "# Replication\r\nrole:master\r\nconnected_slaves:1\r\n"
    "slave0:ip=127.0.0.1,port=21371,state=online,offset=0,lag=0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:715d0726f9d4281b9822065f789aedf415941a46\r\nmaster_repl_offset:0\r\n";

// INFO replication of that replica (priority 50) before its first sync.
constexpr const char* kReplicaInfo =
    "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:21370\r\n"
    "master_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:0\r\n"
    "slave_read_repl_offset:1\r\nslave_repl_offset:1\r\nmaster_link_down_since_seconds:-1\r\n"
    "slave_priority:50\r\nslave_read_only:1\r\nreplica_announced:1\r\nconnected_slaves:0\r\n";

TEST(SentinelInfoParser, ReadsRoleRunIdAndReplicasOfAMaster) {
  InstanceInfo info = ParseInstanceInfo(kMasterInfo);
  EXPECT_EQ(info.run_id, "0813b7144477b43cffd26ea0c7b3649b94fab5fc");
  EXPECT_EQ(info.role, Role::kMaster);
  ASSERT_EQ(info.replicas.size(), 1u);
  EXPECT_EQ(info.replicas[0], (Address{"127.0.0.1", 21371}));
  EXPECT_FALSE(info.master_host.has_value());
}

TEST(SentinelInfoParser, ReadsReplicaFields) {
  InstanceInfo info = ParseInstanceInfo(kReplicaInfo);
  EXPECT_EQ(info.role, Role::kReplica);
  EXPECT_EQ(info.master_host, "127.0.0.1");
  EXPECT_EQ(info.master_port, 21370);
  EXPECT_EQ(info.master_link_up, false);
  EXPECT_EQ(info.slave_priority, 50);
  EXPECT_EQ(info.slave_repl_offset, 1u);
  EXPECT_EQ(info.master_link_down_ms, -1000);  // Redis reports -1 before the first sync
  EXPECT_EQ(info.replica_announced, true);
  EXPECT_FALSE(info.run_id.has_value());
}

TEST(SentinelInfoParser, AcceptsTheOldReplicaLineFormatAndBareNewlines) {
  InstanceInfo info =
      ParseInstanceInfo("role:master\nslave0:10.0.0.5,6380,online\nslave1:ip=h,port=7\n");
  ASSERT_EQ(info.replicas.size(), 2u);
  EXPECT_EQ(info.replicas[0], (Address{"10.0.0.5", 6380}));
  EXPECT_EQ(info.replicas[1], (Address{"h", 7}));
}

TEST(SentinelInfoParser, IgnoresShortRunIdsAndGarbage) {
  InstanceInfo info = ParseInstanceInfo("run_id:abc\r\nslave:x\r\nslavex:ip=1\r\nrole:primary\r\n");
  EXPECT_FALSE(info.run_id.has_value());
  EXPECT_TRUE(info.replicas.empty());
  EXPECT_FALSE(info.role.has_value());
  InstanceInfo huge =
      ParseInstanceInfo("master_port:99999999999999999999\r\nslave_priority:-5\r\n");
  EXPECT_EQ(huge.slave_priority, -5);
  EXPECT_TRUE(huge.master_port.has_value());
}

}  // namespace
}  // namespace slotd::sentinel
