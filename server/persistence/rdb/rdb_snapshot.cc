// Whole-file RDB writing and loading: header, aux fields, per-db SELECTDB/RESIZEDB, keys with
// expiry and LRU/LFU hints, EOF and CRC64. Values themselves are value_codec's job.
#include "server/persistence/rdb/rdb_snapshot.h"

#include <charconv>
#include <cstring>
#include <optional>

#include "server/config/config.h"
#include "server/config/config_loader.h"
#include "server/keyspace/eviction.h"
#include "server/persistence/rdb/crc64.h"
#include "server/persistence/rdb/rdb_encoding.h"
#include "server/persistence/rdb/value_codec.h"

namespace slotd::rdb {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
constexpr std::string_view kMagic = "REDIS";

// Collects output and hands it to the sink in chunks, keeping the running CRC64.
class ChunkedOutput {
 public:
  explicit ChunkedOutput(const ChunkSink& sink) : sink_(sink), writer_(&buf_) {
    buf_.reserve(kChunkBytes * 2);
  }
  Writer& writer() { return writer_; }
  bool MaybeFlush() { return buf_.size() < kChunkBytes || Flush(); }
  bool Flush() {
    if (buf_.empty()) return true;
    crc_ = Crc64(crc_, buf_);
    bool ok = sink_(buf_);
    buf_.clear();
    return ok;
  }
  // Hands over what is buffered without adding it to the checksum (the checksum itself).
  bool FlushUnchecked() {
    bool ok = sink_(buf_);
    buf_.clear();
    return ok;
  }
  uint64_t crc() const { return crc_; }

 private:
  const ChunkSink& sink_;
  std::string buf_;
  Writer writer_;
  uint64_t crc_ = 0;
};

void AuxField(Writer& w, std::string_view key, std::string_view value) {
  w.Byte(kOpAux);
  w.String(key);
  w.String(value);
}

void AuxInt(Writer& w, std::string_view key, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  AuxField(w, key, std::string_view(buf, end - buf));
}

void WriteAux(Writer& w, const SnapshotInfo& info, const WriteOptions& options) {
  AuxField(w, "redis-ver", kRedisCompatVersion);
  AuxInt(w, "redis-bits", 64);
  AuxInt(w, "ctime", options.now_ms / 1000);
  AuxInt(w, "used-mem", static_cast<int64_t>(options.used_memory));
  if (!info.repl_id.empty()) {
    AuxInt(w, "repl-stream-db", info.repl_stream_db);
    AuxField(w, "repl-id", info.repl_id);
    AuxInt(w, "repl-offset", info.repl_offset);
  }
  AuxInt(w, "aof-base", info.aof_base ? 1 : 0);
}

void WriteEntry(Writer& w, std::string_view key, const Object& value, int64_t expire_at_ms,
                const WriteOptions& options) {
  if (expire_at_ms != -1) w.ExpireTimeMs(expire_at_ms);
  if (options.save_lru) {
    w.Byte(kOpIdle);
    w.Length(LruIdleMs(value.lru_clock(), options.now_ms) / 1000);
  } else if (options.save_lfu) {
    w.Byte(kOpFreq);
    w.Byte(LfuDecrAndReturn(value, options.now_ms, options.lfu_decay_time));
  }
  w.Byte(ValueType(value));
  w.String(key, options.compress);
  WriteValue(w, value, options.compress, options.list_fill);
}

}  // namespace

WriteOptions WriteOptions::From(const Config& config, int64_t now_ms, size_t used_memory) {
  WriteOptions o;
  o.used_memory = used_memory;
  o.compress = config.rdbcompression;
  o.list_fill = config.list_max_listpack_size;
  o.save_lru = config.maxmemory_policy == MaxmemoryPolicy::kVolatileLru ||
               config.maxmemory_policy == MaxmemoryPolicy::kAllkeysLru;
  o.save_lfu = IsLfuPolicy(config.maxmemory_policy);
  o.now_ms = now_ms;
  o.lfu_decay_time = config.lfu_decay_time;
  return o;
}

bool WriteSnapshot(std::span<const std::unique_ptr<Database>> dbs, const SnapshotInfo& info,
                   const ChunkSink& sink, const WriteOptions& options) {
  ChunkedOutput out(sink);
  Writer& w = out.writer();
  w.Bytes("REDIS0010");
  WriteAux(w, info, options);
  bool ok = true;
  for (size_t i = 0; i < dbs.size() && ok; ++i) {
    Database& db = *dbs[i];
    if (db.size() == 0) continue;
    w.Byte(kOpSelectDb);
    w.Length(i);
    w.Byte(kOpResizeDb);
    w.Length(db.size());
    w.Length(db.expires_size());
    db.ForEachWithExpire([&](std::string_view key, const Object& value, int64_t expire_at_ms) {
      if (!ok) return;
      WriteEntry(w, key, value, expire_at_ms, options);
      ok = out.MaybeFlush();
    });
  }
  if (!ok) return false;
  w.Byte(kOpEof);
  if (!out.Flush()) return false;
  w.U64Le(out.crc());
  return out.FlushUnchecked();
}

}  // namespace slotd::rdb
