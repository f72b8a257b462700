// Limits and operations of a real slotd process: maxclients, idle timeout, output and query buffer
// limits, bulk length limit, a bad config file refusing to start, daemonize with a pidfile.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

struct Started {
  int port;
  std::unique_ptr<ServerProcess> process;
};

Started StartSlotd(std::vector<std::string> extra) {
  int port = FreePort();
  std::vector<std::string> args = {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                   "--dir", MakeTempDir()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto process = std::make_unique<ServerProcess>(SlotdBinary(), args);
  EXPECT_TRUE(process->WaitReady(port)) << process->ReadLog();
  return {port, std::move(process)};
}

TEST(Limits, MaxClientsRefusesTheExtraConnection) {
  Started s = StartSlotd({"--maxclients", "2"});
  // One at a time: the readiness probe's closed connection must be gone before the count matters.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RawClient a(s.port);
  EXPECT_EQ(a.Call({"PING"}), "+PONG\r\n");
  RawClient b(s.port);
  EXPECT_EQ(b.Call({"PING"}), "+PONG\r\n");
  RawClient c(s.port);
  EXPECT_EQ(c.ReadReply(), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(a.Call({"PING"}), "+PONG\r\n");
}

TEST(Limits, IdleClientsAreClosedAfterTimeout) {
  Started s = StartSlotd({"--timeout", "1"});
  RawClient idle(s.port);
  EXPECT_EQ(idle.Call({"PING"}), "+PONG\r\n");
  EXPECT_TRUE(idle.WaitClosed());  // within the client's 5 s read timeout
}

TEST(Limits, SlowPubSubSubscriberIsDisconnectedAtTheOutputLimit) {
  Started s = StartSlotd({"--client-output-buffer-limit", "pubsub", "64kb", "0", "0"});
  RawClient subscriber(s.port);
  subscriber.Call({"SUBSCRIBE", "flood"});  // then never reads again
  RawClient publisher(s.port);
  std::string payload(16 * 1024, 'x');
  int receivers_after = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 2000 && receivers_after != 0 && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string reply = publisher.Call({"PUBLISH", "flood", payload});
    ASSERT_FALSE(reply.empty()) << "no reply to PUBLISH";
    receivers_after = reply == ":0\r\n" ? 0 : 1;
  }
  EXPECT_EQ(receivers_after, 0) << "the subscriber was never disconnected";
  EXPECT_TRUE(subscriber.WaitClosed());
  EXPECT_EQ(publisher.Call({"PING"}), "+PONG\r\n");
}

TEST(Limits, QueryBufferLimitClosesTheClient) {
  Started s = StartSlotd({"--client-query-buffer-limit", "1mb"});
  RawClient greedy(s.port);
  greedy.SendRaw("*2\r\n$3\r\nGET\r\n$4000000\r\n");
  greedy.SendRaw(std::string(2 * 1024 * 1024, 'a'));  // never completes the bulk
  EXPECT_TRUE(greedy.WaitClosed());
  RawClient other(s.port);
  EXPECT_EQ(other.Call({"PING"}), "+PONG\r\n");
}

TEST(Limits, BulkLongerThanProtoMaxBulkLenIsAProtocolError) {
  Started s = StartSlotd({"--proto-max-bulk-len", "1mb"});
  RawClient c(s.port);
  c.SendRaw("*2\r\n$3\r\nGET\r\n$2000000\r\n");
  EXPECT_EQ(c.ReadReply(), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(Operations, BadConfigFileRefusesToStartNamingLineAndKey) {
  std::string dir = MakeTempDir();
  std::string path = dir + "/bad.conf";
  std::ofstream(path) << "# comment\nbind 127.0.0.1\nport notanumber\n";
  ServerProcess p(SlotdBinary(), {path});
  int status = p.WaitExit(10000);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::string log = p.ReadLog();
  EXPECT_NE(log.find("line 3"), std::string::npos) << log;
  EXPECT_NE(log.find("port notanumber"), std::string::npos) << log;
}

TEST(Operations, BadTomlValueNamesTheKey) {
  std::string dir = MakeTempDir();
  std::string path = dir + "/bad.toml";
  std::ofstream(path) << "port = 7001\nmaxmemory-policy = \"sometimes\"\n";
  ServerProcess p(SlotdBinary(), {path});
  int status = p.WaitExit(10000);
  ASSERT_TRUE(status != -1 && WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::string log = p.ReadLog();
  EXPECT_NE(log.find("maxmemory-policy"), std::string::npos) << log;
  EXPECT_NE(log.find(":2"), std::string::npos) << log;
}

TEST(Operations, DaemonizeWritesThePidfile) {
  int port = FreePort();
  std::string dir = MakeTempDir();
  std::string pidfile = dir + "/slotd.pid";
  ServerProcess launcher(SlotdBinary(), {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                         "--daemonize", "yes", "--pidfile", pidfile, "--logfile",
                                         dir + "/slotd.log", "--dir", dir});
  int status = launcher.WaitExit(10000);
  ASSERT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  pid_t daemon_pid = 0;
  for (int i = 0; i < 200 && daemon_pid == 0; ++i) {
    std::ifstream in(pidfile);
    in >> daemon_pid;
    if (daemon_pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(daemon_pid, 0);
  {
    // The pidfile is written right after daemonizing, before the listener binds (as in Redis).
    std::unique_ptr<RawClient> probe;
    for (int i = 0; i < 250; ++i) {
      probe = std::make_unique<RawClient>(port);
      if (probe->connected()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    RawClient& c = *probe;
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  }
  kill(daemon_pid, SIGTERM);  // the daemon we started, by its own pidfile
  // It may stay a zombie under a PID 1 that does not reap, so watch its effects instead of the pid.
  bool pidfile_gone = false;
  for (int i = 0; i < 250 && !pidfile_gone; ++i) {
    pidfile_gone = !std::ifstream(pidfile).good();
    if (!pidfile_gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(pidfile_gone) << "pidfile not removed on shutdown";
  RawClient after(port, 500);
  EXPECT_FALSE(after.connected() && after.Call({"PING"}) == "+PONG\r\n") << "daemon still serving";
}

}  // namespace
}  // namespace slotd::test
