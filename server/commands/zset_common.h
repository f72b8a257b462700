// Shared by the sorted-set command files (zset_*_commands.cc): lookup, score and range parsing with
// Redis 7.0's acceptance rules, the reply shapes of member/score lists, and storing results.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "server/commands/command_context.h"
#include "server/commands/command_spec.h"
#include "server/keyspace/zset_value.h"

namespace slotd {

class CommandTable;

namespace zset {

ZSetLimits Limits(const CommandContext& ctx);

// The sorted set at `key`, or nullptr when absent. When the key holds another type, replies
// WRONGTYPE, sets *wrong_type and returns nullptr.
ZSetValue* Find(CommandContext& ctx, std::string_view key, uint32_t lookup_flags, bool* wrong_type);

// A ZADD/ZINCRBY score or a WEIGHTS value (getDoubleFromObject): strtod over the whole string, no
// leading space, no NaN, and no overflow or underflow to zero.
std::optional<double> ParseScore(std::string_view s);
// ZRANGEBYSCORE bounds (zslParseRange): "(" prefix = exclusive; strtod rules, so a leading space or
// an empty string (0) is accepted, NaN is not.
std::optional<ZScoreRange> ParseScoreRange(std::string_view min, std::string_view max);
// ZRANGEBYLEX bounds: "-", "+", "[value" or "(value". The views point into the arguments.
std::optional<ZLexRange> ParseLexRange(std::string_view min, std::string_view max);

// Clamps Redis-style start/end indexes (negative from the end) to a rank interval of a set of
// `length`.
ZSetValue::Ranks RankInterval(int64_t start, int64_t end, size_t length);

// Writes member/score lists. With scores: RESP2 flattens [m, s, m, s]; pairs ([m, s] arrays) are
// used in RESP3, or always for ZMPOP/BZMPOP (`force_pairs`). Scores are doubles (RESP2 bulk
// "%.17g").
class EntryWriter {
 public:
  EntryWriter(resp::ReplyBuilder& reply, bool with_scores, bool force_pairs = false)
      : reply_(reply),
        with_scores_(with_scores),
        pairs_(with_scores && (force_pairs || reply.resp3())) {}
  void Begin(size_t count) { reply_.ArrayHeader(with_scores_ && !pairs_ ? count * 2 : count); }
  void Add(std::string_view member, double score) {
    if (pairs_) reply_.ArrayHeader(2);
    reply_.Bulk(member);
    if (with_scores_) reply_.Double(score);
  }
  // Writes `count` entries starting at `c`, stepping backwards when `reverse`.
  void AddRun(ZSetValue::Cursor c, size_t count, bool reverse);

 private:
  resp::ReplyBuilder& reply_;
  bool with_scores_;
  bool pairs_;
};

// Replaces `key` with the sorted, duplicate-free `entries` (deleting it when empty) and calls
// Modified when the key changed, notifying `event` (or "del"). Returns the stored length.
size_t Store(CommandContext& ctx, std::string_view key, std::span<const ZEntry> entries,
             std::string_view event);

// ZRANGESTORE's build: inserts `entries` in emission order into a set that starts as a listpack
// when their count allows, so a conversion (and the listpack's -0 -> 0) happens where Redis's does.
size_t StoreInOrder(CommandContext& ctx, std::string_view key, std::span<const ZEntry> entries,
                    std::string_view event);

// After removing elements: deletes the key when the set became empty. Calls Modified and notifies
// `event` (then "del" when the key went away).
void AfterRemoval(CommandContext& ctx, std::string_view key, const ZSetValue& value,
                  std::string_view event);

// Key finders: numkeys at args[numkeys_index], keys after it; `dest_first` adds args[1] (the STORE
// forms).
bool FindNumKeys(ArgList args, size_t numkeys_index, bool dest_first,
                 std::vector<int>* key_indexes);

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 CommandHandler handler, std::string_view acl, std::string_view summary,
                 std::string_view since, std::string_view complexity);

void RegisterRangeCommands(CommandTable& table);  // zset_range_commands.cc
void RegisterPopCommands(CommandTable& table);    // zset_pop_commands.cc
void RegisterSetOpCommands(CommandTable& table);  // zset_setop_commands.cc

}  // namespace zset
}  // namespace slotd
