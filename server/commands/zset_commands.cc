// Sorted-set commands on single members: ZADD ZINCRBY ZREM ZSCORE ZMSCORE ZCARD ZRANK ZREVRANK
// ZRANDMEMBER ZSCAN, and RegisterZSetCommands for the whole family (ranges, pops and set operations
// live in zset_range_commands.cc, zset_pop_commands.cc and zset_setop_commands.cc).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/zset_common.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

using zset::Find;

// Parses ZADD's leading options; returns the index of the first score, or 0 after replying an
// error.
size_t ParseZAddFlags(CommandContext& ctx, ArgList args, uint32_t* flags, bool* ch) {
  size_t i = 2;
  for (; i < args.size(); ++i) {
    std::string_view opt = args[i];
    if (EqualsIgnoreCase(opt, "NX")) {
      *flags |= ZSetValue::kAddNx;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      *flags |= ZSetValue::kAddXx;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      *flags |= ZSetValue::kAddGt;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      *flags |= ZSetValue::kAddLt;
    } else if (EqualsIgnoreCase(opt, "CH")) {
      *ch = true;
    } else if (EqualsIgnoreCase(opt, "INCR")) {
      *flags |= ZSetValue::kAddIncr;
    } else {
      break;
    }
  }
  size_t elements = args.size() - i;
  uint32_t f = *flags;
  if (elements == 0 || elements % 2 != 0) {
    ctx.SyntaxError();
  } else if ((f & ZSetValue::kAddNx) && (f & ZSetValue::kAddXx)) {
    ctx.reply().Error(errors::kZAddXxNx);
  } else if (((f & ZSetValue::kAddNx) && (f & (ZSetValue::kAddGt | ZSetValue::kAddLt))) ||
             ((f & ZSetValue::kAddGt) && (f & ZSetValue::kAddLt))) {
    ctx.reply().Error(errors::kZAddGtLtNx);
  } else if ((f & ZSetValue::kAddIncr) && elements > 2) {
    ctx.reply().Error(errors::kZAddIncrPair);
  } else {
    return i;
  }
  return 0;
}

// ZADD and ZINCRBY after parsing: `pairs` alternates score and member, scores already valid.
void AddPairs(CommandContext& ctx, std::string_view key, ArgList pairs,
              std::span<const double> scores, uint32_t flags, bool ch) {
  bool incr = flags & ZSetValue::kAddIncr;
  bool wrong_type = false;
  ZSetValue* zset = Find(ctx, key, kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  if (zset == nullptr) {
    if (flags & ZSetValue::kAddXx) {
      if (incr) {
        ctx.reply().Null();
      } else {
        ctx.reply().Integer(0);
      }
      return;
    }
    std::unique_ptr<ZSetValue> created =
        ZSetValue::ForFirstMember(pairs[1].size(), zset::Limits(ctx));
    zset = &ctx.db()
                .Add(key, Object::FromCollection(ObjectType::kZSet, std::move(created)))
                ->as<ZSetValue>();
  }
  ZSetLimits limits = zset::Limits(ctx);
  int64_t added = 0, updated = 0;
  ZSetValue::AddResult last{ZSetValue::AddResult::kSkipped, 0};
  for (size_t i = 0; i < scores.size(); ++i) {
    last = zset->Add(pairs[2 * i + 1], scores[i], flags, limits);
    if (last.outcome == ZSetValue::AddResult::kNaN) {
      ctx.reply().Error(errors::kZScoreNaN);
      break;
    }
    added += last.outcome == ZSetValue::AddResult::kAdded;
    updated += last.outcome == ZSetValue::AddResult::kUpdated;
  }
  if (added + updated > 0) {
    ctx.Modified(key);
    // Modified() counted one change; Redis counts every member added or updated.
    ctx.server().dirty += static_cast<uint64_t>(added + updated - 1);
    ctx.Notify(notify::kZset, incr ? "zincr" : "zadd", key);
  }
  if (last.outcome == ZSetValue::AddResult::kNaN) return;
  if (!incr) {
    ctx.reply().Integer(ch ? added + updated : added);
  } else if (last.outcome == ZSetValue::AddResult::kSkipped) {
    ctx.reply().Null();
  } else {
    ctx.reply().Double(last.score);
  }
}

void ZAdd(CommandContext& ctx, ArgList args) {
  uint32_t flags = 0;
  bool ch = false;
  size_t first = ParseZAddFlags(ctx, args, &flags, &ch);
  if (first == 0) return;
  ArgList pairs = args.subspan(first);
  // Scores are all checked before anything is added; most ZADDs carry few pairs.
  size_t n = pairs.size() / 2;
  double inline_scores[8];
  std::vector<double> heap_scores(n > 8 ? n : 0);
  std::span<double> scores(n > 8 ? heap_scores.data() : inline_scores, n);
  for (size_t i = 0; i < n; ++i) {
    std::optional<double> score = zset::ParseScore(pairs[2 * i]);
    if (!score) {
      ctx.reply().Error(errors::kNotFloat);
      return;
    }
    scores[i] = *score;
  }
  AddPairs(ctx, args[1], pairs, scores, flags, ch);
}

void ZIncrBy(CommandContext& ctx, ArgList args) {
  std::optional<double> increment = zset::ParseScore(args[2]);
  if (!increment) {
    ctx.reply().Error(errors::kNotFloat);
    return;
  }
  AddPairs(ctx, args[1], args.subspan(2), std::span<const double>(&*increment, 1),
           ZSetValue::kAddIncr, false);
}

void ZRem(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  ZSetValue* zset = Find(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  int64_t removed = 0;
  if (zset != nullptr) {
    for (size_t i = 2; i < args.size() && zset->Length() > 0; ++i) removed += zset->Remove(args[i]);
    if (removed > 0) zset::AfterRemoval(ctx, args[1], *zset, "zrem");
  }
  ctx.reply().Integer(removed);
}

void ZScore(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  std::optional<double> score = zset ? zset->Score(args[2]) : std::nullopt;
  if (score) {
    ctx.reply().Double(*score);
  } else {
    ctx.reply().Null();
  }
}

void ZMScore(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ctx.reply().ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<double> score = zset ? zset->Score(args[i]) : std::nullopt;
    if (score) {
      ctx.reply().Double(*score);
    } else {
      ctx.reply().Null();
    }
  }
}

void ZCard(CommandContext& ctx, ArgList args) {
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  ctx.reply().Integer(zset ? static_cast<int64_t>(zset->Length()) : 0);
}

void RankCommand(CommandContext& ctx, ArgList args, bool reverse) {
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  std::optional<size_t> rank = zset ? zset->Rank(args[2]) : std::nullopt;
  if (!rank) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(reverse ? zset->Length() - 1 - *rank : *rank));
}

