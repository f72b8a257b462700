// Internal to the set command files (set_commands.cc, set_algebra_commands.cc): typed lookup,
// member replies and the spec builder they share, and the algebra half's registration.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/keyspace/set_value.h"

namespace slotd {

class CommandTable;

// set_algebra_commands.cc: SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE.
void RegisterSetAlgebraCommands(CommandTable& table);

inline SetValue* FindSet(CommandContext& ctx, std::string_view key, uint32_t flags,
                         bool* wrong_type) {
  return LookupCollection<SetValue>(ctx, key, ObjectType::kSet, flags, wrong_type);
}

inline int64_t MaxIntset(CommandContext& ctx) { return ctx.config().set_max_intset_entries; }

inline void ReplyMember(resp::ReplyBuilder& reply, const SetMember& member) {
  char buf[24];
  reply.Bulk(member.Text(buf));
}

// Replies `members` under a RESP3 set header (or an array, `as_set` false).
inline void ReplyMembers(resp::ReplyBuilder& reply, const std::vector<SetMember>& members,
                         bool as_set) {
  if (as_set) {
    reply.SetHeader(members.size());
  } else {
    reply.ArrayHeader(members.size());
  }
  for (const SetMember& member : members) ReplyMember(reply, member);
}

// Every member of `set` (nullptr: none) under a RESP3 set header.
inline void ReplyWholeSet(resp::ReplyBuilder& reply, const SetValue* set) {
  reply.SetHeader(set ? set->Length() : 0);
  if (set) set->ForEach([&reply](const SetMember& member) { ReplyMember(reply, member); });
}

inline CommandSpec SetSpec(std::string_view name, int arity, uint32_t flags, int first, int last,
                           CommandHandler handler, std::string_view acl, std::string_view summary,
                           std::string_view since, std::string_view complexity = "O(1)") {
  return CollectionSpec(name, arity, flags, first, last, 1, handler, acl, "set", summary, since,
                        complexity);
}

}  // namespace slotd
