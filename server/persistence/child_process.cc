// The one forked child: fork with timing, descriptor hygiene in the child, a pipe for the child's CoW
// report, and reaping (non-blocking from the cron, blocking when killed or waited for).
#include "server/persistence/child_process.h"

#include <fcntl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "server/log/logger.h"

namespace slotd {
namespace {

int64_t NowUs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

// Closes every descriptor >= 3 except `keep` (sorted), so the child holds no listening socket or
// client connection of its parent.
void CloseInheritedDescriptors(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned first = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(first)) continue;
    if (static_cast<unsigned>(fd) > first) close_range(first, static_cast<unsigned>(fd) - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  close_range(first, ~0U, 0);
}

void WriteAll(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    len -= static_cast<size_t>(n);
  }
}

}  // namespace

ChildProcess::~ChildProcess() {
  // A child must not outlive the server (its owners, whose Done would run, may be gone already).
  if (active()) {
    kill(pid_, SIGUSR1);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (info_fd_ >= 0) close(info_fd_);
}

uint64_t ChildProcess::PrivateDirtyBytes() {
  // smaps_rollup sums every mapping; Private_Dirty is what the child has copied since the fork.
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kb = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    unsigned long long value = 0;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &value) == 1) kb += value;
  }
  std::fclose(f);
  return kb * 1024;
}

bool ChildProcess::Start(ChildKind kind, Work work, Done done, std::string* error, std::vector<int> keep_fds) {
  if (active()) {
    *error = "child process already active";
    return false;
  }
  int pipe_fds[2] = {-1, -1};
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) pipe_fds[0] = pipe_fds[1] = -1;
  int64_t start = NowUs();
  pid_t pid = fork();
  if (pid == 0) {
    // Child: default signal dispositions (the parent's handlers write into libuv's loop), then only
    // the work, then _exit so no atexit handler or static destructor of the parent's state runs.
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGUSR1, SIG_DFL);
    std::signal(SIGPIPE, SIG_IGN);
    SetLogRole('C');
    keep_fds.push_back(pipe_fds[1]);
    keep_fds.push_back(LogFd());
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    CloseInheritedDescriptors(std::move(keep_fds));
    int code = work();
    if (code == 0 && pipe_fds[1] >= 0) {
      uint64_t cow = PrivateDirtyBytes();
      WriteAll(pipe_fds[1], &cow, sizeof(cow));
    }
    _exit(code);
  }
  if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  if (pid < 0) {
    *error = std::strerror(errno);
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    return false;
  }
  latest_fork_usec_ = NowUs() - start;
  ++total_forks_;
  start_ms_ = start / 1000;
  pid_ = pid;
  kind_ = kind;
  done_ = std::move(done);
  info_fd_ = pipe_fds[0];
  return true;
}

void ChildProcess::ReadChildInfo() {
  if (info_fd_ < 0) return;
  uint64_t cow = 0;
  ssize_t n;
  do {
    n = read(info_fd_, &cow, sizeof(cow));
  } while (n < 0 && errno == EINTR);
  last_cow_size_ = n == static_cast<ssize_t>(sizeof(cow)) ? cow : 0;
  close(info_fd_);
  info_fd_ = -1;
}

void ChildProcess::Finish(int status) {
  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (term_signal == 0 && exit_code == 0) {
    ReadChildInfo();  // the child wrote before exiting, so this does not block
  } else {
    last_cow_size_ = 0;
    if (info_fd_ >= 0) close(info_fd_);
    info_fd_ = -1;
  }
  last_kind_ = kind_;
  pid_ = -1;
  kind_ = ChildKind::kNone;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(exit_code, term_signal);  // may start the next child
}

void ChildProcess::Poll() {
  if (!active()) return;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    Finish(status);
  } else if (r < 0) {
    Log(LogLevel::kWarning, "waitpid() returned an error: %s. child_pid = %d", std::strerror(errno),
        static_cast<int>(pid_));
    Finish(0);
  }
}

void ChildProcess::Wait() {
  if (!active()) return;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  Finish(r == pid_ ? status : 0);
}

void ChildProcess::Kill() {
  if (!active()) return;
  kill(pid_, SIGUSR1);
  Wait();
}

}  // namespace slotd
