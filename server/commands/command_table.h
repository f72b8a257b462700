// The registry of commands: lookup by case-insensitive name, subcommand resolution, arity checks and key
// extraction from a CommandSpec. Each family registers itself with a Register<Family>(CommandTable&) function.
#pragma once
#include <deque>
#include <map>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/command_spec.h"
#include "server/commands/command_stats.h"

namespace slotd {

class CommandTable {
 public:
  void Register(CommandSpec spec);

  // nullptr when unknown. Case-insensitive.
  const CommandSpec* Find(std::string_view name) const;
  // The subcommand of `parent` named by `sub` (case-insensitive), or nullptr.
  static const CommandSpec* FindSubcommand(const CommandSpec& parent, std::string_view sub);

  static bool ArityOk(const CommandSpec& spec, size_t argc) {
    return spec.arity > 0 ? argc == static_cast<size_t>(spec.arity)
                          : argc >= static_cast<size_t>(-spec.arity);
  }

  // Indexes into args of the keys the command touches (first/last/step, or key_finder when movable).
  // Returns false when the arguments do not name valid keys (e.g. numkeys larger than the arguments).
  static bool ExtractKeys(const CommandSpec& spec, ArgList args, std::vector<int>* key_indexes);

  // All top-level commands, ordered by name.
  const std::map<std::string, CommandSpec, std::less<>>& all() const { return commands_; }
  size_t size() const { return commands_.size(); }
  // CONFIG RESETSTAT: zeroes every command's counters.
  void ResetStats();

 private:
  std::map<std::string, CommandSpec, std::less<>> commands_;
  // Lowercase name -> spec, for the per-request lookup (map nodes are stable, so views stay valid).
  std::unordered_map<std::string_view, const CommandSpec*> index_;
  std::deque<CommandStats> stats_;  // one per command and subcommand (stable addresses)
};

// "write", "readonly", ... in COMMAND's order, for the flags set in `flags`.
std::vector<std::string_view> CommandFlagNames(uint32_t flags);

// Every family's registration, called once at start-up (server/commands/register_all.cc).
void RegisterAllCommands(CommandTable& table);

}  // namespace slotd
