// Snapshot commands: SAVE, BGSAVE [SCHEDULE], LASTSAVE (Redis 7.0 rdb.c saveCommand/bgsaveCommand,
// server.c lastsaveCommand). The work is done by persistence/snapshots.h.
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"
#include "server/log/logger.h"
#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

void Save(CommandContext& ctx, ArgList) {
  Snapshots* snapshots = ctx.server().snapshots;
  std::string error;
  if (snapshots == nullptr) {
    ctx.reply().Error(errors::kBareErr);
  } else if (snapshots->background_save_in_progress()) {
    ctx.reply().Error(errors::kBgsaveInProgress);
  } else if (snapshots->Save(&error)) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Error(errors::kBareErr);  // the reason is in the log, as with Redis
  }
}

void Bgsave(CommandContext& ctx, ArgList args) {
  bool schedule = false;
  if (args.size() > 1) {
    if (args.size() != 2 || !EqualsIgnoreCase(args[1], "SCHEDULE")) {
      ctx.SyntaxError();
      return;
    }
    schedule = true;
  }
  Server& server = ctx.server();
  Snapshots* snapshots = server.snapshots;
  std::string error;
  if (snapshots == nullptr) {
    ctx.reply().Error(errors::kBareErr);
  } else if (snapshots->background_save_in_progress()) {
    ctx.reply().Error(errors::kBgsaveInProgress);
  } else if ((server.child != nullptr && server.child->active()) || ctx.in_exec()) {
    // Redis never forks from inside EXEC: the save is left to the cron.
    if (schedule || ctx.in_exec()) {
      snapshots->ScheduleBackgroundSave();
      ctx.reply().SimpleString("Background saving scheduled");
    } else {
      ctx.reply().Error(errors::kBgsaveOtherChild);
    }
  } else if (snapshots->StartBackgroundSave(nullptr, &error)) {
    ctx.reply().SimpleString("Background saving started");
  } else {
    ctx.reply().Error(errors::kBareErr);
  }
}

void LastSave(CommandContext& ctx, ArgList) {
  const Snapshots* snapshots = ctx.server().snapshots;
  // Without the subsystem (in-process tests) start-up is the last save, as Redis counts it.
  ctx.reply().Integer(snapshots != nullptr ? snapshots->last_save_time() : ctx.server().start_time_ms / 1000);
}

}  // namespace

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (debug.c).
void DebugReload(CommandContext& ctx, ArgList args) {
  bool flush = true;
  bool save = true;
  bool merge = false;  // with NOFLUSH: keys in the file replace those in memory
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "NOFLUSH")) {
      flush = false;
    } else if (EqualsIgnoreCase(args[i], "NOSAVE")) {
      save = false;
    } else if (EqualsIgnoreCase(args[i], "MERGE")) {
      merge = true;
    } else {
      ctx.reply().Error(errors::kDebugReloadOptions);
      return;
    }
  }
  Snapshots* snapshots = ctx.server().snapshots;
  std::string error;
  if (snapshots == nullptr || (save && !snapshots->SaveToDisk(&error))) {
    ctx.reply().Error(errors::kBareErr);
    return;
  }
  bool drop_expired = ctx.config().replicaof_host.empty();
  if (!snapshots->LoadFile(snapshots->RdbPath(), drop_expired, flush, merge)) {
    ctx.reply().Error(errors::kDebugReloadFailed);
    return;
  }
  Log(LogLevel::kWarning, "DB reloaded by DEBUG RELOAD");
  ctx.reply().Ok();
}

void RegisterPersistenceCommands(CommandTable& table) {
  constexpr uint32_t kAdmin = kCmdAdmin | kCmdNoScript;
  table.Register(MakeSpec("save", 1, kAdmin | kCmdNoMulti, Save, "@admin @slow @dangerous", "server",
                          "Synchronously save the dataset to disk", "1.0.0",
                          "O(N) where N is the total number of keys in all databases"));
  table.Register(MakeSpec("bgsave", -1, kAdmin, Bgsave, "@admin @slow @dangerous", "server",
                          "Asynchronously save the dataset to disk", "1.0.0", "O(1)"));
  table.Register(MakeSpec("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, LastSave, "@admin @fast @dangerous",
                          "server", "Get the UNIX time stamp of the last successful save to disk", "1.0.0",
                          "O(1)"));
}

}  // namespace slotd
