// Listpack, intset and ziplist codecs for RDB values: builders write exactly Redis 7.0's bytes,
// readers check every length against the blob before touching it.
#include "server/persistence/rdb/packed_blobs.h"

#include <charconv>
#include <cstring>
#include <limits>

namespace slotd::rdb {
namespace {

constexpr size_t kListpackHeader = 6;  // u32 total bytes, u16 element count
constexpr uint16_t kListpackCountUnknown = 65535;
constexpr uint8_t kListpackEnd = 0xFF;
constexpr size_t kZiplistHeader = 10;  // u32 bytes, u32 tail offset, u16 count
constexpr size_t kIntsetHeader = 8;    // u32 width, u32 count

uint64_t LoadLe(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void StoreLe(char* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

int64_t SignExtend(uint64_t v, int bits) {
  int shift = 64 - bits;
  return static_cast<int64_t>(v << shift) >> shift;
}

Error Corrupt(std::string_view what, std::string_view detail, size_t offset) {
  return Error{std::string(what) + ": " + std::string(detail) + " at blob offset " +
               std::to_string(offset)};
}

// Bytes a listpack backlen takes for an entry of `len` bytes (lpEncodeBacklen).
size_t BacklenSize(size_t len) {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

// Decodes one listpack entry's encoding and data at `p` (with `avail` bytes up to the
// terminator's position); returns the encoded size or 0 when the entry is malformed.
size_t DecodeListpackEntry(const char* p, size_t avail, PackedElement* out) {
  auto b = static_cast<uint8_t>(p[0]);
  out->is_integer = true;
  out->str = {};
  auto need = [&](size_t header, uint64_t payload) -> size_t {
    if (payload > avail || header + payload > avail) return 0;
    return header + static_cast<size_t>(payload);
  };
  if (b < 0x80) {
    out->integer = b;
    return 1;
  }
  if ((b & 0xC0) == 0x80) {
    size_t n = need(1, b & 0x3F);
    out->is_integer = false;
    if (n != 0) out->str = {p + 1, n - 1};
    return n;
  }
  if ((b & 0xE0) == 0xC0) {
    if (avail < 2) return 0;
    out->integer = SignExtend(((b & 0x1Fu) << 8) | static_cast<uint8_t>(p[1]), 13);
    return 2;
  }
  if ((b & 0xF0) == 0xE0) {
    if (avail < 2) return 0;
    size_t n = need(2, ((b & 0x0Fu) << 8) | static_cast<uint8_t>(p[1]));
    out->is_integer = false;
    if (n != 0) out->str = {p + 2, n - 2};
    return n;
  }
  if (b == 0xF0) {
    if (avail < 5) return 0;
    size_t n = need(5, LoadLe(p + 1, 4));
    out->is_integer = false;
    if (n != 0) out->str = {p + 5, n - 5};
    return n;
  }
  static constexpr size_t kIntWidth[] = {2, 3, 4, 8};  // 0xF1..0xF4
  if (b < 0xF1 || b > 0xF4) return 0;
  size_t width = kIntWidth[b - 0xF1];
  if (avail < 1 + width) return 0;
  out->integer = SignExtend(LoadLe(p + 1, width), static_cast<int>(width * 8));
  return 1 + width;
}

}  // namespace

std::string_view PackedElement::Text(char (&buf)[24]) const {
  if (!is_integer) return str;
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), integer);
  return {buf, static_cast<size_t>(end - buf)};
}

bool CanonicalInt64(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() > 20) return false;
  if (s[0] == '0') {
    if (s.size() != 1) return false;
    *value = 0;
    return true;
  }
  size_t digits_at = s[0] == '-' ? 1 : 0;
  if (digits_at == s.size() || s[digits_at] < '1' || s[digits_at] > '9') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
  return ec == std::errc() && end == s.data() + s.size();
}

// ---------------------------------------------------------------------------------------------
// ListpackBuilder

ListpackBuilder::ListpackBuilder(std::string* out) : out_(out), start_(out->size()) {
  out_->append(kListpackHeader, '\0');
}

void ListpackBuilder::Add(std::string_view element) {
  int64_t v = 0;
  if (CanonicalInt64(element, &v)) return AddInteger(v);
  size_t len = element.size();
  size_t header;
  if (len < 64) {
    out_->push_back(static_cast<char>(0x80 | len));
    header = 1;
  } else if (len < 4096) {
    out_->push_back(static_cast<char>(0xE0 | (len >> 8)));
    out_->push_back(static_cast<char>(len & 0xFF));
    header = 2;
  } else {
    char buf[5] = {static_cast<char>(0xF0)};
    StoreLe(buf + 1, len, 4);
    out_->append(buf, 5);
    header = 5;
  }
  out_->append(element);
  AppendBacklen(header + len);
}

void ListpackBuilder::AddInteger(int64_t v) {
  char buf[9];
  size_t len;
  if (v >= 0 && v <= 127) {
    buf[0] = static_cast<char>(v);
    len = 1;
  } else if (v >= -4096 && v <= 4095) {
    uint64_t u = static_cast<uint64_t>(v) & 0x1FFF;
    buf[0] = static_cast<char>(0xC0 | (u >> 8));
    buf[1] = static_cast<char>(u & 0xFF);
    len = 2;
  } else {
    size_t width = v >= -32768 && v <= 32767         ? 2
                   : v >= -8388608 && v <= 8388607   ? 3
                   : v >= std::numeric_limits<int32_t>::min() &&
                           v <= std::numeric_limits<int32_t>::max()
                       ? 4
                       : 8;
    buf[0] = static_cast<char>(width == 2 ? 0xF1 : width == 3 ? 0xF2 : width == 4 ? 0xF3 : 0xF4);
    StoreLe(buf + 1, static_cast<uint64_t>(v), width);
    len = 1 + width;
  }
  out_->append(buf, len);
  AppendBacklen(len);
}

void ListpackBuilder::AppendBacklen(size_t entry_len) {
  size_t n = BacklenSize(entry_len);
  char buf[5];
  for (size_t i = 0; i < n; ++i) {
    uint8_t group = static_cast<uint8_t>((entry_len >> (7 * (n - 1 - i))) & 0x7F);
    buf[i] = static_cast<char>(i == 0 ? group : (group | 0x80));
  }
  out_->append(buf, n);
  ++count_;
}

void ListpackBuilder::Finish() {
  out_->push_back(static_cast<char>(kListpackEnd));
  char* header = out_->data() + start_;
  StoreLe(header, out_->size() - start_, 4);
  StoreLe(header + 4, count_ < kListpackCountUnknown ? count_ : kListpackCountUnknown, 2);
}

// ---------------------------------------------------------------------------------------------
// ListpackReader

Result<ListpackReader> ListpackReader::Open(std::string_view blob) {
  if (blob.size() < kListpackHeader + 1) return Corrupt("listpack", "too short", 0);
  if (LoadLe(blob.data(), 4) != blob.size()) {
    return Corrupt("listpack", "header size differs from the blob size", 0);
  }
  if (static_cast<uint8_t>(blob.back()) != kListpackEnd) {
    return Corrupt("listpack", "missing terminator", blob.size() - 1);
  }
  return ListpackReader(blob, static_cast<uint16_t>(LoadLe(blob.data() + 4, 2)));
}

Result<bool> ListpackReader::Next(PackedElement* out) {
  size_t end = blob_.size() - 1;  // the terminator
  if (pos_ == end) {
    if (header_count_ != kListpackCountUnknown && seen_ != header_count_) {
      return Corrupt("listpack", "element count differs from the header", pos_);
    }
    return false;
  }
  size_t len = DecodeListpackEntry(blob_.data() + pos_, end - pos_, out);
  if (len == 0) return Corrupt("listpack", "bad entry", pos_);
  size_t backlen = BacklenSize(len);
  if (backlen > end - pos_ - len) return Corrupt("listpack", "entry overruns the blob", pos_);
  const char* b = blob_.data() + pos_ + len;
  for (size_t i = 0; i < backlen; ++i) {
    uint8_t group = static_cast<uint8_t>((len >> (7 * (backlen - 1 - i))) & 0x7F);
    uint8_t want = i == 0 ? group : (group | 0x80);
    if (static_cast<uint8_t>(b[i]) != want) return Corrupt("listpack", "bad backlen", pos_);
  }
  pos_ += len + backlen;
  ++seen_;
  return true;
}

// ---------------------------------------------------------------------------------------------
// ZiplistReader

Result<ZiplistReader> ZiplistReader::Open(std::string_view blob) {
  if (blob.size() < kZiplistHeader + 1) return Corrupt("ziplist", "too short", 0);
  if (LoadLe(blob.data(), 4) != blob.size()) {
    return Corrupt("ziplist", "header size differs from the blob size", 0);
  }
  if (static_cast<uint8_t>(blob.back()) != 0xFF) {
    return Corrupt("ziplist", "missing terminator", blob.size() - 1);
  }
  auto tail = static_cast<uint32_t>(LoadLe(blob.data() + 4, 4));
  if (tail >= blob.size()) return Corrupt("ziplist", "tail offset out of range", 4);
  return ZiplistReader(blob, static_cast<uint16_t>(LoadLe(blob.data() + 8, 2)), tail);
}

Result<bool> ZiplistReader::Next(PackedElement* out) {
  size_t end = blob_.size() - 1;
  if (pos_ == end) {
    if (header_count_ != 65535 && seen_ != header_count_) {
      return Corrupt("ziplist", "element count differs from the header", pos_);
    }
    size_t want_tail = seen_ == 0 ? kZiplistHeader : last_entry_;
    if (tail_ != want_tail) return Corrupt("ziplist", "tail offset is wrong", 4);
    return false;
  }
  const char* p = blob_.data() + pos_;
  size_t avail = end - pos_;
  size_t prevlen_size = static_cast<uint8_t>(p[0]) < 254 ? 1 : 5;
  if (avail < prevlen_size + 1) return Corrupt("ziplist", "entry overruns the blob", pos_);
  size_t prevlen = prevlen_size == 1 ? static_cast<uint8_t>(p[0]) : LoadLe(p + 1, 4);
  if (static_cast<uint8_t>(p[0]) == 255 || prevlen != prev_len_) {
    return Corrupt("ziplist", "bad prevlen", pos_);
  }
  size_t at = prevlen_size;
  auto enc = static_cast<uint8_t>(p[at]);
  uint64_t str_len = 0;
  size_t header = 1;
  out->is_integer = enc >= 0xC0;
  if (enc < 0x40) {
    str_len = enc & 0x3F;
  } else if (enc < 0x80) {
    if (avail < at + 2) return Corrupt("ziplist", "entry overruns the blob", pos_);
    str_len = ((enc & 0x3Fu) << 8) | static_cast<uint8_t>(p[at + 1]);
    header = 2;
  } else if (enc < 0xC0) {
    if (avail < at + 5) return Corrupt("ziplist", "entry overruns the blob", pos_);
    for (size_t i = 1; i <= 4; ++i) str_len = (str_len << 8) | static_cast<uint8_t>(p[at + i]);
    header = 5;
  } else {
    size_t width = enc == 0xC0 ? 2 : enc == 0xD0 ? 4 : enc == 0xE0 ? 8 : enc == 0xF0 ? 3
                 : enc == 0xFE ? 1 : 0;
    if (width == 0 && (enc < 0xF1 || enc > 0xFD)) return Corrupt("ziplist", "bad encoding", pos_);
    str_len = width;  // payload bytes
    if (width == 0) out->integer = (enc & 0x0F) - 1;
  }
  if (str_len > avail || at + header + str_len > avail) {
    return Corrupt("ziplist", "entry overruns the blob", pos_);
  }
  const char* data = p + at + header;
  if (out->is_integer) {
    if (str_len != 0) {
      out->integer = SignExtend(LoadLe(data, str_len), static_cast<int>(8 * str_len));
    }
  } else {
    out->str = {data, static_cast<size_t>(str_len)};
  }
  size_t total = at + header + static_cast<size_t>(str_len);
  last_entry_ = pos_;
  prev_len_ = total;
  pos_ += total;
  ++seen_;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Intsets

void BuildIntset(std::span<const int64_t> values, std::string* out) {
  uint32_t width = 2;
  for (int64_t v : values) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      width = 8;
      break;
    }
    if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
      width = 4;
    }
  }
  size_t start = out->size();
  out->resize(start + kIntsetHeader + width * values.size());
  char* p = out->data() + start;
  StoreLe(p, width, 4);
  StoreLe(p + 4, values.size(), 4);
  p += kIntsetHeader;
  for (int64_t v : values) {
    StoreLe(p, static_cast<uint64_t>(v), width);
    p += width;
  }
}

Result<IntsetView> IntsetView::Open(std::string_view blob) {
  if (blob.size() < kIntsetHeader) return Corrupt("intset", "too short", 0);
  auto width = static_cast<uint32_t>(LoadLe(blob.data(), 4));
  auto count = static_cast<uint32_t>(LoadLe(blob.data() + 4, 4));
  if (width != 2 && width != 4 && width != 8) return Corrupt("intset", "bad encoding", 0);
  if ((blob.size() - kIntsetHeader) / width != count || (blob.size() - kIntsetHeader) % width) {
    return Corrupt("intset", "length differs from the blob size", 4);
  }
  IntsetView view(blob.data() + kIntsetHeader, width, count);
  for (size_t i = 1; i < count; ++i) {
    if (view.At(i - 1) >= view.At(i)) {
      return Corrupt("intset", "elements not strictly ascending", kIntsetHeader + i * width);
    }
  }
  return view;
}

int64_t IntsetView::At(size_t i) const {
  return SignExtend(LoadLe(data_ + i * width_, width_), static_cast<int>(8 * width_));
}

}  // namespace slotd::rdb
