// Notification and client-reconfig scripts of a sentinel, with Redis's limits: at most 16 running,
// a queue of 256, retries (up to 10, with doubling delay from 30 s) when a script exits with code 1
// or is killed by a signal, SIGKILL after 60 s. Children are forked and reaped without blocking.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <vector>

namespace slotd {

inline constexpr int kScriptMaxRunning = 16;
inline constexpr size_t kScriptMaxQueue = 256;
inline constexpr int kScriptMaxRetry = 10;
inline constexpr int64_t kScriptRetryDelayMs = 30000;
inline constexpr int64_t kScriptMaxRuntimeMs = 60000;

// One queued or running script (SENTINEL PENDING-SCRIPTS shows these).
struct ScriptJob {
  std::vector<std::string> argv;  // argv[0] is the script path
  bool running = false;
  pid_t pid = 0;
  int64_t start_time = 0;  // running: when it started; scheduled: when it may start
  int retry_num = 0;
};

class ScriptRunner {
 public:
  // Reports -script-error / -script-timeout events (type, payload) to the host.
  using EventFn = std::function<void(const std::string& type, const std::string& payload)>;

  explicit ScriptRunner(EventFn event) : event_(std::move(event)) {}
  ~ScriptRunner() { KillAll(); }

  void Enqueue(const std::string& path, const std::vector<std::string>& args);
  // Reaps finished children, kills overdue ones, starts due jobs. Called every timer tick.
  void Tick(int64_t now);
  // Kills every running script and forgets the queue (shutdown).
  void KillAll();

  // SENTINEL DEBUG script-max-runtime / script-retry-delay.
  void SetLimits(int64_t max_runtime_ms, int64_t retry_delay_ms) {
    max_runtime_ms_ = max_runtime_ms;
    retry_delay_ms_ = retry_delay_ms;
  }
  int running() const { return running_; }
  int queued() const { return static_cast<int>(jobs_.size()); }
  const std::list<ScriptJob>& jobs() const { return jobs_; }

 private:
  void Reap(int64_t now);
  void Start(ScriptJob& job, int64_t now);

  EventFn event_;
  std::list<ScriptJob> jobs_;
  int running_ = 0;
  int64_t max_runtime_ms_ = kScriptMaxRuntimeMs;
  int64_t retry_delay_ms_ = kScriptRetryDelayMs;
};

}  // namespace slotd
