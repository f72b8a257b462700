// RDB length/string/time primitives: writers choose the encodings Redis 7.0 chooses; readers
// accept every form Redis writes and reject truncated or hostile input with a named error.
#include "server/persistence/rdb/rdb_encoding.h"

#include <liblzf/lzf.h>

#include <charconv>
#include <limits>

namespace slotd::rdb {
namespace {

// Redis tries integer encoding only for strings this short (a 32-bit value has at most 11 chars).
constexpr size_t kMaxIntegerStringLen = 11;
// Redis compresses only strings longer than this, and only when LZF saves at least 4 bytes.
constexpr size_t kMinLzfInputLen = 21;
constexpr size_t kMinLzfSaving = 4;
// One LZF back-reference (at most 3 input bytes) expands to at most 264 output bytes, so no
// valid stream inflates more than 88x; larger claims are hostile and must not be allocated.
constexpr uint64_t kMaxLzfRatio = 88;

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

// ----------------------------------------------------------------------------------------------
// Writer

void Writer::Length(uint64_t len) {
  if (len < (1u << 6)) {
    Byte(static_cast<uint8_t>(kLen6Bit | len));
  } else if (len < (1u << 14)) {
    Byte(static_cast<uint8_t>(kLen14Bit | (len >> 8)));
    Byte(static_cast<uint8_t>(len & 0xFF));
  } else if (len <= std::numeric_limits<uint32_t>::max()) {
    Byte(kLen32Bit);
    for (int shift = 24; shift >= 0; shift -= 8) Byte(static_cast<uint8_t>(len >> shift));
  } else {
    Byte(kLen64Bit);
    for (int shift = 56; shift >= 0; shift -= 8) Byte(static_cast<uint8_t>(len >> shift));
  }
}

void Writer::String(std::string_view s, bool compress) {
  if (s.size() <= kMaxIntegerStringLen && TryIntegerString(s)) return;
  if (compress && s.size() >= kMinLzfInputLen && TryLzfString(s)) return;
  RawString(s);
}

void Writer::RawString(std::string_view s) {
  Length(s.size());
  Bytes(s);
}

bool Writer::TryIntegerString(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  // Only canonical text round-trips ("007", "-0" and "+1" must stay raw).
  char buf[24];
  auto [canon_end, canon_ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (canon_ec != std::errc() || std::string_view(buf, canon_end - buf) != s) return false;
  if (v >= std::numeric_limits<int8_t>::min() && v <= std::numeric_limits<int8_t>::max()) {
    Byte(kLenEncoded | kEncInt8);
    Byte(static_cast<uint8_t>(v));
  } else if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) {
    Byte(kLenEncoded | kEncInt16);
    U16Le(static_cast<uint16_t>(v));
  } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    Byte(kLenEncoded | kEncInt32);
    for (int shift = 0; shift < 32; shift += 8) Byte(static_cast<uint8_t>(v >> shift));
  } else {
    return false;
  }
  return true;
}

bool Writer::TryLzfString(std::string_view s) {
  if (s.size() > std::numeric_limits<unsigned int>::max()) return false;
  // lzf_compress returns 0 when the output does not fit, which enforces the minimum saving.
  thread_local std::string compressed;
  compressed.resize(s.size() - kMinLzfSaving);
  unsigned int clen = lzf_compress(s.data(), static_cast<unsigned int>(s.size()),
                                   compressed.data(), static_cast<unsigned int>(compressed.size()));
  if (clen == 0) return false;
  Byte(kLenEncoded | kEncLzf);
  Length(clen);
  Length(s.size());
  Bytes(std::string_view(compressed.data(), clen));
  return true;
}

void Writer::U16Le(uint16_t v) {
  Byte(static_cast<uint8_t>(v));
  Byte(static_cast<uint8_t>(v >> 8));
}

void Writer::U64Le(uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) Byte(static_cast<uint8_t>(v >> shift));
}

void Writer::ExpireTimeMs(int64_t unix_ms) {
  Byte(kOpExpireTimeMs);
  U64Le(static_cast<uint64_t>(unix_ms));
}

// ----------------------------------------------------------------------------------------------
// Reader

Result<std::string_view> Reader::Bytes(size_t n) {
  if (n > remaining()) {
    return Error{"rdb: need " + Num(n) + " bytes at offset " + Num(pos_) + ", only " +
                 Num(remaining()) + " remain"};
  }
  std::string_view bytes = in_.substr(pos_, n);
  pos_ += n;
  return bytes;
}

Result<uint8_t> Reader::Byte() {
  if (at_end()) return Error{"rdb: unexpected end of data at offset " + Num(pos_)};
  return static_cast<uint8_t>(in_[pos_++]);
}

