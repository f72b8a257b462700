// AOF loading: replays command streams through the command table with a reply-less client and loads
// RDB base files, with Redis 7.0's log lines and its rules for torn tails and unfinished
// transactions.
#include "server/persistence/aof/aof_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "server/app/client.h"
#include "server/app/server.h"
#include "server/commands/dispatcher.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof_reader.h"
#include "server/persistence/rdb/rdb_snapshot.h"

namespace slotd {
namespace {

constexpr uint64_t kLoaderClientId = std::numeric_limits<uint64_t>::max();

int64_t NowUs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// A read-only view of a whole file (mmap), unmapped on destruction.
class MappedFile {
 public:
  ~MappedFile() {
    if (addr_ != nullptr) munmap(addr_, size_);
  }
  // False with errno set when the file cannot be mapped; an empty file maps to an empty view.
  bool Map(int fd, size_t size) {
    size_ = size;
    if (size == 0) return true;
    void* addr = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) return false;
    addr_ = addr;
    madvise(addr_, size_, MADV_SEQUENTIAL);
    return true;
  }
  std::string_view view() const {
    return {static_cast<const char*>(addr_), addr_ == nullptr ? 0 : size_};
  }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

void LogShortRead(std::string_view name, size_t valid_up_to) {
  Log(LogLevel::kWarning, "!!! Warning: short read while loading the AOF file %.*s!!!",
      static_cast<int>(name.size()), name.data());
  Log(LogLevel::kWarning, "!!! Truncating the AOF %.*s at offset %llu !!!",
      static_cast<int>(name.size()), name.data(), static_cast<unsigned long long>(valid_up_to));
}

void LogBadFormat(std::string_view name) {
  Log(LogLevel::kWarning,
      "Bad file format reading the append only file %.*s: make a backup of your AOF file, then use "
      "./redis-check-aof --fix <filename.manifest>",
      static_cast<int>(name.size()), name.data());
}

void LogUnexpectedEof(std::string_view name) {
  Log(LogLevel::kWarning,
      "Unexpected end of file reading the append only file %.*s. You can: 1) Make a backup of your "
      "AOF "
      "file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set "
      "the "
      "'aof-load-truncated' configuration option to yes and restart the server.",
      static_cast<int>(name.size()), name.data());
}

// The lines Redis logs while it reads an RDB base (its aux fields, then the key counts).
void LogRdbBaseLoaded(const rdb::LoadResult& r, int64_t now_ms) {
  if (!r.redis_ver.empty()) {
    Log(LogLevel::kNotice, "Loading RDB produced by version %s", r.redis_ver.c_str());
    Log(LogLevel::kNotice, "RDB age %lld seconds", static_cast<long long>(now_ms / 1000 - r.ctime));
    Log(LogLevel::kNotice, "RDB memory usage when created %.2f Mb",
        static_cast<double>(r.used_mem) / (1024 * 1024));
  }
  if (r.info.aof_base) Log(LogLevel::kNotice, "RDB is base AOF");
  Log(LogLevel::kNotice, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
      static_cast<unsigned long long>(r.keys_loaded), static_cast<unsigned long long>(r.keys_expired));
}

// Runs one command as the loading client: MULTI queues until EXEC, exactly as a live client would.
void RunLoadedCommand(Server& server, Client& loader, const CommandSpec& top,
                      const CommandSpec& spec, const std::vector<std::string_view>& argv) {
  if (loader.in_multi && top.name != "exec" && top.name != "multi") {
    loader.queued.emplace_back(argv.begin(), argv.end());
  } else {
    Execute(server, loader, spec, argv, false);
  }
  loader.output.clear();
}

}  // namespace

AofReplayResult ReplayAofCommands(Server& server, std::string_view data, std::string_view name) {
  AofReplayResult result;
  Client loader(kLoaderClientId, nullptr);
  loader.authenticated = true;
  loader.addr = "AOF-loading-client";
  // Nothing replayed from the file is fed back into the AOF or to replicas, nor counted as traffic.
  auto propagate = std::move(server.on_propagate);
  server.on_propagate = nullptr;
  uint64_t commands_before = server.stats.total_commands_processed;
  AofCommandReader reader(data);
  std::vector<std::string_view> argv;
  size_t valid_before_multi = 0;
  bool torn = false;
  while (true) {
    AofCommandReader::Status status = reader.Next(&argv);
    if (status == AofCommandReader::Status::kEnd) break;
    if (status == AofCommandReader::Status::kTruncated) {
      torn = true;
      break;
    }
    if (status == AofCommandReader::Status::kBadFormat) {
      LogBadFormat(name);
      result.status = AofLoadStatus::kFailed;
      break;
    }
    const CommandSpec* top = server.commands.Find(argv[0]);
    if (top == nullptr) {
      Log(LogLevel::kWarning, "Unknown command '%.*s' reading the append only file %.*s",
          static_cast<int>(argv[0].size()), argv[0].data(), static_cast<int>(name.size()),
          name.data());
      result.status = AofLoadStatus::kFailed;
      break;
    }
    const CommandSpec* spec = ResolveCommand(server, loader, argv);
    if (spec == nullptr) {  // wrong arity or subcommand: not something a writer produced
      LogBadFormat(name);
      result.status = AofLoadStatus::kFailed;
      break;
    }
    if (top->name == "multi") valid_before_multi = result.valid_up_to;
    RunLoadedCommand(server, loader, *top, *spec, argv);
    ++result.commands;
    result.valid_up_to = reader.offset();
  }
  if (result.status == AofLoadStatus::kOk && loader.in_multi) {
    // A transaction without its EXEC is cut off like a torn tail: none of it applies.
    Log(LogLevel::kWarning, "Revert incomplete MULTI/EXEC transaction in AOF file %.*s",
        static_cast<int>(name.size()), name.data());
    result.valid_up_to = valid_before_multi;
    torn = true;
  }
  if (torn) {
    if (server.config.aof_load_truncated) {
      LogShortRead(name, result.valid_up_to);
      result.status = AofLoadStatus::kTruncated;
    } else {
      LogUnexpectedEof(name);
      result.status = AofLoadStatus::kFailed;
    }
  }
  server.UnwatchAll(loader);
  server.stats.total_commands_processed = commands_before;
  server.on_propagate = std::move(propagate);
  return result;
}

int64_t AofFileSize(const std::string& dir, const std::string& name) {
  struct stat st;
  if (stat(JoinPath(dir, name).c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

AofLoadStatus LoadAofFile(Server& server, const std::string& dir, const std::string& name) {
  std::string path = JoinPath(dir, name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int open_errno = errno;
    struct stat st;
    if (stat(path.c_str(), &st) == 0 || errno != ENOENT) {
      Log(LogLevel::kWarning, "Fatal error: can't open the append log file %s for reading: %s",
          name.c_str(), std::strerror(open_errno));
      return AofLoadStatus::kOpenError;
    }
    Log(LogLevel::kWarning, "The append log file %s doesn't exist: %s", name.c_str(),
        std::strerror(errno));
    return AofLoadStatus::kNotExist;
  }
  struct stat st;
  MappedFile file;
  bool mapped = fstat(fd, &st) == 0 && file.Map(fd, static_cast<size_t>(st.st_size));
  int map_errno = errno;
  close(fd);
  if (!mapped) {
    Log(LogLevel::kWarning, "Unrecoverable error reading the append only file %s: %s", name.c_str(),
        std::strerror(map_errno));
    return AofLoadStatus::kFailed;
  }
  std::string_view data = file.view();
  if (data.empty()) return AofLoadStatus::kEmpty;
  if (data.starts_with("REDIS")) {
    Log(LogLevel::kNotice, "Reading RDB base file on AOF loading...");
    rdb::LoadOptions options;
    options.now_ms = server.now_ms;
    options.drop_expired =
        false;  // as Redis loads an AOF base: expired keys go through normal expiry
    Result<rdb::LoadResult> loaded = rdb::LoadSnapshot(data, server.dbs, server.config, options);
    if (!loaded.ok()) {
      Log(LogLevel::kWarning, "Error reading the RDB base file %s, AOF loading aborted",
          name.c_str());
      Log(LogLevel::kWarning, "%s", loaded.error().c_str());
      return AofLoadStatus::kFailed;
    }
    LogRdbBaseLoaded(*loaded, server.now_ms);
    return AofLoadStatus::kOk;
  }
  AofReplayResult replay = ReplayAofCommands(server, data, name);
  if (replay.status != AofLoadStatus::kTruncated) return replay.status;
  if (truncate(path.c_str(), static_cast<off_t>(replay.valid_up_to)) != 0) {
    Log(LogLevel::kWarning, "Error truncating the AOF file %s: %s", name.c_str(),
        std::strerror(errno));
    LogUnexpectedEof(name);
    return AofLoadStatus::kFailed;
  }
  Log(LogLevel::kWarning, "AOF %s loaded anyway because aof-load-truncated is enabled",
      name.c_str());
  return AofLoadStatus::kTruncated;
}

AofLoadStatus LoadAofFiles(Server& server, const std::string& dir, const AofManifest& manifest,
                           AofLoadSizes* sizes) {
  if (manifest.empty()) return AofLoadStatus::kNotExist;
  std::vector<const AofFileInfo*> files;
  if (manifest.base().has_value()) files.push_back(&*manifest.base());
  for (const AofFileInfo& info : manifest.incrs()) files.push_back(&info);
  int64_t total = 0;
  for (const AofFileInfo* info : files) {
    int64_t size = AofFileSize(dir, info->name);
    if (size < 0) return AofLoadStatus::kFailed;  // a file the manifest names must exist
    total += size;
  }
  if (total == 0) return AofLoadStatus::kEmpty;
  AofLoadStatus status = AofLoadStatus::kOk;
  for (size_t i = 0; i < files.size(); ++i) {
    const AofFileInfo& info = *files[i];
    bool is_base = info.type == AofFileType::kBase;
    bool last_file = i + 1 == files.size();
    int64_t start = NowUs();
    status = LoadAofFile(server, dir, info.name);
    if (status == AofLoadStatus::kOk || (status == AofLoadStatus::kTruncated && last_file)) {
      Log(LogLevel::kNotice, "DB loaded from %s file %s: %.3f seconds", is_base ? "base" : "incr",
          info.name.c_str(), static_cast<double>(NowUs() - start) / 1e6);
    }
    if (status == AofLoadStatus::kEmpty && !is_base) status = AofLoadStatus::kOk;
    if (status == AofLoadStatus::kTruncated && !last_file) {
      Log(LogLevel::kWarning, "Fatal error: the truncated file is not the last file");
      status = AofLoadStatus::kFailed;
    }
    if (status == AofLoadStatus::kOpenError || status == AofLoadStatus::kFailed) return status;
  }
  if (sizes != nullptr) {
    sizes->total = total;
    sizes->base = manifest.base().has_value() ? AofFileSize(dir, manifest.base()->name) : 0;
  }
  return status;
}

}  // namespace slotd
