// Server commands: DBSIZE FLUSHDB FLUSHALL TIME SHUTDOWN LASTSAVE MONITOR ROLE LOLWUT MEMORY. Every
// expected reply was checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

TEST(ServerCommands, DbSizeCountsTheSelectedDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(2));
  EXPECT_EQ(h.Run({"SELECT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
}

TEST(ServerCommands, FlushDbEmptiesOnlyTheSelectedDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SELECT", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "c", "1"}), Simple("OK"));
  uint64_t dirty = h.server().dirty;
  EXPECT_EQ(h.Run({"FLUSHDB", "async"}), Simple("OK"));
  EXPECT_EQ(h.server().dirty, dirty + 2);  // one change per key removed
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "0"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(1));
}

TEST(ServerCommands, FlushAllEmptiesEveryDatabase) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SELECT", "5"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"FLUSHALL", "SYNC"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "0"}), Simple("OK"));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(h.Run({"FLUSHALL"}), Simple("OK"));
}

TEST(ServerCommands, FlushOptionsAreChecked) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"FLUSHALL", "FOO"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"FLUSHALL", "SYNC", "ASYNC"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"FLUSHDB", "a", "b"}), Err("ERR syntax error"));
}

TEST(ServerCommands, FlushInvalidatesWatchers) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"WATCH", "k"}), Simple("OK"));
  EXPECT_EQ(h.RunAs(other, {"FLUSHALL"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), NullArray());
}

TEST(ServerCommands, TimeIsSecondsAndMicroseconds) {
  CommandHarness h;
  std::string reply = h.Run({"TIME"});
  std::vector<std::string> parts;
  for (size_t pos = 0; pos < reply.size();) {
    size_t end = reply.find("\r\n", pos);
    parts.push_back(reply.substr(pos, end - pos));
    pos = end + 2;
  }
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[0], "*2");
  EXPECT_GT(std::stoll(parts[2]), 1600000000);  // unix seconds
  EXPECT_LT(std::stoll(parts[4]), 1000000);     // microseconds within the second
  EXPECT_EQ(h.Run({"TIME", "x"}), Err("ERR wrong number of arguments for 'time' command"));
}

TEST(ServerCommands, ShutdownRecordsTheRequestWithoutReplying) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE", "NOW"}), "");
  EXPECT_TRUE(h.server().shutdown_requested);
  EXPECT_TRUE(h.server().shutdown_options.nosave);
  EXPECT_TRUE(h.server().shutdown_options.now);
  EXPECT_FALSE(h.server().shutdown_options.save);
}

TEST(ServerCommands, ShutdownRejectsBadOptions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SHUTDOWN", "FOO"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE", "SAVE"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SHUTDOWN", "ABORT", "NOW"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SHUTDOWN", "ABORT"}), Err("ERR No shutdown in progress."));
  EXPECT_FALSE(h.server().shutdown_requested);
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SHUTDOWN"}), Err("ERR Command not allowed inside a transaction"));
  EXPECT_FALSE(h.server().shutdown_requested);
}

TEST(ServerCommands, LastSaveIsTheStartTimeBeforeAnySave) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LASTSAVE"}), Int(h.server().start_time_ms / 1000));
}

TEST(ServerCommands, MonitorTurnsTheClientIntoAMonitor) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MONITOR"}), Simple("OK"));
  EXPECT_TRUE(h.client().is_monitor);
  EXPECT_EQ(h.Run({"MONITOR"}), "");  // already a monitor: ignored
}

TEST(ServerCommands, ResetStopsMonitoring) {
  CommandHarness h;
  Client& other = h.NewClient();
  EXPECT_EQ(h.Run({"MONITOR"}), Simple("OK"));
  EXPECT_EQ(h.Run({"RESET"}), Simple("RESET"));
  EXPECT_FALSE(h.client().is_monitor);
  EXPECT_EQ(h.RunAs(other, {"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.TakeOutput(h.client()), "");  // no longer fed the commands others run
}

TEST(ServerCommands, MonitorInsideExecIsRefused) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MULTI"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MONITOR"}), Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Arr({Err("ERR MONITOR isn't allowed for DENY BLOCKING client")}));
  EXPECT_FALSE(h.client().is_monitor);
}

TEST(ServerCommands, RoleOfAMaster) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ROLE"}), Arr({Bulk("master"), Int(0), "*0\r\n"}));
}

TEST(ServerCommands, LolwutPrintsTheVersion) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LOLWUT"}), Bulk("Redis ver. 7.0.15\n"));
  EXPECT_EQ(h.Run({"LOLWUT", "foo"}), Bulk("Redis ver. 7.0.15\n"));
  EXPECT_EQ(h.Run({"LOLWUT", "VERSION", "x"}), Err("ERR value is not an integer or out of range"));
}

TEST(ServerCommands, MemoryUsageOfAKey) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  std::string reply = h.Run({"MEMORY", "USAGE", "k"});
  ASSERT_EQ(reply[0], ':');
  EXPECT_GT(std::stoll(reply.substr(1)), 0);
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "0"}), reply);
  EXPECT_EQ(h.Run({"SET", "big", std::string(1000, 'x')}), Simple("OK"));
  EXPECT_GT(std::stoll(h.Run({"MEMORY", "USAGE", "big"}).substr(1)), 1000);
}

TEST(ServerCommands, MemoryUsageOptions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "SAMPLES", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE", "k", "FOO", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"MEMORY", "USAGE"}), Err("ERR wrong number of arguments for 'memory|usage' command"));
  EXPECT_EQ(h.Run({"MEMORY", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try MEMORY HELP."));
}

TEST(ServerCommands, MemoryDoctorStatsPurgeHelp) {
  CommandHarness h;
  std::string doctor = h.Run({"MEMORY", "DOCTOR"});
  EXPECT_EQ(doctor.rfind("$", 0), 0u);
  EXPECT_NE(doctor.find("Hi Sam"), std::string::npos);
  EXPECT_EQ(h.Run({"MEMORY", "PURGE"}), Simple("OK"));
  std::string stats = h.Run({"MEMORY", "STATS"});
  EXPECT_EQ(stats.substr(0, 5), "*54\r\n");  // 27 fields, no database holds keys
  EXPECT_NE(stats.find(Bulk("peak.allocated")), std::string::npos);
  EXPECT_NE(stats.find(Bulk("fragmentation.bytes")), std::string::npos);
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  stats = h.Run({"MEMORY", "STATS"});
  EXPECT_EQ(stats.substr(0, 5), "*56\r\n");
  EXPECT_NE(stats.find(Bulk("db.0") + "*6\r\n" + Bulk("overhead.hashtable.main")), std::string::npos);
  EXPECT_NE(stats.find(Bulk("keys.count") + Int(1)), std::string::npos);
  std::string help = h.Run({"MEMORY", "HELP"});
  EXPECT_EQ(help.substr(0, 5), "*14\r\n");
  EXPECT_NE(help.find("+USAGE <key> [SAMPLES <count>]\r\n"), std::string::npos);
}

}  // namespace
}  // namespace slotd::test
