// DUMP payloads: value, RDB version (u16 LE) and CRC64 (u64 LE), as createDumpPayload and
// verifyDumpPayload do it in Redis 7.0.
#include "server/persistence/rdb/dump_payload.h"

#include "server/persistence/rdb/crc64.h"
#include "server/persistence/rdb/rdb_encoding.h"
#include "server/persistence/rdb/value_codec.h"

namespace slotd::rdb {
namespace {
constexpr size_t kFooterBytes = 10;  // u16 version + u64 CRC64
}  // namespace

std::string DumpPayload(const Object& value, bool compress, int64_t list_fill) {
  std::string out;
  Writer w(&out);
  w.Byte(ValueType(value));
  WriteValue(w, value, compress, list_fill);
  w.U16Le(kRdbVersion);
  w.U64Le(Crc64(0, out));
  return out;
}

Result<Object> ParseDumpPayload(std::string_view payload, const Config& config) {
  if (payload.size() < kFooterBytes) {
    return Error{"DUMP payload version or checksum are wrong"};
  }
  size_t footer = payload.size() - kFooterBytes;
  Reader tail(payload.substr(footer));
  uint16_t version = *tail.U16Le();
  uint64_t crc = *tail.U64Le();
  if (version > kRdbVersion || Crc64(0, payload.substr(0, footer + 2)) != crc) {
    return Error{"DUMP payload version or checksum are wrong"};
  }
  Reader r(payload.substr(0, footer));
  auto type = r.Byte();
  if (!type) return Error{"Bad data format"};
  auto value = ReadValue(r, *type, config);
  // Like Redis, bytes left over after the value are not checked.
  if (!value || !value->has_value()) return Error{"Bad data format"};
  return std::move(**value);
}

}  // namespace slotd::rdb
