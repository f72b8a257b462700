// Sentinel mode's commands (SENTINEL, INFO, ROLE, PUBLISH, HELLO and the restricted table) driven
// in-process through the dispatcher, with a bare SentinelNode behind a fake runtime. Expected bytes
// are redis-sentinel 7.0.15's replies, observed with a raw socket on the same scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cluster/sentinel/sentinel_conf.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/sentinel_runtime.h"
#include "tests/unit/server/command_harness.h"

namespace slotd {
namespace {

using test::Arr;
using test::Bulk;
using test::BulkArr;
using test::Err;
using test::Int;
using test::Simple;

constexpr int64_t kT0 = 1795327339000;
constexpr const char* kMyId = "54212e019ec95b34159911dc5dfc88dc1e0be961";
constexpr const char* kMasterRunId = "df33e47669462c404da47830c5b43f9a2cabf893";
constexpr const char* kReplicaRunId = "ec372035ff785e9d6a39420b5f4e13a7b8597be6";
constexpr const char* kPeerId = "4e852b56a098ef0203ec1b1cc04f3c800bbe0665";

const sentinel::Address kMasterAddr{"127.0.0.1", 23411};
const sentinel::Address kReplicaAddr{"127.0.0.1", 23413};
const sentinel::Address kPeerAddr{"127.0.0.1", 23414};

class FakeRuntime : public SentinelRuntime {
 public:
  FakeRuntime(const std::vector<std::string>& config_lines, int64_t now) : now_(now) {
    std::vector<std::vector<std::string>> lines;
    for (const std::string& line : config_lines) {
      std::istringstream in(line);
      std::vector<std::string> words;
      for (std::string w; in >> w;) words.push_back(w);
      lines.push_back(words);
    }
    sentinel::SentinelState state;
    auto applied = sentinel::ApplySentinelConfigLines(state, lines, now);
    EXPECT_TRUE(applied.ok()) << applied.error();
    node_ = std::make_unique<sentinel::SentinelNode>(std::move(state), 1, now);
  }

  sentinel::SentinelNode& node() override { return *node_; }
  int64_t NowMs() const override { return now_; }
  bool Execute(sentinel::Outbox& out) override {
    bool saves = false;
    for (sentinel::Effect& e : out) {
      saves = saves || std::holds_alternative<sentinel::SaveConfig>(e);
      executed.push_back(std::move(e));
    }
    out.clear();
    return !saves || save_ok;
  }
  int running_scripts() const override { return running; }
  int queued_scripts() const override { return static_cast<int>(scripts.size()); }
  std::vector<Script> PendingScripts() const override { return scripts; }
  void OnHelloPublished(std::string_view payload) override { hellos.emplace_back(payload); }
  void TimingsChanged() override { ++timing_changes; }
  int timing_changes = 0;

  void set_now(int64_t now) { now_ = now; }
  int Count(auto pred) const {
    return static_cast<int>(std::count_if(executed.begin(), executed.end(), pred));
  }
  int Saves() const {
    return Count(
        [](const sentinel::Effect& e) { return std::holds_alternative<sentinel::SaveConfig>(e); });
  }
  bool Logged(std::string_view text) const {
    return Count([&](const sentinel::Effect& e) {
             auto* line = std::get_if<sentinel::LogLine>(&e);
             return line != nullptr && line->text == text;
           }) > 0;
  }

  // Feeds the node an input at `at` (ms after kT0), leaving the clock there.
  void Ping(const sentinel::Address& from, int64_t at) {
    sentinel::Outbox out;
    node_->OnReply(from, sentinel::RequestKind::kPing, "", sentinel::Reply::Status("PONG"),
                   kT0 + at, out);
  }
  void Info(const sentinel::Address& from, const std::string& text, int64_t at) {
    sentinel::Outbox out;
    node_->OnReply(from, sentinel::RequestKind::kInfo, "mymaster", sentinel::Reply::String(text),
                   kT0 + at, out);
  }
  // The first timer tick creates the links, which then come up.
  void ConnectAll(const std::vector<sentinel::Address>& addrs) {
    sentinel::Outbox out;
    node_->Tick(kT0, out);
    for (const auto& a : addrs) node_->OnLinkUp(a, kT0, out);
  }

  bool save_ok = true;
  int running = 0;
  std::vector<Script> scripts;
  std::vector<sentinel::Effect> executed;
  std::vector<std::string> hellos;

