// maxmemory on a real slotd: noeviction answers Redis's OOM error, allkeys-lru keeps memory bounded.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {
namespace {

int64_t InfoField(RawClient& c, const std::string& field) {
  std::string info = c.Call({"INFO"});
  size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + field.size() + 3));
}

TEST(Maxmemory, NoevictionRefusesWritesWithOom) {
  int port = FreePort();
  ServerProcess p(SlotdBinary(), {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                  "--maxmemory", "1", "--maxmemory-policy", "noeviction", "--dir", MakeTempDir()});
  ASSERT_TRUE(p.WaitReady(port));
  RawClient c(port);
  EXPECT_EQ(c.Call({"SET", "k", "v"}), "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_EQ(c.Call({"GET", "k"}), "$-1\r\n");  // reads still work
  EXPECT_EQ(c.Call({"DEL", "k"}), ":0\r\n");   // DEL is not denyoom
}

TEST(Maxmemory, AllkeysLruEvictsToStayUnderTheLimit) {
  int port = FreePort();
  ServerProcess p(SlotdBinary(), {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                  "--maxmemory", "20mb", "--maxmemory-policy", "allkeys-lru", "--dir",
                                  MakeTempDir()});
  ASSERT_TRUE(p.WaitReady(port));
  RawClient c(port);
  std::string value(1024, 'v');
  std::string batch;
  constexpr int kKeys = 60000;  // ~60 MB of values into a 20 MB server
  for (int i = 0; i < kKeys; ++i) {
    batch += EncodeCommand({"SET", "key:" + std::to_string(i), value});
    if (i % 1000 == 999) {
      c.SendRaw(batch);
      batch.clear();
      for (int j = 0; j < 1000; ++j) ASSERT_EQ(c.ReadReply(), "+OK\r\n");
    }
  }
  EXPECT_GT(InfoField(c, "evicted_keys"), 0);
  EXPECT_LT(InfoField(c, "used_memory"), 24 * 1024 * 1024);
  std::string dbsize = c.Call({"DBSIZE"});
  EXPECT_LT(std::stoll(dbsize.substr(1)), kKeys);
  EXPECT_EQ(c.Call({"GET", "key:" + std::to_string(kKeys - 1)}).substr(0, 6), "$1024\r");  // newest survives
}

}  // namespace
}  // namespace slotd::test
