// FrameReader: rebuilds cluster-bus frames from byte chunks of any size, using the totlen field
// at offset 4. Garbage (bad signature, totlen below the header or above the limit) is reported
// once and is sticky: the link must be dropped, as clusterReadHandler does. Pure; std only.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace slotd::bus {

class FrameReader {
 public:
  // PUBLISH frames carry whole pub/sub messages, so the limit must exceed the largest message
  // the node accepts; the default bounds memory per link.
  static constexpr size_t kDefaultMaxFrame = 64 * 1024 * 1024;

  enum class Status { kFrame, kNeedMore, kError };

  explicit FrameReader(size_t max_frame = kDefaultMaxFrame) : max_frame_(max_frame) {}

  // Appends received bytes. Cheap; validation happens in Next().
  void Append(std::string_view chunk);

  // kFrame: `*frame` holds one complete frame (exactly totlen bytes, valid until the next
  // Append).
  // kNeedMore: wait for more bytes. kError: see error(); every later call returns kError.
  Status Next(std::string_view* frame);

  const std::string& error() const { return error_; }
  size_t buffered() const { return buf_.size() - start_; }

 private:
  std::string buf_;
  size_t start_ = 0;  // first unconsumed byte of buf_
  size_t max_frame_;
  std::string error_;
};

}  // namespace slotd::bus