 private:
  int64_t now_;
  std::unique_ptr<sentinel::SentinelNode> node_;
};

const std::string kMasterInfo = std::string("# Server\r\nrun_id:") + kMasterRunId +
                                "\r\n# Replication\r\nrole:master\r\nconnected_slaves:1\r\n"
                                "slave0:ip=127.0.0.1,port=23413,state=online,offset=850,lag=0\r\n";
const std::string kReplicaInfo =
    std::string("# Server\r\nrun_id:") + kReplicaRunId +
    "\r\n# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:23411\r\n"
    "master_link_status:up\r\nslave_repl_offset:850\r\nslave_priority:100\r\nreplica_announced:"
    "1\r\n";

class SentinelCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { UseConfig({"monitor mymaster 127.0.0.1 23411 2"}); }
  void TearDown() override { SetSentinelRuntimeForTest(nullptr); }

  void UseConfig(std::vector<std::string> lines) {
    lines.insert(lines.begin(), std::string("myid ") + kMyId);
    lines.push_back("down-after-milliseconds mymaster 5000");
    rt_ = std::make_unique<FakeRuntime>(lines, kT0);
    SetSentinelRuntimeForTest(rt_.get());
    h_.server().commands = CommandTable();
    RegisterSentinelModeCommands(h_.server().commands);
  }
  // The deployment redis-sentinel saw: master 23411, its replica 23413, a peer sentinel on 23414.
  // Inputs are timed so the "ms ago" fields equal the observed ones at kQ.
  static constexpr int64_t kQ = 57466;
  void UseDeployment() {
    UseConfig({"monitor mymaster 127.0.0.1 23411 2", "known-replica mymaster 127.0.0.1 23413",
               std::string("known-sentinel mymaster 127.0.0.1 23414 ") + kPeerId});
    rt_->ConnectAll({kMasterAddr, kReplicaAddr, kPeerAddr});
    rt_->Info(kMasterAddr, kMasterInfo, kQ - 7257);
    rt_->Info(kReplicaAddr, kReplicaInfo, kQ - 6097);
    sentinel::Outbox out;
    rt_->node().OnHello(std::string("127.0.0.1,23414,") + kPeerId + ",0,mymaster,127.0.0.1,23411,0",
                        kT0 + kQ - 1353, out);
    rt_->Ping(kReplicaAddr, kQ - 834);
    rt_->Ping(kPeerAddr, kQ - 114);
    rt_->Ping(kMasterAddr, kQ - 33);
    rt_->set_now(kT0 + kQ);
  }
  std::string Run3(std::initializer_list<std::string_view> args) {
    h_.Run({"HELLO", "3"});
    std::string reply = h_.Run(args);
    h_.Run({"HELLO", "2"});
    return reply;
  }