Result<uint64_t> Reader::BigEndian(size_t n) {
  auto bytes = Bytes(n);
  if (!bytes) return Error{bytes.error()};
  uint64_t v = 0;
  for (char c : *bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

Result<uint64_t> Reader::LittleEndian(size_t n) {
  auto bytes = Bytes(n);
  if (!bytes) return Error{bytes.error()};
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>((*bytes)[i]);
  return v;
}

Result<LengthField> Reader::LengthOrEncoding() {
  auto first = Byte();
  if (!first) return Error{first.error()};
  uint8_t b = *first;
  switch (b >> 6) {
    case 0:
      return LengthField{b, false};
    case 1: {
      auto low = Byte();
      if (!low) return Error{low.error()};
      return LengthField{(static_cast<uint64_t>(b & 0x3F) << 8) | *low, false};
    }
    case 3:
      return LengthField{static_cast<uint64_t>(b & 0x3F), true};
    default:
      break;
  }
  if (b != kLen32Bit && b != kLen64Bit) {
    return Error{"rdb: unknown length encoding byte " + Num(b) + " at offset " + Num(pos_ - 1)};
  }
  auto v = BigEndian(b == kLen32Bit ? 4 : 8);
  if (!v) return Error{v.error()};
  return LengthField{*v, false};
}

Result<uint64_t> Reader::Length() {
  size_t start = pos_;
  auto field = LengthOrEncoding();
  if (!field) return Error{field.error()};
  if (field->encoded) {
    return Error{"rdb: expected a length at offset " + Num(start) + ", found string encoding " +
                 Num(field->value)};
  }
  return field->value;
}

Result<std::string> Reader::String() {
  auto field = LengthOrEncoding();
  if (!field) return Error{field.error()};
  if (field->encoded) {
    if (field->value == kEncLzf) return LzfString();
    return IntegerString(field->value);
  }
  if (field->value > remaining()) {
    return Error{"rdb: string length " + Num(field->value) + " exceeds remaining " +
                 Num(remaining()) + " bytes"};
  }
  auto bytes = Bytes(static_cast<size_t>(field->value));
  if (!bytes) return Error{bytes.error()};
  return std::string(*bytes);
}

Result<std::string_view> Reader::StringView(std::string* scratch) {
  size_t start = pos_;
  auto field = LengthOrEncoding();
  if (!field) return Error{field.error()};
  if (field->encoded) {
    pos_ = start;
    auto decoded = String();
    if (!decoded) return Error{decoded.error()};
    *scratch = std::move(*decoded);
    return std::string_view(*scratch);
  }
  if (field->value > remaining()) {
    return Error{"rdb: string length " + Num(field->value) + " exceeds remaining " +
                 Num(remaining()) + " bytes"};
  }
  return Bytes(static_cast<size_t>(field->value));
}

Result<std::string> Reader::IntegerString(uint64_t kind) {
  size_t width = kind == kEncInt8 ? 1 : kind == kEncInt16 ? 2 : kind == kEncInt32 ? 4 : 0;
  if (width == 0) return Error{"rdb: unknown string encoding " + Num(kind)};
  auto u = LittleEndian(width);
  if (!u) return Error{u.error()};
  // Sign-extend from the encoded width.
  int shift = static_cast<int>(64 - 8 * width);
  int64_t v = static_cast<int64_t>(*u << shift) >> shift;
  return std::to_string(v);
}

Result<std::string> Reader::LzfString() {
  auto clen = Length();
  if (!clen) return Error{clen.error()};
  auto len = Length();
  if (!len) return Error{len.error()};
  if (*clen > remaining()) {
    return Error{"rdb: LZF compressed length " + Num(*clen) + " exceeds remaining " +
                 Num(remaining()) + " bytes"};
  }
  if (*len == 0 || *clen == 0 || *len / kMaxLzfRatio > *clen ||
      *len > std::numeric_limits<unsigned int>::max()) {
    return Error{"rdb: invalid LZF lengths: " + Num(*clen) + " compressed, " + Num(*len) +
                 " original"};
  }
  auto compressed = Bytes(static_cast<size_t>(*clen));
  if (!compressed) return Error{compressed.error()};
  std::string out(static_cast<size_t>(*len), '\0');
  unsigned int got = lzf_decompress(compressed->data(), static_cast<unsigned int>(*clen),
                                    out.data(), static_cast<unsigned int>(*len));
  if (got != *len) {
    return Error{"rdb: invalid LZF data: expanded to " + Num(got) + " bytes, expected " +
                 Num(*len)};
  }
  return out;
}

Result<uint16_t> Reader::U16Le() {
  auto v = LittleEndian(2);
  if (!v) return Error{v.error()};
  return static_cast<uint16_t>(*v);
}

Result<uint64_t> Reader::U64Le() { return LittleEndian(8); }

Result<int64_t> Reader::ExpireTimeMs() {
  auto v = U64Le();
  if (!v) return Error{v.error()};
  return static_cast<int64_t>(*v);
}

Result<int64_t> Reader::ExpireTimeSeconds() {
  auto u = LittleEndian(4);
  if (!u) return Error{u.error()};
  return static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(*u))) * 1000;
}

}  // namespace slotd::rdb
