// Sorted-set pops: ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP. A blocking
// command that finds nothing calls ctx.Block(); the server re-runs it when one of its keys is
// modified.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/zset_common.h"
#include "server/resp/errors.h"

namespace slotd::zset {
namespace {

enum class End { kMin, kMax };

// Reply shapes of Redis's genericZpopCommand.
struct PopShape {
  bool emit_key;  // BZPOP*/ZMPOP name the key they popped from
  bool nested;    // [member, score] pairs instead of a flat list
};

// Pops up to `count` elements from the zset at `key`, replying in `shape`; deletes the key when
// emptied.
void PopAndReply(CommandContext& ctx, std::string_view key, ZSetValue& zset, End end, size_t count,
                 PopShape shape) {
  resp::ReplyBuilder& reply = ctx.reply();
  size_t length = zset.Length();
  size_t n = std::min(count, length);
  if (shape.emit_key && shape.nested) {
    reply.ArrayHeader(2);
    reply.Bulk(key);
    reply.ArrayHeader(n);
  } else if (shape.emit_key) {
    reply.ArrayHeader(n * 2 + 1);
    reply.Bulk(key);
  } else {
    reply.ArrayHeader(shape.nested ? n : n * 2);
  }
  bool from_max = end == End::kMax;
  ZSetValue::Cursor c = from_max ? zset.Last() : zset.First();
  for (size_t i = 0; i < n; ++i, from_max ? c.Prev() : c.Next()) {
    if (shape.nested) reply.ArrayHeader(2);
    reply.Bulk(c.member());
    reply.Double(c.score());
  }
  if (from_max) {
    zset.EraseRanks(length - n, length);
  } else {
    zset.EraseRanks(0, n);
  }
  AfterRemoval(ctx, key, zset, from_max ? "zpopmax" : "zpopmin");
}

// The first key holding a sorted set (Redis checks the type of the first existing key only).
// Replies WRONGTYPE and sets *error for another type.
ZSetValue* FirstExisting(CommandContext& ctx, ArgList keys, size_t* index, bool* error) {
  for (size_t i = 0; i < keys.size(); ++i) {
    ZSetValue* zset = Find(ctx, keys[i], kLookupForWrite, error);
    if (*error) return nullptr;
    if (zset != nullptr) {
      *index = i;
      return zset;
    }
  }
  return nullptr;
}

void ZPop(CommandContext& ctx, ArgList args, End end) {
  if (args.size() > 3) {
    ctx.SyntaxError();
    return;
  }
  int64_t count = -1;  // -1: no count given, one element in a flat reply
  if (args.size() == 3) {
    std::optional<int64_t> parsed = ParseInt64(args[2]);
    if (!parsed || *parsed < 0) {
      ctx.reply().Error(errors::kMustBePositive);
      return;
    }
    count = *parsed;
  }
  size_t index = 0;
  bool error = false;
  ZSetValue* zset = FirstExisting(ctx, args.subspan(1, 1), &index, &error);
  if (error) return;
  if (zset == nullptr || count == 0) {
    ctx.reply().EmptyArray();
    return;
  }
  PopShape shape{false, ctx.reply().resp3() && count != -1};
  PopAndReply(ctx, args[1], *zset, end, count == -1 ? 1 : static_cast<size_t>(count), shape);
}

void ZPopMin(CommandContext& ctx, ArgList args) { ZPop(ctx, args, End::kMin); }
void ZPopMax(CommandContext& ctx, ArgList args) { ZPop(ctx, args, End::kMax); }

// Replicas get ZPOPMIN/ZPOPMAX on the key served: with the count for the MPOP forms (Redis 7.0), bare for
// BZPOPMIN/BZPOPMAX, so a replica never blocks.
void PropagatePop(CommandContext& ctx, std::string_view key, End end, size_t count, bool with_count) {
  std::string_view pop = end == End::kMax ? "ZPOPMAX" : "ZPOPMIN";
  if (!with_count) return ctx.Propagate({pop, key});
  std::string count_text = std::to_string(count);
  ctx.Propagate({pop, key, count_text});
}

// Pops from the first non-empty key, or blocks on all of them.
void PopOrBlock(CommandContext& ctx, ArgList keys, End end, size_t count, PopShape shape,
                int64_t deadline_ms) {
  size_t index = 0;
  bool error = false;
  ZSetValue* zset = FirstExisting(ctx, keys, &index, &error);
  if (error) return;
  if (zset != nullptr) {
    PopAndReply(ctx, keys[index], *zset, end, count, shape);
    PropagatePop(ctx, keys[index], end, count, shape.nested);
    return;
  }
  ctx.Block(keys, deadline_ms, BlockTimeoutReply::kNullArray);
}

void BZPop(CommandContext& ctx, ArgList args, End end) {
  TimeoutParse timeout = ParseBlockingTimeout(args.back(), ctx.now_ms());
  if (!timeout.ok) {
    ctx.reply().Error(timeout.error);
    return;
  }
  PopOrBlock(ctx, args.subspan(1, args.size() - 2), end, 1, {true, false}, timeout.deadline_ms);
}

void BZPopMin(CommandContext& ctx, ArgList args) { BZPop(ctx, args, End::kMin); }
void BZPopMax(CommandContext& ctx, ArgList args) { BZPop(ctx, args, End::kMax); }

struct MPopRequest {
  ArgList keys;
  End end = End::kMin;
  size_t count = 1;
};

// numkeys key... MIN|MAX [COUNT count], from args[numkeys_index].
bool ParseMPop(CommandContext& ctx, ArgList args, size_t numkeys_index, MPopRequest* req) {
  MultiPopArgs parsed;
  if (!ParseMultiPopArgs(ctx, args, numkeys_index, "MIN", "MAX", &parsed)) return false;
  req->keys = parsed.keys;
  req->end = parsed.first_end ? End::kMin : End::kMax;
  req->count = static_cast<size_t>(parsed.count);
  return true;
}

void ZMPop(CommandContext& ctx, ArgList args) {
  MPopRequest req;
  if (!ParseMPop(ctx, args, 1, &req)) return;
  size_t index = 0;
  bool error = false;
  ZSetValue* zset = FirstExisting(ctx, req.keys, &index, &error);
  if (error) return;
  if (zset == nullptr) {
    ctx.reply().NullArray();
    return;
  }
  PopAndReply(ctx, req.keys[index], *zset, req.end, req.count, {true, true});
  PropagatePop(ctx, req.keys[index], req.end, req.count, true);
}

void BZMPop(CommandContext& ctx, ArgList args) {
  MPopRequest req;
  if (!ParseMPop(ctx, args, 2, &req)) return;
  TimeoutParse timeout = ParseBlockingTimeout(args[1], ctx.now_ms());
  if (!timeout.ok) {
    ctx.reply().Error(timeout.error);
    return;
  }
  PopOrBlock(ctx, req.keys, req.end, req.count, {true, true}, timeout.deadline_ms);
}

bool ZMPopKeys(ArgList args, std::vector<int>* key_indexes) {
  return FindNumKeys(args, 1, false, key_indexes);
}
bool BZMPopKeys(ArgList args, std::vector<int>* key_indexes) {
  return FindNumKeys(args, 2, false, key_indexes);
}

}  // namespace

void RegisterPopCommands(CommandTable& table) {
  constexpr std::string_view kPopCost =
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
      "of "
      "elements popped.";
  constexpr std::string_view kMPopCost =
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
      "in the "
      "sorted set, and M being the number of elements popped.";
  constexpr std::string_view kBlockPopCost =
      "O(log(N)) with N being the number of elements in the sorted set.";
  constexpr uint32_t kBlocking = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast;
  constexpr std::string_view kBlockingAcl = "@write @sortedset @fast @blocking";
  table.Register(Spec("zpopmin", -2, kCmdWrite | kCmdFast, 1, 1, ZPopMin, "@write @sortedset @fast",
                      "Remove and return members with the lowest scores in a sorted set", "5.0.0",
                      kPopCost));
  table.Register(Spec("zpopmax", -2, kCmdWrite | kCmdFast, 1, 1, ZPopMax, "@write @sortedset @fast",
                      "Remove and return members with the highest scores in a sorted set", "5.0.0",
                      kPopCost));
  table.Register(
      Spec("bzpopmin", -3, kBlocking, 1, -2, BZPopMin, kBlockingAcl,
           "Remove and return the member with the lowest score from one or more sorted sets, or "
           "block until one is available",
           "5.0.0", kBlockPopCost));
  table.Register(
      Spec("bzpopmax", -3, kBlocking, 1, -2, BZPopMax, kBlockingAcl,
           "Remove and return the member with the highest score from one or more sorted sets, or "
           "block until one is available",
           "5.0.0", kBlockPopCost));
  CommandSpec zmpop =
      Spec("zmpop", -4, kCmdWrite | kCmdMovableKeys, 0, 0, ZMPop, "@write @sortedset @slow",
           "Remove and return members with scores in a sorted set", "7.0.0", kMPopCost);
  zmpop.key_finder = ZMPopKeys;
  table.Register(std::move(zmpop));
  CommandSpec bzmpop =
      Spec("bzmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, 0, 0, BZMPop,
           "@write @sortedset @slow @blocking",
           "Remove and return members with scores in a sorted set or block until one is available",
           "7.0.0", kMPopCost);
  bzmpop.key_finder = BZMPopKeys;
  table.Register(std::move(bzmpop));
}

}  // namespace slotd::zset
