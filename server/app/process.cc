#include "server/app/process.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "server/log/logger.h"

namespace slotd {
namespace {

// Classic double-purpose fork: the parent exits, the child detaches and points stdio at /dev/null.
void Daemonize() {
  if (fork() != 0) _exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

}  // namespace

bool ApplyProcessSettings(const Config& config, std::string* error) {
  signal(SIGPIPE, SIG_IGN);
  LogLevel level;
  if (ParseLogLevel(config.loglevel, &level)) SetLogLevel(level);
  if (!config.logfile.empty() && !SetLogFile(config.logfile)) {
    *error = "Can't open the log file: " + config.logfile;
    return false;
  }
  if (config.daemonize) Daemonize();
  SetLogRole('M');
  if (!config.pidfile.empty()) {
    FILE* f = std::fopen(config.pidfile.c_str(), "w");
    if (f == nullptr) {
      Log(LogLevel::kWarning, "Failed to write PID file: %s", config.pidfile.c_str());
    } else {
      std::fprintf(f, "%d\n", static_cast<int>(getpid()));
      std::fclose(f);
    }
  }
  Log(LogLevel::kNotice, "oO0OoO0OoO0Oo slotd is starting oO0OoO0OoO0Oo");
  Log(LogLevel::kNotice, "slotd version=0.1.0 (Redis 7.0.15 compatible), pid=%d, just started",
      static_cast<int>(getpid()));
  return true;
}

}  // namespace slotd
