// ReplBacklog: a fixed ring; appends larger than the ring keep only their tail.
#include "server/replication/backlog.h"

#include <algorithm>

namespace slotd {

ReplBacklog::ReplBacklog(size_t capacity, int64_t end_offset)
    : buffer_(std::max<size_t>(capacity, 1), '\0'), end_offset_(end_offset) {}

void ReplBacklog::Append(std::string_view bytes) {
  end_offset_ += static_cast<int64_t>(bytes.size());
  const size_t cap = buffer_.size();
  if (bytes.size() >= cap) {
    bytes.remove_prefix(bytes.size() - cap);
    std::copy(bytes.begin(), bytes.end(), buffer_.begin());
    write_pos_ = 0;
    histlen_ = cap;
    return;
  }
  size_t first = std::min(bytes.size(), cap - write_pos_);
  std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(first),
            buffer_.begin() + write_pos_);
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.end(), buffer_.begin());
  write_pos_ = (write_pos_ + bytes.size()) % cap;
  histlen_ = std::min(cap, histlen_ + bytes.size());
}

bool ReplBacklog::CopyFrom(int64_t offset, std::string* out) const {
  if (!Covers(offset)) return false;
  size_t count = static_cast<size_t>(end_offset_ + 1 - offset);
  const size_t cap = buffer_.size();
  size_t start = (write_pos_ + cap - count) % cap;
  size_t first = std::min(count, cap - start);
  out->append(buffer_, start, first);
  out->append(buffer_, 0, count - first);
  return true;
}

void ReplBacklog::Resize(size_t capacity) {
  capacity = std::max<size_t>(capacity, 1);
  if (capacity == buffer_.size()) return;
  std::string history;
  CopyFrom(end_offset_ + 1 - static_cast<int64_t>(histlen_), &history);
  if (history.size() > capacity) history.erase(0, history.size() - capacity);
  buffer_.assign(capacity, '\0');
  std::copy(history.begin(), history.end(), buffer_.begin());
  histlen_ = history.size();
  write_pos_ = histlen_ % capacity;
}

}  // namespace slotd
