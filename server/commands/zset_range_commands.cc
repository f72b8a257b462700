// Sorted-set range commands: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, ZREVRANGE,
// Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK/SCORE/LEX. Every
// range becomes a rank interval first (zset_value.h), so all three kinds share one reply and store
// path.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/zset_common.h"
#include "server/resp/errors.h"

namespace slotd::zset {
namespace {

enum class RangeKind { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

struct RangeRequest {
  std::string_view key;
  std::string_view dest;  // ZRANGESTORE's destination, empty otherwise
  bool store = false;
  RangeKind kind = RangeKind::kAuto;
  Direction direction = Direction::kAuto;
  bool with_scores = false;
  int64_t offset = 0;
  int64_t limit = -1;
  std::string_view min;  // as given: for REV with BYSCORE/BYLEX these arrive as max, min
  std::string_view max;
};

// Parses the options after <key> <min> <max> (args[first] on), in Redis 7.0's order of checks.
bool ParseRangeOptions(CommandContext& ctx, ArgList args, size_t first, RangeRequest* req) {
  for (size_t j = first; j < args.size(); ++j) {
    std::string_view opt = args[j];
    size_t left = args.size() - j - 1;
    if (!req->store && EqualsIgnoreCase(opt, "WITHSCORES")) {
      req->with_scores = true;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && left >= 2) {
      std::optional<int64_t> offset = ParseInt64(args[j + 1]);
      std::optional<int64_t> limit = offset ? ParseInt64(args[j + 2]) : std::nullopt;
      if (!limit) {
        ctx.NotInteger();
        return false;
      }
      req->offset = *offset;
      req->limit = *limit;
      j += 2;
    } else if (req->direction == Direction::kAuto && EqualsIgnoreCase(opt, "REV")) {
      req->direction = Direction::kReverse;
    } else if (req->kind == RangeKind::kAuto && EqualsIgnoreCase(opt, "BYLEX")) {
      req->kind = RangeKind::kLex;
    } else if (req->kind == RangeKind::kAuto && EqualsIgnoreCase(opt, "BYSCORE")) {
      req->kind = RangeKind::kScore;
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  if (req->direction == Direction::kAuto) req->direction = Direction::kForward;
  if (req->kind == RangeKind::kAuto) req->kind = RangeKind::kRank;
  // Redis tests the limit against its default -1, so "LIMIT 0 -1" passes with a rank range.
  if (req->limit != -1 && req->kind == RangeKind::kRank) {
    ctx.reply().Error(errors::kZLimitNeedsBy);
    return false;
  }
  if (req->with_scores && req->kind == RangeKind::kLex) {
    ctx.reply().Error(errors::kZWithScoresByLex);
    return false;
  }
  if (req->direction == Direction::kReverse && req->kind != RangeKind::kRank)
    std::swap(req->min, req->max);
  return true;
}

// The parsed range, resolved against a set to ranks. Parsing happens before the key lookup.
struct ParsedRange {
  int64_t start = 0, end = 0;
  ZScoreRange score;
  ZLexRange lex;
};

bool ParseRange(CommandContext& ctx, RangeKind kind, std::string_view min, std::string_view max,
                ParsedRange* out) {
  if (kind == RangeKind::kRank) {
    std::optional<int64_t> start = ParseInt64(min);
    std::optional<int64_t> end = start ? ParseInt64(max) : std::nullopt;
    if (!end) {
      ctx.NotInteger();
      return false;
    }
    out->start = *start;
    out->end = *end;
  } else if (kind == RangeKind::kScore) {
    std::optional<ZScoreRange> range = ParseScoreRange(min, max);
    if (!range) {
      ctx.reply().Error(errors::kZMinMaxNotFloat);
      return false;
    }
    out->score = *range;
  } else {
    std::optional<ZLexRange> range = ParseLexRange(min, max);
    if (!range) {
      ctx.reply().Error(errors::kZMinMaxNotLex);
      return false;
    }
    out->lex = *range;
  }
  return true;
}

// Rank and score ranges resolve to a rank interval; lex ranges are walked (SelectLex).
ZSetValue::Ranks ResolveRanks(const ZSetValue& zset, RangeKind kind, const ParsedRange& range) {
  if (kind == RangeKind::kScore) return zset.RanksInScoreRange(range.score);
  return RankInterval(range.start, range.end, zset.Length());
}

// The ranks a request selects, in ascending order: `first` is where emission starts (the highest
// rank when reversing) and `count` how many are emitted.
struct Selection {
  size_t first = 0;
  size_t count = 0;
};

// Redis walks lex ranges from the first (last, reversed) member in range, skips the offset without
// testing the range, then emits while the far bound holds.
Selection SelectLex(const ZSetValue& zset, const RangeRequest& req, const ZLexRange& range) {
  bool reverse = req.direction == Direction::kReverse;
  std::optional<size_t> start = reverse ? zset.LastInLexRange(range) : zset.FirstInLexRange(range);
  if (!start || req.offset < 0) return {};
  auto skip = static_cast<uint64_t>(req.offset);
  if (reverse ? skip > *start : skip >= zset.Length() - *start) return {};
  size_t first = reverse ? *start - skip : *start + skip;
  uint64_t max = req.limit < 0 ? UINT64_MAX : static_cast<uint64_t>(req.limit);
  size_t count = 0;
  for (ZSetValue::Cursor c = zset.At(first); c.valid() && count < max;
       reverse ? c.Prev() : c.Next()) {
    bool inside =
        reverse ? ZSetValue::LexGteMin(c.member(), range) : ZSetValue::LexLteMax(c.member(), range);
    if (!inside) break;
    ++count;
  }
  return {first, count};
}

Selection Select(const ZSetValue& zset, const RangeRequest& req, const ParsedRange& range) {
  if (req.kind == RangeKind::kLex) return SelectLex(zset, req, range.lex);
  ZSetValue::Ranks ranks = ResolveRanks(zset, req.kind, range);
  bool reverse = req.direction == Direction::kReverse;
  if (req.kind == RangeKind::kRank && reverse) {
    // Reverse indexes count from the highest score: mirror the interval.
    size_t len = zset.Length();
    ranks = {len - ranks.end, len - ranks.begin};
    if (ranks.end <= ranks.begin) return {};
  }
  size_t size = ranks.size();
  // LIMIT applies to score and lex ranges only ("LIMIT 5 -1" passes parsing with a rank range).
  int64_t offset = req.kind == RangeKind::kRank ? 0 : req.offset;
  int64_t limit = req.kind == RangeKind::kRank ? -1 : req.limit;
  // A negative offset skips everything, as Redis's offset-- loop walks off the end.
  if (offset < 0 || static_cast<uint64_t>(offset) >= size) return {};
  size_t skip = static_cast<size_t>(offset);
  size_t count =
      limit < 0 ? size - skip : std::min<size_t>(size - skip, static_cast<uint64_t>(limit));
  return {reverse ? ranks.end - 1 - skip : ranks.begin + skip, count};
}

void ExecuteRange(CommandContext& ctx, ArgList args, size_t key_index, RangeRequest req) {
  req.key = args[key_index];
  req.min = args[key_index + 1];
  req.max = args[key_index + 2];
  if (!ParseRangeOptions(ctx, args, key_index + 3, &req)) return;
  ParsedRange range;
  if (!ParseRange(ctx, req.kind, req.min, req.max, &range)) return;
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, req.key, kLookupNone, &wrong_type);
  if (wrong_type) return;
  Selection sel = zset ? Select(*zset, req, range) : Selection{};
  bool reverse = req.direction == Direction::kReverse;
  if (req.store) {
    std::vector<ZEntry> entries;
    entries.reserve(sel.count);
    ZSetValue::Cursor c = sel.count ? zset->At(sel.first) : ZSetValue::Cursor();
    for (size_t i = 0; i < sel.count; ++i) {
      entries.push_back({c.member(), c.score()});
      reverse ? c.Prev() : c.Next();
    }
    ctx.reply().Integer(static_cast<int64_t>(StoreInOrder(ctx, req.dest, entries, "zrangestore")));
    return;
  }
  EntryWriter writer(ctx.reply(), req.with_scores);
  writer.Begin(sel.count);
  if (sel.count) writer.AddRun(zset->At(sel.first), sel.count, reverse);
}

void ZRange(CommandContext& ctx, ArgList args) { ExecuteRange(ctx, args, 1, {}); }

void ZRangeStore(CommandContext& ctx, ArgList args) {
  RangeRequest req;
  req.store = true;
  req.dest = args[1];
  ExecuteRange(ctx, args, 2, req);
}

void ZRevRange(CommandContext& ctx, ArgList args) {
  RangeRequest req;
  req.kind = RangeKind::kRank;
  req.direction = Direction::kReverse;
  ExecuteRange(ctx, args, 1, req);
}

template <RangeKind kKind, Direction kDirection>
void ZRangeBy(CommandContext& ctx, ArgList args) {
  RangeRequest req;
  req.kind = kKind;
  req.direction = kDirection;
  ExecuteRange(ctx, args, 1, req);
}

template <RangeKind kKind>
void ZCountIn(CommandContext& ctx, ArgList args) {
  ParsedRange range;
  if (!ParseRange(ctx, kKind, args[2], args[3], &range)) return;
  bool wrong_type = false;
  const ZSetValue* zset = Find(ctx, args[1], kLookupNone, &wrong_type);
  if (wrong_type) return;
  size_t count = 0;
  if (zset != nullptr) {
    count = kKind == RangeKind::kLex ? zset->LexCount(range.lex)
                                     : ResolveRanks(*zset, kKind, range).size();
  }
  ctx.reply().Integer(static_cast<int64_t>(count));
}

template <RangeKind kKind>
void ZRemRangeBy(CommandContext& ctx, ArgList args) {
  ParsedRange range;
  if (!ParseRange(ctx, kKind, args[2], args[3], &range)) return;
  bool wrong_type = false;
  ZSetValue* zset = Find(ctx, args[1], kLookupForWrite, &wrong_type);
  if (wrong_type) return;
  if (zset == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  ZSetValue::Ranks ranks =
      kKind == RangeKind::kLex ? zset->LexRemoval(range.lex) : ResolveRanks(*zset, kKind, range);
  size_t removed = ranks.size();
  if (removed > 0) {
    zset->EraseRanks(ranks.begin, ranks.end);
    AfterRemoval(ctx, args[1], *zset,
                 kKind == RangeKind::kLex     ? "zremrangebylex"
                 : kKind == RangeKind::kScore ? "zremrangebyscore"
                                              : "zremrangebyrank");
  }
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

constexpr std::string_view kRangeCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements "
    "returned.";
constexpr std::string_view kRangeByCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements "
    "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), "
    "you can "
    "consider it O(log(N)).";
constexpr std::string_view kRemoveCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements "
    "removed by the operation.";
constexpr std::string_view kCountCost =
    "O(log(N)) with N being the number of elements in the sorted set.";

}  // namespace

void RegisterRangeCommands(CommandTable& table) {
  constexpr std::string_view kReadAcl = "@read @sortedset @slow";
  constexpr std::string_view kWriteAcl = "@write @sortedset @slow";
  constexpr uint32_t kRead = kCmdReadOnly;
  table.Register(Spec("zrange", -4, kRead, 1, 1, ZRange, kReadAcl,
                      "Return a range of members in a sorted set", "1.2.0", kRangeCost));
  table.Register(
      Spec("zrangestore", -5, kCmdWrite | kCmdDenyOom, 1, 2, ZRangeStore, kWriteAcl,
           "Store a range of members from sorted set into another key", "6.2.0",
           "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
           "elements stored into the destination key."));
  table.Register(Spec(
      "zrevrange", -4, kRead, 1, 1, ZRevRange, kReadAcl,
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
      "1.2.0", kRangeCost));
  table.Register(
      Spec("zrangebyscore", -4, kRead, 1, 1, ZRangeBy<RangeKind::kScore, Direction::kForward>,
           kReadAcl, "Return a range of members in a sorted set, by score", "1.0.5", kRangeByCost));
  table.Register(Spec(
      "zrevrangebyscore", -4, kRead, 1, 1, ZRangeBy<RangeKind::kScore, Direction::kReverse>,
      kReadAcl,
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
      "2.2.0", kRangeByCost));
  table.Register(Spec("zrangebylex", -4, kRead, 1, 1,
                      ZRangeBy<RangeKind::kLex, Direction::kForward>, kReadAcl,
                      "Return a range of members in a sorted set, by lexicographical range",
                      "2.8.9", kRangeByCost));
  table.Register(Spec(
      "zrevrangebylex", -4, kRead, 1, 1, ZRangeBy<RangeKind::kLex, Direction::kReverse>, kReadAcl,
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
      "to lower strings.",
      "2.8.9", kRangeByCost));
  table.Register(Spec("zcount", 4, kCmdReadOnly | kCmdFast, 1, 1, ZCountIn<RangeKind::kScore>,
                      "@read @sortedset @fast",
                      "Count the members in a sorted set with scores within the given values",
                      "2.0.0", kCountCost));
  table.Register(
      Spec("zlexcount", 4, kCmdReadOnly | kCmdFast, 1, 1, ZCountIn<RangeKind::kLex>,
           "@read @sortedset @fast",
           "Count the number of members in a sorted set between a given lexicographical range",
           "2.8.9", kCountCost));
  table.Register(Spec("zremrangebyrank", 4, kCmdWrite, 1, 1, ZRemRangeBy<RangeKind::kRank>,
                      kWriteAcl, "Remove all members in a sorted set within the given indexes",
                      "2.0.0", kRemoveCost));
  table.Register(Spec("zremrangebyscore", 4, kCmdWrite, 1, 1, ZRemRangeBy<RangeKind::kScore>,
                      kWriteAcl, "Remove all members in a sorted set within the given scores",
                      "1.2.0", kRemoveCost));
  table.Register(Spec("zremrangebylex", 4, kCmdWrite, 1, 1, ZRemRangeBy<RangeKind::kLex>, kWriteAcl,
                      "Remove all members in a sorted set between the given lexicographical range",
                      "2.8.9", kRemoveCost));
}

}  // namespace slotd::zset
