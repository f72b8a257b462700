// The process-wide server state every command can reach: configuration, the command table, the databases,
// the connected clients, pub/sub, statistics, and the cross-cutting hooks (key modified, blocking,
// flushing replies). Owned by App (server/app/app.h), which wires it to libuv; nothing here does I/O itself.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/app/client.h"
#include "server/app/stats.h"
#include "server/app/tracking.h"
#include "server/commands/command_table.h"
#include "server/commands/slowlog.h"
#include "server/config/config.h"
#include "server/keyspace/database.h"
#include "server/keyspace/eviction.h"
#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/pubsub.h"

namespace slotd {

class ChildProcess;  // server/persistence/child_process.h: the one forked child (BGSAVE, AOF rewrite, sync)
class Snapshots;     // server/persistence/snapshots.h: SAVE/BGSAVE, save points, load at start-up
class Aof;           // server/persistence/aof/aof.h: append-only file
class Replication;   // server/replication/replication.h: master and replica sides of PSYNC
struct ClusterView;  // cluster/topology/cluster_view.h: slot owners for routing (cluster mode)
class ClusterHost;   // server/cluster_host/cluster_host.h: the bus and the CLUSTER commands
class SentinelHost;  // server/sentinel_host/sentinel_host.h: sentinel mode (links, SENTINEL commands)
class ClientPause;   // server/app/client_pause.h: CLIENT PAUSE / FAILOVER / manual cluster failover

class Server {
 public:
  explicit Server(Config config);
  ~Server();

  Config config;
  std::string config_file;  // absolute path of the loaded config file, "" when none
  CommandTable commands;
  std::vector<std::unique_ptr<Database>> dbs;
  PubSub pubsub;
  ServerStats stats;
  std::map<uint64_t, Client*> clients;  // by id, ascending (CLIENT LIST order)
  std::vector<Client*> monitors;        // clients that ran MONITOR, fed by the dispatcher
  Evictor evictor;                      // maxmemory-policy, run before commands when maxmemory is set
  Tracking tracking{*this};             // CLIENT TRACKING (server/app/tracking.h)
  Client* current_client = nullptr;     // the client whose command is executing, if any

  int64_t now_ms = 0;          // cached wall-clock ms, refreshed before each command
  int64_t start_time_ms = 0;
  uint64_t dirty = 0;          // changes since the last save
  std::string run_id;          // 40 hex chars
  std::string executable;      // argv[0], absolute when known
  bool cluster_mode() const { return config.cluster_enabled; }
  bool shutdown_requested = false;
  int shutdown_exit_code = 0;
  bool crash_requested = false;  // DEBUG SEGFAULT
  // SHUTDOWN's options (commands/server_commands.cc), read by App when shutdown_requested is set.
  struct ShutdownOptions {
    bool save = false;    // SAVE: save even without save points
    bool nosave = false;  // NOSAVE: do not save even with save points
    bool now = false;     // NOW: do not wait for lagging replicas
    bool force = false;   // FORCE: exit even if saving fails
  } shutdown_options;
  Slowlog slowlog;          // SLOWLOG (commands/slowlog.h), fed by SlowlogRecord()
  LatencyMonitor latency;   // LATENCY events, fed by SlowlogRecord()

  Database& db(int index) { return *dbs[static_cast<size_t>(index)]; }

  // Called by every write to `key` (Redis's signalModifiedKey): WATCH invalidation and waking blocked
  // clients. Also counts one change toward `dirty`.
  void KeyModified(int db, std::string_view key);
  // Keyspace notifications (Redis's notifyKeyspaceEvent): publishes `event` about `key` when
  // notify-keyspace-events enables `event_class` (a notify::Class). One test when they are off.
  void Notify(uint32_t event_class, std::string_view event, std::string_view key, int db) {
    if ((config.notify_keyspace_events & event_class) != 0) {
      notify::Publish(pubsub, config.notify_keyspace_events, event, key, db);
    }
  }
  // FLUSHDB/FLUSHALL (call before emptying) and SWAPDB (after swapping, other_db = the partner): watchers
  // of keys that exist in that db (all dbs with db = -1) or in other_db become dirty. Without other_db,
  // tracking clients are told to drop everything.
  void DatabaseModified(int db, int other_db = -1);

  // WATCH bookkeeping (server/tx/watch.cc).
  void Watch(Client& client, int db, std::string_view key);
  void UnwatchAll(Client& client);