  test::CommandHarness h_;
  std::unique_ptr<FakeRuntime> rt_;
};

TEST_F(SentinelCommandsTest, OnlyRedisSentinelCommandsAreServed) {
  EXPECT_EQ(h_.Run({"GET", "k"}), Err("ERR unknown command 'GET', with args beginning with: 'k' "));
  EXPECT_EQ(h_.Run({"CONFIG", "GET", "port"}),
            Err("ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' "));
  EXPECT_EQ(h_.Run({"RESET"}), Err("ERR unknown command 'RESET', with args beginning with: "));
  EXPECT_EQ(h_.Run({"QUIT"}), Err("ERR unknown command 'QUIT', with args beginning with: "));
  EXPECT_EQ(h_.Run({"ECHO", "x"}),
            Err("ERR unknown command 'ECHO', with args beginning with: 'x' "));
  EXPECT_EQ(h_.Run({"PING"}), Simple("PONG"));
  for (std::string_view name :
       {"auth", "client", "command", "hello", "info", "ping", "psubscribe", "publish",
        "punsubscribe", "role", "sentinel", "shutdown", "subscribe", "unsubscribe"}) {
    EXPECT_NE(h_.server().commands.Find(name), nullptr) << name;
  }
}

TEST_F(SentinelCommandsTest, ArityAndUnknownSubcommandErrors) {
  EXPECT_EQ(h_.Run({"SENTINEL"}), Err("ERR wrong number of arguments for 'sentinel' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "foo"}), Err("ERR unknown subcommand 'foo'. Try SENTINEL HELP."));
  EXPECT_EQ(h_.Run({"SENTINEL", "MASTER"}),
            Err("ERR wrong number of arguments for 'sentinel|master' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MASTER", "a", "b"}),
            Err("ERR wrong number of arguments for 'sentinel|master' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MASTERS", "x"}),
            Err("ERR wrong number of arguments for 'sentinel|masters' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MYID", "x"}),
            Err("ERR wrong number of arguments for 'sentinel|myid' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "HELP", "x"}),
            Err("ERR wrong number of arguments for 'sentinel|help' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "FLUSHCONFIG", "x"}),
            Err("ERR wrong number of arguments for 'sentinel|flushconfig' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "INFO-CACHE"}),
            Err("ERR wrong number of arguments for 'sentinel|info-cache' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SIMULATE-FAILURE"}),
            Err("ERR wrong number of arguments for 'sentinel|simulate-failure' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG"}),
            Err("ERR wrong number of arguments for 'sentinel|config' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "a", "b", "c"}),
            Err("ERR wrong number of arguments for 'sentinel|monitor' command"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "x", "quorum"}),
            Err("ERR wrong number of arguments for 'sentinel|set' command"));
}

TEST_F(SentinelCommandsTest, UnknownMasterNames) {
  const std::string no_such = Err("ERR No such master with that name");
  for (std::string_view sub :
       {"MASTER", "REPLICAS", "SLAVES", "SENTINELS", "CKQUORUM", "FAILOVER", "REMOVE"}) {
    EXPECT_EQ(h_.Run({"SENTINEL", sub, "nope"}), no_such) << sub;
  }
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "nope", "quorum", "3"}), no_such);
  EXPECT_EQ(h_.Run({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"}), "*-1\r\n");
  EXPECT_EQ(Run3({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"}), "_\r\n");
  EXPECT_EQ(h_.Run({"SENTINEL", "INFO-CACHE", "nope"}), "*0\r\n");
  EXPECT_EQ(h_.Run({"SENTINEL", "RESET", "zzz*"}), Int(0));
}

// SENTINEL MASTERS right after the first INFO and PONGs of a lone master (RESP2 flat arrays).
TEST_F(SentinelCommandsTest, MastersListsInstanceFieldsInRedisOrder) {
  rt_->ConnectAll({kMasterAddr});
  rt_->Info(kMasterAddr, std::string("# Server\r\nrun_id:") + kMasterRunId + "\r\nrole:master\r\n",
            22);
  rt_->Ping(kMasterAddr, 6248);
  rt_->set_now(kT0 + 6369);
  EXPECT_EQ(
      h_.Run({"SENTINEL", "MASTERS"}),
      "*1\r\n*40\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$"
      "5\r\n23411\r\n"
      "$5\r\nrunid\r\n$40\r\ndf33e47669462c404da47830c5b43f9a2cabf893\r\n$5\r\nflags\r\n$"
      "6\r\nmaster\r\n"
      "$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n$14\r\nlast-"
      "ping-sent\r\n"
      "$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n121\r\n$15\r\nlast-ping-reply\r\n$3\r\n121\r\n"
      "$23\r\ndown-after-milliseconds\r\n$4\r\n5000\r\n$12\r\ninfo-refresh\r\n$4\r\n6347\r\n"
      "$13\r\nrole-reported\r\n$6\r\nmaster\r\n$18\r\nrole-reported-time\r\n$4\r\n6369\r\n"
      "$12\r\nconfig-epoch\r\n$1\r\n0\r\n$10\r\nnum-slaves\r\n$1\r\n0\r\n$19\r\nnum-other-"
      "sentinels\r\n$1\r\n0\r\n"
      "$6\r\nquorum\r\n$1\r\n2\r\n$16\r\nfailover-timeout\r\n$6\r\n180000\r\n$14\r\nparallel-"
      "syncs\r\n$1\r\n1\r\n");
}

TEST_F(SentinelCommandsTest, MasterReplicasSentinelsAreMapsInResp3) {
  UseDeployment();
  EXPECT_EQ(
      Run3({"SENTINEL", "MASTER", "mymaster"}),
      "%20\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$"
      "5\r\n23411\r\n"
      "$5\r\nrunid\r\n$40\r\ndf33e47669462c404da47830c5b43f9a2cabf893\r\n$5\r\nflags\r\n$"
      "6\r\nmaster\r\n"
      "$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n$14\r\nlast-"
      "ping-sent\r\n"
      "$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$2\r\n33\r\n$15\r\nlast-ping-reply\r\n$2\r\n33\r\n"
      "$23\r\ndown-after-milliseconds\r\n$4\r\n5000\r\n$12\r\ninfo-refresh\r\n$4\r\n7257\r\n"
      "$13\r\nrole-reported\r\n$6\r\nmaster\r\n$18\r\nrole-reported-time\r\n$5\r\n57466\r\n"
      "$12\r\nconfig-epoch\r\n$1\r\n0\r\n$10\r\nnum-slaves\r\n$1\r\n1\r\n$19\r\nnum-other-"
      "sentinels\r\n$1\r\n1\r\n"
      "$6\r\nquorum\r\n$1\r\n2\r\n$16\r\nfailover-timeout\r\n$6\r\n180000\r\n$14\r\nparallel-"
      "syncs\r\n$1\r\n1\r\n");
  const std::string replicas =
      "*1\r\n%21\r\n$4\r\nname\r\n$15\r\n127.0.0.1:23413\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$"
      "4\r\nport\r\n"
      "$5\r\n23413\r\n$5\r\nrunid\r\n$40\r\nec372035ff785e9d6a39420b5f4e13a7b8597be6\r\n$"
      "5\r\nflags\r\n"
      "$5\r\nslave\r\n$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-refcount\r\n$"
      "1\r\n1\r\n"
      "$14\r\nlast-ping-sent\r\n$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n834\r\n$15\r\nlast-"
      "ping-reply\r\n"
      "$3\r\n834\r\n$23\r\ndown-after-milliseconds\r\n$4\r\n5000\r\n$12\r\ninfo-refresh\r\n$"
      "4\r\n6097\r\n"
      "$13\r\nrole-reported\r\n$5\r\nslave\r\n$18\r\nrole-reported-time\r\n$5\r\n57466\r\n"
      "$21\r\nmaster-link-down-time\r\n$1\r\n0\r\n$18\r\nmaster-link-status\r\n$2\r\nok\r\n"
      "$11\r\nmaster-host\r\n$9\r\n127.0.0.1\r\n$11\r\nmaster-port\r\n$5\r\n23411\r\n$14\r\nslave-"
      "priority\r\n"
      "$3\r\n100\r\n$17\r\nslave-repl-offset\r\n$3\r\n850\r\n$17\r\nreplica-announced\r\n$"
      "1\r\n1\r\n";
  EXPECT_EQ(Run3({"SENTINEL", "REPLICAS", "mymaster"}), replicas);
  EXPECT_EQ(Run3({"SENTINEL", "SLAVES", "mymaster"}), replicas);
  EXPECT_EQ(
      Run3({"SENTINEL", "SENTINELS", "mymaster"}),
      "*1\r\n%14\r\n$4\r\nname\r\n$40\r\n4e852b56a098ef0203ec1b1cc04f3c800bbe0665\r\n$2\r\nip\r\n$"
      "9\r\n127.0.0.1\r\n"
      "$4\r\nport\r\n$5\r\n23414\r\n$5\r\nrunid\r\n$"
      "40\r\n4e852b56a098ef0203ec1b1cc04f3c800bbe0665\r\n"
      "$5\r\nflags\r\n$8\r\nsentinel\r\n$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-"
      "refcount\r\n"
      "$1\r\n1\r\n$14\r\nlast-ping-sent\r\n$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n114\r\n"
      "$15\r\nlast-ping-reply\r\n$3\r\n114\r\n$23\r\ndown-after-milliseconds\r\n$4\r\n5000\r\n"
      "$18\r\nlast-hello-message\r\n$4\r\n1353\r\n$12\r\nvoted-leader\r\n$1\r\n?\r\n"
      "$18\r\nvoted-leader-epoch\r\n$1\r\n0\r\n");
}

TEST_F(SentinelCommandsTest, AddressQuorumAndIdQueries) {
  UseDeployment();
  EXPECT_EQ(h_.Run({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}),
            BulkArr({"127.0.0.1", "23411"}));
  EXPECT_EQ(h_.Run({"SENTINEL", "CKQUORUM", "mymaster"}),
            Simple("OK 2 usable Sentinels. Quorum and failover authorization can be reached"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "quorum", "3"}), Simple("OK"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CKQUORUM", "mymaster"}),
            Err("NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the "
                "specified quorum "
                "for this master"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MYID"}), Bulk(kMyId));
  EXPECT_EQ(h_.Run({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "23411", "0", "*"}),
            Arr({Int(0), Bulk("*"), Int(0)}));
  EXPECT_EQ(Run3({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "99999", "-1", "*"}),
            Arr({Int(0), Bulk("*"), Int(0)}));
  EXPECT_EQ(h_.Run({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "abc", "0", "*"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h_.Run({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "23411", "x", "*"}),
            Err("ERR value is not an integer or out of range"));
}

TEST_F(SentinelCommandsTest, MonitorValidatesAndSavesConfig) {
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "abc", "2"}), Err("ERR Invalid port"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "6379", "abc"}),
            Err("ERR Invalid quorum"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "6379", "0"}),
            Err("ERR Quorum must be 1 or greater."));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "foo.bar", "6379", "2"}),
            Err("ERR Invalid IP address or hostname specified"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "70000", "2"}),
            Err("ERR Invalid port number."));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "mymaster", "1.2.3.4", "6379", "2"}),
            Err("ERR Duplicate master name."));
  EXPECT_EQ(rt_->Saves(), 0);
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "6379", "1"}), Simple("OK"));
  EXPECT_EQ(rt_->Saves(), 1);
  EXPECT_TRUE(rt_->Logged("+monitor master x 1.2.3.4 6379 quorum 1"));
  EXPECT_EQ(h_.Run({"ROLE"}), Arr({Bulk("sentinel"), BulkArr({"mymaster", "x"})}));
  rt_->save_ok = false;
  EXPECT_EQ(h_.Run({"SENTINEL", "REMOVE", "x"}),
            Err("ERR Failed to save config file. Check server logs."));
  EXPECT_EQ(h_.Run({"SENTINEL", "FLUSHCONFIG"}),
            Err("ERR Failed to save config file. Check server logs."));
  rt_->save_ok = true;
  EXPECT_EQ(h_.Run({"SENTINEL", "FLUSHCONFIG"}), Simple("OK"));
  EXPECT_EQ(h_.Run({"ROLE"}), Arr({Bulk("sentinel"), BulkArr({"mymaster"})}));
}

