// Process-wide logging in Redis's line format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`,
// with loglevel filtering, a log file ("" = stdout) that can be reopened on demand (log rotation),
// and a write(2)-only path for signal handlers (the crash report).
#pragma once
#include <cstdarg>
#include <string>
#include <string_view>

namespace slotd {

// Ordered by verbosity: a line is written when its level >= the configured level.
enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// printf-style. Lines longer than 1024 bytes are truncated, as Redis does.
void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void LogV(LogLevel level, const char* fmt, va_list args);
// True when a line at `level` would be written (skip building expensive messages otherwise).
bool LogEnabled(LogLevel level);

// Writes `text` to the log file descriptor unformatted, with write(2) only: safe in a signal
// handler.
void LogRaw(const char* text);
// The descriptor lines go to (stdout when no log file is open).
int LogFd();

// Role character: 'M' master, 'S' replica, 'C' child process, 'X' sentinel.
void SetLogRole(char role);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug" / "verbose" / "notice" / "warning" (case-insensitive); false when unknown.
bool ParseLogLevel(std::string_view name, LogLevel* level);

// Switches to appending to `path` ("" = stdout). On failure the previous destination is kept and
// `error` says why (e.g. "Can't open the log file: Permission denied").
bool SetLogFile(const std::string& path, std::string* error = nullptr);
// Reopens the current log file (after an external rotation moved it away). No-op for stdout.
bool ReopenLogFile(std::string* error = nullptr);

// Formats one complete line (with the trailing newline) the way Log() writes it, for tests and for
// callers that deliver log lines elsewhere. `now_us` is microseconds since the epoch.
std::string FormatLogLine(int pid, char role, LogLevel level, int64_t now_us,
                          std::string_view message);

}  // namespace slotd
