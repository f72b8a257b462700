// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, driven by the option table
// (server/config/option_table.h). Replies and error texts follow Redis 7.0's config.c: GET matches
// names and aliases with case-insensitive globs, SET applies several pairs all-or-nothing, REWRITE
// keeps the loaded file's format.
#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server_family.h"
#include "server/config/config_rewrite.h"
#include "server/config/option_table.h"
#include "server/log/logger.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

bool IsGlob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

std::string SetFailed(std::string_view argument, std::string_view reason) {
  std::string text = "CONFIG SET failed (possibly related to argument '";
  text.append(argument);
  text.append("') - ");
  text.append(reason);
  return text;
}

void ConfigGet(CommandContext& ctx, ArgList args) {
  const OptionTable& table = OptionTable::Get();
  std::vector<std::pair<std::string, std::string>> matches;
  auto add = [&](std::string_view name, const OptionDef& def) {
    for (const auto& m : matches) {
      if (EqualsIgnoreCase(m.first, name)) return;  // one entry per name, the first spelling wins
    }
    matches.emplace_back(std::string(name), FormatOption(def, ctx.config()));
  };
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view pattern = args[i];
    if (!IsGlob(pattern)) {
      // An exact name answers with the name as the client spelled it, like Redis.
      if (const OptionDef* def = table.Find(pattern)) add(pattern, *def);
      continue;
    }
    for (const OptionDef& def : table.all()) {
      if (def.flags & kOptHidden) continue;
      if (GlobMatch(pattern, def.name, true)) add(def.name, def);
      if (!def.alias.empty() && GlobMatch(pattern, def.alias, true)) add(def.alias, def);
    }
  }
  resp::ReplyBuilder& reply = ctx.reply();
  reply.MapHeader(matches.size());
  for (const auto& [name, value] : matches) {
    reply.Bulk(name);
    reply.Bulk(value);
  }
}

// Changes that the config module applies itself; the rest go to Server::on_config_change.
bool ApplyChange(Server& server, std::string_view option, std::string* error) {
  if (option == "loglevel") {
    LogLevel level;
    if (ParseLogLevel(server.config.loglevel, &level)) SetLogLevel(level);
  }
  return !server.on_config_change || server.on_config_change(option, error);
}

bool ProtectedAllowed(CommandContext& ctx) {
  switch (ctx.config().enable_protected_configs) {
    case DebugCommandPolicy::kYes:
      return true;
    case DebugCommandPolicy::kLocal: {
      const std::string& addr = ctx.client().addr;
      return addr.rfind("127.", 0) == 0 || addr.rfind("[::1]", 0) == 0 ||
             addr.rfind("::1", 0) == 0 || addr.empty();
    }
    case DebugCommandPolicy::kNo:
      break;
  }
  return false;
}

// First pass, before any value is parsed: unknown names, immutable/protected options, duplicates.
bool CheckSetTargets(CommandContext& ctx, ArgList args, std::vector<const OptionDef*>* defs) {
  for (size_t i = 2; i < args.size(); i += 2) {
    const OptionDef* def = OptionTable::Get().Find(args[i]);
    if (def == nullptr) {
      std::string text = "Unknown option or number of arguments for CONFIG SET - '";
      text.append(args[i]);
      text.append("'");
      ctx.reply().Error(text);
      return false;
    }
    std::string_view problem;
    if (def->immutable()) {
      problem = "can't set immutable config";
    } else if (def->is_protected() && !ProtectedAllowed(ctx)) {
      problem = "can't set protected config";
    } else if (std::find(defs->begin(), defs->end(), def) != defs->end()) {
      problem = "duplicate parameter";
    }
    if (!problem.empty()) {
      ctx.reply().Error(SetFailed(args[i], problem));
      return false;
    }
    defs->push_back(def);
  }
  return true;
}

void ConfigSet(CommandContext& ctx, ArgList args) {
  if ((args.size() - 2) % 2 != 0) {
    ctx.SyntaxError();
    return;
  }
  std::vector<const OptionDef*> defs;
  if (!CheckSetTargets(ctx, args, &defs)) return;

  Server& server = ctx.server();
  Config updated = server.config;
  std::string reason;
  for (size_t k = 0; k < defs.size(); ++k) {
    if (!SetOptionFromString(*defs[k], args[3 + 2 * k], &updated, &reason)) {
      ctx.reply().Error(SetFailed(args[2 + 2 * k], reason));
      return;
    }
  }
  std::vector<size_t> changed;
  for (size_t k = 0; k < defs.size(); ++k) {
    if (FormatOption(*defs[k], updated) != FormatOption(*defs[k], server.config))
      changed.push_back(k);
  }
  Config old = std::move(server.config);
  server.config = std::move(updated);
  for (size_t k : changed) {
    if (ApplyChange(server, defs[k]->name, &reason)) continue;
    // All or nothing: put the old values back and let the server re-apply them.
    server.config = std::move(old);
    std::string ignored;
    for (size_t j : changed) ApplyChange(server, defs[j]->name, &ignored);
    ctx.reply().Error(SetFailed(args[2 + 2 * k], reason));
    return;
  }
  ctx.reply().Ok();
}

void ConfigResetStat(CommandContext& ctx, ArgList) {
  Server& server = ctx.server();
  server.stats = {};
  server.commands.ResetStats();
  for (auto& db : server.dbs) {
    db->hits = 0;
    db->misses = 0;
    db->expired_keys = 0;
  }
  ctx.reply().Ok();
}

void ConfigRewrite(CommandContext& ctx, ArgList) {
  const Server& server = ctx.server();
  if (server.config_file.empty()) {
    ctx.reply().Error("The server is running without a config file");
    return;
  }
  std::string error;
  if (!RewriteConfigFile(server.config_file, server.config, &error)) {
    Log(LogLevel::kWarning, "CONFIG REWRITE failed: %s", error.c_str());
    ctx.reply().Error(error);
    return;
  }
  Log(LogLevel::kNotice, "CONFIG REWRITE executed with success.");
  ctx.reply().Ok();
}

void ConfigHelp(CommandContext& ctx, ArgList) {
  ReplyHelp(
      ctx.reply(), "config",
      {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "REWRITE",
       "    Rewrite the configuration file."});
}

CommandSpec Sub(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                std::string_view acl, std::string_view summary, std::string_view since,
                std::string_view complexity) {
  return MakeSpec(name, arity, flags, handler, acl, "server", summary, since, complexity);
}

}  // namespace

void RegisterConfigCommands(CommandTable& table) {
  constexpr uint32_t kAdmin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
  constexpr std::string_view kPerParam =
      "O(N) when N is the number of configuration parameters provided";
  CommandSpec config =
      Sub("config", -2, 0, nullptr, "@slow", "A container for server configuration commands",
          "2.0.0", "Depends on subcommand.");
  config.subcommands = {
      Sub("resetstat", 2, kAdmin, ConfigResetStat, kAdminAcl, "Reset the stats returned by INFO",
          "2.0.0", "O(1)"),
      Sub("get", -3, kAdmin, ConfigGet, kAdminAcl, "Get the values of configuration parameters",
          "2.0.0", kPerParam),
      Sub("rewrite", 2, kAdmin, ConfigRewrite, kAdminAcl,
          "Rewrite the configuration file with the in memory configuration", "2.8.0", "O(1)"),
      Sub("help", 2, kCmdLoading | kCmdStale, ConfigHelp, "@slow",
          "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
      Sub("set", -4, kAdmin, ConfigSet, kAdminAcl,
          "Set configuration parameters to the given values", "2.0.0", kPerParam),
  };
  table.Register(std::move(config));
}

}  // namespace slotd
