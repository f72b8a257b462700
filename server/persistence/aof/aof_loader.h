// Loading the append-only file at start-up (Redis 7.0 loadAppendOnlyFiles): the BASE file (an RDB
// image or commands), then every INCR file, replayed through the command table by a client that
// gets no replies. Handles a torn tail (aof-load-truncated), an unfinished MULTI and garbage as
// Redis does.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "server/persistence/aof/aof_manifest.h"

namespace slotd {

class Server;

enum class AofLoadStatus { kOk, kNotExist, kEmpty, kOpenError, kFailed, kTruncated };

// Outcome of replaying one command stream.
struct AofReplayResult {
  AofLoadStatus status = AofLoadStatus::kOk;
  size_t valid_up_to = 0;  // bytes of complete commands (and complete transactions) applied
  uint64_t commands = 0;
};

// Replays `data` (commands only) into `server`. With server.config.aof_load_truncated a torn tail
// or an unfinished MULTI ends the replay with kTruncated (valid_up_to says where to cut); without
// it kFailed. Garbage and unknown commands are kFailed. `name` is the file name used in log lines.
AofReplayResult ReplayAofCommands(Server& server, std::string_view data, std::string_view name);

// Loads one file of the AOF (dir/name): RDB when it starts with "REDIS", else commands; truncates a
// torn tail in place when allowed. Logs as Redis does.
AofLoadStatus LoadAofFile(Server& server, const std::string& dir, const std::string& name);

struct AofLoadSizes {
  int64_t total = 0;  // every BASE and INCR file
  int64_t base = 0;
};

// Loads the base and incr files the manifest names, in order. kNotExist when the manifest names
// none; kFailed when a listed file is missing, a file other than the last is truncated, or loading
// failed.
AofLoadStatus LoadAofFiles(Server& server, const std::string& dir, const AofManifest& manifest,
                           AofLoadSizes* sizes);

// Size of dir/name in bytes, -1 when it cannot be stat'ed.
int64_t AofFileSize(const std::string& dir, const std::string& name);

}  // namespace slotd
