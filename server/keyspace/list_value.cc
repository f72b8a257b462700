// The list type: nodes of varint-framed entries in flat buffers (see list_value.h for the
// invariants). Node sizing follows Redis 7.0's quicklist fill rules (_quicklistNodeAllowInsert).
#include "server/keyspace/list_value.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace slotd {

namespace list_internal {

template <class T>
T* GapArray<T>::Resize(size_t new_cap) {
  if (new_cap == 0) {
    std::free(buf_);
    buf_ = nullptr;
    cap_ = 0;
    return buf_;
  }
  void* grown = std::realloc(buf_, new_cap * sizeof(T));
  if (grown == nullptr) throw std::bad_alloc();
  buf_ = static_cast<T*>(grown);
  cap_ = new_cap;
  return buf_;
}

template <class T>
void GapArray<T>::Regrow(size_t pos, size_t n) {
  static_assert(std::is_trivially_copyable_v<T>);
  const size_t size = end_ - begin_;
  const size_t new_size = size + n;
  // The side being grown gets the spare room, so a run of pushes at one end stays amortized O(1).
  const size_t slack = new_size / 2 + 8 / sizeof(T);
  size_t front = pos == 0 ? slack : (pos == size ? 0 : slack / 2);
  if (new_size + slack > cap_) {
    Resize(new_size + slack);  // realloc keeps the layout; often extends in place
  } else {
    front = std::min(front, cap_ - new_size);
  }
  T* left_src = buf_ + begin_;
  T* right_src = buf_ + begin_ + pos;
  T* left_dst = buf_ + front;
  T* right_dst = buf_ + front + pos + n;
  // Move first the part heading away from the other one so that neither overwrites the other.
  if (left_dst <= left_src) {
    if (pos > 0) std::memmove(left_dst, left_src, pos * sizeof(T));
    if (size > pos) std::memmove(right_dst, right_src, (size - pos) * sizeof(T));
  } else {
    if (size > pos) std::memmove(right_dst, right_src, (size - pos) * sizeof(T));
    if (pos > 0) std::memmove(left_dst, left_src, pos * sizeof(T));
  }
  begin_ = front;
  end_ = front + new_size;
}

template <class T>
T* GapArray<T>::Open(size_t pos, size_t n) {
  const size_t size = end_ - begin_;
  const bool left_shorter = pos <= size - pos;
  if (left_shorter && begin_ >= n) {
    if (pos > 0) std::memmove(buf_ + begin_ - n, buf_ + begin_, pos * sizeof(T));
    begin_ -= n;
  } else if (!left_shorter && cap_ - end_ >= n) {
    std::memmove(buf_ + begin_ + pos + n, buf_ + begin_ + pos, (size - pos) * sizeof(T));
    end_ += n;
  } else {
    Regrow(pos, n);
  }
  return buf_ + begin_ + pos;
}

template <class T>
void GapArray<T>::Close(size_t pos, size_t n) {
  const size_t size = end_ - begin_;
  if (pos <= size - pos - n) {
    if (pos > 0) std::memmove(buf_ + begin_ + n, buf_ + begin_, pos * sizeof(T));
    begin_ += n;
  } else {
    std::memmove(buf_ + begin_ + pos, buf_ + begin_ + pos + n, (size - pos - n) * sizeof(T));
    end_ -= n;
  }
  // Give memory back after large removals (LTRIM, many pops), keeping room for half the size again.
  if (cap_ >= 256 / sizeof(T) && (end_ - begin_) * 4 < cap_) {
    const size_t keep = end_ - begin_;
    const size_t front = (keep / 2 + 1) / 2;
    if (keep > 0) std::memmove(buf_ + front, buf_ + begin_, keep * sizeof(T));
    Resize(keep + keep / 2 + 1);
    begin_ = front;
    end_ = front + keep;
  }
}

template <class T>
void GapArray<T>::ShrinkToFit() {
  const size_t size = end_ - begin_;
  if (cap_ == size) return;
  if (size > 0) std::memmove(buf_, buf_ + begin_, size * sizeof(T));
  Resize(size);
  begin_ = 0;
  end_ = size;
}

template <class T>
void GapArray<T>::Assign(const T* src, size_t n) {
  std::free(buf_);
  buf_ = nullptr;
  Resize(n);
  if (n > 0) std::memcpy(buf_, src, n * sizeof(T));
  begin_ = 0;
  end_ = n;
}

template class GapArray<char>;
template class GapArray<Node>;

}  // namespace list_internal

