// ZSkiplist: the skiplist-with-spans plus member index behind large sorted sets (see
// zset_skiplist.h).
#include "server/keyspace/zset_skiplist.h"

#include <xxhash.h>

#include <cstring>
#include <new>

namespace slotd {
namespace {

constexpr size_t kMinBuckets = 4;

// True when (score_a, member_a) sorts before (score_b, member_b).
bool Before(double score_a, std::string_view member_a, double score_b, std::string_view member_b) {
  return score_a < score_b || (score_a == score_b && member_a < member_b);
}

// Each extra level with probability 1/4, as Redis's ZSKIPLIST_P; two random bits per level.
int RandomLevel() {
  uint64_t bits = ZSetRandom();
  int level = 1;
  while (level < ZSkiplist::kMaxLevel && (bits & 3) == 0) {
    ++level;
    bits >>= 2;
  }
  return level;
}

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

size_t NodeBytes(int level, size_t member_len) {
  return sizeof(ZSkipNode) + static_cast<size_t>(level) * sizeof(ZSkipNode::Level) + member_len;
}

}  // namespace

uint64_t ZSetRandom() {
  static uint64_t state = 0x9E3779B97F4A7C15ull;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ull;
}

ZSkiplist::ZSkiplist() : header_(NewNode(kMaxLevel, {}, 0)) {}

ZSkiplist::~ZSkiplist() {
  ZSkipNode* x = header_->levels()[0].forward;
  while (x != nullptr) {
    ZSkipNode* next = x->levels()[0].forward;
    FreeNode(x);
    x = next;
  }
  FreeNode(header_);
}

ZSkipNode* ZSkiplist::NewNode(int level, std::string_view member, double score) {
  size_t bytes = NodeBytes(level, member.size());
  auto* node = new (::operator new(bytes)) ZSkipNode{
      score, nullptr, nullptr, static_cast<uint32_t>(member.size()), static_cast<uint32_t>(level)};
  for (int i = 0; i < level; ++i) node->levels()[i] = {nullptr, 0};
  if (!member.empty()) {
    std::memcpy(reinterpret_cast<char*>(node->levels() + level), member.data(), member.size());
  }
  memory_ += bytes;
  return node;
}

void ZSkiplist::FreeNode(ZSkipNode* node) {
  memory_ -= NodeBytes(static_cast<int>(node->level_count), node->member_len);
  ::operator delete(node);
}

void ZSkiplist::FindPredecessors(double score, std::string_view member, ZSkipNode** update) const {
  ZSkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    ZSkipNode* f;
    while ((f = x->levels()[i].forward) != nullptr &&
           Before(f->score, f->member(), score, member)) {
      x = f;
    }
    update[i] = x;
  }
}

void ZSkiplist::Link(ZSkipNode* node) {
  ZSkipNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  ZSkipNode* x = header_;
  std::string_view member = node->member();
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    ZSkipNode* f;
    while ((f = x->levels()[i].forward) != nullptr &&
           Before(f->score, f->member(), node->score, member)) {
      rank[i] += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
  int level = static_cast<int>(node->level_count);
  for (int i = level_; i < level; ++i) {
    rank[i] = 0;
    update[i] = header_;
    header_->levels()[i].span = size_;
  }
  if (level > level_) level_ = level;
  for (int i = 0; i < level; ++i) {
    ZSkipNode::Level& prev = update[i]->levels()[i];
    node->levels()[i].forward = prev.forward;
    node->levels()[i].span = prev.span - (rank[0] - rank[i]);
    prev.forward = node;
    prev.span = rank[0] - rank[i] + 1;
  }
  for (int i = level; i < level_; ++i) update[i]->levels()[i].span++;
  node->backward = update[0] == header_ ? nullptr : update[0];
  if (node->levels()[0].forward != nullptr) {
    node->levels()[0].forward->backward = node;
  } else {
    tail_ = node;
  }
  ++size_;
}

void ZSkiplist::Unlink(ZSkipNode* node, ZSkipNode** update) {
  for (int i = 0; i < level_; ++i) {
    ZSkipNode::Level& prev = update[i]->levels()[i];
    if (prev.forward == node) {
      prev.span += node->levels()[i].span - 1;
      prev.forward = node->levels()[i].forward;
    } else {
      prev.span -= 1;
    }
  }
  if (node->levels()[0].forward != nullptr) {
    node->levels()[0].forward->backward = node->backward;
  } else {
    tail_ = node->backward;
  }
  while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) --level_;
  --size_;
}

