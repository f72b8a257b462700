// Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX XX GT LT, TTL PTTL EXPIRETIME
// PEXPIRETIME, PERSIST. Every expected reply was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

TEST(ExpireCommands, ExpireSetsTtlAndKeyExpires) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"EXPIRE", "nokey", "100"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "10"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(10));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(10000));
  h.AdvanceTime(9999);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(0));  // seconds round to nearest
  h.AdvanceTime(2);
  EXPECT_EQ(h.Run({"GET", "k"}), NullBulk());
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-2));
}

TEST(ExpireCommands, TtlRoundsToNearestSecond) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "1499"}), Simple("OK"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(1));
  EXPECT_EQ(h.Run({"PEXPIRE", "k", "1500"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(2));
}

TEST(ExpireCommands, AbsoluteForms) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PEXPIREAT", "k", "99999999999999"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int(100000000000));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(99999999999999));
  int64_t at = h.now() / 1000 + 30;
  EXPECT_EQ(h.Run({"EXPIREAT", "k", std::to_string(at)}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int(at));
  EXPECT_EQ(h.Run({"PEXPIREAT", "k", "9223372036854775807"}), Int(1));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(9223372036854775807));
}

TEST(ExpireCommands, TtlFamilyForMissingAndPersistentKeys) {
  CommandHarness h;
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(h.Run({cmd, "nokey"}), Int(-2)) << cmd;
  }
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(h.Run({cmd, "k"}), Int(-1)) << cmd;
  }
}

TEST(ExpireCommands, PastTimeDeletesTheKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "v"}), Simple("OK"));
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"EXPIRE", "a", "-1"}), Int(1));
  EXPECT_EQ(h.server().dirty, before + 1);
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "b", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PEXPIREAT", "b", "1"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "b"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "c", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "c", "-9223372036854775"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "c"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "d", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PEXPIREAT", "d", std::to_string(h.now())}), Int(1));  // "now" is already past
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
}

TEST(ExpireCommands, OverflowIsAnInvalidExpireTime) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "9223372036854775"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "-9223372036854775808"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"PEXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(h.Run({"EXPIREAT", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"EXPIRE", "nokey", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));  // checked before the lookup
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
}

TEST(ExpireCommands, ConditionFlags) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "XX"}), Int(0));  // no TTL yet
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "GT"}), Int(0));  // no TTL counts as infinite
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "LT"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "200", "lt"}), Int(0));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "XX"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "50", "LT"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(50));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "50", "GT"}), Int(0));  // equal is not greater
  EXPECT_EQ(h.Run({"EXPIRE", "k", "300", "GT"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "200", "NX"}), Int(0));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(300));
  EXPECT_EQ(h.Run({"SET", "n", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PEXPIRE", "n", "2000", "NX"}), Int(1));
  EXPECT_EQ(h.Run({"PTTL", "n"}), Int(2000));
  EXPECT_EQ(h.Run({"EXPIRE", "n", "100", "XX", "GT"}), Int(1));
}

TEST(ExpireCommands, ConditionFlagErrors) {
  CommandHarness h;
  const std::string nx_conflict =
      Err("ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "NX", "XX"}), nx_conflict);
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "NX", "GT"}), nx_conflict);
  EXPECT_EQ(h.Run({"EXPIRE", "nokey", "100", "LT", "NX"}), nx_conflict);
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "GT", "LT"}),
            Err("ERR GT and LT options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "abc", "xx", "Bar"}), Err("ERR Unsupported option Bar"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
}

TEST(ExpireCommands, PersistRemovesTheTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"PERSIST", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10"}), Simple("OK"));
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(h.server().dirty, before + 1);
  EXPECT_EQ(h.Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  h.AdvanceTime(20'000);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
}

TEST(ExpireCommands, ExpireOnReplicaKeepsTheKey) {
  Config config;
  config.replicaof_host = "127.0.0.1";
  config.replicaof_port = 1;
  config.replica_read_only = false;  // a read-only replica refuses EXPIRE with -READONLY
  CommandHarness h(config);
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "-1"}), Int(1));
  EXPECT_EQ(h.server().db(0).size(), 1u);  // logically expired, deleted when the master says so
}

TEST(ExpireCommands, ExpireChangesAbortWatchers) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"WATCH", "k"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

}  // namespace
}  // namespace slotd::test
