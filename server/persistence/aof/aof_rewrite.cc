// AOF rewrites: BGREWRITEAOF in a forked child, the new INCR file opened at once, the atomic
// manifest switch when the child's BASE is ready, and turning AOF on at runtime (a rewrite first,
// as Redis 7.0 does).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/aof/aof_loader.h"
#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool Aof::OpenNewIncrForAppend() {
  if (state_ == State::kOff) return true;
  AofManifest next;
  std::string name;
  if (state_ == State::kWaitRewrite) {
    name = AofTempIncrName(prefix());  // renamed into the manifest when the rewrite succeeds
  } else {
    next = manifest_;
    name = next.NewIncr(prefix()).name;
  }
  int fd = open(FilePath(name).c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    Log(LogLevel::kWarning, "Can't open the append-only file %s: %s", name.c_str(),
        std::strerror(errno));
    return false;
  }
  if (state_ == State::kOn && !PersistManifest(next)) {
    close(fd);
    return false;
  }
  Log(LogLevel::kNotice, "Creating AOF incr file %s on background rewrite", name.c_str());
  if (fd_ != -1) {
    fsync_.FsyncAndClose(fd_);
    fsync_offset_ = current_size_;
    last_fsync_s_ = server_.now_ms / 1000;
  }
  fd_ = fd;
  last_incr_size_ = 0;
  if (state_ == State::kOn) manifest_ = std::move(next);
  return true;
}

Aof::RewriteRequest Aof::RequestRewrite(bool in_exec) {
  if (rewrite_in_progress()) return RewriteRequest::kAlreadyInProgress;
  if (child_.active() || in_exec) {
    rewrite_scheduled_ = true;
    consecutive_failures_ = 0;
    return RewriteRequest::kScheduled;
  }
  return StartRewrite() ? RewriteRequest::kStarted : RewriteRequest::kFailed;
}

bool Aof::StartRewrite() {
  if (child_.active()) return false;
  if (!EnsureDir()) {
    last_rewrite_ok_ = false;
    return false;
  }
  selected_db_ = -1;  // the new INCR file starts with a SELECT
  Flush();
  if (!OpenNewIncrForAppend()) {
    last_rewrite_ok_ = false;
    return false;
  }
  ++rewrites_;
  std::string error;
  auto work = [this] {
    SetLogRole('C');
    std::string temp =
        server_.config.dir + "/temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof";
    KeySaveDelay(server_);
    if (!WriteBaseFile(temp)) return 1;
    Log(LogLevel::kNotice, "Successfully created the temporary AOF base file %s",
        BaseName(temp).c_str());
    return 0;
  };
  auto done = [this](int exit_code, int term_signal) { OnRewriteDone(exit_code, term_signal); };
  if (!child_.Start(ChildKind::kAof, work, done, &error)) {
    last_rewrite_ok_ = false;
    Log(LogLevel::kWarning, "Can't rewrite append only file in background: fork: %s",
        error.c_str());
    return false;
  }
  child_temp_path_ =
      server_.config.dir + "/temp-rewriteaof-bg-" + std::to_string(child_.pid()) + ".aof";
  Log(LogLevel::kNotice, "Background append only file rewriting started by pid %ld",
      static_cast<long>(child_.pid()));
  rewrite_scheduled_ = false;
  rewrite_start_s_ = server_.now_ms / 1000;
  return true;
}

void Aof::OnRewriteDone(int exit_code, int term_signal) {
  int64_t now_s = server_.now_ms / 1000;
  if (rewrite_start_s_ >= 0) last_rewrite_time_s_ = now_s - rewrite_start_s_;
  rewrite_start_s_ = -1;
  last_cow_size_ = child_.last_cow_size();
  // SIGUSR1 is how a child is stopped on purpose (Redis whitelists it): not a failed rewrite.
  bool killed_by_us = killing_child_ || term_signal == SIGUSR1;
  killing_child_ = false;
  bool ok = false;
  if (killed_by_us) {
    if (term_signal != 0)
      Log(LogLevel::kWarning, "Background AOF rewrite terminated by signal %d", term_signal);
  } else if (term_signal == 0 && exit_code == 0) {
    Log(LogLevel::kNotice, "Background AOF rewrite terminated with success");
    ok = InstallRewrittenBase(child_temp_path_);
  } else if (term_signal == 0) {
    Log(LogLevel::kWarning, "Background AOF rewrite terminated with error");
  } else {
    Log(LogLevel::kWarning, "Background AOF rewrite terminated by signal %d", term_signal);
  }
  if (ok) {
    last_rewrite_ok_ = true;
    consecutive_failures_ = 0;
    Log(LogLevel::kNotice, "Background AOF rewrite finished successfully");
    if (state_ == State::kWaitRewrite) state_ = State::kOn;
    return;
  }
  RemoveRewriteTempFiles();
  if (killed_by_us) return;
  last_rewrite_ok_ = false;
  ++consecutive_failures_;
  if (state_ == State::kWaitRewrite)
    rewrite_scheduled_ = true;  // AOF is still waiting to be switched on
}

