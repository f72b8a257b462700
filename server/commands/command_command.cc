// COMMAND and its subcommands (COUNT LIST INFO DOCS GETKEYS GETKEYSANDFLAGS HELP): the command table as
// Redis 7.0 reports it (server.c addReplyCommandInfo/addReplyCommandDocs). Cluster clients read each
// entry's name, arity, flags and first/last/step key positions from here.
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/server_family.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Redis keeps these flags internal to its table and never shows them in COMMAND.
constexpr uint32_t kHiddenFlags = kCmdMayReplicate | kCmdSentinel | kCmdOnlySentinel;

std::string FullName(std::string_view parent, const CommandSpec& spec) {
  if (parent.empty()) return std::string(spec.name);
  std::string name(parent);
  name.push_back('|');
  name.append(spec.name);
  return name;
}

std::vector<std::string_view> SplitCategories(std::string_view acl) {
  std::vector<std::string_view> out;
  while (!acl.empty()) {
    size_t space = acl.find(' ');
    std::string_view token = acl.substr(0, space);
    if (!token.empty()) out.push_back(token);
    if (space == std::string_view::npos) break;
    acl.remove_prefix(space + 1);
  }
  return out;
}

// The key-spec access flags we can infer from the command flags (Redis's specs are hand-written: a
// write is described as the worst case, "RW access update").
std::vector<std::string_view> KeyFlags(const CommandSpec& spec) {
  if (spec.flags & kCmdWrite) return {"RW", "access", "update"};
  if (spec.flags & kCmdReadOnly) return {"RO", "access"};
  return {"RO"};
}

void ReplyStatusSet(resp::ReplyBuilder& reply, const std::vector<std::string_view>& items) {
  reply.SetHeader(items.size());
  for (std::string_view item : items) reply.SimpleString(item);
}

// {type, spec{...}} for begin_search / find_keys.
void ReplySearchSpec(resp::ReplyBuilder& reply, std::string_view type,
                     std::initializer_list<std::pair<std::string_view, int64_t>> fields) {
  reply.MapHeader(2);
  reply.Bulk("type");
  reply.Bulk(type);
  reply.Bulk("spec");
  reply.MapHeader(fields.size());
  for (const auto& [name, value] : fields) {
    reply.Bulk(name);
    reply.Integer(value);
  }
}

void ReplyKeySpec(resp::ReplyBuilder& reply, const CommandSpec& spec, bool range) {
  reply.MapHeader(3);
  reply.Bulk("flags");
  ReplyStatusSet(reply, KeyFlags(spec));
  reply.Bulk("begin_search");
  if (range) {
    ReplySearchSpec(reply, "index", {{"index", spec.first_key}});
  } else {
    ReplySearchSpec(reply, "unknown", {});
  }
  reply.Bulk("find_keys");
  if (range) {
    int64_t last = spec.last_key >= 0 ? spec.last_key - spec.first_key : spec.last_key;
    ReplySearchSpec(reply, "range", {{"lastkey", last}, {"keystep", spec.key_step}, {"limit", 0}});
  } else {
    ReplySearchSpec(reply, "unknown", {});
  }
}

// Key specs derived from first/last/step; movable-key commands add an "unknown" spec for the keys
// their key finder locates.
void ReplyKeySpecs(resp::ReplyBuilder& reply, const CommandSpec& spec) {
  bool range = spec.first_key > 0;
  bool movable = spec.flags & kCmdMovableKeys;
  reply.SetHeader(static_cast<size_t>(range) + static_cast<size_t>(movable));
  if (range) ReplyKeySpec(reply, spec, true);
  if (movable) ReplyKeySpec(reply, spec, false);
}

// One COMMAND entry: name, arity, flags, first key, last key, step, ACL categories, tips, key specs,
// subcommands (an empty set when there are none, as Redis sends).
void ReplyCommandInfo(resp::ReplyBuilder& reply, const CommandSpec& spec, std::string_view parent) {
  reply.ArrayHeader(10);
  reply.Bulk(FullName(parent, spec));
  reply.Integer(spec.arity);
  ReplyStatusSet(reply, CommandFlagNames(spec.flags & ~kHiddenFlags));
  reply.Integer(spec.first_key);
  reply.Integer(spec.last_key);
  reply.Integer(spec.key_step);
  ReplyStatusSet(reply, SplitCategories(spec.acl_categories));
  reply.SetHeader(0);  // tips
  ReplyKeySpecs(reply, spec);
  if (spec.subcommands.empty()) {
    reply.SetHeader(0);
    return;
  }
  reply.ArrayHeader(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) ReplyCommandInfo(reply, sub, spec.name);
}

