// Parsers, renderers and validators for the options that are not a single scalar (save, bind,
// client-output-buffer-limit, replicaof, notify-keyspace-events, oom-score-adj-values) and the
// string options with extra rules. Used only by the option table (server/config/option_table.cc).
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"

namespace slotd::config_specials {

bool ParseSave(std::span<const std::string> args, bool append, Config* config, std::string* error);
std::string FormatSave(const Config& config);
std::vector<std::string> SaveLines(const Config& config, bool all);

// latency-tracking-info-percentiles: numbers in [0, 100]; a single "" means none.
bool ParsePercentiles(std::span<const std::string> args, bool append, Config* config,
                      std::string* error);
std::string FormatPercentiles(const Config& config);
std::vector<std::string> PercentilesLines(const Config& config, bool all);
// A percentile as Redis prints it (%f with trailing zeros trimmed): "50", "99.9".
std::string FormatPercentile(double percentile);

bool ParseBind(std::span<const std::string> args, bool append, Config* config, std::string* error);
std::string FormatBind(const Config& config);
std::vector<std::string> BindLines(const Config& config, bool all);

bool ParseOutputBufferLimit(std::span<const std::string> args, bool append, Config* config,
                            std::string* error);
std::string FormatOutputBufferLimit(const Config& config);
std::vector<std::string> OutputBufferLimitLines(const Config& config, bool all);

bool ParseReplicaOf(std::span<const std::string> args, bool append, Config* config,
                    std::string* error);
std::string FormatReplicaOf(const Config& config);
std::vector<std::string> ReplicaOfLines(const Config& config, bool all);

bool ParseNotifyEvents(std::span<const std::string> args, bool append, Config* config,
                       std::string* error);
std::string FormatNotifyEvents(const Config& config);
std::vector<std::string> NotifyEventsLines(const Config& config, bool all);

bool ParseOomScoreAdjValues(std::span<const std::string> args, bool append, Config* config,
                            std::string* error);
std::string FormatOomScoreAdjValues(const Config& config);
std::vector<std::string> OomScoreAdjValuesLines(const Config& config, bool all);

bool ValidateDirectory(std::string_view value, std::string* error);
bool ValidateDbFilename(std::string_view value, std::string* error);
bool ValidateAppendFilename(std::string_view value, std::string* error);
bool ValidateAppendDirname(std::string_view value, std::string* error);
bool ValidateHostname(std::string_view value, std::string* error);
bool ValidateProcTitleTemplate(std::string_view value, std::string* error);

void AbsoluteDir(Config& config);
void ClampHz(Config& config);
void ClampBacklog(Config& config);

}  // namespace slotd::config_specials
