// MigrateSocket: the blocking TCP connection MIGRATE talks to its target over (connect, write, read
// reply lines, each bounded by a timeout), and the cache that keeps one per host:port between
// calls, like Redis's migrateGetSocket/migrateCloseTimedoutSockets. Blocking the event loop for the
// timeout is what Redis does.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace slotd {

class MigrateSocket {
 public:
  enum class Status { kOk, kError, kTimeout };

  // Resolves and connects within `timeout_ms`; nullptr when the name does not resolve or the
  // connection is not writable in time. A refused connection still returns a socket (the first
  // write then fails), as Redis's non-blocking connect does.
  static std::unique_ptr<MigrateSocket> Connect(const std::string& host, const std::string& port,
                                                int64_t timeout_ms);
  ~MigrateSocket();
  MigrateSocket(const MigrateSocket&) = delete;
  MigrateSocket& operator=(const MigrateSocket&) = delete;

  // Writes all of `data`, waiting at most `timeout_ms` for the socket to accept each part.
  Status WriteAll(std::string_view data, int64_t timeout_ms);
  // Reads one reply line without its "\r\n" (at most 1023 bytes are kept, like Redis's 1 KiB
  // buffers).
  Status ReadLine(std::string* line, int64_t timeout_ms);

  int64_t last_dbid = -1;  // the db the target has selected on this connection (-1: unknown)
  int64_t last_use_ms = 0;

 private:
  explicit MigrateSocket(int fd) : fd_(fd) {}
  // Waits until fd_ is ready for `events` (poll flags); kTimeout after `timeout_ms`.
  Status Wait(short events, int64_t timeout_ms);

  int fd_;
  std::string pending_;  // bytes read past the last returned line
};

// At most 64 cached connections keyed by "host:port"; idle ones are closed after 10 s.
class MigrateSocketCache {
 public:
  static constexpr size_t kMaxSockets = 64;
  static constexpr int64_t kIdleCloseMs = 10000;

  // The cached connection or a new one (nullptr when connecting failed). Evicts one when full.
  MigrateSocket* Get(const std::string& host, const std::string& port, int64_t timeout_ms,
                     int64_t now_ms);
  void Close(const std::string& host, const std::string& port);
  void CloseIdle(int64_t now_ms);
  size_t size() const { return sockets_.size(); }

 private:
  std::map<std::string, std::unique_ptr<MigrateSocket>> sockets_;
  size_t evict_cursor_ = 0;
};

// The process's cache (MIGRATE runs on the one command thread).
MigrateSocketCache& MigrateSockets();
// Server cron: closes cached MIGRATE connections idle for more than 10 s.
inline void CloseIdleMigrateSockets(int64_t now_ms) { MigrateSockets().CloseIdle(now_ms); }

}  // namespace slotd
