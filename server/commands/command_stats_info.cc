#include "server/commands/command_stats_info.h"

#include <cstdio>
#include <functional>

#include "server/commands/command_table.h"
#include "server/resp/reply_builder.h"
#include "server/config/option_specials.h"

namespace slotd {
namespace {

// Visits every command and subcommand with its INFO name ("get", "config|get").
void ForEachSpec(const CommandTable& table,
                 const std::function<void(const std::string&, const CommandSpec&)>& visit) {
  for (const auto& [name, spec] : table.all()) {
    visit(name, spec);
    for (const CommandSpec& sub : spec.subcommands) {
      visit(name + "|" + std::string(sub.name), sub);
    }
  }
}

void ReplyCdf(resp::ReplyBuilder& reply, const std::string& name, const LatencyHistogram& h) {
  reply.Bulk(name);
  reply.MapHeader(2);
  reply.Bulk("calls");
  reply.Integer(static_cast<int64_t>(h.count()));
  reply.Bulk("histogram_usec");
  const auto cdf = h.PowerOfTwoCdf();
  reply.MapHeader(cdf.size());
  for (const auto& [usec, count] : cdf) {
    reply.Integer(static_cast<int64_t>(usec));
    reply.Integer(static_cast<int64_t>(count));
  }
}

}  // namespace

void ReplyLatencyHistogram(resp::ReplyBuilder& reply, const CommandTable& table,
                           std::span<const std::string_view> names) {
  resp::ReplyBuilder::Deferred header = reply.BeginDeferredMap();
  size_t count = 0;
  auto emit = [&](const std::string& name, const CommandSpec& spec) {
    if (spec.stats == nullptr || spec.stats->latency.count() == 0) return;
    ReplyCdf(reply, name, spec.stats->latency);
    ++count;
  };
  if (names.empty()) {
    ForEachSpec(table, emit);
  } else {
    for (std::string_view name : names) {
      const size_t bar = name.find('|');
      const CommandSpec* spec = table.Find(name.substr(0, bar));
      if (spec == nullptr) continue;
      const std::string parent(spec->name);
      if (bar != std::string_view::npos) {
        const CommandSpec* sub = CommandTable::FindSubcommand(*spec, name.substr(bar + 1));
        if (sub != nullptr) emit(parent + "|" + std::string(sub->name), *sub);
        continue;
      }
      emit(parent, *spec);
      for (const CommandSpec& sub : spec->subcommands) {
        emit(parent + "|" + std::string(sub.name), sub);
      }
    }
  }
  reply.EndDeferred(header, count);
}

std::string CommandStatsLines(const CommandTable& table) {
  std::string out;
  ForEachSpec(table, [&](const std::string& name, const CommandSpec& spec) {
    if (spec.stats == nullptr || !spec.stats->used()) return;
    const CommandStats& s = *spec.stats;
    const double per_call =
        s.calls == 0 ? 0.0 : static_cast<double>(s.usec) / static_cast<double>(s.calls);
    char line[256];
    std::snprintf(line, sizeof(line),
                  ":calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu"
                  "\r\n",
                  static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.usec),
                  per_call, static_cast<unsigned long long>(s.rejected_calls),
                  static_cast<unsigned long long>(s.failed_calls));
    out += "cmdstat_" + name + line;
  });
  return out;
}

std::string LatencyStatsLines(const CommandTable& table, const std::vector<double>& percentiles) {
  std::string out;
  ForEachSpec(table, [&](const std::string& name, const CommandSpec& spec) {
    if (spec.stats == nullptr || spec.stats->latency.count() == 0) return;
    out += "latency_percentiles_usec_" + name + ":";
    for (size_t i = 0; i < percentiles.size(); ++i) {
      const uint64_t ns = spec.stats->latency.ValueAtPercentile(percentiles[i]);
      char value[64];
      std::snprintf(value, sizeof(value), "=%.3f", static_cast<double>(ns) / 1000.0);
      if (i > 0) out += ',';
      out += "p" + config_specials::FormatPercentile(percentiles[i]) + value;
    }
    out += "\r\n";
  });
  return out;
}

}  // namespace slotd
