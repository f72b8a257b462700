// The append-only file (Redis 7.0 multi-part AOF): the command feed and its buffer, writing and
// fsync by appendfsync policy before replies leave, BGREWRITEAOF in a forked child with the
// manifest switch, automatic rewrites, turning AOF on and off at runtime, loading at start-up, and
// INFO's aof_* fields.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "server/persistence/aof/aof_fsync.h"
#include "server/persistence/aof/aof_manifest.h"

namespace slotd {

class Server;
class ChildProcess;

class Aof {
 public:
  Aof(Server& server, ChildProcess& child);
  ~Aof();
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  // Start-up, before serving: reads the manifest; with appendonly yes loads the AOF into the
  // databases and opens the INCR file to append to (creating the BASE from the current data when
  // there is no AOF yet). False = the server must not start (the reason was logged).
  bool Start();
  // True when Start() loaded data from the AOF (the RDB file must then not be loaded).
  bool loaded_at_start() const { return loaded_at_start_; }

  // The propagation feed (Server::on_propagate): appends argv in RESP, with SELECT when the db
  // changes.
  void Feed(int db, std::span<const std::string> argv);
  // True while fed commands are not yet written: replies must wait for Flush(). After a failed
  // write replies go out (writes are refused with MISCONF meanwhile), as in Redis.
  bool HasPendingWrite() const { return !buffer_.empty() && last_write_ok_; }
  // Writes the buffer and fsyncs as appendfsync says (Redis's flushAppendOnlyFile, run before
  // replies are written).
  void Flush();
  // Every cron tick: scheduled and automatic rewrites, retrying the write after a write error.
  void Cron();

  // DEBUG LOADAOF: writes what is buffered, empties the data set and loads the AOF again. False
  // when appendonly is off or loading failed (logged).
  bool ReloadForDebug();

  // BGREWRITEAOF.
  enum class RewriteRequest { kStarted, kScheduled, kAlreadyInProgress, kFailed };
  RewriteRequest RequestRewrite(bool in_exec);
  bool rewrite_in_progress() const;
  bool rewrite_scheduled() const { return rewrite_scheduled_; }

  // CONFIG SET appendonly: starts (a rewrite, then on) or stops appending. False with the reply
  // error.
  bool ApplyAppendonly(std::string* error);

  // A replica replaced its data set (full sync): the AOF restarts from a rewrite of the new data
  // (Redis's restartAOFAfterSYNC). False when the rewrite could not start (logged; retried by the
  // cron).
  bool RestartAfterSync();

  // SHUTDOWN: kills a rewrite child, writes and fsyncs what is buffered.
  void Shutdown();
  // FLUSHALL / a child of another kind needs the slot: kills a running rewrite (temp files
  // removed).
  void KillRewrite();

  bool enabled() const { return state_ != State::kOff; }
  // appendonly was just turned on and its first rewrite has not finished: the AOF holds nothing yet.
  bool writing_initial() const { return state_ == State::kWaitRewrite; }
  // Writes are refused (-MISCONF Errors writing to the AOF file: ...) after a failed write.
  bool DeniesWrites() const { return state_ != State::kOff && !last_write_ok_; }
  // "-MISCONF Errors writing to the AOF file: <strerror>".
  std::string_view MisconfError() const { return misconf_error_; }

  // The INFO persistence aof_* lines, in Redis's order, "name:value\r\n" each.
  void AppendInfoFields(std::string& out) const;

 private:
  enum class State { kOff, kOn, kWaitRewrite };

  std::string DirPath() const;                        // dir/appenddirname
  std::string FilePath(std::string_view name) const;  // dir/appenddirname/name
  const std::string& prefix() const;                  // appendfilename
  bool EnsureDir();
  bool UpgradeOldStyleAof();  // start-up: adopt a pre-7.0 single-file AOF
  bool PersistManifest(const AofManifest& manifest);
  void DeleteHistory();
  bool LoadManifest();
  bool OpenForAppendAtStart();
  bool WriteBaseFile(const std::string& path);
  bool OpenNewIncrForAppend();
  bool StartRewrite();
  void OnRewriteDone(int exit_code, int term_signal);
  bool InstallRewrittenBase(const std::string& temp_path);
  void RemoveRewriteTempFiles();
  void Stop();
  bool WriteBuffer();
  void FsyncAfterWrite(bool sync_in_progress);
  void MaybeAutoRewrite();
  void RecordWriteError(int error_number);

  Server& server_;
  ChildProcess& child_;
  AofFsyncWorker fsync_;
  AofManifest manifest_;
  State state_ = State::kOff;
  int fd_ = -1;
  int selected_db_ = -1;
  int64_t last_timestamp_ = 0;
  std::string buffer_;
  bool loaded_at_start_ = false;

  // Sizes and fsync bookkeeping (Redis's aof_current_size, aof_last_incr_size, aof_fsync_offset
  // ...).
  int64_t current_size_ = 0;
  int64_t base_size_ = 0;  // aof_rewrite_base_size: the size after the last rewrite
  int64_t last_incr_size_ = 0;
  int64_t fsync_offset_ = 0;
  int64_t last_fsync_s_ = 0;
  bool last_write_ok_ = true;
  std::string misconf_error_;

  // Rewrite state.
  bool rewrite_scheduled_ = false;
  bool killing_child_ = false;
  int64_t rewrite_start_s_ = -1;
  int64_t last_rewrite_time_s_ = -1;
  bool last_rewrite_ok_ = true;
  uint64_t rewrites_ = 0;
  uint64_t consecutive_failures_ = 0;
  uint64_t last_cow_size_ = 0;
  std::string child_temp_path_;
};

}  // namespace slotd
