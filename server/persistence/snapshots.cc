// SAVE/BGSAVE and save points: the file is written to temp-<pid>.rdb in dir, fsynced, renamed over
// dbfilename and the directory fsynced, by the server itself (SAVE) or by a forked child (BGSAVE).
#include "server/persistence/snapshots.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "server/app/file_io.h"
#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/child_process.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr int64_t kBgsaveRetryDelaySec = 5;            // CONFIG_BGSAVE_RETRY_DELAY
constexpr size_t kIncrementalFsyncBytes = 4u << 20;  // REDIS_AUTOSYNC_BYTES

}  // namespace

void KeySaveDelay(const Server& server) {
  int64_t delay_us = server.config.rdb_key_save_delay;
  if (delay_us <= 0) return;
  uint64_t keys = 0;
  for (const auto& db : server.dbs) keys += db->size();
  std::this_thread::sleep_for(std::chrono::microseconds(delay_us * static_cast<int64_t>(keys)));
}

Snapshots::Snapshots(Server& server, ChildProcess& child) : server_(server), child_(child) {
  last_save_s_ = server_.start_time_ms / 1000;  // start-up counts as a save, as in Redis
}

std::string Snapshots::InDir(const std::string& name) const {
  const std::string& dir = server_.config.dir;
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string Snapshots::RdbPath() const { return InDir(server_.config.dbfilename); }

std::string Snapshots::TempPath(int pid) const { return InDir("temp-" + std::to_string(pid) + ".rdb"); }

rdb::SnapshotInfo Snapshots::CurrentInfo() const {
  return info_provider_ ? info_provider_() : rdb::SnapshotInfo{};
}

bool Snapshots::WriteTempFile(const std::string& temp_path, const rdb::SnapshotInfo& info,
                              std::string* error) const {
  int fd = open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = std::strerror(errno);
    char cwd[4096];
    std::string name = temp_path.substr(temp_path.rfind('/') + 1);  // Redis names it relative to dir
    Log(LogLevel::kWarning, "Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
        name.c_str(), getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "unknown", error->c_str());
    return false;
  }
  KeySaveDelay(server_);
  const bool incremental = server_.config.rdb_save_incremental_fsync;
  size_t unsynced = 0;
  off_t written = 0;
  int write_errno = 0;
  auto sink = [&](std::string_view chunk) {
    if (!WriteAll(fd, chunk)) {
      write_errno = errno != 0 ? errno : EIO;
      return false;
    }
    unsynced += chunk.size();
    written += static_cast<off_t>(chunk.size());
    if (incremental && unsynced >= kIncrementalFsyncBytes) {
      fdatasync(fd);  // spreads the flush so the final fsync does not stall on gigabytes
      unsynced = 0;
    }
    return true;
  };
  const char* op = nullptr;
  static constexpr char kNoChecksum[8] = {};
  rdb::WriteOptions options = rdb::WriteOptions::From(server_.config, server_.now_ms, server_.UsedMemory());
  if (!rdb::WriteSnapshot(server_.dbs, info, sink, options)) {
    op = "rdbSaveRio";
    errno = write_errno != 0 ? write_errno : EIO;
  } else if (!server_.config.rdbchecksum && (written < 8 || pwrite(fd, kNoChecksum, 8, written - 8) != 8)) {
    op = "rdbSaveRio";  // rdbchecksum no: the trailing CRC64 is zero, which loaders take as "unchecked"
  } else if (fsync(fd) != 0) {
    op = "fsync";
  }
  int saved = errno;
  if (close(fd) != 0 && op == nullptr) {
    op = "fclose";
    saved = errno;
  }
  if (op == nullptr) return true;
  *error = std::strerror(saved);
  Log(LogLevel::kWarning, "Write error saving DB on disk(%s): %s", op, error->c_str());
  unlink(temp_path.c_str());
  return false;
}

