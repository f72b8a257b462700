// A growable byte buffer with a read position: the connection reads from the socket into its free tail
// and the request parser consumes from its head. Compact() moves the unread bytes to the front.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace slotd {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { std::free(data_); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  std::string_view unread() const { return {data_ + read_pos_, size_ - read_pos_}; }
  size_t unread_size() const { return size_ - read_pos_; }
  size_t capacity() const { return capacity_; }
  void Consume(size_t n) { read_pos_ += n; }

  // Ensures at least `n` writable bytes after the data and returns where they start.
  char* Reserve(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    return data_ + size_;
  }
  void Commit(size_t n) { size_ += n; }

  // Drops consumed bytes; frees a large buffer that became empty.
  void Compact() {
    if (read_pos_ == 0) return;
    size_t left = size_ - read_pos_;
    if (left > 0) std::memmove(data_, data_ + read_pos_, left);
    size_ = left;
    read_pos_ = 0;
    if (size_ == 0 && capacity_ > kShrinkAbove) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
    }
  }

 private:
  static constexpr size_t kShrinkAbove = 64 * 1024;

  void Grow(size_t needed) {
    size_t cap = capacity_ == 0 ? 16 * 1024 : capacity_;
    while (cap < needed) cap *= 2;
    char* grown = static_cast<char*>(std::realloc(data_, cap));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = grown;
    capacity_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t read_pos_ = 0;
};

}  // namespace slotd
