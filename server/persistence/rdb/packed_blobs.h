// The flat blobs Redis embeds in RDB strings (PROTOCOLS.md 7.5): listpacks (written and read),
// intsets (written and read) and the old ziplists (read only). Readers validate every header,
// entry and length against the blob's bounds, so a corrupt blob is an error, never a bad read.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cluster/core/result.h"

namespace slotd::rdb {

// One element of a listpack or ziplist: bytes (a view into the blob) or an integer.
struct PackedElement {
  std::string_view str;
  int64_t integer = 0;
  bool is_integer = false;
  // The element's text; integers are formatted into `buf`.
  std::string_view Text(char (&buf)[24]) const;
};

// The value of `s` when it is an integer's canonical decimal text (what listpacks, intsets and RDB
// integer strings store as numbers): no sign on 0, no leading zeros, no '+', fits int64.
bool CanonicalInt64(std::string_view s, int64_t* value);

// Appends a listpack to a caller-owned string, as lpAppend would build it.
class ListpackBuilder {
 public:
  // Starts a listpack at the end of *out (which may already hold other data).
  explicit ListpackBuilder(std::string* out);
  // Canonical integers are stored in integer form, as Redis does.
  void Add(std::string_view element);
  void AddInteger(int64_t value);
  // Bytes the listpack occupies so far, terminator included.
  size_t bytes() const { return out_->size() - start_ + 1; }
  size_t count() const { return count_; }
  // Writes the terminator and the header. The builder must not be used afterwards.
  void Finish();

 private:
  void AppendBacklen(size_t entry_len);

  std::string* out_;
  size_t start_;
  size_t count_ = 0;
};

// Walks a listpack blob, validating as it goes.
class ListpackReader {
 public:
  // Validates the header (total bytes equal to the blob size, room for the terminator).
  static Result<ListpackReader> Open(std::string_view blob);
  // The next element into *out; false after the last one (having checked the terminator is the
  // last byte and the element count agrees with the header).
  Result<bool> Next(PackedElement* out);
  // The header's element count; 65535 means "unknown, count by walking".
  uint16_t header_count() const { return header_count_; }

 private:
  explicit ListpackReader(std::string_view blob, uint16_t count)
      : blob_(blob), header_count_(count) {}

  std::string_view blob_;
  size_t pos_ = 6;
  size_t seen_ = 0;
  uint16_t header_count_;
};

// Walks an old ziplist blob (types 10, 12, 13, 14), validating as it goes.
class ZiplistReader {
 public:
  static Result<ZiplistReader> Open(std::string_view blob);
  Result<bool> Next(PackedElement* out);

 private:
  explicit ZiplistReader(std::string_view blob, uint16_t count, uint32_t tail)
      : blob_(blob), header_count_(count), tail_(tail) {}

  std::string_view blob_;
  size_t pos_ = 10;
  size_t seen_ = 0;
  size_t prev_len_ = 0;
  size_t last_entry_ = 0;
  uint16_t header_count_;
  uint32_t tail_;
};

// Appends an intset of `values` (strictly ascending) with the narrowest element width.
void BuildIntset(std::span<const int64_t> values, std::string* out);

// A validated intset: width 2, 4 or 8, elements strictly ascending.
class IntsetView {
 public:
  static Result<IntsetView> Open(std::string_view blob);
  size_t size() const { return count_; }
  int64_t At(size_t i) const;

 private:
  IntsetView(const char* data, uint32_t width, uint32_t count)
      : data_(data), width_(width), count_(count) {}
  const char* data_;
  uint32_t width_;
  uint32_t count_;
};

}  // namespace slotd::rdb
