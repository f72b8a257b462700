// Loading an RDB file into the databases (start-up, DEBUG RELOAD, a replica's full sync) with the log
// lines Redis's rdbLoad writes. The file is mapped read-only: a failed load never modifies it.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/snapshots.h"

namespace slotd {
namespace {

// A read-only view of a whole file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      error_ = errno;
      return;
    }
    struct stat st;
    if (fstat(fd_, &st) != 0) {
      error_ = errno;
      return;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return;
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) {
      error_ = errno;
      size_ = 0;
      return;
    }
    data_ = static_cast<const char*>(p);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  int error() const { return error_; }
  std::string_view bytes() const { return data_ == nullptr ? std::string_view() : std::string_view(data_, size_); }

 private:
  int fd_ = -1;
  int error_ = 0;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

bool Contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

// Redis's wording for the two failures operators meet most (a torn file, a flipped byte), then
// the loader's own explanation.
void LogLoadError(const std::string& message) {
  if (Contains(message, "checksum") || Contains(message, "CRC")) {
    Log(LogLevel::kWarning, "Wrong RDB checksum (%s). Aborting now.", message.c_str());
  } else if (Contains(message, "end of") || Contains(message, "only") || Contains(message, "exceeds remaining") ||
             Contains(message, "truncated")) {
    Log(LogLevel::kWarning, "Short read or OOM loading DB. Unrecoverable error, aborting now.");
  }
  Log(LogLevel::kWarning, "Internal error in RDB reading: %s", message.c_str());
}

}  // namespace

Result<rdb::LoadResult> Snapshots::LoadFile(const std::string& path, bool drop_expired, bool flush,
                                            bool allow_dup, std::function<void()> progress) {
  MappedFile file(path);
  if (file.error() != 0) return Error{std::strerror(file.error())};
  if (flush) {
    server_.DatabaseModified(-1);
    for (auto& db : server_.dbs) db->Clear();
  }
  rdb::LoadOptions options;
  options.now_ms = server_.now_ms;
  options.drop_expired = drop_expired;
  options.allow_dup = allow_dup;
  options.progress = std::move(progress);
  last_load_loaded_ = 0;
  last_load_expired_ = 0;
  Result<rdb::LoadResult> result = rdb::LoadSnapshot(file.bytes(), server_.dbs, server_.config, options);
  if (!result) {
    LogLoadError(result.error());
    return result;
  }
  const rdb::LoadResult& r = *result;
  // Redis logs these as it meets the redis-ver, ctime and used-mem aux fields, which every file written
  // since 4.0 carries together.
  if (!r.redis_ver.empty()) {
    Log(LogLevel::kNotice, "Loading RDB produced by version %s", r.redis_ver.c_str());
    Log(LogLevel::kNotice, "RDB age %lld seconds", static_cast<long long>(server_.now_ms / 1000 - r.ctime));
    Log(LogLevel::kNotice, "RDB memory usage when created %.2f Mb", static_cast<double>(r.used_mem) / (1024 * 1024));
  }
  Log(LogLevel::kNotice, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
      static_cast<unsigned long long>(r.keys_loaded), static_cast<unsigned long long>(r.keys_expired));
  last_load_loaded_ = r.keys_loaded;
  last_load_expired_ = r.keys_expired;
  return result;
}

Result<rdb::LoadResult> Snapshots::LoadAtStartup() {
  std::string path = RdbPath();
  if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) return rdb::LoadResult{};
  auto start = std::chrono::steady_clock::now();
  // A replica keeps keys that already expired: its master will send their DELs.
  bool drop_expired = server_.config.replicaof_host.empty();
  MappedFile probe(path);
  if (probe.error() != 0) {
    Log(LogLevel::kWarning, "Fatal error loading the DB: %s. Exiting.", std::strerror(probe.error()));
    return Error{std::strerror(probe.error())};
  }
  Result<rdb::LoadResult> result = LoadFile(path, drop_expired, false);
  if (!result) {
    Log(LogLevel::kWarning, "Terminating server after rdb file reading failure.");
    return result;
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  Log(LogLevel::kNotice, "DB loaded from disk: %.3f seconds", took.count());
  loaded_info_ = result->info;
  return result;
}

}  // namespace slotd
