// SLOWLOG and LATENCY, fed through SlowlogRecord() as the dispatcher feeds them. Reply shapes and texts
// were checked against redis-server 7.0.15 (DEBUG SLEEP with low thresholds).
#include "server/commands/slowlog.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

void Record(CommandHarness& h, std::vector<std::string_view> args, int64_t duration_us) {
  SlowlogRecord(h.server(), h.client(), args, duration_us);
}

std::string Entry(int64_t id, int64_t time_s, int64_t duration_us, std::initializer_list<std::string_view> argv,
                  std::string_view peer = "127.0.0.1:50000", std::string_view name = "") {
  return "*6\r\n" + Int(id) + Int(time_s) + Int(duration_us) + BulkArr(argv) + Bulk(peer) + Bulk(name);
}

TEST(Slowlog, RecordsCommandsAtOrOverTheThreshold) {
  CommandHarness h;  // slowlog-log-slower-than 10000 us
  Record(h, {"GET", "a"}, 9999);
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), Int(0));
  Record(h, {"DEBUG", "SLEEP", "0.1"}, 10000);
  h.client().name = "me";
  Record(h, {"GET", "b"}, 20000);
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), Int(2));
  int64_t now_s = h.now() / 1000;
  EXPECT_EQ(h.Run({"SLOWLOG", "GET"}),
            Arr({Entry(1, now_s, 20000, {"GET", "b"}, "127.0.0.1:50000", "me"),
                 Entry(0, now_s, 10000, {"DEBUG", "SLEEP", "0.1"})}));
}