TEST_F(SentinelCommandsTest, SetOptionsAndTheirErrors) {
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "quorum", "0"}),
            Err("ERR Invalid argument '0' for SENTINEL SET 'quorum'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "foo", "1"}),
            Err("ERR Unknown option or number of arguments for SENTINEL SET 'foo'"));
  EXPECT_EQ(
      h_.Run({"SENTINEL", "SET", "mymaster", "quorum", "3", "down-after-milliseconds"}),
      Err("ERR Unknown option or number of arguments for SENTINEL SET 'down-after-milliseconds'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "notification-script", "/bin/true"}),
            Err("ERR Reconfiguration of scripts path is denied for security reasons. Check the "
                "deny-scripts-reconfig configuration directive in your Sentinel configuration"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "rename-command", "config"}),
            Err("ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "rename-command", "config", "xconfig"}),
            Simple("OK"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SET", "mymaster", "auth-pass", "secret"}), Simple("OK"));
  EXPECT_TRUE(rt_->Logged("+set master mymaster 127.0.0.1 23411 auth-pass ******"));
  // The quorum applied before the bad option stays applied (and saved), as in Redis.
  EXPECT_EQ(rt_->node().state().FindMaster("mymaster")->quorum, 3);
}

TEST_F(SentinelCommandsTest, FailoverNeedsAGoodReplicaAndResetCountsMasters) {
  EXPECT_EQ(h_.Run({"SENTINEL", "FAILOVER", "mymaster"}),
            Err("NOGOODSLAVE No suitable replica to promote"));
  EXPECT_EQ(h_.Run({"SENTINEL", "RESET", "*"}), Int(1));
  EXPECT_EQ(h_.Run({"SENTINEL", "RESET", "my?aster"}), Int(1));
}

TEST_F(SentinelCommandsTest, InfoCacheRepliesPerMasterAndReplica) {
  UseDeployment();
  EXPECT_EQ(h_.Run({"SENTINEL", "INFO-CACHE", "nope", "mymaster", "mymaster"}),
            Arr({Bulk("mymaster"), Arr({Arr({Int(7257), Bulk(kMasterInfo)}),
                                        Arr({Int(6097), Bulk(kReplicaInfo)})})}));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "x", "1.2.3.4", "6379", "1"}), Simple("OK"));
  EXPECT_EQ(h_.Run({"SENTINEL", "INFO-CACHE", "x"}),
            Arr({Bulk("x"), Arr({Arr({Int(0), "$-1\r\n"})})}));
  EXPECT_EQ(Run3({"SENTINEL", "INFO-CACHE", "x"}), Arr({Bulk("x"), Arr({Arr({Int(0), "_\r\n"})})}));
}

