// Replaying AOF command streams: the bytes redis-server 7.0.15 writes, torn tails cut at every
// byte, unfinished transactions, garbage and unknown commands.
#include "server/persistence/aof/aof_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/persistence/aof/aof_base_commands.h"
#include "server/persistence/aof/aof_reader.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Bulk;
using test::CommandHarness;
using test::Int;
using test::NullBulk;

std::string Cmd(std::initializer_list<std::string_view> argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (std::string_view arg : argv) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

Config WithTruncation(bool allowed) {
  Config config;
  config.aof_load_truncated = allowed;
  return config;
}

// Written by redis-server 7.0.15 for: SET a 1; SELECT 2; SET b 2; INCR c; (db 0) MULTI SET x 1 INCR
// x EXEC.
const std::string kRedisIncr =
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n"
    "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$"
    "4\r\nincr\r\n$1\r\nc\r\n"
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$"
    "1\r\n1\r\n"
    "*2\r\n$4\r\nINCR\r\n$1\r\nx\r\n*1\r\n$4\r\nEXEC\r\n";

TEST(AofLoaderTest, ReplaysRedisIncrFileAcrossDatabasesAndTransactions) {
  CommandHarness h;
  AofReplayResult r = ReplayAofCommands(h.server(), kRedisIncr, "appendonly.aof.1.incr.aof");
  EXPECT_EQ(r.status, AofLoadStatus::kOk);
  EXPECT_EQ(r.valid_up_to, kRedisIncr.size());
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("1"));
  EXPECT_EQ(h.Run({"GET", "x"}), Bulk("2"));
  EXPECT_EQ(h.Run({"GET", "b"}), NullBulk());
  h.Run({"SELECT", "2"});
  EXPECT_EQ(h.Run({"GET", "b"}), Bulk("2"));
  EXPECT_EQ(h.Run({"GET", "c"}), Bulk("1"));
}

TEST(AofLoaderTest, ReplayIsNotCountedAsTrafficNorPropagated) {
  CommandHarness h;
  h.CapturePropagation();
  ReplayAofCommands(h.server(), Cmd({"SET", "k", "v"}) + Cmd({"RPUSH", "l", "a"}), "f");
  EXPECT_TRUE(h.TakePropagated().empty());
  EXPECT_EQ(h.server().stats.total_commands_processed, 0u);
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(1));
}

TEST(AofLoaderTest, TimestampAnnotationsAreSkipped) {
  CommandHarness h;
  std::string data = "#TS:1700000000\r\n" + Cmd({"SET", "k", "v"}) + "#TS:1700000001\r\n";
  AofReplayResult r = ReplayAofCommands(h.server(), data, "f");
  EXPECT_EQ(r.status, AofLoadStatus::kOk);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
}

// Cuts the stream at every byte inside its last command: with aof-load-truncated every complete
// command is applied and the cut is reported at the end of the last one; without it loading
// refuses.
void CheckEveryCut(const std::string& complete, const std::string& last, size_t expected_valid,
                   const std::vector<std::string_view>& present_keys, std::string_view absent_key) {
  std::string data = complete + last;
  for (size_t cut = complete.size() + 1; cut < data.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    CommandHarness allowed(WithTruncation(true));
    AofReplayResult r =
        ReplayAofCommands(allowed.server(), std::string_view(data).substr(0, cut), "f");
    EXPECT_EQ(r.status, AofLoadStatus::kTruncated);
    EXPECT_EQ(r.valid_up_to, expected_valid);
    for (std::string_view key : present_keys)
      EXPECT_EQ(allowed.Run({"EXISTS", key}), Int(1)) << key;
    EXPECT_EQ(allowed.Run({"EXISTS", absent_key}), Int(0));
    CommandHarness refused(WithTruncation(false));
    EXPECT_EQ(
        ReplayAofCommands(refused.server(), std::string_view(data).substr(0, cut), "f").status,
        AofLoadStatus::kFailed);
  }
  CommandHarness whole(WithTruncation(false));
  EXPECT_EQ(ReplayAofCommands(whole.server(), data, "f").status, AofLoadStatus::kOk);
  EXPECT_EQ(whole.Run({"EXISTS", absent_key}), Int(1));
}

