// Generic key commands over whole keys: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE
// SWAPDB. Also the family's registration entry point (expiry, scanning and OBJECT live in sibling
// files).
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_families.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

// DEL and UNLINK (values are freed synchronously either way). An expired key is not counted.
void Del(CommandContext& ctx, ArgList args) {
  Database& db = ctx.db();
  int64_t deleted = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (db.Erase(args[i])) {  // false for an expired key too
      ctx.Modified(args[i], notify::kGeneric, "del");
      ++deleted;
    }
  }
  ctx.reply().Integer(deleted);
}

// EXISTS (no access-time update) and TOUCH (updates it); a key named twice counts twice.
void CountExisting(CommandContext& ctx, ArgList args, uint32_t flags) {
  Database& db = ctx.db();
  int64_t count = 0;
  for (size_t i = 1; i < args.size(); ++i) count += db.Find(args[i], flags) != nullptr;
  ctx.reply().Integer(count);
}

void Exists(CommandContext& ctx, ArgList args) { CountExisting(ctx, args, kLookupNoTouch); }
void Touch(CommandContext& ctx, ArgList args) { CountExisting(ctx, args, kLookupNone); }

void Type(CommandContext& ctx, ArgList args) {
  const Object* value = ctx.db().Find(args[1], kLookupNoTouch);
  ctx.reply().SimpleString(value != nullptr ? TypeName(value->type()) : "none");
}

// Moves src's value and TTL to dst in `to` (which may be `from`). REQUIRES: src exists in `from`
// and dst is absent in `to`.
void MoveValue(Database& from, std::string_view src, Database& to, std::string_view dst) {
  std::optional<Database::Taken> taken = from.Take(src);
  to.Set(dst, std::move(taken->value));
  if (taken->expire_at_ms != -1) to.SetExpire(dst, taken->expire_at_ms);
}

void RenameGeneric(CommandContext& ctx, ArgList args, bool only_new) {
  Database& db = ctx.db();
  std::string_view src = args[1];
  std::string_view dst = args[2];
  if (db.Find(src, kLookupForWrite) == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  if (src == dst) {  // nothing moves, but a missing source was still an error
    if (only_new) return ctx.reply().Integer(0);
    return ctx.reply().Ok();
  }
  if (db.Find(dst, kLookupForWrite) != nullptr) {
    if (only_new) return ctx.reply().Integer(0);
    db.Erase(dst);
  }
  MoveValue(db, src, db, dst);
  ctx.Modified(src);
  ctx.Modified(dst);
  ctx.Notify(notify::kGeneric, "rename_from", src);
  ctx.Notify(notify::kGeneric, "rename_to", dst);
  if (only_new) return ctx.reply().Integer(1);
  ctx.reply().Ok();
}

void Rename(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, false); }
void RenameNx(CommandContext& ctx, ArgList args) { RenameGeneric(ctx, args, true); }

// getIntFromObjectOrReply: an integer that fits 32 bits. Replies the error and returns nullopt.
std::optional<int> ParseInt32(CommandContext& ctx, std::string_view arg) {
  std::optional<int64_t> value = ParseInt64(arg);
  if (!value) {
    ctx.NotInteger();
    return std::nullopt;
  }
  if (*value < std::numeric_limits<int32_t>::min() ||
      *value > std::numeric_limits<int32_t>::max()) {
    ctx.reply().Error(errors::kIntOutOfRange);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

// A database index for COPY DB and MOVE; replies the error and returns nullopt when invalid.
std::optional<int> ParseDbIndex(CommandContext& ctx, std::string_view arg) {
  std::optional<int> index = ParseInt32(ctx, arg);
  if (index && (*index < 0 || *index >= static_cast<int>(ctx.server().dbs.size()))) {
    ctx.reply().Error(errors::kDbIndexOutOfRange);
    return std::nullopt;
  }
  return index;
}

void Copy(CommandContext& ctx, ArgList args) {
  bool replace = false;
  int dst_index = ctx.db_index();
  for (size_t j = 3; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[j], "DB") && j + 1 < args.size()) {
      std::optional<int> index = ParseDbIndex(ctx, args[++j]);
      if (!index) return;
      dst_index = *index;
    } else {
      return ctx.SyntaxError();
    }
  }
  if (ctx.server().cluster_mode() && (ctx.db_index() != 0 || dst_index != 0)) {
    return ctx.reply().Error(errors::kCopyDbInCluster);
  }
  std::string_view src = args[1];
  std::string_view dst = args[2];
  if (dst_index == ctx.db_index() && src == dst) return ctx.reply().Error(errors::kSameObject);
  Database& from = ctx.db();
  const Object* value = from.Find(src);
  if (value == nullptr) return ctx.reply().Integer(0);
  // Clone before touching the destination: erasing there may move entries of the same table.
  Object copy = value->Clone();
  int64_t expire_at = from.GetExpire(src);
  Database& to = ctx.server().db(dst_index);
  if (to.Find(dst, kLookupForWrite) != nullptr) {
    if (!replace) return ctx.reply().Integer(0);
    to.Erase(dst);
  }
  to.Set(dst, std::move(copy));
  if (expire_at != -1) to.SetExpire(dst, expire_at);
  ctx.Modified(dst_index, dst);
  ctx.Notify(notify::kGeneric, "copy_to", dst, dst_index);
  ctx.reply().Integer(1);
}

