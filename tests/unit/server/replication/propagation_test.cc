// The replication/AOF command stream: which commands propagate, and the rewritten forms Redis 7.0 sends
// (verified with `redis-cli --replica` against redis-server 7.0.15).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

using Lines = std::vector<std::string>;

class PropagationTest : public ::testing::Test {
 protected:
  PropagationTest() { h.CapturePropagation(); }
  CommandHarness h;  // now = 1700000000000 ms
};

TEST_F(PropagationTest, WriteIsPropagatedVerbatimAndReadsAreNot) {
  h.Run({"set", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"EXISTS", "a"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:set a 1"}));
}

TEST_F(PropagationTest, WritesThatChangeNothingPropagateNothing) {
  h.Run({"SADD", "s", "x"});
  h.TakePropagated();
  EXPECT_EQ(h.Run({"DEL", "missing"}), Int(0));
  EXPECT_EQ(h.Run({"SADD", "s", "x"}), Int(0));
  EXPECT_EQ(h.Run({"EXPIRE", "missing", "10"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "s", "v", "NX"}), NullBulk());
  EXPECT_EQ(h.TakePropagated(), Lines{});
}

TEST_F(PropagationTest, ExpireFamilyBecomesAbsolutePexpireat) {
  h.Run({"SET", "a", "1"});
  h.Run({"EXPIRE", "a", "100"});
  h.Run({"PEXPIRE", "a", "100000"});
  h.Run({"EXPIREAT", "a", "1800000000"});
  h.Run({"PEXPIREAT", "a", "1800000000001"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET a 1", "0:PEXPIREAT a 1700000100000", "0:PEXPIREAT a 1700000100000",
                                       "0:PEXPIREAT a 1800000000000", "0:PEXPIREAT a 1800000000001"}));
}

TEST_F(PropagationTest, ExpireInThePastBecomesDel) {
  h.Run({"SET", "a", "1"});
  h.TakePropagated();
  EXPECT_EQ(h.Run({"EXPIRE", "a", "-1"}), Int(1));
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:DEL a"}));
}

TEST_F(PropagationTest, SetWithRelativeExpiryBecomesSetPxat) {
  h.Run({"SET", "b", "v", "EX", "100"});
  h.Run({"SETEX", "c", "100", "v"});
  h.Run({"PSETEX", "c", "5", "v"});
  h.Run({"SET", "d", "v", "PX", "1000", "GET", "NX"});
  h.Run({"SET", "e", "v", "EXAT", "1800000000"});
  h.Run({"SET", "f", "v", "PXAT", "1800000000000", "GET"});
  EXPECT_EQ(h.TakePropagated(),
            (Lines{"0:SET b v PXAT 1700000100000", "0:SET c v PXAT 1700000100000", "0:SET c v PXAT 1700000000005",
                   "0:SET d v PXAT 1700000001000", "0:SET e v PXAT 1800000000000",
                   "0:SET f v PXAT 1800000000000"}));
}

TEST_F(PropagationTest, GetSetBecomesSet) {
  h.Run({"SET", "x", "5"});
  h.Run({"GETSET", "x", "6"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET x 5", "0:SET x 6"}));
}

TEST_F(PropagationTest, FloatIncrementsPropagateTheResult) {
  h.Run({"INCRBYFLOAT", "f", "1.5"});
  h.Run({"HINCRBYFLOAT", "h", "f", "2.5"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET f 1.5 KEEPTTL", "0:HSET h f 2.5"}));
}

TEST_F(PropagationTest, GetDelAndGetExBecomeDelPexpireatPersist) {
  h.Run({"SET", "g", "v"});
  h.Run({"GETDEL", "g"});
  h.Run({"GETDEL", "g"});
  h.Run({"SET", "g", "v"});
  h.Run({"GETEX", "g", "EX", "100"});
  h.Run({"GETEX", "g", "PERSIST"});
  h.Run({"GETEX", "g", "PERSIST"});  // no TTL any more: nothing changes
  h.Run({"GETEX", "g"});
  h.Run({"GETEX", "g", "PXAT", "5"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET g v", "0:DEL g", "0:SET g v", "0:PEXPIREAT g 1700000100000",
                                       "0:PERSIST g", "0:DEL g"}));
}

TEST_F(PropagationTest, SpopBecomesSremOrDelOfTheWholeSet) {
  h.Run({"SADD", "s", "a", "b", "c", "d"});
  h.TakePropagated();
  std::string one = h.Run({"SPOP", "s"});
  Lines lines = h.TakePropagated();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "0:SREM s " + one.substr(one.find('\n') + 1, 1));
  h.Run({"SPOP", "s", "2"});
  lines = h.TakePropagated();
  ASSERT_EQ(lines.size(), 4u);  // one SREM per member, atomically
  EXPECT_EQ(lines[0], "0:MULTI");
  EXPECT_EQ(lines[1].substr(0, 7), "0:SREM ");
  EXPECT_EQ(lines[2].substr(0, 7), "0:SREM ");
  EXPECT_EQ(lines[3], "0:EXEC");
  h.Run({"SPOP", "s", "5"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:DEL s"}));
}

TEST_F(PropagationTest, BlockingPopsServedAtOnceUseNonBlockingForms) {
  h.Run({"RPUSH", "l", "a", "b", "c", "d"});
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  h.TakePropagated();
  h.Run({"BLPOP", "missing", "l", "0"});
  h.Run({"BRPOP", "l", "0"});
  h.Run({"BLMOVE", "l", "l3", "left", "right", "0"});
  h.Run({"BRPOPLPUSH", "l3", "l", "0"});
  h.Run({"BLMPOP", "0", "1", "l", "left"});
  h.Run({"LMPOP", "1", "l", "RIGHT", "COUNT", "5"});
  h.Run({"BZPOPMIN", "z", "0"});
  h.Run({"BZMPOP", "0", "1", "z", "max"});
  h.Run({"ZMPOP", "1", "z", "MIN", "COUNT", "3"});
  EXPECT_EQ(h.TakePropagated(),
            (Lines{"0:LPOP l", "0:RPOP l", "0:LMOVE l l3 left right", "0:RPOPLPUSH l3 l", "0:LPOP l 1",
                   "0:RPOP l 5", "0:ZPOPMIN z", "0:ZPOPMAX z 1", "0:ZPOPMIN z 3"}));
}

TEST_F(PropagationTest, BlockedClientServedLaterPropagatesAfterThePush) {
  Client& other = h.NewClient();
  h.RunAs(other, {"BLPOP", "l", "0"});
  EXPECT_EQ(h.TakePropagated(), Lines{});
  h.Run({"RPUSH", "l", "x"});
  EXPECT_EQ(h.TakeOutput(other), BulkArr({"l", "x"}));
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:RPUSH l x", "0:LPOP l"}));
}

TEST_F(PropagationTest, ExecWrapsOnlyWhenSeveralCommandsPropagate) {
  h.Run({"MULTI"});
  h.Run({"SET", "m1", "a"});
  h.Run({"EXEC"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET m1 a"}));
  h.Run({"MULTI"});
  h.Run({"SET", "m1", "a"});
  h.Run({"GET", "m1"});
  h.Run({"SET", "m2", "b"});
  h.Run({"EXEC"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:MULTI", "0:SET m1 a", "0:SET m2 b", "0:EXEC"}));
  h.Run({"MULTI"});
  h.Run({"GET", "m1"});
  h.Run({"DEL", "nokey"});
  h.Run({"EXEC"});
  EXPECT_EQ(h.TakePropagated(), Lines{});
}

TEST_F(PropagationTest, PublishGoesToReplicasOnlyAlsoInsideExec) {
  h.Run({"PUBLISH", "ch", "hello"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:PUBLISH ch hello (replicas only)"}));
  h.Run({"MULTI"});
  h.Run({"SET", "k", "v"});
  h.Run({"PUBLISH", "ch", "set"});
  h.Run({"EXEC"});
  EXPECT_EQ(h.TakePropagated(),
            (Lines{"0:MULTI", "0:SET k v", "0:PUBLISH ch set (replicas only)", "0:EXEC"}));
}

TEST_F(PropagationTest, NothingIsRecordedForATargetNobodyConsumes) {
  Server::PropagationTarget wanted = Server::kToAof;  // AOF on, no replicas
  h.server().propagation_wanted = [&](Server::PropagationTarget to) { return (to & wanted) != 0; };
  h.Run({"SET", "k", "v"});
  h.Run({"PUBLISH", "ch", "m"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:SET k v"}));
  wanted = Server::PropagationTarget{};  // neither: a plain server pays no copy per write
  h.Run({"SET", "k", "w"});
  h.Run({"PEXPIRE", "k", "1"});
  h.AdvanceTime(10);
  EXPECT_EQ(h.Run({"GET", "k"}), NullBulk());  // lazy expiry would propagate a DEL
  EXPECT_EQ(h.TakePropagated(), Lines{});
}

TEST_F(PropagationTest, ExecCarriesTheDbOfEachCommand) {
  h.Run({"SELECT", "3"});
  h.Run({"MULTI"});
  h.Run({"DEL", "nokey"});
  h.Run({"INCRBYFLOAT", "fl", "1"});
  h.Run({"SELECT", "4"});
  h.Run({"SET", "k", "v"});
  h.Run({"EXEC"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"3:MULTI", "3:SET fl 1 KEEPTTL", "4:SET k v", "4:EXEC"}));
}

TEST_F(PropagationTest, LazyExpiryPropagatesDelBeforeTheCommand) {
  h.Run({"SET", "x", "1", "PX", "50"});
  h.Run({"SET", "y", "1", "PX", "50"});
  h.TakePropagated();
  h.AdvanceTime(100);
  EXPECT_EQ(h.Run({"GET", "x"}), NullBulk());
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:DEL x"}));
  h.Run({"SET", "y", "2"});  // Redis 7.0 emits the DEL on its own, not wrapped with the SET
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:DEL y", "0:SET y 2"}));
}

TEST_F(PropagationTest, ActiveExpiryPropagatesDelInItsDb) {
  h.Run({"SELECT", "2"});
  h.Run({"SET", "k", "v", "PX", "10"});
  h.TakePropagated();
  h.AdvanceTime(20);
  h.server().db(2).ActiveExpireCycle([] { return true; });
  EXPECT_EQ(h.TakePropagated(), (Lines{"2:DEL k"}));
}

TEST_F(PropagationTest, FlushIsPropagatedEvenWhenEmpty) {
  h.Run({"FLUSHDB"});
  h.Run({"FLUSHALL", "ASYNC"});
  EXPECT_EQ(h.TakePropagated(), (Lines{"0:FLUSHDB", "0:FLUSHALL ASYNC"}));
}

}  // namespace
}  // namespace slotd::test
