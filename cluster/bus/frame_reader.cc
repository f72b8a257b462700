// FrameReader: preamble checks (signature, totlen bounds) and frame extraction.
#include "cluster/bus/frame_reader.h"

#include "cluster/bus/wire_format.h"

namespace slotd::bus {

void FrameReader::Append(std::string_view chunk) {
  if (!error_.empty()) return;
  // Compact before growing so a long-lived link does not keep consumed bytes around.
  if (start_ > 0 && start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  } else if (start_ > 0 && start_ >= buf_.size() / 2) {
    buf_.erase(0, start_);
    start_ = 0;
  }
  buf_.append(chunk);
}

FrameReader::Status FrameReader::Next(std::string_view* frame) {
  if (!error_.empty()) return Status::kError;
  const std::string_view pending = std::string_view(buf_).substr(start_);
  // The signature can be judged byte by byte, before the full preamble arrives.
  static constexpr std::string_view kSig = "RCmb";
  const size_t sig_seen = pending.size() < kSig.size() ? pending.size() : kSig.size();
  if (pending.substr(0, sig_seen) != kSig.substr(0, sig_seen)) {
    error_ = "bus: bad signature, garbage on the link";
    return Status::kError;
  }
  if (pending.size() < kPreambleSize) return Status::kNeedMore;
  uint32_t totlen = 0;
  for (size_t i = 0; i < 4; ++i) {
    totlen = totlen << 8 | static_cast<uint8_t>(pending[kOffTotlen + i]);
  }
  if (totlen < kHeaderSize) {
    error_ = "bus: frame totlen " + std::to_string(totlen) + " < header " +
             std::to_string(kHeaderSize);
    return Status::kError;
  }
  if (totlen > max_frame_) {
    error_ = "bus: frame totlen " + std::to_string(totlen) + " > maximum " +
             std::to_string(max_frame_);
    return Status::kError;
  }
  if (pending.size() < totlen) return Status::kNeedMore;
  *frame = pending.substr(0, totlen);
  start_ += totlen;
  return Status::kFrame;
}

}  // namespace slotd::bus
