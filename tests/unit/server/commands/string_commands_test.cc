// String commands that read or replace whole values (GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX
// MGET MSET MSETNX). Every expected reply was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"
#include "tests/unit/server/commands/keyspace_test_util.h"

namespace slotd::test {
namespace {


TEST(StringCommands, GetReturnsValueOrNull) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"GET", "k"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "k", "hello"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("hello"));
  EXPECT_EQ(h.Run({"SET", "empty", ""}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "empty"}), Bulk(""));
}

TEST(StringCommands, GetMissingIsResp3Null) {
  CommandHarness h;
  h.client().reply.set_protocol(3);
  EXPECT_EQ(h.Run({"GET", "k"}), "_\r\n");
}

TEST(StringCommands, GetOnOtherTypeIsWrongType) {
  CommandHarness h;
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"GET", "l"}), kWrongTypeErr);
}

TEST(StringCommands, ArityErrorsNameTheCommand) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"SET", "k"}), Err("ERR wrong number of arguments for 'set' command"));
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(h.Run({"MSETNX", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'msetnx' command"));
}

TEST(StringCommands, SetOverwritesAnyTypeAndDropsTtl) {
  CommandHarness h;
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"SET", "l", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "l"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "k", "v2"}), Simple("OK"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
}

TEST(StringCommands, SetNxAndXxConditions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "XX"}), NullBulk());
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "v", "nx"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "k", "v2", "NX"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "k", "v3", "XX"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v3"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "NX", "NX"}), NullBulk());  // a repeated option is accepted
}

TEST(StringCommands, SetConflictingOptionsAreSyntaxErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "NX", "XX"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10", "PX", "100"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10", "KEEPTTL"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "PERSIST"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "abc", "foo"}),
            kSyntaxErr);  // syntax is checked before numbers
  EXPECT_EQ(h.Run({"SET", "k", "v", "FOO"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringCommands, SetExpireOptionsSetTheTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "v", "EX", "10", "EX", "20"}), Simple("OK"));  // the last one wins
  EXPECT_EQ(h.Run({"TTL", "a"}), Int(20));
  EXPECT_EQ(h.Run({"SET", "b", "v", "PX", "1500"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "b"}), Int(1500));
  int64_t now_s = h.now() / 1000;
  EXPECT_EQ(h.Run({"SET", "c", "v", "EXAT", std::to_string(now_s + 50)}), Simple("OK"));
  EXPECT_EQ(h.Run({"EXPIRETIME", "c"}), Int(now_s + 50));
  EXPECT_EQ(h.Run({"SET", "d", "v", "PXAT", std::to_string(h.now() + 700)}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "d"}), Int(700));
  h.AdvanceTime(1501);
  EXPECT_EQ(h.Run({"GET", "b"}), NullBulk());
  EXPECT_EQ(h.Run({"GET", "d"}), NullBulk());
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("v"));
}

TEST(StringCommands, SetWithPastAbsoluteTimeLeavesNoKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "EXAT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), NullBulk());
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringCommands, SetInvalidExpireTimes) {
  CommandHarness h;
  const std::string invalid = Err("ERR invalid expire time in 'set' command");
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "0"}), invalid);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "-5"}), invalid);
  EXPECT_EQ(h.Run({"SET", "k", "v", "PXAT", "0"}), invalid);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "9223372036854775"}),
            invalid);  // overflows with now added
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "9223372036854776"}), invalid);     // overflows * 1000
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "9223372036854775807"}), invalid);  // overflows with now
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "abc"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "1.5"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  // Absolute times are not offset by now, so the largest values are fine.
  EXPECT_EQ(h.Run({"SET", "k", "v", "PXAT", "9223372036854775807"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(9223372036854775807));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EXAT", "9223372036854775"}), Simple("OK"));
}

TEST(StringCommands, SetKeepTtlKeepsTheExpiry) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "k", "v2", "KEEPTTL"}), Simple("OK"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v2"));
}

TEST(StringCommands, SetKeepTtlOnExpiredKeyDoesNotResurrectItsTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "10"}), Simple("OK"));
  h.AdvanceTime(20);
  EXPECT_EQ(h.Run({"SET", "k", "v2", "KEEPTTL"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v2"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
}

TEST(StringCommands, SetGetRepliesWithTheOldValue) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "GET"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "k", "v2", "GET"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SET", "k", "v3", "NX", "GET"}),
            Bulk("v2"));  // NX fails, the old value is still sent
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v2"));
  EXPECT_EQ(h.Run({"SET", "new", "v", "XX", "GET"}), NullBulk());
  EXPECT_EQ(h.Run({"EXISTS", "new"}), Int(0));
}

