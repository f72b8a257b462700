#include "server/commands/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace slotd::hll {
namespace {

constexpr int kQ = 64 - 14;                   // hash bits left after the register index
constexpr uint64_t kHashSeed = 0xadc83b19ULL;  // Redis's MurmurHash64A seed for HLLs
constexpr int kMaxSparseValue = 32;
constexpr int kMaxValRun = 4;
constexpr int kMaxZeroRun = 64;
constexpr int kMaxXZeroRun = 16384;
constexpr uint8_t kEncodingDense = 0;
constexpr uint8_t kEncodingSparse = 1;

// Sparse opcodes: 00xxxxxx ZERO (1..64 zero registers), 01xxxxxx xxxxxxxx XZERO (1..16384),
// 1vvvvvxx VAL (1..4 registers of value 1..32).
bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int ValLen(uint8_t b) { return (b & 0x3) + 1; }
char ValOp(int value, int len) { return static_cast<char>(0x80 | ((value - 1) << 2) | (len - 1)); }

// Appends the zero-run opcode(s) Redis writes for `len` registers when splitting a run.
void AppendZeroRun(std::string* out, int len) {
  if (len > kMaxZeroRun) {
    const int l = len - 1;
    out->push_back(static_cast<char>((l >> 8) | 0x40));
    out->push_back(static_cast<char>(l & 0xff));
  } else {
    out->push_back(static_cast<char>(len - 1));
  }
}

uint8_t Byte(const std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

uint8_t DenseGet(std::string_view value, int index) {
  const size_t bit = static_cast<size_t>(index) * 6;
  const size_t byte = kHeaderSize + bit / 8;
  const int shift = static_cast<int>(bit & 7);
  unsigned v = Byte(value, byte) >> shift;
  if (shift > 2) v |= static_cast<unsigned>(Byte(value, byte + 1)) << (8 - shift);
  return static_cast<uint8_t>(v & 63);
}

void DenseSet(std::string* value, int index, uint8_t count) {
  const size_t bit = static_cast<size_t>(index) * 6;
  const size_t byte = kHeaderSize + bit / 8;
  const int shift = static_cast<int>(bit & 7);
  auto* p = reinterpret_cast<uint8_t*>(value->data());
  p[byte] = static_cast<uint8_t>((p[byte] & ~(63u << shift)) | (unsigned{count} << shift));
  if (shift > 2) {
    p[byte + 1] = static_cast<uint8_t>((p[byte + 1] & ~(63u >> (8 - shift))) |
                                       (unsigned{count} >> (8 - shift)));
  }
}

// hllDenseSet: raises a register; 1 when it grew.
int DenseRaise(std::string* value, int index, uint8_t count) {
  if (count <= DenseGet(*value, index)) return 0;
  DenseSet(value, index, count);
  return 1;
}

uint64_t MurmurHash64A(std::string_view key, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (static_cast<uint64_t>(key.size()) * m);
  const auto* data = reinterpret_cast<const uint8_t*>(key.data());
  const size_t blocks = key.size() / 8;
  for (size_t i = 0; i < blocks; ++i) {
    uint64_t k;
    std::memcpy(&k, data + i * 8, 8);  // little-endian reads, as Redis on x86
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const uint8_t* tail = data + blocks * 8;
  const size_t rest = key.size() & 7;
  if (rest > 0) {
    for (size_t i = rest; i-- > 0;) h ^= static_cast<uint64_t>(tail[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

// The sparse opcodes as (value, run) spans; false when they do not cover exactly 16384 registers.
template <class Visit>
bool ForEachRun(std::string_view value, Visit&& visit) {
  int index = 0;
  size_t p = kHeaderSize;
  while (p < value.size()) {
    const uint8_t b = Byte(value, p);
    if (IsVal(b)) {
      const int run = ValLen(b);
      if (index + run > kRegisters) return false;
      visit(index, ValValue(b), run);
      index += run;
      p += 1;
    } else if (IsXZero(b)) {
      if (p + 1 >= value.size()) return false;
      const int run = (((b & 0x3f) << 8) | Byte(value, p + 1)) + 1;
      visit(index, 0, run);
      index += run;
      p += 2;
    } else {
      const int run = ZeroLen(b);
      visit(index, 0, run);
      index += run;
      p += 1;
    }
  }
  return index == kRegisters;
}

// hllSparseSet, step for step, so the bytes stay Redis's: locate the opcode holding `index`,
// replace it by up to five opcodes, merge equal neighbouring VALs, or promote to dense when the
// value exceeds 32 or the string would pass `max_bytes`.
int SparseSet(std::string* v, int index, uint8_t count, int64_t max_bytes) {
  bool promote = count > kMaxSparseValue;
  size_t p = kHeaderSize;
  size_t prev = 0;
  bool have_prev = false;
  int first = 0;
  int span = 0;
  if (!promote) {
    while (p < v->size()) {
      const uint8_t b = Byte(*v, p);
      size_t oplen = 1;
      if (IsVal(b)) {
        span = ValLen(b);
      } else if (IsXZero(b)) {
        if (p + 1 >= v->size()) return -1;
        span = (((b & 0x3f) << 8) | Byte(*v, p + 1)) + 1;
        oplen = 2;
      } else {
        span = ZeroLen(b);
      }
      if (index <= first + span - 1) break;
      prev = p;
      have_prev = true;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= v->size()) return -1;
    const uint8_t op = Byte(*v, p);
    const bool is_val = IsVal(op);
    const bool is_xzero = IsXZero(op);
    const int run = is_val ? ValLen(op) : span;
    bool rewritten = false;
    if (is_val && ValValue(op) >= count) return 0;
    if ((is_val || !is_xzero) && run == 1) {
      (*v)[p] = ValOp(count, 1);  // a run of one: the opcode itself changes
      rewritten = true;
    }
    if (!rewritten) {
      const int last = first + span - 1;
      std::string seq;
      if (is_val) {
        const int current = ValValue(op);
        if (index != first) seq.push_back(ValOp(current, index - first));
        seq.push_back(ValOp(count, 1));
        if (index != last) seq.push_back(ValOp(current, last - index));
      } else {
        if (index != first) AppendZeroRun(&seq, index - first);
        seq.push_back(ValOp(count, 1));
        if (index != last) AppendZeroRun(&seq, last - index);
      }
      const size_t old_len = is_xzero ? 2 : 1;
      const int64_t delta = static_cast<int64_t>(seq.size()) - static_cast<int64_t>(old_len);
      if (delta > 0 && static_cast<int64_t>(v->size()) + delta > max_bytes) {
        promote = true;
      } else {
        v->replace(p, old_len, seq);
      }
    }
    if (!promote) {
      // Merge adjacent VALs of the same value (up to 4 registers), scanning five opcodes.
      size_t q = have_prev ? prev : kHeaderSize;
      int scan = 5;
      while (q < v->size() && scan-- > 0) {
        const uint8_t b = Byte(*v, q);
        if (IsXZero(b)) {
          q += 2;
          continue;
        }
        if (!IsVal(b)) {
          ++q;
          continue;
        }
        if (q + 1 < v->size() && IsVal(Byte(*v, q + 1))) {
          const uint8_t b2 = Byte(*v, q + 1);
          const int len = ValLen(b) + ValLen(b2);
          if (ValValue(b) == ValValue(b2) && len <= kMaxValRun) {
            (*v)[q + 1] = ValOp(ValValue(b), len);
            v->erase(q, 1);
            continue;
          }
        }
        ++q;
      }
      InvalidateCache(v);
      return 1;
    }
  }
  if (!ToDense(v)) return -1;
  DenseRaise(v, index, count);
  return 1;
}

double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double y = 1;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double y = 1.0;
  double z = 1 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (previous != z);
  return z / 3;
}

uint64_t Estimate(const int (&histogram)[64]) {
  const double m = kRegisters;
  double z = m * Tau((m - histogram[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * Sigma(histogram[0] / m);
  return static_cast<uint64_t>(std::llround(0.721347520444481703680 * m * m / z));
}

}  // namespace

Check Validate(std::string_view value) {
  if (value.size() < kHeaderSize || value.substr(0, 4) != "HYLL") return Check::kNotHll;
  const uint8_t encoding = Byte(value, 4);
  if (encoding > kEncodingSparse) return Check::kNotHll;
  if (encoding == kEncodingDense && value.size() != kDenseSize) return Check::kNotHll;
  return Check::kValid;
}

bool IsDense(std::string_view value) { return Byte(value, 4) == kEncodingDense; }

std::string Empty() {
  std::string v(kHeaderSize, '\0');
  std::memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kEncodingSparse);
  for (int left = kRegisters; left > 0; left -= kMaxXZeroRun) {
    AppendZeroRun(&v, std::min(left, kMaxXZeroRun));
  }
  return v;
}

int SetRegister(std::string* value, int index, uint8_t count, int64_t sparse_max_bytes) {
  if (IsDense(*value)) return DenseRaise(value, index, count);
  return SparseSet(value, index, count, sparse_max_bytes);
}

int Add(std::string* value, std::string_view element, int64_t sparse_max_bytes) {
  uint64_t hash = MurmurHash64A(element, kHashSeed);
  const int index = static_cast<int>(hash & (kRegisters - 1));
  hash >>= 14;
  hash |= uint64_t{1} << kQ;  // the run of zeros ends by bit Q at the latest
  const uint8_t count = static_cast<uint8_t>(std::countr_zero(hash) + 1);
  return SetRegister(value, index, count, sparse_max_bytes);
}

bool MergeInto(std::string_view value, Registers* max) {
  if (IsDense(value)) {
    for (int i = 0; i < kRegisters; ++i) {
      (*max)[i] = std::max((*max)[i], DenseGet(value, i));
    }
    return true;
  }
  return ForEachRun(value, [&](int index, int v, int run) {
    for (int i = 0; i < run && v > 0; ++i) {
      (*max)[index + i] = std::max((*max)[index + i], static_cast<uint8_t>(v));
    }
  });
}

std::string DescribeSparse(std::string_view value) {
  std::string out;
  for (size_t p = kHeaderSize; p < value.size();) {
    const uint8_t b = Byte(value, p);
    if (!out.empty()) out += ' ';
    if (IsVal(b)) {
      out += "v:" + std::to_string(ValValue(b)) + "," + std::to_string(ValLen(b));
      p += 1;
    } else if (IsXZero(b)) {
      const int second = p + 1 < value.size() ? Byte(value, p + 1) : 0;
      out += "Z:" + std::to_string((((b & 0x3f) << 8) | second) + 1);
      p += 2;
    } else {
      out += "z:" + std::to_string(ZeroLen(b));
      p += 1;
    }
  }
  return out;
}

bool ToDense(std::string* value) {
  if (IsDense(*value)) return true;
  std::string dense(kDenseSize, '\0');
  // The header carries over (magic and cached cardinality); only the encoding changes.
  std::memcpy(dense.data(), value->data(), kHeaderSize);
  dense[4] = static_cast<char>(kEncodingDense);
  const bool ok = ForEachRun(*value, [&](int index, int v, int run) {
    for (int i = 0; i < run && v > 0; ++i) DenseSet(&dense, index + i, static_cast<uint8_t>(v));
  });
  if (!ok) return false;
  *value = std::move(dense);
  return true;
}

uint64_t CountRegisters(const Registers& registers) {
  int histogram[64] = {0};
  for (uint8_t r : registers) ++histogram[r];
  return Estimate(histogram);
}

uint64_t Count(std::string_view value, bool* corrupt) {
  int histogram[64] = {0};
  *corrupt = false;
  if (IsDense(value)) {
    for (int i = 0; i < kRegisters; ++i) ++histogram[DenseGet(value, i)];
  } else if (!ForEachRun(value, [&](int, int v, int run) { histogram[v] += run; })) {
    *corrupt = true;
    return 0;
  }
  return Estimate(histogram);
}

bool CachedCount(std::string_view value, uint64_t* count) {
  if ((Byte(value, 15) & 0x80) != 0) return false;
  uint64_t c = 0;
  for (int i = 7; i >= 0; --i) c = (c << 8) | Byte(value, 8 + static_cast<size_t>(i));
  *count = c;
  return true;
}

void StoreCachedCount(std::string* value, uint64_t count) {
  for (int i = 0; i < 8; ++i) (*value)[8 + static_cast<size_t>(i)] = static_cast<char>(count >> (8 * i));
}

void InvalidateCache(std::string* value) {
  (*value)[15] = static_cast<char>(Byte(*value, 15) | 0x80);
}

}  // namespace slotd::hll