TEST_F(SentinelCommandsTest, SimulateFailureSetsFlagsAndHelpClearsThem) {
  EXPECT_EQ(
      h_.Run({"SENTINEL", "SIMULATE-FAILURE", "crash-after-election", "CRASH-AFTER-PROMOTION"}),
      Simple("OK"));
  EXPECT_EQ(rt_->node().state().simfailure_flags, 3u);
  EXPECT_TRUE(rt_->Logged(
      "Failure simulation: this Sentinel will crash after being successfully elected as "
      "failover leader"));
  EXPECT_EQ(h_.Run({"SENTINEL", "SIMULATE-FAILURE", "help"}),
            BulkArr({"crash-after-election", "crash-after-promotion"}));
  EXPECT_EQ(rt_->node().state().simfailure_flags, 0u);
  EXPECT_EQ(h_.Run({"SENTINEL", "SIMULATE-FAILURE", "crash-after-promotion", "foo"}),
            Err("ERR Unknown failure simulation specified"));
  EXPECT_EQ(rt_->node().state().simfailure_flags, 2u);
}

TEST_F(SentinelCommandsTest, ConfigGetSetAndUsageErrors) {
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "GET", "*"}),
            BulkArr({"resolve-hostnames", "no", "announce-hostnames", "no", "announce-ip", "",
                     "announce-port", "0", "sentinel-user", "", "sentinel-pass", ""}));
  EXPECT_EQ(Run3({"SENTINEL", "CONFIG", "GET", "announce*"}),
            "%3\r\n$18\r\nannounce-hostnames\r\n$2\r\nno\r\n$11\r\nannounce-ip\r\n$0\r\n\r\n$"
            "13\r\nannounce-port\r\n"
            "$1\r\n0\r\n");
  const std::string usage =
      Err("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "GET"}), usage);
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "GET", "a", "b"}), usage);
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "announce-port"}), usage);
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "a", "b", "c"}), usage);
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "foo", "bar"}), usage);
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "foo", "bar"}),
            Err("ERR Invalid argument 'foo' to SENTINEL CONFIG SET"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe"}),
            Err("ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "ANNOUNCE-PORT", "-1"}),
            Err("ERR Invalid value '-1' to SENTINEL CONFIG SET 'ANNOUNCE-PORT'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "SET", "announce-port", "26000"}), Simple("OK"));
  EXPECT_EQ(h_.Run({"SENTINEL", "CONFIG", "GET", "announce-port"}),
            BulkArr({"announce-port", "26000"}));
}

TEST_F(SentinelCommandsTest, DebugListsTimingParameters) {
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG"}), BulkArr({"INFO-PERIOD",
                                                    "10000",
                                                    "PING-PERIOD",
                                                    "1000",
                                                    "ASK-PERIOD",
                                                    "1000",
                                                    "PUBLISH-PERIOD",
                                                    "2000",
                                                    "DEFAULT-DOWN-AFTER",
                                                    "30000",
                                                    "DEFAULT-FAILOVER-TIMEOUT",
                                                    "180000",
                                                    "TILT-TRIGGER",
                                                    "2000",
                                                    "TILT-PERIOD",
                                                    "30000",
                                                    "SLAVE-RECONF-TIMEOUT",
                                                    "10000",
                                                    "MIN-LINK-RECONNECT-PERIOD",
                                                    "15000",
                                                    "ELECTION-TIMEOUT",
                                                    "10000",
                                                    "SCRIPT-MAX-RUNTIME",
                                                    "60000",
                                                    "SCRIPT-RETRY-DELAY",
                                                    "30000"}));
  EXPECT_EQ(Run3({"SENTINEL", "DEBUG"}).substr(0, 21), "%13\r\n$11\r\nINFO-PERIOD");
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "foo", "1"}),
            Err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'foo'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "info-period", "abc"}),
            Err("ERR Invalid argument 'abc' for SENTINEL DEBUG 'info-period'"));
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "info-period"}),
            Err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'info-period'"));
}

