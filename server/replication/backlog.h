// The replication backlog: a circular history of the newest stream bytes, addressed by stream
// offset, from which a reconnecting replica's PSYNC is served (Redis's repl_backlog). No I/O.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotd {

class ReplBacklog {
 public:
  // `end_offset` is the stream offset of the last byte already produced (master_repl_offset); the
  // first byte appended gets end_offset + 1.
  ReplBacklog(size_t capacity, int64_t end_offset);

  void Append(std::string_view bytes);
  // Keeps the newest min(histlen, capacity) bytes.
  void Resize(size_t capacity);

  size_t capacity() const { return buffer_.size(); }
  size_t histlen() const { return histlen_; }
  int64_t end_offset() const { return end_offset_; }
  // Offset of the oldest byte held; end_offset + 1 while empty (Redis reports it so).
  int64_t first_byte_offset() const { return end_offset_ - static_cast<int64_t>(histlen_) + 1; }
  // True when a replica that needs the bytes from `offset` on can be served (an offset just past
  // the end is fine: nothing to send).
  bool Covers(int64_t offset) const {
    return offset >= first_byte_offset() && offset <= end_offset_ + 1;
  }
  // Appends the bytes from `offset` to the end to `out`; false (nothing appended) when not
  // Covers().
  bool CopyFrom(int64_t offset, std::string* out) const;

 private:
  std::string buffer_;
  size_t write_pos_ = 0;  // where the next byte goes
  size_t histlen_ = 0;
  int64_t end_offset_;
};

}  // namespace slotd
