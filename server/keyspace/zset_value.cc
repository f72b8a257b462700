// ZSetValue: encoding choice, conversion, and the ZADD/rank/range operations over both encodings.
#include "server/keyspace/zset_value.h"

#include <algorithm>
#include <cmath>

namespace slotd {

std::unique_ptr<ZSetValue> ZSetValue::ForFirstMember(size_t member_len, const ZSetLimits& limits) {
  if (limits.max_listpack_entries == 0 || member_len > limits.max_listpack_value)
    return EmptySkiplist();
  return std::make_unique<ZSetValue>();
}

std::unique_ptr<ZSetValue> ZSetValue::EmptySkiplist() {
  auto value = std::make_unique<ZSetValue>();
  value->skiplist_ = std::make_unique<ZSkiplist>();
  return value;
}

std::unique_ptr<ZSetValue> ZSetValue::FromSorted(std::span<const ZEntry> entries,
                                                 const ZSetLimits& limits) {
  auto value = std::make_unique<ZSetValue>();
  size_t longest = 0;
  for (const ZEntry& e : entries) longest = std::max(longest, e.member.size());
  if (entries.size() > limits.max_listpack_entries || longest > limits.max_listpack_value) {
    value->skiplist_ = std::make_unique<ZSkiplist>();
    for (const ZEntry& e : entries) value->skiplist_->Insert(e.member, e.score);
  } else {
    for (const ZEntry& e : entries) value->listpack_.Append(e.member, e.score);
  }
  return value;
}

size_t ZSetValue::MemoryUsage() const {
  return sizeof(*this) +
         (is_listpack() ? listpack_.bytes() : sizeof(ZSkiplist) + skiplist_->MemoryUsage());
}

std::unique_ptr<Collection> ZSetValue::Clone() const {
  auto copy = std::make_unique<ZSetValue>();
  if (is_listpack()) {
    copy->listpack_ = listpack_;
  } else {
    copy->skiplist_ = std::make_unique<ZSkiplist>();
    for (const ZSkipNode* n = skiplist_->First(); n != nullptr; n = n->next()) {
      copy->skiplist_->Insert(n->member(), n->score);
    }
  }
  return copy;
}

void ZSetValue::ConvertToSkiplist() {
  auto skiplist = std::make_unique<ZSkiplist>();
  for (size_t pos = listpack_.First(); pos != ZListpack::kEnd; pos = listpack_.Next(pos)) {
    skiplist->Insert(listpack_.Member(pos), listpack_.Score(pos));
  }
  listpack_ = ZListpack();
  skiplist_ = std::move(skiplist);
}

std::optional<double> ZSetValue::Score(std::string_view member) const {
  if (is_listpack()) {
    size_t pos = listpack_.Find(member);
    if (pos == ZListpack::kEnd) return std::nullopt;
    return listpack_.Score(pos);
  }
  const ZSkipNode* node = skiplist_->Find(member);
  if (node == nullptr) return std::nullopt;
  return node->score;
}

ZSetValue::AddResult ZSetValue::Add(std::string_view member, double score, uint32_t flags,
                                    const ZSetLimits& limits) {
  std::optional<double> current = Score(member);
  if (!current) {
    if (flags & kAddXx) return {AddResult::kSkipped, score};
    if (is_listpack() && (listpack_.size() + 1 > limits.max_listpack_entries ||
                          member.size() > limits.max_listpack_value)) {
      ConvertToSkiplist();
    }
    if (is_listpack()) {
      listpack_.Insert(member, score);
    } else {
      skiplist_->Insert(member, score);
    }
    return {AddResult::kAdded, score};
  }
  if (flags & kAddNx) return {AddResult::kSkipped, *current};
  if (flags & kAddIncr) {
    score += *current;
    if (std::isnan(score)) return {AddResult::kNaN, *current};
  }
  if (((flags & kAddLt) && score >= *current) || ((flags & kAddGt) && score <= *current)) {
    return {AddResult::kSkipped, *current};
  }
  if (score == *current) return {AddResult::kUnchanged, score};
  if (is_listpack()) {
    listpack_.Erase(listpack_.Find(member));
    listpack_.Insert(member, score);
  } else {
    skiplist_->UpdateScore(skiplist_->Find(member), score);
  }
  return {AddResult::kUpdated, score};
}

bool ZSetValue::Remove(std::string_view member) {
  if (!is_listpack()) return skiplist_->Erase(member);
  size_t pos = listpack_.Find(member);
  if (pos == ZListpack::kEnd) return false;
  listpack_.Erase(pos);
  return true;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member) const {
  if (is_listpack()) {
    size_t rank = 0;
    for (size_t pos = listpack_.First(); pos != ZListpack::kEnd;
         pos = listpack_.Next(pos), ++rank) {
      if (listpack_.Member(pos) == member) return rank;
    }
    return std::nullopt;
  }
  const ZSkipNode* node = skiplist_->Find(member);
  if (node == nullptr) return std::nullopt;
  return skiplist_->RankOf(node) - 1;
}

ZSetValue::Ranks ZSetValue::RanksInScoreRange(const ZScoreRange& r) const {
  size_t begin = CountWhile(
      [&r](std::string_view, double s) { return r.min_exclusive ? s <= r.min : s < r.min; });
  size_t end = CountWhile(
      [&r](std::string_view, double s) { return r.max_exclusive ? s < r.max : s <= r.max; });
  return {begin, end};
}

namespace {

// Redis's sdscmplex with its shared min/max strings standing for "-" and "+".
int CompareLex(std::string_view value, const ZLexBound& bound) {
  switch (bound.kind) {
    case ZLexBound::kNegInf:
      return 1;
    case ZLexBound::kPosInf:
      return -1;
    case ZLexBound::kValue:
      break;
  }
  return value.compare(bound.value);
}

// True when no member can be in the range (min above max, or equal with an open end).
bool LexRangeEmpty(const ZLexRange& r) {
  int cmp;
  if (r.min.kind == r.max.kind && r.min.kind != ZLexBound::kValue) {
    cmp = 0;
  } else if (r.min.kind == ZLexBound::kNegInf || r.max.kind == ZLexBound::kPosInf) {
    cmp = -1;
  } else if (r.min.kind == ZLexBound::kPosInf || r.max.kind == ZLexBound::kNegInf) {
    cmp = 1;
  } else {
    cmp = r.min.value.compare(r.max.value);
  }
  return cmp > 0 || (cmp == 0 && (r.min.exclusive || r.max.exclusive));
}

}  // namespace

bool ZSetValue::LexGteMin(std::string_view member, const ZLexRange& r) {
  int cmp = CompareLex(member, r.min);
  return r.min.exclusive ? cmp > 0 : cmp >= 0;
}

bool ZSetValue::LexLteMax(std::string_view member, const ZLexRange& r) {
  int cmp = CompareLex(member, r.max);
  return r.max.exclusive ? cmp < 0 : cmp <= 0;
}

std::optional<size_t> ZSetValue::FirstInLexRange(const ZLexRange& r) const {
  // zslIsInLexRange: the last member must reach min and the first must not pass max.
  if (Length() == 0 || LexRangeEmpty(r) || !LexGteMin(Last().member(), r) ||
      !LexLteMax(First().member(), r)) {
    return std::nullopt;
  }
  size_t first = CountWhile([&r](std::string_view m, double) { return !LexGteMin(m, r); });
  if (first >= Length() || !LexLteMax(At(first).member(), r)) return std::nullopt;
  return first;
}

std::optional<size_t> ZSetValue::LastInLexRange(const ZLexRange& r) const {
  if (Length() == 0 || LexRangeEmpty(r) || !LexGteMin(Last().member(), r) ||
      !LexLteMax(First().member(), r)) {
    return std::nullopt;
  }
  size_t last;
  if (is_listpack()) {
    // zzlLastInLexRange scans back from the tail.
    last = Length() - 1;
    for (Cursor c = Last(); !LexLteMax(c.member(), r); c.Prev()) --last;
  } else {
    last = CountWhile([&r](std::string_view m, double) { return LexLteMax(m, r); }) - 1;
  }
  if (!LexGteMin(At(last).member(), r)) return std::nullopt;
  return last;
}

size_t ZSetValue::LexCount(const ZLexRange& r) const {
  std::optional<size_t> first = FirstInLexRange(r);
  if (!first) return 0;
  if (!is_listpack()) {
    // zlexcount on a skiplist: the distance between the first and last ranks.
    std::optional<size_t> last = LastInLexRange(r);
    if (!last) return Length() - *first;
    return *last >= *first ? *last - *first + 1 : 0;
  }
  size_t count = 0;
  for (Cursor c = At(*first); c.valid() && LexLteMax(c.member(), r); c.Next()) ++count;
  return count;
}

ZSetValue::Ranks ZSetValue::LexRemoval(const ZLexRange& r) const {
  size_t first;
  if (is_listpack()) {
    std::optional<size_t> found = FirstInLexRange(r);
    if (!found) return {};
    first = *found;
  } else {
    // zslDeleteRangeByLex skips the whole-range test and starts at the first member >= min.
    first = CountWhile([&r](std::string_view m, double) { return !LexGteMin(m, r); });
  }
  size_t end = first;
  for (Cursor c = At(first); c.valid() && LexLteMax(c.member(), r); c.Next()) ++end;
  return {first, end};
}

ZSetValue::Cursor ZSetValue::At(size_t rank) const {
  if (is_listpack()) return Cursor::InListpack(&listpack_, listpack_.AtRank(rank));
  return Cursor::InSkiplist(skiplist_->AtRank(rank + 1));
}

ZSetValue::Cursor ZSetValue::Last() const {
  if (is_listpack()) return Cursor::InListpack(&listpack_, listpack_.Last());
  return Cursor::InSkiplist(skiplist_->Last());
}

void ZSetValue::EraseRanks(size_t begin, size_t end) {
  end = std::min(end, Length());
  if (begin >= end) return;
  if (is_listpack()) {
    listpack_.EraseRanks(begin, end);
  } else {
    skiplist_->EraseRanks(begin + 1, end);
  }
}

}  // namespace slotd