  // Blocking (server/app/blocking.cc). The client's command will re-run when one of `keys` is modified,
  // in FIFO order among clients blocked on that key; at `deadline_ms` (0 = never) it gets the timeout reply.
  void BlockClient(Client& client, std::span<const std::string_view> argv, std::span<const std::string_view> keys,
                   int64_t deadline_ms, BlockTimeoutReply timeout_reply);
  void UnblockClient(Client& client, bool timed_out);
  // Re-runs commands of clients blocked on keys that were modified. Called after each command.
  void ServeReadyKeys();
  // Treats every key clients are blocked on in `db` as modified (SWAPDB).
  void WakeBlockedInDb(int db);
  // Times out blocked clients whose deadline passed. Called from the timer.
  void TimeoutBlockedClients();
  size_t blocked_clients() const { return blocked_count_; }

  // Marks a client's output for flushing after the current batch (set by App).
  std::function<void(Client&)> schedule_flush;
  // Closes a client after its pending output is written (CLIENT KILL, protocol errors).
  std::function<void(Client&)> close_client;
  // Executes argv on behalf of `client` (re-running blocked commands, EXEC). Set by App.
  std::function<void(Client&, std::span<const std::string_view>)> execute;
  // CONFIG SET calls this once per option whose value changed (canonical name, e.g. "maxclients") after
  // `config` holds the new values. Returning false (with a reason) makes CONFIG SET restore the old values,
  // call it again for them, and fail. Unset = nothing to apply.
  std::function<bool(std::string_view option, std::string* error)> on_config_change;

  // Where a propagated command goes (Redis's PROPAGATE_AOF / PROPAGATE_REPL flags).
  enum PropagationTarget : uint8_t { kToAof = 1, kToReplicas = 2, kToAofAndReplicas = 3 };
  // Replication/AOF feed (Redis propagate()): every command stream entry with the db it applies to and
  // its targets; the consumer emits SELECT when the db changes. Unset = nothing is recorded (no cost on
  // the hot path).
  std::function<void(int db, std::span<const std::string> argv, PropagationTarget to)> on_propagate;
  // Whether anything consumes `to` now (Redis's shouldPropagate): checked before argv is copied, so a
  // server without AOF or replicas pays nothing per write. Unset = always (in-process harnesses).
  std::function<bool(PropagationTarget to)> propagation_wanted;
  // Queues argv for propagation when the outermost command finishes (Redis alsoPropagate); more than one
  // queued entry is wrapped in MULTI ... EXEC (to both targets) then. No-op without on_propagate.
  void AlsoPropagate(int db, std::span<const std::string_view> argv,
                     PropagationTarget to = kToAofAndReplicas);
  // Emits argv at once, outside any wrapping (lazy/active expiry and eviction DELs).
  void PropagateNow(int db, std::span<const std::string_view> argv);
  // Emits the queued entries (called by the dispatcher when the outermost command returns).
  void FlushPropagation();
  int execution_depth = 0;  // nesting of Execute() (EXEC runs its queue at depth 2)

  // Subsystems owned by App (null when absent, e.g. in the in-process command harness). Commands reach
  // them through these pointers; nothing here owns them.
  ChildProcess* child = nullptr;
  Snapshots* snapshots = nullptr;
  Aof* aof = nullptr;
  Replication* replication = nullptr;
  ClusterHost* cluster = nullptr;
  const ClusterView* cluster_view = nullptr;  // current slot map; null outside cluster mode
  SentinelHost* sentinel = nullptr;           // set only in sentinel mode
  ClientPause* pause = nullptr;               // write/all pauses; null in harnesses without it

  // The memory figure used for INFO used_memory and maxmemory (allocator statistics).
  size_t UsedMemory() const;
  // Evicts keys by maxmemory-policy when over maxmemory; false when still over the limit (-OOM).
  bool EnforceMaxmemory();
  // Lists a new client (CLIENT LIST and KILL, tracking redirections) and counts its error replies in INFO
  // errorstats. Connections and the replication master's client all come through here.
  void RegisterClient(Client& client);
  // Drops a disconnecting client from every registry (blocking, WATCH, pub/sub, MONITOR, tracking).
  void ForgetClient(Client& client);

 private:
  // Marks every client watching `key` in `db` so its EXEC fails.
  void TouchWatchers(int db, std::string_view key);
  void RemoveFromBlockedKeys(Client& client);
  void PropagateDel(int db, std::string_view key);

  using ClientsByKey = std::map<std::string, std::vector<Client*>, std::less<>>;
  std::vector<ClientsByKey> blocked_keys_;  // per db: clients blocked on a key, FIFO
  std::vector<ClientsByKey> watchers_;      // per db: clients watching a key
  std::vector<std::pair<int, std::string>> ready_keys_;
  size_t blocked_count_ = 0;
  struct PendingPropagation {
    int db;
    std::vector<std::string> argv;
    PropagationTarget to;
  };
  std::vector<PendingPropagation> pending_propagation_;
};

}  // namespace slotd
