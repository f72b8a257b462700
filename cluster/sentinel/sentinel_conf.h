// Sentinel state <-> the `sentinel ...` directives of its config file (sentinelHandleConfiguration
// and rewriteConfigSentinelOption). Only those lines; the host keeps the rest of the file.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cluster/core/result.h"
#include "cluster/sentinel/sentinel_state.h"

namespace slotd::sentinel {

// Applies one directive; `args` excludes the leading "sentinel" word. Errors use Redis's texts.
Result<std::monostate> ApplySentinelConfig(SentinelState& state,
                                           const std::vector<std::string>& args, int64_t now);

// Applies a file's directives (each without "sentinel") in Redis's load order, so they may appear
// in any order; on error `*failed_line` is the index of the offending one.
Result<std::monostate> ApplySentinelConfigLines(SentinelState& state,
                                                const std::vector<std::vector<std::string>>& lines,
                                                int64_t now, size_t* failed_line = nullptr);

// All sentinel directives, one per line ("sentinel myid ...\n"), in Redis's rewrite order.
std::string RenderSentinelConfig(const SentinelState& state);

}  // namespace slotd::sentinel
