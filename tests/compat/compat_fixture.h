// Runs the same requests against redis-server 7.0 and slotd and compares the reply bytes, error texts
// included. Both servers are started once per test binary on free loopback ports (DEBUG allowed from
// loopback on both, for the tests that switch active expiry off).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {

using Commands = std::vector<std::vector<std::string>>;

// Everything pushed to `c` so far (pub/sub messages, invalidations), in order: sends a PING and reads up to
// its reply ("+PONG", or [pong, ""] for a subscribed RESP2 client), which comes after all of them.
// "<timeout>" is appended when the reply never comes.
std::string ReadPushesUntilPing(RawClient& c);

class CompatTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  // Flushes both servers, then sends each command to both and expects identical replies.
  void ExpectSameReplies(const Commands& commands, int protocol = 2);

  static std::unique_ptr<ServerProcess> redis_;
  static std::unique_ptr<ServerProcess> slotd_;
  static int redis_port_;
  static int slotd_port_;
};

}  // namespace slotd::test
