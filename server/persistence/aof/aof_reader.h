// Splits an AOF command stream (`*N\r\n$len\r\n...\r\n` plus `#TS:...` annotation lines) into
// commands, telling a torn tail (a prefix of a command, as a crash leaves it) from garbage. Pure:
// no I/O.
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

namespace slotd {

class AofCommandReader {
 public:
  enum class Status {
    kCommand,    // *argv holds the next command (views into the data)
    kEnd,        // clean end of the data
    kTruncated,  // the data ends inside a command
    kBadFormat,  // bytes that no AOF writer produces
  };

  explicit AofCommandReader(std::string_view data) : data_(data) {}

  Status Next(std::vector<std::string_view>* argv);
  // Offset just past the last complete command returned (annotations after it are not counted).
  size_t offset() const { return offset_; }

 private:
  // Reads "<prefix><digits>\r\n" at pos_; kCommand on success.
  Status ReadNumberLine(char prefix, long long* value);

  std::string_view data_;
  size_t pos_ = 0;
  size_t offset_ = 0;
};

}  // namespace slotd