TEST(AofLoaderTest, TornLastCommandAtEveryByte) {
  std::string complete =
      Cmd({"SELECT", "0"}) + Cmd({"SET", "a", "1"}) + Cmd({"RPUSH", "b", "x", "y"});
  CheckEveryCut(complete, Cmd({"SET", "last", "value-of-the-last-command"}), complete.size(),
                {"a", "b"}, "last");
}

TEST(AofLoaderTest, TornTransactionIsRevertedToBeforeMulti) {
  std::string complete = Cmd({"SET", "a", "1"});
  std::string tx =
      Cmd({"MULTI"}) + Cmd({"SET", "t1", "1"}) + Cmd({"SET", "t2", "2"}) + Cmd({"EXEC"});
  CheckEveryCut(complete, tx, complete.size(), {"a"}, "t1");
}

TEST(AofLoaderTest, MultiWithoutExecAtTheEndIsDiscarded) {
  std::string complete = Cmd({"SET", "a", "1"});
  std::string data = complete + Cmd({"MULTI"}) + Cmd({"SET", "t", "1"});
  CommandHarness allowed(WithTruncation(true));
  AofReplayResult r = ReplayAofCommands(allowed.server(), data, "f");
  EXPECT_EQ(r.status, AofLoadStatus::kTruncated);
  EXPECT_EQ(r.valid_up_to, complete.size());
  EXPECT_EQ(allowed.Run({"EXISTS", "t"}), Int(0));
  EXPECT_EQ(allowed.Run({"SET", "after", "1"}),
            test::Simple("OK"));  // the loader's MULTI did not leak
  CommandHarness refused(WithTruncation(false));
  EXPECT_EQ(ReplayAofCommands(refused.server(), data, "f").status, AofLoadStatus::kFailed);
}

TEST(AofLoaderTest, GarbageInTheMiddleIsRefusedEvenWithTruncationAllowed) {
  std::string good = Cmd({"SET", "a", "1"});
  const std::vector<std::string> garbage = {
      "hello\r\n",                  // not a command
      "*2\r\n$3\r\nGET\r\nxx\r\n",  // argument without its length line
      "*1\r\n$3\r\nDELXX\r\n",      // payload longer than its length
      "*0\r\n",                     // empty command
      "*-1\r\n",                    // negative count
      "*1\r\n$-3\r\n",              // negative length
      "*x\r\n",                     // not a number
  };
  for (const std::string& bad : garbage) {
    SCOPED_TRACE(bad);
    CommandHarness h(WithTruncation(true));
    AofReplayResult r = ReplayAofCommands(h.server(), good + bad + good, "f");
    EXPECT_EQ(r.status, AofLoadStatus::kFailed);
  }
}

TEST(AofLoaderTest, UnknownCommandAndWrongArityAreRefused) {
  CommandHarness h(WithTruncation(true));
  EXPECT_EQ(ReplayAofCommands(h.server(), Cmd({"NOSUCHCMD", "x"}), "f").status,
            AofLoadStatus::kFailed);
  EXPECT_EQ(ReplayAofCommands(h.server(), Cmd({"SET", "x"}), "f").status, AofLoadStatus::kFailed);
}

TEST(AofReaderTest, EmptyAndCleanEnd) {
  std::vector<std::string_view> argv;
  AofCommandReader empty("");
  EXPECT_EQ(empty.Next(&argv), AofCommandReader::Status::kEnd);
  std::string data = Cmd({"SET", "k", ""}) + "#TS:1\r\n";
  AofCommandReader reader(data);
  ASSERT_EQ(reader.Next(&argv), AofCommandReader::Status::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"SET", "k", ""}));
  EXPECT_EQ(reader.Next(&argv), AofCommandReader::Status::kEnd);
  EXPECT_EQ(reader.offset(), data.size() - 7);
}

