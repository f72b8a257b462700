// The compact sorted-set encoding ("listpack"): every (member, score) pair in one flat buffer,
// ordered by (score, member). Lookups are linear, which is what small sets want: one allocation, no
// pointers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace slotd {

// Entry layout: [len as LEB128][member bytes][score, 8 bytes][len as LEB128, bytes reversed].
// The trailing copy of the length lets Prev() step backwards without an index.
class ZListpack {
 public:
  static constexpr size_t kEnd = SIZE_MAX;  // the position past the last entry

  size_t size() const { return count_; }
  size_t bytes() const { return data_.capacity(); }

  // Positions are byte offsets of entries; kEnd when there is none.
  size_t First() const { return count_ ? 0 : kEnd; }
  size_t Last() const { return count_ ? Prev(data_.size()) : kEnd; }
  size_t Next(size_t pos) const {
    size_t next = pos + EntrySize(pos);
    return next < data_.size() ? next : kEnd;
  }
  // REQUIRES: pos is an entry offset or data size; kEnd before the first entry.
  size_t Prev(size_t pos) const;

  std::string_view Member(size_t pos) const {
    size_t len = 0;
    size_t header = ReadLength(pos, &len);
    return std::string_view(data_.data() + pos + header, len);
  }
  double Score(size_t pos) const {
    size_t len = 0;
    size_t header = ReadLength(pos, &len);
    double score;
    std::memcpy(&score, data_.data() + pos + header + len, sizeof(score));
    return score;
  }

  // The entry holding `member`, or kEnd.
  size_t Find(std::string_view member) const;
  // The entry at 0-based `rank` (linear walk), or kEnd.
  size_t AtRank(size_t rank) const;
  size_t RankOf(size_t pos) const;

  // Inserts in order. REQUIRES: member absent. -0.0 is stored as 0, as Redis's listpack does.
  void Insert(std::string_view member, double score);
  // Appends an entry that sorts after every present one.
  void Append(std::string_view member, double score);
  void Erase(size_t pos);
  // Erases the entries with ranks in [begin, end).
  void EraseRanks(size_t begin, size_t end);

  // Number of leading entries for which `pred(member, score)` holds (pred is true on a prefix).
  template <class Pred>
  size_t CountWhile(Pred pred) const {
    size_t n = 0;
    for (size_t pos = First(); pos != kEnd && pred(Member(pos), Score(pos)); pos = Next(pos)) ++n;
    return n;
  }

 private:
  size_t EntrySize(size_t pos) const {
    size_t len = 0;
    size_t header = ReadLength(pos, &len);
    return 2 * header + len + sizeof(double);
  }
  // Decodes the leading LEB128 length at pos; returns its byte count.
  size_t ReadLength(size_t pos, size_t* len) const {
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos);
    if (p[0] < 0x80) {
      *len = p[0];
      return 1;
    }
    return ReadLongLength(p, len);
  }
  static size_t ReadLongLength(const unsigned char* p, size_t* len);
  // Writes an encoded entry at byte offset `at`.
  void WriteEntry(size_t at, std::string_view member, double score);

  std::string data_;
  size_t count_ = 0;
};

}  // namespace slotd
