// Whole RDB v10 files: WriteSnapshot streams every database as Redis 7.0 would write it, and
// LoadSnapshot reads a file written by Redis 7.0 (or by older versions 7.0 still reads) into
// databases.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cluster/core/result.h"
#include "server/keyspace/database.h"

namespace slotd {
struct Config;
}

namespace slotd::rdb {

// Aux fields besides redis-ver/redis-bits/ctime/used-mem (always written).
struct SnapshotInfo {
  std::string repl_id;      // "repl-id"; written only when non-empty (then with the two below)
  int64_t repl_offset = 0;  // "repl-offset"
  int repl_stream_db = 0;   // "repl-stream-db"
  bool aof_base = false;    // "aof-base" = 1
};

using ChunkSink = std::function<bool(std::string_view)>;  // false = I/O error, stop

// Settings that change the bytes written; the defaults are Redis 7.0's.
struct WriteOptions {
  bool compress = true;         // rdbcompression: LZF for strings (and blobs) over 20 bytes
  int64_t list_fill = -2;       // list-max-listpack-size: how lists are cut into quicklist nodes
  bool save_lru = false;        // an LRU maxmemory-policy: write IDLE (0xF8) before each key
  bool save_lfu = false;        // an LFU maxmemory-policy: write FREQ (0xF9) before each key
  int64_t now_ms = 0;           // for IDLE seconds and the "ctime" aux field
  int lfu_decay_time = 1;       // lfu-decay-time, to decay counters as Redis does when saving
  size_t used_memory = 0;       // the "used-mem" aux field: the server's memory when the save began
  // Everything above from the live configuration and the server's clock and memory figure.
  static WriteOptions From(const Config& config, int64_t now_ms, size_t used_memory);
};

// Streams a whole RDB file (REDIS0010, aux, every non-empty db with RESIZEDB, keys with expiries,
// EOF, CRC64) to `sink` in chunks of about 64 KiB. False when the sink failed. Pass
// WriteOptions::From(config, now_ms) so IDLE/FREQ hints and list node cuts follow the config.
bool WriteSnapshot(std::span<const std::unique_ptr<Database>> dbs, const SnapshotInfo& info,
                   const ChunkSink& sink, const WriteOptions& options);
// The first form of this interface: only rdbcompression.
inline bool WriteSnapshot(std::span<const std::unique_ptr<Database>> dbs, const SnapshotInfo& info,
                          const ChunkSink& sink, bool compress = true) {
  WriteOptions options;
  options.compress = compress;
  return WriteSnapshot(dbs, info, sink, options);
}

struct LoadOptions {
  int64_t now_ms = 0;
  bool drop_expired = true;  // a master skips keys already expired; a replica keeps them (false)
  bool allow_dup = false;    // a key already in memory is replaced (DEBUG RELOAD MERGE); else an error
  // Called every 1024 keys of a long load (a replica keeps its master link alive from it).
  std::function<void()> progress;
};

struct LoadResult {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  SnapshotInfo info;
  std::string redis_ver;
  int64_t ctime = 0;
  uint64_t used_mem = 0;
};

// Loads a whole RDB image into `dbs` (callers pass empty dbs). On error returns a message naming
// what and where ("RDB file corrupted: bad checksum", "... unknown value type 21 at offset 1234",
// "unexpected end of file"); the dbs may then hold part of the data and the caller discards them.
Result<LoadResult> LoadSnapshot(std::string_view image, std::span<std::unique_ptr<Database>> dbs,
                                const Config& config, const LoadOptions& options);

}  // namespace slotd::rdb
