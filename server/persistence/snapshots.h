// RDB snapshots of the whole data set: SAVE (synchronous), BGSAVE (forked child), save points and
// scheduled BGSAVEs from the cron, loading dump.rdb at start-up, and the state INFO persistence,
// LASTSAVE and the MISCONF write refusal report.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/core/result.h"
#include "server/persistence/rdb/rdb_snapshot.h"

namespace slotd {

class Server;
class Client;
class ChildProcess;
struct CommandSpec;

class Snapshots {
 public:
  Snapshots(Server& server, ChildProcess& child);

  // SAVE: writes the file synchronously and atomically (temp-<pid>.rdb in dir, fsync, rename, fsync
  // of the directory). False with the reason (strerror text) on failure; "Background save already in
  // progress" when an RDB child runs.
  bool Save(std::string* error);
  // Redis's rdbSave without SAVE's checks and counters (DEBUG RELOAD).
  bool SaveToDisk(std::string* error) { return SaveNow(CurrentInfo(), error); }

  // BGSAVE: forks a child that writes the file. `on_done(ok)` runs in the parent after the file is in
  // place (or the child failed / was killed). False with an error when a child is already running or
  // fork failed. Replication's full sync uses on_done.
  using SaveDone = std::function<void(bool ok)>;
  bool StartBackgroundSave(SaveDone on_done, std::string* error);
  // Adds a waiter to the BGSAVE in progress (a replica arriving while one runs). False when no RDB
  // child is running.
  bool AddBackgroundSaveWaiter(SaveDone on_done);
  // BGSAVE SCHEDULE: runs a BGSAVE from the cron as soon as no child is running.
  void ScheduleBackgroundSave() { bgsave_scheduled_ = true; }
  bool background_save_scheduled() const { return bgsave_scheduled_; }
  bool background_save_in_progress() const;
  // Kills an RDB child (FLUSHALL, SHUTDOWN); the temp file is removed.
  void KillBackgroundSave();

  // Loads dir/dbfilename into the (empty) databases, logging as Redis does. An absent file is not an
  // error (returns zero keys). A corrupt or truncated file returns an error and is left untouched.
  Result<rdb::LoadResult> LoadAtStartup();
  // Loads `path` into the databases, emptying them first when `flush` (DEBUG RELOAD, a replica's full
  // sync), logging as Redis's rdbLoad does. `drop_expired` = false keeps already expired keys
  // (replicas). A missing file is an error here (ENOENT text).
  Result<rdb::LoadResult> LoadFile(const std::string& path, bool drop_expired, bool flush = true,
                                   bool allow_dup = false, std::function<void()> progress = nullptr);
  // The aux fields of the file loaded at start-up (repl-id/offset for a restarted replica's PSYNC).
  const rdb::SnapshotInfo& loaded_info() const { return loaded_info_; }

  // Every cron tick: save points, a scheduled BGSAVE, retry after a failed BGSAVE (5 s, as Redis).
  void Cron();

  // Redis's prepareForShutdown for SHUTDOWN and SIGTERM: logs "User requested shutdown...", kills a
  // running child, saves when save points exist (or `save`; never with `nosave`). False when the save
  // failed without `force`: the server must keep running (SHUTDOWN replies an error).
  bool PrepareForShutdown(bool save, bool nosave, bool force);
  // FLUSHALL: kills an RDB child and, when save points exist, saves the now empty data set.
  void OnFlushAll();

  // dir/dbfilename (dir is absolute after config loading).
  std::string RdbPath() const;

  // Replication writes its id/offset into the file through this (repl-id, repl-offset aux fields).
  using InfoProvider = std::function<rdb::SnapshotInfo()>;
  void set_info_provider(InfoProvider provider) { info_provider_ = std::move(provider); }

  // Redis's lastsave: seconds since the epoch of the last successful save (start-up counts).
  int64_t last_save_time() const { return last_save_s_; }
  bool last_bgsave_ok() const { return last_bgsave_ok_; }
  int64_t last_bgsave_time_sec() const { return last_bgsave_time_s_; }  // -1 = none yet
  int64_t current_bgsave_time_sec() const;                              // -1 = none running
  uint64_t rdb_saves() const { return rdb_saves_; }
  uint64_t last_cow_size() const { return last_cow_size_; }
  uint64_t last_load_keys_loaded() const { return last_load_loaded_; }
  uint64_t last_load_keys_expired() const { return last_load_expired_; }
  // True when writes must be refused with MISCONF (stop-writes-on-bgsave-error, save points set, and
  // the last BGSAVE failed).
  bool DeniesWrites() const;

 private:
  // Redis's rdbSave: temp file, fsync, rename, directory fsync; logs either way.
  bool SaveNow(const rdb::SnapshotInfo& info, std::string* error);
  bool WriteTempFile(const std::string& temp_path, const rdb::SnapshotInfo& info, std::string* error) const;
  std::string InDir(const std::string& name) const;  // `name` inside `dir`
  std::string TempPath(int pid) const;
  rdb::SnapshotInfo CurrentInfo() const;
  void OnChildDone(int exit_code, int term_signal);

  Server& server_;
  ChildProcess& child_;
  InfoProvider info_provider_;
  std::vector<SaveDone> waiters_;
  bool bgsave_scheduled_ = false;
  int64_t last_save_s_ = 0;
  int64_t last_bgsave_try_s_ = 0;
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_time_s_ = -1;
  uint64_t dirty_before_bgsave_ = 0;
  uint64_t rdb_saves_ = 0;
  uint64_t last_cow_size_ = 0;
  uint64_t last_load_loaded_ = 0;
  uint64_t last_load_expired_ = 0;
  rdb::SnapshotInfo loaded_info_;
  int bgsave_pid_ = -1;  // the BGSAVE child started here (its temp file is removed if it is killed)
  int64_t bgsave_start_ms_ = 0;
};

// Redis's writeCommandsDeniedByDiskError for RDB: the MISCONF error text when `spec` (a write command,
// an EXEC with queued writes, or PING) must be refused for `client`, empty otherwise. The master's link
// is never refused.
std::string_view SnapshotWriteError(const Server& server, const Client& client, const CommandSpec& spec);

// rdb-key-save-delay: microseconds per key (tests use it to keep a BGSAVE or AOF rewrite child running).
// Slept once up front for the whole data set, in the child; it looks the same from outside.
void KeySaveDelay(const Server& server);

}  // namespace slotd