void ZSkiplist::Insert(std::string_view member, double score) {
  ZSkipNode* node = NewNode(RandomLevel(), member, score);
  Link(node);
  IndexInsert(node);
}

void ZSkiplist::UpdateScore(const ZSkipNode* target, double score) {
  ZSkipNode* update[kMaxLevel];
  FindPredecessors(target->score, target->member(), update);
  ZSkipNode* node = update[0]->levels()[0].forward;
  // Staying between the same neighbours keeps every link and span valid.
  ZSkipNode* next = node->levels()[0].forward;
  if ((node->backward == nullptr || node->backward->score < score) &&
      (next == nullptr || next->score > score)) {
    node->score = score;
    return;
  }
  Unlink(node, update);
  node->score = score;
  Link(node);
}

bool ZSkiplist::Erase(std::string_view member) {
  const ZSkipNode* target = Find(member);
  if (target == nullptr) return false;
  ZSkipNode* update[kMaxLevel];
  FindPredecessors(target->score, member, update);
  ZSkipNode* node = update[0]->levels()[0].forward;
  Unlink(node, update);
  IndexRemove(node);
  FreeNode(node);
  return true;
}

void ZSkiplist::EraseRanks(size_t first, size_t last) {
  if (first == 0) first = 1;
  ZSkipNode* update[kMaxLevel];
  ZSkipNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span < first) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
  ++traversed;
  x = x->levels()[0].forward;
  while (x != nullptr && traversed <= last) {
    ZSkipNode* next = x->levels()[0].forward;
    Unlink(x, update);
    IndexRemove(x);
    FreeNode(x);
    ++traversed;
    x = next;
  }
}

const ZSkipNode* ZSkiplist::AtRank(size_t rank) const {
  if (rank == 0 || rank > size_) return nullptr;
  const ZSkipNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= rank) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == rank) return x;
  }
  return nullptr;
}

size_t ZSkiplist::RankOf(const ZSkipNode* node) const {
  const ZSkipNode* x = header_;
  size_t rank = 0;
  std::string_view member = node->member();
  for (int i = level_ - 1; i >= 0; --i) {
    const ZSkipNode* f;
    while ((f = x->levels()[i].forward) != nullptr &&
           (f == node || Before(f->score, f->member(), node->score, member))) {
      rank += x->levels()[i].span;
      x = f;
    }
    if (x == node) return rank;
  }
  return 0;
}

// --- member index ---

size_t ZSkiplist::BucketOf(std::string_view member) const {
  return static_cast<size_t>(XXH3_64bits(member.data(), member.size())) & (buckets_.size() - 1);
}

const ZSkipNode* ZSkiplist::Find(std::string_view member) const {
  if (buckets_.empty()) return nullptr;
  for (const ZSkipNode* n = buckets_[BucketOf(member)]; n != nullptr; n = n->hash_next) {
    if (n->member_len == member.size() && n->member() == member) return n;
  }
  return nullptr;
}

void ZSkiplist::IndexInsert(ZSkipNode* node) {
  if (size_ > buckets_.size()) Rehash(buckets_.empty() ? kMinBuckets : buckets_.size() * 2);
  size_t b = BucketOf(node->member());
  node->hash_next = buckets_[b];
  buckets_[b] = node;
}

void ZSkiplist::IndexRemove(const ZSkipNode* node) {
  ZSkipNode** link = &buckets_[BucketOf(node->member())];
  while (*link != node) link = &(*link)->hash_next;
  *link = node->hash_next;
  // Shrink below 1/8 full, like Redis's dict below 10%: keeps ZSCAN and memory proportional.
  if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) Rehash(buckets_.size() / 2);
}

void ZSkiplist::Rehash(size_t bucket_count) {
  std::vector<ZSkipNode*> old;
  old.swap(buckets_);
  buckets_.assign(bucket_count, nullptr);
  for (ZSkipNode* head : old) {
    while (head != nullptr) {
      ZSkipNode* next = head->hash_next;
      size_t b = BucketOf(head->member());
      head->hash_next = buckets_[b];
      buckets_[b] = head;
      head = next;
    }
  }
}

uint64_t ZSkiplist::NextScanCursor(uint64_t cursor, uint64_t mask) {
  // Increments the masked bits in reversed order (Pieter Noordhuis's scheme), so buckets visited
  // before a resize map onto buckets already visited after it.
  cursor |= ~mask;
  cursor = ReverseBits(cursor);
  ++cursor;
  return ReverseBits(cursor);
}

}  // namespace slotd
