// Sentinel state for a TOML config: the TOML file is never rewritten; the state lives in a
// redis.conf-style sibling file (`<config>.state`) that, once present, is loaded instead of the
// TOML's initial `[sentinel] directives = ["monitor mymaster 127.0.0.1 6379 2", ...]`.
#pragma once
#include <string>
#include <vector>

namespace slotd {

// Fills `lines` (arguments without "sentinel") and their line numbers in the file they came
// from. False with the reason in `error` (TOML syntax, bad entries, unreadable state file).
bool LoadTomlSentinelState(const std::string& toml_path, const std::string& state_path,
                           std::vector<std::vector<std::string>>* lines, std::vector<int>* numbers,
                           std::string* error);

// The state file's text for the node's sentinel directives.
std::string RenderTomlSentinelState(const std::string& toml_path, const std::string& lines);

}  // namespace slotd