TEST(AofReaderTest, HugeCountsDoNotAllocate) {
  std::vector<std::string_view> argv;
  AofCommandReader reader("*2147483647\r\n$1\r\na\r\n");
  EXPECT_EQ(reader.Next(&argv), AofCommandReader::Status::kTruncated);
  AofCommandReader huge_len("*1\r\n$99999999999999\r\n");
  EXPECT_EQ(huge_len.Next(&argv), AofCommandReader::Status::kTruncated);
  AofCommandReader overflow("*1\r\n$999999999999999999999999\r\n");
  EXPECT_EQ(overflow.Next(&argv), AofCommandReader::Status::kBadFormat);
}

// The same data redis-server 7.0.15 rewrote with aof-use-rdb-preamble no (one key per db, so key
// order is fixed): byte-identical commands, and they replay to the same data.
TEST(AofBaseCommandsTest, RewritesEveryTypeAsRedisDoes) {
  CommandHarness h;
  auto in_db = [&h](std::string_view db, std::initializer_list<std::string_view> argv) {
    h.Run({"SELECT", db});
    h.Run(argv);
  };
  in_db("0", {"SET", "s", "hello"});
  h.Run({"PEXPIREAT", "s", "1900000000000"});
  std::vector<std::string> rpush = {"RPUSH", "l"};
  for (int i = 1; i <= 130; ++i) rpush.push_back(std::to_string(i));
  h.Run({"SELECT", "1"});
  h.Run(rpush);
  in_db("2", {"SADD", "st", "5", "3", "1", "100"});
  in_db("3", {"ZADD", "z", "1.5", "a", "2", "b", "0.1", "c", "1e20", "d"});
  in_db("4", {"HSET", "h", "f1", "v1", "f2", "v2"});
  in_db("5", {"SET", "n", "12345"});
  in_db("6", {"SADD", "st2", "x"});

  std::string expected = Cmd({"SELECT", "0"}) + Cmd({"SET", "s", "hello"}) +
                         Cmd({"PEXPIREAT", "s", "1900000000000"}) + Cmd({"SELECT", "1"});
  for (int first = 1; first <= 130; first += 64) {
    std::string batch =
        "*" + std::to_string(2 + std::min(64, 131 - first)) + "\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n";
    for (int i = first; i < first + 64 && i <= 130; ++i) {
      batch += "$" + std::to_string(std::to_string(i).size()) + "\r\n" + std::to_string(i) + "\r\n";
    }
    expected += batch;
  }
  expected +=
      Cmd({"SELECT", "2"}) + Cmd({"SADD", "st", "1", "3", "5", "100"}) + Cmd({"SELECT", "3"}) +
      Cmd({"ZADD", "z", "0.10000000000000001", "c", "1.5", "a", "2", "b", "1e+20", "d"}) +
      Cmd({"SELECT", "4"}) + Cmd({"HMSET", "h", "f1", "v1", "f2", "v2"}) + Cmd({"SELECT", "5"}) +
      Cmd({"SET", "n", "12345"}) + Cmd({"SELECT", "6"}) + Cmd({"SADD", "st2", "x"});
  std::string written;
  ASSERT_TRUE(WriteAofBaseCommands(h.server().dbs, [&written](std::string_view chunk) {
    written.append(chunk);
    return true;
  }));
  EXPECT_EQ(written, expected);

  CommandHarness replayed;
  EXPECT_EQ(ReplayAofCommands(replayed.server(), written, "base").status, AofLoadStatus::kOk);
  replayed.Run({"SELECT", "1"});
  EXPECT_EQ(replayed.Run({"LLEN", "l"}), Int(130));
  replayed.Run({"SELECT", "3"});
  EXPECT_EQ(replayed.Run({"ZSCORE", "z", "c"}), Bulk("0.10000000000000001"));
}

TEST(AofBaseCommandsTest, SinkFailureStopsTheRewrite) {
  CommandHarness h;
  h.Run({"SET", "k", std::string(100000, 'x')});
  EXPECT_FALSE(WriteAofBaseCommands(h.server().dbs, [](std::string_view) { return false; }));
}

}  // namespace
}  // namespace slotd
