// RDB v10 primitives (PROTOCOLS.md 7.2-7.4): opcode and type bytes, length and string encodings,
// expiry times. A pure codec: Writer appends to a std::string, Reader bounds-checks a string_view.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/core/result.h"

namespace slotd::rdb {

inline constexpr int kRdbVersion = 10;  // "REDIS0010"; Redis 7.0 loads versions 1..10

// Opcodes: bytes that may appear where a value-type byte is expected (section 7.4).
inline constexpr uint8_t kOpFunction2 = 0xF5;     // one string: a Function library's source
inline constexpr uint8_t kOpFunction = 0xF6;      // 7.0-rc function format, obsolete
inline constexpr uint8_t kOpModuleAux = 0xF7;     // module aux data; unskippable without module
inline constexpr uint8_t kOpIdle = 0xF8;          // len: LRU idle seconds of the next key
inline constexpr uint8_t kOpFreq = 0xF9;          // 1 byte: LFU counter of the next key
inline constexpr uint8_t kOpAux = 0xFA;           // string key, string value (metadata)
inline constexpr uint8_t kOpResizeDb = 0xFB;      // len db_size, len expires_size (hints)
inline constexpr uint8_t kOpExpireTimeMs = 0xFC;  // 8-byte LE Unix ms expiry of the next key
inline constexpr uint8_t kOpExpireTime = 0xFD;    // 4-byte LE Unix seconds (old files)
inline constexpr uint8_t kOpSelectDb = 0xFE;      // len: db index for the keys that follow
inline constexpr uint8_t kOpEof = 0xFF;           // end of data; 8-byte LE CRC64 follows

// Value-type bytes. "7.0 writes" marks the ones a real Redis 7.0 emits.
inline constexpr uint8_t kTypeString = 0;            // 7.0 writes: string
inline constexpr uint8_t kTypeList = 1;              // old: len n, n strings
inline constexpr uint8_t kTypeSet = 2;               // 7.0 writes: len n, n strings
inline constexpr uint8_t kTypeZset = 3;              // old: member, ASCII score
inline constexpr uint8_t kTypeHash = 4;              // 7.0 writes: len n, n field/value pairs
inline constexpr uint8_t kTypeZset2 = 5;             // 7.0 writes: member, 8-byte LE double
inline constexpr uint8_t kTypeModule = 6;            // module value v1, unskippable
inline constexpr uint8_t kTypeModule2 = 7;           // 7.0 writes (modules only)
inline constexpr uint8_t kTypeHashZipmap = 9;        // ancient: string holding a zipmap
inline constexpr uint8_t kTypeListZiplist = 10;      // old: string holding a ziplist
inline constexpr uint8_t kTypeSetIntset = 11;        // 7.0 writes: string holding an intset
inline constexpr uint8_t kTypeZsetZiplist = 12;      // old: ziplist of member, score
inline constexpr uint8_t kTypeHashZiplist = 13;      // old: ziplist of field, value
inline constexpr uint8_t kTypeListQuicklist = 14;    // <= 6.2: len nodes, ziplist strings
inline constexpr uint8_t kTypeStreamListpacks = 15;  // <= 6.2 streams
inline constexpr uint8_t kTypeHashListpack = 16;     // 7.0 writes: listpack field, value
inline constexpr uint8_t kTypeZsetListpack = 17;     // 7.0 writes: listpack member, score
inline constexpr uint8_t kTypeListQuicklist2 = 18;   // 7.0 writes: len nodes, container+string
inline constexpr uint8_t kTypeStreamListpacks2 = 19;  // 7.0 writes: all streams

// Length-field first bytes (section 7.2): the top two bits select the form.
inline constexpr uint8_t kLen6Bit = 0x00;      // 00xxxxxx
inline constexpr uint8_t kLen14Bit = 0x40;     // 01xxxxxx yyyyyyyy, big-endian
inline constexpr uint8_t kLen32Bit = 0x80;     // then 4 bytes big-endian
inline constexpr uint8_t kLen64Bit = 0x81;     // then 8 bytes big-endian
inline constexpr uint8_t kLenEncoded = 0xC0;   // 11xxxxxx: special string encoding in low 6 bits

// Special string encodings (low 6 bits after kLenEncoded).
inline constexpr uint8_t kEncInt8 = 0;   // 1 signed byte
inline constexpr uint8_t kEncInt16 = 1;  // 2 bytes LE signed
inline constexpr uint8_t kEncInt32 = 2;  // 4 bytes LE signed
inline constexpr uint8_t kEncLzf = 3;    // len compressed, len original, compressed bytes

// Appends RDB primitives to a caller-owned string (so a whole file or DUMP payload can be built
// in one buffer without copies).
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void Byte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  void Bytes(std::string_view bytes) { out_->append(bytes); }
  // Smallest of the 6/14/32/64-bit forms, as rdbSaveLen.
  void Length(uint64_t len);
  // As rdbSaveRawString: integer encoding for canonical integers that fit 32 bits, LZF for
  // strings over 20 bytes when `compress` and it saves at least 4 bytes, else raw.
  void String(std::string_view s, bool compress = true);
  void RawString(std::string_view s);  // always <len><bytes>
  void U16Le(uint16_t v);
  void U64Le(uint64_t v);
  void ExpireTimeMs(int64_t unix_ms);  // opcode 0xFC + 8 bytes LE

  std::string& out() { return *out_; }

 private:
  bool TryIntegerString(std::string_view s);
  bool TryLzfString(std::string_view s);

  std::string* out_;
};

// A length field: either a plain length or, when `encoded`, a special string encoding kind.
struct LengthField {
  uint64_t value = 0;
  bool encoded = false;
};

// Reads RDB primitives from a borrowed buffer. Every read checks bounds and returns an Error
// naming what is wrong; a failed read leaves the position unspecified (stop decoding).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  Reader(std::string&&) = delete;  // would dangle: the reader borrows its input

  Result<uint8_t> Byte();
  Result<std::string_view> Bytes(size_t n);
  Result<LengthField> LengthOrEncoding();
  Result<uint64_t> Length();  // rejects special encodings
  Result<std::string> String();  // any string encoding, decoded to its bytes
  // Like String() without a copy for plain strings: the view points into the input, or into
  // *scratch for integer and LZF encodings (valid until *scratch changes).
  Result<std::string_view> StringView(std::string* scratch);
  Result<uint16_t> U16Le();
  Result<uint64_t> U64Le();
  Result<int64_t> ExpireTimeMs();  // payload after opcode 0xFC
  Result<int64_t> ExpireTimeSeconds();  // payload after opcode 0xFD, returned in ms

  size_t offset() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  Result<uint64_t> BigEndian(size_t n);
  Result<uint64_t> LittleEndian(size_t n);
  Result<std::string> IntegerString(uint64_t kind);
  Result<std::string> LzfString();

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace slotd::rdb
