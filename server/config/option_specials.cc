// The options whose values are not a single scalar: save, bind, client-output-buffer-limit,
// replicaof, notify-keyspace-events, oom-score-adj-values, plus the string validators some options
// need. Texts and acceptance rules follow Redis 7.0's config.c.
#include "server/config/option_specials.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "server/commands/arg_parse.h"
#include "server/config/option_table.h"
#include "server/pubsub/keyspace_events.h"

namespace slotd::config_specials {
namespace {

constexpr size_t kMaxBindAddresses = 16;
constexpr std::string_view kInvalidSave = "Invalid save parameters";

// strtoll over the whole string, as Redis's save parser uses it (leading spaces, '+', zeros
// allowed).
bool StrToLL(const std::string& text, long long* value) {
  char* end = nullptr;
  *value = std::strtoll(text.c_str(), &end, 10);
  return *end == '\0';
}

struct BufferClass {
  std::string_view name;
  OutputBufferLimit Config::*field;
};

constexpr BufferClass kBufferClasses[] = {
    {"normal", &Config::client_output_buffer_limit_normal},
    {"slave", &Config::client_output_buffer_limit_replica},
    {"pubsub", &Config::client_output_buffer_limit_pubsub},
};

OutputBufferLimit Config::*BufferClassField(std::string_view name) {
  if (EqualsIgnoreCase(name, "replica")) name = "slave";
  for (const BufferClass& c : kBufferClasses) {
    if (EqualsIgnoreCase(c.name, name)) return c.field;
  }
  return nullptr;
}

std::string FormatLimit(std::string_view name, const OutputBufferLimit& limit, bool units) {
  std::string out(name);
  out += ' ';
  out += units ? FormatMemoryUnits(limit.hard_bytes) : std::to_string(limit.hard_bytes);
  out += ' ';
  out += units ? FormatMemoryUnits(limit.soft_bytes) : std::to_string(limit.soft_bytes);
  out += ' ';
  out += std::to_string(limit.soft_seconds);
  return out;
}

}  // namespace

bool ParseSave(std::span<const std::string> args, bool append, Config* config, std::string* error) {
  if (args.size() == 1 && args[0].empty()) args = {};  // save "" = no snapshots
  if (args.size() % 2 != 0) {
    *error = kInvalidSave;
    return false;
  }
  std::vector<SavePoint> points;
  for (size_t i = 0; i < args.size(); i += 2) {
    long long seconds, changes;
    if (!StrToLL(args[i], &seconds) || !StrToLL(args[i + 1], &changes) || seconds < 1 ||
        changes < 0) {
      *error = kInvalidSave;
      return false;
    }
    points.push_back({seconds, changes});
  }
  if (!append || args.empty()) config->save.clear();
  config->save.insert(config->save.end(), points.begin(), points.end());
  return true;
}

std::string FormatSave(const Config& config) {
  std::string out;
  for (const SavePoint& p : config.save) {
    if (!out.empty()) out += ' ';
    out += std::to_string(p.seconds) + ' ' + std::to_string(p.changes);
  }
  return out;
}

std::vector<std::string> SaveLines(const Config& config, bool) {
  std::vector<std::string> lines;
  for (const SavePoint& p : config.save)
    lines.push_back(std::to_string(p.seconds) + ' ' + std::to_string(p.changes));
  if (lines.empty()) lines.push_back("\"\"");
  return lines;
}

bool ParseBind(std::span<const std::string> args, bool, Config* config, std::string* error) {
  if (args.size() > kMaxBindAddresses) {
    *error = "Too many bind addresses specified.";
    return false;
  }
  if (args.size() == 1 && args[0].empty()) args = {};
  config->bind.assign(args.begin(), args.end());
  return true;
}

std::string FormatBind(const Config& config) {
  std::string out;
  for (const std::string& address : config.bind) {
    if (!out.empty()) out += ' ';
    out += address;
  }
  return out;
}

std::vector<std::string> BindLines(const Config& config, bool) { return {FormatBind(config)}; }

bool ParseOutputBufferLimit(std::span<const std::string> args, bool, Config* config,
                            std::string* error) {
  if (args.size() % 4 != 0) {
    *error = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  Config updated = *config;
  for (size_t i = 0; i < args.size(); i += 4) {
    OutputBufferLimit Config::*field = BufferClassField(args[i]);
    if (field == nullptr) {
      *error = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    OutputBufferLimit limit;
    long long seconds;
    if (!ParseMemory(args[i + 1], &limit.hard_bytes) ||
        !ParseMemory(args[i + 2], &limit.soft_bytes) || !StrToLL(args[i + 3], &seconds) ||
        seconds < 0) {
      *error = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    limit.soft_seconds = seconds;
    updated.*field = limit;
  }
  *config = std::move(updated);
  return true;
}

std::string FormatOutputBufferLimit(const Config& config) {
  std::string out;
  for (const BufferClass& c : kBufferClasses) {
    if (!out.empty()) out += ' ';
    out += FormatLimit(c.name, config.*c.field, false);
  }
  return out;
}

std::vector<std::string> OutputBufferLimitLines(const Config& config, bool all) {
  static const Config kDefaults;
  std::vector<std::string> lines;
  for (const BufferClass& c : kBufferClasses) {
    const OutputBufferLimit& value = config.*c.field;
    const OutputBufferLimit& initial = kDefaults.*c.field;
    bool is_default = value.hard_bytes == initial.hard_bytes &&
                      value.soft_bytes == initial.soft_bytes &&
                      value.soft_seconds == initial.soft_seconds;
    // CONFIG GET says "slave", the rewritten file says "replica", as in Redis.
    std::string_view name = c.name == "slave" ? "replica" : c.name;
    if (all || !is_default) lines.push_back(FormatLimit(name, value, true));
  }
  return lines;
}

bool ParseReplicaOf(std::span<const std::string> args, bool, Config* config, std::string* error) {
  if (args.size() != 2) {
    *error = "wrong number of arguments";
    return false;
  }
  if (EqualsIgnoreCase(args[0], "no") && EqualsIgnoreCase(args[1], "one")) {
    config->replicaof_host.clear();
    config->replicaof_port = 0;
    return true;
  }
  char* end = nullptr;
  long port = std::strtol(args[1].c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') {
    *error = "Invalid master port";
    return false;
  }
  config->replicaof_host = args[0];
  config->replicaof_port = static_cast<int>(port);
  return true;
}

std::string FormatReplicaOf(const Config& config) {
  if (config.replicaof_host.empty()) return "";
  return config.replicaof_host + ' ' + std::to_string(config.replicaof_port);
}

std::vector<std::string> ReplicaOfLines(const Config& config, bool) {
  if (config.replicaof_host.empty()) return {};
  return {FormatReplicaOf(config)};
}

bool ParseNotifyEvents(std::span<const std::string> args, bool, Config* config,
                       std::string* error) {
  if (args.size() != 1) {
    *error = "wrong number of arguments";
    return false;
  }
  std::optional<uint32_t> flags = notify::ParseClasses(args[0]);
  if (!flags) {
    *error = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    return false;
  }
  config->notify_keyspace_events = *flags;
  return true;
}

std::string FormatNotifyEvents(const Config& config) {
  return notify::FormatClasses(config.notify_keyspace_events);
}

std::vector<std::string> NotifyEventsLines(const Config& config, bool) {
  return {QuoteString(FormatNotifyEvents(config))};
}

bool ParsePercentiles(std::span<const std::string> args, bool, Config* config,
                      std::string* error) {
  std::vector<double> values;
  const bool none = args.size() == 1 && args[0].empty();
  for (size_t i = 0; !none && i < args.size(); ++i) {
    std::optional<double> value = ParseDouble(args[i]);
    if (!value) {
      *error = "Invalid latency-tracking-info-percentiles parameters";
      return false;
    }
    if (*value > 100.0 || *value < 0.0) {
      *error = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
      return false;
    }
    values.push_back(*value);
  }
  config->latency_tracking_info_percentiles = std::move(values);
  return true;
}

std::string FormatPercentile(double percentile) {
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%f", percentile);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  return out;
}

std::string FormatPercentiles(const Config& config) {
  std::string out;
  for (double p : config.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += FormatPercentile(p);
  }
  return out;
}

std::vector<std::string> PercentilesLines(const Config& config, bool) {
  // An empty list is written as "" so that a restart does not bring the defaults back.
  if (config.latency_tracking_info_percentiles.empty()) return {"\"\""};
  return {FormatPercentiles(config)};
}

bool ParseOomScoreAdjValues(std::span<const std::string> args, bool, Config* config,
                            std::string* error) {
  if (args.size() != 3) {
    *error = "wrong number of arguments";
    return false;
  }
  std::vector<int> values;
  for (const std::string& arg : args) {
    std::optional<int64_t> value = ParseInt64(arg);
    if (!value || *value < -2000 || *value > 2000) {
      *error = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      return false;
    }
    values.push_back(static_cast<int>(*value));
  }
  config->oom_score_adj_values = std::move(values);
  return true;
}

std::string FormatOomScoreAdjValues(const Config& config) {
  std::string out;
  for (int v : config.oom_score_adj_values) {
    if (!out.empty()) out += ' ';
    out += std::to_string(v);
  }
  return out;
}

std::vector<std::string> OomScoreAdjValuesLines(const Config& config, bool) {
  return {FormatOomScoreAdjValues(config)};
}

bool ValidateDirectory(std::string_view value, std::string* error) {
  struct stat st;
  std::string path(value);
  if (stat(path.c_str(), &st) != 0) {
    *error = std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *error = std::strerror(ENOTDIR);
    return false;
  }
  return true;
}

bool ValidateBaseName(std::string_view value, std::string_view message, std::string* error) {
  if (value.find('/') == std::string_view::npos) return true;
  *error = message;
  return false;
}

bool ValidateDbFilename(std::string_view value, std::string* error) {
  return ValidateBaseName(value, "dbfilename can't be a path, just a filename", error);
}

bool ValidateAppendFilename(std::string_view value, std::string* error) {
  return ValidateBaseName(value, "appendfilename can't be a path, just a filename", error);
}

bool ValidateAppendDirname(std::string_view value, std::string* error) {
  return ValidateBaseName(value, "appenddirname can't be a path, just a directory name", error);
}

bool ValidateHostname(std::string_view value, std::string* error) {
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) {
      *error = "Hostnames may only contain alphanumeric characters, hyphens or dots";
      return false;
    }
  }
  return true;
}

bool ValidateProcTitleTemplate(std::string_view value, std::string* error) {
  static constexpr std::string_view kVariables[] = {
      "{title}",    "{listen-addr}", "{server-mode}", "{port}",
      "{tls-port}", "{unixsocket}",  "{config-file}"};
  bool ok = !value.empty();
  size_t pos = 0;
  while (ok && (pos = value.find('{', pos)) != std::string_view::npos) {
    size_t close = value.find('}', pos);
    ok = false;
    if (close == std::string_view::npos) break;
    std::string_view variable = value.substr(pos, close - pos + 1);
    for (std::string_view known : kVariables) ok = ok || variable == known;
    pos = close + 1;
  }
  if (ok && value.find('}', 0) != std::string_view::npos) {
    // A '}' without its '{' is as invalid as an unknown variable.
    size_t opens = 0, closes = 0;
    for (char c : value) {
      opens += c == '{';
      closes += c == '}';
    }
    ok = opens == closes;
  }
  if (!ok) *error = "template format is invalid or contains unknown variables";
  return ok;
}

void AbsoluteDir(Config& config) {
  // Redis changes into `dir` at once and reports getcwd(); the server chdirs, the path is shown
  // resolved.
  char resolved[PATH_MAX];
  if (realpath(config.dir.c_str(), resolved) != nullptr) config.dir = resolved;
}

void ClampHz(Config& config) {
  if (config.hz < 1) config.hz = 1;
  if (config.hz > 500) config.hz = 500;
}

void ClampBacklog(Config& config) {
  if (config.repl_backlog_size < 16 * 1024) config.repl_backlog_size = 16 * 1024;
}

}  // namespace slotd::config_specials
