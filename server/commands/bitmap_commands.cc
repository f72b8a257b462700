// Bitmaps over string values: SETBIT GETBIT BITCOUNT BITPOS BITOP (BITFIELD: bitfield_command.cc). Bit 0 is the most significant
// bit of the first byte; reads see missing bytes (and missing keys) as zeros. Replies and error
// texts are Redis 7.0's (bitops.c), including BITCOUNT/BITPOS's BYTE|BIT ranges.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/bitmap_common.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr std::string_view kBitValueError = "-ERR bit is not an integer or out of range";
constexpr std::string_view kBitArgumentError = "-ERR The bit argument must be 1 or 0.";
constexpr std::string_view kBitopNotArity = "-ERR BITOP NOT must be called with a single source key.";

bool BitAt(std::string_view bytes, uint64_t offset) {
  const uint64_t byte = offset >> 3;
  if (byte >= bytes.size()) return false;
  return (static_cast<uint8_t>(bytes[byte]) >> (7 - (offset & 7))) & 1;
}

void SetBit(CommandContext& ctx, ArgList args) {
  std::optional<uint64_t> offset = ParseBitOffset(ctx, args[2], 0);
  if (!offset) return;
  std::optional<int64_t> on = ParseInt64(args[3]);
  if (!on || (*on & ~int64_t{1}) != 0) return ctx.reply().Error(kBitValueError);
  StringLookup found = LookupString(ctx, args[1], kLookupForWrite);
  if (found.wrong_type) return;
  const size_t needed = static_cast<size_t>(*offset >> 3) + 1;
  Object* target = found.value;
  bool changed = false;
  if (target == nullptr) {
    target = &ctx.db().Set(args[1], Object::String(std::string_view()));
    changed = true;
  }
  const size_t old_size = target->str().size();
  const bool old_bit = BitAt(target->str(), *offset);
  if (old_size < needed) changed = true;
  // The string becomes raw (even when the bit stays: Redis unshares it first) and grows with zeros
  // to hold the bit, as sdsgrowzero.
  char* bytes = target->ResizeString(std::max(old_size, needed));
  if (changed || old_bit != (*on == 1)) {
    const uint8_t mask = static_cast<uint8_t>(1u << (7 - (*offset & 7)));
    uint8_t& byte = reinterpret_cast<uint8_t&>(bytes[*offset >> 3]);
    byte = *on == 1 ? static_cast<uint8_t>(byte | mask) : static_cast<uint8_t>(byte & ~mask);
    ctx.Modified(args[1], notify::kString, "setbit");
  }
  ctx.reply().Integer(old_bit ? 1 : 0);
}

void GetBit(CommandContext& ctx, ArgList args) {
  std::optional<uint64_t> offset = ParseBitOffset(ctx, args[2], 0);
  if (!offset) return;
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  const bool bit = found.value != nullptr && BitAt(found.value->str(), *offset);
  ctx.reply().Integer(bit ? 1 : 0);
}

// An inclusive range of bits, [first, last], inside a string.
struct BitRange {
  uint64_t first = 0;
  uint64_t last = 0;
  bool empty = true;
};

// Redis's conversion of BITCOUNT/BITPOS start/end (in bytes, or bits with BIT) to a bit range:
// negative indexes count from the end, then both are clamped to the string.
BitRange ClampRange(int64_t start, int64_t end, uint64_t length_bytes, bool in_bits) {
  const int64_t total = static_cast<int64_t>(in_bits ? length_bytes * 8 : length_bytes);
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  end = std::min(end, total - 1);
  BitRange range;
  if (start > end) return range;
  range.empty = false;
  range.first = in_bits ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  range.last = in_bits ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  return range;
}

// Set bits of `bytes` in the bit range [first, last], which lies inside the string.
uint64_t CountBits(std::string_view bytes, uint64_t first, uint64_t last) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  // Whole bytes, eight at a time where possible, then the edge bits taken back out.
  uint64_t count = 0;
  uint64_t i = first_byte;
  for (; i + 8 <= last_byte + 1; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    count += static_cast<uint64_t>(std::popcount(word));
  }
  for (; i <= last_byte; ++i) count += static_cast<uint64_t>(std::popcount(p[i]));
  const uint8_t before = static_cast<uint8_t>(0xFF00u >> (first & 7));  // bits left of `first`
  const uint8_t after = static_cast<uint8_t>(0xFFu >> ((last & 7) + 1));  // bits right of `last`
  count -= static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(p[first_byte] & before)));
  count -= static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(p[last_byte] & after)));
  return count;
}

