// Set algebra: SINTER SINTERCARD SUNION SDIFF and the SINTERSTORE SUNIONSTORE SDIFFSTORE forms,
// with Redis 7.0's algorithms (smallest-set probing, the SDIFF cost model), replies and error
// order.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/set_family.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// The sets named by `keys` (nullptr for missing keys). Replies WRONGTYPE and returns false when any
// key holds another type, whatever its position, as Redis checks every key.
bool LoadSets(CommandContext& ctx, ArgList keys, uint32_t flags,
              std::vector<const SetValue*>* sets) {
  sets->reserve(keys.size());
  for (std::string_view key : keys) {
    bool wrong_type = false;
    sets->push_back(FindSet(ctx, key, flags, &wrong_type));
    if (wrong_type) return false;
  }
  return true;
}

// Members of the intersection, up to `limit` of them (0 = all); views stay valid until a set
// changes.
std::vector<SetMember> Intersect(std::vector<const SetValue*> sets, uint64_t limit) {
  std::vector<SetMember> result;
  if (sets.empty() || std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return result;
  // Probe the smallest set's members against the others (Redis's sinterGenericCommand order).
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->Length() < b->Length(); });
  bool done = false;
  sets[0]->ForEach([&](const SetMember& member) {
    if (done) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != sets[0] && !sets[j]->Contains(member)) return;
    }
    result.push_back(member);
    done = limit != 0 && result.size() >= limit;
  });
  return result;
}

std::unique_ptr<SetValue> Union(const std::vector<const SetValue*>& sets, int64_t max_intset) {
  auto result = std::make_unique<SetValue>(/*intset=*/true);
  for (const SetValue* set : sets) {
    if (set) set->ForEach([&](const SetMember& member) { result->Add(member, max_intset); });
  }
  return result;
}

std::unique_ptr<SetValue> Diff(std::vector<const SetValue*> sets, int64_t max_intset) {
  auto result = std::make_unique<SetValue>(/*intset=*/true);
  const SetValue* first = sets[0];
  if (first == nullptr) return result;
  // Redis's sunionDiffGenericCommand cost model: probe each member of the first set against the
  // others (algorithm 1), or copy the first set and remove the others' members (algorithm 2).
  uint64_t probe_work = 0, copy_work = 0;
  for (const SetValue* set : sets) {
    if (set == nullptr) continue;
    probe_work += first->Length();
    copy_work += set->Length();
  }
  if (probe_work / 2 <= copy_work) {
    std::sort(sets.begin() + 1, sets.end(), [](const SetValue* a, const SetValue* b) {
      return (a ? a->Length() : 0) > (b ? b->Length() : 0);
    });
    first->ForEach([&](const SetMember& member) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] && (sets[j] == first || sets[j]->Contains(member))) return;
      }
      result->Add(member, max_intset);
    });
    return result;
  }
  first->ForEach([&](const SetMember& member) { result->Add(member, max_intset); });
  char buf[24];
  for (size_t j = 1; j < sets.size() && result->Length() > 0; ++j) {
    if (sets[j])
      sets[j]->ForEach([&](const SetMember& member) { result->Remove(member.Text(buf)); });
  }
  return result;
}

// Stores `result` at `dest` (deleting `dest` when the result is empty) and replies its cardinality.
// `event` is the keyspace event of a stored result ("sinterstore", ...).
void StoreResult(CommandContext& ctx, std::string_view dest, std::unique_ptr<SetValue> result,
                 std::string_view event) {
  size_t size = result->Length();
  if (size == 0) {
    if (ctx.db().Erase(dest)) ctx.Modified(dest, notify::kGeneric, "del");
  } else {
    ctx.db().Set(dest, Object::FromCollection(ObjectType::kSet, std::move(result)));
    ctx.Modified(dest, notify::kSet, event);
  }
  ctx.reply().Integer(static_cast<int64_t>(size));
}

enum class SetOp { kInter, kUnion, kDiff };

// SINTER/SUNION/SDIFF (dest empty) and their *STORE forms (dest = args[1]).
void SetAlgebra(CommandContext& ctx, ArgList keys, std::string_view dest, bool store, SetOp op) {
  std::vector<const SetValue*> sets;
  // Sources are read lookups even for the STORE forms (hits, misses, "keymiss"), as in Redis 7.0.
  if (!LoadSets(ctx, keys, kLookupNone, &sets)) return;
  int64_t max_intset = MaxIntset(ctx);
  if (op == SetOp::kInter) {
    std::vector<SetMember> members = Intersect(sets, 0);
    if (!store) {
      ReplyMembers(ctx.reply(), members, /*as_set=*/true);
      return;
    }
    auto result = std::make_unique<SetValue>(/*intset=*/true);
    for (const SetMember& member : members) result->Add(member, max_intset);
    StoreResult(ctx, dest, std::move(result), "sinterstore");
    return;
  }
  std::unique_ptr<SetValue> result =
      op == SetOp::kUnion ? Union(sets, max_intset) : Diff(sets, max_intset);
  if (store) {
    StoreResult(ctx, dest, std::move(result), op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
  } else {
    ReplyWholeSet(ctx.reply(), result.get());
  }
}

void SInter(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(1), {}, false, SetOp::kInter);
}
void SUnion(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(1), {}, false, SetOp::kUnion);
}
void SDiff(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(1), {}, false, SetOp::kDiff);
}
void SInterStore(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(2), args[1], true, SetOp::kInter);
}
void SUnionStore(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(2), args[1], true, SetOp::kUnion);
}
void SDiffStore(CommandContext& ctx, ArgList args) {
  SetAlgebra(ctx, args.subspan(2), args[1], true, SetOp::kDiff);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]: the number of keys, or 0 when numkeys is invalid.