TEST(Slowlog, GetCountAndErrors) {
  CommandHarness h;
  for (int i = 0; i < 12; ++i) Record(h, {"GET", std::to_string(i)}, 50000);
  int64_t now_s = h.now() / 1000;
  std::string all = h.Run({"SLOWLOG", "GET", "-1"});
  EXPECT_EQ(all.substr(0, 5), "*12\r\n");
  EXPECT_EQ(h.Run({"SLOWLOG", "GET"}).substr(0, 5), "*10\r\n");
  EXPECT_EQ(h.Run({"SLOWLOG", "GET", "1"}), Arr({Entry(11, now_s, 50000, {"GET", "11"})}));
  EXPECT_EQ(h.Run({"SLOWLOG", "GET", "0"}), "*0\r\n");
  EXPECT_EQ(h.Run({"SLOWLOG", "GET", "-2"}), Err("ERR count should be greater than or equal to -1"));
  EXPECT_EQ(h.Run({"SLOWLOG", "GET", "x"}), Err("ERR count should be greater than or equal to -1"));
  EXPECT_EQ(h.Run({"SLOWLOG", "GET", "1", "2"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."));
  EXPECT_EQ(h.Run({"SLOWLOG", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try SLOWLOG HELP."));
}

TEST(Slowlog, ResetKeepsCountingIds) {
  CommandHarness h;
  Record(h, {"GET", "a"}, 50000);
  EXPECT_EQ(h.Run({"SLOWLOG", "RESET"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), Int(0));
  EXPECT_EQ(h.Run({"SLOWLOG", "GET"}), "*0\r\n");
  Record(h, {"GET", "b"}, 50000);
  EXPECT_EQ(h.Run({"SLOWLOG", "GET"}), Arr({Entry(1, h.now() / 1000, 50000, {"GET", "b"})}));
}

TEST(Slowlog, KeepsAtMostMaxLenNewestEntries) {
  Config config;
  config.slowlog_max_len = 2;
  CommandHarness h(config);
  for (int i = 0; i < 5; ++i) Record(h, {"GET", std::to_string(i)}, 50000);
  int64_t now_s = h.now() / 1000;
  EXPECT_EQ(h.Run({"SLOWLOG", "GET"}),
            Arr({Entry(4, now_s, 50000, {"GET", "4"}), Entry(3, now_s, 50000, {"GET", "3"})}));
}

TEST(Slowlog, ThresholdZeroLogsEverythingNegativeDisables) {
  Config config;
  config.slowlog_log_slower_than = 0;
  CommandHarness h(config);
  Record(h, {"PING"}, 0);
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), Int(1));
  h.server().config.slowlog_log_slower_than = -1;
  Record(h, {"PING"}, 1000000000);
  // 2, not 1: the first SLOWLOG LEN ran while the threshold was 0, so it was logged itself (as in Redis).
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), Int(2));
}

TEST(Slowlog, TrimsLongArgumentListsAndValues) {
  CommandHarness h;
  std::vector<std::string> args = {"RPUSH", "k"};
  for (int i = 0; i < 40; ++i) args.push_back(std::to_string(i));
  args[2] = std::string(200, 'x');
  std::vector<std::string_view> views(args.begin(), args.end());
  Record(h, views, 50000);
  const SlowlogEntry& entry = h.server().slowlog.entries().front();
  ASSERT_EQ(entry.argv.size(), 32u);
  EXPECT_EQ(entry.argv[2], std::string(128, 'x') + "... (72 more bytes)");
  EXPECT_EQ(entry.argv[30], "28");
  EXPECT_EQ(entry.argv[31], "... (11 more arguments)");
}

TEST(Slowlog, RedactsPasswords) {
  CommandHarness h;
  Record(h, {"AUTH", "default", "secret"}, 50000);
  Record(h, {"HELLO", "3", "AUTH", "default", "secret", "SETNAME", "n"}, 50000);
  const auto& entries = h.server().slowlog.entries();
  EXPECT_EQ(entries[1].argv, (std::vector<std::string>{"AUTH", "(redacted)", "(redacted)"}));
  EXPECT_EQ(entries[0].argv,
            (std::vector<std::string>{"HELLO", "3", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"}));
}

TEST(Slowlog, HelpText) {
  CommandHarness h;
  std::string help = h.Run({"SLOWLOG", "HELP"});
  EXPECT_EQ(help.substr(0, 5), "*12\r\n");
  EXPECT_NE(help.find("+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean "
                      "all).\r\n"),
            std::string::npos);
}

TEST(Latency, DisabledByDefault) {
  CommandHarness h;
  Record(h, {"DEBUG", "SLEEP", "1"}, 1000000);
  EXPECT_EQ(h.Run({"LATENCY", "LATEST"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LATENCY", "HISTORY", "command"}), "*0\r\n");
  EXPECT_EQ(h.Run({"LATENCY", "RESET"}), Int(0));
  EXPECT_EQ(h.Run({"LATENCY", "GRAPH", "command"}), Err("ERR No samples available for event 'command'"));
  EXPECT_EQ(h.Run({"LATENCY", "DOCTOR"}),
            Bulk("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You "
                 "may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we "
                 "weren't in a deep space mission I'd suggest to take a look at "
                 "https://redis.io/topics/latency-monitor.\n"));
}

TEST(Latency, RecordsSpikesPerEvent) {
  Config config;
  config.latency_monitor_threshold = 50;
  CommandHarness h(config);
  Record(h, {"DEBUG", "SLEEP", "0.1"}, 100167);
  Record(h, {"GET", "k"}, 49999);  // under the threshold
  int64_t now_s = h.now() / 1000;
  EXPECT_EQ(h.Run({"LATENCY", "LATEST"}), Arr({Arr({Bulk("command"), Int(now_s), Int(100), Int(100)})}));
  Record(h, {"DEBUG", "SLEEP", "0.2"}, 200000);  // same second: keeps the worst
  h.AdvanceTime(1000);
  Record(h, {"DEBUG", "SLEEP", "0.06"}, 60000);
  EXPECT_EQ(h.Run({"LATENCY", "HISTORY", "command"}),
            Arr({Arr({Int(now_s), Int(200)}), Arr({Int(now_s + 1), Int(60)})}));
  EXPECT_EQ(h.Run({"LATENCY", "LATEST"}), Arr({Arr({Bulk("command"), Int(now_s + 1), Int(60), Int(200)})}));
  Record(h, {"GET", "k"}, 70000);  // GET is flagged fast
  EXPECT_EQ(h.Run({"LATENCY", "HISTORY", "fast-command"}), Arr({Arr({Int(now_s + 1), Int(70)})}));
  std::string doctor = h.Run({"LATENCY", "DOCTOR"});
  EXPECT_NE(doctor.find("Dave, I have observed latency spikes in this Redis instance."), std::string::npos);
  EXPECT_NE(doctor.find("1. command: 2 latency spikes (average 130ms, mean deviation 70ms, period 0.50 sec). "
                        "Worst all time event 200ms."),
            std::string::npos);
  EXPECT_EQ(h.Run({"LATENCY", "RESET", "command", "nosuch"}), Int(1));
  EXPECT_EQ(h.Run({"LATENCY", "RESET"}), Int(1));
  EXPECT_EQ(h.Run({"LATENCY", "DOCTOR"}),
            Bulk("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                 "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think "
                 "things over.\n"));
}

TEST(Latency, HelpAndUnknownSubcommand) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"LATENCY", "FOO"}), Err("ERR unknown subcommand 'FOO'. Try LATENCY HELP."));
  EXPECT_EQ(h.Run({"LATENCY", "HELP"}).substr(0, 5), "*17\r\n");
  EXPECT_EQ(h.Run({"LATENCY", "HISTOGRAM", "nosuch"}), "*0\r\n");
}

TEST(Latency, HistogramOfACommandHasItsCallsAndACumulativeDistribution) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  // One record: one level (which one depends on how long it took).
  const std::string prefix =
      "*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n";
  EXPECT_EQ(h.Run({"LATENCY", "HISTOGRAM", "SET", "nosuch"}).substr(0, prefix.size()), prefix);
  h.Run({"CONFIG", "GET", "maxmemory"});
  // A container stands for its subcommands.
  EXPECT_EQ(h.Run({"LATENCY", "HISTOGRAM", "config"}).substr(0, 21),
            "*2\r\n$10\r\nconfig|get\r\n");
  EXPECT_EQ(h.Run({"LATENCY", "HISTOGRAM", "config|set"}), "*0\r\n");
}

}  // namespace
}  // namespace slotd::test
