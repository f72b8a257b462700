// Disk-target full sync (repl-diskless-sync no): a BGSAVE writes the rdb file, replicas arriving
// while it runs attach to it, then the file goes to each replica as `$<len>\r\n<bytes>`, read in
// chunks only as fast as the replica's socket drains.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr size_t kFileChunk = 64 * 1024;
// Unsent file bytes kept in a replica's output: enough to keep the socket busy between loop turns.
constexpr size_t kFileWindow = 1024 * 1024;

}  // namespace

Replication::ReplicaEntry::~ReplicaEntry() {
  if (rdb_fd >= 0) close(rdb_fd);
}

bool Replication::WantsDiskless(const ReplicaEntry& entry) const {
  return server_.config.repl_diskless_sync && entry.capa_eof && !entry.old_sync;
}

// startBgsaveForReplication's failure path: the replicas that needed this fork are told and dropped.
void Replication::DropReplicasWaitingForFork(bool disk) {
  Log(LogLevel::kWarning, "BGSAVE for replication failed");
  for (auto& entry : entries_) {
    if (entry->state != ReplicaState::kWaitBgsave || entry->fullresync_sent ||
        WantsDiskless(*entry) == disk) {
      continue;
    }
    // Closed after the reply is written, before the loop sleeps: callers iterate entries_.
    entry->state = ReplicaState::kNotAttached;
    Client& client = *entry->client;
    client.is_replica = false;
    client.reply.Error("BGSAVE failed, replication can't continue");
    client.close_after_reply = true;
    if (server_.schedule_flush) server_.schedule_flush(client);
  }
}

void Replication::CloseClients(const std::vector<Client*>& clients) {
  for (Client* client : clients) {
    if (server_.close_client) server_.close_client(*client);
  }
}

// Attaches `entry` to the BGSAVE for replication in progress, or starts one. False when it has to
// wait (another child runs, or a BGSAVE runs whose snapshot point no replica captured).
bool Replication::StartDiskSync(ReplicaEntry& entry) {
  auto attach = [this](ReplicaEntry& e) {
    if (!e.old_sync) {
      WriteToReplica(e, "+FULLRESYNC " + replid_ + " " + std::to_string(disk_sync_offset_) +
                            "\r\n");
    }
    e.disk_sync = true;
    e.fullresync_sent = true;
  };
  if (disk_sync_running_) {
    for (auto& other : entries_) {
      if (other.get() == &entry || !other->disk_sync ||
          other->state != ReplicaState::kWaitBgsave) {
        continue;
      }
      entry.pending = other->pending;  // the stream since the snapshot point, as Redis copies it
      attach(entry);
      Log(LogLevel::kNotice, "Waiting for end of BGSAVE for SYNC");
      return true;
    }
    return false;
  }
  if (server_.child->active()) return false;
  Log(LogLevel::kNotice, "Starting BGSAVE for SYNC with target: disk");
  slaveseldb_ = -1;  // the stream after the snapshot starts with SELECT
  std::string error;
  if (!server_.snapshots->StartBackgroundSave([this](bool ok) { OnDiskSyncSaved(ok); }, &error)) {
    DropReplicasWaitingForFork(/*disk=*/true);  // as Redis: no retry every tick
    return false;
  }
  disk_sync_running_ = true;
  rdb_made_for_sync_ = true;
  disk_sync_offset_ = master_repl_offset_;
  for (auto& other : entries_) {
    if (other->state != ReplicaState::kWaitBgsave || other->fullresync_sent ||
        WantsDiskless(*other)) {
      continue;
    }
    other->pending.clear();  // the snapshot point is now
    attach(*other);
  }
  return true;
}

void Replication::OnDiskSyncSaved(bool ok) {
  disk_sync_running_ = false;
  std::vector<Client*> failed;
  std::string path = server_.snapshots->RdbPath();
  for (auto& entry : entries_) {
    if (!entry->disk_sync || entry->state != ReplicaState::kWaitBgsave) continue;
    if (!ok) {
      Log(LogLevel::kWarning, "SYNC failed. BGSAVE child returned an error");
      failed.push_back(entry->client);
      continue;
    }
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      Log(LogLevel::kWarning, "SYNC failed. Can't open/stat DB after BGSAVE: %s", strerror(errno));
      if (fd >= 0) close(fd);
      failed.push_back(entry->client);
      continue;
    }
    entry->rdb_fd = fd;
    entry->rdb_left = st.st_size;
    entry->state = ReplicaState::kSendBulk;
    WriteToReplica(*entry, "$" + std::to_string(st.st_size) + "\r\n");
  }
  CloseClients(failed);
  StreamRdbFiles();
  // Replicas that could not attach wait for the cron: this runs inside Snapshots' kill path too
  // (FLUSHALL, SHUTDOWN), where a new fork would snapshot a data set about to change.
}

// Tops up each replica's output with the next part of its file, then puts it online at the end.
void Replication::StreamRdbFiles() {
  std::vector<Client*> failed;
  std::vector<ReplicaEntry*> done;
  for (auto& entry : entries_) {
    if (!entry->disk_sync || entry->state != ReplicaState::kSendBulk) continue;
    std::string& out = entry->client->output;
    size_t before = out.size();
    bool error = false;
    while (out.size() < kFileWindow && entry->rdb_left > 0) {
      size_t want = static_cast<size_t>(std::min<int64_t>(kFileChunk, entry->rdb_left));
      size_t at = out.size();
      out.resize(at + want);
      ssize_t n = read(entry->rdb_fd, out.data() + at, want);
      if (n <= 0) {
        out.resize(at);
        if (n < 0 && errno == EINTR) continue;
        error = true;  // a read error, or EOF before the size fstat gave
        break;
      }
      out.resize(at + static_cast<size_t>(n));
      entry->rdb_left -= n;
    }
    repl_output_bytes_ += out.size() - before;
    if (out.size() != before && server_.schedule_flush) server_.schedule_flush(*entry->client);
    if (error) {
      Log(LogLevel::kWarning, "Read error sending DB to replica: %s", strerror(errno));
      failed.push_back(entry->client);
    } else if (entry->rdb_left == 0) {
      done.push_back(entry.get());
    }
  }
  for (ReplicaEntry* entry : done) {
    close(entry->rdb_fd);
    entry->rdb_fd = -1;
    entry->disk_sync = false;
    PutOnline(*entry);
  }
  CloseClients(failed);
}

bool Replication::PersistenceDisabled() const {
  return server_.config.save.empty() && (server_.aof == nullptr || !server_.aof->enabled());
}

// rdb-del-sync-files: a persistence-less master removes the file it wrote only to feed replicas, once
// no replica still needs it (removeRDBUsedToSyncReplicas).
void Replication::RemoveRdbUsedForSync() {
  if (!server_.config.rdb_del_sync_files) {
    rdb_made_for_sync_ = false;
    return;
  }
  if (!rdb_made_for_sync_ || !PersistenceDisabled() || disk_sync_running_ ||
      server_.snapshots == nullptr) {
    return;
  }
  for (const auto& entry : entries_) {
    if (entry->state == ReplicaState::kWaitBgsave || entry->state == ReplicaState::kSendBulk) return;
  }
  std::string path = server_.snapshots->RdbPath();
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  rdb_made_for_sync_ = false;
  Log(LogLevel::kNotice, "Removing the RDB file used to feed replicas in a persistence-less instance");
  unlink(path.c_str());
}

}  // namespace slotd
