// The list type (OBJECT ENCODING "quicklist", as Redis 7.0 reports for every list): a deque of
// compact nodes, each one flat byte buffer holding several elements, sized by
// list-max-listpack-size. Pure data structure: no RESP, no I/O, no configuration lookups.
//
// Invariants:
//  1. No node is empty; Length() is the sum of the nodes' counts.
//  2. A node's bytes are a sequence of entries: varint(len), the payload, then varint(len) again
//     byte-reversed, so entries can be walked in both directions.
//  3. A node holds more than one entry only while it respects the fill limit (bytes or entries).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <type_traits>

#include "server/keyspace/object.h"

namespace slotd {

namespace list_internal {

// A growable array with free room at both ends, for memcpy-relocatable T: adding or removing at
// either end is amortized O(1); opening or closing room in the middle moves the shorter side. It
// owns its buffer but not what T points to (the owner releases T's resources before Close/Release).
// Offsets relative to data() of elements before a changed position never move.
template <class T>
class GapArray {
 public:
  size_t size() const { return end_ - begin_; }
  bool empty() const { return end_ == begin_; }
  size_t capacity() const { return cap_; }
  T* data() { return buf_ + begin_; }
  const T* data() const { return buf_ + begin_; }
  T& operator[](size_t i) { return buf_[begin_ + i]; }
  const T& operator[](size_t i) const { return buf_[begin_ + i]; }

  // Opens `n` uninitialized slots before position `pos` (0..size()) and returns them.
  T* Open(size_t pos, size_t n);
  // Removes the `n` slots starting at `pos`.
  void Close(size_t pos, size_t n);
  // Drops the spare room (a node that stopped growing).
  void ShrinkToFit();
  // Frees the buffer; the array becomes empty.
  void Release() {
    std::free(buf_);
    buf_ = nullptr;
    cap_ = begin_ = end_ = 0;
  }
  // Replaces the contents with a copy of [src, src + n), exactly sized.
  void Assign(const T* src, size_t n);

 private:
  void Regrow(size_t pos, size_t n);
  // reallocs to `new_cap` elements (std::bad_alloc on failure); contents and offsets stay.
  T* Resize(size_t new_cap);

  T* buf_ = nullptr;
  size_t cap_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

struct Node {
  GapArray<char> bytes;  // entries, see invariant 2
  uint32_t count = 0;    // entries in bytes
};

}  // namespace list_internal

class ListValue final : public Collection {
 public:
  enum class End : uint8_t { kHead, kTail };

  // `fill` is list-max-listpack-size when the list is created (as Redis's quicklist keeps it):
  // -1..-5 = 4/8/16/32/64 KiB per node; positive = entries per node, within 8 KiB unless alone.
  explicit ListValue(int64_t fill);
  ~ListValue() override;
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;

  std::string_view EncodingName() const override { return "quicklist"; }
  size_t Length() const override { return length_; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Collection> Clone() const override;

  void Push(End end, std::string_view value);
  // REQUIRES: Length() > 0. The view is valid until the list changes.
  std::string_view Peek(End end) const;
  // REQUIRES: Length() > 0.
  void Pop(End end);

  // REQUIRES: index < Length(). The view is valid until the list changes.
  std::string_view At(size_t index) const;
  // REQUIRES: index < Length().
  void Set(size_t index, std::string_view value);
  // Inserts `value` next to the first element equal to `pivot` from the head; false when none.
  bool InsertAtPivot(std::string_view pivot, std::string_view value, bool after);
  // Removes up to `limit` elements equal to `value` (limit 0 = all), walking from the head, or from
  // the tail when `from_tail`. Returns how many were removed.
  size_t RemoveMatches(std::string_view value, uint64_t limit, bool from_tail);
  // Removes `count` elements starting at `index`. REQUIRES: index + count <= Length().
  void EraseRange(size_t index, size_t count);

  // Checks invariants 1-3 (tests and DEBUG); false when one is broken.
  bool Validate() const;
  size_t node_count() const { return nodes_.size(); }

  // A position in the list for walking it; invalidated by any change to the list.
  class Cursor {
   public:
    bool valid() const { return list_ != nullptr && node_ < list_->nodes_.size(); }
    std::string_view value() const;
    void Next();  // towards the tail
    void Prev();  // towards the head

   private:
    friend class ListValue;
    Cursor(const ListValue* list, size_t node, size_t offset)
        : list_(list), node_(node), offset_(offset) {}
    const ListValue* list_;
    size_t node_;
    size_t offset_;  // of the entry within the node's bytes
  };
  // REQUIRES: index < Length(). Walks from whichever end is nearer.
  Cursor CursorAt(size_t index) const;

  // Calls fn(std::string_view) for every element, head to tail.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    if (length_ == 0) return;
    for (Cursor c = CursorAt(0); c.valid(); c.Next()) fn(c.value());
  }

 private:
  using Node = list_internal::Node;
  struct Pos {
    size_t node;
    size_t offset;
  };

  // Whether a node holding `count` entries may take one more and grow to `new_bytes`.
  bool MayGrow(uint32_t count, size_t new_bytes) const;
  bool Fits(const Node& node, size_t entry_bytes) const {
    return MayGrow(node.count, node.bytes.size() + entry_bytes);
  }
  Pos Seek(size_t index) const;
  // Inserts before the entry at `pos` (pos.offset may be the node's size: after its last entry).
  void InsertAt(Pos pos, std::string_view value);
  // Creates an empty node at node index `at` and returns it.
  Node& NewNode(size_t at);
  void RemoveNode(size_t at);
  // Moves the entries from `offset` on into a new node right after `node`.
  void SplitNode(size_t node, size_t offset);

  list_internal::GapArray<Node> nodes_;
  size_t length_ = 0;
  int16_t fill_;
};

}  // namespace slotd
