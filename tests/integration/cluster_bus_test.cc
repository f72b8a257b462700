// The cluster bus of real slotd processes: malformed frames and the send-buffer limit free links,
// CLUSTER LINKS, PUBLISH across nodes (a redis-server 7.0 peer too), shard ids, and a default
// manual failover that loses no acknowledged write.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <thread>

#include "tests/integration/harness/cluster_fixture.h"
#include "tests/integration/harness/raw_client.h"

namespace slotd::test {
namespace {

// A bus frame header (2256 bytes) with the given totlen, version, type and gossip count.
std::string Frame(uint32_t totlen, uint16_t version, uint16_t type, uint16_t count,
                  size_t actual_size) {
  std::string f(actual_size, '\0');
  std::memcpy(f.data(), "RCmb", 4);
  uint32_t tl = htonl(totlen);
  std::memcpy(&f[4], &tl, 4);
  uint16_t v = htons(version), t = htons(type), c = htons(count);
  std::memcpy(&f[8], &v, 2);
  std::memcpy(&f[12], &t, 2);
  std::memcpy(&f[14], &c, 2);
  std::memset(&f[40], 'f', 40);  // a sender nobody knows
  return f;
}

// Sends `bytes` to the bus port; true when the node then closes the connection.
bool BusClosesAfter(int bus_port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(bus_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool closed = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    pollfd p{fd, POLLIN, 0};
    char buf[4096];
    // The node may answer first (it never does for these frames); EOF or reset is the close.
    while (poll(&p, 1, 3000) == 1) {
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed = true;
        break;
      }
    }
  }
  close(fd);
  return closed;
}

class ClusterBus : public ClusterFixture {
 protected:
  // MEETs node 0 with every other node and waits until all know each other, links up.
  void Join(size_t count) {
    for (size_t i = 1; i < count; ++i) {
      ASSERT_EQ(Command(0, {"CLUSTER", "MEET", "127.0.0.1", std::to_string(port(i))}), "OK");
    }
    ASSERT_TRUE(WaitFor(
        [&] {
          for (size_t i = 0; i < count; ++i) {
            std::vector<NodeLine> lines = ClusterNodes(i);
            if (lines.size() != count) return false;
            for (const NodeLine& n : lines) {
              if (n.link != "connected" || n.flags.find("handshake") != std::string::npos) {
                return false;
              }
            }
          }
          return true;
        },
        20000))
        << Command(0, {"CLUSTER", "NODES"});
  }

  // CLUSTER LINKS of node i as a list of field -> value maps (RESP2 flat arrays).
  std::vector<std::map<std::string, std::string>> Links(size_t i) {
    std::vector<std::map<std::string, std::string>> out;
    redisContext* ctx = redisConnect("127.0.0.1", port(i));
    auto* r = static_cast<redisReply*>(redisCommand(ctx, "CLUSTER LINKS"));
    if (r != nullptr && r->type == REDIS_REPLY_ARRAY) {
      for (size_t l = 0; l < r->elements; ++l) {
        std::map<std::string, std::string> m;
        const redisReply* e = r->element[l];
        for (size_t k = 0; k + 1 < e->elements; k += 2) {
          const redisReply* v = e->element[k + 1];
          m[e->element[k]->str] = v->type == REDIS_REPLY_INTEGER ? std::to_string(v->integer)
                                                                  : std::string(v->str, v->len);
          m["#" + std::to_string(k / 2)] = e->element[k]->str;  // key order
        }
        out.push_back(m);
      }
    }
    if (r != nullptr) freeReplyObject(r);
    redisFree(ctx);
    return out;
  }

