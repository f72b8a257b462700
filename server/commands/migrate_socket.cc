// Blocking, timeout-bounded TCP I/O for MIGRATE and the per-target connection cache.
#include "server/commands/migrate_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iterator>

namespace slotd {
namespace {

constexpr size_t kMaxLine = 1023;
constexpr size_t kWriteChunk = 64 * 1024;

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Starts a non-blocking connect to the first address `host` resolves to; -1 when none can be tried.
int StartConnect(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  // Like atoi(), a malformed port becomes 0 and the connection simply fails later.
  const std::string service = std::to_string(std::atoi(port.c_str()));
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

}  // namespace

std::unique_ptr<MigrateSocket> MigrateSocket::Connect(const std::string& host,
                                                      const std::string& port, int64_t timeout_ms) {
  int fd = StartConnect(host, port);
  if (fd < 0) return nullptr;
  std::unique_ptr<MigrateSocket> sock(new MigrateSocket(fd));
  if (sock->Wait(POLLOUT, timeout_ms) == Status::kTimeout) return nullptr;
  return sock;
}

MigrateSocket::~MigrateSocket() { close(fd_); }

MigrateSocket::Status MigrateSocket::Wait(short events, int64_t timeout_ms) {
  pollfd p{fd_, events, 0};
  const int64_t deadline = MonotonicMs() + timeout_ms;
  while (true) {
    const int64_t left = std::max<int64_t>(deadline - MonotonicMs(), 0);
    int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
    if (n > 0) return Status::kOk;
    if (n == 0) return Status::kTimeout;
    if (errno != EINTR) return Status::kError;
  }
}

MigrateSocket::Status MigrateSocket::WriteAll(std::string_view data, int64_t timeout_ms) {
  while (!data.empty()) {
    std::string_view chunk = data.substr(0, kWriteChunk);
    const int64_t deadline = MonotonicMs() + timeout_ms;
    while (!chunk.empty()) {
      ssize_t n = send(fd_, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n > 0) {
        chunk.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Status::kError;
      const int64_t left = deadline - MonotonicMs();
      if (left <= 0) return Status::kTimeout;
      Status s = Wait(POLLOUT, left);
      if (s != Status::kOk) return s;
    }
    data.remove_prefix(std::min(data.size(), kWriteChunk));
  }
  return Status::kOk;
}

MigrateSocket::Status MigrateSocket::ReadLine(std::string* line, int64_t timeout_ms) {
  const int64_t deadline = MonotonicMs() + timeout_ms;
  size_t newline;
  while ((newline = pending_.find('\n')) == std::string::npos) {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      pending_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Status::kError;  // the target closed the connection
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Status::kError;
    const int64_t left = deadline - MonotonicMs();
    if (left <= 0) return Status::kTimeout;
    Status s = Wait(POLLIN, left);
    if (s != Status::kOk) return s;
  }
  size_t end = newline;
  if (end > 0 && pending_[end - 1] == '\r') --end;
  line->assign(pending_, 0, std::min(end, kMaxLine));
  pending_.erase(0, newline + 1);
  return Status::kOk;
}

MigrateSocket* MigrateSocketCache::Get(const std::string& host, const std::string& port,
                                       int64_t timeout_ms, int64_t now_ms) {
  std::string name = host + ":" + port;
  auto it = sockets_.find(name);
  if (it != sockets_.end()) {
    it->second->last_use_ms = now_ms;
    return it->second.get();
  }
  if (sockets_.size() >= kMaxSockets) {
    auto victim = sockets_.begin();
    std::advance(victim, static_cast<long>(evict_cursor_++ % sockets_.size()));
    sockets_.erase(victim);
  }
  std::unique_ptr<MigrateSocket> sock = MigrateSocket::Connect(host, port, timeout_ms);
  if (sock == nullptr) return nullptr;
  sock->last_use_ms = now_ms;
  MigrateSocket* raw = sock.get();
  sockets_.emplace(std::move(name), std::move(sock));
  return raw;
}

void MigrateSocketCache::Close(const std::string& host, const std::string& port) {
  sockets_.erase(host + ":" + port);
}

void MigrateSocketCache::CloseIdle(int64_t now_ms) {
  std::erase_if(sockets_, [now_ms](const auto& entry) {
    return entry.second->last_use_ms + kIdleCloseMs < now_ms;
  });
}

MigrateSocketCache& MigrateSockets() {
  static MigrateSocketCache cache;
  return cache;
}

}  // namespace slotd
