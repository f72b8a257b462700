// Rewriting the data set as AOF commands, batch by batch, in the byte format Redis 7.0 writes.
#include "server/persistence/aof/aof_base_commands.h"

#include <charconv>
#include <cstdio>
#include <string>

#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/object.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"

namespace slotd {
namespace {

constexpr size_t kItemsPerCommand = 64;  // Redis's AOF_REWRITE_ITEMS_PER_CMD
constexpr size_t kChunkBytes = 64 * 1024;

class CommandWriter {
 public:
  explicit CommandWriter(const rdb::ChunkSink& sink) : sink_(sink) {}

  void Count(size_t n) { Number('*', n); }
  void Bulk(std::string_view s) {
    Number('$', s.size());
    out_.append(s);
    out_.append("\r\n", 2);
  }
  void Bulk(int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    Bulk(std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  void Score(double d) {
    char buf[64];
    int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
    Bulk(std::string_view(buf, static_cast<size_t>(n)));
  }
  // Flushes a full chunk to the sink; false once the sink failed.
  bool MaybeFlush() {
    if (out_.size() < kChunkBytes) return ok_;
    return Finish();
  }
  bool Finish() {
    if (ok_ && !out_.empty()) ok_ = sink_(out_);
    out_.clear();
    return ok_;
  }

 private:
  void Number(char prefix, size_t n) {
    char buf[24];
    buf[0] = prefix;
    auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf), n);
    out_.append(buf, static_cast<size_t>(end - buf));
    out_.append("\r\n", 2);
  }

  const rdb::ChunkSink& sink_;
  std::string out_;
  bool ok_ = true;
};

// Emits `total` items as `name key item...` commands of at most 64 items; `per_item` bulks each.
template <class Items>
void Batched(CommandWriter& w, std::string_view name, std::string_view key, size_t total,
             size_t per_item, Items&& for_each_item) {
  size_t left = total;
  size_t in_command = 0;
  for_each_item([&](auto&& emit) {
    if (in_command == 0) {
      size_t items = left < kItemsPerCommand ? left : kItemsPerCommand;
      w.Count(2 + items * per_item);
      w.Bulk(name);
      w.Bulk(key);
    }
    emit();
    if (++in_command == kItemsPerCommand) in_command = 0;
    --left;
  });
}

void WriteKey(CommandWriter& w, std::string_view key, const Object& value) {
  switch (value.type()) {
    case ObjectType::kString:
      w.Count(3);
      w.Bulk("SET");
      w.Bulk(key);
      w.Bulk(value.str());
      break;
    case ObjectType::kList: {
      const auto& list = value.as<ListValue>();
      Batched(w, "RPUSH", key, list.Length(), 1, [&](auto&& item) {
        list.ForEach([&](std::string_view v) { item([&] { w.Bulk(v); }); });
      });
      break;
    }
    case ObjectType::kSet: {
      const auto& set = value.as<SetValue>();
      Batched(w, "SADD", key, set.Length(), 1, [&](auto&& item) {
        set.ForEach([&](const SetMember& m) {
          item([&] { m.is_integer ? w.Bulk(m.integer) : w.Bulk(m.str); });
        });
      });
      break;
    }
    case ObjectType::kZSet: {
      const auto& zset = value.as<ZSetValue>();
      Batched(w, "ZADD", key, zset.Length(), 2, [&](auto&& item) {
        for (auto c = zset.First(); c.valid(); c.Next()) {
          item([&] {
            w.Score(c.score());
            w.Bulk(c.member());
          });
        }
      });
      break;
    }
    case ObjectType::kHash: {
      const auto& hash = value.as<HashValue>();
      Batched(w, "HMSET", key, hash.Length(), 2, [&](auto&& item) {
        hash.ForEach([&](std::string_view f, std::string_view v) {
          item([&] {
            w.Bulk(f);
            w.Bulk(v);
          });
        });
      });
      break;
    }
  }
}

}  // namespace

bool WriteAofBaseCommands(std::span<const std::unique_ptr<Database>> dbs,
                          const rdb::ChunkSink& sink) {
  CommandWriter w(sink);
  for (const std::unique_ptr<Database>& db : dbs) {
    if (db->size() == 0) continue;
    w.Count(2);
    w.Bulk("SELECT");
    w.Bulk(static_cast<int64_t>(db->index()));
    bool ok = true;
    db->ForEachWithExpire([&](std::string_view key, const Object& value, int64_t expire_at_ms) {
      if (!ok) return;
      WriteKey(w, key, value);
      if (expire_at_ms != -1) {
        w.Count(3);
        w.Bulk("PEXPIREAT");
        w.Bulk(key);
        w.Bulk(expire_at_ms);
      }
      ok = w.MaybeFlush();
    });
    if (!ok) return false;
  }
  return w.Finish();
}

}  // namespace slotd
