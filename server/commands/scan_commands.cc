// Keyspace iteration: KEYS pattern, SCAN cursor [MATCH p] [COUNT n] [TYPE t], RANDOMKEY.
// Patterns use Redis's glob rules (GlobMatch); expired keys are never returned.
#include <cstdint>
#include <optional>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/collection_helpers.h"
#include "server/commands/command_context.h"
#include "server/commands/command_table.h"
#include "server/commands/keyspace_families.h"
#include "server/pubsub/pubsub.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

void Keys(CommandContext& ctx, ArgList args) {
  std::string_view pattern = args[1];
  bool all = pattern == "*";
  resp::ReplyBuilder& reply = ctx.reply();
  resp::ReplyBuilder::Deferred header = reply.BeginDeferredArray();
  size_t count = 0;
  ctx.db().ForEach([&](std::string_view key, const Object&) {
    if (all || GlobMatch(pattern, key)) {
      reply.Bulk(key);
      ++count;
    }
  });
  reply.EndDeferred(header, count);
}

void Scan(CommandContext& ctx, ArgList args) {
  std::optional<uint64_t> cursor = ParseCollectionScanCursor(args[1]);
  if (!cursor) return ctx.reply().Error(errors::kInvalidCursor);
  CollectionScanArgs opts;
  if (!ParseScanOptions(ctx, args, 2, true, &opts)) return;
  resp::ReplyBuilder& reply = ctx.reply();
  // The cursor comes first in the reply but is known only after the scan: stage the keys aside.
  std::string staged;
  resp::ReplyBuilder keys(&staged);
  keys.set_protocol(reply.protocol());
  size_t count = 0;
  uint64_t next = ctx.db().Scan(
      *cursor, static_cast<size_t>(opts.count), [&](std::string_view key, const Object& value) {
        if (opts.use_pattern && !GlobMatch(opts.pattern, key)) return;
        if (opts.use_type && !EqualsIgnoreCase(opts.type, TypeName(value.type()))) return;
        keys.Bulk(key);
        ++count;
      });
  ReplyScanCursor(reply, next);
  reply.ArrayHeader(count);
  reply.Raw(staged);
}

void RandomKey(CommandContext& ctx, ArgList) {
  std::optional<std::string> key = ctx.db().RandomKey();
  if (!key) return ctx.reply().Null();
  ctx.reply().Bulk(*key);
}

}  // namespace

void RegisterScanCommands(CommandTable& table) {
  table.Register(CollectionSpec("keys", 2, kCmdReadOnly, 0, 0, 0, Keys,
                                "@keyspace @read @slow @dangerous", "generic",
                                "Find all keys matching the given pattern", "1.0.0",
                                "O(N) with N being the number of keys in the database, under the "
                                "assumption that the key names "
                                "in the database and the given pattern have limited length."));
  table.Register(CollectionSpec(
      "scan", -2, kCmdReadOnly, 0, 0, 0, Scan, "@keyspace @read @slow", "generic",
      "Incrementally iterate the keys space", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
      "cursor to return back to 0. N is the number of elements inside the collection."));
  table.Register(CollectionSpec("randomkey", 1, kCmdReadOnly, 0, 0, 0, RandomKey,
                                "@keyspace @read @slow", "generic",
                                "Return a random key from the keyspace", "1.0.0", "O(1)"));
}

}  // namespace slotd