  std::string Log(size_t i) const { return nodes_[i]->process->ReadLog(); }
  static size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
};

TEST_F(ClusterBus, MalformedFramesCloseTheLinkAndTheNodeKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(2));
  ASSERT_NO_FATAL_FAILURE(Join(2));
  const int bus = port(0) + 10000;
  EXPECT_TRUE(BusClosesAfter(bus, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));         // not a frame
  EXPECT_TRUE(BusClosesAfter(bus, Frame(0x7fffffff, 1, 0, 0, 2256)));            // oversized
  EXPECT_TRUE(BusClosesAfter(bus, Frame(100, 1, 0, 0, 100)));                    // below header
  EXPECT_TRUE(BusClosesAfter(bus, Frame(2260, 1, 0, 0, 2260)));                  // PING + 4 bytes
  EXPECT_TRUE(BusClosesAfter(bus, Frame(2256, 1, 0, 3, 2256)));                  // gossip cut off
  EXPECT_TRUE(BusClosesAfter(bus, Frame(2256, 2, 0, 0, 2256)));                  // version 2
  EXPECT_TRUE(BusClosesAfter(bus, Frame(2300, 1, 3, 0, 2300)));                  // FAIL too long
  // The node serves clients, its peer stays connected and nothing joined from the garbage.
  EXPECT_EQ(Command(0, {"PING"}), "PONG");
  EXPECT_NE(Command(0, {"CLUSTER", "INFO"}).find("cluster_known_nodes:2\r\n"), std::string::npos);
  std::vector<NodeLine> lines = ClusterNodes(0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].link, "connected");
  EXPECT_EQ(lines[1].link, "connected");
  std::string log = Log(0);
  EXPECT_NE(log.find("Bad message length or signature received from Cluster bus."),
            std::string::npos) << log;
  EXPECT_NE(log.find("Received invalid ping packet of length 2260, freeing the link"),
            std::string::npos) << log;
  EXPECT_NE(log.find("Received invalid fail packet of length 2300"), std::string::npos);
}

TEST_F(ClusterBus, ClusterLinksListsBothDirectionsOfEachPeer) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(2));
  ASSERT_NO_FATAL_FAILURE(Join(2));
  const std::string peer = MyId(1);
  std::vector<std::map<std::string, std::string>> links;
  ASSERT_TRUE(WaitFor([&] { return (links = Links(0)).size() == 2; }, 5000));
  EXPECT_EQ(links[0]["direction"], "to");
  EXPECT_EQ(links[1]["direction"], "from");
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (auto& l : links) {
    EXPECT_EQ(l["node"], peer);
    // Redis 7.0's key order.
    EXPECT_EQ(l["#0"] + l["#1"] + l["#2"] + l["#3"] + l["#4"] + l["#5"],
              "directionnodecreate-timeeventssend-buffer-allocatedsend-buffer-used");
    int64_t created = std::stoll(l["create-time"]);
    EXPECT_LE(created, now_ms);
    EXPECT_GT(created, now_ms - 60000);
    EXPECT_TRUE(l["events"] == "r" || l["events"] == "rw") << l["events"];
  }
}

TEST_F(ClusterBus, SendBufferLimitFreesTheLinkToAStalledPeer) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(2));
  ASSERT_NO_FATAL_FAILURE(Join(2));
  ASSERT_EQ(Command(0, {"CONFIG", "SET", "cluster-link-sendbuf-limit", "1048576"}), "OK");
  kill(nodes_[1]->process->pid(), SIGSTOP);
  // PUBLISH goes to every node over the bus; the stopped peer reads none of it.
  const std::string payload(256 * 1024, 'x');
  for (int i = 0; i < 80; ++i) Command(0, {"PUBLISH", "ch", payload});
  bool freed = WaitFor(
      [&] {
        std::string info = Command(0, {"CLUSTER", "INFO"});
        return info.find("total_cluster_links_buffer_limit_exceeded:0\r\n") == std::string::npos;
      },
      5000);
  kill(nodes_[1]->process->pid(), SIGCONT);
  ASSERT_TRUE(freed) << Command(0, {"CLUSTER", "INFO"});
  EXPECT_NE(Log(0).find("due to exceeding send buffer memory limit."), std::string::npos);
  // The peer is reached again over a new link.
  EXPECT_TRUE(WaitFor(
      [&] {
        auto links = Links(0);
        return links.size() == 2 && ClusterNodes(0)[0].link == "connected" &&
               ClusterNodes(0)[1].link == "connected";
      },
      15000));
}