// One COMMAND DOCS entry; fields a command does not have are left out, as Redis does.
void ReplyCommandDocs(resp::ReplyBuilder& reply, const CommandSpec& spec) {
  size_t fields = 1 + !spec.summary.empty() + !spec.since.empty() + !spec.complexity.empty() +
                  !spec.subcommands.empty();
  reply.MapHeader(fields);
  if (!spec.summary.empty()) {
    reply.Bulk("summary");
    reply.Bulk(spec.summary);
  }
  if (!spec.since.empty()) {
    reply.Bulk("since");
    reply.Bulk(spec.since);
  }
  reply.Bulk("group");
  reply.Bulk(spec.group.empty() ? "generic" : spec.group);
  if (!spec.complexity.empty()) {
    reply.Bulk("complexity");
    reply.Bulk(spec.complexity);
  }
  if (!spec.subcommands.empty()) {
    reply.Bulk("subcommands");
    reply.MapHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      reply.Bulk(FullName(spec.name, sub));
      ReplyCommandDocs(reply, sub);
    }
  }
}

// Finds "get" or "config|get" (Redis's lookupCommandBySds); `parent` receives the container's name.
const CommandSpec* LookupByFullName(const CommandTable& table, std::string_view name, std::string_view* parent) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const CommandSpec* base = table.Find(name.substr(0, bar));
  if (base == nullptr || base->subcommands.empty()) return nullptr;
  *parent = base->name;
  return CommandTable::FindSubcommand(*base, sub);
}

// COMMAND: every command's entry.
void CommandAll(CommandContext& ctx, ArgList) {
  const auto& all = ctx.server().commands.all();
  ctx.reply().ArrayHeader(all.size());
  for (const auto& [name, spec] : all) ReplyCommandInfo(ctx.reply(), spec, "");
}

void CommandCount(CommandContext& ctx, ArgList) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server().commands.size()));
}

// COMMAND INFO [name ...]: a null for each unknown name.
void CommandInfo(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) {
    CommandAll(ctx, args);
    return;
  }
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view parent;
    const CommandSpec* spec = LookupByFullName(ctx.server().commands, args[i], &parent);
    if (spec == nullptr) {
      reply.Null();
    } else {
      ReplyCommandInfo(reply, *spec, parent);
    }
  }
}

// COMMAND DOCS [name ...]: a map; unknown names are skipped.
void CommandDocs(CommandContext& ctx, ArgList args) {
  resp::ReplyBuilder& reply = ctx.reply();
  const CommandTable& table = ctx.server().commands;
  if (args.size() == 2) {
    reply.MapHeader(table.size());
    for (const auto& [name, spec] : table.all()) {
      reply.Bulk(name);
      ReplyCommandDocs(reply, spec);
    }
    return;
  }
  resp::ReplyBuilder::Deferred map = reply.BeginDeferredMap();
  size_t found = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view parent;
    const CommandSpec* spec = LookupByFullName(table, args[i], &parent);
    if (spec == nullptr) continue;
    reply.Bulk(FullName(parent, *spec));
    ReplyCommandDocs(reply, *spec);
    ++found;
  }
  reply.EndDeferred(map, found);
}

// Whether `spec` (a command or subcommand) is listed under a COMMAND LIST FILTERBY filter.
bool PassesFilter(const CommandSpec& spec, const std::string& full_name, std::string_view type,
                  std::string_view value) {
  if (EqualsIgnoreCase(type, "MODULE")) return false;  // no modules
  if (EqualsIgnoreCase(type, "PATTERN")) return GlobMatch(value, full_name, /*nocase=*/true);
  for (std::string_view category : SplitCategories(spec.acl_categories)) {
    if (EqualsIgnoreCase(category.substr(1), value)) return true;
  }
  return false;
}

// COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]: names, subcommands included.
void CommandList(CommandContext& ctx, ArgList args) {
  std::string_view type, value;
  for (size_t i = 2; i < args.size(); i += 3) {
    bool type_ok = i + 3 == args.size() && EqualsIgnoreCase(args[i], "FILTERBY") &&
                   (EqualsIgnoreCase(args[i + 1], "MODULE") || EqualsIgnoreCase(args[i + 1], "ACLCAT") ||
                    EqualsIgnoreCase(args[i + 1], "PATTERN"));
    if (!type_ok) {
      ctx.SyntaxError();
      return;
    }
    type = args[i + 1];
    value = args[i + 2];
  }
  std::vector<std::string> names;
  auto consider = [&](const CommandSpec& spec, std::string_view parent) {
    std::string full = FullName(parent, spec);
    if (type.empty() || PassesFilter(spec, full, type, value)) names.push_back(std::move(full));
  };
  for (const auto& [name, spec] : ctx.server().commands.all()) {
    consider(spec, "");
    for (const CommandSpec& sub : spec.subcommands) consider(sub, spec.name);
  }
  ctx.reply().BulkArray(names);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS cmd arg...: the keys the command would touch.
void GetKeys(CommandContext& ctx, ArgList args, bool with_flags) {
  ArgList command = args.subspan(2);
  const CommandSpec* spec = ctx.server().commands.Find(command[0]);
  if (spec != nullptr && !spec->subcommands.empty() && command.size() >= 2) {
    spec = CommandTable::FindSubcommand(*spec, command[1]);
  }
  resp::ReplyBuilder& reply = ctx.reply();
  if (spec == nullptr) {
    reply.Error(errors::kGetKeysInvalidCommand);
    return;
  }
  if (spec->first_key <= 0 && !(spec->flags & kCmdMovableKeys)) {
    reply.Error(errors::kGetKeysNoKeys);
    return;
  }
  if (!CommandTable::ArityOk(*spec, command.size())) {
    reply.Error(errors::kGetKeysBadArity);
    return;
  }
  std::vector<int> keys;
  if (!CommandTable::ExtractKeys(*spec, command, &keys) || keys.empty()) {
    if (spec->flags & kCmdNoMandatoryKeys) {
      reply.EmptyArray();
    } else {
      reply.Error(errors::kGetKeysBadArgs);
    }
    return;
  }
  reply.ArrayHeader(keys.size());
  for (int index : keys) {
    if (with_flags) {
      reply.ArrayHeader(2);
      reply.Bulk(command[static_cast<size_t>(index)]);
      ReplyStatusSet(reply, KeyFlags(*spec));
    } else {
      reply.Bulk(command[static_cast<size_t>(index)]);
    }
  }
}

void CommandGetKeys(CommandContext& ctx, ArgList args) { GetKeys(ctx, args, false); }
void CommandGetKeysAndFlags(CommandContext& ctx, ArgList args) { GetKeys(ctx, args, true); }

void CommandHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "command",
            {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
             "    Return the total number of commands in this Redis server.", "LIST",
             "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all", "    commands are returned.",
             "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
             "    If no command names are given, documentation details for all", "    commands are returned.",
             "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
             "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command."});
}

CommandSpec Sub(std::string_view name, int arity, CommandHandler handler, std::string_view summary,
                std::string_view since, std::string_view complexity) {
  return MakeSpec(name, arity, kCmdLoading | kCmdStale | kCmdSentinel, handler, "@slow @connection", "server",
                  summary, since, complexity);
}

}  // namespace

void RegisterCommandCommand(CommandTable& table) {
  CommandSpec command = Sub("command", -1, CommandAll, "Get array of Redis command details", "2.8.13",
                            "O(N) where N is the total number of Redis commands");
  command.subcommands = {
      Sub("count", 2, CommandCount, "Get total number of Redis commands", "2.8.13", "O(1)"),
      Sub("list", -2, CommandList, "Get an array of Redis command names", "7.0.0",
          "O(N) where N is the total number of Redis commands"),
      Sub("info", -2, CommandInfo,
          "Get array of specific Redis command details, or all when no argument is given.", "2.8.13",
          "O(N) where N is the number of commands to look up"),
      Sub("docs", -2, CommandDocs, "Get array of specific Redis command documentation", "7.0.0",
          "O(N) where N is the number of commands to look up"),
      Sub("getkeys", -4, CommandGetKeys, "Extract keys given a full Redis command", "2.8.13",
          "O(N) where N is the number of arguments to the command"),
      Sub("getkeysandflags", -4, CommandGetKeysAndFlags, "Extract keys and access flags given a full Redis command",
          "7.0.0", "O(N) where N is the number of arguments to the command"),
      Sub("help", 2, CommandHelp, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
  };
  table.Register(std::move(command));
}

}  // namespace slotd
