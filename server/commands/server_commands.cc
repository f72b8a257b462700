// Server commands: DBSIZE FLUSHDB FLUSHALL TIME SHUTDOWN MONITOR LOLWUT MEMORY, plus the
// registration of INFO, COMMAND, DEBUG, SLOWLOG and LATENCY, which live in their own files.
// Replies follow Redis 7.0 (db.c, server.c, object.c memoryCommand).
#include <malloc.h>

#include <chrono>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"
#include "server/persistence/snapshots.h"
#include "server/resp/errors.h"

namespace slotd {

CommandSpec MakeSpec(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                     std::string_view acl_categories, std::string_view group, std::string_view summary,
                     std::string_view since, std::string_view complexity) {
  CommandSpec spec;
  spec.name = name;
  spec.arity = arity;
  spec.flags = flags;
  spec.handler = handler;
  spec.acl_categories = acl_categories;
  spec.group = group;
  spec.summary = summary;
  spec.since = since;
  spec.complexity = complexity;
  return spec;
}

void ReplyHelp(resp::ReplyBuilder& reply, std::string_view command,
               std::initializer_list<std::string_view> lines) {
  std::string header;
  for (char c : command) header.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  header.append(" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  reply.ArrayHeader(lines.size() + 3);
  reply.SimpleString(header);
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

namespace {

void DbSize(CommandContext& ctx, ArgList) { ctx.reply().Integer(static_cast<int64_t>(ctx.db().size())); }

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: both modes free synchronously here.
bool FlushModeOk(CommandContext& ctx, ArgList args) {
  if (args.size() == 1) return true;
  if (args.size() == 2 && (EqualsIgnoreCase(args[1], "ASYNC") || EqualsIgnoreCase(args[1], "SYNC"))) return true;
  ctx.SyntaxError();
  return false;
}

// Empties database `index`, or all of them with -1. Watchers must see the keys before they go (Redis
// signals the flush before emptying), and tracking clients get one invalidation for the whole flush.
void FlushDatabases(Server& server, int index) {
  server.DatabaseModified(index);
  for (size_t i = 0; i < server.dbs.size(); ++i) {
    if (index != -1 && static_cast<size_t>(index) != i) continue;
    server.dirty += server.dbs[i]->size();
    server.dbs[i]->Clear();
  }
}

void FlushDb(CommandContext& ctx, ArgList args) {
  if (!FlushModeOk(ctx, args)) return;
  FlushDatabases(ctx.server(), ctx.db_index());
  ctx.Propagate(args);  // propagated even when the db was already empty (forceCommandPropagation)
  ctx.reply().Ok();
}

void FlushAll(CommandContext& ctx, ArgList args) {
  if (!FlushModeOk(ctx, args)) return;
  FlushDatabases(ctx.server(), -1);
  if (ctx.server().snapshots != nullptr) ctx.server().snapshots->OnFlushAll();  // as 7.0: save the empty set
  ctx.Propagate(args);  // propagated even when every db was already empty
  ctx.reply().Ok();
}

// TIME reads the real clock (not the per-command cached one) with microseconds, as Redis does.
void Time(CommandContext& ctx, ArgList) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::to_string(us / 1000000));
  ctx.reply().Bulk(std::to_string(us % 1000000));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success nothing is replied: the process exits
// (App acts on shutdown_requested after this command).
void Shutdown(CommandContext& ctx, ArgList args) {
  Server::ShutdownOptions options;
  bool abort = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "NOSAVE")) {
      options.nosave = true;
    } else if (EqualsIgnoreCase(args[i], "SAVE")) {
      options.save = true;
    } else if (EqualsIgnoreCase(args[i], "NOW")) {
      options.now = true;
    } else if (EqualsIgnoreCase(args[i], "FORCE")) {
      options.force = true;
    } else if (EqualsIgnoreCase(args[i], "ABORT")) {
      abort = true;
    } else {
      ctx.SyntaxError();
      return;
    }
  }
  bool any_option = options.nosave || options.save || options.now || options.force;
  if ((abort && any_option) || (options.nosave && options.save)) {
    ctx.SyntaxError();
    return;
  }
  if (abort) {  // shutdown never waits (no replicas to catch up yet), so nothing is ever in progress
    ctx.reply().Error(errors::kNoShutdownInProgress);
    return;
  }
  // Saving (or failing to) happens here so that a failed save can be answered (Redis's finishShutdown).
  Snapshots* snapshots = ctx.server().snapshots;
  if (snapshots != nullptr && !snapshots->PrepareForShutdown(options.save, options.nosave, options.force)) {
    ctx.reply().Error(errors::kShutdownFailed);
    return;
  }
  ctx.server().shutdown_options = options;
  ctx.server().shutdown_requested = true;
}

