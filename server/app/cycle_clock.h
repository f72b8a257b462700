// A cheap monotonic clock for timing every command (slow log, latency): the CPU's invariant time-stamp
// counter on x86-64, calibrated once against CLOCK_MONOTONIC; clock_gettime elsewhere. Reading it costs
// a few nanoseconds instead of a vDSO call, which showed up at 5% of CPU in pipelined INCR profiles.
#pragma once
#include <cstdint>

namespace slotd {

// An opaque, monotonically increasing tick count.
int64_t CycleNow();
// Converts a difference of CycleNow() values into microseconds.
int64_t CyclesToMicros(int64_t cycles);

}  // namespace slotd
