// List commands that move between keys or pop from several: LMOVE RPOPLPUSH LMPOP and their
// blocking forms BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP. A blocking handler tries to serve; when it
// cannot, it blocks on its keys and the server re-runs the whole command when one of them is
// modified.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/list_family.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

using End = ListValue::End;

// Looks up a key a blocking command pops from. While a blocked client's command re-runs, a key
// holding another type counts as empty and no error is replied: Redis 7.0 serves blocked clients
// only from lists and leaves them blocked otherwise.
ListLookup LookupSource(CommandContext& ctx, std::string_view key) {
  if (!ctx.client().blocked) return LookupList(ctx, key, kLookupForWrite);
  Object* value = ctx.db().Find(key, kLookupForWrite);
  if (value == nullptr || value->type() != ObjectType::kList) return {nullptr, false};
  return {&value->as<ListValue>(), false};
}

// Moves the element at `from` of the list at `src_key` to `to` of the list at `dst_key` and replies
// it. Returns false, replying nothing, when the source does not exist (the caller replies or
// blocks).
bool TryMove(CommandContext& ctx, std::string_view src_key, std::string_view dst_key, End from,
             End to) {
  auto [src, src_wrong_type] = LookupSource(ctx, src_key);
  if (src_wrong_type) return true;
  if (src == nullptr) return false;
  auto [dst, dst_wrong_type] = LookupList(ctx, dst_key, kLookupForWrite);
  if (dst_wrong_type) return true;
  if (dst == src) {
    // Rotation within one list: the element's bytes move, so copy them first.
    std::string value(src->Peek(from));
    src->Pop(from);
    src->Push(to, value);
    ctx.reply().Bulk(value);
    ctx.Notify(notify::kList, PushEvent(to), dst_key);
    ListChanged(ctx, src_key, *src, 1, PopEvent(from));
    return true;
  }
  // Lists live in their own allocations, so creating the destination leaves `src` valid.
  if (dst == nullptr) dst = &CreateList(ctx, dst_key);
  const std::string_view value = src->Peek(from);
  dst->Push(to, value);
  ctx.reply().Bulk(value);
  src->Pop(from);
  ListChanged(ctx, dst_key, *dst, 1, PushEvent(to));
  ListChanged(ctx, src_key, *src, 1, PopEvent(from));
  return true;
}

// Pops from the first non-empty list among `keys`, replying [key, value] or [key, [values...]].
// Returns false, replying nothing, when every key is missing.
bool TryPopFirst(CommandContext& ctx, ArgList keys, End end, uint64_t count, bool nested_array) {
  for (std::string_view key : keys) {
    auto [list, wrong_type] = LookupSource(ctx, key);
    if (wrong_type) return true;
    if (list == nullptr) continue;
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk(key);
    // Replicas get the pop from the key actually served (Redis 7.0: LPOP key / LPOP key count).
    std::string_view pop = end == End::kHead ? "LPOP" : "RPOP";
    if (nested_array) {
      PopRangeReply(ctx, key, *list, end, count);
      std::string count_text = std::to_string(count);
      ctx.Propagate({pop, key, count_text});
    } else {
      ctx.reply().Bulk(list->Peek(end));
      list->Pop(end);
      ListChanged(ctx, key, *list, 1, PopEvent(end));
      ctx.Propagate({pop, key});
    }
    return true;
  }
  return false;
}

// Parses the timeout argument; replies the error and returns false when it is invalid.
bool ParseTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  const TimeoutParse timeout = ParseBlockingTimeout(arg, ctx.now_ms());
  if (!timeout.ok) {
    ctx.reply().Error(timeout.error);
    return false;
  }
  *deadline_ms = timeout.deadline_ms;
  return true;
}

void LMove(CommandContext& ctx, ArgList args) {
  End from, to;
  if (!ParseListEnd(args[3], &from) || !ParseListEnd(args[4], &to)) {
    ctx.SyntaxError();
    return;
  }
  if (!TryMove(ctx, args[1], args[2], from, to)) ctx.reply().Null();
}

void RPopLPush(CommandContext& ctx, ArgList args) {
  if (!TryMove(ctx, args[1], args[2], End::kTail, End::kHead)) ctx.reply().Null();
}

// The shared tail of BLMOVE and BRPOPLPUSH once the directions are known.
void BlockingMove(CommandContext& ctx, ArgList args, End from, End to,
                  std::string_view timeout_arg) {
  int64_t deadline_ms;
  if (!ParseTimeout(ctx, timeout_arg, &deadline_ms)) return;
  const uint64_t dirty_before = ctx.server().dirty;
  if (TryMove(ctx, args[1], args[2], from, to)) {
    // Propagated in the non-blocking form so a replica never blocks (a WRONGTYPE changed nothing).
    if (ctx.server().dirty == dirty_before) return;
    if (args.size() == 6) {
      ctx.Propagate({"LMOVE", args[1], args[2], args[3], args[4]});
    } else {
      ctx.Propagate({"RPOPLPUSH", args[1], args[2]});
    }
    return;
  }
  // Inside a transaction Redis answers a null bulk; a real timeout later is a null array.
  if (ctx.in_exec()) {
    ctx.reply().Null();
    return;
  }
  ctx.Block(args.subspan(1, 1), deadline_ms, BlockTimeoutReply::kNullArray);
}

void BLMove(CommandContext& ctx, ArgList args) {
  End from, to;
  if (!ParseListEnd(args[3], &from) || !ParseListEnd(args[4], &to)) {
    ctx.SyntaxError();
    return;
  }
  BlockingMove(ctx, args, from, to, args[5]);
}