// Parses BITCOUNT/BITPOS's optional BYTE|BIT word; replies a syntax error otherwise.
bool ParseUnit(CommandContext& ctx, std::string_view word, bool* in_bits) {
  if (EqualsIgnoreCase(word, "bit")) {
    *in_bits = true;
  } else if (EqualsIgnoreCase(word, "byte")) {
    *in_bits = false;
  } else {
    ctx.SyntaxError();
    return false;
  }
  return true;
}

void BitCount(CommandContext& ctx, ArgList args) {
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  if (found.value == nullptr) return ctx.reply().Integer(0);
  std::string_view bytes = found.value->str();
  BitRange range = ClampRange(0, -1, bytes.size(), false);
  if (args.size() == 4 || args.size() == 5) {
    std::optional<int64_t> start = ParseInt64(args[2]);
    if (!start) return ctx.NotInteger();
    std::optional<int64_t> end = ParseInt64(args[3]);
    if (!end) return ctx.NotInteger();
    if (*start < 0 && *end < 0 && *start > *end) return ctx.reply().Integer(0);
    bool in_bits = false;
    if (args.size() == 5 && !ParseUnit(ctx, args[4], &in_bits)) return;
    range = ClampRange(*start, *end, bytes.size(), in_bits);
  } else if (args.size() != 2) {
    return ctx.SyntaxError();
  }
  if (range.empty) return ctx.reply().Integer(0);
  ctx.reply().Integer(static_cast<int64_t>(CountBits(bytes, range.first, range.last)));
}

// The first bit equal to `bit` in [first, last] of `bytes`, or -1.
int64_t FindBit(std::string_view bytes, uint64_t first, uint64_t last, bool bit) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t skip = bit ? 0x00 : 0xFF;
  uint64_t pos = first;
  while (pos <= last) {
    if ((pos & 7) == 0 && pos + 7 <= last) {
      // A whole byte: skip runs of bytes that cannot hold the bit, a word at a time.
      uint64_t byte = pos >> 3;
      const uint64_t last_whole = (last + 1) / 8;  // bytes before this index are whole in range
      const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
      while (byte + 8 <= last_whole) {
        uint64_t word;
        std::memcpy(&word, p + byte, sizeof(word));
        if (word != skip_word) break;
        byte += 8;
      }
      while (byte < last_whole && p[byte] == skip) ++byte;
      pos = byte * 8;
      if (byte < last_whole) {
        const uint8_t v = bit ? p[byte] : static_cast<uint8_t>(~p[byte]);
        return static_cast<int64_t>(pos + static_cast<uint64_t>(std::countl_zero(v)));
      }
      continue;
    }
    if (BitAt(bytes, pos) == bit) return static_cast<int64_t>(pos);
    ++pos;
  }
  return -1;
}

void BitPos(CommandContext& ctx, ArgList args) {
  std::optional<int64_t> bit = ParseInt64(args[2]);
  if (!bit) return ctx.NotInteger();
  if (*bit != 0 && *bit != 1) return ctx.reply().Error(kBitArgumentError);
  StringLookup found = LookupString(ctx, args[1], kLookupNone);
  if (found.wrong_type) return;
  // A missing key is an endless run of zeros.
  if (found.value == nullptr) return ctx.reply().Integer(*bit == 1 ? -1 : 0);
  std::string_view bytes = found.value->str();
  BitRange range = ClampRange(0, -1, bytes.size(), false);
  bool end_given = false;
  if (args.size() >= 4 && args.size() <= 6) {
    std::optional<int64_t> start = ParseInt64(args[3]);
    if (!start) return ctx.NotInteger();
    bool in_bits = false;
    if (args.size() == 6 && !ParseUnit(ctx, args[5], &in_bits)) return;
    int64_t end = -1;
    if (args.size() >= 5) {
      std::optional<int64_t> parsed = ParseInt64(args[4]);
      if (!parsed) return ctx.NotInteger();
      end = *parsed;
      end_given = true;
    }
    range = ClampRange(*start, end, bytes.size(), in_bits);
  } else if (args.size() != 3) {
    return ctx.SyntaxError();
  }
  if (range.empty) return ctx.reply().Integer(-1);
  int64_t pos = FindBit(bytes, range.first, range.last, *bit == 1);
  // Looking for a clear bit without an explicit end, the string continues with zeros.
  if (pos == -1 && *bit == 0 && !end_given) pos = static_cast<int64_t>(range.last + 1);
  ctx.reply().Integer(pos);
}

