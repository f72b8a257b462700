// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two
// strings by the classic dynamic-programming table, with Redis 7.0's replies, match ranges and
// limits.
#include <cstdint>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

// Replies the error and returns false on a bad option.
bool ParseLcsOptions(CommandContext& ctx, ArgList args, LcsOptions* out) {
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "IDX")) {
      out->idx = true;
    } else if (EqualsIgnoreCase(opt, "LEN")) {
      out->len = true;
    } else if (EqualsIgnoreCase(opt, "WITHMATCHLEN")) {
      out->with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "MINMATCHLEN") && j + 1 < args.size()) {
      std::optional<int64_t> n = ParseInt64(args[++j]);
      if (!n) {
        ctx.NotInteger();
        return false;
      }
      out->min_match_len = *n < 0 ? 0 : *n;
    } else {
      ctx.SyntaxError();
      return false;
    }
  }
  if (out->idx && out->len) {
    ctx.reply().Error(errors::kLcsIdxAndLen);
    return false;
  }
  return true;
}

// One matching run, inclusive ranges in each string.
struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

// table[i * (b.size() + 1) + j] = length of the LCS of a[0, i) and b[0, j).
std::vector<uint32_t> BuildLcsTable(std::string_view a, std::string_view b) {
  size_t cols = b.size() + 1;
  std::vector<uint32_t> table((a.size() + 1) * cols, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      table[i * cols + j] = a[i - 1] == b[j - 1]
                                ? table[(i - 1) * cols + j - 1] + 1
                                : std::max(table[(i - 1) * cols + j], table[i * cols + j - 1]);
    }
  }
  return table;
}

// Walks the table back from the end, filling `lcs` (sized to the LCS length) and collecting the
// contiguous runs in the order Redis reports them (from the end of the strings).
void WalkLcs(std::string_view a, std::string_view b, const std::vector<uint32_t>& table,
             std::string* lcs, std::vector<LcsMatch>* matches) {
  size_t cols = b.size() + 1;
  size_t i = a.size(), j = b.size(), out = lcs->size();
  bool open = false;  // a run is being extended backwards
  LcsMatch run{};
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      (*lcs)[--out] = a[i - 1];
      if (!open) {
        run = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
               static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
        open = true;
      } else if (run.a_start == i && run.b_start == j) {
        --run.a_start;
        --run.b_start;
      } else {
        emit =
            true;  // not contiguous with the open run (Redis then drops this byte from the ranges)
      }
      if (run.a_start == 0 || run.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) {
        --i;
      } else {
        --j;
      }
      if (open) emit = true;
    }
    if (emit) {
      matches->push_back(run);
      open = false;
    }
  }
}

void Lcs(CommandContext& ctx, ArgList args) {
  Database& db = ctx.db();
  const Object* first = db.Find(args[1]);
  const Object* second = db.Find(args[2]);
  if ((first != nullptr && !first->is_string()) || (second != nullptr && !second->is_string())) {
    return ctx.reply().Error(errors::kLcsNotStrings);
  }
  LcsOptions opts;
  if (!ParseLcsOptions(ctx, args, &opts)) return;
  std::string_view a = first != nullptr ? first->str() : std::string_view();
  std::string_view b = second != nullptr ? second->str() : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1)
    return ctx.reply().Error(errors::kLcsTooLong);
  uint64_t cells = (static_cast<uint64_t>(a.size()) + 1) * (b.size() + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.config().proto_max_bulk_len)) {
    return ctx.reply().Error(errors::kLcsTooMuchMemory);
  }
  std::vector<uint32_t> table = BuildLcsTable(a, b);
  uint32_t length = table.back();
  if (opts.len) return ctx.reply().Integer(length);
  std::string lcs(length, '\0');
  std::vector<LcsMatch> matches;
  WalkLcs(a, b, table, &lcs, &matches);
  resp::ReplyBuilder& reply = ctx.reply();
  if (!opts.idx) return reply.Bulk(lcs);
  size_t shown = 0;
  for (const LcsMatch& m : matches) shown += m.a_end - m.a_start + 1 >= opts.min_match_len;
  reply.MapHeader(2);
  reply.Bulk("matches");
  reply.ArrayHeader(shown);
  for (const LcsMatch& m : matches) {
    int64_t match_len = m.a_end - m.a_start + 1;
    if (match_len < opts.min_match_len) continue;
    reply.ArrayHeader(opts.with_match_len ? 3 : 2);
    reply.ArrayHeader(2);
    reply.Integer(m.a_start);
    reply.Integer(m.a_end);
    reply.ArrayHeader(2);
    reply.Integer(m.b_start);
    reply.Integer(m.b_end);
    if (opts.with_match_len) reply.Integer(match_len);
  }
  reply.Bulk("len");
  reply.Integer(length);
}

}  // namespace

void RegisterLcsCommand(CommandTable& table) {
  table.Register(CollectionSpec("lcs", -3, kCmdReadOnly, 1, 2, 1, Lcs, "@read @string @slow",
                                "string", "Find longest common substring", "7.0.0",
                                "O(N*M) where N and M are the lengths of s1 and s2, respectively"));
}

}  // namespace slotd