TEST_F(SentinelCommandsTest, DebugSetsTimingParametersOneByOne) {
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "ping-period", "500", "Script-Retry-Delay", "100"}),
            Simple("OK"));
  EXPECT_EQ(rt_->node().timings().ping_period, 500);
  EXPECT_EQ(rt_->node().timings().script_retry_delay, 100);
  EXPECT_EQ(rt_->timing_changes, 2);
  // As in Redis, the options before a bad one stay set.
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "tilt-period", "7000", "ask-period", "0"}),
            Err("ERR Invalid argument '0' for SENTINEL DEBUG 'ask-period'"));
  EXPECT_EQ(rt_->node().timings().tilt_period, 7000);
  EXPECT_EQ(rt_->node().timings().ask_period, 1000);
  // A master monitored afterwards takes the new defaults, and the config keeps them explicit.
  EXPECT_EQ(h_.Run({"SENTINEL", "DEBUG", "default-down-after", "4000"}), Simple("OK"));
  EXPECT_EQ(h_.Run({"SENTINEL", "MONITOR", "other", "127.0.0.1", "23499", "2"}), Simple("OK"));
  EXPECT_EQ(rt_->node().state().FindMaster("other")->down_after_ms, 4000);
}

TEST_F(SentinelCommandsTest, PendingScriptsDescribesQueuedJobs) {
  EXPECT_EQ(h_.Run({"SENTINEL", "PENDING-SCRIPTS"}), "*0\r\n");
  rt_->scripts.push_back(
      {{"/bin/notify", "+sdown", "master mymaster 127.0.0.1 23411"}, true, 4242, 15, 0, 0});
  rt_->scripts.push_back({{"/bin/notify", "-sdown"}, false, 0, 0, 30000, 1});
  const std::string running =
      "*10\r\n" + Bulk("argv") +
      BulkArr({"/bin/notify", "+sdown", "master mymaster 127.0.0.1 23411"}) + Bulk("flags") +
      Bulk("running") + Bulk("pid") + Bulk("4242") + Bulk("run-time") + Bulk("15") +
      Bulk("retry-num") + Bulk("0");
  const std::string scheduled = "*10\r\n" + Bulk("argv") + BulkArr({"/bin/notify", "-sdown"}) +
                                Bulk("flags") + Bulk("scheduled") + Bulk("pid") + Bulk("0") +
                                Bulk("run-delay") + Bulk("30000") + Bulk("retry-num") + Bulk("1");
  EXPECT_EQ(h_.Run({"SENTINEL", "PENDING-SCRIPTS"}), "*2\r\n" + running + scheduled);
}

