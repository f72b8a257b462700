// MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing itself happens in the dispatcher; EXEC runs the queue.
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/dispatcher.h"
#include "server/commands/families.h"

namespace slotd {
namespace {

void ResetTransaction(Server& server, Client& c) {
  c.in_multi = false;
  c.multi_error = false;
  c.queued.clear();
  server.UnwatchAll(c);
}

// A watched key that has logically expired since WATCH also aborts the transaction (Redis 7.0).
bool WatchedKeyExpired(Server& server, Client& c) {
  for (const WatchedKey& w : c.watched) {
    int64_t at = server.db(w.db).GetExpire(w.key);
    if (at != -1 && at <= server.now_ms) return true;
  }
  return false;
}

void MultiCommand(CommandContext& ctx, ArgList) {
  if (ctx.client().in_multi) {
    ctx.reply().Error(errors::kMultiNested);
    return;
  }
  ctx.client().in_multi = true;
  ctx.reply().Ok();
}

void DiscardCommand(CommandContext& ctx, ArgList) {
  if (!ctx.client().in_multi) {
    ctx.reply().Error(errors::kDiscardWithoutMulti);
    return;
  }
  ResetTransaction(ctx.server(), ctx.client());
  ctx.reply().Ok();
}

void ExecCommand(CommandContext& ctx, ArgList) {
  Client& c = ctx.client();
  Server& server = ctx.server();
  if (!c.in_multi) {
    ctx.reply().Error(errors::kExecWithoutMulti);
    return;
  }
  if (c.multi_error) {
    ctx.reply().Error(errors::kExecAbort);
    ResetTransaction(server, c);
    return;
  }
  if (c.watch_dirty || WatchedKeyExpired(server, c)) {
    ctx.reply().NullArray();
    ResetTransaction(server, c);
    return;
  }
  // EXEC itself is never propagated: its commands are, wrapped in MULTI/EXEC when there are several.
  ctx.PreventPropagation();
  std::vector<std::vector<std::string>> queued;
  queued.swap(c.queued);
  ResetTransaction(server, c);
  ctx.reply().ArrayHeader(queued.size());
  std::vector<std::string_view> argv;
  for (const std::vector<std::string>& command : queued) {
    argv.assign(command.begin(), command.end());
    const CommandSpec* spec = ResolveCommand(server, c, argv);
    if (spec != nullptr) Execute(server, c, *spec, argv, true);
  }
}

void WatchCommand(CommandContext& ctx, ArgList args) {
  if (ctx.client().in_multi) {
    ctx.reply().Error(errors::kWatchInMulti);
    return;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    ctx.db().Find(args[i], kLookupNoTouch | kLookupNoStats);  // drop an already-expired key first
    ctx.server().Watch(ctx.client(), ctx.db_index(), args[i]);
  }
  ctx.reply().Ok();
}

void UnwatchCommand(CommandContext& ctx, ArgList) {
  ctx.server().UnwatchAll(ctx.client());
  ctx.reply().Ok();
}

constexpr uint32_t kTxFlags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy;

}  // namespace

void RegisterTransactionCommands(CommandTable& table) {
  table.Register({.name = "multi", .arity = 1, .flags = kTxFlags, .handler = MultiCommand,
                  .acl_categories = "@fast @transaction", .summary = "Mark the start of a transaction block",
                  .since = "1.2.0", .group = "transactions", .complexity = "O(1)"});
  table.Register({.name = "exec", .arity = 1, .flags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdSkipSlowlog,
                  .handler = ExecCommand, .acl_categories = "@slow @transaction",
                  .summary = "Execute all commands issued after MULTI", .since = "1.2.0", .group = "transactions",
                  .complexity = "Depends on commands in the transaction"});
  table.Register({.name = "discard", .arity = 1, .flags = kTxFlags, .handler = DiscardCommand,
                  .acl_categories = "@fast @transaction", .summary = "Discard all commands issued after MULTI",
                  .since = "2.0.0", .group = "transactions", .complexity = "O(N), when N is the number of queued commands"});
  table.Register({.name = "watch", .arity = -2, .flags = kTxFlags, .first_key = 1, .last_key = -1, .key_step = 1,
                  .handler = WatchCommand, .acl_categories = "@fast @transaction",
                  .summary = "Watch the given keys to determine execution of the MULTI/EXEC block", .since = "2.2.0",
                  .group = "transactions", .complexity = "O(1) for every key."});
  table.Register({.name = "unwatch", .arity = 1, .flags = kTxFlags, .handler = UnwatchCommand,
                  .acl_categories = "@fast @transaction", .summary = "Forget about all watched keys",
                  .since = "2.2.0", .group = "transactions", .complexity = "O(1)"});
}

}  // namespace slotd
