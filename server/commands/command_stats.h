// Per-command counters behind INFO commandstats and latencystats: calls, microseconds, rejected and
// failed calls (Redis's cmd->calls, microseconds, rejected_calls, failed_calls), and a latency
// histogram with the resolution of Redis's HdrHistogram at 2 significant figures.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace slotd {

// Values (nanoseconds) below 256 are kept exactly; above, each power of two is split into 128 equal
// buckets (under 1% error). Buckets are allocated on the first record.
class LatencyHistogram {
 public:
  void Record(uint64_t value);
  uint64_t count() const { return total_; }
  // The highest value equivalent to the one at `percentile` (0..100) of the records, as
  // hdr_value_at_percentile reports it; 0 when empty.
  uint64_t ValueAtPercentile(double percentile) const;
  // LATENCY HISTOGRAM's cumulative distribution: (usec, records up to it) at the power-of-two
  // levels 1024 ns, 2048 ns, ..., each shown only when it adds records (hdr's log iterator).
  std::vector<std::pair<uint64_t, uint64_t>> PowerOfTwoCdf() const;
  void Reset();

 private:
  std::unique_ptr<std::vector<uint64_t>> buckets_;
  uint64_t total_ = 0;
};

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;  // refused before running (arity, NOAUTH, MOVED, OOM, ...)
  uint64_t failed_calls = 0;    // ran and replied an error
  LatencyHistogram latency;

  bool used() const { return calls != 0 || rejected_calls != 0 || failed_calls != 0; }
  void Reset();
};

}  // namespace slotd
