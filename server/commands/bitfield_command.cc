// BITFIELD and BITFIELD_RO: signed (i1..i64) and unsigned (u1..u63) integers at any bit offset of
// a string, with GET, SET, INCRBY and OVERFLOW WRAP|SAT|FAIL, as Redis 7.0's bitops.c. All
// operations are parsed before any runs; a write grows the string once to the farthest bit written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/arg_parse.h"
#include "server/commands/bitmap_common.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr std::string_view kBadType =
    "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

enum class Overflow { kWrap, kSat, kFail };
enum class FieldOp { kGet, kSet, kIncrBy };

struct FieldType {
  bool is_signed = false;
  int bits = 0;
};

struct Operation {
  FieldOp op;
  FieldType type;
  uint64_t offset;
  int64_t value;  // SET's value or INCRBY's increment
  Overflow overflow;
};

std::optional<FieldType> ParseType(std::string_view arg) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return std::nullopt;
  FieldType type;
  type.is_signed = arg[0] == 'i';
  std::optional<int64_t> bits = ParseInt64(arg.substr(1));
  if (!bits || *bits < 1 || *bits > (type.is_signed ? 64 : 63)) return std::nullopt;
  type.bits = static_cast<int>(*bits);
  return type;
}

// Reads `bits` bits at bit `offset` (bit 0 = most significant bit of byte 0); bytes past the end
// of `s` read as zeros.
uint64_t ReadField(std::string_view s, uint64_t offset, int bits) {
  uint64_t value = 0;
  for (int i = 0; i < bits; ++i, ++offset) {
    const uint64_t byte = offset >> 3;
    const uint64_t bit =
        byte < s.size() ? (static_cast<uint8_t>(s[byte]) >> (7 - (offset & 7))) & 1u : 0u;
    value = (value << 1) | bit;
  }
  return value;
}

// Writes the low `bits` bits of `value` at `offset`; the string already covers them.
void WriteField(char* s, uint64_t offset, int bits, uint64_t value) {
  for (int i = bits - 1; i >= 0; --i, ++offset) {
    auto& byte = reinterpret_cast<uint8_t&>(s[offset >> 3]);
    const uint8_t mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
    byte = ((value >> i) & 1u) != 0 ? static_cast<uint8_t>(byte | mask)
                                    : static_cast<uint8_t>(byte & ~mask);
  }
}

int64_t SignExtend(uint64_t raw, int bits) {
  if (bits < 64 && ((raw >> (bits - 1)) & 1u) != 0) raw |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(raw);
}

// The outcome of storing `wanted` (a mathematically exact result) into a field of `type`: the
// stored raw bits, or nullopt for an overflow under FAIL.
std::optional<uint64_t> Fit(__int128 wanted, FieldType type, Overflow overflow) {
  const __int128 max = type.is_signed ? (__int128{1} << (type.bits - 1)) - 1
                                      : (__int128{1} << type.bits) - 1;
  const __int128 min = type.is_signed ? -(__int128{1} << (type.bits - 1)) : 0;
  const uint64_t mask = type.bits == 64 ? ~uint64_t{0} : (uint64_t{1} << type.bits) - 1;
  if (wanted >= min && wanted <= max) return static_cast<uint64_t>(wanted) & mask;
  switch (overflow) {
    case Overflow::kFail:
      return std::nullopt;
    case Overflow::kSat:
      return static_cast<uint64_t>(wanted > max ? max : min) & mask;
    case Overflow::kWrap:
    default:
      return static_cast<uint64_t>(wanted) & mask;  // two's complement: the low bits
  }
}

