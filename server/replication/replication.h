// PSYNC2 replication, both sides (Redis's replication.c): the replication ids and offset, the
// backlog, the master side (replicas' PSYNC/REPLCONF, full and partial resyncs, ACKs, WAIT) and the
// replica side (the link to our master, the RDB transfer, applying the stream). App owns it;
// commands reach it through Server::replication.
#pragma once
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/commands/command_spec.h"
#include "server/keyspace/database.h"
#include "server/persistence/rdb/rdb_snapshot.h"
#include "server/replication/backlog.h"
#include "server/replication/handshake.h"
#include "server/resp/request_parser.h"

namespace slotd {

class Server;
class Client;
class MasterLink;

// Redis's repl_state, as ROLE names it.
enum class ReplState { kNone, kConnect, kConnecting, kHandshake, kTransfer, kConnected };

// "name:value" pairs of INFO replication, in Redis 7.0's order.
using InfoFields = std::vector<std::pair<std::string, std::string>>;

class Replication {
 public:
  Replication(Server& server, uv_loop_t* loop);
  ~Replication();
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  // Starts replicating from `replicaof` in the configuration, if any (after the data set is
  // loaded).
  void Start();
  // The repl-id/offset of a loaded RDB (start-up): a replica continues from them with PSYNC.
  void OnSnapshotLoaded(const rdb::SnapshotInfo& info);
  // What a snapshot written now records (Snapshots' info provider).
  rdb::SnapshotInfo SnapshotInfoForSave() const;

  // Server::on_propagate: one command of the replication stream.
  void Feed(int db, std::span<const std::string> argv);
  // Whether Feed would record anything: a backlog exists (replicas attached, now or within
  // repl-backlog-ttl) and we are no replica ourselves.
  bool FeedsReplicas() const { return backlog_ != nullptr && !is_replica(); }
  // After each command: a client whose command reached the stream waits (WAIT) for the offset right
  // after it (Redis's c->woff). Costs a flag test for commands that propagated nothing.
  void TakeWriteOffset(Client& client) {
    if (!command_fed_) return;
    command_fed_ = false;
    SetWriteOffset(client);
  }
  // Every cron tick (100 ms); the once-a-second duties run inside.
  void Cron();
  // Closes the master link and any transfer (shutdown: nothing may keep the loop alive).
  void Shutdown();
  // Before the loop sleeps: the GETACK that WAIT asked for.
  void BeforeSleep();
  // A client disconnected (replica, WAIT-blocked client, or one that sent REPLCONF).
  void OnClientClosed(Client& client);
  // CLIENT KILL of the master client: drop the link, keep its state for a PSYNC.
  void KillMasterLink();
  // Client pauses (server/app/client_pause.h): while paused, keys do not expire; when a pause ends the
  // master's commands it held back are applied.
  void SetExpiryPaused(bool paused);
  void ResumeStream();

  // --- commands (server/commands/replication_commands.cc)
  // REPLICAOF host port; returns false with `error` when it cannot be done. `already` is set when
  // it names the master we already follow.
  bool SetMaster(const std::string& host, int port, const Client* by, bool* already);
  // REPLICAOF NO ONE.
  void UnsetMaster(const Client* by);
  void Psync(Client& client, ArgList args);  // PSYNC replid offset, and SYNC
  void Replconf(Client& client, ArgList args);
  void Wait(Client& client, int64_t numreplicas, int64_t timeout_ms, bool in_exec);
  // An empty line from a replica (its keepalive while it loads): counts as an acknowledgement time.
  void OnReplicaNewline(Client& client);
  // FAILOVER [TO host port [FORCE]] [TIMEOUT ms] (failover.cc): pauses writes until the target (or
  // any replica) has acknowledged our whole stream, then hands over with PSYNC ... FAILOVER. Returns
  // the error to reply, "" when it started.
  struct FailoverRequest {
    std::string host;  // "" = the first replica to catch up
    int port = 0;
    bool force = false;       // fail over at the timeout even if the target lags
    int64_t timeout_ms = 0;   // 0 = none
  };
  std::string_view StartFailover(const FailoverRequest& request);
  // FAILOVER ABORT; false when no failover is in progress.
  bool AbortFailover(const char* reason);
  bool failing_over() const { return failover_state_ != FailoverState::kNone; }
  // INFO master_failover_state.
  const char* failover_state_name() const;

  // --- state for INFO, ROLE and the dispatcher's checks
  bool is_replica() const;
  ReplState state() const { return state_; }
  bool link_up() const { return state_ == ReplState::kConnected; }
  const std::string& replid() const { return replid_; }
  const std::string& replid2() const { return replid2_; }
  int64_t master_repl_offset() const { return master_repl_offset_; }
  int64_t second_replid_offset() const { return second_replid_offset_; }
  int good_replicas() const { return good_replicas_; }
  void AppendInfo(InfoFields* out) const;
  void ReplyRole(Client& client) const;
  // INFO stats.
  uint64_t sync_full() const { return sync_full_; }
  uint64_t sync_partial_ok() const { return sync_partial_ok_; }
  uint64_t sync_partial_err() const { return sync_partial_err_; }
  uint64_t repl_input_bytes() const { return repl_input_bytes_; }
  uint64_t repl_output_bytes() const { return repl_output_bytes_; }

