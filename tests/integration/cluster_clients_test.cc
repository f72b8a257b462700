// Cluster client software, unchanged, against six slotd nodes: redis-py's RedisCluster
// (cluster_redis_py.py) and `redis-benchmark --cluster`.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

class ClusterClients : public ClusterFixture {};

TEST_F(ClusterClients, RedisPyRedisClusterSetGetPipelineAndMultiKey) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  ASSERT_NO_FATAL_FAILURE(CreateWithSlotctl(1));
  const std::string script =
      (std::filesystem::path(__FILE__).parent_path() / "cluster_redis_py.py").string();
  ShellResult r =
      RunShell("/usr/bin/python3 " + script + " 127.0.0.1 " + std::to_string(port(2)));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "ok\n");
}

TEST_F(ClusterClients, RedisBenchmarkInClusterModeRunsWithoutErrors) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(6));
  ASSERT_NO_FATAL_FAILURE(CreateWithSlotctl(1));
  ShellResult r = RunShell("redis-benchmark --cluster -h 127.0.0.1 -p " + std::to_string(port(0)) +
                           " -t set,get -n 20000 -q");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cluster has 3 master nodes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("SET: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("GET: "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("rror"), std::string::npos) << r.output;
  // Every master served part of the load.
  int masters_with_keys = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (Role(i) == "master" && Command(i, {"DBSIZE"}) != "0") ++masters_with_keys;
  }
  EXPECT_EQ(masters_with_keys, 3);
}

}  // namespace
}  // namespace slotd::test
