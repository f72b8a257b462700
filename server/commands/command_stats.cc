#include "server/commands/command_stats.h"

#include <bit>
#include <cmath>

namespace slotd {
namespace {

constexpr uint64_t kExactBelow = 256;  // values under this have a bucket each
constexpr int kSubBuckets = 128;       // buckets per power of two above it
constexpr int kMaxShift = 40;          // values up to 2^48 ns (three days) keep their bucket

size_t BucketOf(uint64_t value) {
  if (value < kExactBelow) return static_cast<size_t>(value);
  int shift = std::bit_width(value) - 8;  // value >> shift is in [128, 256)
  if (shift > kMaxShift) {
    shift = kMaxShift;
    value = (uint64_t{256} << kMaxShift) - 1;
  }
  return kExactBelow + static_cast<size_t>(shift - 1) * kSubBuckets +
         static_cast<size_t>((value >> shift) - kSubBuckets);
}

// The largest value that falls into `bucket`.
uint64_t HighestIn(size_t bucket) {
  if (bucket < kExactBelow) return bucket;
  const size_t above = bucket - kExactBelow;
  const int shift = static_cast<int>(above / kSubBuckets) + 1;
  const uint64_t sub = kSubBuckets + above % kSubBuckets;
  return ((sub + 1) << shift) - 1;
}

constexpr size_t kBucketCount = kExactBelow + static_cast<size_t>(kMaxShift) * kSubBuckets;

}  // namespace

void LatencyHistogram::Record(uint64_t value) {
  if (!buckets_) buckets_ = std::make_unique<std::vector<uint64_t>>(kBucketCount, 0);
  ++(*buckets_)[BucketOf(value)];
  ++total_;
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::fmin(std::fmax(percentile, 0.0), 100.0);
  // The record count the percentile reaches, rounded, and at least one (as HdrHistogram).
  uint64_t wanted = static_cast<uint64_t>(percentile / 100.0 * static_cast<double>(total_) + 0.5);
  if (wanted == 0) wanted = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_->size(); ++i) {
    seen += (*buckets_)[i];
    if (seen >= wanted) return HighestIn(i);
  }
  return HighestIn(buckets_->size() - 1);
}

std::vector<std::pair<uint64_t, uint64_t>> LatencyHistogram::PowerOfTwoCdf() const {
  std::vector<std::pair<uint64_t, uint64_t>> cdf;
  uint64_t cumulative = 0;
  size_t next_bucket = 0;
  for (uint64_t level = 1024; total_ != 0 && cumulative < total_; level *= 2) {
    // Every bucket up to and including the one holding `level` is at or below it.
    const size_t level_bucket = BucketOf(level);
    for (; next_bucket <= level_bucket && next_bucket < buckets_->size(); ++next_bucket) {
      cumulative += (*buckets_)[next_bucket];
    }
    const uint64_t previous = cdf.empty() ? 0 : cdf.back().second;
    if (cumulative > previous) cdf.emplace_back(HighestIn(level_bucket) / 1000, cumulative);
    if (level_bucket + 1 >= buckets_->size()) break;
  }
  return cdf;
}

void LatencyHistogram::Reset() {
  buckets_.reset();
  total_ = 0;
}

void CommandStats::Reset() {
  calls = usec = rejected_calls = failed_calls = 0;
  latency.Reset();
}

}  // namespace slotd