namespace {

using list_internal::Node;

// Redis 7.0's optimization_level: bytes per node for list-max-listpack-size -1..-5.
constexpr size_t kNodeBytesByLevel[] = {4096, 8192, 16384, 32768, 65536};
// With a positive fill (entries per node) a node still never grows past this (SIZE_SAFETY_LIMIT).
constexpr size_t kSafetyLimitBytes = 8192;
constexpr int64_t kMaxFill = (1 << 15) - 1;

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t EntrySize(size_t len) { return 2 * VarintSize(len) + len; }

// Writes one entry (invariant 2) at p, which has EntrySize(value.size()) bytes.
void WriteEntry(char* p, std::string_view value) {
  const size_t h = VarintSize(value.size());
  size_t x = value.size();
  for (size_t i = 0; i < h; ++i) {
    uint8_t b = static_cast<uint8_t>(x & 0x7f);
    x >>= 7;
    if (i + 1 < h) b |= 0x80;
    p[i] = static_cast<char>(b);
    p[2 * h + value.size() - 1 - i] = static_cast<char>(b);
  }
  if (!value.empty()) std::memcpy(p + h, value.data(), value.size());
}

// Reads a varint of invariant 2 from p in direction `step`: +1 for the leading copy, -1 for the
// trailing byte-reversed one (p is then its last byte). Sets *size to its length in bytes.
size_t ReadVarint(const uint8_t* p, ptrdiff_t step, size_t* size) {
  size_t value = 0;
  size_t h = 0;
  uint8_t b;
  do {
    b = *(p + static_cast<ptrdiff_t>(h) * step);
    value |= static_cast<size_t>(b & 0x7f) << (7 * h);
    ++h;
  } while (b & 0x80);
  *size = h;
  return value;
}

// Decodes the entry starting at `offset`; sets *total to its size in bytes.
std::string_view EntryAt(const Node& node, size_t offset, size_t* total) {
  const auto* p = reinterpret_cast<const uint8_t*>(node.bytes.data() + offset);
  size_t h;
  const size_t len = ReadVarint(p, 1, &h);
  *total = 2 * h + len;
  return {reinterpret_cast<const char*>(p + h), len};
}

// The offset of the entry that ends at `end`.
size_t PrevOffset(const Node& node, size_t end) {
  const auto* p = reinterpret_cast<const uint8_t*>(node.bytes.data() + end);
  size_t h;
  const size_t len = ReadVarint(p - 1, -1, &h);
  return end - 2 * h - len;
}

size_t NextOffset(const Node& node, size_t offset) {
  size_t total;
  EntryAt(node, offset, &total);
  return offset + total;
}

}  // namespace

ListValue::ListValue(int64_t fill)
    : fill_(static_cast<int16_t>(std::clamp<int64_t>(fill, -5, kMaxFill))) {}

ListValue::~ListValue() {
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i].bytes.Release();
  nodes_.Release();
}

size_t ListValue::MemoryUsage() const {
  size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node);
  for (size_t i = 0; i < nodes_.size(); ++i) bytes += nodes_[i].bytes.capacity();
  return bytes;
}

std::unique_ptr<Collection> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>(fill_);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = copy->NewNode(i);
    node.bytes.Assign(nodes_[i].bytes.data(), nodes_[i].bytes.size());
    node.count = nodes_[i].count;
  }
  copy->nodes_.ShrinkToFit();
  copy->length_ = length_;
  return copy;
}

bool ListValue::MayGrow(uint32_t count, size_t new_bytes) const {
  if (count == 0) return true;  // an element larger than the limit gets a node of its own
  if (fill_ < 0) return new_bytes <= kNodeBytesByLevel[-fill_ - 1];
  return new_bytes <= kSafetyLimitBytes && count < static_cast<uint32_t>(fill_);
}

ListValue::Node& ListValue::NewNode(size_t at) {
  Node* node = nodes_.Open(at, 1);
  *node = Node{};
  return *node;
}

void ListValue::RemoveNode(size_t at) {
  nodes_[at].bytes.Release();
  nodes_.Close(at, 1);
}

