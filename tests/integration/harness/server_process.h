// Starts a real server process (slotd or redis-server) on a free loopback port for a test, and stops exactly
// that process, by pid, when the test ends. Never kills anything it did not start.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace slotd::test {

// A TCP port on 127.0.0.1 that nothing listens on right now (bind to port 0 and read it back).
int FreePort();

class ServerProcess {
 public:
  // `binary` is a path; `args` are passed after it. Output goes to `log_path` (created in a temp dir when empty).
  ServerProcess(std::string binary, std::vector<std::string> args, std::string log_path = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Waits until `port` accepts connections (true) or the process exited / the deadline passed (false).
  bool WaitReady(int port, int timeout_ms = 10000);
  // Sends `signal` and waits for the process to exit; returns its wait status.
  int Stop(int signal = 15, int timeout_ms = 10000);
  // Waits for the process to exit by itself; returns the wait status, or -1 on timeout.
  int WaitExit(int timeout_ms);
  bool running();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string log_path_;
};

// Path of the slotd binary under test: $SLOTD_BIN, else the build directory's ./slotd.
std::string SlotdBinary();
// Path of redis-server if installed, else "".
std::string RedisServerBinary();
// A fresh temporary directory for the test's files.
std::string MakeTempDir();

}  // namespace slotd::test
