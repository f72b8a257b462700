// The slow log and latency monitor records, the hook the dispatcher calls after each command, and the
// SLOWLOG and LATENCY commands that read them (Redis 7.0 slowlog.c, latency.c).
#include "server/commands/slowlog.h"

#include <algorithm>
#include <cstdio>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_stats_info.h"
#include "server/commands/command_table.h"
#include "server/commands/server_family.h"
#include "server/resp/errors.h"

namespace slotd {

void Slowlog::Push(SlowlogEntry entry, size_t max_len) {
  entry.id = next_id_++;
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

void LatencyMonitor::AddSample(std::string_view event, int64_t now_s, int64_t latency_ms) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& series = it->second;
  if (latency_ms > series.max_ms) series.max_ms = latency_ms;
  Sample& previous = series.samples[(series.next + kSamples - 1) % kSamples];
  if (previous.time_s == now_s) {  // one sample per second: keep the worst
    if (latency_ms > previous.latency_ms) previous.latency_ms = latency_ms;
    return;
  }
  series.samples[series.next] = Sample{now_s, latency_ms};
  series.next = (series.next + 1) % kSamples;
}

size_t LatencyMonitor::Reset(std::string_view event) {
  auto it = events_.find(event);
  if (it == events_.end()) return 0;
  events_.erase(it);
  return 1;
}

size_t LatencyMonitor::ResetAll() {
  size_t count = events_.size();
  events_.clear();
  return count;
}

namespace {

// The arguments as the slow log keeps them: at most 32 (the last one then says how many more there
// were), each cut at 128 bytes, and passwords replaced (Redis's redactClientCommandArgument).
std::vector<std::string> SlowlogArgs(ArgList args) {
  size_t kept = std::min(args.size(), Slowlog::kMaxArgs);
  std::vector<std::string> out;
  out.reserve(kept);
  bool is_auth = EqualsIgnoreCase(args[0], "auth");
  bool is_hello = EqualsIgnoreCase(args[0], "hello");
  for (size_t i = 0; i < kept; ++i) {
    if (kept != args.size() && i == kept - 1) {
      out.push_back("... (" + std::to_string(args.size() - kept + 1) + " more arguments)");
    } else if ((is_auth && i > 0) ||
               (is_hello && i >= 2 && ((i >= 3 && EqualsIgnoreCase(args[i - 1], "auth")) ||
                                       (i >= 4 && EqualsIgnoreCase(args[i - 2], "auth"))))) {
      out.emplace_back("(redacted)");
    } else if (args[i].size() > Slowlog::kMaxArgBytes) {
      std::string cut(args[i].substr(0, Slowlog::kMaxArgBytes));
      cut += "... (" + std::to_string(args[i].size() - Slowlog::kMaxArgBytes) + " more bytes)";
      out.push_back(std::move(cut));
    } else {
      out.emplace_back(args[i]);
    }
  }
  return out;
}

// The spec that ran: the subcommand of a container command when there is one.
const CommandSpec* RanSpec(const Server& server, ArgList args) {
  const CommandSpec* spec = server.commands.Find(args[0]);
  if (spec != nullptr && !spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = CommandTable::FindSubcommand(*spec, args[1]);
    if (sub != nullptr) return sub;
  }
  return spec;
}

}  // namespace

void SlowlogRecord(Server& server, Client& client, ArgList args, int64_t duration_us) {
  const Config& config = server.config;
  bool slow = config.slowlog_log_slower_than >= 0 && duration_us >= config.slowlog_log_slower_than;
  int64_t latency_ms = duration_us / 1000;
  bool spike = config.latency_monitor_threshold > 0 && latency_ms >= config.latency_monitor_threshold;
  if ((!slow && !spike) || args.empty()) return;
  const CommandSpec* spec = RanSpec(server, args);
  if (spike) {
    bool fast = spec != nullptr && (spec->flags & kCmdFast);
    server.latency.AddSample(fast ? "fast-command" : "command", server.now_ms / 1000, latency_ms);
  }
  if (!slow || client.blocked || (spec != nullptr && (spec->flags & kCmdSkipSlowlog))) return;
  SlowlogEntry entry;
  entry.time_s = server.now_ms / 1000;
  entry.duration_us = duration_us;
  entry.argv = SlowlogArgs(args);
  entry.peer = client.addr;
  entry.client_name = client.name;
  server.slowlog.Push(std::move(entry), static_cast<size_t>(std::max<int64_t>(config.slowlog_max_len, 0)));
}

namespace {

// SLOWLOG GET [count]: newest first, 10 by default, -1 for all.
void SlowlogGet(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) {
    ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "slowlog"));
    return;
  }
  const std::deque<SlowlogEntry>& entries = ctx.server().slowlog.entries();
  size_t count = 10;
  if (args.size() == 3) {
    std::optional<int64_t> parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < -1) {
      ctx.reply().Error(errors::kSlowlogCount);
      return;
    }
    count = *parsed == -1 ? entries.size() : static_cast<size_t>(*parsed);
  }
  count = std::min(count, entries.size());
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(count);
  for (size_t i = 0; i < count; ++i) {
    const SlowlogEntry& e = entries[i];
    reply.ArrayHeader(6);
    reply.Integer(static_cast<int64_t>(e.id));
    reply.Integer(e.time_s);
    reply.Integer(e.duration_us);
    reply.BulkArray(e.argv);
    reply.Bulk(e.peer);
    reply.Bulk(e.client_name);
  }
}

