#include "server/commands/command_table.h"

#include <algorithm>
#include <cctype>

#include "server/commands/arg_parse.h"

namespace slotd {

void CommandTable::Register(CommandSpec spec) {
  std::string key(spec.name);
  auto [it, inserted] = commands_.insert_or_assign(std::move(key), std::move(spec));
  (void)inserted;
  index_[it->first] = &it->second;
  it->second.stats = &stats_.emplace_back();
  for (CommandSpec& sub : it->second.subcommands) sub.stats = &stats_.emplace_back();
}

void CommandTable::ResetStats() {
  for (CommandStats& s : stats_) s.Reset();
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  auto it = index_.find(std::string_view(buf, name.size()));
  return it == index_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& parent, std::string_view sub) {
  for (const CommandSpec& spec : parent.subcommands) {
    if (EqualsIgnoreCase(spec.name, sub)) return &spec;
  }
  return nullptr;
}

bool CommandTable::ExtractKeys(const CommandSpec& spec, ArgList args, std::vector<int>* key_indexes) {
  if (spec.flags & kCmdMovableKeys) {
    return spec.key_finder != nullptr && spec.key_finder(args, key_indexes);
  }
  if (spec.first_key <= 0) return true;
  int argc = static_cast<int>(args.size());
  int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  int step = spec.key_step > 0 ? spec.key_step : 1;
  if (spec.first_key >= argc) return false;
  last = std::min(last, argc - 1);
  for (int i = spec.first_key; i <= last; i += step) key_indexes->push_back(i);
  return true;
}

std::vector<std::string_view> CommandFlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kCmdWrite, "write"},           {kCmdReadOnly, "readonly"},       {kCmdDenyOom, "denyoom"},
      {kCmdAdmin, "admin"},           {kCmdPubSub, "pubsub"},           {kCmdNoScript, "noscript"},
      {kCmdBlocking, "blocking"},     {kCmdLoading, "loading"},         {kCmdStale, "stale"},
      {kCmdSkipMonitor, "skip_monitor"}, {kCmdSkipSlowlog, "skip_slowlog"}, {kCmdAsking, "asking"},
      {kCmdFast, "fast"},
      {kCmdNoAuth, "no_auth"},        {kCmdMayReplicate, "may_replicate"}, {kCmdSentinel, "sentinel"},
      {kCmdOnlySentinel, "only_sentinel"}, {kCmdNoMandatoryKeys, "no_mandatory_keys"},
      {kCmdNoMulti, "no_multi"},      {kCmdMovableKeys, "movablekeys"}, {kCmdAllowBusy, "allow_busy"},
  };
  std::vector<std::string_view> names;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) names.push_back(name);
  }
  return names;
}

}  // namespace slotd
