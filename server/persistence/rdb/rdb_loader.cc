// LoadSnapshot: walks an RDB image opcode by opcode into databases, applying expiry, LRU/LFU
// hints and aux fields, and verifying the CRC64 at the end.
#include <charconv>
#include <optional>

#include "server/config/config.h"
#include "server/keyspace/eviction.h"
#include "server/persistence/rdb/crc64.h"
#include "server/persistence/rdb/rdb_encoding.h"
#include "server/persistence/rdb/rdb_snapshot.h"
#include "server/persistence/rdb/value_codec.h"

namespace slotd::rdb {
namespace {

constexpr size_t kHeaderBytes = 9;  // "REDIS" + 4 version digits
constexpr int kFirstVersionWithChecksum = 5;

Error Corrupt(const std::string& what) { return Error{"RDB file corrupted: " + what}; }

int64_t ToInt(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Stores a successfully read value into *out, or returns the read error.
template <class T, class U>
std::optional<Error> Store(Result<T> v, U* out) {
  if (!v) return Corrupt(v.error());
  *out = static_cast<U>(*v);
  return std::nullopt;
}

// State of one load: the reader, the current db and the hints for the next key.
class Loader {
 public:
  Loader(std::string_view image, std::span<std::unique_ptr<Database>> dbs, const Config& config,
         const LoadOptions& options)
      : image_(image), r_(image), dbs_(dbs), config_(config), options_(options) {}

  Result<LoadResult> Run();

 private:
  std::optional<Error> Header();
  std::optional<Error> Aux();
  std::optional<Error> Key(uint8_t type);
  std::optional<Error> Checksum(size_t eof_offset);
  void Stamp(Object& value) const;
  Error At(size_t offset, const std::string& what) const {
    return Corrupt("at offset " + std::to_string(offset) + ": " + what);
  }

  std::string_view image_;
  Reader r_;
  std::span<std::unique_ptr<Database>> dbs_;
  const Config& config_;
  const LoadOptions& options_;
  LoadResult result_;
  int version_ = 0;
  size_t db_ = 0;
  int64_t expire_at_ms_ = -1;
  int64_t idle_seconds_ = -1;
  int freq_ = -1;
  std::string key_scratch_;
  uint64_t keys_seen_ = 0;
};

std::optional<Error> Loader::Header() {
  auto head = r_.Bytes(kHeaderBytes);
  if (!head || head->substr(0, 5) != "REDIS") return Corrupt("wrong signature");
  int version = 0;
  for (char c : head->substr(5)) {
    if (c < '0' || c > '9') return Corrupt("wrong signature");
    version = version * 10 + (c - '0');
  }
  if (version < 1 || version > kRdbVersion) {
    return Error{"Can't handle RDB format version " + std::to_string(version)};
  }
  version_ = version;
  return std::nullopt;
}

std::optional<Error> Loader::Aux() {
  auto key = r_.String();
  if (!key) return Corrupt(key.error());
  auto value = r_.String();
  if (!value) return Corrupt(value.error());
  if (*key == "redis-ver") {
    result_.redis_ver = *value;
  } else if (*key == "ctime") {
    result_.ctime = ToInt(*value);
  } else if (*key == "used-mem") {
    result_.used_mem = static_cast<uint64_t>(ToInt(*value));
  } else if (*key == "repl-id") {
    if (value->size() == 40) result_.info.repl_id = *value;
  } else if (*key == "repl-offset") {
    result_.info.repl_offset = ToInt(*value);
  } else if (*key == "repl-stream-db") {
    result_.info.repl_stream_db = static_cast<int>(ToInt(*value));
  } else if (*key == "aof-base") {
    result_.info.aof_base = ToInt(*value) != 0;
  }  // anything else (including "%..." informational keys) is ignored, as Redis does
  return std::nullopt;
}

// objectSetLRUOrLFU: a hint applies only when it matches the policy family.
void Loader::Stamp(Object& value) const {
  bool lfu = IsLfuPolicy(config_.maxmemory_policy);
  if (lfu && freq_ >= 0) {
    value.set_lfu(LfuTimeInMinutes(options_.now_ms), static_cast<uint8_t>(freq_));
  } else if (!lfu && idle_seconds_ >= 0) {
    // A hostile file can carry any 64-bit idle time: clamp before scaling to ms.
    int64_t idle_ms =
        idle_seconds_ > options_.now_ms / 1000 ? options_.now_ms : idle_seconds_ * 1000;
    int64_t at = options_.now_ms - idle_ms;
    value.set_lru_clock(LruClockFromMs(at < 0 ? 0 : at));
  }
}

std::optional<Error> Loader::Key(uint8_t type) {
  if (options_.progress && (++keys_seen_ & 1023) == 0) options_.progress();
  size_t type_offset = r_.offset() - 1;
  auto key = r_.StringView(&key_scratch_);
  if (!key) return Corrupt(key.error());
  std::string_view name = *key;  // ReadValue uses scratch buffers of its own
  if (const char* kind = UnsupportedTypeName(type)) {
    return Error{"RDB file holds a value slotd does not support: at offset " +
                 std::to_string(type_offset) + ": key '" + std::string(name) + "' is a " + kind +
                 " (type " + std::to_string(type) + ")"};
  }
  auto value = ReadValue(r_, type, config_);
  if (!value) {
    return At(type_offset, "key '" + std::string(name) + "' of type " + std::to_string(type) +
                               ": " + value.error());
  }
  int64_t expire_at_ms = expire_at_ms_;
  expire_at_ms_ = -1;
  if (!value->has_value()) return std::nullopt;  // an empty collection: skipped, as Redis does
  if (options_.drop_expired && expire_at_ms != -1 && expire_at_ms < options_.now_ms) {
    ++result_.keys_expired;
    return std::nullopt;
  }
  Object& obj = **value;
  Stamp(obj);
  idle_seconds_ = -1;
  freq_ = -1;
  Database& db = *dbs_[db_];
  if (options_.allow_dup) db.Erase(name);
  if (db.Add(name, std::move(obj), /*announce=*/false) == nullptr) {
    return At(type_offset, "duplicate key '" + std::string(name) + "'");
  }
  if (expire_at_ms != -1) db.SetExpire(name, expire_at_ms);
  ++result_.keys_loaded;
  return std::nullopt;
}

std::optional<Error> Loader::Checksum(size_t eof_offset) {
  if (version_ < kFirstVersionWithChecksum) return std::nullopt;
  auto stored = r_.U64Le();
  if (!stored) return Corrupt("unexpected end of file in the checksum");
  if (*stored == 0) return std::nullopt;  // saved with rdbchecksum no
  if (Crc64(0, image_.substr(0, eof_offset + 1)) != *stored) return Corrupt("bad checksum");
  return std::nullopt;
}

Result<LoadResult> Loader::Run() {
  if (auto err = Header()) return *err;
  for (;;) {
    size_t offset = r_.offset();
    auto op = r_.Byte();
    if (!op) return Corrupt("unexpected end of file at offset " + std::to_string(offset));
    std::optional<Error> err;
    switch (*op) {
      case kOpEof:
        if (auto e = Checksum(offset)) return *e;
        return std::move(result_);
      case kOpExpireTime:
        err = Store(r_.ExpireTimeSeconds(), &expire_at_ms_);
        break;
      case kOpExpireTimeMs:
        err = Store(r_.ExpireTimeMs(), &expire_at_ms_);
        break;
      case kOpFreq:
        err = Store(r_.Byte(), &freq_);
        break;
      case kOpIdle:  // a huge value turns negative and is ignored
        err = Store(r_.Length(), &idle_seconds_);
        break;
      case kOpSelectDb: {
        auto db = r_.Length();
        if (!db) return Corrupt(db.error());
        if (*db >= dbs_.size()) {
          return Error{"FATAL: Data file was created with a Redis server configured to handle "
                       "more than " + std::to_string(dbs_.size()) + " databases. Exiting"};
        }
        db_ = static_cast<size_t>(*db);
        break;
      }
      case kOpResizeDb: {
        auto size = r_.Length();
        auto expires = size ? r_.Length() : Result<uint64_t>(Error{size.error()});
        if (!expires) return Corrupt(expires.error());
        break;
      }
      case kOpAux:
        err = Aux();
        break;
      case kOpModuleAux:
        return Error{"RDB file holds module auxiliary data at offset " + std::to_string(offset) +
                     ", and slotd does not support modules"};
      case kOpFunction:
      case kOpFunction2:
        return Error{"RDB file holds a Redis Functions library at offset " +
                     std::to_string(offset) + ", and slotd does not support functions"};
      default:
        err = Key(*op);
        break;
    }
    if (err) return *err;
  }
}

}  // namespace

Result<LoadResult> LoadSnapshot(std::string_view image, std::span<std::unique_ptr<Database>> dbs,
                                const Config& config, const LoadOptions& options) {
  if (dbs.empty()) return Error{"no databases to load into"};
  Loader loader(image, dbs, config, options);
  return loader.Run();
}

}  // namespace slotd::rdb
