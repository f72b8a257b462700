// Set commands on one or two keys: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER
// SMOVE SSCAN, with Redis 7.0's replies and error order; the family's registration entry point (the
// algebra commands live in set_algebra_commands.cc).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/set_family.h"
#include "server/keyspace/set_value.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// Adds a set created for `first_member` (setTypeCreate) under `key`, which must be absent.
SetValue* CreateSet(CommandContext& ctx, std::string_view key, std::string_view first_member) {
  Object* created = ctx.db().Add(
      key, Object::FromCollection(ObjectType::kSet, SetValue::ForFirstMember(first_member)));
  return &created->as<SetValue>();
}

void SAdd(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  SetValue* set = FindSet(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  if (set == nullptr) set = CreateSet(ctx, args[1], args[2]);
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); ++i) added += set->Add(args[i], MaxIntset(ctx)) ? 1 : 0;
  if (added > 0) ctx.Modified(args[1], notify::kSet, "sadd");
  ctx.reply().Integer(added);
}

void SRem(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  SetValue* set = FindSet(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  int64_t removed = 0;
  for (size_t i = 2; set != nullptr && i < args.size() && set->Length() > 0; ++i) {
    removed += set->Remove(args[i]) ? 1 : 0;
  }
  if (removed > 0) {
    const bool emptied = set->Length() == 0;
    if (emptied) ctx.db().Erase(args[1]);
    ctx.Modified(args[1], notify::kSet, "srem");
    if (emptied) ctx.Notify(notify::kGeneric, "del", args[1]);
  }
  ctx.reply().Integer(removed);
}

void SMembers(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const SetValue* set = FindSet(ctx, args[1], kLookupNone, &wrong_type);
  if (!wrong_type) ReplyWholeSet(ctx.reply(), set);
}

void SIsMember(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const SetValue* set = FindSet(ctx, args[1], kLookupNone, &wrong_type);
  if (!wrong_type) ctx.reply().Integer(set && set->Contains(args[2]) ? 1 : 0);
}

void SMIsMember(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const SetValue* set = FindSet(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ctx.reply().ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i)
    ctx.reply().Integer(set && set->Contains(args[i]) ? 1 : 0);
}

void SCard(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const SetValue* set = FindSet(ctx, args[1], kLookupNone, &wrong_type);
  if (!wrong_type) ctx.reply().Integer(set ? static_cast<int64_t>(set->Length()) : 0);
}

void SPopWithCount(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> count = ParseInt64(args[2]);
  if (!count || *count < 0) {
    ctx.reply().Error(errors::kMustBePositive);
    return;
  }
  bool wrong_type = false;
  SetValue* set = FindSet(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  resp::ReplyBuilder& reply = ctx.reply();
  if (set == nullptr || *count == 0) {
    reply.SetHeader(0);
    return;
  }
  ctx.Notify(notify::kSet, "spop", args[1]);
  if (static_cast<uint64_t>(*count) >= set->Length()) {
    ReplyWholeSet(reply, set);
    ctx.db().Erase(args[1]);
    ctx.Notify(notify::kGeneric, "del", args[1]);
    ctx.Modified(args[1]);
    ctx.Propagate({"DEL", args[1]});
    return;
  }
  reply.SetHeader(static_cast<size_t>(*count));
  // Random choices must not be re-made on replicas: one SREM per popped member, as Redis 7.0 does.
  for (int64_t i = 0; i < *count; ++i) {
    auto member = set->PopRandom();
    reply.Bulk(member);
    ctx.Propagate({"SREM", args[1], member});
  }
  ctx.Modified(args[1]);
}

void SPop(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) {
    ctx.SyntaxError();
    return;
  }
  if (args.size() == 3) {
    SPopWithCount(ctx, args);
    return;
  }
  bool wrong_type = false;
  SetValue* set = FindSet(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  if (set == nullptr) {
    ctx.reply().Null();
    return;
  }
  auto member = set->PopRandom();
  ctx.Notify(notify::kSet, "spop", args[1]);
  ctx.reply().Bulk(member);
  ctx.Propagate({"SREM", args[1], member});
  if (set->Length() == 0) {
    ctx.db().Erase(args[1]);
    ctx.Notify(notify::kGeneric, "del", args[1]);
  }
  ctx.Modified(args[1]);
}

void SRandMemberWithCount(CommandContext& ctx, const SetValue& set, int64_t count) {
  resp::ReplyBuilder& reply = ctx.reply();
  std::vector<SetMember> members;
  if (count > 0) {
    set.DistinctRandomMembers(static_cast<size_t>(count), &members);
    ReplyMembers(reply, members, /*as_set=*/false);
    return;
  }
  // Repeats allowed: in bounded batches, so a huge count never needs a huge temporary.
  uint64_t wanted = static_cast<uint64_t>(-count);
  reply.ArrayHeader(wanted);
  constexpr uint64_t kBatch = 1024;
  while (wanted > 0) {
    uint64_t n = std::min(wanted, kBatch);
    members.clear();
    set.RandomMembers(n, &members);
    for (const SetMember& member : members) ReplyMember(reply, member);
    wanted -= n;
  }
}

void SRandMember(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) {
    ctx.SyntaxError();
    return;
  }
  std::optional<int64_t> count;
  if (args.size() == 3 && !(count = ParseRandomCount(ctx, args[2]))) return;
  bool wrong_type = false;
  const SetValue* set = FindSet(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  if (!count) {
    if (set == nullptr) {
      ctx.reply().Null();
      return;
    }
    std::vector<SetMember> one;
    set->RandomMembers(1, &one);
    ReplyMember(ctx.reply(), one[0]);
    return;
  }
  if (set == nullptr || *count == 0) {
    ctx.reply().EmptyArray();
    return;
  }
  SRandMemberWithCount(ctx, *set, *count);
}

void SMove(CommandContext& ctx, ArgList args) {
  std::string_view source_key = args[1], dest_key = args[2], member = args[3];
  Object* source_object = ctx.db().Find(source_key, kLookupForWrite);
  Object* dest_object = ctx.db().Find(dest_key, kLookupForWrite);
  if (source_object == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  if (source_object->type() != ObjectType::kSet ||
      (dest_object != nullptr && dest_object->type() != ObjectType::kSet)) {
    ctx.WrongType();
    return;
  }
  SetValue& source = source_object->as<SetValue>();
  if (source_object == dest_object) {
    ctx.reply().Integer(source.Contains(member) ? 1 : 0);
    return;
  }
  if (!source.Remove(member)) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.Notify(notify::kSet, "srem", source_key);
  if (source.Length() == 0) {
    ctx.db().Erase(source_key);
    ctx.Notify(notify::kGeneric, "del", source_key);
  }
  SetValue* dest = dest_object ? &dest_object->as<SetValue>() : CreateSet(ctx, dest_key, member);
  ctx.Modified(source_key);
  if (dest->Add(member, MaxIntset(ctx))) ctx.Modified(dest_key, notify::kSet, "sadd");
  ctx.reply().Integer(1);
}

void SScan(CommandContext& ctx, ArgList args) {
  uint64_t cursor = 0;
  CollectionScanArgs options;
  const SetValue* set =
      BeginCollectionScan<SetValue>(ctx, args, ObjectType::kSet, &cursor, &options);
  if (set == nullptr) return;
  std::vector<SetMember> members;
  auto gather = [&members](const SetMember& member) { members.push_back(member); };
  uint64_t next = RunScanLoop(
      cursor, options.count, [&](uint64_t c) { return set->ScanStep(c, gather); },
      [&members] { return members.size(); });
  if (options.use_pattern) {
    char buf[24];
    std::erase_if(members,
                  [&](const SetMember& m) { return !GlobMatch(options.pattern, m.Text(buf)); });
  }
  ReplyScanCursor(ctx.reply(), next);
  ReplyMembers(ctx.reply(), members, /*as_set=*/false);
}

}  // namespace

void RegisterSetCommands(CommandTable& table) {
  constexpr uint32_t kRead = kCmdReadOnly;
  constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kWriteAcl = "@write @set @fast";
  constexpr std::string_view kReadAcl = "@read @set @fast";
  constexpr std::string_view kSlowReadAcl = "@read @set @slow";
  table.Register(
      SetSpec("sadd", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, SAdd, kWriteAcl,
              "Add one or more members to a set", "1.0.0",
              "O(1) for each element added, so O(N) to add N elements when the command is called "
              "with multiple arguments."));
  table.Register(SetSpec("srem", -3, kCmdWrite | kCmdFast, 1, 1, SRem, kWriteAcl,
                         "Remove one or more members from a set", "1.0.0",
                         "O(N) where N is the number of members to be removed."));
  table.Register(SetSpec("smembers", 2, kRead, 1, 1, SMembers, kSlowReadAcl,
                         "Get all the members in a set", "1.0.0",
                         "O(N) where N is the set cardinality."));
  table.Register(SetSpec("sismember", 3, kReadFast, 1, 1, SIsMember, kReadAcl,
                         "Determine if a given value is a member of a set", "1.0.0"));
  table.Register(SetSpec("smismember", -3, kReadFast, 1, 1, SMIsMember, kReadAcl,
                         "Returns the membership associated with the given elements for a set",
                         "6.2.0",
                         "O(N) where N is the number of elements being checked for membership"));
  table.Register(SetSpec("scard", 2, kReadFast, 1, 1, SCard, kReadAcl,
                         "Get the number of members in a set", "1.0.0"));
  table.Register(
      SetSpec("spop", -2, kCmdWrite | kCmdFast, 1, 1, SPop, kWriteAcl,
              "Remove and return one or multiple random members from a set", "1.0.0",
              "Without the count argument O(1), otherwise O(N) where N is the value of the passed "
              "count."));
  table.Register(SetSpec(
      "srandmember", -2, kRead, 1, 1, SRandMember, kSlowReadAcl,
      "Get one or multiple random members from a set", "1.0.0",
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
      "passed count."));
  table.Register(SetSpec("smove", 4, kCmdWrite | kCmdFast, 1, 2, SMove, kWriteAcl,
                         "Move a member from one set to another", "1.0.0"));
  table.Register(SetSpec(
      "sscan", -3, kRead, 1, 1, SScan, kSlowReadAcl, "Incrementally iterate Set elements", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.."));
  RegisterSetAlgebraCommands(table);
}

}  // namespace slotd