void BRPopLPush(CommandContext& ctx, ArgList args) {
  BlockingMove(ctx, args, End::kTail, End::kHead, args[3]);
}

void BlockingPop(CommandContext& ctx, ArgList args, End end) {
  int64_t deadline_ms;
  if (!ParseTimeout(ctx, args.back(), &deadline_ms)) return;
  const ArgList keys = args.subspan(1, args.size() - 2);
  if (TryPopFirst(ctx, keys, end, 1, /*nested_array=*/false)) return;
  ctx.Block(keys, deadline_ms, BlockTimeoutReply::kNullArray);
}

void BLPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, End::kHead); }
void BRPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, End::kTail); }

// Parses `numkeys key... LEFT|RIGHT [COUNT n]` with numkeys at args[numkeys_index].
bool ParseMpop(CommandContext& ctx, ArgList args, size_t numkeys_index, MultiPopArgs* req, End* end) {
  if (!ParseMultiPopArgs(ctx, args, numkeys_index, "LEFT", "RIGHT", req)) return false;
  *end = req->first_end ? End::kHead : End::kTail;
  return true;
}

void LMPop(CommandContext& ctx, ArgList args) {
  MultiPopArgs req;
  End end;
  if (!ParseMpop(ctx, args, 1, &req, &end)) return;
  if (!TryPopFirst(ctx, req.keys, end, req.count, /*nested_array=*/true))
    ctx.reply().NullArray();
}

void BLMPop(CommandContext& ctx, ArgList args) {
  MultiPopArgs req;
  End end;
  if (!ParseMpop(ctx, args, 2, &req, &end)) return;
  int64_t deadline_ms;
  if (!ParseTimeout(ctx, args[1], &deadline_ms)) return;
  if (TryPopFirst(ctx, req.keys, end, req.count, /*nested_array=*/true)) return;
  ctx.Block(req.keys, deadline_ms, BlockTimeoutReply::kNullArray);
}

// Key finders for the movable-key commands: numkeys at `numkeys_index`, then that many keys.
bool MpopKeys(ArgList args, size_t numkeys_index, std::vector<int>* key_indexes) {
  if (args.size() <= numkeys_index) return false;
  auto numkeys = ParseInt64(args[numkeys_index]);
  if (!numkeys || *numkeys <= 0 ||
      static_cast<uint64_t>(*numkeys) > args.size() - numkeys_index - 1) {
    return false;
  }
  for (int64_t i = 0; i < *numkeys; ++i)
    key_indexes->push_back(static_cast<int>(numkeys_index + 1 + i));
  return true;
}
bool LMPopKeys(ArgList args, std::vector<int>* key_indexes) {
  return MpopKeys(args, 1, key_indexes);
}
bool BLMPopKeys(ArgList args, std::vector<int>* key_indexes) {
  return MpopKeys(args, 2, key_indexes);
}

constexpr uint32_t kBlockingWrite = kCmdWrite | kCmdNoScript | kCmdBlocking;
constexpr std::string_view kMpopComplexity =
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
constexpr std::string_view kMoveSummary =
    "Pop an element from a list, push it to another list and return it; or block until one is "
    "available";

}  // namespace

void RegisterBlockingListCommands(CommandTable& table) {
  table.Register(ListSpec("lmove", 5, kCmdWrite | kCmdDenyOom, 1, 2, 1, LMove, "@write @list @slow",
                          "Pop an element from a list, push it to another list and return it",
                          "6.2.0", "O(1)"));
  table.Register(
      ListSpec("rpoplpush", 3, kCmdWrite | kCmdDenyOom, 1, 2, 1, RPopLPush, "@write @list @slow",
               "Remove the last element in a list, prepend it to another list and return it",
               "1.2.0", "O(1)"));
  CommandSpec lmpop =
      ListSpec("lmpop", -4, kCmdWrite | kCmdMovableKeys, 0, 0, 0, LMPop, "@write @list @slow",
               "Pop elements from a list", "7.0.0", kMpopComplexity);
  lmpop.key_finder = LMPopKeys;
  table.Register(std::move(lmpop));
  table.Register(
      ListSpec("blpop", -3, kBlockingWrite, 1, -2, 1, BLPop, "@write @list @slow @blocking",
               "Remove and get the first element in a list, or block until one is available",
               "2.0.0", "O(N) where N is the number of provided keys."));
  table.Register(
      ListSpec("brpop", -3, kBlockingWrite, 1, -2, 1, BRPop, "@write @list @slow @blocking",
               "Remove and get the last element in a list, or block until one is available",
               "2.0.0", "O(N) where N is the number of provided keys."));
  table.Register(ListSpec("blmove", 6, kBlockingWrite | kCmdDenyOom, 1, 2, 1, BLMove,
                          "@write @list @slow @blocking", kMoveSummary, "6.2.0", "O(1)"));
  table.Register(ListSpec("brpoplpush", 4, kBlockingWrite | kCmdDenyOom, 1, 2, 1, BRPopLPush,
                          "@write @list @slow @blocking", kMoveSummary, "2.2.0", "O(1)"));
  CommandSpec blmpop = ListSpec("blmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, 0, 0, 0,
                                BLMPop, "@write @list @slow @blocking",
                                "Pop elements from a list, or block until one is available",
                                "7.0.0", kMpopComplexity);
  blmpop.key_finder = BLMPopKeys;
  table.Register(std::move(blmpop));
}

}  // namespace slotd
