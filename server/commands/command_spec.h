// The description of one command: everything the dispatcher, COMMAND, COMMAND DOCS and cluster routing need.
// One table drives arity errors, COMMAND INFO, COMMAND GETKEYS and key extraction (../shared/STYLE.md 8.3.8).
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace slotd {

class CommandContext;
struct CommandStats;

using ArgList = std::span<const std::string_view>;  // args[0] is the command name as the client sent it
using CommandHandler = void (*)(CommandContext& ctx, ArgList args);
// For commands whose keys move (flag kMovableKeys): appends the indexes of the keys in args. Returns false
// when the arguments are malformed (then no keys are reported; the handler will report the error).
using KeyFinder = bool (*)(ArgList args, std::vector<int>* key_indexes);

// Flags, named as COMMAND reports them.
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,         // "write"
  kCmdReadOnly = 1u << 1,      // "readonly"
  kCmdDenyOom = 1u << 2,       // "denyoom": refused with -OOM when over maxmemory
  kCmdAdmin = 1u << 3,         // "admin"
  kCmdPubSub = 1u << 4,        // "pubsub"
  kCmdNoScript = 1u << 5,      // "noscript"
  kCmdBlocking = 1u << 6,      // "blocking"
  kCmdLoading = 1u << 7,       // "loading": allowed while loading
  kCmdStale = 1u << 8,         // "stale": allowed on a replica with a broken link
  kCmdSkipMonitor = 1u << 9,   // "skip_monitor"
  kCmdSkipSlowlog = 1u << 10,  // "skip_slowlog"
  kCmdFast = 1u << 11,         // "fast"
  kCmdNoAuth = 1u << 12,       // "no_auth": allowed before AUTH
  kCmdMayReplicate = 1u << 13, // "may_replicate"
  kCmdNoMulti = 1u << 14,      // "no_multi": refused inside MULTI
  kCmdMovableKeys = 1u << 15,  // "movablekeys": keys found by key_finder
  kCmdAllowBusy = 1u << 16,    // "allow_busy"
  kCmdNoMandatoryKeys = 1u << 17,  // "no_mandatory_keys"
  kCmdSentinel = 1u << 18,     // "sentinel": available in sentinel mode
  kCmdOnlySentinel = 1u << 19, // "only_sentinel"
  kCmdProtected = 1u << 20,    // not shown by COMMAND: gated by enable-debug-command (Redis's CMD_PROTECTED)
  kCmdAsking = 1u << 21,       // "asking": served on an importing slot without ASKING (RESTORE-ASKING)
};

struct CommandSpec {
  std::string_view name;  // lowercase; a subcommand has its own name only ("get"), COMMAND shows "config|get"
  int arity = 0;          // > 0: exactly; < 0: at least -arity (args include the command name)
  uint32_t flags = 0;
  int first_key = 0;      // 0 = no keys
  int last_key = 0;       // -1 = last argument, -2 = the one before, ...
  int key_step = 0;
  CommandHandler handler = nullptr;
  KeyFinder key_finder = nullptr;  // with kCmdMovableKeys
  std::string_view acl_categories;  // space-separated, e.g. "@write @string @slow"
  // COMMAND DOCS.
  std::string_view summary;
  std::string_view since;
  std::string_view group;       // "string", "list", "generic", "server", "connection", ...
  std::string_view complexity;
  std::vector<CommandSpec> subcommands;  // CONFIG GET, CLIENT LIST, ... (parent handler unused when set)
  // INFO commandstats/latencystats counters, owned by the CommandTable (null outside one).
  CommandStats* stats = nullptr;
};

}  // namespace slotd
