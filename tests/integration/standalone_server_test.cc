// A real slotd process on a free loopback port, driven with hiredis, raw sockets and the real redis-cli.
#include <hiredis/hiredis.h>
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class StandaloneServer : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    dir_ = MakeTempDir();
    server_ = std::make_unique<ServerProcess>(
        SlotdBinary(), std::vector<std::string>{"--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
                                                "--enable-debug-command", "local", "--save", ""});
    ASSERT_TRUE(server_->WaitReady(port_)) << server_->ReadLog();
    ctx_ = redisConnect("127.0.0.1", port_);
    ASSERT_TRUE(ctx_ != nullptr && ctx_->err == 0);
  }
  void TearDown() override {
    if (ctx_ != nullptr) redisFree(ctx_);
    server_.reset();
  }
  Reply Command(const char* format, const char* arg = nullptr) {
    return Reply(static_cast<redisReply*>(redisCommand(ctx_, format, arg)));
  }
  std::string RedisCli(const std::string& args) {
    std::string cmd = "redis-cli -p " + std::to_string(port_) + " " + args + " 2>&1";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
      pclose(p);
    }
    return out;
  }

  int port_ = 0;
  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
  redisContext* ctx_ = nullptr;
};

TEST_F(StandaloneServer, AnswersPingAndStoresValues) {
  Reply pong = Command("PING");
  ASSERT_TRUE(pong);
  EXPECT_EQ(std::string(pong->str), "PONG");
  Reply ok = Command("SET greeting %s", "hello world");
  EXPECT_EQ(std::string(ok->str), "OK");
  Reply value = Command("GET greeting");
  ASSERT_EQ(value->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(value->str, value->len), "hello world");
}

TEST_F(StandaloneServer, DeepPipelineIsAnsweredInOrder) {
  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) redisAppendCommand(ctx_, "INCR counter");
  for (int i = 1; i <= kCount; ++i) {
    redisReply* r = nullptr;
    ASSERT_EQ(redisGetReply(ctx_, reinterpret_cast<void**>(&r)), REDIS_OK);
    ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
    EXPECT_EQ(r->integer, i);
    freeReplyObject(r);
  }
}

TEST_F(StandaloneServer, GarbageClosesOnlyThatClient) {
  RawClient bad(port_);
  bad.SendRaw("*1\r\n+PING\r\n");
  EXPECT_EQ(bad.ReadReply(), "-ERR Protocol error: expected '$', got '+'\r\n");
  EXPECT_TRUE(bad.WaitClosed());
  Reply pong = Command("PING");
  ASSERT_TRUE(pong);
  EXPECT_EQ(std::string(pong->str), "PONG");
}

TEST_F(StandaloneServer, InlineCommandsWork) {
  RawClient raw(port_);
  raw.SendRaw("SET inline \"a b\"\r\nGET inline\r\n");
  EXPECT_EQ(raw.ReadReply(), "+OK\r\n");
  EXPECT_EQ(raw.ReadReply(), "$3\r\na b\r\n");
}

TEST_F(StandaloneServer, RealRedisCliWorks) {
  EXPECT_EQ(RedisCli("SET cli-key 42"), "OK\n");
  EXPECT_EQ(RedisCli("--no-raw INCRBY cli-key 8"), "(integer) 50\n");
  EXPECT_EQ(RedisCli("--no-raw GET cli-key"), "\"50\"\n");
}

TEST_F(StandaloneServer, MonitorSeesOtherClientsCommands) {
  RawClient monitor(port_);
  EXPECT_EQ(monitor.Call({"MONITOR"}), "+OK\r\n");
  RawClient writer(port_);
  EXPECT_EQ(writer.Call({"SET", "watched", "a\"b"}), "+OK\r\n");
  std::string line = monitor.ReadReply();
  EXPECT_EQ(line.front(), '+');
  EXPECT_NE(line.find(" [0 127.0.0.1:"), std::string::npos) << line;
  EXPECT_NE(line.find("] \"SET\" \"watched\" \"a\\\"b\"\r\n"), std::string::npos) << line;
}

TEST_F(StandaloneServer, SigtermStopsCleanly) {
  int status = server_->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(server_->ReadLog().find("ready to exit, bye bye"), std::string::npos);
}

TEST_F(StandaloneServer, ShutdownCommandStopsTheServer) {
  redisCommand(ctx_, "SHUTDOWN NOSAVE");
  int status = server_->WaitExit(10000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status));
}

TEST_F(StandaloneServer, DebugSegfaultCrashesWithReport) {
  redisCommand(ctx_, "DEBUG SEGFAULT");
  int status = server_->WaitExit(10000);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGSEGV);
  std::string log = server_->ReadLog();
  EXPECT_NE(log.find("crashed by signal: 11"), std::string::npos) << log;
  EXPECT_NE(log.find("STACK TRACE"), std::string::npos);
}

}  // namespace
}  // namespace slotd::test
