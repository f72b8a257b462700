#include "tests/integration/harness/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace slotd::test {
namespace {

bool PortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

int FreePort() {
  // Ports from the kernel's ephemeral range can be handed to the next connect(); pick from 20000-29999
  // instead, checking that both the port and its cluster bus port (+10000) are free.
  static unsigned seed = static_cast<unsigned>(getpid()) * 7919u;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    seed = seed * 1103515245u + 12345u;
    int port = 20000 + static_cast<int>((seed >> 8) % 10000);
    bool free_both = true;
    for (int p : {port, port + 10000}) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(p));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) free_both = false;
      close(fd);
    }
    if (free_both) return port;
  }
  return 0;
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/slotd-test-XXXXXX";
  char* dir = mkdtemp(tmpl);
  return dir != nullptr ? std::string(dir) : std::string("/tmp");
}

std::string SlotdBinary() {
  if (const char* env = std::getenv("SLOTD_BIN")) return env;
  return SLOTD_BINARY_PATH;  // set by CMake
}

std::string RedisServerBinary() {
  for (const char* candidate : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args, std::string log_path)
    : log_path_(std::move(log_path)) {
  if (log_path_.empty()) log_path_ = MakeTempDir() + "/server.log";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    argv.push_back(binary.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
}

ServerProcess::~ServerProcess() {
  if (running()) Stop(9, 5000);
}

bool ServerProcess::running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    status_ = status;
    return false;
  }
  return true;
}

bool ServerProcess::WaitReady(int port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    if (PortAccepts(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int ServerProcess::WaitExit(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

int ServerProcess::Stop(int signal, int timeout_ms) {
  if (!running()) return status_;
  kill(pid_, signal);
  int status = WaitExit(timeout_ms);
  if (status == -1) {
    kill(pid_, SIGKILL);
    status = WaitExit(5000);
  }
  return status;
}

std::string ServerProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace slotd::test
