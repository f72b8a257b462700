// Diskless full sync (repl-diskless-sync yes, Redis 7.0's default): a forked child writes the RDB
// into a pipe, the parent relays it to every waiting replica framed as `$EOF:<mark>` ... `<mark>`;
// each replica's buffered stream starts after its first ACK. repl-diskless-sync-delay lets more
// replicas join one child.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/child_process.h"
#include "server/replication/repl_util.h"
#include "server/replication/replication.h"

namespace slotd {
struct Replication::ForkedSync::Reader {
  uv_pipe_t pipe;
  Replication* owner;
  char buf[64 * 1024];
  void StartReads();
};

namespace {

// The relay stops reading the child's pipe while a replica has this much unsent output, so a big
// data set waits in the pipe (the child blocks) instead of tripping the output-buffer limit.
constexpr size_t kRelayOutputBound = 16 * 1024 * 1024;

}  // namespace

void Replication::ForkedSync::Reader::StartReads() {
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&pipe),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* r = static_cast<ForkedSync::Reader*>(h->data);
        *buf = uv_buf_init(r->buf, sizeof(r->buf));
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
        auto* r = static_cast<ForkedSync::Reader*>(s->data);
        if (r->owner == nullptr || nread == 0) return;
        if (nread < 0) {
          r->owner->OnForkedSyncData({}, true);
          return;
        }
        r->owner->OnForkedSyncData(std::string_view(buf->base, static_cast<size_t>(nread)), false);
      });
}

Replication::ForkedSync::~ForkedSync() { CloseReader(); }

void Replication::ForkedSync::CloseReader() {
  if (reader == nullptr) return;
  reader->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&reader->pipe),
           [](uv_handle_t* h) { delete static_cast<Reader*>(h->data); });
  reader = nullptr;
}

bool Replication::StartForkedSync() {
  if (server_.child == nullptr || server_.child->active()) return false;
  int fds[2];
  if (pipe(fds) != 0) return false;
  rdb::SnapshotInfo info = SyncSnapshotInfo();
  Server* server = &server_;
  // The live configuration's options, so ctime, IDLE/FREQ hints and list node cuts are right.
  rdb::WriteOptions options = rdb::WriteOptions::From(server_.config, server_.now_ms, server_.UsedMemory());
  int write_fd = fds[1];
  auto work = [server, info, write_fd, options]() -> int {
    bool ok = rdb::WriteSnapshot(
        server->dbs, info,
        [write_fd](std::string_view chunk) { return WriteFully(write_fd, chunk); }, options);
    return ok ? 0 : 1;
  };
  auto done = [this](int exit_code, int term_signal) {
    if (forked_sync_ == nullptr) return;
    forked_sync_->child_done = true;
    forked_sync_->child_ok = exit_code == 0 && term_signal == 0;
    forked_sync_->killed = term_signal != 0;
    OnForkedSyncData({}, forked_sync_->eof);
  };
  std::string error;
  if (!server_.child->Start(ChildKind::kRdb, work, done, &error, {write_fd})) {
    close(fds[0]);
    close(fds[1]);
    Log(LogLevel::kWarning, "Can't save in background: fork: %s", error.c_str());
    DropReplicasWaitingForFork(/*disk=*/false);
    return false;
  }
  close(write_fd);
  forked_sync_ = std::make_unique<ForkedSync>();
  forked_sync_->mark = RandomHexId();
  auto* reader = new ForkedSync::Reader();
  reader->owner = this;
  reader->pipe.data = reader;
  uv_pipe_init(loop_, &reader->pipe, 0);
  uv_pipe_open(&reader->pipe, fds[0]);
  forked_sync_->reader = reader;
  reader->StartReads();
  Log(LogLevel::kNotice, "Starting BGSAVE for SYNC with target: replicas sockets");
  Log(LogLevel::kNotice, "Background RDB transfer started by pid %d",
      static_cast<int>(server_.child->pid()));
  std::string header = "+FULLRESYNC " + replid_ + " " + std::to_string(master_repl_offset_) +
                       "\r\n$EOF:" + forked_sync_->mark + "\r\n";
  for (auto& entry : entries_) {
    if (entry->state != ReplicaState::kWaitBgsave || entry->old_sync || !entry->capa_eof) continue;
    entry->state = ReplicaState::kSendBulk;
    entry->fullresync_sent = true;
    entry->wait_first_ack = true;
    entry->pending.clear();  // the snapshot point is now
    WriteToReplica(*entry, header);
  }
  slaveseldb_ = -1;
  return true;
}

