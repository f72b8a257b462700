// The AOF's steady state: the command feed, writing and fsyncing by appendfsync policy, the cron
// duties, turning AOF off, shutdown and the INFO fields. Rewrites and start-up live in
// aof_rewrite.cc.
#include "server/persistence/aof/aof.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/child_process.h"

namespace slotd {
namespace {

void AppendNumberLine(std::string& out, char prefix, size_t n) {
  char buf[24];
  buf[0] = prefix;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  end[0] = '\r';
  end[1] = '\n';
  out.append(buf, static_cast<size_t>(end + 2 - buf));
}

void AppendCommand(std::string& out, std::span<const std::string> argv) {
  AppendNumberLine(out, '*', argv.size());
  for (const std::string& arg : argv) {
    AppendNumberLine(out, '$', arg.size());
    out.append(arg);
    out.append("\r\n", 2);
  }
}

}  // namespace

Aof::Aof(Server& server, ChildProcess& child) : server_(server), child_(child) {}

Aof::~Aof() {
  if (fd_ != -1) {
    fsync_.Drain();
    close(fd_);
  }
}

void Aof::Feed(int db, std::span<const std::string> argv) {
  // While waiting for the first rewrite, only a running child's rewrite needs the stream.
  if (state_ == State::kOff || fd_ == -1) return;
  if (server_.config.aof_timestamp_enabled) {
    int64_t now_s = server_.now_ms / 1000;
    if (now_s > last_timestamp_) {
      buffer_ += "#TS:";
      buffer_ += std::to_string(now_s);
      buffer_ += "\r\n";
      last_timestamp_ = now_s;
    }
  }
  if (db != selected_db_) {
    std::string index = std::to_string(db);
    buffer_.append("*2\r\n$6\r\nSELECT\r\n");
    AppendNumberLine(buffer_, '$', index.size());
    buffer_ += index;
    buffer_.append("\r\n", 2);
    selected_db_ = db;
  }
  AppendCommand(buffer_, argv);
}

// Writes the whole buffer; on failure undoes a partial write when it can (a torn command in the
// middle of the file would make it unloadable) and keeps the rest for the next attempt.
bool Aof::WriteBuffer() {
  size_t written = 0;
  int write_errno = 0;
  while (written < buffer_.size()) {
    ssize_t n = write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      write_errno = errno;
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (written == buffer_.size()) {
    current_size_ += static_cast<int64_t>(written);
    last_incr_size_ += static_cast<int64_t>(written);
    if (buffer_.capacity() > 4 * 1024 * 1024) {
      std::string().swap(buffer_);
    } else {
      buffer_.clear();
    }
    if (!last_write_ok_) {
      Log(LogLevel::kWarning, "AOF write error looks solved, Redis can write again.");
      last_write_ok_ = true;
    }
    return true;
  }
  if (written == 0) {
    Log(LogLevel::kWarning, "Error writing to the AOF file: %s", std::strerror(write_errno));
  } else {
    Log(LogLevel::kWarning,
        "Short write while writing to the AOF file: (nwritten=%lld, expected=%lld)",
        static_cast<long long>(written), static_cast<long long>(buffer_.size()));
    if (ftruncate(fd_, last_incr_size_) == -1) {
      Log(LogLevel::kWarning,
          "Could not remove short write from the append-only file.  Redis may refuse to load the "
          "AOF "
          "the next time it starts.  ftruncate: %s",
          std::strerror(errno));
      current_size_ += static_cast<int64_t>(written);
      last_incr_size_ += static_cast<int64_t>(written);
      buffer_.erase(0, written);
    }
    if (write_errno == 0) write_errno = ENOSPC;
  }
  if (server_.config.appendfsync == "always") {
    Log(LogLevel::kWarning,
        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    std::exit(1);
  }
  RecordWriteError(write_errno);
  return false;
}

void Aof::RecordWriteError(int error_number) {
  last_write_ok_ = false;
  misconf_error_ =
      std::string("-MISCONF Errors writing to the AOF file: ") + std::strerror(error_number);
}

// Unlike Redis, a write is never postponed behind a slow background fsync: replies wait for it.
void Aof::Flush() {
  if (fd_ == -1) return;
  int64_t now_s = server_.now_ms / 1000;
  const std::string& policy = server_.config.appendfsync;
  bool everysec = policy == "everysec";
  bool sync_in_progress = everysec && fsync_.pending() > 0;
  if (buffer_.empty()) {
    // everysec still owes an fsync for bytes written during the last second.
    if (!(everysec && fsync_offset_ != current_size_ && now_s > last_fsync_s_ && !sync_in_progress))
      return;
  } else if (!WriteBuffer()) {
    return;
  }
  if (server_.config.no_appendfsync_on_rewrite && child_.active()) return;
  if (policy == "always") {
    if (fdatasync(fd_) == -1) {
      Log(LogLevel::kWarning,
          "Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. Exiting...",
          std::strerror(errno));
      std::exit(1);
    }
    fsync_offset_ = current_size_;
    last_fsync_s_ = now_s;
  } else if (everysec && now_s > last_fsync_s_) {
    if (!sync_in_progress) {
      fsync_.Fsync(fd_);
      fsync_offset_ = current_size_;
    }
    last_fsync_s_ = now_s;
  }
  if (int fsync_errno = fsync_.TakeError(); fsync_errno != 0) {
    RecordWriteError(fsync_errno);
  }
}

void Aof::Cron() {
  if (!child_.active() && rewrite_scheduled_) StartRewrite();
  if (!child_.active()) MaybeAutoRewrite();
  // After a write error the buffer is retried once a second; success makes the server writable
  // again.
  if (state_ != State::kOff && !last_write_ok_) Flush();
}

void Aof::MaybeAutoRewrite() {
  const Config& cfg = server_.config;
  if (state_ != State::kOn || cfg.auto_aof_rewrite_percentage == 0) return;
  if (current_size_ <= cfg.auto_aof_rewrite_min_size) return;
  int64_t base = base_size_ > 0 ? base_size_ : 1;
  int64_t growth = current_size_ * 100 / base - 100;
  if (growth < cfg.auto_aof_rewrite_percentage) return;
  Log(LogLevel::kNotice, "Starting automatic rewriting of AOF on %lld%% growth",
      static_cast<long long>(growth));
  StartRewrite();
}

void Aof::Stop() {
  Flush();
  if (fd_ != -1) {
    if (fdatasync(fd_) == -1) {
      Log(LogLevel::kWarning, "Fail to fsync the AOF file: %s", std::strerror(errno));
    } else {
      fsync_offset_ = current_size_;
      last_fsync_s_ = server_.now_ms / 1000;
    }
    fsync_.Drain();  // no queued job may touch the descriptor number after close
    close(fd_);
    fd_ = -1;
  }
  selected_db_ = -1;
  state_ = State::kOff;
  rewrite_scheduled_ = false;
  last_incr_size_ = 0;
  KillRewrite();
  std::string().swap(buffer_);
}

void Aof::Shutdown() {
  KillRewrite();
  if (fd_ == -1) return;
  Flush();
  Log(LogLevel::kNotice, "Calling fsync() on the AOF file.");
  if (fdatasync(fd_) == -1)
    Log(LogLevel::kWarning, "Fail to fsync the AOF file: %s.", std::strerror(errno));
  fsync_.Drain();
}

bool Aof::rewrite_in_progress() const {
  return child_.active() && child_.kind() == ChildKind::kAof;
}

void Aof::AppendInfoFields(std::string& out) const {
  auto field = [&out](std::string_view key, const std::string& value) {
    out.append(key);
    out.push_back(':');
    out.append(value);
    out.append("\r\n");
  };
  auto num = [&field](std::string_view key, int64_t value) { field(key, std::to_string(value)); };
  bool in_progress = rewrite_in_progress();
  num("aof_enabled", state_ != State::kOff);
  num("aof_rewrite_in_progress", in_progress);
  num("aof_rewrite_scheduled", rewrite_scheduled_);
  num("aof_last_rewrite_time_sec", last_rewrite_time_s_);
  num("aof_current_rewrite_time_sec",
      in_progress && rewrite_start_s_ >= 0 ? server_.now_ms / 1000 - rewrite_start_s_ : -1);
  field("aof_last_bgrewrite_status", last_rewrite_ok_ ? "ok" : "err");
  num("aof_rewrites", static_cast<int64_t>(rewrites_));
  num("aof_rewrites_consecutive_failures", static_cast<int64_t>(consecutive_failures_));
  field("aof_last_write_status", last_write_ok_ ? "ok" : "err");
  num("aof_last_cow_size", static_cast<int64_t>(last_cow_size_));
  num("module_fork_in_progress", 0);
  num("module_fork_last_cow_size", 0);
  if (!server_.config.appendonly) return;
  num("aof_current_size", current_size_);
  num("aof_base_size", base_size_);
  num("aof_pending_rewrite", rewrite_scheduled_);
  num("aof_buffer_length", static_cast<int64_t>(buffer_.size()));
  num("aof_pending_bio_fsync", static_cast<int64_t>(fsync_.pending()));
  num("aof_delayed_fsync", 0);
}

}  // namespace slotd