TEST_F(SentinelCommandsTest, HelpListsSubcommands) {
  EXPECT_EQ(h_.Run({"SENTINEL", "HELP"}),
            "*49\r\n"
            "+SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+CKQUORUM <master-name>\r\n"
            "+    Check if the current Sentinel configuration is able to reach the quorum\r\n"
            "+    needed to failover a master and the majority needed to authorize the\r\n"
            "+    failover.\r\n"
            "+CONFIG SET <param> <value>\r\n"
            "+    Set a global Sentinel configuration parameter.\r\n"
            "+CONFIG GET <param>\r\n"
            "+    Get global Sentinel configuration parameter.\r\n"
            "+DEBUG [<param> <value> ...]\r\n"
            "+    Show a list of configurable time parameters and their values (milliseconds).\r\n"
            "+    Or update current configurable parameters values (one or more).\r\n"
            "+GET-MASTER-ADDR-BY-NAME <master-name>\r\n"
            "+    Return the ip and port number of the master with that name.\r\n"
            "+FAILOVER <master-name>\r\n"
            "+    Manually failover a master node without asking for agreement from other\r\n"
            "+    Sentinels\r\n"
            "+FLUSHCONFIG\r\n"
            "+    Force Sentinel to rewrite its configuration on disk, including the current\r\n"
            "+    Sentinel state.\r\n"
            "+INFO-CACHE <master-name>\r\n"
            "+    Return last cached INFO output from masters and all its replicas.\r\n"
            "+IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>\r\n"
            "+    Check if the master specified by ip:port is down from current Sentinel's\r\n"
            "+    point of view.\r\n"
            "+MASTER <master-name>\r\n"
            "+    Show the state and info of the specified master.\r\n"
            "+MASTERS\r\n"
            "+    Show a list of monitored masters and their state.\r\n"
            "+MONITOR <name> <ip> <port> <quorum>\r\n"
            "+    Start monitoring a new master with the specified name, ip, port and quorum.\r\n"
            "+MYID\r\n"
            "+    Return the ID of the Sentinel instance.\r\n"
            "+PENDING-SCRIPTS\r\n"
            "+    Get pending scripts information.\r\n"
            "+REMOVE <master-name>\r\n"
            "+    Remove master from Sentinel's monitor list.\r\n"
            "+REPLICAS <master-name>\r\n"
            "+    Show a list of replicas for this master and their state.\r\n"
            "+RESET <pattern>\r\n"
            "+    Reset masters for specific master name matching this pattern.\r\n"
            "+SENTINELS <master-name>\r\n"
            "+    Show a list of Sentinel instances for this master and their state.\r\n"
            "+SET <master-name> <option> <value> [<option> <value> ...]\r\n"
            "+    Set configuration parameters for certain masters.\r\n"
            "+SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]\r\n"
            "+    Simulate a Sentinel crash.\r\n"
            "+HELP\r\n"
            "+    Prints this help.\r\n");
}

