// Nodes behind a NAT, as in Docker with published ports: each node is reachable only through
// forwarded ports and announces them (cluster-announce-ip/-port/-bus-port, -hostname). The cluster
// forms through the forwarded bus ports, and clients follow MOVED to the announced addresses.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster_client.h"
#include "tests/integration/harness/cluster_fixture.h"
#include "tests/integration/harness/tcp_forwarder.h"

namespace slotd::test {
namespace {

class ClusterNat : public ClusterFixture {
 protected:
  void TearDown() override {
    ClusterFixture::TearDown();  // nodes first: forwarders then see their links close
    forwarders_.clear();
  }

  // A slotd node on its own ports, announced as 127.0.0.1:<public>@<public + 10000>, with both
  // public ports forwarded to the real ones. Returns the public client port.
  int AddNattedNode(const std::string& hostname) {
    const int public_port = NewPort();
    size_t i = AddNode(false, {"--cluster-announce-ip", "127.0.0.1", "--cluster-announce-port",
                               std::to_string(public_port), "--cluster-announce-bus-port",
                               std::to_string(public_port + 10000), "--cluster-announce-hostname",
                               hostname});
    EXPECT_TRUE(WaitReady(i));
    forwarders_.push_back(std::make_unique<TcpForwarder>(public_port, port(i)));
    forwarders_.push_back(std::make_unique<TcpForwarder>(public_port + 10000, port(i) + 10000));
    for (size_t f = forwarders_.size() - 2; f < forwarders_.size(); ++f) {
      EXPECT_TRUE(forwarders_[f]->ok());
    }
    return public_port;
  }

  std::vector<std::unique_ptr<TcpForwarder>> forwarders_;
};

TEST_F(ClusterNat, NodesMeetThroughForwardedPortsAndRedirectToAnnouncedAddresses) {
  std::vector<int> public_ports;
  for (const char* name : {"node-a", "node-b", "node-c"}) public_ports.push_back(AddNattedNode(name));
  std::string addresses;
  for (int p : public_ports) addresses += " 127.0.0.1:" + std::to_string(p);
  // slotctl is the operator outside the NAT: it only knows the public addresses.
  ShellResult created = RunShell(SlotctlBinary() + " create" + addresses + " --replicas 0 --yes");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  ASSERT_TRUE(WaitClusterOk(30000, {}, 3)) << Command(0, {"CLUSTER", "NODES"});

  // Every node knows every other only by its public address and bus port.
  for (size_t i = 0; i < nodes_.size(); ++i) {
    std::vector<NodeLine> lines = ClusterNodes(i);
    ASSERT_EQ(lines.size(), 3u);
    for (const NodeLine& n : lines) {
      bool is_public = false;
      for (int p : public_ports) {
        const std::string addr = "127.0.0.1:" + std::to_string(p) + "@" + std::to_string(p + 10000);
        is_public |= n.addr.rfind(addr, 0) == 0;  // followed by ",<hostname>"
      }
      EXPECT_TRUE(is_public) << "node " << i << " sees " << n.addr;
    }
  }
  const std::string slots = RunShell("redis-cli -p " + std::to_string(public_ports[0]) +
                                     " cluster slots").output;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    EXPECT_EQ(slots.find("\n" + std::to_string(port(i)) + "\n"), std::string::npos)
        << "CLUSTER SLOTS leaks private port " << port(i) << ":\n" << slots;
  }
  EXPECT_NE(slots.find("node-b"), std::string::npos) << slots;  // hostname metadata

  // redis-cli -c, connected to one public port, follows MOVED to the others.
  for (int k = 0; k < 30; ++k) {
    const std::string key = "nat:" + std::to_string(k);
    ShellResult set = RunShell("redis-cli -c -p " + std::to_string(public_ports[0]) + " set " +
                               key + " v" + std::to_string(k));
    ASSERT_EQ(set.exit_code, 0) << set.output;
    EXPECT_EQ(set.output, "OK\n") << key;
  }
  ClusterClient client({public_ports[1]});
  for (int k = 0; k < 30; ++k) {
    EXPECT_EQ(client.Run({"GET", "nat:" + std::to_string(k)}).text, "v" + std::to_string(k));
  }
  // With cluster-preferred-endpoint-type hostname, MOVED names the announced hostname.
  EXPECT_EQ(Command(0, {"CONFIG", "SET", "cluster-preferred-endpoint-type", "hostname"}), "OK");
  for (int k = 0; k < 30; ++k) {
    const std::string reply = CommandPort(public_ports[0], {"GET", "nat:" + std::to_string(k)});
    if (reply.rfind("MOVED", 0) == 0) {
      EXPECT_TRUE(reply.find(" node-b:") != std::string::npos ||
                  reply.find(" node-c:") != std::string::npos)
          << reply;
    }
  }
  // Announced values change at run time, as in Redis: peers learn the new hostname from our pings.
  EXPECT_EQ(Command(0, {"CONFIG", "SET", "cluster-announce-hostname", "renamed-a"}), "OK");
  EXPECT_TRUE(WaitFor([&] { return Command(1, {"CLUSTER", "NODES"}).find(",renamed-a ") !=
                                   std::string::npos; },
                      10000))
      << Command(1, {"CLUSTER", "NODES"});
}

}  // namespace
}  // namespace slotd::test
