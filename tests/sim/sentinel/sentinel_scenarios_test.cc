// Sentinel failure stories, one test each, on the simulator; invariants are checked at every step
// (I1-I5 here are SI1-SI5 in cluster/README.md: one leader per epoch, one vote per sentinel per
// epoch, one promotion per epoch, epochs never decrease, no failover attempt without ODOWN).
#include <gtest/gtest.h>

#include "tests/sim/sentinel/sentinel_sim.h"

namespace slotd::sim {
namespace {

const char* TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

void ExpectNoViolations(const SentinelSim& sim) {
  for (const std::string& v : sim.violations()) ADD_FAILURE() << v;
}

// The replica a finished failover left as master, or -1.
int CurrentDataMaster(SentinelSim& sim) {
  int found = -1;
  for (int i = 0; i < sim.data_count(); ++i) {
    if (sim.data(i).alive && sim.data(i).is_master) found = found == -1 ? i : -2;
  }
  return found;
}

TEST(SimSentinel, DiscoveryFindsReplicasAndSentinels) {
  SentinelSim sim(SentinelSeed(11, TestName()), SentinelSimOptions{});
  sim.RunFor(15000);
  for (int s = 0; s < sim.sentinel_count(); ++s) {
    const auto* m = sim.node(s).state().FindMaster(SentinelSim::kMasterName);
    EXPECT_EQ(m->replicas.size(), 2u) << "sentinel " << s;
    EXPECT_EQ(m->sentinels.size(), 2u) << "sentinel " << s;
  }
  EXPECT_EQ(sim.CountEvents(-1, "+sdown"), 0);
  ExpectNoViolations(sim);
}

TEST(SimSentinel, MasterCrashLeadsToExactlyOneFailover) {
  SentinelSim sim(SentinelSeed(21, TestName()), SentinelSimOptions{});
  sim.RunFor(15000);
  sim.Crash(0);
  const bool converged = sim.RunUntil(
      [&] {
        const int m = CurrentDataMaster(sim);
        return m > 0 && sim.AllReport(sim.data(m).addr);
      },
      60000);
  ASSERT_TRUE(converged);
  sim.RunFor(20000);  // the other replica follows the new master
  const int m = CurrentDataMaster(sim);
  ASSERT_GT(m, 0);
  EXPECT_EQ(sim.promotions().size(), 1u);
  for (int i = 1; i < sim.data_count(); ++i) {
    if (i != m) {
      EXPECT_EQ(sim.data(i).master_of, sim.data(m).addr);
    }
  }
  EXPECT_EQ(sim.CountEvents(-1, "+elected-leader"), 1);
  EXPECT_EQ(sim.CountEvents(-1, "+switch-master"), sim.sentinel_count());
  ExpectNoViolations(sim);
}

TEST(SimSentinel, OdownNeedsQuorum) {
  SentinelSimOptions o;
  o.quorum = 2;
  SentinelSim sim(SentinelSeed(31, TestName()), o);
  sim.RunFor(15000);
  sim.Cut(sim.sentinel_addr(0), sim.data(0).addr);  // only sentinel 0 loses the master
  sim.RunFor(40000);
  EXPECT_GE(sim.CountEvents(0, "+sdown master"), 1);
  EXPECT_EQ(sim.CountEvents(-1, "+odown"), 0);
  EXPECT_EQ(sim.CountEvents(-1, "+try-failover"), 0);
  EXPECT_TRUE(sim.AllReport(sim.data(0).addr));
  ExpectNoViolations(sim);
}

TEST(SimSentinel, OneLeaderPerEpochUnderContention) {
  for (uint64_t seed : {41u, 42u, 43u, 44u, 45u}) {
    SentinelSimOptions o;
    o.sentinels = 5;
    o.quorum = 2;
    o.max_delay_ms = 60;
    o.loss = 0.02;
    SentinelSim sim(SentinelSeed(seed, TestName()), o);
    sim.RunFor(15000);
    sim.Crash(0);
    sim.RunFor(120000);
    const int m = CurrentDataMaster(sim);
    ASSERT_GT(m, 0) << "seed " << seed;
    EXPECT_TRUE(sim.AllReport(sim.data(m).addr)) << "seed " << seed;
    ExpectNoViolations(sim);
  }
}

TEST(SimSentinel, PartitionedSentinelCannotFailoverAlone) {
  SentinelSimOptions o;
  o.quorum = 1;  // it reaches ODOWN by itself, but no majority votes for it
  SentinelSim sim(SentinelSeed(51, TestName()), o);
  sim.RunFor(15000);
  for (const Address& other : {sim.sentinel_addr(1), sim.sentinel_addr(2), sim.data(0).addr}) {
    sim.Cut(sim.sentinel_addr(0), other);
  }
  sim.RunFor(60000);
  EXPECT_GE(sim.CountEvents(0, "+try-failover"), 1);
  EXPECT_EQ(sim.CountEvents(0, "+elected-leader"), 0);
  EXPECT_GE(sim.CountEvents(0, "-failover-abort-not-elected"), 1);
  EXPECT_TRUE(sim.AllReport(sim.data(0).addr));
  EXPECT_EQ(CurrentDataMaster(sim), 0);
  ExpectNoViolations(sim);
}

TEST(SimSentinel, ReturningOldMasterIsConvertedToReplica) {
  SentinelSim sim(SentinelSeed(61, TestName()), SentinelSimOptions{});
  sim.RunFor(15000);
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] { return CurrentDataMaster(sim) > 0; }, 60000));
  const int m = CurrentDataMaster(sim);
  sim.RunFor(10000);
  sim.Restart(0);  // still configured as a master
  ASSERT_TRUE(sim.RunUntil([&] { return !sim.data(0).is_master; }, 60000));
  EXPECT_EQ(sim.data(0).master_of, sim.data(m).addr);
  EXPECT_GE(sim.CountEvents(-1, "+convert-to-slave slave 127.0.0.1:6379"), 1);
  sim.RunFor(20000);
  EXPECT_TRUE(sim.AllReport(sim.data(m).addr));
  EXPECT_EQ(sim.CountEvents(-1, "-sdown slave 127.0.0.1:6379"), sim.sentinel_count());
  ExpectNoViolations(sim);
}