TEST_F(ClusterBus, PublishReachesSubscribersOnOtherNodesIncludingRedis) {
  if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server not installed";
  ASSERT_NO_FATAL_FAILURE(StartNodes(2));
  size_t redis = AddNode(true);
  ASSERT_TRUE(WaitReady(redis));
  ASSERT_NO_FATAL_FAILURE(Join(3));
  RawClient sub1(port(1)), sub_redis(port(redis));
  EXPECT_EQ(sub1.Call({"SUBSCRIBE", "news"}), "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
  EXPECT_EQ(sub_redis.Call({"SUBSCRIBE", "news"}),
            "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
  EXPECT_EQ(Command(0, {"PUBLISH", "news", "from-slotd"}), "0");  // local receivers only
  const std::string from_slotd = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$10\r\nfrom-slotd\r\n";
  EXPECT_EQ(sub1.ReadReply(), from_slotd);
  EXPECT_EQ(sub_redis.ReadReply(), from_slotd);
  EXPECT_EQ(Command(redis, {"PUBLISH", "news", "from-redis"}), "1");
  EXPECT_EQ(sub1.ReadReply(), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$10\r\nfrom-redis\r\n");
  // The 7.0 peer got shard-id extensions only until its first message showed it is 7.0.
  const std::string unknown = "Received unknown extension type";
  size_t warnings = Count(Log(redis), unknown);
  EXPECT_LE(warnings, 8u);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(Count(Log(redis), unknown), warnings);
}

// Keyspace notifications stay on the node that changed the key (Redis publishes them locally), unlike a
// PUBLISH, which goes to every node over the bus.
TEST_F(ClusterBus, KeyspaceEventsStayOnTheNodeThatChangedTheKey) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(2, false, {"--notify-keyspace-events", "K$"}));
  ASSERT_NO_FATAL_FAILURE(Join(2));
  ASSERT_EQ(Command(0, {"CLUSTER", "ADDSLOTSRANGE", "0", "8191"}), "OK");
  ASSERT_EQ(Command(1, {"CLUSTER", "ADDSLOTSRANGE", "8192", "16383"}), "OK");
  ASSERT_TRUE(WaitClusterOk());
  ASSERT_EQ(Command(0, {"CLUSTER", "KEYSLOT", "bar"}), "5061");   // node 0
  ASSERT_EQ(Command(0, {"CLUSTER", "KEYSLOT", "foo"}), "12182");  // node 1
  RawClient sub0(port(0)), sub1(port(1));
  const std::string pattern = "__keyspace@0__:*";
  ASSERT_NE(sub0.Call({"PSUBSCRIBE", pattern}), "");
  ASSERT_NE(sub1.Call({"PSUBSCRIBE", pattern}), "");
  auto event = [&](const std::string& key, const std::string& name) {
    const std::string channel = "__keyspace@0__:" + key;
    return "*4\r\n$8\r\npmessage\r\n$" + std::to_string(pattern.size()) + "\r\n" + pattern + "\r\n$" +
           std::to_string(channel.size()) + "\r\n" + channel + "\r\n$" + std::to_string(name.size()) +
           "\r\n" + name + "\r\n";
  };
  ASSERT_EQ(Command(1, {"SET", "foo", "1"}), "OK");
  EXPECT_EQ(sub1.ReadReply(), event("foo", "set"));
  ASSERT_EQ(Command(0, {"SET", "bar", "1"}), "OK");
  // Node 0's subscriber sees its own key first: nothing about "foo" came over the bus.
  EXPECT_EQ(sub0.ReadReply(), event("bar", "set"));
}

TEST_F(ClusterBus, MyShardIdIsSharedByAMasterAndItsReplicaAndSurvivesRestart) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(3));
  ASSERT_NO_FATAL_FAILURE(Join(3));
  const std::string master_shard = Command(0, {"CLUSTER", "MYSHARDID"});
  ASSERT_EQ(master_shard.size(), 40u);
  EXPECT_NE(master_shard, Command(1, {"CLUSTER", "MYSHARDID"}));
  EXPECT_NE(master_shard, MyId(0));
  ASSERT_EQ(Command(2, {"CLUSTER", "REPLICATE", MyId(0)}), "OK");
  EXPECT_EQ(Command(2, {"CLUSTER", "MYSHARDID"}), master_shard);
  Stop(2, SIGTERM);
  Start(2);
  ASSERT_TRUE(WaitReady(2));
  EXPECT_EQ(Command(2, {"CLUSTER", "MYSHARDID"}), master_shard);
  std::ifstream conf(nodes_[2]->dir + "/nodes.conf");
  std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(",shard-id=" + master_shard + " myself,slave"), std::string::npos) << text;
}