bool Snapshots::SaveNow(const rdb::SnapshotInfo& info, std::string* error) {
  std::string temp = TempPath(static_cast<int>(getpid()));
  std::string path = RdbPath();
  if (!WriteTempFile(temp, info, error)) return false;
  if (rename(temp.c_str(), path.c_str()) != 0) {
    *error = std::strerror(errno);
    char cwd[4096];
    Log(LogLevel::kWarning,
        "Error moving temp DB file %s on the final destination %s (in server root dir %s): %s",
        temp.substr(temp.rfind('/') + 1).c_str(), server_.config.dbfilename.c_str(),
        getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "unknown", error->c_str());
    unlink(temp.c_str());
    return false;
  }
  if (!FsyncDirectoryOf(path)) {
    *error = std::strerror(errno);
    Log(LogLevel::kWarning, "Write error saving DB on disk(fsyncFileDir): %s", error->c_str());
    return false;
  }
  Log(LogLevel::kNotice, "DB saved on disk");
  server_.dirty = 0;
  last_save_s_ = server_.now_ms / 1000;
  last_bgsave_ok_ = true;
  return true;
}

bool Snapshots::Save(std::string* error) {
  if (background_save_in_progress()) {
    *error = errors::kBgsaveInProgress;
    return false;
  }
  ++rdb_saves_;
  return SaveNow(CurrentInfo(), error);
}

bool Snapshots::background_save_in_progress() const {
  return child_.active() && child_.kind() == ChildKind::kRdb;
}

int64_t Snapshots::current_bgsave_time_sec() const {
  if (!background_save_in_progress()) return -1;
  int64_t start_ms = child_.pid() == bgsave_pid_ ? bgsave_start_ms_ : child_.start_ms();
  return server_.now_ms / 1000 - start_ms / 1000;
}

bool Snapshots::StartBackgroundSave(SaveDone on_done, std::string* error) {
  if (child_.active()) {
    *error = child_.kind() == ChildKind::kRdb ? errors::kBgsaveInProgress : errors::kBgsaveOtherChild;
    return false;
  }
  ++rdb_saves_;
  dirty_before_bgsave_ = server_.dirty;
  last_bgsave_try_s_ = server_.now_ms / 1000;
  rdb::SnapshotInfo info = CurrentInfo();
  auto work = [this, info]() -> int {
    std::string child_error;
    if (!SaveNow(info, &child_error)) return 1;
    uint64_t cow_mb = ChildProcess::PrivateDirtyBytes() >> 20;
    Log(LogLevel::kNotice, "Fork CoW for RDB: current %llu MB, peak %llu MB, average %llu MB",
        static_cast<unsigned long long>(cow_mb), static_cast<unsigned long long>(cow_mb),
        static_cast<unsigned long long>(cow_mb));
    return 0;
  };
  auto done = [this](int exit_code, int term_signal) { OnChildDone(exit_code, term_signal); };
  if (!child_.Start(ChildKind::kRdb, std::move(work), std::move(done), error)) {
    last_bgsave_ok_ = false;
    Log(LogLevel::kWarning, "Can't save in background: fork: %s", error->c_str());
    return false;
  }
  bgsave_pid_ = child_.pid();
  bgsave_start_ms_ = server_.now_ms;
  Log(LogLevel::kNotice, "Background saving started by pid %ld", static_cast<long>(bgsave_pid_));
  if (on_done) waiters_.push_back(std::move(on_done));
  return true;
}

bool Snapshots::AddBackgroundSaveWaiter(SaveDone on_done) {
  if (!background_save_in_progress() || child_.pid() != bgsave_pid_) return false;
  waiters_.push_back(std::move(on_done));
  return true;
}

void Snapshots::OnChildDone(int exit_code, int term_signal) {
  int64_t now_s = server_.now_ms / 1000;
  bool ok = term_signal == 0 && exit_code == 0;
  if (ok) {
    Log(LogLevel::kNotice, "Background saving terminated with success");
    server_.dirty -= std::min(server_.dirty, dirty_before_bgsave_);
    last_save_s_ = now_s;
    last_bgsave_ok_ = true;
    last_cow_size_ = child_.last_cow_size();
  } else if (term_signal == 0) {
    Log(LogLevel::kWarning, "Background saving error");
    last_bgsave_ok_ = false;
  } else {
    Log(LogLevel::kWarning, "Background saving terminated by signal %d", term_signal);
    unlink(TempPath(bgsave_pid_).c_str());
    // SIGUSR1 is how the server itself cancels a save (FLUSHALL, SHUTDOWN): not an error.
    if (term_signal != SIGUSR1) last_bgsave_ok_ = false;
  }
  last_bgsave_time_s_ = now_s - bgsave_start_ms_ / 1000;
  bgsave_pid_ = -1;
  std::vector<SaveDone> waiters;
  waiters.swap(waiters_);
  for (SaveDone& waiter : waiters) waiter(ok);
}