void ZRank(CommandContext& ctx, ArgList args) { RankCommand(ctx, args, false); }
void ZRevRank(CommandContext& ctx, ArgList args) { RankCommand(ctx, args, true); }

// ZRANDMEMBER with a count: negative counts repeat members, positive ones are distinct.
void RandomMembers(CommandContext& ctx, const ZSetValue& zset, int64_t count, bool with_scores) {
  zset::EntryWriter writer(ctx.reply(), with_scores);
  size_t length = zset.Length();
  if (count >= 0 && static_cast<uint64_t>(count) >= length) {
    writer.Begin(length);  // the whole set, highest first as Redis 7.0 answers
    writer.AddRun(zset.Last(), length, /*reverse=*/true);
    return;
  }
  // Listpack cursors cost a walk each; index every element once.
  std::vector<ZSetValue::Cursor> cursors;
  if (zset.is_listpack()) {
    for (ZSetValue::Cursor c = zset.First(); c.valid(); c.Next()) cursors.push_back(c);
  }
  auto at = [&](size_t rank) { return cursors.empty() ? zset.At(rank) : cursors[rank]; };
  auto emit = [&](size_t rank) {
    ZSetValue::Cursor c = at(rank);
    writer.Add(c.member(), c.score());
  };
  if (count < 0) {
    auto n = static_cast<uint64_t>(-count);
    writer.Begin(n);
    for (uint64_t i = 0; i < n; ++i) emit(ZSetRandom() % length);
    return;
  }
  auto n = static_cast<size_t>(count);
  writer.Begin(n);
  if (n * 3 > length) {
    // Many of the ranks: a partial Fisher-Yates shuffle over all of them.
    std::vector<size_t> ranks(length);
    for (size_t i = 0; i < length; ++i) ranks[i] = i;
    for (size_t i = 0; i < n; ++i) {
      std::swap(ranks[i], ranks[i + ZSetRandom() % (length - i)]);
      emit(ranks[i]);
    }
    return;
  }
  std::unordered_set<size_t> picked;  // few of them: draw until distinct
  while (picked.size() < n) {
    size_t rank = ZSetRandom() % length;
    if (picked.insert(rank).second) emit(rank);
  }
}

void ZRandMember(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) {
    bool wrong_type = false;
    const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
    if (wrong_type) return;
    if (zset == nullptr) {
      ctx.reply().Null();
      return;
    }
    ctx.reply().Bulk(zset->At(ZSetRandom() % zset->Length()).member());
    return;
  }
  std::optional<int64_t> count = ParseRandomCount(ctx, args[2]);
  if (!count) return;
  bool with_scores = args.size() == 4 && EqualsIgnoreCase(args[3], "WITHSCORES");
  if (args.size() > 4 || (args.size() == 4 && !with_scores)) {
    ctx.SyntaxError();
    return;
  }
  if (with_scores && (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2)) {
    ctx.reply().Error(errors::kOutOfRange);
    return;
  }
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  if (zset == nullptr || *count == 0) {
    ctx.reply().EmptyArray();
    return;
  }
  RandomMembers(ctx, *zset, *count, with_scores);
}