TEST(SimSentinel, PriorityZeroReplicaIsNeverChosen) {
  SentinelSim sim(SentinelSeed(71, TestName()), SentinelSimOptions{});
  sim.data(2).priority = 0;  // replica 2 has the freshest offset but must not be promoted
  sim.RunFor(15000);
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] { return sim.AllReport(sim.data(1).addr); }, 60000));
  EXPECT_FALSE(sim.data(2).is_master);
  sim.RunFor(20000);
  EXPECT_EQ(sim.data(2).master_of, sim.data(1).addr);
  ExpectNoViolations(sim);
}

TEST(SimSentinel, OnlyPriorityZeroReplicasMeansNoFailover) {
  SentinelSim sim(SentinelSeed(72, TestName()), SentinelSimOptions{});
  sim.data(1).priority = 0;
  sim.data(2).priority = 0;
  sim.RunFor(15000);
  sim.Crash(0);
  sim.RunFor(60000);
  EXPECT_GE(sim.CountEvents(-1, "-failover-abort-no-good-slave"), 1);
  EXPECT_EQ(sim.CountEvents(-1, "+selected-slave"), 0);
  EXPECT_TRUE(sim.AllReport(sim.data(0).addr));
  ExpectNoViolations(sim);
}

TEST(SimSentinel, StuckPromotionTimesOutAndIsRetried) {
  SentinelSim sim(SentinelSeed(81, TestName()), SentinelSimOptions{});
  sim.data(2).ignore_promotions = 1;  // the best replica swallows the first SLAVEOF NO ONE
  sim.RunFor(15000);
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] { return sim.CountEvents(-1, "-failover-abort-slave-timeout") > 0; },
                           60000));
  EXPECT_EQ(sim.promotions().size(), 0u);
  // The retry waits 2 * failover-timeout from the first attempt, in a new epoch.
  ASSERT_TRUE(sim.RunUntil([&] { return CurrentDataMaster(sim) > 0; }, 90000));
  sim.RunFor(10000);
  ASSERT_EQ(sim.promotions().size(), 1u);
  EXPECT_GE(sim.promotions().begin()->first, 2u);
  EXPECT_TRUE(sim.AllReport(sim.data(CurrentDataMaster(sim)).addr));
  ExpectNoViolations(sim);
}

