// The crash path: a SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT handler that writes a Redis-style bug report with
// a backtrace to the log, then lets the signal kill the process (so supervisors and failover tests see a
// real crash). DEBUG SEGFAULT uses TriggerSegfault().
#pragma once

namespace slotd {

void InstallCrashHandler();
[[noreturn]] void TriggerSegfault();

}  // namespace slotd