enum class BitOp { kAnd, kOr, kXor, kNot };

void BitOpCommand(CommandContext& ctx, ArgList args) {
  BitOp op;
  if (EqualsIgnoreCase(args[1], "and")) {
    op = BitOp::kAnd;
  } else if (EqualsIgnoreCase(args[1], "or")) {
    op = BitOp::kOr;
  } else if (EqualsIgnoreCase(args[1], "xor")) {
    op = BitOp::kXor;
  } else if (EqualsIgnoreCase(args[1], "not")) {
    op = BitOp::kNot;
  } else {
    return ctx.SyntaxError();
  }
  if (op == BitOp::kNot && args.size() != 4) return ctx.reply().Error(kBitopNotArity);
  // Missing keys are empty strings; the result is as long as the longest source.
  std::vector<std::string> sources;
  size_t longest = 0;
  for (size_t i = 3; i < args.size(); ++i) {
    StringLookup found = LookupString(ctx, args[i], kLookupNone);
    if (found.wrong_type) return;
    sources.emplace_back(found.value != nullptr ? found.value->str() : std::string_view());
    longest = std::max(longest, sources.back().size());
  }
  std::string_view dest = args[2];
  if (longest == 0) {
    if (ctx.db().Erase(dest)) ctx.Modified(dest, notify::kGeneric, "del");
    return ctx.reply().Integer(0);
  }
  std::string result(longest, '\0');
  for (size_t j = 0; j < longest; ++j) {
    auto byte_of = [j](const std::string& s) {
      return j < s.size() ? static_cast<uint8_t>(s[j]) : uint8_t{0};
    };
    uint8_t out = byte_of(sources[0]);
    if (op == BitOp::kNot) out = static_cast<uint8_t>(~out);
    for (size_t i = 1; i < sources.size(); ++i) {
      const uint8_t b = byte_of(sources[i]);
      if (op == BitOp::kAnd) out &= b;
      if (op == BitOp::kOr) out |= b;
      if (op == BitOp::kXor) out ^= b;
    }
    result[j] = static_cast<char>(out);
  }
  ctx.db().Set(dest, Object::String(result, StringEncoding::kRaw));
  ctx.Modified(dest, notify::kString, "set");
  ctx.reply().Integer(static_cast<int64_t>(longest));
}

}  // namespace

std::optional<uint64_t> ParseBitOffset(CommandContext& ctx, std::string_view arg, int field_bits) {
  // "#N" (BITFIELD only) counts in fields: N * field_bits.
  const bool in_fields = field_bits > 0 && !arg.empty() && arg[0] == '#';
  std::optional<int64_t> offset = ParseInt64(in_fields ? arg.substr(1) : arg);
  if (offset && in_fields) {
    if (*offset > INT64_MAX / field_bits || *offset < INT64_MIN / field_bits) {
      offset.reset();
    } else {
      *offset *= field_bits;
    }
  }
  if (!offset || *offset < 0 ||
      (!ctx.client().is_master && (*offset >> 3) >= ctx.config().proto_max_bulk_len)) {
    ctx.reply().Error("-ERR bit offset is not an integer or out of range");
    return std::nullopt;
  }
  return static_cast<uint64_t>(*offset);
}

void RegisterBitmapCommands(CommandTable& table) {
  table.Register(OneKeySpec("bitmap", "setbit", 4, kCmdWrite | kCmdDenyOom, SetBit,
                            "@write @bitmap @slow",
                            "Sets or clears the bit at offset in the string value stored at key",
                            "2.2.0"));
  table.Register(OneKeySpec("bitmap", "getbit", 3, kCmdReadOnly | kCmdFast, GetBit,
                            "@read @bitmap @fast",
                            "Returns the bit value at offset in the string value stored at key",
                            "2.2.0"));
  table.Register(OneKeySpec("bitmap", "bitcount", -2, kCmdReadOnly, BitCount,
                            "@read @bitmap @slow", "Count set bits in a string", "2.6.0", "O(N)"));
  table.Register(OneKeySpec("bitmap", "bitpos", -3, kCmdReadOnly, BitPos, "@read @bitmap @slow",
                            "Find first bit set or clear in a string", "2.8.7", "O(N)"));
  RegisterBitfieldCommands(table);
  table.Register(CollectionSpec("bitop", -4, kCmdWrite | kCmdDenyOom, 2, -1, 1, BitOpCommand,
                                "@write @bitmap @slow", "bitmap",
                                "Perform bitwise operations between strings", "2.6.0", "O(N)"));
}

}  // namespace slotd
