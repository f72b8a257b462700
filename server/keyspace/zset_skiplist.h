// The large sorted-set encoding ("skiplist"), Redis's design: a skiplist ordered by (score, member)
// whose links carry span counts (rank queries in O(log n)), plus a member -> node hash index (O(1)
// ZSCORE). Each element is one allocation: the node holds its levels and the member bytes, and
// chains the index.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace slotd {

struct ZSkipNode {
  struct Level {
    ZSkipNode* forward;
    size_t span;  // elements skipped by following `forward` (rank distance)
  };

  double score;
  ZSkipNode* backward;
  ZSkipNode* hash_next;  // chain in the member index
  uint32_t member_len;
  uint32_t level_count;

  Level* levels() { return reinterpret_cast<Level*>(this + 1); }
  const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
  std::string_view member() const {
    return std::string_view(reinterpret_cast<const char*>(levels() + level_count), member_len);
  }
  const ZSkipNode* next() const { return levels()[0].forward; }
  const ZSkipNode* prev() const { return backward; }
};

// Invariants:
//  1. Level-0 links visit every node in ascending (score, member) order; backward links mirror
//  them.
//  2. For every level link, span = rank(forward) - rank(node) (the tail's missing forward counts to
//  size+1).
//  3. Every node is in exactly one hash chain, the one for its member's hash; members are unique.
class ZSkiplist {
 public:
  static constexpr int kMaxLevel = 32;

  ZSkiplist();
  ~ZSkiplist();
  ZSkiplist(const ZSkiplist&) = delete;
  ZSkiplist& operator=(const ZSkiplist&) = delete;

  size_t size() const { return size_; }
  size_t MemoryUsage() const { return memory_ + buckets_.capacity() * sizeof(ZSkipNode*); }

  const ZSkipNode* First() const { return header_->levels()[0].forward; }
  const ZSkipNode* Last() const { return tail_; }
  const ZSkipNode* Find(std::string_view member) const;
  // 1-based like Redis's zslGetElementByRank; nullptr when out of range.
  const ZSkipNode* AtRank(size_t rank) const;
  // 1-based rank of a node in the list.
  size_t RankOf(const ZSkipNode* node) const;

  // REQUIRES: member absent.
  void Insert(std::string_view member, double score);
  // Moves an existing node to its new score's position (no reallocation).
  void UpdateScore(const ZSkipNode* node, double score);
  bool Erase(std::string_view member);
  // Erases the nodes with 1-based ranks in [first, last].
  void EraseRanks(size_t first, size_t last);

  // Number of leading nodes for which `pred(member, score)` holds (pred is true on a prefix), O(log
  // n).
  template <class Pred>
  size_t CountWhile(Pred pred) const {
    const ZSkipNode* x = header_;
    size_t rank = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      const ZSkipNode* f;
      while ((f = x->levels()[i].forward) != nullptr && pred(f->member(), f->score)) {
        rank += x->levels()[i].span;
        x = f;
      }
    }
    return rank;
  }

  // ZSCAN step: visits one index bucket's chain and returns the next cursor (0 = done). The cursor
  // advances in reverse-binary order, like Redis's dictScan, so every element present for a whole
  // scan is visited at least once across resizes.
  template <class Visit>
  uint64_t ScanStep(uint64_t cursor, Visit&& visit) const {
    if (buckets_.empty()) return 0;
    uint64_t mask = buckets_.size() - 1;
    for (const ZSkipNode* n = buckets_[cursor & mask]; n != nullptr; n = n->hash_next) {
      visit(n->member(), n->score);
    }
    return NextScanCursor(cursor, mask);
  }

 private:
  ZSkipNode* NewNode(int level, std::string_view member, double score);
  void FreeNode(ZSkipNode* node);
  // Links `node` (already allocated with its level) at its (score, member) position.
  void Link(ZSkipNode* node);
  // Unlinks `node`, given update[i] = the rightmost node at level i before it.
  void Unlink(ZSkipNode* node, ZSkipNode** update);
  // Fills update[] for the position of (score, member).
  void FindPredecessors(double score, std::string_view member, ZSkipNode** update) const;
  void IndexInsert(ZSkipNode* node);
  void IndexRemove(const ZSkipNode* node);
  void Rehash(size_t bucket_count);
  size_t BucketOf(std::string_view member) const;
  static uint64_t NextScanCursor(uint64_t cursor, uint64_t mask);

  ZSkipNode* header_;
  ZSkipNode* tail_ = nullptr;
  int level_ = 1;
  size_t size_ = 0;
  size_t memory_ = 0;
  std::vector<ZSkipNode*> buckets_;  // power-of-two size, or empty
};

// The process-wide pseudo-random generator for skiplist levels and ZRANDMEMBER (xorshift64*;
// deterministic from a fixed seed, so tests replay).
uint64_t ZSetRandom();

}  // namespace slotd