  // The master link's half: called by MasterLink.
  void OnLinkConnected(int status);
  void OnLinkData(std::string_view bytes);
  void OnLinkClosed();

 private:
  enum class ReplicaState { kNotAttached, kWaitBgsave, kSendBulk, kOnline };
  enum class FailoverState { kNone, kWaitForSync, kInProgress };
  struct ReplicaEntry {
    Client* client = nullptr;
    ReplicaState state = ReplicaState::kNotAttached;
    int listening_port = 0;
    std::string announce_ip;
    bool capa_eof = false;
    bool capa_psync2 = false;
    bool old_sync = false;        // plain SYNC: sends no ACKs
    bool wait_first_ack = false;  // EOF-mark transfer: the stream starts after its first ACK
    int64_t ack_offset = 0;
    int64_t ack_time_ms = 0;
    int64_t attach_ms = 0;         // when it asked for a full sync (repl-diskless-sync-delay)
    bool fullresync_sent = false;  // +FULLRESYNC written: newlines keep it alive until the payload
    std::string pending;           // stream bytes produced after the snapshot point, before online
    bool disk_sync = false;        // served by the BGSAVE to the rdb file (repl-diskless-sync no)
    int rdb_fd = -1;               // that file, while its bytes are streamed to the replica
    int64_t rdb_left = 0;          // bytes of it still to send
    ~ReplicaEntry();
  };
  struct Waiter {
    Client* client;
    int64_t target;
    int64_t numreplicas;
    int64_t deadline_ms;  // 0 = forever
  };

  // ids and stream
  void SetWriteOffset(Client& client) const;
  void FeedCommand(int db, std::span<const std::string> argv);  // Feed without woff bookkeeping
  void NewReplid();
  void ShiftReplid();
  void ClearReplid2();
  void FeedBytes(std::string_view bytes);
  void CreateBacklogIfNeeded();
  void ApplyRole();
  // Aux info for an RDB sent to a replica: our id and offset, and the db the stream is in.
  rdb::SnapshotInfo SyncSnapshotInfo() const;  // expiry mode and log role for master or replica

  // master side (master_side.cc)
  ReplicaEntry* FindEntry(const Client& client);
  ReplicaEntry& EntryFor(Client& client);
  std::string ReplicaName(const ReplicaEntry& entry) const;
  bool TryPartialResync(ReplicaEntry& entry, std::string_view replid, std::string_view offset_text);
  void StartFullResync(ReplicaEntry& entry);
  void SendSnapshotInProcess(ReplicaEntry& entry);
  bool StartForkedSync();
  void OnForkedSyncData(std::string_view chunk, bool eof);
  void PauseOrResumeForkedSyncReads();
  // Disk-target full sync (disk_sync.cc): BGSAVE, then the file streamed as the sockets drain.
  bool WantsDiskless(const ReplicaEntry& entry) const;
  bool StartDiskSync(ReplicaEntry& entry);
  void OnDiskSyncSaved(bool ok);
  void StreamRdbFiles();
  void CloseClients(const std::vector<Client*>& clients);
  void DropReplicasWaitingForFork(bool disk);
  bool PersistenceDisabled() const;  // no save points and no AOF (rdb-del-sync-files applies)
  void RemoveRdbUsedForSync();
  void PutOnline(ReplicaEntry& entry);
  void WriteToReplica(ReplicaEntry& entry, std::string_view bytes);
  void DisconnectReplicas();
  void MasterCron();
  int CountAcked(int64_t offset) const;
  void ServeWaiters();
  void UpdateGoodReplicas();

  // FAILOVER (failover.cc)
  std::string ReplicaIp(const ReplicaEntry& entry) const;
  ReplicaEntry* FindReplicaByAddress(std::string_view host, int port);
  void UpdateFailover();
  void ClearFailover();
  // The PSYNC FAILOVER reply decided the handover: done, or back to being a master.
  void OnFailoverPsync(bool accepted);

