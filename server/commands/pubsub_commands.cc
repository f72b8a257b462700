// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
#include "server/cluster_host/cluster_host_start.h"
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace slotd {
namespace {

using SubscribeFn = bool (PubSub::*)(Client&, std::string_view);

// Confirmation frame: [kind, channel-or-null, count].
void Confirm(Client& c, std::string_view kind, const std::string_view* channel, size_t count) {
  c.reply.PushHeader(3);
  c.reply.Bulk(kind);
  if (channel != nullptr) {
    c.reply.Bulk(*channel);
  } else {
    c.reply.Null();
  }
  c.reply.Integer(static_cast<int64_t>(count));
}

size_t NormalCount(const Client& c) { return c.channels.size() + c.patterns.size(); }
size_t ShardCount(const Client& c) { return c.shard_channels.size(); }

void SubscribeEach(CommandContext& ctx, ArgList args, SubscribeFn fn, std::string_view kind, bool shard) {
  Client& c = ctx.client();
  for (size_t i = 1; i < args.size(); ++i) {
    (ctx.server().pubsub.*fn)(c, args[i]);
    Confirm(c, kind, &args[i], shard ? ShardCount(c) : NormalCount(c));
  }
}

// Unsubscribes from the named channels, or from all of `own` when none are named.
void UnsubscribeEach(CommandContext& ctx, ArgList args, SubscribeFn fn, std::string_view kind,
                     const std::set<std::string, std::less<>>& own, bool shard) {
  Client& c = ctx.client();
  auto count = [&] { return shard ? ShardCount(c) : NormalCount(c); };
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      (ctx.server().pubsub.*fn)(c, args[i]);
      Confirm(c, kind, &args[i], count());
    }
    return;
  }
  if (own.empty()) {
    Confirm(c, kind, nullptr, count());
    return;
  }
  std::vector<std::string> names(own.begin(), own.end());
  for (const std::string& name : names) {
    (ctx.server().pubsub.*fn)(c, name);
    std::string_view view = name;
    Confirm(c, kind, &view, count());
  }
}

void SubscribeCommand(CommandContext& ctx, ArgList args) {
  SubscribeEach(ctx, args, &PubSub::Subscribe, "subscribe", false);
}
void PSubscribeCommand(CommandContext& ctx, ArgList args) {
  SubscribeEach(ctx, args, &PubSub::PSubscribe, "psubscribe", false);
}
void SSubscribeCommand(CommandContext& ctx, ArgList args) {
  SubscribeEach(ctx, args, &PubSub::SSubscribe, "ssubscribe", true);
}
void UnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeEach(ctx, args, &PubSub::Unsubscribe, "unsubscribe", ctx.client().channels, false);
}
void PUnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeEach(ctx, args, &PubSub::PUnsubscribe, "punsubscribe", ctx.client().patterns, false);
}
void SUnsubscribeCommand(CommandContext& ctx, ArgList args) {
  UnsubscribeEach(ctx, args, &PubSub::SUnsubscribe, "sunsubscribe", ctx.client().shard_channels, true);
}

void PublishCommand(CommandContext& ctx, ArgList args) {
  size_t receivers = ctx.server().pubsub.Publish(args[1], args[2]);
  ++ctx.server().stats.pubsub_messages;
  if (ctx.server().cluster != nullptr) {
    ClusterPropagatePublish(ctx.server().cluster, args[1], args[2], false);
  } else {
    // Outside cluster mode replicas' subscribers get it through replication, never the AOF, as
    // Redis's forceCommandPropagation(PROPAGATE_REPL).
    ctx.PropagateToReplicas(args);
  }
  ctx.reply().Integer(static_cast<int64_t>(receivers));
}

void SPublishCommand(CommandContext& ctx, ArgList args) {
  size_t receivers = ctx.server().pubsub.SPublish(args[1], args[2]);
  ++ctx.server().stats.pubsub_messages;
  ClusterPropagatePublish(ctx.server().cluster, args[1], args[2], true);
  ctx.reply().Integer(static_cast<int64_t>(receivers));
}

void ReplyChannels(CommandContext& ctx, ArgList args, bool shard) {
  std::string_view pattern = args.size() > 2 ? args[2] : std::string_view();
  std::vector<std::string> names = ctx.server().pubsub.Channels(pattern, shard);
  ctx.reply().BulkArray(std::span<const std::string>(names));
}

void ReplyNumSub(CommandContext& ctx, ArgList args, bool shard) {
  ctx.reply().MapHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply().Bulk(args[i]);
    ctx.reply().Integer(static_cast<int64_t>(ctx.server().pubsub.NumSub(args[i], shard)));
  }
}

void PubSubChannels(CommandContext& ctx, ArgList args) { ReplyChannels(ctx, args, false); }
void PubSubShardChannels(CommandContext& ctx, ArgList args) { ReplyChannels(ctx, args, true); }
void PubSubNumSub(CommandContext& ctx, ArgList args) { ReplyNumSub(ctx, args, false); }
void PubSubShardNumSub(CommandContext& ctx, ArgList args) { ReplyNumSub(ctx, args, true); }
void PubSubNumPat(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().pubsub.NumPat()));
}

void PubSubHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply().SimpleString(line);
}

constexpr uint32_t kSubscribeFlags = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;

}  // namespace

void RegisterPubSubCommands(CommandTable& table) {
  table.Register({.name = "subscribe", .arity = -2, .flags = kSubscribeFlags, .handler = SubscribeCommand,
                  .acl_categories = "@pubsub @slow", .summary = "Listen for messages published to the given channels",
                  .since = "2.0.0", .group = "pubsub", .complexity = "O(N) where N is the number of channels to subscribe to."});
  table.Register({.name = "unsubscribe", .arity = -1, .flags = kSubscribeFlags, .handler = UnsubscribeCommand,
                  .acl_categories = "@pubsub @slow", .summary = "Stop listening for messages posted to the given channels",
                  .since = "2.0.0", .group = "pubsub", .complexity = "O(N) where N is the number of clients already subscribed to a channel."});
  table.Register({.name = "psubscribe", .arity = -2, .flags = kSubscribeFlags, .handler = PSubscribeCommand,
                  .acl_categories = "@pubsub @slow", .summary = "Listen for messages published to channels matching the given patterns",
                  .since = "2.0.0", .group = "pubsub", .complexity = "O(N) where N is the number of patterns the client is already subscribed to."});
  table.Register({.name = "punsubscribe", .arity = -1, .flags = kSubscribeFlags, .handler = PUnsubscribeCommand,
                  .acl_categories = "@pubsub @slow", .summary = "Stop listening for messages posted to channels matching the given patterns",
                  .since = "2.0.0", .group = "pubsub", .complexity = "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client)."});
  table.Register({.name = "ssubscribe", .arity = -2, .flags = kSubscribeFlags, .first_key = 1, .last_key = -1,
                  .key_step = 1, .handler = SSubscribeCommand, .acl_categories = "@pubsub @slow",
                  .summary = "Listen for messages published to the given shard channels", .since = "7.0.0",
                  .group = "pubsub", .complexity = "O(N) where N is the number of shard channels to subscribe to."});
  table.Register({.name = "sunsubscribe", .arity = -1, .flags = kSubscribeFlags, .first_key = 1, .last_key = -1,
                  .key_step = 1, .handler = SUnsubscribeCommand, .acl_categories = "@pubsub @slow",
                  .summary = "Stop listening for messages posted to the given shard channels", .since = "7.0.0",
                  .group = "pubsub", .complexity = "O(N) where N is the number of clients already subscribed to a shard channel."});
  table.Register({.name = "publish", .arity = 3,
                  .flags = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate,
                  .handler = PublishCommand, .acl_categories = "@pubsub @fast", .summary = "Post a message to a channel",
                  .since = "2.0.0", .group = "pubsub", .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."});
  table.Register({.name = "spublish", .arity = 3,
                  .flags = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, .first_key = 1,
                  .last_key = 1, .key_step = 1, .handler = SPublishCommand, .acl_categories = "@pubsub @fast",
                  .summary = "Post a message to a shard channel", .since = "7.0.0", .group = "pubsub",
                  .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel."});
  constexpr uint32_t kIntrospect = kCmdPubSub | kCmdLoading | kCmdStale;
  CommandSpec pubsub{.name = "pubsub", .arity = -2, .acl_categories = "@slow",
                     .summary = "A container for Pub/Sub commands", .since = "2.8.0", .group = "pubsub",
                     .complexity = "Depends on subcommand."};
  pubsub.subcommands = {
      {.name = "channels", .arity = -2, .flags = kIntrospect, .handler = PubSubChannels,
       .acl_categories = "@pubsub @slow", .summary = "List active channels", .since = "2.8.0", .group = "pubsub"},
      {.name = "numsub", .arity = -2, .flags = kIntrospect, .handler = PubSubNumSub,
       .acl_categories = "@pubsub @slow", .summary = "Get the count of subscribers for channels", .since = "2.8.0",
       .group = "pubsub"},
      {.name = "numpat", .arity = 2, .flags = kIntrospect, .handler = PubSubNumPat,
       .acl_categories = "@pubsub @slow", .summary = "Get the count of unique patterns pattern subscriptions",
       .since = "2.8.0", .group = "pubsub"},
      {.name = "shardchannels", .arity = -2, .flags = kIntrospect, .handler = PubSubShardChannels,
       .acl_categories = "@pubsub @slow", .summary = "List active shard channels", .since = "7.0.0",
       .group = "pubsub"},
      {.name = "shardnumsub", .arity = -2, .flags = kIntrospect, .handler = PubSubShardNumSub,
       .acl_categories = "@pubsub @slow", .summary = "Get the count of subscribers for shard channels",
       .since = "7.0.0", .group = "pubsub"},
      {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .handler = PubSubHelp,
       .acl_categories = "@slow", .summary = "Show helpful text about the different subcommands",
       .since = "6.2.0", .group = "pubsub"},
  };
  table.Register(std::move(pubsub));
}

}  // namespace slotd