// Keys written through a client that follows MOVED, while the replica takes over with a default
// CLUSTER FAILOVER (the master pauses writes until the replica has its offset).
TEST_F(ClusterBus, DefaultManualFailoverLosesNoAcknowledgedWrite) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(2));
  ASSERT_NO_FATAL_FAILURE(Join(2));
  ASSERT_EQ(Command(0, {"CLUSTER", "ADDSLOTSRANGE", "0", "16383"}), "OK");
  ASSERT_EQ(Command(1, {"CLUSTER", "REPLICATE", MyId(0)}), "OK");
  ASSERT_TRUE(WaitClusterOk());
  ASSERT_TRUE(WaitFor([&] { return InfoField(1, "replication", "master_link_status") == "up"; },
                      20000));
  std::atomic<bool> stop{false};
  std::vector<int> acked;
  std::thread writer([&] {
    int target = port(0);
    redisContext* ctx = nullptr;
    for (int i = 0; !stop.load() && i < 1000000;) {
      if (ctx == nullptr) {
        ctx = redisConnectWithTimeout("127.0.0.1", target, {2, 0});
        redisSetTimeout(ctx, {15, 0});
      }
      auto* r = static_cast<redisReply*>(
          redisCommand(ctx, "SET k:%d %d", i, i));
      if (r == nullptr) {  // connection lost: reconnect, retry the same key
        redisFree(ctx);
        ctx = nullptr;
        continue;
      }
      if (r->type == REDIS_REPLY_STATUS) {
        acked.push_back(i++);
      } else if (r->type == REDIS_REPLY_ERROR && std::strncmp(r->str, "MOVED ", 6) == 0) {
        target = std::atoi(std::strrchr(r->str, ':') + 1);
        redisFree(ctx);
        ctx = nullptr;
      }
      freeReplyObject(r);
    }
    if (ctx != nullptr) redisFree(ctx);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Command(1, {"CLUSTER", "FAILOVER"}), "OK");
  bool promoted = WaitFor([&] { return Role(1) == "master"; }, 15000);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  writer.join();
  ASSERT_TRUE(promoted) << Log(1);
  EXPECT_NE(Log(0).find("Manual failover requested by replica"), std::string::npos);
  ASSERT_GT(acked.size(), 10u);
  size_t missing = 0;
  redisContext* ctx = redisConnect("127.0.0.1", port(1));
  for (int i : acked) {
    auto* r = static_cast<redisReply*>(redisCommand(ctx, "GET k:%d", i));
    if (r == nullptr || r->type != REDIS_REPLY_STRING || std::to_string(i) != r->str) ++missing;
    if (r != nullptr) freeReplyObject(r);
  }
  redisFree(ctx);
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
}

}  // namespace
}  // namespace slotd::test
