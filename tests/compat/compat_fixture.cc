#include "tests/compat/compat_fixture.h"

namespace slotd::test {

std::unique_ptr<ServerProcess> CompatTest::redis_;
std::unique_ptr<ServerProcess> CompatTest::slotd_;
int CompatTest::redis_port_ = 0;
int CompatTest::slotd_port_ = 0;

void CompatTest::SetUpTestSuite() {
  if (slotd_) return;
  std::string redis = RedisServerBinary();
  redis_port_ = FreePort();
  if (!redis.empty()) {
    redis_ = std::make_unique<ServerProcess>(
        redis, std::vector<std::string>{"--port", std::to_string(redis_port_), "--bind", "127.0.0.1", "--save", "",
                                        "--appendonly", "no", "--enable-debug-command", "local", "--dir", MakeTempDir()});
    redis_->WaitReady(redis_port_);
  }
  slotd_port_ = FreePort();
  slotd_ = std::make_unique<ServerProcess>(
      SlotdBinary(), std::vector<std::string>{"--port", std::to_string(slotd_port_), "--bind", "127.0.0.1",
                                              "--save", "", "--enable-debug-command", "local",
                                              "--dir", MakeTempDir()});
  slotd_->WaitReady(slotd_port_);
}

void CompatTest::TearDownTestSuite() {
  redis_.reset();
  slotd_.reset();
}

void CompatTest::SetUp() {
  ASSERT_TRUE(redis_ && redis_->running()) << "redis-server 7.0 is required (apt-get install -y redis-server)";
  ASSERT_TRUE(slotd_ && slotd_->running()) << slotd_->ReadLog();
}

std::string ReadPushesUntilPing(RawClient& c) {
  c.Send({"PING"});
  std::string pushes;
  for (std::string reply = c.ReadReply();; reply = c.ReadReply()) {
    if (reply.empty()) return pushes + "<timeout>";
    if (reply == "+PONG\r\n" || reply == "*2\r\n$4\r\npong\r\n$0\r\n\r\n") return pushes;
    pushes += reply;
  }
}

void CompatTest::ExpectSameReplies(const Commands& commands, int protocol) {
  RawClient redis(redis_port_);
  RawClient slotd(slotd_port_);
  ASSERT_TRUE(redis.connected() && slotd.connected());
  for (RawClient* c : {&redis, &slotd}) {
    c->Call({"FLUSHALL"});
    if (protocol == 3) c->Call({"HELLO", "3"});
  }
  for (const auto& command : commands) {
    std::string expected = redis.Call(command);
    std::string actual = slotd.Call(command);
    std::string shown;
    for (const std::string& a : command) shown += a + " ";
    EXPECT_EQ(actual, expected) << "command: " << shown;
  }
}

}  // namespace slotd::test
