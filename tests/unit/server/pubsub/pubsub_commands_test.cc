#include <gtest/gtest.h>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

TEST(PubSubCommands, SubscribeConfirmsWithCounts) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SUBSCRIBE", "a", "b"}),
            Arr({Bulk("subscribe"), Bulk("a"), Int(1)}) + Arr({Bulk("subscribe"), Bulk("b"), Int(2)}));
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "n*"}), Arr({Bulk("psubscribe"), Bulk("n*"), Int(3)}));
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}),
            Arr({Bulk("unsubscribe"), Bulk("a"), Int(2)}) + Arr({Bulk("unsubscribe"), Bulk("b"), Int(1)}));
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}), Arr({Bulk("punsubscribe"), Bulk("n*"), Int(0)}));
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), Arr({Bulk("unsubscribe"), NullBulk(), Int(0)}));
}

TEST(PubSubCommands, PublishReachesChannelAndPatternSubscribers) {
  CommandHarness h;
  Client& sub = h.NewClient();
  h.RunAs(sub, {"SUBSCRIBE", "news"});
  h.RunAs(sub, {"PSUBSCRIBE", "n*"});
  EXPECT_EQ(h.Run({"PUBLISH", "news", "hello"}), Int(2));
  EXPECT_EQ(h.TakeOutput(sub), Arr({Bulk("message"), Bulk("news"), Bulk("hello")}) +
                                   Arr({Bulk("pmessage"), Bulk("n*"), Bulk("news"), Bulk("hello")}));
  EXPECT_EQ(h.Run({"PUBLISH", "other", "x"}), Int(0));
}

TEST(PubSubCommands, Resp3MessagesArePushes) {
  CommandHarness h;
  Client& sub = h.NewClient();
  sub.reply.set_protocol(3);
  h.RunAs(sub, {"SUBSCRIBE", "c"});
  h.Run({"PUBLISH", "c", "m"});
  EXPECT_EQ(h.TakeOutput(sub), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
}

TEST(PubSubCommands, SubscribedResp2ClientMayOnlyRunPubSubCommands) {
  CommandHarness h;
  h.Run({"SUBSCRIBE", "c"});
  EXPECT_EQ(h.Run({"GET", "k"}),
            Err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                "allowed in this context"));
  EXPECT_EQ(h.Run({"PING"}), Arr({Bulk("pong"), Bulk("")}));
}

TEST(PubSubCommands, ShardChannelsAreSeparate) {
  CommandHarness h;
  Client& sub = h.NewClient();
  EXPECT_EQ(h.RunAs(sub, {"SSUBSCRIBE", "s1"}), Arr({Bulk("ssubscribe"), Bulk("s1"), Int(1)}));
  EXPECT_EQ(h.Run({"PUBLISH", "s1", "x"}), Int(0));
  EXPECT_EQ(h.Run({"SPUBLISH", "s1", "x"}), Int(1));
  EXPECT_EQ(h.TakeOutput(sub), Arr({Bulk("smessage"), Bulk("s1"), Bulk("x")}));
  EXPECT_EQ(h.Run({"PUBSUB", "SHARDCHANNELS"}), BulkArr({"s1"}));
  EXPECT_EQ(h.Run({"PUBSUB", "SHARDNUMSUB", "s1"}), Arr({Bulk("s1"), Int(1)}));
}

TEST(PubSubCommands, Introspection) {
  CommandHarness h;
  Client& sub = h.NewClient();
  h.RunAs(sub, {"SUBSCRIBE", "alpha", "beta"});
  h.RunAs(sub, {"PSUBSCRIBE", "x*"});
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS"}), BulkArr({"alpha", "beta"}));
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS", "a*"}), BulkArr({"alpha"}));
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB", "alpha", "zeta"}), Arr({Bulk("alpha"), Int(1), Bulk("zeta"), Int(0)}));
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}), Int(1));
  EXPECT_EQ(h.Run({"PUBSUB", "NOPE"}), Err("ERR unknown subcommand 'NOPE'. Try PUBSUB HELP."));
}

}  // namespace
}  // namespace slotd::test
