// DUMP payloads (PROTOCOLS.md 7.6): one value in RDB form, then the 2-byte RDB version and a CRC64
// of everything before it, byte-identical to what Redis 7.0's DUMP produces.
#pragma once
#include <string>
#include <string_view>

#include "cluster/core/result.h"
#include "server/keyspace/object.h"

namespace slotd {
struct Config;
}

namespace slotd::rdb {

// The DUMP reply for `value` (`compress` is rdbcompression, `list_fill` list-max-listpack-size).
std::string DumpPayload(const Object& value, bool compress = true, int64_t list_fill = -2);

// Checks the footer (version <= 10, CRC64) and decodes the value in the encoding our
// thresholds give. Errors: "DUMP payload version or checksum are wrong" or "Bad data format"
// (the caller prefixes "ERR ").
Result<Object> ParseDumpPayload(std::string_view payload, const Config& config);

}  // namespace slotd::rdb