TEST(StringCommands, SetGetOnOtherTypeFailsAndKeepsTheValue) {
  CommandHarness h;
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"SET", "l", "v", "GET"}), kWrongTypeErr);
  EXPECT_EQ(h.Run({"SET", "l", "v", "NX", "GET"}), kWrongTypeErr);
  EXPECT_EQ(h.Run({"TYPE", "l"}), Simple("list"));
}

TEST(StringCommands, SetNxRepliesOneOrZero) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SETNX", "k", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SETNX", "k", "2"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("1"));
}

TEST(StringCommands, SetExAndPSetEx) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SETEX", "k", "10", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(10000));
  EXPECT_EQ(h.Run({"PSETEX", "p", "1500", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"PTTL", "p"}), Int(1500));
  EXPECT_EQ(h.Run({"SETEX", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(h.Run({"PSETEX", "k", "-1", "v"}), Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(h.Run({"SETEX", "k", "abc", "v"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(10000));
}

TEST(StringCommands, GetSetReturnsOldValueAndDropsTtl) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"GETSET", "k", "a"}), NullBulk());
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(h.Run({"GETSET", "k", "b"}), Bulk("a"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("b"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"GETSET", "l", "x"}), kWrongTypeErr);
}

TEST(StringCommands, GetDelReturnsAndDeletes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETDEL", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"GETDEL", "k"}), NullBulk());
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"GETDEL", "l"}), kWrongTypeErr);
}

TEST(StringCommands, GetExSetsOrRemovesTheExpiry) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETEX", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"GETEX", "k", "EX", "100"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(h.Run({"GETEX", "k", "PX", "5000"}), Bulk("v"));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(5000));
  EXPECT_EQ(h.Run({"GETEX", "k", "PXAT", std::to_string(h.now() + 3000)}), Bulk("v"));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(3000));
  EXPECT_EQ(h.Run({"GETEX", "k", "PERSIST"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"GETEX", "k", "EXAT", "1"}), Bulk("v"));  // a past time deletes the key
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringCommands, GetExErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"GETEX", "nokey", "EX", "-1"}),
            NullBulk());  // the time is checked only for a key
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GETEX", "k", "EX", "-1"}), Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(h.Run({"GETEX", "k", "EX", "abc"}), kNotIntegerErr);
  EXPECT_EQ(h.Run({"GETEX", "k", "EX"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"GETEX", "k", "PERSIST", "EX", "10"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"GETEX", "k", "KEEPTTL"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"GETEX", "k", "NX"}), kSyntaxErr);
  EXPECT_EQ(h.Run({"GETEX", "k", "GET"}), kSyntaxErr);
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"GETEX", "l"}), kWrongTypeErr);
}

TEST(StringCommands, MGetRepliesNullForMissingAndOtherTypes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}), Simple("OK"));
  PutCollection(h.server().db(0), "l");
  EXPECT_EQ(h.Run({"MGET", "a", "b", "nokey", "l", "a"}),
            Arr({Bulk("1"), Bulk("2"), NullBulk(), NullBulk(), Bulk("1")}));
}

TEST(StringCommands, MSetOverwritesAndLastPairWins) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "old", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2", "a", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MGET", "a", "b"}), BulkArr({"3", "2"}));
  EXPECT_EQ(h.Run({"TTL", "a"}), Int(-1));
}

TEST(StringCommands, MSetNxSetsAllOrNothing) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MSETNX", "a", "1", "b", "2"}), Int(1));
  EXPECT_EQ(h.Run({"MSETNX", "b", "x", "c", "3"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "c"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "b"}), Bulk("2"));
}

TEST(StringCommands, WritesCountOneChangePerKey) {
  CommandHarness h;
  uint64_t before = h.server().dirty;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.server().dirty, before + 1);
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}), Simple("OK"));
  EXPECT_EQ(h.server().dirty, before + 3);
  EXPECT_EQ(h.Run({"SET", "k", "v", "NX"}), NullBulk());
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.server().dirty, before + 3);
}

TEST(StringCommands, WatchedKeyChangedBySetAbortsExec) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.Run({"WATCH", "k"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"SETEX", "k", "10", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

}  // namespace
}  // namespace slotd::test
