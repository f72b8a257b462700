// Sorted-set algebra: ZUNION ZINTER ZDIFF, their STORE forms, and ZINTERCARD. Inputs may be sorted
// sets or plain sets (every member scoring 1); WEIGHTS scale scores and AGGREGATE SUM|MIN|MAX
// combines them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_table.h"
#include "server/commands/zset_common.h"
#include "server/keyspace/set_value.h"
#include "server/resp/errors.h"

namespace slotd::zset {
namespace {

enum class Op { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input key: a sorted set, a set, or nothing (a missing key is an empty input).
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->Length() : set ? set->Length() : 0; }
  std::optional<double> Find(std::string_view member) const {
    if (zset) return zset->Score(member);
    if (set && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
  // Visits (member, score); integer set members are formatted into `arena`, which keeps them alive.
  template <class Visit>
  void ForEach(std::deque<std::string>* arena, Visit&& visit) const {
    if (zset) {
      for (ZSetValue::Cursor c = zset->First(); c.valid(); c.Next()) visit(c.member(), c.score());
    } else if (set) {
      set->ForEach([&](const SetMember& m) {
        if (!m.is_integer) {
          visit(m.str, 1.0);
          return;
        }
        char buf[24];
        visit(std::string_view(arena->emplace_back(m.Text(buf))), 1.0);
      });
    }
  }
};

struct SetOpRequest {
  Op op = Op::kUnion;
  std::string_view dest;  // the STORE forms' destination
  bool store = false;
  bool card_only = false;  // ZINTERCARD
  bool with_scores = false;
  Aggregate aggregate = Aggregate::kSum;
  uint64_t limit = 0;  // ZINTERCARD LIMIT, 0 = none
  std::vector<Source> sources;
};

void Combine(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = std::min(*target, value);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, value);
      break;
  }
}

// Looks up the numkeys inputs, then parses the options after them; Redis checks types first.
bool ParseSetOp(CommandContext& ctx, ArgList args, size_t numkeys_index, SetOpRequest* req) {
  std::optional<int64_t> numkeys = ParseInt64(args[numkeys_index]);
  if (!numkeys) {
    ctx.NotInteger();
    return false;
  }
  if (*numkeys < 1) {
    ctx.reply().Error(errors::ZNeedsInputKey(ctx.spec().name));
    return false;
  }
  if (static_cast<uint64_t>(*numkeys) > args.size() - numkeys_index - 1) {
    ctx.SyntaxError();
    return false;
  }
  auto n = static_cast<size_t>(*numkeys);
  req->sources.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Object* object = ctx.db().Find(args[numkeys_index + 1 + i]);
    if (object == nullptr) continue;
    if (object->type() == ObjectType::kZSet) {
      req->sources[i].zset = &object->as<ZSetValue>();
    } else if (object->type() == ObjectType::kSet) {
      req->sources[i].set = &object->as<SetValue>();
    } else {
      ctx.WrongType();
      return false;
    }
  }
  bool scored = req->op != Op::kDiff && !req->card_only;
  for (size_t j = numkeys_index + 1 + n; j < args.size(); ++j) {
    size_t remaining = args.size() - j;
    if (scored && remaining >= n + 1 && EqualsIgnoreCase(args[j], "WEIGHTS")) {
      for (size_t i = 0; i < n; ++i) {
        std::optional<double> weight = ParseScore(args[++j]);
        if (!weight) {
          ctx.reply().Error(errors::kZWeightNotFloat);
          return false;
        }
        req->sources[i].weight = *weight;
      }
    } else if (scored && remaining >= 2 && EqualsIgnoreCase(args[j], "AGGREGATE")) {
      std::string_view how = args[++j];
      if (EqualsIgnoreCase(how, "SUM")) {
        req->aggregate = Aggregate::kSum;
      } else if (EqualsIgnoreCase(how, "MIN")) {
        req->aggregate = Aggregate::kMin;
      } else if (EqualsIgnoreCase(how, "MAX")) {
        req->aggregate = Aggregate::kMax;
      } else {
        ctx.SyntaxError();
        return false;
      }
    } else if (!req->store && !req->card_only && EqualsIgnoreCase(args[j], "WITHSCORES")) {
      req->with_scores = true;
    } else if (req->card_only && remaining >= 2 && EqualsIgnoreCase(args[j], "LIMIT")) {
      std::optional<int64_t> limit = ParseInt64(args[++j]);
      if (!limit || *limit < 0) {
        ctx.reply().Error(errors::kLimitNegative);
        return false;
      }
      req->limit = static_cast<uint64_t>(*limit);
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  return true;
}

using Accumulator = std::unordered_map<std::string_view, double>;

void Union(const SetOpRequest& req, std::deque<std::string>* arena, Accumulator* acc) {
  acc->reserve(req.sources.empty() ? 0 : req.sources.back().size());
  for (const Source& src : req.sources) {
    src.ForEach(arena, [&](std::string_view member, double score) {
      double value = src.weight * score;
      if (std::isnan(value)) value = 0;
      auto [it, inserted] = acc->try_emplace(member, value);
      if (!inserted) Combine(&it->second, value, req.aggregate);
    });
  }
}

// Intersects into `out` (or only counts, for ZINTERCARD); returns the number of members found.
size_t Inter(const SetOpRequest& req, std::deque<std::string>* arena, std::vector<ZEntry>* out) {
  const std::vector<Source>& srcs = req.sources;
  if (srcs.front().size() == 0) return 0;
  size_t found = 0;
  bool done = false;
  srcs.front().ForEach(arena, [&](std::string_view member, double score) {
    if (done) return;
    double total = srcs.front().weight * score;
    if (std::isnan(total)) total = 0;
    for (size_t j = 1; j < srcs.size(); ++j) {
      std::optional<double> other = srcs[j].Find(member);
      if (!other) return;
      Combine(&total, *other * srcs[j].weight, req.aggregate);
    }
    ++found;
    if (out) out->push_back({member, total});
    if (req.limit != 0 && found >= req.limit) done = true;
  });
  return found;
}

void Diff(const SetOpRequest& req, std::deque<std::string>* arena, std::vector<ZEntry>* out) {
  const std::vector<Source>& srcs = req.sources;
  srcs.front().ForEach(arena, [&](std::string_view member, double score) {
    for (size_t j = 1; j < srcs.size(); ++j) {
      if (srcs[j].Find(member)) return;
    }
    out->push_back({member, score});
  });
}

void ExecuteSetOp(CommandContext& ctx, ArgList args, size_t numkeys_index, SetOpRequest req) {
  if (!ParseSetOp(ctx, args, numkeys_index, &req)) return;
  if (req.op != Op::kDiff) {
    // Smallest first, as Redis orders its inputs (it fixes the order scores are aggregated in).
    std::stable_sort(req.sources.begin(), req.sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  std::deque<std::string> arena;
  std::vector<ZEntry> entries;
  if (req.card_only) {
    ctx.reply().Integer(static_cast<int64_t>(Inter(req, &arena, nullptr)));
    return;
  }
  if (req.op == Op::kUnion) {
    Accumulator acc;
    Union(req, &arena, &acc);
    entries.reserve(acc.size());
    for (const auto& [member, score] : acc) entries.push_back({member, score});
  } else if (req.op == Op::kInter) {
    Inter(req, &arena, &entries);
  } else {
    Diff(req, &arena, &entries);
  }
  std::sort(entries.begin(), entries.end(), [](const ZEntry& a, const ZEntry& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  if (req.store) {
    ctx.reply().Integer(static_cast<int64_t>(Store(ctx, req.dest, entries,
                                                        req.op == Op::kUnion   ? "zunionstore"
                                                        : req.op == Op::kInter ? "zinterstore"
                                                                               : "zdiffstore")));
    return;
  }
  EntryWriter writer(ctx.reply(), req.with_scores);
  writer.Begin(entries.size());
  for (const ZEntry& e : entries) writer.Add(e.member, e.score);
}

template <Op kOp>
void SetOpCommand(CommandContext& ctx, ArgList args) {
  SetOpRequest req;
  req.op = kOp;
  ExecuteSetOp(ctx, args, 1, std::move(req));
}

template <Op kOp>
void SetOpStoreCommand(CommandContext& ctx, ArgList args) {
  SetOpRequest req;
  req.op = kOp;
  req.store = true;
  req.dest = args[1];
  ExecuteSetOp(ctx, args, 2, std::move(req));
}

void ZInterCard(CommandContext& ctx, ArgList args) {
  SetOpRequest req;
  req.op = Op::kInter;
  req.card_only = true;
  ExecuteSetOp(ctx, args, 1, std::move(req));
}

bool InputKeys(ArgList args, std::vector<int>* key_indexes) {
  return FindNumKeys(args, 1, false, key_indexes);
}
bool StoreKeys(ArgList args, std::vector<int>* key_indexes) {
  return FindNumKeys(args, 2, true, key_indexes);
}

constexpr std::string_view kUnionCost =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
    "number "
    "of elements in the resulting sorted set.";
constexpr std::string_view kInterCost =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number "
    "of input "
    "sorted sets and M being the number of elements in the resulting sorted set.";
constexpr std::string_view kDiffCost =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is "
    "the size "
    "of the first set, and K is the size of the result set.";

void RegisterMovable(CommandTable& table, CommandSpec spec, KeyFinder finder) {
  spec.flags |= kCmdMovableKeys;
  spec.key_finder = finder;
  table.Register(std::move(spec));
}

}  // namespace

void RegisterSetOpCommands(CommandTable& table) {
  constexpr std::string_view kReadAcl = "@read @sortedset @slow";
  constexpr std::string_view kWriteAcl = "@write @sortedset @slow";
  constexpr uint32_t kStore = kCmdWrite | kCmdDenyOom;
  RegisterMovable(
      table,
      Spec("zunionstore", -4, kStore, 1, 1, SetOpStoreCommand<Op::kUnion>, kWriteAcl,
           "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
           "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
           "being the number of elements in the resulting sorted set."),
      StoreKeys);
  RegisterMovable(
      table,
      Spec("zinterstore", -4, kStore, 1, 1, SetOpStoreCommand<Op::kInter>, kWriteAcl,
           "Intersect multiple sorted sets and store the resulting sorted set in a new key",
           "2.0.0", kInterCost),
      StoreKeys);
  RegisterMovable(
      table,
      Spec("zdiffstore", -4, kStore, 1, 1, SetOpStoreCommand<Op::kDiff>, kWriteAcl,
           "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0",
           kDiffCost),
      StoreKeys);
  RegisterMovable(table,
                  Spec("zunion", -3, kCmdReadOnly, 0, 0, SetOpCommand<Op::kUnion>, kReadAcl,
                       "Add multiple sorted sets", "6.2.0", kUnionCost),
                  InputKeys);
  RegisterMovable(table,
                  Spec("zinter", -3, kCmdReadOnly, 0, 0, SetOpCommand<Op::kInter>, kReadAcl,
                       "Intersect multiple sorted sets", "6.2.0", kInterCost),
                  InputKeys);
  RegisterMovable(table,
                  Spec("zdiff", -3, kCmdReadOnly, 0, 0, SetOpCommand<Op::kDiff>, kReadAcl,
                       "Subtract multiple sorted sets", "6.2.0", kDiffCost),
                  InputKeys);
  RegisterMovable(
      table,
      Spec("zintercard", -3, kCmdReadOnly, 0, 0, ZInterCard, kReadAcl,
           "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
           "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
           "input sorted sets."),
      InputKeys);
}

}  // namespace slotd::zset
