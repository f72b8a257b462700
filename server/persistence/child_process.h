// The one forked child Redis allows at a time (BGSAVE, AOF rewrite, replication full sync): forks, runs
// the work in the child, reaps it from the parent's cron and reports how it ended.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace slotd {

enum class ChildKind { kNone, kRdb, kAof };

class ChildProcess {
 public:
  // Runs in the child after fork; the return value is the child's exit code (0 = success). The child
  // only serializes and _exits: no libuv, no atexit handlers, no parent buffers flushed.
  using Work = std::function<int()>;
  // Runs in the parent, from Poll() or Kill(): exit_code is meaningful when term_signal == 0.
  using Done = std::function<void(int exit_code, int term_signal)>;

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // kills and reaps a child still running, without calling its Done

  // Forks and runs `work` in the child. False (with `error`, e.g. strerror(errno) of fork) when a
  // child is already running or fork failed. In the child every descriptor >= 3 is closed except the
  // log file and `keep_fds` (e.g. the pipe a diskless sync writes to), so a killed parent's port is
  // not held by its child.
  bool Start(ChildKind kind, Work work, Done done, std::string* error, std::vector<int> keep_fds = {});

  // Reaps the child without blocking (waitpid WNOHANG) and calls its Done. App's cron calls it.
  void Poll();
  // Sends SIGUSR1 (the child exits without reporting an error), reaps it, and calls Done with the
  // signal. No-op without a child.
  void Kill();
  // Blocks until the child exits, then calls Done (shutdown after a SAVE must not leave it running).
  void Wait();

  bool active() const { return pid_ > 0; }
  ChildKind kind() const { return kind_; }
  pid_t pid() const { return pid_; }
  int64_t start_ms() const { return start_ms_; }  // wall-clock ms when the child was forked

  // INFO stats / persistence fields.
  int64_t latest_fork_usec() const { return latest_fork_usec_; }
  uint64_t total_forks() const { return total_forks_; }
  // Bytes the last finished child reported as copied-on-write (Private_Dirty), 0 when unknown.
  uint64_t last_cow_size() const { return last_cow_size_; }
  ChildKind last_kind() const { return last_kind_; }

  // In the child: the memory it has privately dirtied so far (Redis's "Fork CoW" figure).
  static uint64_t PrivateDirtyBytes();

 private:
  void Finish(int status);
  void ReadChildInfo();

  pid_t pid_ = -1;
  ChildKind kind_ = ChildKind::kNone;
  ChildKind last_kind_ = ChildKind::kNone;
  Done done_;
  int info_fd_ = -1;  // read end of the pipe the child reports its CoW size on
  int64_t start_ms_ = 0;
  int64_t latest_fork_usec_ = 0;
  uint64_t total_forks_ = 0;
  uint64_t last_cow_size_ = 0;
};

}  // namespace slotd