void Move(CommandContext& ctx, ArgList args) {
  if (ctx.server().cluster_mode()) return ctx.reply().Error(errors::kMoveInCluster);
  std::optional<int> dst_index = ParseDbIndex(ctx, args[2]);
  if (!dst_index) return;
  if (*dst_index == ctx.db_index()) return ctx.reply().Error(errors::kSameObject);
  std::string_view key = args[1];
  Database& from = ctx.db();
  Database& to = ctx.server().db(*dst_index);
  if (from.Find(key, kLookupForWrite) == nullptr || to.Find(key, kLookupForWrite) != nullptr) {
    return ctx.reply().Integer(0);
  }
  MoveValue(from, key, to, key);
  ctx.Modified(key);
  ctx.Modified(*dst_index, key);
  ctx.Notify(notify::kGeneric, "move_from", key);
  ctx.Notify(notify::kGeneric, "move_to", key, *dst_index);
  ctx.reply().Integer(1);
}

void SwapDb(CommandContext& ctx, ArgList args) {
  Server& server = ctx.server();
  if (server.cluster_mode()) return ctx.reply().Error(errors::kSwapDbInCluster);
  std::optional<int64_t> first = ParseInt64(args[1]);
  if (!first || *first < INT32_MIN || *first > INT32_MAX)
    return ctx.reply().Error(errors::kInvalidFirstDbIndex);
  std::optional<int64_t> second = ParseInt64(args[2]);
  if (!second || *second < INT32_MIN || *second > INT32_MAX) {
    return ctx.reply().Error(errors::kInvalidSecondDbIndex);
  }
  int64_t count = static_cast<int64_t>(server.dbs.size());
  if (*first < 0 || *first >= count || *second < 0 || *second >= count) {
    return ctx.reply().Error(errors::kDbIndexOutOfRange);
  }
  int a = static_cast<int>(*first);
  int b = static_cast<int>(*second);
  if (a != b) {
    // Clients keep their selected index and now see the other database's keys.
    std::swap(server.dbs[static_cast<size_t>(a)], server.dbs[static_cast<size_t>(b)]);
    server.dbs[static_cast<size_t>(a)]->set_index(a);
    server.dbs[static_cast<size_t>(b)]->set_index(b);
    server.DatabaseModified(a, b);
    server.DatabaseModified(b, a);  // tracking clients are not told, as in Redis 7.0
    // Clients blocked on a key that now exists in their database get served.
    server.WakeBlockedInDb(a);
    server.WakeBlockedInDb(b);
  }
  ++server.dirty;
  ctx.reply().Ok();
}

CommandSpec KeySpec(std::string_view name, int arity, uint32_t flags, int first, int last,
                    CommandHandler handler, std::string_view acl, std::string_view summary,
                    std::string_view since, std::string_view complexity = "O(1)") {
  return CollectionSpec(name, arity, flags, first, last, first > 0 ? 1 : 0, handler, acl, "generic",
                        summary, since, complexity);
}

constexpr std::string_view kReadFast = "@keyspace @read @fast";
constexpr std::string_view kWriteFast = "@keyspace @write @fast";
constexpr std::string_view kWriteSlow = "@keyspace @write @slow";

}  // namespace

void RegisterKeyCommands(CommandTable& table) {
  table.Register(KeySpec(
      "del", -2, kCmdWrite, 1, -1, Del, kWriteSlow, "Delete a key", "1.0.0",
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
      "value other than a string, the individual complexity for this key is O(M) where M is "
      "the number of elements in the list, set, sorted set or hash. Removing a single key "
      "that holds a string value is O(1)."));
  table.Register(KeySpec(
      "unlink", -2, kCmdWrite | kCmdFast, 1, -1, Del, kWriteFast,
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
      "blocking.",
      "4.0.0",
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in "
      "a different thread in order to reclaim memory, where N is the number of allocations "
      "the deleted objects where composed of."));
  table.Register(KeySpec("exists", -2, kCmdReadOnly | kCmdFast, 1, -1, Exists, kReadFast,
                         "Determine if a key exists", "1.0.0",
                         "O(N) where N is the number of keys to check."));
  table.Register(KeySpec("type", 2, kCmdReadOnly | kCmdFast, 1, 1, Type, kReadFast,
                         "Determine the type stored at key", "1.0.0"));
  table.Register(
      KeySpec("touch", -2, kCmdReadOnly | kCmdFast, 1, -1, Touch, kReadFast,
              "Alters the last access time of a key(s). Returns the number of existing keys "
              "specified.",
              "3.2.1", "O(N) where N is the number of keys that will be touched."));
  table.Register(
      KeySpec("rename", 3, kCmdWrite, 1, 2, Rename, kWriteSlow, "Rename a key", "1.0.0"));
  table.Register(KeySpec("renamenx", 3, kCmdWrite | kCmdFast, 1, 2, RenameNx, kWriteFast,
                         "Rename a key, only if the new key does not exist", "1.0.0"));
  table.Register(
      KeySpec("copy", -3, kCmdWrite | kCmdDenyOom, 1, 2, Copy, kWriteSlow, "Copy a key", "6.2.0",
              "O(N) worst case for collections, where N is the number of nested items. O(1) for "
              "string values."));
  table.Register(KeySpec("move", 3, kCmdWrite | kCmdFast, 1, 1, Move, kWriteFast,
                         "Move a key to another database", "1.0.0"));
  CommandSpec swapdb =
      KeySpec("swapdb", 3, kCmdWrite | kCmdFast, 0, 0, SwapDb, "@keyspace @write @fast @dangerous",
              "Swaps two Redis databases", "4.0.0",
              "O(N) where N is the count of clients watching or blocking on keys from both "
              "databases.");
  swapdb.group = "server";
  table.Register(std::move(swapdb));
  RegisterExpireCommands(table);
  RegisterScanCommands(table);
  RegisterSortCommands(table);
  RegisterObjectCommand(table);
}

}  // namespace slotd
