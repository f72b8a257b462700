// SENTINEL MASTERS / MASTER / REPLICAS / SENTINELS and INFO sentinel as data, in Redis 7.0's field
// order; the host renders a FieldList as a RESP2 flat array of bulk strings or a RESP3 map.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cluster/sentinel/sentinel_state.h"

namespace slotd::sentinel {

using FieldList = std::vector<std::pair<std::string, std::string>>;

FieldList DescribeMaster(const SentinelState& st, const Master& m, int64_t now);
// Replicas with replica-announced no are left out, as SENTINEL REPLICAS does.
std::vector<FieldList> DescribeReplicas(const SentinelState& st, const Master& m, int64_t now);
std::vector<FieldList> DescribeSentinels(const SentinelState& st, const Master& m, int64_t now);
std::vector<FieldList> DescribeMasters(const SentinelState& st, int64_t now);

// The body of INFO's "# Sentinel" section (lines end with \r\n, header included).
std::string InfoSentinelSection(const SentinelState& st, int64_t now, int running_scripts,
                                int queued_scripts);

}  // namespace slotd::sentinel