void SlowlogLen(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().slowlog.entries().size()));
}

void SlowlogReset(CommandContext& ctx, ArgList) {
  ctx.server().slowlog.Reset();
  ctx.reply().Ok();
}

void SlowlogHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "slowlog",
            {"GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog."});
}

void LatencyLatest(CommandContext& ctx, ArgList) {
  const auto& events = ctx.server().latency.events();
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(events.size());
  for (const auto& [name, series] : events) {
    reply.ArrayHeader(4);
    reply.Bulk(name);
    reply.Integer(series.latest().time_s);
    reply.Integer(series.latest().latency_ms);
    reply.Integer(series.max_ms);
  }
}

// LATENCY HISTORY event: [time, latency] pairs, oldest first.
void LatencyHistory(CommandContext& ctx, ArgList args) {
  const auto& events = ctx.server().latency.events();
  auto it = events.find(args[2]);
  resp::ReplyBuilder& reply = ctx.reply();
  if (it == events.end()) {
    reply.EmptyArray();
    return;
  }
  const LatencyMonitor::Series& series = it->second;
  std::vector<const LatencyMonitor::Sample*> samples;
  for (size_t j = 0; j < LatencyMonitor::kSamples; ++j) {
    const auto& s = series.samples[(series.next + j) % LatencyMonitor::kSamples];
    if (s.time_s != 0) samples.push_back(&s);
  }
  reply.ArrayHeader(samples.size());
  for (const auto* s : samples) {
    reply.ArrayHeader(2);
    reply.Integer(s->time_s);
    reply.Integer(s->latency_ms);
  }
}

void LatencyReset(CommandContext& ctx, ArgList args) {
  LatencyMonitor& latency = ctx.server().latency;
  size_t resets = 0;
  if (args.size() == 2) {
    resets = latency.ResetAll();
  } else {
    for (size_t i = 2; i < args.size(); ++i) resets += latency.Reset(args[i]);
  }
  ctx.reply().Integer(static_cast<int64_t>(resets));
}

// One report line per event (count, average, mean deviation, period), as Redis's createLatencyReport
// minus its tuning advice.
std::string EventReportLine(int number, const std::string& name, const LatencyMonitor::Series& series,
                            int64_t now_s) {
  int64_t samples = 0, sum = 0, oldest = 0;
  for (const auto& s : series.samples) {
    if (s.time_s == 0) continue;
    ++samples;
    sum += s.latency_ms;
    if (oldest == 0 || s.time_s < oldest) oldest = s.time_s;
  }
  int64_t avg = samples ? sum / samples : 0;
  int64_t deviation = 0;
  for (const auto& s : series.samples) {
    if (s.time_s != 0) deviation += s.latency_ms > avg ? s.latency_ms - avg : avg - s.latency_ms;
  }
  if (samples) deviation /= samples;
  int64_t period = samples ? std::max<int64_t>(now_s - oldest, 1) : 0;
  char line[512];
  std::snprintf(line, sizeof(line),
                "%d. %s: %lld latency spikes (average %lldms, mean deviation %lldms, period %.2f sec). Worst "
                "all time event %lldms.\n",
                number, name.c_str(), static_cast<long long>(samples), static_cast<long long>(avg),
                static_cast<long long>(deviation), samples ? static_cast<double>(period) / samples : 0.0,
                static_cast<long long>(series.max_ms));
  return line;
}

