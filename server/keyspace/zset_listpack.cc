// ZListpack: the flat-buffer sorted-set encoding (see zset_listpack.h for the entry layout).
#include "server/keyspace/zset_listpack.h"

namespace slotd {
namespace {

size_t VarintSize(size_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

// Orders (score, member) pairs the way the sorted set does.
bool Less(double score_a, std::string_view member_a, double score_b, std::string_view member_b) {
  if (score_a != score_b) return score_a < score_b;
  return member_a < member_b;
}

}  // namespace

size_t ZListpack::ReadLongLength(const unsigned char* p, size_t* len) {
  size_t value = 0;
  size_t i = 0;
  int shift = 0;
  while (true) {
    value |= static_cast<size_t>(p[i] & 0x7f) << shift;
    if ((p[i++] & 0x80) == 0) break;
    shift += 7;
  }
  *len = value;
  return i;
}

size_t ZListpack::Prev(size_t pos) const {
  if (pos == 0 || pos == kEnd) return kEnd;
  // The trailing length sits just before pos, its LEB128 bytes stored last-to-first.
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
  size_t value = 0;
  size_t i = pos - 1;
  int shift = 0;
  size_t header = 0;
  while (true) {
    value |= static_cast<size_t>(p[i] & 0x7f) << shift;
    ++header;
    if ((p[i] & 0x80) == 0) break;
    --i;
    shift += 7;
  }
  return pos - (2 * header + value + sizeof(double));
}

size_t ZListpack::Find(std::string_view member) const {
  for (size_t pos = First(); pos != kEnd; pos = Next(pos)) {
    if (Member(pos) == member) return pos;
  }
  return kEnd;
}

size_t ZListpack::AtRank(size_t rank) const {
  if (rank >= count_) return kEnd;
  size_t pos = 0;
  if (rank > count_ / 2) {
    pos = Last();
    for (size_t i = count_ - 1; i > rank; --i) pos = Prev(pos);
    return pos;
  }
  for (size_t i = 0; i < rank; ++i) pos = Next(pos);
  return pos;
}

size_t ZListpack::RankOf(size_t pos) const {
  size_t rank = 0;
  for (size_t p = First(); p != pos; p = Next(p)) ++rank;
  return rank;
}

void ZListpack::WriteEntry(size_t at, std::string_view member, double score) {
  if (score == 0) score = 0;  // drops the sign of -0.0
  size_t header = VarintSize(member.size());
  char* out = data_.data() + at;
  size_t len = member.size();
  for (size_t i = 0; i < header; ++i) {
    unsigned char byte = static_cast<unsigned char>(len & 0x7f);
    len >>= 7;
    if (i + 1 < header) byte |= 0x80;
    out[i] = static_cast<char>(byte);
    out[2 * header + member.size() + sizeof(double) - 1 - i] = static_cast<char>(byte);
  }
  if (!member.empty()) std::memcpy(out + header, member.data(), member.size());
  std::memcpy(out + header + member.size(), &score, sizeof(score));
}

void ZListpack::Insert(std::string_view member, double score) {
  size_t at = data_.size();
  for (size_t pos = First(); pos != kEnd; pos = Next(pos)) {
    if (Less(score, member, Score(pos), Member(pos))) {
      at = pos;
      break;
    }
  }
  size_t size = 2 * VarintSize(member.size()) + member.size() + sizeof(double);
  data_.insert(at, size, '\0');
  WriteEntry(at, member, score);
  ++count_;
}

void ZListpack::Append(std::string_view member, double score) {
  size_t at = data_.size();
  data_.resize(at + 2 * VarintSize(member.size()) + member.size() + sizeof(double));
  WriteEntry(at, member, score);
  ++count_;
}

void ZListpack::Erase(size_t pos) {
  data_.erase(pos, EntrySize(pos));
  --count_;
}

void ZListpack::EraseRanks(size_t begin, size_t end) {
  if (end > count_) end = count_;
  if (begin >= end) return;
  size_t from = AtRank(begin);
  size_t to = from;
  for (size_t i = begin; i < end; ++i) to += EntrySize(to);
  data_.erase(from, to - from);
  count_ -= end - begin;
}

}  // namespace slotd
