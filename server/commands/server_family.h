// Shared pieces of the connection and server command families: the registration of the commands that
// live in their own files (CLIENT, COMMAND, INFO, DEBUG, SLOWLOG/LATENCY) and the HELP reply they share.
// Internal to server/commands/; families.h stays the public entry point.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "server/commands/command_spec.h"

namespace slotd {

class CommandTable;
class Client;
class Server;
namespace resp {
class ReplyBuilder;
}

void RegisterClientCommand(CommandTable& table);   // client_command.cc
void RegisterCommandCommand(CommandTable& table);  // command_command.cc
void RegisterInfoCommand(CommandTable& table);     // info_command.cc
void RegisterDebugCommand(CommandTable& table);    // debug_command.cc
void RegisterSlowlogCommands(CommandTable& table);  // slowlog.cc: SLOWLOG and LATENCY
void DebugReload(CommandContext& ctx, ArgList args);  // persistence_commands.cc: DEBUG RELOAD

// A keyless command or subcommand as registered in these families (key positions and subcommands are
// set on the result where needed).
CommandSpec MakeSpec(std::string_view name, int arity, uint32_t flags, CommandHandler handler,
                     std::string_view acl_categories, std::string_view group, std::string_view summary,
                     std::string_view since, std::string_view complexity);

// Redis's addReplyHelp: "<COMMAND> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the
// lines, then "HELP" / "    Prints this help.", all as status replies. `command` is upper-cased.
void ReplyHelp(resp::ReplyBuilder& reply, std::string_view command,
               std::initializer_list<std::string_view> lines);

// True when the client may authenticate as `user` with `password` (requirepass drives the default
// user, the only one; with no requirepass any password works). Marks the client authenticated.
bool Authenticate(const Server& server, Client& client, std::string_view user, std::string_view password);

// One INFO section ("server", "clients", "stats" or "cpu") as "# Title\r\nfield:value\r\n...", for
// sentinel mode's INFO (sentinel_mode_commands.cc); `sentinel_mode` reports redis_mode:sentinel.
std::string InfoSectionText(const Server& server, std::string_view section, bool sentinel_mode);

// The process's resident set size in bytes, from /proc/self/statm (0 when unreadable).
size_t ProcessRssBytes();

// CLIENT SETNAME / HELLO SETNAME rule: printable ASCII without spaces ('!'..'~'), or empty.
bool ValidClientName(std::string_view name);

}  // namespace slotd
