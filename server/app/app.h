// The process: owns the libuv loop, the listener, the Server state and the connections; runs the periodic
// tasks (active expiry, blocked-client and idle timeouts) and the shutdown and crash paths.
#pragma once
#include <uv.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_set>

#include "server/app/client_pause.h"
#include "server/app/server.h"
#include "server/config/config_loader.h"
#include "server/net/listener.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "server/replication/replication.h"

namespace slotd {

class Connection;

class App {
 public:
  App(Config config, std::string config_file);
  ~App();

  // Binds, serves until shutdown, returns the process exit code.
  int Run();
  // Sentinel mode (before Run): no persistence or replication; the sentinel host runs instead.
  void SetSentinelMode(std::vector<SentinelDirective> directives);
  bool sentinel_mode() const { return sentinel_mode_; }

  Server& server() { return server_; }
  uv_loop_t* loop() { return &loop_; }
  int bound_port() const { return listener_.bound_port(); }

  // Connection lifecycle and output scheduling (used by Connection).
  void OnConnectionClosed(Connection* connection);
  void ScheduleFlush(Client& client);
  void RefreshClock();
  // True while replies must wait: commands they answer are not in the AOF yet (written before sleeping).
  bool HoldReplies() const { return aof_ != nullptr && aof_->HasPendingWrite(); }

 private:
  static void OnAccept(uv_stream_t* server, int status);
  static void OnCron(uv_timer_t* timer);
  static void OnBeforeSleep(uv_prepare_t* prepare);
  static void OnSignal(uv_signal_t* signal, int signum);
  bool ApplyConfigChange(std::string_view option, std::string* error);
  void Cron();
  void CloseIdleClients();
  void ActiveExpire();
  void FlushPending();
  void BeginShutdown();
  void CrashNow();

  uv_loop_t loop_;
  Server server_;
  Listener listener_;
  uv_timer_t cron_timer_;
  uv_prepare_t before_sleep_;
  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  ChildProcess child_;      // BGSAVE / AOF rewrite / full-sync child (server_.child points here)
  std::unique_ptr<Snapshots> snapshots_;  // server_.snapshots
  std::unique_ptr<Aof> aof_;              // server_.aof
  std::unique_ptr<Replication> replication_;  // server_.replication
  std::unique_ptr<ClientPause> pause_;         // server_.pause
  ClusterHost* cluster_host_ = nullptr;        // server_.cluster (cluster-enabled yes)
  bool sentinel_mode_ = false;
  std::vector<SentinelDirective> sentinel_directives_;
  std::unique_ptr<SentinelHost> sentinel_host_;  // server_.sentinel (sentinel mode)
  std::map<uint64_t, Connection*> connections_;
  std::unordered_set<Client*> pending_flush_;
  uint64_t next_client_id_ = 1;
  bool stopping_ = false;
};

}  // namespace slotd