TEST(SimSentinel, ClockJumpPutsSentinelInTiltAndHoldsItsVote) {
  SentinelSimOptions o;
  o.quorum = 3;  // every sentinel must agree, so the tilted one holds the failover back
  SentinelSim sim(SentinelSeed(91, TestName()), o);
  sim.RunFor(15000);
  sim.JumpClock(0, 10000);
  sim.RunFor(200);
  EXPECT_EQ(sim.CountEvents(0, "+tilt #tilt mode entered"), 1);
  sim.Crash(0);
  sim.RunFor(20000);
  EXPECT_EQ(sim.CountEvents(0, "+sdown master"), 0);
  EXPECT_EQ(sim.CountEvents(-1, "+odown"), 0);
  ASSERT_TRUE(sim.RunUntil([&] { return CurrentDataMaster(sim) > 0; }, 60000));
  EXPECT_EQ(sim.CountEvents(0, "-tilt #tilt mode exited"), 1);
  ExpectNoViolations(sim);
}

TEST(SimSentinel, SameSeedReplaysTheSameTrace) {
  SentinelSimOptions o;
  o.max_delay_ms = 40;
  o.loss = 0.01;
  uint64_t hashes[2];
  for (uint64_t& h : hashes) {
    SentinelSim sim(SentinelSeed(101, TestName()), o);
    sim.RunFor(10000);
    sim.Crash(0);
    sim.RunFor(40000);
    h = sim.TraceHash();
  }
  EXPECT_EQ(hashes[0], hashes[1]);
}

}  // namespace
}  // namespace slotd::sim

namespace slotd::sim {
namespace {

TEST(SimSentinel, RestartedSentinelResumesFromItsSavedConfig) {
  SentinelSim sim(SentinelSeed(111, TestName()), SentinelSimOptions{});
  sim.RunFor(15000);
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] { return CurrentDataMaster(sim) > 0; }, 60000));
  sim.RunFor(10000);
  const int m = CurrentDataMaster(sim);
  const uint64_t epoch = sim.node(2).state().current_epoch;
  const std::string id = sim.node(2).myid();
  sim.RestartSentinel(2);
  EXPECT_EQ(sim.node(2).myid(), id);
  EXPECT_EQ(sim.node(2).state().current_epoch, epoch);
  EXPECT_EQ(sim.node(2).GetMasterAddrByName(SentinelSim::kMasterName), sim.data(m).addr);
  const auto* master = sim.node(2).state().FindMaster(SentinelSim::kMasterName);
  EXPECT_EQ(master->replicas.size(), 2u);
  EXPECT_EQ(master->sentinels.size(), 2u);
  sim.RunFor(20000);
  EXPECT_TRUE(sim.AllReport(sim.data(m).addr));
  EXPECT_EQ(sim.CountEvents(2, "+sentinel "), 2);  // only the first run discovered them
  ExpectNoViolations(sim);
}