void ListValue::Push(End end, std::string_view value) {
  const size_t entry_bytes = EntrySize(value.size());
  const bool head = end == End::kHead;
  size_t at = head ? 0 : nodes_.size() - 1;
  if (nodes_.empty() || !Fits(nodes_[at], entry_bytes)) {
    // The old end node is complete now: drop its spare room.
    if (!nodes_.empty()) nodes_[at].bytes.ShrinkToFit();
    at = head ? 0 : nodes_.size();
    NewNode(at);
  }
  Node& node = nodes_[at];
  WriteEntry(node.bytes.Open(head ? 0 : node.bytes.size(), entry_bytes), value);
  ++node.count;
  ++length_;
}

std::string_view ListValue::Peek(End end) const {
  size_t total;
  if (end == End::kHead) return EntryAt(nodes_[0], 0, &total);
  const Node& node = nodes_[nodes_.size() - 1];
  return EntryAt(node, PrevOffset(node, node.bytes.size()), &total);
}

void ListValue::Pop(End end) {
  const size_t at = end == End::kHead ? 0 : nodes_.size() - 1;
  Node& node = nodes_[at];
  if (end == End::kHead) {
    node.bytes.Close(0, NextOffset(node, 0));
  } else {
    const size_t start = PrevOffset(node, node.bytes.size());
    node.bytes.Close(start, node.bytes.size() - start);
  }
  --length_;
  if (--node.count == 0) RemoveNode(at);
}

ListValue::Pos ListValue::Seek(size_t index) const {
  size_t node = 0;
  size_t k = index;  // position within the node
  if (index < length_ / 2) {
    while (k >= nodes_[node].count) k -= nodes_[node++].count;
  } else {
    size_t from_tail = length_ - 1 - index;
    node = nodes_.size() - 1;
    while (from_tail >= nodes_[node].count) from_tail -= nodes_[node--].count;
    k = nodes_[node].count - 1 - from_tail;
  }
  const Node& n = nodes_[node];
  size_t offset = 0;
  if (k < n.count / 2) {
    for (size_t i = 0; i < k; ++i) offset = NextOffset(n, offset);
  } else {
    offset = n.bytes.size();
    for (size_t i = n.count; i > k; --i) offset = PrevOffset(n, offset);
  }
  return {node, offset};
}

std::string_view ListValue::At(size_t index) const {
  const Pos pos = Seek(index);
  size_t total;
  return EntryAt(nodes_[pos.node], pos.offset, &total);
}

void ListValue::Set(size_t index, std::string_view value) {
  const Pos pos = Seek(index);
  Node& node = nodes_[pos.node];
  size_t old_bytes;
  EntryAt(node, pos.offset, &old_bytes);
  const size_t new_bytes = EntrySize(value.size());
  if (new_bytes <= old_bytes ||
      MayGrow(node.count - 1, node.bytes.size() - old_bytes + new_bytes)) {
    if (new_bytes > old_bytes) node.bytes.Open(pos.offset, new_bytes - old_bytes);
    if (new_bytes < old_bytes) node.bytes.Close(pos.offset, old_bytes - new_bytes);
    WriteEntry(node.bytes.data() + pos.offset, value);
    return;
  }
  // The node would overflow: take the old element out and insert the new one, splitting as needed.
  node.bytes.Close(pos.offset, old_bytes);
  --node.count;
  --length_;
  InsertAt(pos, value);
}

void ListValue::InsertAt(Pos pos, std::string_view value) {
  const size_t entry_bytes = EntrySize(value.size());
  size_t at = pos.node;
  size_t offset = pos.offset;
  if (!Fits(nodes_[at], entry_bytes)) {
    const bool at_end = offset == nodes_[at].bytes.size();
    if (!at_end && offset > 0) {
      SplitNode(at, offset);
      InsertAt({at, offset}, value);
      return;
    }
    if (at_end && at + 1 < nodes_.size() && Fits(nodes_[at + 1], entry_bytes)) {
      at += 1;
      offset = 0;
    } else if (!at_end && at > 0 && Fits(nodes_[at - 1], entry_bytes)) {
      at -= 1;
      offset = nodes_[at].bytes.size();
    } else {
      at = at_end ? at + 1 : at;
      NewNode(at);
      offset = 0;
    }
  }
  Node& node = nodes_[at];
  WriteEntry(node.bytes.Open(offset, entry_bytes), value);
  ++node.count;
  ++length_;
}