// ZSCAN's score text: a listpack keeps integral scores as integers (so 1e17 reads back as digits),
// a skiplist formats the double ("%.17g").
std::string ScanScoreText(double score, bool listpack) {
  constexpr double kIntegerLimit = static_cast<double>(INT64_MAX / 2);
  if (listpack && score >= -kIntegerLimit && score <= kIntegerLimit) {
    auto integral = static_cast<int64_t>(score);
    if (static_cast<double>(integral) == score) return std::to_string(integral);
  }
  return resp::FormatDouble(score);
}

void ZScan(CommandContext& ctx, ArgList args) {
  std::optional<uint64_t> cursor = ParseCollectionScanCursor(args[2]);
  if (!cursor) {
    ctx.reply().Error(errors::kInvalidCursor);
    return;
  }
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  if (zset == nullptr) {
    ReplyScanCursor(ctx.reply(), 0);
    ctx.reply().EmptyArray();
    return;
  }
  CollectionScanArgs options;
  if (!ParseCollectionScanArgs(ctx, args, &options)) return;
  std::vector<ZEntry> found;
  auto gather = [&found](std::string_view member, double score) {
    found.push_back({member, score});
  };
  uint64_t next = RunScanLoop(
      *cursor, options.count, [&](uint64_t c) { return zset->ScanStep(c, gather); },
      [&found] { return found.size(); });
  if (options.use_pattern) {
    std::erase_if(found, [&](const ZEntry& e) { return !GlobMatch(options.pattern, e.member); });
  }
  ReplyScanCursor(ctx.reply(), next);
  ctx.reply().ArrayHeader(found.size() * 2);
  for (const ZEntry& e : found) {
    ctx.reply().Bulk(e.member);
    ctx.reply().Bulk(ScanScoreText(e.score, zset->is_listpack()));
  }
}

}  // namespace

void RegisterZSetCommands(CommandTable& table) {
  using zset::Spec;
  constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  constexpr std::string_view kWriteFastAcl = "@write @sortedset @fast";
  constexpr std::string_view kReadFastAcl = "@read @sortedset @fast";
  constexpr std::string_view kLogN =
      "O(log(N)) where N is the number of elements in the sorted set.";
  table.Register(Spec(
      "zadd", -4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, ZAdd, kWriteFastAcl,
      "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set."));
  table.Register(Spec("zincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, ZIncrBy,
                      kWriteFastAcl, "Increment the score of a member in a sorted set", "1.2.0",
                      kLogN));
  table.Register(
      Spec("zrem", -3, kCmdWrite | kCmdFast, 1, 1, ZRem, kWriteFastAcl,
           "Remove one or more members from a sorted set", "1.2.0",
           "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
           "elements to be removed."));
  table.Register(Spec("zscore", 3, kReadFast, 1, 1, ZScore, kReadFastAcl,
                      "Get the score associated with the given member in a sorted set", "1.2.0",
                      "O(1)"));
  table.Register(Spec("zmscore", -3, kReadFast, 1, 1, ZMScore, kReadFastAcl,
                      "Get the score associated with the given members in a sorted set", "6.2.0",
                      "O(N) where N is the number of members being requested."));
  table.Register(Spec("zcard", 2, kReadFast, 1, 1, ZCard, kReadFastAcl,
                      "Get the number of members in a sorted set", "1.2.0", "O(1)"));
  table.Register(Spec("zrank", 3, kReadFast, 1, 1, ZRank, kReadFastAcl,
                      "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))"));
  table.Register(
      Spec("zrevrank", 3, kReadFast, 1, 1, ZRevRank, kReadFastAcl,
           "Determine the index of a member in a sorted set, with scores ordered from high to low",
           "2.0.0", "O(log(N))"));
  table.Register(Spec("zrandmember", -2, kCmdReadOnly, 1, 1, ZRandMember, "@read @sortedset @slow",
                      "Get one or multiple random elements from a sorted set", "6.2.0",
                      "O(N) where N is the number of elements returned"));
  table.Register(
      Spec("zscan", -3, kCmdReadOnly, 1, 1, ZScan, "@read @sortedset @slow",
           "Incrementally iterate sorted sets elements and associated scores", "2.8.0",
           "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
           "the cursor to return back to 0. N is the number of elements inside the collection.."));
  zset::RegisterRangeCommands(table);
  zset::RegisterPopCommands(table);
  zset::RegisterSetOpCommands(table);
}

}  // namespace slotd
