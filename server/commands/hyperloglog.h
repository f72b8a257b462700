// HyperLogLog values in Redis 7.0's string format, so that the bytes, PFCOUNT's estimates and the
// sparse-to-dense promotion are the ones redis-server produces (hyperloglog.c): a 16-byte header
// ("HYLL", encoding, 3 zero bytes, cached cardinality little endian with bit 63 = stale), then
// 16384 6-bit registers (dense, 12288 bytes) or the sparse opcodes ZERO / XZERO / VAL.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotd::hll {

inline constexpr int kRegisters = 16384;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * 6 + 7) / 8;

using Registers = std::array<uint8_t, kRegisters>;

enum class Check { kValid, kNotHll };
// isHLLObjectOrReply's test: "HYLL", a known encoding, and the exact size when dense.
Check Validate(std::string_view value);

bool IsDense(std::string_view value);  // REQUIRES: Validate(value) == kValid

// A new, empty HLL (sparse: one XZERO per 16384 registers).
std::string Empty();

// PFADD of one element: 1 when a register grew, 0 when not, -1 for a corrupt sparse value.
// `sparse_max_bytes` is hll-sparse-max-bytes; past it (or for a register over 32) the value
// becomes dense.
int Add(std::string* value, std::string_view element, int64_t sparse_max_bytes);

// Takes each register's maximum with `value`'s into `max`; false when corrupt.
bool MergeInto(std::string_view value, Registers* max);

// PFDEBUG DECODE: the sparse opcodes as "z:<run>" (ZERO), "Z:<run>" (XZERO) and "v:<value>,<run>" (VAL),
// space-separated. REQUIRES: a sparse value.
std::string DescribeSparse(std::string_view value);

// Makes the value dense (PFMERGE with a dense source); false when corrupt.
bool ToDense(std::string* value);
// Raises register `index` to `count` when higher (PFMERGE's writes), as Add does for an element.
int SetRegister(std::string* value, int index, uint8_t count, int64_t sparse_max_bytes);

// The cardinality estimate (Ertl's improved estimator, as Redis 7.0), from the value's registers;
// `corrupt` is set for an invalid sparse value.
uint64_t Count(std::string_view value, bool* corrupt);
uint64_t CountRegisters(const Registers& registers);

// The cached cardinality in the header: valid unless bit 63 is set.
bool CachedCount(std::string_view value, uint64_t* count);
void StoreCachedCount(std::string* value, uint64_t count);
void InvalidateCache(std::string* value);

}  // namespace slotd::hll