void ListValue::SplitNode(size_t at, size_t offset) {
  uint32_t moved = 0;
  const Node& src = nodes_[at];
  for (size_t o = offset; o < src.bytes.size(); o = NextOffset(src, o)) ++moved;
  NewNode(at + 1);
  Node& left = nodes_[at];
  Node& right = nodes_[at + 1];
  right.bytes.Assign(left.bytes.data() + offset, left.bytes.size() - offset);
  right.count = moved;
  left.bytes.Close(offset, left.bytes.size() - offset);
  left.count -= moved;
}

bool ListValue::InsertAtPivot(std::string_view pivot, std::string_view value, bool after) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& node = nodes_[i];
    size_t total;
    for (size_t offset = 0; offset < node.bytes.size(); offset += total) {
      if (EntryAt(node, offset, &total) == pivot) {
        InsertAt({i, after ? offset + total : offset}, value);
        return true;
      }
    }
  }
  return false;
}

size_t ListValue::RemoveMatches(std::string_view value, uint64_t limit, bool from_tail) {
  size_t removed = 0;
  auto done = [&] { return limit != 0 && removed == limit; };
  size_t i = from_tail ? nodes_.size() : 0;
  while (!done() && (from_tail ? i-- > 0 : i < nodes_.size())) {
    Node& node = nodes_[i];
    size_t total;
    if (from_tail) {
      for (size_t end = node.bytes.size(); end > 0 && !done();) {
        const size_t start = PrevOffset(node, end);
        if (EntryAt(node, start, &total) == value) {
          node.bytes.Close(start, total);
          --node.count;
          ++removed;
        }
        end = start;
      }
    } else {
      for (size_t offset = 0; offset < node.bytes.size() && !done();) {
        if (EntryAt(node, offset, &total) == value) {
          node.bytes.Close(offset, total);
          --node.count;
          ++removed;
        } else {
          offset += total;
        }
      }
    }
    if (node.count == 0) {
      RemoveNode(i);
    } else if (!from_tail) {
      ++i;
    }
  }
  length_ -= removed;
  return removed;
}

void ListValue::EraseRange(size_t index, size_t count) {
  if (count == 0) return;
  Pos pos = Seek(index);
  length_ -= count;
  while (count > 0) {
    Node& node = nodes_[pos.node];
    if (pos.offset == 0 && count >= node.count) {
      count -= node.count;
      RemoveNode(pos.node);
      continue;
    }
    size_t end = pos.offset;
    uint32_t erased = 0;
    for (; erased < count && end < node.bytes.size(); ++erased) end = NextOffset(node, end);
    node.bytes.Close(pos.offset, end - pos.offset);
    node.count -= erased;
    count -= erased;
    pos = {pos.node + 1, 0};
  }
}

bool ListValue::Validate() const {
  size_t total_entries = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& node = nodes_[i];
    if (node.count == 0) return false;
    size_t entries = 0;
    size_t offset = 0;
    while (offset < node.bytes.size()) {
      size_t total;
      EntryAt(node, offset, &total);
      if (PrevOffset(node, offset + total) != offset) return false;
      offset += total;
      ++entries;
    }
    if (offset != node.bytes.size() || entries != node.count) return false;
    if (node.count > 1 && !MayGrow(node.count - 1, node.bytes.size())) return false;
    total_entries += entries;
  }
  return total_entries == length_;
}

ListValue::Cursor ListValue::CursorAt(size_t index) const {
  const Pos pos = Seek(index);
  return Cursor(this, pos.node, pos.offset);
}

std::string_view ListValue::Cursor::value() const {
  size_t total;
  return EntryAt(list_->nodes_[node_], offset_, &total);
}

void ListValue::Cursor::Next() {
  const Node& node = list_->nodes_[node_];
  offset_ = NextOffset(node, offset_);
  if (offset_ == node.bytes.size()) {
    ++node_;
    offset_ = 0;
  }
}

void ListValue::Cursor::Prev() {
  if (offset_ == 0) {
    if (node_ == 0) {
      node_ = SIZE_MAX;
      return;
    }
    --node_;
    offset_ = list_->nodes_[node_].bytes.size();
  }
  offset_ = PrevOffset(list_->nodes_[node_], offset_);
}

}  // namespace slotd
