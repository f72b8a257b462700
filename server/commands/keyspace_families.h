// Internal to the string and generic-key command files: the registration functions that
// RegisterStringCommands / RegisterKeyCommands call, and the lookup and spec helpers they share.
#pragma once
#include <cstdint>
#include <string_view>

#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/keyspace/database.h"
#include "server/keyspace/object.h"

namespace slotd {

class CommandTable;

// string_edit_commands.cc: INCR* APPEND SETRANGE GETRANGE SUBSTR STRLEN
void RegisterStringEditCommands(CommandTable& table);
void RegisterLcsCommand(CommandTable& table);      // lcs_command.cc
void RegisterBitmapCommands(CommandTable& table);
void RegisterHyperLogLogCommands(CommandTable& table);  // hll_commands.cc: PFADD PFCOUNT PFMERGE  // bitmap_commands.cc: SETBIT GETBIT BITCOUNT BITPOS BITOP
void RegisterExpireCommands(CommandTable& table);  // expire_commands.cc: EXPIRE* TTL* PERSIST
void RegisterScanCommands(CommandTable& table);    // scan_commands.cc: KEYS SCAN RANDOMKEY
void RegisterSortCommands(CommandTable& table);    // sort_command.cc: SORT SORT_RO
void RegisterObjectCommand(CommandTable& table);   // object_command.cc: OBJECT and its subcommands

// The result of looking a key up as a string.
struct StringLookup {
  Object* value;    // nullptr when the key is absent (or held another type)
  bool wrong_type;  // the key holds another type; WRONGTYPE was already replied
};

// Looks `key` up with Database::Find `flags`; replies WRONGTYPE when it is not a string.
inline StringLookup LookupString(CommandContext& ctx, std::string_view key, uint32_t flags) {
  Object* value = ctx.db().Find(key, flags);
  if (value != nullptr && !value->is_string()) {
    ctx.WrongType();
    return {nullptr, true};
  }
  return {value, false};
}

// The spec of a command whose only key is args[1] (most string and generic key commands).
inline CommandSpec OneKeySpec(std::string_view group, std::string_view name, int arity,
                              uint32_t flags, CommandHandler handler, std::string_view acl,
                              std::string_view summary, std::string_view since,
                              std::string_view complexity = "O(1)") {
  return CollectionSpec(name, arity, flags, 1, 1, 1, handler, acl, group, summary, since,
                        complexity);
}

}  // namespace slotd