// Parses the operations after the key; replies the error and returns false on the first bad one.
bool ParseOperations(CommandContext& ctx, ArgList args, std::vector<Operation>* ops) {
  Overflow overflow = Overflow::kWrap;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t remaining = args.size() - j - 1;
    FieldOp op;
    if (EqualsIgnoreCase(args[j], "get") && remaining >= 2) {
      op = FieldOp::kGet;
    } else if (EqualsIgnoreCase(args[j], "set") && remaining >= 3) {
      op = FieldOp::kSet;
    } else if (EqualsIgnoreCase(args[j], "incrby") && remaining >= 3) {
      op = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(args[j], "overflow") && remaining >= 1) {
      std::string_view kind = args[++j];
      if (EqualsIgnoreCase(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (EqualsIgnoreCase(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        ctx.reply().Error("-ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.SyntaxError();
      return false;
    }
    std::optional<FieldType> type = ParseType(args[j + 1]);
    if (!type) {
      ctx.reply().Error(kBadType);
      return false;
    }
    std::optional<uint64_t> offset = ParseBitOffset(ctx, args[j + 2], type->bits);
    if (!offset) return false;
    int64_t value = 0;
    if (op != FieldOp::kGet) {
      std::optional<int64_t> parsed = ParseInt64(args[j + 3]);
      if (!parsed) {
        ctx.NotInteger();
        return false;
      }
      value = *parsed;
    }
    ops->push_back({op, *type, *offset, value, overflow});
    j += op == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

void BitfieldGeneric(CommandContext& ctx, ArgList args, bool read_only_command) {
  std::vector<Operation> ops;
  if (!ParseOperations(ctx, args, &ops)) return;
  uint64_t highest_write = 0;
  bool writes = false;
  for (const Operation& o : ops) {
    if (o.op == FieldOp::kGet) continue;
    writes = true;
    highest_write = std::max(highest_write, o.offset + static_cast<uint64_t>(o.type.bits) - 1);
  }
  Object* value = nullptr;
  bool grew = false;
  if (!writes) {
    StringLookup found = LookupString(ctx, args[1], kLookupNone);
    if (found.wrong_type) return;
    value = found.value;
  } else {
    if (read_only_command) {
      return ctx.reply().Error("-ERR BITFIELD_RO only supports the GET subcommand");
    }
    StringLookup found = LookupString(ctx, args[1], kLookupForWrite);
    if (found.wrong_type) return;
    value = found.value;
    if (value == nullptr) value = &ctx.db().Set(args[1], Object::String(std::string_view()));
    const size_t needed = static_cast<size_t>(highest_write >> 3) + 1;
    const size_t old_size = value->str().size();
    grew = found.value == nullptr || old_size < needed;
    value->ResizeString(std::max(old_size, needed));  // raw, zero-filled up to the farthest bit
  }
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(ops.size());
  int changes = 0;
  for (const Operation& o : ops) {
    const std::string_view bytes = value != nullptr ? value->str() : std::string_view();
    const uint64_t old_raw = ReadField(bytes, o.offset, o.type.bits);
    const __int128 old_value = o.type.is_signed ? __int128{SignExtend(old_raw, o.type.bits)}
                                                : __int128{old_raw};
    if (o.op == FieldOp::kGet) {
      reply.Integer(static_cast<int64_t>(old_value));
      continue;
    }
    // SET of an unsigned field takes the value's 64 bits as unsigned, as Redis does.
    const __int128 wanted =
        o.op == FieldOp::kIncrBy ? old_value + o.value
        : o.type.is_signed       ? __int128{o.value}
                                 : __int128{static_cast<uint64_t>(o.value)};
    std::optional<uint64_t> stored = Fit(wanted, o.type, o.overflow);
    if (!stored) {
      reply.Null();
      continue;
    }
    const int64_t new_value = o.type.is_signed ? SignExtend(*stored, o.type.bits)
                                               : static_cast<int64_t>(*stored);
    reply.Integer(o.op == FieldOp::kIncrBy ? new_value : static_cast<int64_t>(old_value));
    WriteField(value->ResizeString(value->str().size()), o.offset, o.type.bits, *stored);
    if (grew || *stored != old_raw) ++changes;
  }
  for (int i = 0; i < changes; ++i) ctx.Modified(args[1]);
  if (changes > 0) ctx.Notify(notify::kString, "setbit", args[1]);
}

void Bitfield(CommandContext& ctx, ArgList args) { BitfieldGeneric(ctx, args, false); }
void BitfieldRo(CommandContext& ctx, ArgList args) { BitfieldGeneric(ctx, args, true); }

}  // namespace

void RegisterBitfieldCommands(CommandTable& table) {
  constexpr std::string_view kComplexity = "O(1) for each subcommand specified";
  table.Register(OneKeySpec("bitmap", "bitfield", -2, kCmdWrite | kCmdDenyOom, Bitfield,
                            "@write @bitmap @slow",
                            "Perform arbitrary bitfield integer operations on strings", "3.2.0",
                            kComplexity));
  table.Register(OneKeySpec(
      "bitmap", "bitfield_ro", -2, kCmdReadOnly | kCmdFast, BitfieldRo, "@read @bitmap @fast",
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
      "6.0.0", kComplexity));
}

}  // namespace slotd