TEST_F(SentinelCommandsTest, PublishAcceptsOnlyHelloMessages) {
  EXPECT_EQ(h_.Run({"PUBLISH", "foo", "bar"}),
            Err("ERR Only HELLO messages are accepted by Sentinel instances."));
  EXPECT_EQ(h_.Run({"PUBLISH", "__sentinel__:hello", "garbage"}), Int(1));
  EXPECT_EQ(rt_->hellos, std::vector<std::string>{"garbage"});
}

TEST_F(SentinelCommandsTest, InfoPrintsSentinelSections) {
  UseDeployment();
  const std::string sentinel_section =
      "# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\n"
      "sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_"
      "flags:0\r\n"
      "master0:name=mymaster,status=ok,address=127.0.0.1:23411,slaves=1,sentinels=2\r\n";
  EXPECT_EQ(h_.Run({"INFO", "sentinel"}), Bulk(sentinel_section));
  EXPECT_EQ(Run3({"INFO", "keyspace", "SENTINEL"}),
            Bulk(sentinel_section));  // a bulk, not verbatim
  EXPECT_EQ(h_.Run({"INFO", "memory"}), Bulk(""));
  std::string cpu = h_.Run({"INFO", "cpu"});
  EXPECT_NE(cpu.find("\r\n# CPU\r\nused_cpu_sys:"), std::string::npos);
  EXPECT_EQ(cpu.find("# Server"), std::string::npos);
  for (std::string_view args : {"", "default", "all", "everything"}) {
    std::string info = args.empty() ? h_.Run({"INFO"}) : h_.Run({"INFO", args});
    size_t server = info.find("# Server\r\n"), clients = info.find("\r\n\r\n# Clients\r\n");
    size_t stats = info.find("\r\n\r\n# Stats\r\n"), cpu_at = info.find("\r\n\r\n# CPU\r\n");
    size_t sentinel = info.find("\r\n\r\n" + sentinel_section);
    EXPECT_TRUE(server < clients && clients < stats && stats < cpu_at && cpu_at < sentinel) << args;
    EXPECT_NE(info.find("\r\nredis_mode:sentinel\r\n"), std::string::npos);
    EXPECT_EQ(info.find("# Memory"), std::string::npos);
    EXPECT_EQ(info.find("# Replication"), std::string::npos);
  }
}

TEST_F(SentinelCommandsTest, HelloReportsSentinelModeWithoutRole) {
  EXPECT_EQ(h_.Run({"HELLO", "3"}).substr(0, 4), "%6\r\n");
  std::string hello = h_.Run({"HELLO"});
  EXPECT_NE(hello.find("$4\r\nmode\r\n$8\r\nsentinel\r\n$7\r\nmodules\r\n*0\r\n"),
            std::string::npos);
  EXPECT_EQ(hello.find("role"), std::string::npos);
}

}  // namespace
}  // namespace slotd
