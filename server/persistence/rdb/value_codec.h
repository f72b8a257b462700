// One value in RDB form (PROTOCOLS.md 7.4-7.5): the type byte and body Redis 7.0 writes for each
// of our encodings, and a reader for every value type 7.0 loads that slotd has a type for.
#pragma once
#include <cstdint>
#include <optional>

#include "cluster/core/result.h"
#include "server/keyspace/object.h"
#include "server/persistence/rdb/rdb_encoding.h"

namespace slotd {
struct Config;
}

namespace slotd::rdb {

// The RDB type byte Redis 7.0 writes for `value`'s encoding.
uint8_t ValueType(const Object& value);

// Appends the body (without the type byte). `list_fill` is list-max-listpack-size, which decides
// where the list is cut into quicklist nodes exactly as Redis would have cut it.
void WriteValue(Writer& w, const Object& value, bool compress, int64_t list_fill);

// Reads the body of a value of `type`, building it in the encoding `config`'s thresholds give (as
// Redis converts on load). nullopt for an empty collection (Redis skips such keys; RESTORE rejects
// them). Unsupported types (streams, modules) and corrupt bodies are errors.
Result<std::optional<Object>> ReadValue(Reader& r, uint8_t type, const Config& config);

// The name of a type Redis has and slotd does not, for error messages; nullptr when supported
// (or unknown).
const char* UnsupportedTypeName(uint8_t type);

}  // namespace slotd::rdb
