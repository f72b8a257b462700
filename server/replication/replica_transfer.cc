// The replica receiving a full resync: the payload header ($<size>, or $EOF:<40-byte mark> for a
// diskless master), the RDB bytes into a temp file (or memory with repl-diskless-load), then the
// file renamed over the RDB path and loaded before the stream starts.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/snapshots.h"
#include "server/replication/repl_util.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr size_t kEofMarkLen = 40;

}  // namespace

bool Replication::ReadPayloadHeader() {
  while (true) {
    size_t newline = in_.find('\n');
    if (newline == std::string::npos) return false;
    std::string line = in_.substr(0, newline);
    in_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;  // the master's keepalive while it prepares the RDB
    if (line[0] == '-') {
      Log(LogLevel::kWarning, "MASTER aborted replication with an error: %s", line.c_str() + 1);
      DropLink(false);
      return false;
    }
    if (line[0] != '$') {
      Log(LogLevel::kWarning,
          "Bad protocol from MASTER, the first byte is not '$' (we received '%s'), are you sure "
          "the host and port "
          "are right?",
          line.c_str());
      DropLink(false);
      return false;
    }
    payload_eof_mode_ = line.rfind("$EOF:", 0) == 0 && line.size() >= 5 + kEofMarkLen;
    payload_in_memory_ = UseDisklessLoad();
    const char* target = payload_in_memory_ ? "parser" : "disk";
    if (payload_eof_mode_) {
      payload_eof_mark_ = line.substr(5, kEofMarkLen);
      payload_size_ = 0;
      Log(LogLevel::kNotice,
          "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to %s", target);
    } else {
      payload_size_ = std::strtoll(line.c_str() + 1, nullptr, 10);
      Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: receiving %lld bytes from master to %s",
          static_cast<long long>(payload_size_), target);
    }
    payload_read_ = 0;
    if (payload_in_memory_) {  // repl-diskless-load: no temp file
      payload_mem_.clear();
      payload_header_read_ = true;
      return true;
    }
    std::string dir = server_.config.dir.empty() ? "." : server_.config.dir;
    payload_path_ = dir + "/temp-" + std::to_string(getpid()) + "." +
                    std::to_string(server_.now_ms / 1000) + ".rdb";
    payload_fd_ = open(payload_path_.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (payload_fd_ < 0) {
      Log(LogLevel::kWarning,
          "Opening the temp file needed for MASTER <-> REPLICA synchronization: %s",
          std::strerror(errno));
      DropLink(false);
      return false;
    }
    payload_read_ = 0;
    payload_header_read_ = true;
    return true;
  }
}

void Replication::ProcessTransfer() {
  if (!payload_header_read_ && !ReadPayloadHeader()) return;
  std::string_view data = in_;
  bool done = false;
  size_t take = 0;
  if (payload_eof_mode_) {
    // The last 40 bytes may be the end mark: keep them back until more arrives or they match.
    if (data.size() >= kEofMarkLen && data.substr(data.size() - kEofMarkLen) == payload_eof_mark_) {
      take = data.size() - kEofMarkLen;
      done = true;
    } else if (data.size() > kEofMarkLen) {
      take = data.size() - kEofMarkLen;
    }
  } else {
    take = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(data.size()), payload_size_ - payload_read_));
    done = payload_read_ + static_cast<int64_t>(take) == payload_size_;
  }
  if (payload_in_memory_) {
    payload_mem_.append(data.substr(0, take));
  } else if (take > 0 && !WriteFully(payload_fd_, data.substr(0, take))) {
    Log(LogLevel::kWarning,
        "Write error or short write writing to the DB dump file needed for MASTER <-> REPLICA "
        "synchronization: %s",
        std::strerror(errno));
    DropLink(false);
    return;
  }
  payload_read_ += static_cast<int64_t>(take);
  in_.erase(0, done && payload_eof_mode_ ? take + kEofMarkLen : take);
  if (done) FinishTransfer();
}

void Replication::FinishTransfer() {
  if (payload_in_memory_) {
    FinishDisklessTransfer();
    return;
  }
  fsync(payload_fd_);
  close(payload_fd_);
  payload_fd_ = -1;
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Flushing old data");
  DisconnectReplicas();  // our sub-replicas must resync with the new data set
  backlog_.reset();
  std::string target = payload_path_;
  if (server_.snapshots != nullptr) {
    target = server_.snapshots->RdbPath();
    if (rename(payload_path_.c_str(), target.c_str()) != 0) {
      Log(LogLevel::kWarning,
          "Failed trying to rename the temp DB into %s in MASTER <-> REPLICA synchronization: %s",
          target.c_str(), std::strerror(errno));
      unlink(payload_path_.c_str());
      DropLink(false);
      return;
    }
  }
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Loading DB in memory");
  bool loaded = LoadReceivedFile(target);
  if (target == payload_path_) unlink(payload_path_.c_str());
  if (!loaded) {
    Log(LogLevel::kWarning,
        "Failed trying to load the MASTER synchronization DB from disk, check server logs.");
    DropLink(false);
    return;
  }
  if (target != payload_path_ && server_.config.rdb_del_sync_files && PersistenceDisabled()) {
    Log(LogLevel::kNotice,
        "Removing the RDB file obtained from the master. This replica has persistence disabled");
    unlink(target.c_str());
  }
  StartStreaming(pending_replid_, true);
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Finished with success");
  if (payload_eof_mode_)
    SendAck();  // a 7.0 master starts the stream of an EOF transfer on this ACK
}

bool Replication::LoadReceivedFile(const std::string& path) {
  if (server_.snapshots != nullptr) {
    server_.DatabaseModified(-1);
    loaded_stream_db_ = 0;
    Result<rdb::LoadResult> result =
        server_.snapshots->LoadFile(path, false, true, false, LoadKeepalive());
    if (!result.ok()) Log(LogLevel::kWarning, "%s", result.error().c_str());
    if (result.ok()) loaded_stream_db_ = result->info.repl_stream_db;
    return result.ok();
  }
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  struct stat st {};
  fstat(fd, &st);
  size_t size = static_cast<size_t>(st.st_size);
  void* map = size > 0 ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  close(fd);
  if (map == MAP_FAILED) return false;
  bool ok = LoadReceivedBytes(std::string_view(static_cast<const char*>(map), size));
  if (map != nullptr) munmap(map, size);
  return ok;
}

}  // namespace slotd
