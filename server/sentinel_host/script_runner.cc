// Script queue of the sentinel host (see script_runner.h); mirrors sentinelRunPendingScripts,
// sentinelCollectTerminatedScripts and sentinelKillTimedoutScripts.
#include "server/sentinel_host/script_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

extern char** environ;

namespace slotd {
namespace {

// The first retry waits `base`, each next one twice as long (sentinelScriptRetryDelay).
int64_t RetryDelay(int64_t base, int retry_num) {
  int64_t delay = base;
  while (retry_num-- > 1) delay *= 2;
  return delay;
}

}  // namespace

void ScriptRunner::Enqueue(const std::string& path, const std::vector<std::string>& args) {
  ScriptJob job;
  job.argv.reserve(args.size() + 1);
  job.argv.push_back(path);
  job.argv.insert(job.argv.end(), args.begin(), args.end());
  jobs_.push_back(std::move(job));
  if (jobs_.size() <= kScriptMaxQueue) return;
  // Over the limit: the oldest job that is not running makes room.
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
    if (!it->running) {
      jobs_.erase(it);
      return;
    }
  }
}

void ScriptRunner::Tick(int64_t now) {
  Reap(now);
  for (ScriptJob& job : jobs_) {
    if (running_ >= kScriptMaxRunning) break;
    if (job.running || job.start_time > now) continue;
    Start(job, now);
  }
  for (ScriptJob& job : jobs_) {
    if (job.running && now - job.start_time > max_runtime_ms_) {
      event_("-script-timeout", job.argv[0] + " " + std::to_string(job.pid));
      kill(job.pid, SIGKILL);
    }
  }
}

void ScriptRunner::Start(ScriptJob& job, int64_t now) {
  std::vector<char*> argv;
  for (std::string& a : job.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  job.retry_num++;
  pid_t pid = fork();
  if (pid == 0) {
    execve(argv[0], argv.data(), environ);
    _exit(2);  // like Redis: a script that cannot run counts as exit code 2
  }
  if (pid < 0) {
    // Redis reports fork errors as "signal 99".
    event_("-script-error", job.argv[0] + " 99 0");
    return;
  }
  job.running = true;
  job.pid = pid;
  job.start_time = now;
  running_++;
}

void ScriptRunner::Reap(int64_t now) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    ScriptJob& job = *it;
    int status = 0;
    if (!job.running || waitpid(job.pid, &status, WNOHANG) != job.pid) {
      ++it;
      continue;
    }
    running_--;
    job.running = false;
    job.pid = 0;
    int by_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if ((by_signal != 0 || exit_code == 1) && job.retry_num != kScriptMaxRetry) {
      job.start_time = now + RetryDelay(retry_delay_ms_, job.retry_num);
      ++it;
      continue;
    }
    if (by_signal != 0 || exit_code != 0) {
      event_("-script-error",
             job.argv[0] + " " + std::to_string(by_signal) + " " + std::to_string(exit_code));
    }
    it = jobs_.erase(it);
  }
}

void ScriptRunner::KillAll() {
  for (ScriptJob& job : jobs_) {
    if (!job.running) continue;
    kill(job.pid, SIGKILL);
    int status;
    waitpid(job.pid, &status, 0);
  }
  jobs_.clear();
  running_ = 0;
}

}  // namespace slotd
