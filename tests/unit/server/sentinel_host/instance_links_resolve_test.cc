// Hostname links of the sentinel host: the lookup runs off the loop, a failed one reports LinkDown
// once, and a link closed (or an owner destroyed) while its lookup runs hears nothing back.
#include <gtest/gtest.h>
#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "server/sentinel_host/instance_links.h"

namespace slotd {
namespace {

class Recorder final : public InstanceLinks::Events {
 public:
  void LinkUp(const sentinel::Address& addr) override { up.push_back(addr); }
  void LinkDown(const sentinel::Address& addr) override { down.push_back(addr); }
  void Reply(const sentinel::Address&, sentinel::RequestKind, const std::string&,
             const sentinel::Reply&) override {}
  void Hello(std::string_view) override {}
  void HostResolved(const std::string& host, const std::string& ip) override {
    resolved.push_back(host + "=" + ip);
  }
  std::vector<sentinel::Address> up;
  std::vector<std::string> resolved;
  std::vector<sentinel::Address> down;
};

sentinel::Connect HostLink(const std::string& host) {
  sentinel::Connect c;
  c.addr = {host, 6379};
  c.pubsub = true;
  return c;
}

class InstanceLinksResolveTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(uv_loop_init(&loop_), 0); }
  void TearDown() override {
    uv_run(&loop_, UV_RUN_DEFAULT);  // lookups still in flight complete (and free themselves)
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  // Runs the loop until `done` or 5 s passed.
  bool RunUntil(const std::function<bool()>& done) {
    uint64_t deadline = uv_now(&loop_) + 5000;
    while (!done() && uv_now(&loop_) < deadline) {
      uv_run(&loop_, UV_RUN_NOWAIT);
      uv_sleep(1);
      uv_update_time(&loop_);
    }
    return done();
  }

  uv_loop_t loop_;
  Recorder events_;
};

TEST_F(InstanceLinksResolveTest, UnresolvableHostnameReportsLinkDownOnceFromTheLoop) {
  InstanceLinks links(&loop_, &events_);
  links.Connect(HostLink("no-such-host.invalid"));
  EXPECT_TRUE(events_.down.empty());  // the lookup did not run inside Connect
  EXPECT_EQ(links.size(), 1u);
  ASSERT_TRUE(RunUntil([&] { return !events_.down.empty(); }));
  EXPECT_EQ(events_.down, (std::vector<sentinel::Address>{{"no-such-host.invalid", 6379}}));
  EXPECT_TRUE(events_.up.empty());
  EXPECT_TRUE(events_.resolved.empty());
  EXPECT_EQ(links.size(), 0u);
  // A retry looks the name up again (nothing cached) and fails the same way.
  links.Connect(HostLink("no-such-host.invalid"));
  ASSERT_TRUE(RunUntil([&] { return events_.down.size() == 2; }));
  EXPECT_TRUE(events_.up.empty());
}

TEST_F(InstanceLinksResolveTest, DisconnectWhileResolvingReportsNothing) {
  InstanceLinks links(&loop_, &events_);
  links.Connect(HostLink("localhost"));
  links.Disconnect({"localhost", 6379});
  EXPECT_EQ(links.size(), 0u);
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_TRUE(events_.up.empty());
  EXPECT_TRUE(events_.down.empty());
}

TEST_F(InstanceLinksResolveTest, ReconnectWhileResolvingKeepsOnlyTheNewLink) {
  InstanceLinks links(&loop_, &events_);
  links.Connect(HostLink("no-such-host.invalid"));
  links.Connect(HostLink("no-such-host.invalid"));  // replaces the first; its lookup is orphaned
  ASSERT_TRUE(RunUntil([&] { return !events_.down.empty(); }));
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_EQ(events_.down.size(), 1u);
}

TEST_F(InstanceLinksResolveTest, OwnerDestroyedWhileResolvingIsSafe) {
  {
    InstanceLinks links(&loop_, &events_);
    links.Connect(HostLink("localhost"));
    links.Connect(HostLink("no-such-host.invalid"));
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_TRUE(events_.up.empty());
  EXPECT_TRUE(events_.down.empty());
}

TEST_F(InstanceLinksResolveTest, ALookupBeforeConnectReportsTheAddressFound) {
  InstanceLinks links(&loop_, &events_);
  sentinel::Connect c = HostLink("localhost");
  c.addr.port = 1;  // nothing listens there: the dial fails after the lookup
  links.Connect(c);
  ASSERT_TRUE(RunUntil([&] { return !events_.down.empty(); }));
  EXPECT_EQ(events_.resolved, (std::vector<std::string>{"localhost=" + ResolveHostNow("localhost")}));
  links.CloseAll();
}

TEST(ResolveHostNowTest, LiteralsAsTheyAreNamesByLookupUnknownAsEmpty) {
  EXPECT_EQ(ResolveHostNow("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(ResolveHostNow("::1"), "::1");
  const std::string local = ResolveHostNow("localhost");
  EXPECT_TRUE(local == "127.0.0.1" || local == "::1") << local;
  EXPECT_EQ(ResolveHostNow("no-such-host.invalid"), "");
}

}  // namespace
}  // namespace slotd