TEST(SimSentinel, LeaderCrashingAfterElectionIsReplacedInALaterEpoch) {
  SentinelSim sim(SentinelSeed(121, TestName()), SentinelSimOptions{});
  sim.RunFor(15000);
  sim.Crash(0);
  ASSERT_TRUE(sim.RunUntil([&] { return sim.CountEvents(-1, "+elected-leader") > 0; }, 60000));
  int leader = 0;
  while (sim.CountEvents(leader, "+elected-leader") == 0) ++leader;
  sim.CrashSentinel(leader);
  // The others voted for it, so they hold back for 2 * failover-timeout, then elect a new leader.
  ASSERT_TRUE(sim.RunUntil([&] { return CurrentDataMaster(sim) > 0; }, 90000));
  sim.RunFor(5000);
  EXPECT_EQ(sim.CountEvents(-1, "+elected-leader"), 2);
  EXPECT_EQ(sim.CountEvents(leader, "+elected-leader"), 1);
  ASSERT_EQ(sim.promotions().size(), 1u);
  EXPECT_GE(sim.promotions().begin()->first, 2u);
  sim.RestartSentinel(leader);  // it learns the new master from the others' hellos
  const int m = CurrentDataMaster(sim);
  EXPECT_TRUE(sim.RunUntil([&] { return sim.AllReport(sim.data(m).addr); }, 30000));
  ExpectNoViolations(sim);
}

int CrashedSentinels(const SentinelSim& sim) {
  int n = 0;
  for (int s = 0; s < sim.sentinel_count(); ++s) n += sim.sentinel_alive(s) ? 0 : 1;
  return n;
}

// Random crashes (data servers and sentinels), restarts, partitions and clock jumps; then
// everything heals and the sentinels must agree on one live master.
TEST(SimSentinelRandom, InvariantsHoldUnderRandomFaults) {
  for (uint64_t base = 1; base <= 8; ++base) {
    const uint64_t seed = SentinelSeed(1000 + base, TestName());
    Rng faults(seed ^ 0x5eed);
    SentinelSimOptions o;
    o.sentinels = 3 + 2 * static_cast<int>(faults.Below(2));
    o.quorum = 2 + static_cast<int>(faults.Below(2));
    o.max_delay_ms = 5 + static_cast<int64_t>(faults.Below(50));
    o.loss = static_cast<double>(faults.Below(3)) / 100;
    SentinelSim sim(seed, o);
    sim.RunFor(15000);
    for (int step = 0; step < 20; ++step) {
      const int d = static_cast<int>(faults.Below(static_cast<uint64_t>(sim.data_count())));
      const int s = static_cast<int>(faults.Below(static_cast<uint64_t>(sim.sentinel_count())));
      switch (faults.Below(7)) {
        case 0:  // keep at least one data server alive
          if (sim.data(d).alive && CurrentDataMaster(sim) != -1) sim.Crash(d);
          break;
        case 1:
          if (!sim.data(d).alive) sim.Restart(d);
          break;
        case 2:
          sim.Cut(sim.sentinel_addr(s), sim.data(d).addr);
          break;
        case 3:
          sim.Heal();
          break;
        case 4:  // at most one sentinel down at a time
          if (CrashedSentinels(sim) == 0) sim.CrashSentinel(s);
          break;
        case 5:
          if (!sim.sentinel_alive(s)) sim.RestartSentinel(s);
          break;
        default:
          sim.JumpClock(s, 3000);
      }
      sim.RunFor(2000 + static_cast<int64_t>(faults.Below(8000)));
    }
    sim.Heal();
    for (int d = 0; d < sim.data_count(); ++d) {
      if (!sim.data(d).alive) sim.Restart(d);
    }
    for (int s = 0; s < sim.sentinel_count(); ++s) {
      if (!sim.sentinel_alive(s)) sim.RestartSentinel(s);
    }
    const bool agreed = sim.RunUntil(
        [&] {
          const int m = CurrentDataMaster(sim);
          return m >= 0 && sim.AllReport(sim.data(m).addr);
        },
        300000);
    EXPECT_TRUE(agreed) << "seed " << seed;
    ExpectNoViolations(sim);
  }
}

}  // namespace
}  // namespace slotd::sim