bool Aof::InstallRewrittenBase(const std::string& temp_path) {
  AofManifest next = manifest_;
  std::string base = next.NewBase(prefix(), server_.config.aof_use_rdb_preamble).name;
  if (rename(temp_path.c_str(), FilePath(base).c_str()) != 0) {
    Log(LogLevel::kWarning, "Error trying to rename the temporary AOF base file %s into %s: %s",
        BaseName(temp_path).c_str(), base.c_str(), std::strerror(errno));
    return false;
  }
  Log(LogLevel::kNotice, "Successfully renamed the temporary AOF base file %s into %s",
      BaseName(temp_path).c_str(), base.c_str());
  if (state_ == State::kWaitRewrite) {
    std::string temp_incr = AofTempIncrName(prefix());
    std::string incr = next.NewIncr(prefix()).name;
    if (rename(FilePath(temp_incr).c_str(), FilePath(incr).c_str()) != 0) {
      Log(LogLevel::kWarning, "Error trying to rename the temporary AOF incr file %s into %s: %s",
          temp_incr.c_str(), incr.c_str(), std::strerror(errno));
      unlink(FilePath(base).c_str());
      return false;
    }
    Log(LogLevel::kNotice, "Successfully renamed the temporary AOF incr file %s into %s",
        temp_incr.c_str(), incr.c_str());
  }
  next.MarkIncrsAsHistory(fd_ != -1);
  if (!PersistManifest(next)) {
    unlink(FilePath(base).c_str());
    return false;
  }
  manifest_ = std::move(next);
  if (fd_ != -1) {
    current_size_ = std::max<int64_t>(AofFileSize(DirPath(), base), 0) + last_incr_size_;
    base_size_ = current_size_;
    fsync_offset_ = current_size_;
    last_fsync_s_ = server_.now_ms / 1000;
  }
  DeleteHistory();
  return true;
}

void Aof::RemoveRewriteTempFiles() {
  if (!child_temp_path_.empty()) unlink(child_temp_path_.c_str());
  child_temp_path_.clear();
  if (state_ == State::kWaitRewrite || (state_ == State::kOff && fd_ == -1)) {
    std::string temp_incr = AofTempIncrName(prefix());
    if (access(FilePath(temp_incr).c_str(), F_OK) == 0) {
      Log(LogLevel::kNotice, "Removing the temp incr aof file %s in the background",
          temp_incr.c_str());
      unlink(FilePath(temp_incr).c_str());
    }
  }
}

void Aof::KillRewrite() {
  if (!rewrite_in_progress()) return;
  Log(LogLevel::kNotice, "Killing running AOF rewrite child: %ld", static_cast<long>(child_.pid()));
  killing_child_ = true;
  child_.Kill();  // calls OnRewriteDone, which removes the temp files
}

bool Aof::ApplyAppendonly(std::string* error) {
  if (!server_.config.appendonly) {
    if (state_ != State::kOff) Stop();
    return true;
  }
  if (state_ != State::kOff) return true;
  state_ = State::kWaitRewrite;
  if (child_.active() && child_.kind() != ChildKind::kAof) {
    rewrite_scheduled_ = true;
    Log(LogLevel::kWarning,
        "AOF was enabled but there is already another background operation. An AOF background was "
        "scheduled to start when possible.");
  } else if (server_.execution_depth > 1) {
    rewrite_scheduled_ = true;
    Log(LogLevel::kWarning,
        "AOF was enabled during a transaction. An AOF background was scheduled to start when "
        "possible.");
  } else {
    if (rewrite_in_progress()) {
      Log(LogLevel::kWarning,
          "AOF was enabled but there is already an AOF rewriting in background. Stopping "
          "background AOF "
          "and starting a rewrite now.");
      KillRewrite();
    }
    if (!StartRewrite()) {
      state_ = State::kOff;
      Log(LogLevel::kWarning,
          "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
          "Check the "
          "above logs for more info about the error.");
      *error = std::string(errors::kAofTurnOnFailed);
      return false;
    }
  }
  last_fsync_s_ = server_.now_ms / 1000;
  return true;
}

bool Aof::RestartAfterSync() {
  if (!server_.config.appendonly) return true;
  if (state_ != State::kOff) Stop();
  std::string error;
  if (ApplyAppendonly(&error)) return true;
  Log(LogLevel::kWarning,
      "Failed enabling the AOF after successful master synchronization! Trying it again in one "
      "second.");
  state_ = State::kWaitRewrite;
  rewrite_scheduled_ = true;
  return false;
}

}  // namespace slotd
