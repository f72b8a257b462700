#include "server/app/cycle_clock.h"

#include <time.h>

namespace slotd {
namespace {

int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

#if defined(__x86_64__)
int64_t ReadTsc() { return static_cast<int64_t>(__builtin_ia32_rdtsc()); }

// Ticks per microsecond, measured over ~2 ms the first time it is needed.
double TicksPerMicro() {
  static const double ticks_per_us = [] {
    int64_t ns0 = MonotonicNs();
    int64_t t0 = ReadTsc();
    while (MonotonicNs() - ns0 < 2000000) {
    }
    int64_t ns1 = MonotonicNs();
    int64_t t1 = ReadTsc();
    double per_us = static_cast<double>(t1 - t0) * 1000.0 / static_cast<double>(ns1 - ns0);
    return per_us > 0 ? per_us : 1.0;
  }();
  return ticks_per_us;
}
#endif

}  // namespace

#if defined(__x86_64__)
int64_t CycleNow() { return ReadTsc(); }
int64_t CyclesToMicros(int64_t cycles) { return static_cast<int64_t>(static_cast<double>(cycles) / TicksPerMicro()); }
#else
int64_t CycleNow() { return MonotonicNs(); }
int64_t CyclesToMicros(int64_t cycles) { return cycles / 1000; }
#endif

}  // namespace slotd
