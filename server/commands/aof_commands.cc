// BGREWRITEAOF (Redis 7.0 aof.c bgrewriteaofCommand): start, schedule or refuse an AOF rewrite.
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"
#include "server/persistence/aof/aof.h"

namespace slotd {
namespace {

void BgRewriteAof(CommandContext& ctx, ArgList) {
  Aof* aof = ctx.server().aof;
  Aof::RewriteRequest result =
      aof == nullptr ? Aof::RewriteRequest::kFailed : aof->RequestRewrite(ctx.in_exec());
  switch (result) {
    case Aof::RewriteRequest::kStarted:
      ctx.reply().SimpleString("Background append only file rewriting started");
      break;
    case Aof::RewriteRequest::kScheduled:
      ctx.reply().SimpleString("Background append only file rewriting scheduled");
      break;
    case Aof::RewriteRequest::kAlreadyInProgress:
      ctx.reply().Error(errors::kAofRewriteInProgress);
      break;
    case Aof::RewriteRequest::kFailed:
      ctx.reply().Error(errors::kAofRewriteFailed);
      break;
  }
}

}  // namespace

void RegisterAofCommands(CommandTable& table) {
  table.Register(MakeSpec("bgrewriteaof", 1, kCmdAdmin | kCmdNoScript, BgRewriteAof,
                          "@admin @slow @dangerous", "server",
                          "Asynchronously rewrite the append-only file", "1.0.0", "O(1)"));
}

}  // namespace slotd
