// Shared by the hash and set command families (and usable by ZSCAN): typed key lookup, the
// HSCAN/SSCAN/ZSCAN argument parser and loop, random-count parsing, and the CommandSpec builder.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "server/commands/command_context.h"
#include "server/commands/command_spec.h"
#include "server/keyspace/database.h"
#include "server/keyspace/object.h"
#include "server/resp/errors.h"

namespace slotd {

// Redis's lookupKeyWrite: refreshes the access time but counts no keyspace hit or miss.
inline constexpr uint32_t kLookupForWrite = kLookupNoStats;

// Looks `key` up as a collection of `type`: the value, or nullptr when the key is absent. When the
// key holds another type, replies WRONGTYPE, sets *wrong_type and returns nullptr.
template <class T>
T* LookupCollection(CommandContext& ctx, std::string_view key, ObjectType type, uint32_t flags,
                    bool* wrong_type) {
  *wrong_type = false;
  Object* object = ctx.db().Find(key, flags);
  if (object == nullptr) return nullptr;
  if (object->type() != type) {
    ctx.WrongType();
    *wrong_type = true;
    return nullptr;
  }
  return &object->as<T>();
}

// The cursor as Redis's parseScanCursorOrReply reads it (strtoul): optional sign, decimal digits,
// leading zeros allowed, "-n" wraps around, "" is 0; no spaces, no overflow.
std::optional<uint64_t> ParseCollectionScanCursor(std::string_view s);

// Writes the "*2 / cursor" head of a SCAN-family reply; the element array follows.
void ReplyScanCursor(resp::ReplyBuilder& reply, uint64_t cursor);

// [MATCH pattern] [COUNT count] of HSCAN/SSCAN/ZSCAN (from args[3] on), and of SCAN (from args[2]
// on, which also takes [TYPE type]).
struct CollectionScanArgs {
  uint64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // false for no MATCH or MATCH *
  std::string_view type;     // SCAN only
  bool use_type = false;
};
// Replies the error (syntax error, not an integer) and returns false on bad options.
bool ParseScanOptions(CommandContext& ctx, ArgList args, size_t first, bool allow_type,
                      CollectionScanArgs* out);
inline bool ParseCollectionScanArgs(CommandContext& ctx, ArgList args, CollectionScanArgs* out) {
  return ParseScanOptions(ctx, args, 3, false, out);
}

// The shared front of HSCAN/SSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count], in Redis's order:
// the cursor ("invalid cursor"), then the key (WRONGTYPE; a missing key answers an empty scan and
// its options are never parsed), then the options. Returns the value, or nullptr when the reply is
// done.
template <class T>
const T* BeginCollectionScan(CommandContext& ctx, ArgList args, ObjectType type, uint64_t* cursor,
                             CollectionScanArgs* options) {
  std::optional<uint64_t> parsed = ParseCollectionScanCursor(args[2]);
  if (!parsed) {
    ctx.reply().Error(errors::kInvalidCursor);
    return nullptr;
  }
  *cursor = *parsed;
  bool wrong_type = false;
  const T* value = LookupCollection<T>(ctx, args[1], type, kLookupNone, &wrong_type);
  if (wrong_type) return nullptr;
  if (value == nullptr) {
    ReplyScanCursor(ctx.reply(), 0);
    ctx.reply().EmptyArray();
    return nullptr;
  }
  return ParseCollectionScanArgs(ctx, args, options) ? value : nullptr;
}

// Redis's scanGenericCommand loop over a hashtable: steps while the cursor is not 0, fewer than
// `count` items were gathered and at most 10 * count steps were taken. `step(cursor)` returns the
// next cursor; `gathered()` the number of items so far.
template <class Step, class Gathered>
uint64_t RunScanLoop(uint64_t cursor, uint64_t count, Step&& step, Gathered&& gathered) {
  uint64_t max_steps = count > UINT64_MAX / 10 ? UINT64_MAX : count * 10;
  do {
    cursor = step(cursor);
  } while (cursor != 0 && max_steps-- > 0 && gathered() < count);
  return cursor;
}

// The count of HRANDFIELD/SRANDMEMBER, as getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) reads
// it. Replies the error and returns nullopt when invalid.
std::optional<int64_t> ParseRandomCount(CommandContext& ctx, std::string_view arg);

// `numkeys key... WHERE [COUNT n]` of LMPOP/BLMPOP (LEFT|RIGHT) and ZMPOP/BZMPOP (MIN|MAX), with numkeys
// at args[numkeys_index]. `first_end` is true when WHERE is `first_word`. Replies the error (in Redis's
// order: numkeys, arity, WHERE, COUNT) and returns false when malformed.
struct MultiPopArgs {
  ArgList keys;
  bool first_end = true;
  uint64_t count = 1;
};
bool ParseMultiPopArgs(CommandContext& ctx, ArgList args, size_t numkeys_index, std::string_view first_word,
                       std::string_view second_word, MultiPopArgs* out);

CommandSpec CollectionSpec(std::string_view name, int arity, uint32_t flags, int first_key,
                           int last_key, int key_step, CommandHandler handler, std::string_view acl,
                           std::string_view group, std::string_view summary, std::string_view since,
                           std::string_view complexity);

}  // namespace slotd
