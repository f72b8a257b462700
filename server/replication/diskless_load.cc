// repl-diskless-load on the replica: the master's RDB is parsed from memory instead of a temp file.
// on-empty-db does so only when we hold no keys; swapdb keeps the old data set aside (as an RDB image)
// and puts it back when the new one fails to load. Also the load keepalive shared with the disk path.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/rdb/rdb_snapshot.h"
#include "server/replication/replication.h"

namespace slotd {

bool Replication::UseDisklessLoad() const {
  switch (server_.config.repl_diskless_load) {
    case ReplDisklessLoad::kDisabled:
      return false;
    case ReplDisklessLoad::kSwapDb:
      return true;
    case ReplDisklessLoad::kOnEmptyDb:
      for (const auto& db : server_.dbs) {
        if (db->size() > 0) return false;
      }
      return true;
  }
  return false;
}

std::function<void()> Replication::LoadKeepalive() {
  using Clock = std::chrono::steady_clock;
  auto last = std::make_shared<Clock::time_point>(Clock::now());
  return [this, last] {
    auto now = Clock::now();
    if (now - *last < std::chrono::seconds(1)) return;
    *last = now;
    SendToMaster("\n");
  };
}

bool Replication::LoadReceivedBytes(std::string_view image) {
  server_.DatabaseModified(-1);
  for (auto& db : server_.dbs) db->Clear();
  loaded_stream_db_ = 0;
  rdb::LoadOptions options;
  options.now_ms = server_.now_ms;
  options.drop_expired = false;
  options.progress = LoadKeepalive();
  auto result = rdb::LoadSnapshot(image, server_.dbs, server_.config, options);
  if (!result.ok()) {
    Log(LogLevel::kWarning, "%s", result.error().c_str());
    return false;
  }
  Log(LogLevel::kNotice, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
      static_cast<unsigned long long>(result->keys_loaded),
      static_cast<unsigned long long>(result->keys_expired));
  loaded_stream_db_ = result->info.repl_stream_db;
  return true;
}

void Replication::FinishDisklessTransfer() {
  std::string image = std::move(payload_mem_);
  payload_in_memory_ = false;
  bool swap = server_.config.repl_diskless_load == ReplDisklessLoad::kSwapDb;
  std::string backup;
  if (swap) {
    Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Keeping the old data set aside");
    rdb::WriteSnapshot(
        server_.dbs, rdb::SnapshotInfo{},
        [&backup](std::string_view chunk) {
          backup.append(chunk);
          return true;
        },
        rdb::WriteOptions::From(server_.config, server_.now_ms, server_.UsedMemory()));
  } else {
    Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Flushing old data");
  }
  DisconnectReplicas();  // our sub-replicas must resync with the new data set
  backlog_.reset();
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Loading DB in memory");
  if (!LoadReceivedBytes(image)) {
    Log(LogLevel::kWarning,
        "Failed trying to load the MASTER synchronization DB from socket, check server logs.");
    if (swap) {
      Log(LogLevel::kWarning,
          "MASTER <-> REPLICA sync: Discarding the half-loaded data, restoring the old one");
      LoadReceivedBytes(backup);
    } else {
      server_.DatabaseModified(-1);
      for (auto& db : server_.dbs) db->Clear();
    }
    DropLink(false);
    return;
  }
  StartStreaming(pending_replid_, true);
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Finished with success");
  if (payload_eof_mode_) SendAck();  // a 7.0 master starts an EOF transfer's stream on this ACK
}

}  // namespace slotd
