// The sorted set value (ObjectType::kZSet): unique members ordered by (score, member). Small sets
// use the "listpack" encoding (ZListpack, one flat buffer); past zset-max-listpack-entries/-value
// they convert for good to "skiplist" (ZSkiplist: spans for O(log n) ranks + a member index).
// Commands work in ranks: score ranges become rank intervals and lex ranges are located by rank,
// read through a Cursor and erased by rank.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "server/keyspace/object.h"
#include "server/keyspace/zset_listpack.h"
#include "server/keyspace/zset_skiplist.h"

namespace slotd {

// zset-max-listpack-entries / zset-max-listpack-value.
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// A ZRANGEBYSCORE interval; "(" in the command makes a bound exclusive.
struct ZScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// One end of a ZRANGEBYLEX interval: "-" and "+" are the infinities, "[x" / "(x" a value.
struct ZLexBound {
  enum Kind : uint8_t { kValue, kNegInf, kPosInf };
  Kind kind = kValue;
  bool exclusive = false;
  std::string_view value;
};
struct ZLexRange {
  ZLexBound min;
  ZLexBound max;
};

struct ZEntry {
  std::string_view member;
  double score;
};

class ZSetValue final : public Collection {
 public:
  // ZADD options.
  enum AddFlag : uint32_t { kAddNx = 1, kAddXx = 2, kAddGt = 4, kAddLt = 8, kAddIncr = 16 };
  struct AddResult {
    enum Outcome { kAdded, kUpdated, kUnchanged, kSkipped, kNaN };
    Outcome outcome;
    double score;  // the new score (the increment's result with INCR); the current one when skipped
  };

  // Half-open interval of 0-based ranks.
  struct Ranks {
    size_t begin = 0;
    size_t end = 0;
    size_t size() const { return end > begin ? end - begin : 0; }
  };

  // A position in ascending order; Next()/Prev() step off the ends to an invalid cursor.
  class Cursor {
   public:
    static Cursor InListpack(const ZListpack* lp, size_t pos) {
      Cursor c;
      c.lp_ = lp;
      c.pos_ = pos;
      return c;
    }
    static Cursor InSkiplist(const ZSkipNode* node) {
      Cursor c;
      c.node_ = node;
      return c;
    }

    bool valid() const { return lp_ != nullptr ? pos_ != ZListpack::kEnd : node_ != nullptr; }
    std::string_view member() const { return lp_ != nullptr ? lp_->Member(pos_) : node_->member(); }
    double score() const { return lp_ != nullptr ? lp_->Score(pos_) : node_->score; }
    void Next() {
      if (lp_ != nullptr) {
        pos_ = lp_->Next(pos_);
      } else {
        node_ = node_->next();
      }
    }
    void Prev() {
      if (lp_ != nullptr) {
        pos_ = lp_->Prev(pos_);
      } else {
        node_ = node_->prev();
      }
    }

   private:
    const ZListpack* lp_ = nullptr;
    size_t pos_ = ZListpack::kEnd;
    const ZSkipNode* node_ = nullptr;
  };

  ZSetValue() = default;  // empty, listpack-encoded
  // An empty set for ZADD: skiplist-encoded from the start when its first member is already too
  // long for a listpack, or listpacks are disabled (zset-max-listpack-entries 0), as Redis 7.0
  // decides.
  static std::unique_ptr<ZSetValue> ForFirstMember(size_t member_len, const ZSetLimits& limits);
  static std::unique_ptr<ZSetValue> EmptySkiplist();
  // Builds a set from entries sorted by (score, member) without duplicates, in the encoding their
  // count and longest member call for (the STORE commands' results).
  static std::unique_ptr<ZSetValue> FromSorted(std::span<const ZEntry> entries,
                                               const ZSetLimits& limits);

  std::string_view EncodingName() const override { return is_listpack() ? "listpack" : "skiplist"; }
  size_t Length() const override { return is_listpack() ? listpack_.size() : skiplist_->size(); }
  size_t MemoryUsage() const override;
  std::unique_ptr<Collection> Clone() const override;
  bool is_listpack() const { return skiplist_ == nullptr; }

  std::optional<double> Score(std::string_view member) const;
  // ZADD/ZINCRBY semantics for one member; converts to skiplist when the listpack limits are
  // passed.
  AddResult Add(std::string_view member, double score, uint32_t flags, const ZSetLimits& limits);
  bool Remove(std::string_view member);
  // 0-based rank in ascending order.
  std::optional<size_t> Rank(std::string_view member) const;

  Ranks RanksInScoreRange(const ZScoreRange& range) const;

  // Lex ranges follow Redis's own walks, which only agree with a rank interval when all scores are
  // equal (the lex commands' contract); with mixed scores the answer is then still Redis's for a
  // listpack. First/Last are zzl/zslFirstInLexRange and LastInLexRange as ranks.
  static bool LexGteMin(std::string_view member, const ZLexRange& range);
  static bool LexLteMax(std::string_view member, const ZLexRange& range);
  std::optional<size_t> FirstInLexRange(const ZLexRange& range) const;
  std::optional<size_t> LastInLexRange(const ZLexRange& range) const;
  size_t LexCount(const ZLexRange& range) const;   // ZLEXCOUNT
  Ranks LexRemoval(const ZLexRange& range) const;  // ZREMRANGEBYLEX

  // Invalid when rank >= Length(). O(log n) for skiplists, linear for listpacks.
  Cursor At(size_t rank) const;
  Cursor First() const { return At(0); }
  Cursor Last() const;
  void EraseRanks(size_t begin, size_t end);

  // ZSCAN step: visits some elements and returns the next cursor (0 = done); a listpack is
  // visited whole.
  template <class Visit>
  uint64_t ScanStep(uint64_t cursor, Visit&& visit) const {
    if (!is_listpack()) return skiplist_->ScanStep(cursor, visit);
    for (Cursor c = First(); c.valid(); c.Next()) visit(c.member(), c.score());
    return 0;
  }

 private:
  void ConvertToSkiplist();
  template <class Pred>
  size_t CountWhile(Pred pred) const {
    return is_listpack() ? listpack_.CountWhile(pred) : skiplist_->CountWhile(pred);
  }

  ZListpack listpack_;
  std::unique_ptr<ZSkiplist> skiplist_;  // set once converted; the listpack is then empty
};

}  // namespace slotd
