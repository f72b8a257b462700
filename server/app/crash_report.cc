#include "server/app/crash_report.h"

#include <execinfo.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "server/log/logger.h"

namespace slotd {
namespace {

void OnFatalSignal(int sig, siginfo_t* info, void*) {
  char line[256];
  LogRaw("\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===\n");
  std::snprintf(line, sizeof(line), "%d:M  slotd (Redis 7.0.15 compatible) crashed by signal: %d, si_code: %d\n",
                static_cast<int>(getpid()), sig, info != nullptr ? info->si_code : 0);
  LogRaw(line);
  if (info != nullptr) {
    std::snprintf(line, sizeof(line), "Accessing address: %p\n", info->si_addr);
    LogRaw(line);
  }
  LogRaw("\n------ STACK TRACE ------\n\nBacktrace:\n");
  void* frames[64];
  int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, LogFd());
  LogRaw("\n=== REDIS BUG REPORT END. Make sure to include from START to END. ===\n\n");
  // Re-raise with the default action so the process really dies of this signal.
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void InstallCrashHandler() {
  struct sigaction act;
  std::memset(&act, 0, sizeof(act));
  act.sa_sigaction = OnFatalSignal;
  act.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND;
  sigemptyset(&act.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &act, nullptr);
}

void TriggerSegfault() {
  volatile int* null_pointer = nullptr;
  *null_pointer = 1;
  __builtin_unreachable();
}

}  // namespace slotd
