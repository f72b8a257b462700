// When the failure-detection clock (ping_sent) of a peer starts after its bus link breaks: at the
// first reconnect attempt (cluster/README.md: a deliberate difference, Redis starts it later), and
// a ping pending from before the break keeps its time.
#include <gtest/gtest.h>

#include "cluster/node/cluster_node.h"
#include "tests/unit/cluster/node/node_test_util.h"

namespace slotd {
namespace {

using node_test::All;
using node_test::From;
using node_test::Id;
using node_test::Options;

// Node timeout 1000 ms; peer B joined at 1110 (its PONG), ticks every 100 ms from 1100.
class FailureClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Outbox out;
    ASSERT_TRUE(node_.Meet("10.0.0.9", 7000, 17000, 1000, out).ok());
    const LinkId link = Tick(1100);
    ASSERT_NE(link, 0u);
    out.clear();
    node_.OnFrame(link, From(Id('b'), bus::MessageType::kPong), 1110, out);
    ASSERT_NE(peer(), nullptr);
    ASSERT_FALSE(peer()->InHandshake());
    link_ = link;
  }
  // Runs one tick; returns the link of a connect it asked for (0 if none).
  LinkId Tick(int64_t now) {
    Outbox out;
    TickInput tick;
    tick.now_ms = now;
    tick.wall_ms = 1700000000000 + now;
    node_.Tick(tick, out);
    LinkId link = 0;
    for (const auto* c : All<ConnectEffect>(out)) link = c->link;
    return link;
  }
  void LinkDown(LinkId link, int64_t now) {
    Outbox out;
    node_.OnLinkDown(link, now, out);
  }
  // Ticks from `from` to `to` (100 ms apart); every reconnect is refused 1 ms later.
  void TicksWithRefusedConnects(int64_t from, int64_t to) {
    for (int64_t t = from; t <= to; t += 100) {
      if (LinkId l = Tick(t)) LinkDown(l, t + 1);
    }
  }
  const NodeRecord* peer() const { return node_.state().Find(Id('b')); }

  ClusterNode node_{Options(), 11};
  LinkId link_ = 0;
};

TEST_F(FailureClockTest, FirstReconnectAfterAnEofStartsTheClock) {
  LinkDown(link_, 1150);  // the peer died: EOF
  Outbox out;
  TickInput tick;
  tick.now_ms = 1200;
  tick.wall_ms = 1700000001200;
  node_.Tick(tick, out);
  auto connects = All<ConnectEffect>(out);
  ASSERT_EQ(connects.size(), 1u);
  auto sends = All<SendEffect>(out);
  ASSERT_EQ(sends.size(), 1u);  // the PING queued for when the link connects...
  EXPECT_EQ(sends[0]->msg.header.type, bus::MessageType::kPing);
  EXPECT_EQ(peer()->ping_sent_ms, 1200);  // ...starts the clock (Redis: up to nt/2 later)
  LinkDown(connects[0]->link, 1201);      // connection refused
  // PFAIL once unanswered for more than node_timeout: at 2300, never sooner.
  TicksWithRefusedConnects(1300, 2200);
  EXPECT_FALSE(peer()->Has(bus::kFlagPfail));
  TicksWithRefusedConnects(2300, 2300);
  EXPECT_TRUE(peer()->Has(bus::kFlagPfail));
}

TEST_F(FailureClockTest, PendingPingKeepsItsTimeAcrossAReconnect) {
  TicksWithRefusedConnects(1200, 1700);  // 1700: PONG older than 500 ms, PING sent
  ASSERT_EQ(peer()->ping_sent_ms, 1700);
  LinkDown(link_, 1750);
  TicksWithRefusedConnects(1800, 1800);  // the reconnect's PING does not restart the clock
  EXPECT_EQ(peer()->ping_sent_ms, 1700);
  TicksWithRefusedConnects(1900, 2700);
  EXPECT_FALSE(peer()->Has(bus::kFlagPfail));
  TicksWithRefusedConnects(2800, 2800);
  EXPECT_TRUE(peer()->Has(bus::kFlagPfail));
}

}  // namespace
}  // namespace slotd