size_t SInterCardNumKeys(ArgList args) {
  std::optional<int64_t> numkeys = ParseInt64(args[1]);
  if (!numkeys || *numkeys <= 0 || static_cast<uint64_t>(*numkeys) > args.size() - 2) return 0;
  return static_cast<size_t>(*numkeys);
}

bool SInterCardKeys(ArgList args, std::vector<int>* key_indexes) {
  if (args.size() < 3) return false;
  size_t numkeys = SInterCardNumKeys(args);
  for (size_t i = 0; i < numkeys; ++i) key_indexes->push_back(static_cast<int>(2 + i));
  return numkeys > 0;
}

void SInterCard(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> numkeys = ParseInt64(args[1]);
  if (!numkeys || *numkeys <= 0) {
    ctx.reply().Error(errors::kNumkeysNotPositive);
    return;
  }
  if (static_cast<uint64_t>(*numkeys) > args.size() - 2) {
    ctx.reply().Error(errors::kNumkeysExceedArgs);
    return;
  }
  size_t first_option = 2 + static_cast<size_t>(*numkeys);
  uint64_t limit = 0;
  for (size_t i = first_option; i < args.size(); i += 2) {
    if (!EqualsIgnoreCase(args[i], "LIMIT") || i + 1 >= args.size()) {
      ctx.SyntaxError();
      return;
    }
    std::optional<int64_t> parsed = ParseInt64(args[i + 1]);
    if (!parsed || *parsed < 0) {
      ctx.reply().Error(errors::kLimitNegative);
      return;
    }
    limit = static_cast<uint64_t>(*parsed);
  }
  std::vector<const SetValue*> sets;
  if (!LoadSets(ctx, args.subspan(2, static_cast<size_t>(*numkeys)), kLookupNone, &sets)) return;
  ctx.reply().Integer(static_cast<int64_t>(Intersect(sets, limit).size()));
}

}  // namespace

void RegisterSetAlgebraCommands(CommandTable& table) {
  constexpr uint32_t kRead = kCmdReadOnly;
  constexpr uint32_t kStore = kCmdWrite | kCmdDenyOom;
  constexpr std::string_view kSlowReadAcl = "@read @set @slow";
  constexpr std::string_view kSlowWriteAcl = "@write @set @slow";
  constexpr std::string_view kInterCost =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";
  constexpr std::string_view kAllCost =
      "O(N) where N is the total number of elements in all given sets.";
  table.Register(SetSpec("sinter", -2, kRead, 1, -1, SInter, kSlowReadAcl,
                         "Intersect multiple sets", "1.0.0", kInterCost));
  table.Register(SetSpec("sunion", -2, kRead, 1, -1, SUnion, kSlowReadAcl, "Add multiple sets",
                         "1.0.0", kAllCost));
  table.Register(SetSpec("sdiff", -2, kRead, 1, -1, SDiff, kSlowReadAcl, "Subtract multiple sets",
                         "1.0.0", kAllCost));
  table.Register(SetSpec("sinterstore", -3, kStore, 1, -1, SInterStore, kSlowWriteAcl,
                         "Intersect multiple sets and store the resulting set in a key", "1.0.0",
                         kInterCost));
  table.Register(SetSpec("sunionstore", -3, kStore, 1, -1, SUnionStore, kSlowWriteAcl,
                         "Add multiple sets and store the resulting set in a key", "1.0.0",
                         kAllCost));
  table.Register(SetSpec("sdiffstore", -3, kStore, 1, -1, SDiffStore, kSlowWriteAcl,
                         "Subtract multiple sets and store the resulting set in a key", "1.0.0",
                         kAllCost));
  CommandSpec sintercard = SetSpec(
      "sintercard", -3, kRead | kCmdMovableKeys, 0, 0, SInterCard, kSlowReadAcl,
      "Intersect multiple sets and return the cardinality of the result", "7.0.0", kInterCost);
  sintercard.key_step = 0;
  sintercard.key_finder = SInterCardKeys;
  table.Register(std::move(sintercard));
}

}  // namespace slotd
