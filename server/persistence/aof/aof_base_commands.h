// The AOF base as commands (aof-use-rdb-preamble no): every key rewritten as the commands
// Redis 7.0's rewriteAppendOnlyFileRio emits (SELECT, SET, RPUSH/SADD/ZADD/HMSET in batches of 64,
// PEXPIREAT).
#pragma once
#include <memory>
#include <span>

#include "server/keyspace/database.h"
#include "server/persistence/rdb/rdb_snapshot.h"

namespace slotd {

// Streams the commands to `sink` in chunks; false when the sink failed.
bool WriteAofBaseCommands(std::span<const std::unique_ptr<Database>> dbs,
                          const rdb::ChunkSink& sink);

}  // namespace slotd
