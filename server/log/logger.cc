// Redis-format log lines written with one write(2) each to stdout or an append-only log file.
#include "server/log/logger.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace slotd {
namespace {

constexpr size_t kMaxMessage = 1024;  // Redis's LOG_MAX_LEN
constexpr char kLevelChars[] = {'.', '-', '*', '#'};
constexpr const char* kLevelNames[] = {"debug", "verbose", "notice", "warning"};

// Plain globals (not objects with destructors) so the signal handler and exit paths can use them.
int g_fd = STDOUT_FILENO;
char g_role = 'M';
LogLevel g_level = LogLevel::kNotice;
std::string* g_path = nullptr;  // never freed: logging may happen during static destruction

std::string& Path() {
  if (g_path == nullptr) g_path = new std::string();
  return *g_path;
}

int64_t NowUs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

void WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a failing log
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

int OpenLogFile(const std::string& path, std::string* error) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && error != nullptr) {
    *error = "Can't open the log file: ";
    error->append(std::strerror(errno));
  }
  return fd;
}

}  // namespace

std::string FormatLogLine(int pid, char role, LogLevel level, int64_t now_us,
                          std::string_view message) {
  time_t secs = static_cast<time_t>(now_us / 1000000);
  tm parts;
  localtime_r(&secs, &parts);
  char stamp[64];
  size_t n = strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S.", &parts);
  std::snprintf(stamp + n, sizeof(stamp) - n, "%03d", static_cast<int>((now_us / 1000) % 1000));
  char head[128];
  int head_len = std::snprintf(head, sizeof(head), "%d:%c %s %c ", pid, role, stamp,
                               kLevelChars[static_cast<int>(level)]);
  std::string line;
  line.reserve(static_cast<size_t>(head_len) + message.size() + 1);
  line.append(head, static_cast<size_t>(head_len));
  line.append(message);
  line.push_back('\n');
  return line;
}

bool LogEnabled(LogLevel level) { return level >= g_level; }

void LogV(LogLevel level, const char* fmt, va_list args) {
  if (!LogEnabled(level)) return;
  char message[kMaxMessage];
  int len = std::vsnprintf(message, sizeof(message), fmt, args);
  if (len < 0) return;
  size_t size = std::min(static_cast<size_t>(len), sizeof(message) - 1);
  std::string line = FormatLogLine(static_cast<int>(getpid()), g_role, level, NowUs(),
                                   std::string_view(message, size));
  WriteAll(g_fd, line.data(), line.size());
}

void Log(LogLevel level, const char* fmt, ...) {
  if (!LogEnabled(level)) return;
  va_list args;
  va_start(args, fmt);
  LogV(level, fmt, args);
  va_end(args);
}

void LogRaw(const char* text) { WriteAll(g_fd, text, std::strlen(text)); }

int LogFd() { return g_fd; }

void SetLogRole(char role) { g_role = role; }
void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

bool ParseLogLevel(std::string_view name, LogLevel* level) {
  for (int i = 0; i < 4; ++i) {
    std::string_view candidate = kLevelNames[i];
    if (candidate.size() == name.size() &&
        strncasecmp(candidate.data(), name.data(), name.size()) == 0) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

bool SetLogFile(const std::string& path, std::string* error) {
  int fd = STDOUT_FILENO;
  if (!path.empty()) {
    fd = OpenLogFile(path, error);
    if (fd < 0) return false;
  }
  int old = g_fd;
  g_fd = fd;
  if (old != STDOUT_FILENO) close(old);
  Path() = path;
  return true;
}

bool ReopenLogFile(std::string* error) {
  if (Path().empty()) return true;
  std::string path = Path();
  return SetLogFile(path, error);
}

}  // namespace slotd