void Monitor(CommandContext& ctx, ArgList) {
  Client& client = ctx.client();
  if (ctx.in_exec()) {  // a transaction expects one reply per command
    ctx.reply().Error(errors::kMonitorDenyBlocking);
    return;
  }
  if (client.is_replica || client.is_monitor) return;  // ignored, without a reply
  client.is_monitor = true;
  ctx.server().monitors.push_back(&client);
  ctx.reply().Ok();
}

// LOLWUT [VERSION v]: the version line Redis 7.0 prints for its own version (no art).
void Lolwut(CommandContext& ctx, ArgList args) {
  if (args.size() >= 3 && EqualsIgnoreCase(args[1], "VERSION") && !ParseInt64(args[2])) {
    ctx.NotInteger();
    return;
  }
  ctx.reply().Verbatim("Redis ver. 7.0.15\n");
}

// MEMORY USAGE key [SAMPLES count]: the value's footprint plus the key and its table entry.
void MemoryUsage(CommandContext& ctx, ArgList args) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (!EqualsIgnoreCase(args[i], "SAMPLES") || i + 1 >= args.size()) {
      ctx.SyntaxError();
      return;
    }
    std::optional<int64_t> samples = ParseInt64(args[i + 1]);
    if (!samples) {
      ctx.NotInteger();
      return;
    }
    if (*samples < 0) {
      ctx.SyntaxError();
      return;
    }
    ++i;  // values are measured exactly, so the sample count is only validated
  }
  const Object* value = ctx.db().Find(args[2], kLookupNoTouch | kLookupNoStats);
  if (value == nullptr) {
    ctx.reply().Null();
    return;
  }
  constexpr size_t kEntryOverhead = 24;  // the table entry holding the key (Redis: sizeof(dictEntry))
  ctx.reply().Integer(static_cast<int64_t>(value->MemoryUsage() + args[2].size() + kEntryOverhead));
}

void MemoryStats(CommandContext& ctx, ArgList) {
  Server& server = ctx.server();
  resp::ReplyBuilder& reply = ctx.reply();
  int64_t used = static_cast<int64_t>(server.UsedMemory());
  int64_t rss = static_cast<int64_t>(ProcessRssBytes());
  size_t keys = 0;
  size_t non_empty = 0;
  for (const auto& db : server.dbs) {
    keys += db->size();
    if (db->size() > 0) ++non_empty;
  }
  reply.MapHeader(27 + non_empty);
  auto integer = [&reply](std::string_view name, int64_t value) {
    reply.Bulk(name);
    reply.Integer(value);
  };
  auto ratio = [&reply](std::string_view name, double value) {
    reply.Bulk(name);
    reply.Double(value);
  };
  for (std::string_view name : {"peak.allocated", "total.allocated"}) integer(name, used);
  for (std::string_view name : {"startup.allocated", "replication.backlog", "clients.slaves", "clients.normal",
                                "cluster.links", "aof.buffer", "lua.caches", "functions.caches"}) {
    integer(name, 0);
  }
  for (const auto& db : server.dbs) {
    if (db->size() == 0) continue;
    reply.Bulk("db." + std::to_string(db->index()));
    reply.MapHeader(3);
    integer("overhead.hashtable.main", 0);
    integer("overhead.hashtable.expires", 0);
    integer("overhead.hashtable.slot-to-keys", 0);
  }
  integer("overhead.total", 0);
  integer("keys.count", static_cast<int64_t>(keys));
  integer("keys.bytes-per-key", keys ? used / static_cast<int64_t>(keys) : 0);
  integer("dataset.bytes", used);
  ratio("dataset.percentage", 100.0);
  ratio("peak.percentage", 100.0);
  for (std::string_view name : {"allocator.allocated", "allocator.active", "allocator.resident"}) {
    integer(name, used);
  }
  double frag = used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0.0;
  ratio("allocator-fragmentation.ratio", 1.0);
  integer("allocator-fragmentation.bytes", 0);
  ratio("allocator-rss.ratio", 1.0);
  integer("allocator-rss.bytes", 0);
  ratio("rss-overhead.ratio", frag);
  integer("rss-overhead.bytes", rss - used);
  ratio("fragmentation", frag);
  integer("fragmentation.bytes", rss - used);
}

