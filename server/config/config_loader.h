// Start-up configuration: `slotd [configfile] [--name value ...]` as redis-server takes it: the
// file is TOML (*.toml) or redis.conf lines, later arguments win. Errors: Redis's "*** FATAL CONFIG
// FILE ERROR ***" block for redis.conf and arguments, one line naming key and line for TOML.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"

namespace slotd {

inline constexpr std::string_view kRedisCompatVersion = "7.0.15";

enum class ConfigFormat { kRedisConf, kToml };
ConfigFormat ConfigFormatForPath(std::string_view path);

// One `sentinel ...` line of a sentinel-mode config (interpreted by the sentinel host).
struct SentinelDirective {
  std::vector<std::string> args;  // args[0] == "sentinel"
  int line;
};

struct StartupConfig {
  Config config;
  std::string config_file;  // absolute path; "" when started without one
  bool sentinel = false;    // --sentinel, or the binary runs as slotd-sentinel
  std::vector<SentinelDirective> sentinel_directives;
};

enum class LoadOutcome {
  kRun,    // start the server with the loaded configuration
  kExit,   // --version / --help was printed on stdout: exit 0
  kError,  // print `error` (no trailing newline) on stderr, exit 1
};
LoadOutcome LoadConfig(int argc, char** argv, StartupConfig* out, std::string* error);
// The same for callers that need only the server configuration.
LoadOutcome LoadConfig(int argc, char** argv, Config* config, std::string* config_file,
                       std::string* error);

// Applies directives to a Config, keeping the state of one load (the first `save` line replaces the
// default points, later ones add). Usable on its own by tests and by the sentinel host.
class ConfigLoader {
 public:
  explicit ConfigLoader(StartupConfig* out) : out_(out) {}

  // redis.conf text; line numbers start at `first_line`.
  bool LoadRedisConf(std::string_view text, std::string* error, int first_line = 1);
  // TOML text; `source` names the file in error messages.
  bool LoadToml(std::string_view text, std::string_view source, std::string* error);
  // Reads and loads a file ("-" = stdin) in the format its name implies; `line_count` gets its
  // newlines.
  bool LoadFile(const std::string& path, std::string* error, int* line_count = nullptr);
  // One directive (args[0] is its name), e.g. from the command line. `line_text` is shown on error.
  bool Apply(const std::vector<std::string>& args, int line, std::string_view line_text,
             std::string* error);
  // Checks that need the whole configuration (replicaof with cluster-enabled).
  bool Finish(std::string* error);

 private:
  // Sets one option; on failure returns false with Redis's reason text in `reason`.
  bool ApplyOption(const std::vector<std::string>& args, int line, std::string* reason);

  StartupConfig* out_;
  bool save_seen_ = false;
  int include_depth_ = 0;
  int replicaof_line_ = 0;
  std::string replicaof_text_;
};

// Redis's error block for a bad line of a redis.conf file or argument list.
std::string FatalConfigError(int line, std::string_view line_text, std::string_view reason);

// Points the process logger at the configured loglevel and logfile (at start-up).
bool ApplyLogConfig(const Config& config, std::string* error);

}  // namespace slotd