void Replication::OnForkedSyncData(std::string_view chunk, bool eof) {
  ForkedSync& sync = *forked_sync_;
  if (!chunk.empty()) {
    for (auto& entry : entries_) {
      if (entry->state == ReplicaState::kSendBulk && !entry->disk_sync)
        WriteToReplica(*entry, chunk);
    }
    PauseOrResumeForkedSyncReads();
  }
  if (eof && !sync.eof) {
    sync.eof = true;
    sync.CloseReader();
  }
  if (!sync.eof || !sync.child_done) return;
  int up = 0;
  for (auto& entry : entries_) {
    if (entry->state != ReplicaState::kSendBulk || entry->disk_sync) continue;
    if (sync.child_ok) {
      WriteToReplica(*entry, sync.mark);
      PutOnline(*entry);
      ++up;
    } else if (server_.close_client) {
      server_.close_client(*entry->client);
    }
  }
  if (sync.child_ok) {
    Log(LogLevel::kNotice, "Diskless rdb transfer, done reading from pipe, %d replicas still up.",
        up);
    Log(LogLevel::kNotice, "Background RDB transfer terminated with success");
  } else {
    Log(LogLevel::kWarning, "Background transfer error");
  }
  // A child killed by FLUSHALL/SHUTDOWN (or a signal) ends inside their kill path: forking again there
  // would snapshot a data set about to change, so waiting replicas are left to the next cron tick.
  bool fork_again = !sync.killed;
  forked_sync_.reset();
  if (fork_again) MaybeStartDelayedSync();
}

// Backpressure for the relay: called after each chunk and before the loop sleeps.
void Replication::PauseOrResumeForkedSyncReads() {
  if (forked_sync_ == nullptr || forked_sync_->reader == nullptr) return;
  size_t most = 0;
  for (auto& entry : entries_) {
    if (entry->state == ReplicaState::kSendBulk && !entry->disk_sync)
      most = std::max(most, entry->client->output.size());
  }
  bool over = most >= kRelayOutputBound;
  if (over == forked_sync_->paused) return;
  forked_sync_->paused = over;
  if (over) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&forked_sync_->reader->pipe));
  } else {
    forked_sync_->reader->StartReads();
  }
}

void Replication::MaybeStartDelayedSync() {
  if (forked_sync_ != nullptr) return;
  const Config& config = server_.config;
  int64_t oldest = -1;
  int eof_waiting = 0;
  for (auto& entry : entries_) {
    if (entry->state != ReplicaState::kWaitBgsave || entry->fullresync_sent) continue;
    if (server_.child == nullptr || server_.snapshots == nullptr) {
      SendSnapshotInProcess(*entry);
      continue;
    }
    if (!WantsDiskless(*entry)) {
      StartDiskSync(*entry);
      continue;
    }
    ++eof_waiting;
    if (oldest < 0 || entry->attach_ms < oldest) oldest = entry->attach_ms;
  }
  if (eof_waiting == 0) return;
  bool enough = config.repl_diskless_sync_max_replicas > 0 &&
                eof_waiting >= config.repl_diskless_sync_max_replicas;
  if (!enough &&
      server_.now_ms - oldest < static_cast<int64_t>(config.repl_diskless_sync_delay) * 1000)
    return;
  StartForkedSync();  // when the child is busy (BGSAVE, AOF rewrite) the next tick retries
}

}  // namespace slotd