void MemoryDoctor(CommandContext& ctx, ArgList) {
  constexpr size_t kTooLittleToJudge = 5 * 1024 * 1024;
  if (ctx.server().UsedMemory() < kTooLittleToJudge) {
    ctx.reply().Verbatim(
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
        "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam "
        "and I will be back to our programming as soon as I finished rebooting.\n");
  } else {
    ctx.reply().Verbatim(
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
        "base.\n");
  }
}

// Redis without jemalloc gives this text.
void MemoryMallocStats(CommandContext& ctx, ArgList) {
  ctx.reply().Bulk("Stats not supported for the current allocator");
}

void MemoryPurge(CommandContext& ctx, ArgList) {
  malloc_trim(0);
  ctx.reply().Ok();
}

void MemoryHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "memory",
            {"DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
             "    Return internal statistics report from the memory allocator.", "PURGE",
             "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
             "    Return information about the memory usage of the server.", "USAGE <key> [SAMPLES <count>]",
             "    Return memory in bytes used by <key> and its value. Nested values are",
             "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, CommandHandler handler, std::string_view acl,
                 std::string_view summary, std::string_view since, std::string_view complexity) {
  return MakeSpec(name, arity, flags, handler, acl, "server", summary, since, complexity);
}

void RegisterMemoryCommand(CommandTable& table) {
  CommandSpec memory = Spec("memory", -2, 0, nullptr, "@slow", "A container for memory diagnostics commands",
                            "4.0.0", "Depends on subcommand.");
  CommandSpec usage = Spec("usage", -3, kCmdReadOnly, MemoryUsage, "@read @slow",
                           "Estimate the memory usage of a key", "4.0.0",
                           "O(N) where N is the number of samples.");
  usage.first_key = 2;
  usage.last_key = 2;
  usage.key_step = 1;
  memory.subcommands = {
      usage,
      Spec("stats", 2, 0, MemoryStats, "@slow", "Show memory usage details", "4.0.0", "O(1)"),
      Spec("doctor", 2, 0, MemoryDoctor, "@slow", "Outputs memory problems report", "4.0.0", "O(1)"),
      Spec("malloc-stats", 2, 0, MemoryMallocStats, "@slow", "Show allocator internal stats", "4.0.0",
           "Depends on how much memory is allocated, could be slow"),
      Spec("purge", 2, 0, MemoryPurge, "@slow", "Ask the allocator to release memory", "4.0.0",
           "Depends on how much memory is allocated, could be slow"),
      Spec("help", 2, kCmdLoading | kCmdStale, MemoryHelp, "@slow",
           "Show helpful text about the different subcommands", "4.0.0", "O(1)"),
  };
  table.Register(std::move(memory));
}

}  // namespace

void RegisterServerCommands(CommandTable& table) {
  constexpr uint32_t kAdmin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  table.Register(Spec("dbsize", 1, kCmdReadOnly | kCmdFast, DbSize, "@keyspace @read @fast",
                      "Return the number of keys in the selected database", "1.0.0", "O(1)"));
  table.Register(Spec("flushdb", -1, kCmdWrite, FlushDb, "@keyspace @write @slow @dangerous",
                      "Remove all keys from the current database", "1.0.0",
                      "O(N) where N is the number of keys in the selected database"));
  table.Register(Spec("flushall", -1, kCmdWrite, FlushAll, "@keyspace @write @slow @dangerous",
                      "Remove all keys from all databases", "1.0.0",
                      "O(N) where N is the total number of keys in all databases"));
  table.Register(Spec("time", 1, kCmdLoading | kCmdStale | kCmdFast, Time, "@fast",
                      "Return the current server time", "2.6.0", "O(1)"));
  table.Register(Spec("shutdown", -1, kAdmin | kCmdNoMulti | kCmdSentinel | kCmdAllowBusy, Shutdown,
                      "@admin @slow @dangerous",
                      "Synchronously save the dataset to disk and then shut down the server", "1.0.0",
                      "O(N) when saving, where N is the total number of keys in all databases when saving "
                      "data, otherwise O(1)"));
  table.Register(Spec("monitor", 1, kAdmin, Monitor, "@admin @slow @dangerous",
                      "Listen for all requests received by the server in real time", "1.0.0", ""));
  table.Register(Spec("lolwut", -1, kCmdReadOnly | kCmdFast, Lolwut, "@read @fast",
                      "Display some computer art and the Redis version", "5.0.0", ""));
  RegisterMemoryCommand(table);
  RegisterInfoCommand(table);
  RegisterCommandCommand(table);
  RegisterDebugCommand(table);
  RegisterSlowlogCommands(table);
}

}  // namespace slotd
