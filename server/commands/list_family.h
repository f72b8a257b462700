// Internal to the list command files (list_commands.cc, blocking_list_commands.cc): key lookup,
// creation and deletion of list values, popping with replies, and the spec builder they share.
#pragma once
#include <cstdint>
#include <string_view>

#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_spec.h"
#include "server/keyspace/list_value.h"

namespace slotd {

class CommandTable;

// The result of looking a key up as a list.
struct ListLookup {
  ListValue* list;  // nullptr when the key is absent (or holds another type)
  bool wrong_type;  // the key holds another type; WRONGTYPE was already replied
};

// Looks `key` up with Database::Find `flags` (kLookupForWrite for write commands); replies
// WRONGTYPE when it is not a list.
inline ListLookup LookupList(CommandContext& ctx, std::string_view key, uint32_t flags) {
  ListLookup result;
  result.list = LookupCollection<ListValue>(ctx, key, ObjectType::kList, flags, &result.wrong_type);
  return result;
}
// Stores a new empty list under `key` (REQUIRES: absent) with the configured node size and returns
// it. The ListValue keeps its address while the key exists, even when the keyspace table grows.
ListValue& CreateList(CommandContext& ctx, std::string_view key);
// Records `changes` changes to `key` (WATCH, blocked clients, dirty counter), notifies the list
// `event`, and deletes the key ("del") when the list became empty (Redis never keeps an empty list).
void ListChanged(CommandContext& ctx, std::string_view key, const ListValue& list,
                 uint64_t changes, std::string_view event);
// The keyspace event names of pushes and pops at `end`.
inline std::string_view PushEvent(ListValue::End end) {
  return end == ListValue::End::kHead ? "lpush" : "rpush";
}
inline std::string_view PopEvent(ListValue::End end) {
  return end == ListValue::End::kHead ? "lpop" : "rpop";
}
// Pops min(count, Length()) elements from `end` and replies them as an array, then records the
// change. REQUIRES: count > 0 and the list is stored under `key`.
void PopRangeReply(CommandContext& ctx, std::string_view key, ListValue& list, ListValue::End end,
                   uint64_t count);
// LEFT / RIGHT (any case).
bool ParseListEnd(std::string_view word, ListValue::End* end);

// A list-group CommandSpec.
inline CommandSpec ListSpec(std::string_view name, int arity, uint32_t flags, int first, int last,
                            int step, CommandHandler handler, std::string_view acl,
                            std::string_view summary, std::string_view since,
                            std::string_view complexity) {
  return CollectionSpec(name, arity, flags, first, last, step, handler, acl, "list", summary, since,
                        complexity);
}

// blocking_list_commands.cc: LMOVE RPOPLPUSH LMPOP BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
void RegisterBlockingListCommands(CommandTable& table);

}  // namespace slotd
