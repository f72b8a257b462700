// Per-command statistics: INFO commandstats / latencystats lines, rejected and failed calls as
// Redis 7.0 counts them, CONFIG RESETSTAT, and the latency histogram's HdrHistogram resolution
// (the values below are those redis-server 7.0 reports for the same records).
#include <gtest/gtest.h>

#include "server/commands/command_stats.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

TEST(LatencyHistogramTest, PercentilesReportTheHighestValueOfTheirBucket) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  h.Record(17000);  // 17 us: INFO shows p50=17.023
  EXPECT_EQ(h.ValueAtPercentile(50), 17023u);
  h.Record(4000);
  h.Record(200);  // exact below 256
  EXPECT_EQ(h.ValueAtPercentile(0), 200u);
  EXPECT_EQ(h.ValueAtPercentile(50), 4015u);
  EXPECT_EQ(h.ValueAtPercentile(100), 17023u);
  h.Reset();
  EXPECT_EQ(h.count(), 0u);
}

TEST(LatencyHistogramTest, CumulativeDistributionAtPowerOfTwoLevels) {
  LatencyHistogram h;
  for (uint64_t us : {1, 1, 3, 33, 263}) h.Record(us * 1000);
  // Levels 1024, 2048, 4096, ... ns shown as their bucket's highest value in usec; 32768 ns is 33
  // and 262144 ns is 264 (its bucket reaches 264191), as LATENCY HISTOGRAM prints on Redis.
  const std::vector<std::pair<uint64_t, uint64_t>> want = {{1, 2}, {4, 3}, {33, 4}, {264, 5}};
  EXPECT_EQ(h.PowerOfTwoCdf(), want);
}

TEST(CommandStatsInfo, CallsRejectionsAndFailuresPerCommand) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"LPUSH", "a", "x"});  // WRONGTYPE: a failed call
  h.Run({"GET"});              // arity: a rejected call
  h.Run({"CONFIG", "GET", "maxmemory"});
  h.Run({"NOSUCH"});  // unknown commands are nobody's
  const std::string info = h.Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,"
                      "failed_calls=0\r\n"),
            std::string::npos)
      << info;
  EXPECT_NE(info.find("cmdstat_lpush:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find(",rejected_calls=0,failed_calls=1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_set:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_config|get:calls=1,"), std::string::npos) << info;
  EXPECT_EQ(info.find("nosuch"), std::string::npos) << info;
  const std::string latency = h.Run({"INFO", "latencystats"});
  EXPECT_NE(latency.find("latency_percentiles_usec_set:p50="), std::string::npos) << latency;
  EXPECT_NE(latency.find(",p99=") , std::string::npos) << latency;
  EXPECT_NE(latency.find(",p99.9="), std::string::npos) << latency;
  EXPECT_EQ(latency.find("latency_percentiles_usec_get:"), std::string::npos) << latency;

  h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99"});
  EXPECT_NE(h.Run({"INFO", "latencystats"}).find(",p99.99="), std::string::npos);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "101"}),
            Err("ERR CONFIG SET failed (possibly related to argument "
                "'latency-tracking-info-percentiles') - latency-tracking-info-percentiles "
                "parameters should sit between [0.0,100.0]"));
  h.Run({"CONFIG", "RESETSTAT"});
  const std::string after = h.Run({"INFO", "commandstats"});
  EXPECT_EQ(after.find("cmdstat_set"), std::string::npos) << after;
  EXPECT_EQ(after.find("cmdstat_get"), std::string::npos) << after;
}

TEST(CommandStatsInfo, ErrorRepliesAreCountedByCode) {
  CommandHarness h;
  h.Run({"SET", "a", "1"});
  h.Run({"LPUSH", "a", "x"});
  h.Run({"GET"});
  h.Run({"NOSUCH"});
  h.Run({"INCR", "a", "b"});
  EXPECT_EQ(h.Run({"INFO", "errorstats"}),
            Bulk("# Errorstats\r\nerrorstat_ERR:count=3\r\nerrorstat_WRONGTYPE:count=1\r\n"));
  h.Run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(h.Run({"INFO", "errorstats"}), Bulk("# Errorstats\r\n"));
}

TEST(CommandStatsInfo, LatencyTrackingOffRecordsNoHistogram) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "latency-tracking", "no"});
  h.Run({"SET", "a", "1"});
  EXPECT_EQ(h.Run({"INFO", "latencystats"}).find("usec_set"), std::string::npos);
  EXPECT_NE(h.Run({"INFO", "commandstats"}).find("cmdstat_set:calls=1,"), std::string::npos);
}

}  // namespace
}  // namespace slotd::test
