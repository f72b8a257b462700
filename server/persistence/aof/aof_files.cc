// AOF files and start-up: paths, the atomic manifest write, history deletion, reading the manifest,
// loading the AOF and opening (or creating) the files to append to, and writing a BASE file.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/app/file_io.h"
#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/aof/aof_base_commands.h"
#include "server/persistence/aof/aof_loader.h"
#include "server/persistence/rdb/rdb_snapshot.h"

namespace slotd {
namespace {

int64_t NowUs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

}  // namespace

const std::string& Aof::prefix() const { return server_.config.appendfilename; }

std::string Aof::DirPath() const {
  const std::string& dir = server_.config.dir;
  const std::string& sub = server_.config.appenddirname;
  if (!sub.empty() && sub.front() == '/') return sub;
  return dir.empty() ? sub : dir + "/" + sub;
}

std::string Aof::FilePath(std::string_view name) const {
  return DirPath() + "/" + std::string(name);
}

bool Aof::EnsureDir() {
  std::string dir = DirPath();
  if (mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return true;
  Log(LogLevel::kWarning, "Can't open or create append-only dir %s: %s",
      server_.config.appenddirname.c_str(), std::strerror(errno));
  return false;
}

// Temp file, fsync, rename, fsync of the directory: a crash leaves the old or the new manifest.
bool Aof::PersistManifest(const AofManifest& manifest) {
  std::string name = AofManifestName(prefix());
  std::string temp_name = AofTempManifestName(prefix());
  std::string temp_path = FilePath(temp_name);
  int fd = open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    Log(LogLevel::kWarning, "Can't open the AOF manifest file %s: %s", temp_name.c_str(),
        std::strerror(errno));
    return false;
  }
  bool ok = WriteAll(fd, manifest.Render());
  if (!ok) {
    Log(LogLevel::kWarning, "Error trying to write the temporary AOF manifest file %s: %s",
        temp_name.c_str(), std::strerror(errno));
  } else if (fsync(fd) != 0) {
    Log(LogLevel::kWarning, "Fail to fsync the temp AOF file %s: %s.", temp_name.c_str(),
        std::strerror(errno));
    ok = false;
  }
  close(fd);
  if (ok && rename(temp_path.c_str(), FilePath(name).c_str()) != 0) {
    Log(LogLevel::kWarning, "Error trying to rename the temporary AOF manifest file %s into %s: %s",
        temp_name.c_str(), name.c_str(), std::strerror(errno));
    ok = false;
  }
  if (ok && !FsyncDirectory(DirPath())) {
    Log(LogLevel::kWarning, "Fail to fsync AOF directory %s: %s.",
        server_.config.appenddirname.c_str(), std::strerror(errno));
    ok = false;
  }
  if (!ok) unlink(temp_path.c_str());
  return ok;
}

void Aof::DeleteHistory() {
  if (manifest_.history().empty()) return;
  for (const AofFileInfo& info : manifest_.history()) {
    Log(LogLevel::kNotice, "Removing the history file %s in the background", info.name.c_str());
    unlink(FilePath(info.name).c_str());
  }
  manifest_.ClearHistory();
  PersistManifest(manifest_);  // a failure only leaves stale history lines behind
}

bool Aof::LoadManifest() {
  std::string name = AofManifestName(prefix());
  std::string path = FilePath(name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return true;  // no AOF yet
    Log(LogLevel::kWarning, "Fatal error: can't open the AOF manifest file %s for reading: %s",
        name.c_str(), std::strerror(errno));
    return false;
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  ManifestError error;
  Result<AofManifest> parsed = AofManifest::Parse(text, &error);
  if (!parsed.ok()) {
    Log(LogLevel::kWarning, "*** FATAL AOF MANIFEST FILE ERROR ***");
    Log(LogLevel::kWarning, "Reading the manifest file, at line %d", error.line);
    Log(LogLevel::kWarning, ">>> '%s'", error.text.c_str());
    Log(LogLevel::kWarning, "%s", error.message.c_str());
    return false;
  }
  manifest_ = std::move(*parsed);
  return true;
}

// aofUpgradePrepare: an old-style single appendonly.aof in `dir` (plain commands or with an RDB
// preamble) becomes the BASE of a new manifest, moved into the AOF directory, when the directory
// does not describe anything newer.
bool Aof::UpgradeOldStyleAof() {
  const std::string& dir = server_.config.dir;
  std::string old_path = dir.empty() ? prefix() : dir + "/" + prefix();
  struct stat st;
  if (stat(old_path.c_str(), &st) != 0) return true;
  const std::optional<AofFileInfo>& base = manifest_.base();
  bool base_is_old = base.has_value() && manifest_.incrs().empty() && base->name == prefix() &&
                     stat(FilePath(prefix()).c_str(), &st) != 0;
  if (!manifest_.empty() && !base_is_old) return true;
  if (!EnsureDir()) return false;
  AofManifest upgraded;
  upgraded.SetBase({prefix(), 1, AofFileType::kBase});
  if (!PersistManifest(upgraded)) return false;
  std::string new_path = FilePath(prefix());
  if (rename(old_path.c_str(), new_path.c_str()) != 0) {
    Log(LogLevel::kWarning, "Error trying to rename the existing AOF to old AOF directory %s: %s",
        new_path.c_str(), std::strerror(errno));
    return false;
  }
  manifest_ = std::move(upgraded);
  Log(LogLevel::kNotice,
      "Successfully migrated an old-style AOF file (%s) into the AOF directory (%s).",
      prefix().c_str(), server_.config.appenddirname.c_str());
  return true;
}

bool Aof::Start() {
  if (!LoadManifest()) return false;
  if (!server_.config.appendonly) return true;
  if (!UpgradeOldStyleAof()) return false;
  state_ = State::kOn;
  AofLoadSizes sizes;
  int64_t start = NowUs();
  AofLoadStatus status = LoadAofFiles(server_, DirPath(), manifest_, &sizes);
  if (status == AofLoadStatus::kFailed || status == AofLoadStatus::kOpenError) return false;
  if (status != AofLoadStatus::kNotExist) {
    Log(LogLevel::kNotice, "DB loaded from append only file: %.3f seconds",
        static_cast<double>(NowUs() - start) / 1e6);
    loaded_at_start_ = true;
  }
  current_size_ = sizes.total;
  base_size_ = sizes.base;
  fsync_offset_ = current_size_;
  return OpenForAppendAtStart();
}

bool Aof::ReloadForDebug() {
  if (state_ != State::kOn) return false;
  Flush();
  if (!LoadManifest()) return false;
  server_.DatabaseModified(-1);
  for (auto& db : server_.dbs) db->Clear();
  AofLoadSizes sizes;
  AofLoadStatus status = LoadAofFiles(server_, DirPath(), manifest_, &sizes);
  if (status == AofLoadStatus::kFailed || status == AofLoadStatus::kOpenError) return false;
  server_.dirty = 0;  // nothing of this reaches replicas or the AOF
  Log(LogLevel::kWarning, "Append Only File loaded by DEBUG LOADAOF");
  return true;
}

bool Aof::OpenForAppendAtStart() {
  if (!EnsureDir()) return false;
  if (manifest_.empty()) {
    std::string base = manifest_.NewBase(prefix(), server_.config.aof_use_rdb_preamble).name;
    if (!WriteBaseFile(FilePath(base))) return false;
    Log(LogLevel::kNotice, "Creating AOF base file %s on server start", base.c_str());
  }
  bool had_incr = !manifest_.incrs().empty();
  std::string name = had_incr ? manifest_.incrs().back().name : manifest_.NewIncr(prefix()).name;
  fd_ = open(FilePath(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    Log(LogLevel::kWarning, "Can't open the append-only file %s: %s", name.c_str(),
        std::strerror(errno));
    return false;
  }
  if (!PersistManifest(manifest_)) return false;
  last_incr_size_ = std::max<int64_t>(AofFileSize(DirPath(), name), 0);
  Log(LogLevel::kNotice, "%s AOF incr file %s on server start", had_incr ? "Opening" : "Creating",
      name.c_str());
  DeleteHistory();
  last_fsync_s_ = server_.now_ms / 1000;
  return true;
}

// Writes the whole data set as an AOF base (an RDB image, or commands) to `path` through a temp
// file and a rename. Runs in the rewrite child, or in the server at start-up.
bool Aof::WriteBaseFile(const std::string& path) {
  std::string temp = server_.config.dir + "/temp-rewriteaof-" + std::to_string(getpid()) + ".aof";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    Log(LogLevel::kWarning, "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
        std::strerror(errno));
    return false;
  }
  rdb::SnapshotInfo info;
  info.aof_base = true;
  bool incremental_fsync = server_.config.aof_rewrite_incremental_fsync;
  size_t unsynced = 0;
  auto sink = [&](std::string_view chunk) {
    if (!WriteAll(fd, chunk)) return false;
    unsynced += chunk.size();
    if (incremental_fsync && unsynced >= 4 * 1024 * 1024) {  // spread the disk work, as Redis does
      fdatasync(fd);
      unsynced = 0;
    }
    return true;
  };
  bool ok;
  if (server_.config.aof_use_rdb_preamble) {
    ok = rdb::WriteSnapshot(server_.dbs, info, sink,
                            rdb::WriteOptions::From(server_.config, server_.now_ms, server_.UsedMemory()));
  } else {
    ok = true;
    if (server_.config.aof_timestamp_enabled)
      ok = sink("#TS:" + std::to_string(server_.now_ms / 1000) + "\r\n");
    ok = ok && WriteAofBaseCommands(server_.dbs, sink);
  }
  if (ok && fsync(fd) != 0) ok = false;
  if (!ok)
    Log(LogLevel::kWarning, "Write error writing append only file on disk: %s",
        std::strerror(errno));
  close(fd);
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    Log(LogLevel::kWarning, "Error moving temp append only file on the final destination: %s",
        std::strerror(errno));
    ok = false;
  }
  if (!ok) unlink(temp.c_str());
  return ok;
}

}  // namespace slotd
