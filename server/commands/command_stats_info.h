// The INFO commandstats and latencystats lines of a command table.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotd {

class CommandTable;
namespace resp {
class ReplyBuilder;
}

// "cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..\r\n" for every
// command (and "parent|sub" subcommand) that was called, rejected or failed.
std::string CommandStatsLines(const CommandTable& table);
// "latency_percentiles_usec_<name>:p50=..,p99=..\r\n" for every command with recorded latencies.
std::string LatencyStatsLines(const CommandTable& table, const std::vector<double>& percentiles);
// LATENCY HISTOGRAM [command ...]: a map of command name -> {calls, histogram_usec: {usec: count}}
// for every command with recorded latencies (all of them when `names` is empty; a container named
// stands for its subcommands too; unknown names are skipped).
void ReplyLatencyHistogram(resp::ReplyBuilder& reply, const CommandTable& table,
                           std::span<const std::string_view> names);

}  // namespace slotd
