// What a replica refuses (without a replication subsystem: the in-process harness), and REPLICAOF's
// argument checks. Texts verified on redis-server 7.0.15.
#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

TEST(ReplicaRules, ReadOnlyReplicaRefusesWritesButServesReads) {
  test::CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_EQ(h.Run({"REPLICAOF", "127.0.0.1", "1"}), test::Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "k", "w"}),
            test::Err("READONLY You can't write against a read only replica."));
  EXPECT_EQ(h.Run({"GET", "k"}), test::Bulk("v"));
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"SET", "k", "w"}),
            test::Err("READONLY You can't write against a read only replica."));
  EXPECT_EQ(h.Run({"EXEC"}),
            test::Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "replica-read-only", "no"}), test::Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "k", "w"}), test::Simple("OK"));
}

TEST(ReplicaRules, StaleDataRefusedWhenConfiguredSo) {
  test::CommandHarness h;
  h.Run({"CONFIG", "SET", "replica-serve-stale-data", "no"});
  h.Run({"REPLICAOF", "127.0.0.1", "1"});
  EXPECT_EQ(
      h.Run({"GET", "x"}),
      test::Err(
          "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."));
  EXPECT_EQ(h.Run({"ROLE"}),
            "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:1\r\n$7\r\nconnect\r\n:-1\r\n");
  EXPECT_EQ(h.Run({"REPLICAOF", "127.0.0.1", "1"}),
            test::Simple("OK Already connected to specified master"));
  EXPECT_EQ(h.Run({"REPLICAOF", "NO", "ONE"}), test::Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "x"}), test::NullBulk());
}

TEST(ReplicaRules, WaitIsRefusedOnAReplica) {
  test::CommandHarness h;
  h.Run({"REPLICAOF", "127.0.0.1", "1"});
  EXPECT_EQ(h.Run({"WAIT", "1", "0"}), test::Err("ERR WAIT cannot be used with replica instances. "
                                                 "Please also note that since Redis 4.0 if a "
                                                 "replica is configured to be writable (which is "
                                                 "not the default) writes to replicas are just "
                                                 "local and are not propagated."));
}

TEST(ReplicaRules, MasterRefusesWritesWithoutEnoughGoodReplicas) {
  test::CommandHarness h;
  h.Run({"CONFIG", "SET", "min-replicas-to-write", "1"});
  EXPECT_EQ(h.Run({"SET", "k", "v"}), test::Err("NOREPLICAS Not enough good replicas to write."));
  EXPECT_EQ(h.Run({"GET", "k"}), test::NullBulk());
}

TEST(ReplicaRules, ReplicaofPortMustBeInRange) {
  test::CommandHarness h;
  for (const char* port : {"abc", "70000", "-1"}) {
    EXPECT_EQ(h.Run({"REPLICAOF", "localhost", port}), test::Err("ERR Invalid master port"));
  }
}

}  // namespace
}  // namespace slotd
