// Sentinel config directives: loading, and the lines written on rewrite (Redis 7.0's order).
#include "cluster/sentinel/sentinel_conf.h"

#include <gtest/gtest.h>

namespace slotd::sentinel {
namespace {

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    if (sp > pos) out.emplace_back(line.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

Result<std::monostate> Apply(SentinelState& st, std::string_view line) {
  return ApplySentinelConfig(st, Words(line), 1000);
}

TEST(SentinelConf, RendersTheVerifiedPostFailoverFile) {
  SentinelState st;
  const std::string id(40, 'c');
  for (const char* line :
       {"monitor mymaster 127.0.0.1 17101 1", "config-epoch mymaster 1", "leader-epoch mymaster 1",
        "known-replica mymaster 127.0.0.1 17100", "current-epoch 1"}) {
    ASSERT_TRUE(Apply(st, line).ok()) << line;
  }
  st.myid = id;
  EXPECT_EQ(RenderSentinelConfig(st), "sentinel myid " + id +
                                          "\n"
                                          "sentinel monitor mymaster 127.0.0.1 17101 1\n"
                                          "sentinel config-epoch mymaster 1\n"
                                          "sentinel leader-epoch mymaster 1\n"
                                          "sentinel known-replica mymaster 127.0.0.1 17100\n"
                                          "sentinel current-epoch 1\n");
}

TEST(SentinelConf, RoundTripsOptionsReplicasAndSentinels) {
  SentinelState st;
  const std::string sid(40, 'd');
  for (std::string line :
       {std::string("monitor m 10.0.0.1 6379 2"), std::string("down-after-milliseconds m 5000"),
        std::string("failover-timeout m 60000"), std::string("parallel-syncs m 3"),
        std::string("auth-pass m secret"), std::string("known-slave m 10.0.0.2 6379"),
        "known-sentinel m 10.0.0.9 26379 " + sid, std::string("rename-command m CONFIG xconfig"),
        std::string("master-reboot-down-after-period m 100"), std::string("config-epoch m 4"),
        std::string("announce-ip 1.2.3.4")}) {
    ASSERT_TRUE(Apply(st, line).ok()) << line;
  }
  EXPECT_EQ(st.current_epoch, 4u);  // a config epoch raises the current epoch
  const Master& m = st.masters.at("m");
  EXPECT_EQ(m.replicas.at("10.0.0.2:6379").down_after_ms, 5000);
  EXPECT_EQ(m.Command("config"), "xconfig");
  SentinelState again;
  const std::string text = RenderSentinelConfig(st);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::vector<std::string> w = Words(text.substr(pos, nl - pos));
    ASSERT_EQ(w[0], "sentinel");
    w.erase(w.begin());
    ASSERT_TRUE(ApplySentinelConfig(again, w, 1000).ok()) << text.substr(pos, nl - pos);
    pos = nl + 1;
  }
  EXPECT_EQ(RenderSentinelConfig(again), text);
  EXPECT_NE(text.find("sentinel known-sentinel m 10.0.0.9 26379 " + sid + "\n"), std::string::npos);
  EXPECT_NE(text.find("sentinel down-after-milliseconds m 5000\n"), std::string::npos);
}

TEST(SentinelConf, RejectsBadDirectivesWithRedisTexts) {
  SentinelState st;
  EXPECT_EQ(Apply(st, "monitor m 1.2.3.4 6379 0").error(), "Quorum must be 1 or greater.");
  ASSERT_TRUE(Apply(st, "monitor m 1.2.3.4 6379 1").ok());
  EXPECT_EQ(Apply(st, "monitor m 1.2.3.4 6379 1").error(), "Duplicate master name.");
  EXPECT_EQ(Apply(st, "down-after-milliseconds nosuch 5").error(),
            "No such master with specified name.");
  EXPECT_EQ(Apply(st, "down-after-milliseconds m 0").error(), "negative or zero time parameter.");
  EXPECT_EQ(Apply(st, "myid abc").error(), "Malformed Sentinel id in myid option.");
  EXPECT_EQ(Apply(st, "frobnicate").error(), "Unrecognized sentinel configuration statement.");
  EXPECT_EQ(Apply(st, "deny-scripts-reconfig maybe").error(),
            "Please specify yes or no for the deny-scripts-reconfig options.");
  EXPECT_EQ(Apply(st, "known-replica m 1.2.3.4 99999").error(), "Invalid port number.");
  ASSERT_TRUE(Apply(st, "known-replica m 1.2.3.4 7000").ok());
  EXPECT_EQ(Apply(st, "known-replica m 1.2.3.4 7000").error(),
            "Duplicate hostname and port for replica.");
  ASSERT_TRUE(Apply(st, "rename-command m config c1").ok());
  EXPECT_EQ(Apply(st, "rename-command m CONFIG c2").error(),
            "Same command renamed multiple times with rename-command.");
  EXPECT_EQ(Apply(st, "resolve-hostnames maybe").error(),
            "Please specify yes or no for the resolve-hostnames option.");
}

TEST(SentinelConf, HostnamesNeedResolveHostnamesBeforeThem) {
  SentinelState st;
  EXPECT_EQ(Apply(st, "monitor m db.example 6379 1").error(), "Can't resolve instance hostname.");
  ASSERT_TRUE(Apply(st, "monitor m 1.2.3.4 6379 1").ok());
  EXPECT_EQ(Apply(st, "known-replica m db.example 7000").error(),
            "Can't resolve instance hostname.");
  EXPECT_EQ(Apply(st, "known-sentinel m db.example 26379 " + std::string(40, 'a')).error(),
            "Can't resolve instance hostname.");
  ASSERT_TRUE(Apply(st, "resolve-hostnames yes").ok());
  // Taken even when DNS does not know the name yet: it is resolved again on every reconnect.
  EXPECT_TRUE(Apply(st, "monitor n not-yet.example 6379 1").ok());
  EXPECT_TRUE(Apply(st, "known-replica m db.example 7000").ok());
}

TEST(SentinelConf, LoadsDirectivesInRedisOrderWhateverTheirPlaceInTheFile) {
  SentinelState st;
  std::vector<std::vector<std::string>> lines = {
      Words("known-replica m 10.0.0.2 6379"), Words("config-epoch m 3"),
      Words("monitor m 10.0.0.1 6379 2"), Words("myid " + std::string(40, 'a')),
      Words("current-epoch 2")};
  ASSERT_TRUE(ApplySentinelConfigLines(st, lines, 1000).ok());
  EXPECT_EQ(st.current_epoch, 3u);
  EXPECT_EQ(st.masters.at("m").replicas.size(), 1u);
  size_t failed = 99;
  lines.push_back(Words("parallel-syncs nosuch 2"));
  SentinelState other;
  EXPECT_EQ(ApplySentinelConfigLines(other, lines, 1000, &failed).error(),
            "No such master with specified name.");
  EXPECT_EQ(failed, 5u);
}

}  // namespace
}  // namespace slotd::sentinel