void LatencyDoctor(CommandContext& ctx, ArgList) {
  const auto& events = ctx.server().latency.events();
  std::string report;
  if (events.empty() && ctx.config().latency_monitor_threshold == 0) {
    report =
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
        "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
        "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  } else if (events.empty()) {
    report =
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
        "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
  } else {
    report =
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do "
        "you Dave?\n\n";
    int number = 0;
    for (const auto& [name, series] : events) {
      report += EventReportLine(++number, name, series, ctx.now_ms() / 1000);
    }
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
        "community to get some help, providing this report in your help request.\n";
  }
  ctx.reply().Verbatim(report);
}

// LATENCY GRAPH event: the event's samples as text (Redis draws a sparkline; we list them).
void LatencyGraph(CommandContext& ctx, ArgList args) {
  const auto& events = ctx.server().latency.events();
  auto it = events.find(args[2]);
  if (it == events.end()) {
    ctx.reply().Error(errors::NoLatencySamples(args[2]));
    return;
  }
  const LatencyMonitor::Series& series = it->second;
  std::string text = it->first + " - all time high " + std::to_string(series.max_ms) + " ms\n";
  for (size_t j = 0; j < LatencyMonitor::kSamples; ++j) {
    const auto& s = series.samples[(series.next + j) % LatencyMonitor::kSamples];
    if (s.time_s == 0) continue;
    text += std::to_string(ctx.now_ms() / 1000 - s.time_s) + "s ago: " + std::to_string(s.latency_ms) + " ms\n";
  }
  ctx.reply().Verbatim(text);
}

void LatencyHistogramCommand(CommandContext& ctx, ArgList args) {
  ReplyLatencyHistogram(ctx.reply(), ctx.server().commands, args.subspan(2));
}

void LatencyHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "latency",
            {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
             "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
             "    Return time-latency samples for the <event> class.", "LATEST",
             "    Return the latest latency samples for all events.", "RESET [<event> ...]",
             "    Reset latency data of one or more <event> classes.",
             "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
             "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
             "command names.",
             "    If no commands are specified then all histograms are replied."});
}

CommandSpec Sub(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                std::string_view summary, std::string_view since, std::string_view complexity) {
  std::string_view acl = (flags & kCmdAdmin) ? "@admin @slow @dangerous" : "@slow";
  return MakeSpec(name, arity, flags, handler, acl, "server", summary, since, complexity);
}

}  // namespace

void RegisterSlowlogCommands(CommandTable& table) {
  constexpr uint32_t kRead = kCmdAdmin | kCmdLoading | kCmdStale;
  constexpr uint32_t kHelp = kCmdLoading | kCmdStale;
  CommandSpec slowlog = Sub("slowlog", -2, 0, nullptr, "A container for slow log commands", "2.2.12",
                            "Depends on subcommand.");
  slowlog.subcommands = {
      Sub("get", -2, kRead, SlowlogGet, "Get the slow log's entries", "2.2.12",
          "O(N) where N is the number of entries returned"),
      Sub("len", 2, kRead, SlowlogLen, "Get the slow log's length", "2.2.12", "O(1)"),
      Sub("reset", 2, kRead, SlowlogReset, "Clear all entries from the slow log", "2.2.12",
          "O(N) where N is the number of entries in the slowlog"),
      Sub("help", 2, kHelp, SlowlogHelp, "Show helpful text about the different subcommands", "6.2.0", "O(1)"),
  };
  table.Register(std::move(slowlog));

  constexpr uint32_t kAdmin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  CommandSpec latency = Sub("latency", -2, 0, nullptr, "A container for latency diagnostics commands",
                            "2.8.13", "Depends on subcommand.");
  latency.subcommands = {
      Sub("latest", 2, kAdmin, LatencyLatest, "Return the latest latency samples for all events.", "2.8.13",
          "O(1)"),
      Sub("history", 3, kAdmin, LatencyHistory, "Return timestamp-latency samples for the event.", "2.8.13",
          "O(1)"),
      Sub("reset", -2, kAdmin, LatencyReset, "Reset latency data for one or more events.", "2.8.13", "O(1)"),
      Sub("doctor", 2, kAdmin, LatencyDoctor, "Return a human readable latency analysis report.", "2.8.13",
          "O(1)"),
      Sub("graph", 3, kAdmin, LatencyGraph, "Return a latency graph for the event.", "2.8.13", "O(1)"),
      Sub("histogram", -2, kAdmin, LatencyHistogramCommand,
          "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0",
          "O(N) where N is the number of commands with latency information being retrieved."),
      Sub("help", 2, kHelp, LatencyHelp, "Show helpful text about the different subcommands.", "2.8.13",
          "O(1)"),
  };
  table.Register(std::move(latency));
}

}  // namespace slotd
