// TOML sentinel configs: initial directives from `[sentinel]`, state in a sibling file.
#include "server/sentinel_host/sentinel_toml.h"

#include <toml++/toml.h>
#include <unistd.h>

#include "server/config/option_table.h"
#include "server/sentinel_host/sentinel_config_file.h"

namespace slotd {

bool LoadTomlSentinelState(const std::string& toml_path, const std::string& state_path,
                           std::vector<std::vector<std::string>>* lines, std::vector<int>* numbers,
                           std::string* error) {
  std::string text;
  if (access(state_path.c_str(), F_OK) == 0) {
    if (!ReadWholeFile(state_path, &text)) {
      *error = "Can't read the sentinel state file " + state_path;
      return false;
    }
    return ParseSentinelDirectives(text, lines, numbers, error);
  }
  if (!ReadWholeFile(toml_path, &text)) {
    *error = "Can't read the config file " + toml_path;
    return false;
  }
  toml::table table;
  try {
    table = toml::parse(text, std::string_view(toml_path));
  } catch (const toml::parse_error& e) {
    *error = toml_path + ":" + std::to_string(e.source().begin.line) + ": " +
             std::string(e.description());
    return false;
  }
  const toml::array* directives = table["sentinel"]["directives"].as_array();
  if (directives == nullptr) return true;  // no masters yet: SENTINEL MONITOR adds them
  for (const toml::node& entry : *directives) {
    int line = static_cast<int>(entry.source().begin.line);
    std::optional<std::string> value = entry.value<std::string>();
    std::vector<std::string> args;
    if (!value || !SplitArgs(*value, &args) || args.empty()) {
      *error = toml_path + ":" + std::to_string(line) +
               ": sentinel.directives: each entry must be a string like "
               "\"monitor mymaster 127.0.0.1 6379 2\"";
      return false;
    }
    lines->push_back(std::move(args));
    numbers->push_back(line);
  }
  return true;
}

std::string RenderTomlSentinelState(const std::string& toml_path, const std::string& lines) {
  return "# Sentinel state for " + toml_path +
         " (rewritten by slotd; loaded instead of its [sentinel] table)\n" + lines;
}

}  // namespace slotd
