// slotctl's text helpers: addresses, INFO fields, redis-cli slot lists, config signatures.
#include <gtest/gtest.h>

#include "tools/slotctl/cluster_text.h"

namespace slotd::slotctl {
namespace {

constexpr const char* kIdA = "49e0657c1a0cfa8b0a9ff7d0c7e7ce6b9a845d6a";
constexpr const char* kIdB = "cb28cfb315733cc267305707927714a71823d371";

NodesConf Parse(const std::string& text) {
  Result<NodesConf> r = ParseNodesConf(text);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : NodesConf{};
}

TEST(SlotctlHostPort, SplitsAtTheLastColon) {
  EXPECT_EQ(ParseHostPort("127.0.0.1:7001"), (HostPort{"127.0.0.1", 7001}));
  EXPECT_EQ(ParseHostPort("::1:7001"), (HostPort{"::1", 7001}));
  EXPECT_EQ(ParseHostPort("[::1]:7001"), (HostPort{"::1", 7001}));
  EXPECT_EQ(ParseHostPort("node-a:6379"), (HostPort{"node-a", 6379}));
}

TEST(SlotctlHostPort, RejectsMissingOrBadPorts) {
  EXPECT_FALSE(ParseHostPort("127.0.0.1"));
  EXPECT_FALSE(ParseHostPort(":7001"));
  EXPECT_FALSE(ParseHostPort("h:"));
  EXPECT_FALSE(ParseHostPort("h:0"));
  EXPECT_FALSE(ParseHostPort("h:65536"));
  EXPECT_FALSE(ParseHostPort("h:70x"));
  EXPECT_FALSE(ParseHostPort("h:-1"));
}

TEST(SlotctlInfo, ReadsIntegerFieldsFromCrlfText) {
  const std::string info =
      "# Cluster\r\ncluster_enabled:1\r\n# Keyspace\r\ndb0:keys=3,expires=0\r\n";
  EXPECT_EQ(InfoField(info, "cluster_enabled"), 1);
  EXPECT_FALSE(InfoField(info, "cluster"));
  EXPECT_FALSE(InfoField(info, "db0"));  // not a number
  EXPECT_TRUE(InfoHasLine(info, "db0:"));
  EXPECT_FALSE(InfoHasLine(info, "db1:"));
  EXPECT_EQ(InfoField("cluster_known_nodes:6", "cluster_known_nodes"), 6);
}

TEST(SlotctlSlotsString, UsesRedisCliBrackets) {
  SlotBitmap slots;
  EXPECT_EQ(SlotsString(slots), "");
  slots.SetRange(0, 5460);
  slots.Set(5462);
  slots.SetRange(16000, 16383);
  EXPECT_EQ(SlotsString(slots), "[0-5460],[5462],[16000-16383]");
}

TEST(SlotctlConfigSignature, IgnoresLineOrderAndOpenSlots) {
  const std::string a_line = std::string(kIdA) +
                             " 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [7->-" +
                             kIdB + "]\n";
  const std::string b_line =
      std::string(kIdB) + " 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-16383\n";
  const std::string b_self =
      std::string(kIdB) + " 127.0.0.1:7002@17002 myself,master - 0 0 2 connected 5461-16383\n";
  const std::string a_peer =
      std::string(kIdA) + " 127.0.0.1:7001@17001 master - 0 0 1 connected 0-5460\n";
  const std::string sig = ConfigSignature(Parse(a_line + b_line));
  EXPECT_EQ(sig, std::string(kIdA) + ":0-5460|" + kIdB + ":5461-16383");
  EXPECT_EQ(ConfigSignature(Parse(b_self + a_peer)), sig);
}

TEST(SlotctlConfigSignature, DiffersWhenOwnersDiffer) {
  const std::string a =
      std::string(kIdA) + " 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460\n";
  const std::string b1 =
      std::string(kIdB) + " 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-16383\n";
  const std::string b2 =
      std::string(kIdB) + " 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-16382\n";
  EXPECT_NE(ConfigSignature(Parse(a + b1)), ConfigSignature(Parse(a + b2)));
  const std::string lonely = std::string(kIdA) + " :7001@17001 myself,master - 0 0 0 connected\n";
  EXPECT_EQ(ConfigSignature(Parse(lonely)), "");
}

}  // namespace
}  // namespace slotd::slotctl
