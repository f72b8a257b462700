// The AOF command stream reader: any prefix of a valid command is "truncated", never "bad format",
// so a crash's torn tail can be told from corruption.
#include "server/persistence/aof/aof_reader.h"

namespace slotd {

AofCommandReader::Status AofCommandReader::ReadNumberLine(char prefix, long long* value) {
  if (pos_ >= data_.size()) return Status::kTruncated;
  if (data_[pos_] != prefix) return Status::kBadFormat;
  size_t i = pos_ + 1;
  bool negative = false;
  if (i < data_.size() && data_[i] == '-') {
    negative = true;
    ++i;
  }
  size_t digits_start = i;
  long long n = 0;
  while (i < data_.size() && data_[i] >= '0' && data_[i] <= '9') {
    if (n > (1LL << 50)) return Status::kBadFormat;  // far beyond any length we could hold
    n = n * 10 + (data_[i] - '0');
    ++i;
  }
  if (i >= data_.size()) return Status::kTruncated;
  if (i == digits_start || data_[i] != '\r') return Status::kBadFormat;
  if (i + 1 >= data_.size()) return Status::kTruncated;
  if (data_[i + 1] != '\n') return Status::kBadFormat;
  pos_ = i + 2;
  *value = negative ? -n : n;
  return Status::kCommand;
}

AofCommandReader::Status AofCommandReader::Next(std::vector<std::string_view>* argv) {
  argv->clear();
  // Annotations ("#TS:1700000000\r\n") are whole lines; a torn one is a torn tail.
  while (pos_ < data_.size() && data_[pos_] == '#') {
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) return Status::kTruncated;
    pos_ = end + 1;
  }
  if (pos_ >= data_.size()) return Status::kEnd;
  long long argc = 0;
  Status status = ReadNumberLine('*', &argc);
  if (status != Status::kCommand) return status;
  if (argc < 1) return Status::kBadFormat;
  argv->reserve(static_cast<size_t>(argc < 64 ? argc : 64));
  for (long long j = 0; j < argc; ++j) {
    long long len = 0;
    status = ReadNumberLine('$', &len);
    if (status != Status::kCommand) return status;
    if (len < 0) return Status::kBadFormat;
    size_t need = static_cast<size_t>(len) + 2;
    if (data_.size() - pos_ < need) return Status::kTruncated;
    if (data_[pos_ + need - 2] != '\r' || data_[pos_ + need - 1] != '\n') return Status::kBadFormat;
    argv->push_back(data_.substr(pos_, static_cast<size_t>(len)));
    pos_ += need;
  }
  offset_ = pos_;
  return Status::kCommand;
}

}  // namespace slotd
