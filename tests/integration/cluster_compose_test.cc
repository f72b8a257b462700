// docker-compose.cluster.yml without Docker: the YAML parses (python3-yaml) into six nodes with
// their own published ports and a create service waiting for all of them, and the shell command
// each container runs starts slotd with the announce settings it names.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/integration/harness/cluster_fixture.h"

namespace slotd::test {
namespace {

const std::string& ComposeFile() {
  static const std::string path =
      (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
       "docker-compose.cluster.yml")
          .string();
  return path;
}

// Runs a python3 program (read from a here-document) given the compose file as argv[1].
ShellResult Python(const std::string& program) {
  return RunShell("/usr/bin/python3 - " + ComposeFile() + " <<'EOF'\n" + program + "\nEOF\n");
}

class ClusterCompose : public ClusterFixture {
 protected:
  void SetUp() override {
    if (RunShell("/usr/bin/python3 -c 'import yaml'").exit_code != 0) {
      GTEST_SKIP() << "python3-yaml is not installed";
    }
    ClusterFixture::SetUp();
  }
};

TEST_F(ClusterCompose, SixNodesWithOwnPortsAndACreateServiceWaitingForAll) {
  ShellResult r = Python(R"(import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
s = d["services"]
for n in range(1, 7):
    node = s["node%d" % n]
    env = node["environment"]
    assert env["SLOTD_PORT"] == str(7000 + n), env
    assert env["SLOTD_HOSTNAME"] == "node%d" % n, env
    ip = "172.29.0.%d" % (10 + n)
    assert env["SLOTD_CONTAINER_IP"] == ip and node["networks"]["cluster"]["ipv4_address"] == ip
    assert node["ports"] == ["%d:%d" % (7000 + n, 7000 + n), "%d:%d" % (17000 + n, 17000 + n)]
    assert node["build"] == "." and node["healthcheck"]["test"][0] == "CMD-SHELL"
create = s["create"]
assert sorted(create["depends_on"]) == ["node%d" % n for n in range(1, 7)]
assert all(v == {"condition": "service_healthy"} for v in create["depends_on"].values())
assert "--replicas 1" in create["command"][0]
print("ok"))");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "ok\n");
}

TEST_F(ClusterCompose, NodeCommandStartsSlotdAnnouncingItsAddressPortsAndHostname) {
  // The command as the container's shell sees it: compose turns "$$" into "$".
  ShellResult r = Python(R"(import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print(d["services"]["node1"]["command"][0].replace("$$", "$"), end=""))");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string command = r.output;
  const std::string exec = "exec slotd ", data = "--dir /data";
  ASSERT_EQ(command.rfind(exec, 0), 0u) << command;
  command.replace(0, exec.size(), "exec " + SlotdBinary() + " ");
  ASSERT_NE(command.find(data), std::string::npos);
  command.replace(command.find(data), data.size(), "--dir " + dir_);
  const int port = NewPort();
  setenv("SLOTD_PORT", std::to_string(port).c_str(), 1);
  setenv("SLOTD_HOSTNAME", "node1", 1);
  setenv("SLOTD_CONTAINER_IP", "127.0.0.1", 1);
  setenv("SLOTD_ANNOUNCE_IP", "127.0.0.9", 1);  // as an operator sets it: the Docker host
  ServerProcess node("/bin/sh", {"-c", command}, dir_ + "/node.log");
  ASSERT_TRUE(node.WaitReady(port)) << node.ReadLog();
  const std::string myself = CommandPort(port, {"CLUSTER", "NODES"});
  EXPECT_EQ(myself.substr(41, myself.find(' ', 41) - 41),
            "127.0.0.9:" + std::to_string(port) + "@" + std::to_string(port + 10000) + ",node1")
      << myself;
  node.Stop();
  for (const char* name :
       {"SLOTD_PORT", "SLOTD_HOSTNAME", "SLOTD_CONTAINER_IP", "SLOTD_ANNOUNCE_IP"}) {
    unsetenv(name);
  }
}

}  // namespace
}  // namespace slotd::test