  // replica side (replica_side.cc)
  void BecomeReplicaOf(const std::string& host, int port);
  void ConnectToMaster(bool reconnect = false);
  void DropLink(bool cache);
  void ProcessHandshake();
  void ProcessTransfer();
  bool ReadPayloadHeader();
  void FinishTransfer();
  bool LoadReceivedFile(const std::string& path);
  // repl-diskless-load (diskless_load.cc): the payload parsed from memory, no file on disk.
  bool UseDisklessLoad() const;
  void FinishDisklessTransfer();
  // Empties the data set and loads an RDB image (a replica keeps already-expired keys).
  bool LoadReceivedBytes(std::string_view image);
  // A newline to the master at most once a second while a long load runs (the master would
  // otherwise time us out): replicationSendNewlineToMaster.
  std::function<void()> LoadKeepalive();
  void StartStreaming(const std::string& new_replid, bool full);
  void ApplyStream();
  void SendToMaster(std::string bytes);
  void SendAck();
  void ReplicaCron();
  void MaybeStartDelayedSync();

  Server& server_;
  uv_loop_t* loop_;

  std::string replid_;
  std::string replid2_;
  int64_t master_repl_offset_ = 0;
  int64_t second_replid_offset_ = -1;
  std::unique_ptr<ReplBacklog> backlog_;
  int slaveseldb_ = -1;  // db of the last SELECT in the stream, -1 = emit one next
  bool command_fed_ = false;  // Feed() ran since the last TakeWriteOffset()
  ExpiryMode expiry_mode_ = ExpiryMode::kDelete;
  bool expiry_paused_ = false;  // a client pause holds: a master hides expired keys instead of deleting

  // master side
  std::vector<std::unique_ptr<ReplicaEntry>> entries_;  // in attach order
  std::vector<Waiter> waiters_;
  bool getack_requested_ = false;
  int good_replicas_ = 0;
  int64_t no_replicas_since_ms_ = 0;
  int64_t last_ping_ms_ = 0;
  int64_t last_second_ms_ = 0;
  // A diskless transfer in progress: the child's pipe and the EOF mark framing it.
  struct ForkedSync {
    struct Reader;
    Reader* reader = nullptr;
    std::string mark;
    bool child_done = false;
    bool child_ok = true;
    bool eof = false;
    bool paused = false;  // pipe reads stopped: a replica's output is over the bound
    bool killed = false;  // the child died by a signal (FLUSHALL/SHUTDOWN kill it)
    ~ForkedSync();
    void CloseReader();
  };
  std::unique_ptr<ForkedSync> forked_sync_;
  // A BGSAVE for replication in progress and the offset its snapshot was taken at.
  bool disk_sync_running_ = false;
  int64_t disk_sync_offset_ = 0;
  bool rdb_made_for_sync_ = false;  // the rdb file on disk was written to feed replicas

  // FAILOVER
  FailoverState failover_state_ = FailoverState::kNone;
  int64_t failover_end_ms_ = 0;  // 0 = no timeout
  bool failover_force_ = false;
  std::string failover_host_;
  int failover_port_ = 0;

  // replica side
  ReplState state_ = ReplState::kNone;
  std::unique_ptr<MasterLink> link_;
  std::unique_ptr<ReplicaHandshake> handshake_;
  std::unique_ptr<Client> master_client_;
  bool have_cached_master_ = false;
  int cached_db_ = 0;
  int loaded_stream_db_ = 0;  // repl-stream-db of the RDB a full sync loaded
  std::string in_;            // bytes from the master not yet consumed
  std::string pending_replid_;
  int64_t pending_offset_ = -1;
  bool payload_header_read_ = false;
  bool payload_eof_mode_ = false;
  std::string payload_eof_mark_;
  int64_t payload_size_ = 0;  // bytes expected ($len mode)
  int64_t payload_read_ = 0;  // bytes written to the temp file
  int payload_fd_ = -1;
  bool payload_in_memory_ = false;  // repl-diskless-load: the payload goes to payload_mem_
  std::string payload_mem_;
  std::string payload_path_;
  std::unique_ptr<resp::ParserLimits> stream_limits_;
  std::unique_ptr<resp::RequestParser> stream_parser_;
  std::vector<std::unique_ptr<MasterLink>> retired_links_;  // closed; freed by the next Cron
  int64_t last_io_ms_ = 0;
  int64_t link_down_since_ms_ = 0;
  int64_t last_ack_sent_ms_ = 0;
  int64_t last_connect_try_ms_ = 0;
  uint64_t next_master_client_id_ = 1ULL << 62;

  uint64_t sync_full_ = 0;
  uint64_t sync_partial_ok_ = 0;
  uint64_t sync_partial_err_ = 0;
  uint64_t repl_input_bytes_ = 0;
  uint64_t repl_output_bytes_ = 0;
};

// INFO replication for any server (also one without a Replication, e.g. the in-process harness).
void AppendReplicationInfo(const Server& server, InfoFields* out);
// The dispatcher's replication checks (READONLY, MASTERDOWN, NOREPLICAS): the error to refuse the
// command with, or "" to run it. `flags` are the command's flags.
std::string_view ReplicationRefusal(const Server& server, const Client& client, uint32_t flags);

}  // namespace slotd