void Snapshots::KillBackgroundSave() {
  if (background_save_in_progress()) child_.Kill();
}

void Snapshots::Cron() {
  if (child_.active()) return;
  int64_t now_s = server_.now_ms / 1000;
  bool may_retry = last_bgsave_ok_ || now_s - last_bgsave_try_s_ > kBgsaveRetryDelaySec;
  if (!may_retry) return;
  std::string error;
  for (const SavePoint& point : server_.config.save) {
    if (server_.dirty >= static_cast<uint64_t>(point.changes) && now_s - last_save_s_ > point.seconds) {
      Log(LogLevel::kNotice, "%lld changes in %lld seconds. Saving...", static_cast<long long>(point.changes),
          static_cast<long long>(point.seconds));
      StartBackgroundSave(nullptr, &error);
      break;
    }
  }
  if (bgsave_scheduled_ && !child_.active() && StartBackgroundSave(nullptr, &error)) bgsave_scheduled_ = false;
}

bool Snapshots::DeniesWrites() const {
  return server_.config.stop_writes_on_bgsave_error && !server_.config.save.empty() && !last_bgsave_ok_;
}

std::string_view SnapshotWriteError(const Server& server, const Client& client, const CommandSpec& spec) {
  if (server.snapshots == nullptr || !server.snapshots->DeniesWrites() || client.is_master) return {};
  bool refused = (spec.flags & kCmdWrite) != 0 || spec.name == "ping";
  if (!refused && spec.name == "exec") {
    for (const auto& argv : client.queued) {
      const CommandSpec* queued = argv.empty() ? nullptr : server.commands.Find(argv[0]);
      if (queued != nullptr && (queued->flags & kCmdWrite)) refused = true;
    }
  }
  return refused ? errors::kMisconfRdb : std::string_view();
}

void Snapshots::OnFlushAll() {
  KillBackgroundSave();
  if (server_.config.save.empty()) return;
  std::string error;
  SaveNow(CurrentInfo(), &error);
}

bool Snapshots::PrepareForShutdown(bool save, bool nosave, bool force) {
  Log(LogLevel::kWarning, "User requested shutdown...");
  if (background_save_in_progress()) {
    Log(LogLevel::kWarning, "There is a child saving an .rdb. Killing it!");
    KillBackgroundSave();
  } else if (child_.active() && child_.kind() == ChildKind::kAof) {
    // Killing the first rewrite would lose the data set: the AOF has nothing yet (as Redis 7.0).
    if (server_.aof != nullptr && server_.aof->writing_initial()) {
      if (!force) {
        Log(LogLevel::kWarning, "Writing initial AOF, can't exit.");
        Log(LogLevel::kWarning, "Errors trying to shut down the server. Check the logs for more information.");
        return false;
      }
      Log(LogLevel::kWarning, "Writing initial AOF. Exit anyway.");
    }
    Log(LogLevel::kWarning, "There is a child rewriting the AOF. Killing it!");
    child_.Kill();
  }
  if ((!server_.config.save.empty() && !nosave) || save) {
    Log(LogLevel::kNotice, "Saving the final RDB snapshot before exiting.");
    std::string error;
    if (!SaveNow(CurrentInfo(), &error)) {
      if (!force) {
        Log(LogLevel::kWarning, "Error trying to save the DB, can't exit.");
        Log(LogLevel::kWarning, "Errors trying to shut down the server. Check the logs for more information.");
        return false;
      }
      Log(LogLevel::kWarning, "Error trying to save the DB. Exit anyway.");
    }
  }
  return true;
}

}  // namespace slotd
