// Sentinel mode's command table: only the commands redis-sentinel 7.0 serves, with its own INFO
// (server, clients, stats, cpu, sentinel), ROLE (`sentinel` + master names) and PUBLISH (hello
// messages only). Anything else gets the usual unknown-command error from the dispatcher.
#include <string>

#include "cluster/sentinel/describe.h"
#include "server/app/server.h"
#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/sentinel_runtime.h"
#include "server/commands/server_family.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

SentinelRuntime* g_test_runtime = nullptr;

// redis-sentinel 7.0's COMMAND LIST (QUIT, CONFIG, RESET and ECHO are unknown there too).
constexpr std::string_view kSentinelModeCommands[] = {
    "acl",        "auth",    "client",       "command", "hello",    "info",      "ping",
    "psubscribe", "publish", "punsubscribe", "role",    "shutdown", "subscribe", "unsubscribe",
};

// INFO sections in sentinel mode, in the order Redis prints them.
constexpr std::string_view kSentinelSections[] = {"server", "clients", "stats", "cpu", "sentinel"};

// Which sections INFO prints (genInfoSectionDict with the sentinel defaults, then the unsupported
// ones dropped): none named = all five; "default", "all" and "everything" = all five too.
std::vector<std::string_view> RequestedSections(ArgList args) {
  bool all = args.size() == 1;
  std::vector<std::string> named;
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "default") || EqualsIgnoreCase(args[i], "all") ||
        EqualsIgnoreCase(args[i], "everything")) {
      all = true;
    } else {
      named.push_back(ToLower(args[i]));
    }
  }
  std::vector<std::string_view> out;
  for (std::string_view s : kSentinelSections) {
    bool wanted = all;
    for (const std::string& n : named) wanted = wanted || n == s;
    if (wanted) out.push_back(s);
  }
  return out;
}

// INFO in sentinel mode: a bulk string (not verbatim) in both protocols, as redis-sentinel sends
// it.
void SentinelInfo(CommandContext& ctx, ArgList args) {
  SentinelRuntime* rt = SentinelRuntimeOf(ctx.server());
  std::string text;
  for (std::string_view section : RequestedSections(args)) {
    std::string part;
    if (section == "sentinel") {
      if (rt == nullptr) continue;
      part = sentinel::InfoSentinelSection(rt->node().state(), rt->NowMs(), rt->running_scripts(),
                                           rt->queued_scripts());
    } else {
      part = InfoSectionText(ctx.server(), section, /*sentinel_mode=*/true);
    }
    if (!text.empty()) text.append("\r\n");
    text.append(part);
  }
  ctx.reply().Bulk(text);
}

void SentinelRole(CommandContext& ctx, ArgList) {
  SentinelRuntime* rt = SentinelRuntimeOf(ctx.server());
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(2);
  reply.Bulk("sentinel");
  if (rt == nullptr) {
    reply.EmptyArray();
    return;
  }
  const auto& masters = rt->node().state().masters;
  reply.ArrayHeader(masters.size());
  for (const auto& [name, m] : masters) reply.Bulk(name);
}

// A peer's hello sent straight to us: processed, not published to our subscribers (Redis replies
// :1).
void SentinelPublish(CommandContext& ctx, ArgList args) {
  if (args[1] != "__sentinel__:hello") {
    ctx.reply().Error(errors::kSentinelOnlyHello);
    return;
  }
  if (SentinelRuntime* rt = SentinelRuntimeOf(ctx.server())) rt->OnHelloPublished(args[2]);
  ctx.reply().Integer(1);
}

}  // namespace

SentinelRuntime* SentinelRuntimeOf(Server& server) {
  if (SentinelRuntime* host = HostSentinelRuntime(server)) return host;
  return g_test_runtime;
}

void SetSentinelRuntimeForTest(SentinelRuntime* runtime) { g_test_runtime = runtime; }

bool InSentinelMode(const Server& server) {
  return server.sentinel != nullptr || server.commands.Find("sentinel") != nullptr;
}

void RegisterSentinelModeCommands(CommandTable& table) {
  CommandTable full;
  RegisterAllCommands(full);
  for (std::string_view name : kSentinelModeCommands) {
    const CommandSpec* found = full.Find(name);
    if (found == nullptr) continue;  // not implemented yet (ACL)
    CommandSpec spec = *found;
    if (name == "info") spec.handler = SentinelInfo;
    if (name == "role") spec.handler = SentinelRole;
    if (name == "publish") spec.handler = SentinelPublish;
    table.Register(std::move(spec));
  }
  RegisterSentinelCommand(table);
}

}  // namespace slotd
