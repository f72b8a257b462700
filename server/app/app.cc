#include "server/app/app.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "server/app/crash_report.h"
#include "server/cluster_host/cluster_host_start.h"
#include "server/cluster_host/routing_glue.h"
#include "server/commands/arg_parse.h"
#include "server/commands/dispatcher.h"
#include "server/commands/families.h"
#include "server/commands/migrate_socket.h"
#include "server/log/logger.h"
#include "server/net/connection.h"
#include "server/resp/errors.h"
#include "server/sentinel_host/sentinel_host.h"

namespace slotd {
namespace {

int64_t WallClockMs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

App::App(Config config, std::string config_file) : server_(std::move(config)) {
  server_.config_file = std::move(config_file);
  uv_loop_init(&loop_);
  RefreshClock();
  server_.start_time_ms = server_.now_ms;
  server_.child = &child_;
  snapshots_ = std::make_unique<Snapshots>(server_, child_);
  server_.snapshots = snapshots_.get();
  aof_ = std::make_unique<Aof>(server_, child_);
  server_.aof = aof_.get();
  replication_ = std::make_unique<Replication>(server_, &loop_);
  server_.replication = replication_.get();
  pause_ = std::make_unique<ClientPause>(server_);
  server_.pause = pause_.get();
  snapshots_->set_info_provider([this] { return replication_->SnapshotInfoForSave(); });
  // The propagation feed fans out to every consumer of the command stream.
  server_.on_propagate = [this](int db, std::span<const std::string> argv,
                                Server::PropagationTarget to) {
    if (aof_->enabled() && (to & Server::kToAof) != 0) aof_->Feed(db, argv);
    if ((to & Server::kToReplicas) != 0) replication_->Feed(db, argv);
  };
  server_.propagation_wanted = [this](Server::PropagationTarget to) {
    return ((to & Server::kToAof) != 0 && aof_->enabled()) ||
           ((to & Server::kToReplicas) != 0 && replication_->FeedsReplicas());
  };
  server_.schedule_flush = [this](Client& c) { ScheduleFlush(c); };
  server_.pubsub.on_output = [this](Client& c) { ScheduleFlush(c); };
  server_.close_client = [this](Client& c) {
    if (c.connection() != nullptr) c.connection()->Close(true);
    if (c.is_master) replication_->KillMasterLink();  // the master client has no connection of its own
  };
  server_.on_config_change = [this](std::string_view option, std::string* error) {
    return ApplyConfigChange(option, error);
  };
  server_.execute = [this](Client& c, std::span<const std::string_view> args) {
    const CommandSpec* spec = ResolveCommand(server_, c, args);
    if (spec != nullptr) Execute(server_, c, *spec, args, false);
    ScheduleFlush(c);
  };
}

App::~App() {
  sentinel_host_.reset();
  DeleteClusterHost(cluster_host_);
  uv_loop_close(&loop_);
}

void App::RefreshClock() { server_.now_ms = WallClockMs(); }

void App::SetSentinelMode(std::vector<SentinelDirective> directives) {
  sentinel_mode_ = true;
  sentinel_directives_ = std::move(directives);
  server_.config.save.clear();  // a sentinel keeps no data set: no dump.rdb, no AOF
  server_.config.appendonly = false;
  // Only redis-sentinel's commands exist in this mode (server/commands/sentinel_mode_commands.cc).
  server_.commands = CommandTable();
  RegisterSentinelModeCommands(server_.commands);
}

int App::Run() {
  const Config& cfg = server_.config;
  std::string error;
  if (!listener_.Open(&loop_, cfg.bind, cfg.port, cfg.tcp_backlog, OnAccept, this, &error)) {
    Log(LogLevel::kWarning, "%s", error.c_str());
    return 1;
  }
  const char* mode = sentinel_mode_ ? "sentinel" : cfg.cluster_enabled ? "cluster" : "standalone";
  Log(LogLevel::kNotice, "Running mode=%s, port=%d.", mode, listener_.bound_port());
  Log(LogLevel::kNotice, "Server initialized");
  // Redis works inside `dir`: relative files (nodes.conf, temp files) live there.
  if (chdir(cfg.dir.c_str()) != 0) {
    Log(LogLevel::kWarning, "Can't chdir to '%s': %s", cfg.dir.c_str(), std::strerror(errno));
    return 1;
  }
  if (sentinel_mode_) {
    sentinel_host_ = StartSentinelHost(server_, &loop_, sentinel_directives_, &error);
    if (sentinel_host_ == nullptr) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
  }
  // nodes.conf (in `dir`) and the cluster bus come before the data set, as in Redis's initServer.
  if (cfg.cluster_enabled) {
    cluster_host_ = StartClusterHost(server_, &loop_);
    if (cluster_host_ == nullptr) return 1;
  }
  // A corrupt or truncated dump.rdb stops the start-up, and the file is left as it was.
  if (!cfg.appendonly && !sentinel_mode_) {
    auto loaded = snapshots_->LoadAtStartup();
    if (!loaded) return 1;
    replication_->OnSnapshotLoaded(loaded->info);  // a replica continues from the saved offset
  }
  // With appendonly yes the AOF is the data source (it has priority over dump.rdb, as in Redis).
  if (!aof_->Start()) return 1;
  Log(LogLevel::kNotice, "Ready to accept connections tcp");
  if (!sentinel_mode_) replication_->Start();

  uv_timer_init(&loop_, &cron_timer_);
  cron_timer_.data = this;
  uint64_t period_ms = static_cast<uint64_t>(1000 / (cfg.hz > 0 ? cfg.hz : 10));
  uv_timer_start(&cron_timer_, OnCron, period_ms, period_ms);
  uv_prepare_init(&loop_, &before_sleep_);
  before_sleep_.data = this;
  uv_prepare_start(&before_sleep_, OnBeforeSleep);
  uv_signal_init(&loop_, &sigterm_);
  sigterm_.data = this;
  uv_signal_start(&sigterm_, OnSignal, SIGTERM);
  uv_signal_init(&loop_, &sigint_);
  sigint_.data = this;
  uv_signal_start(&sigint_, OnSignal, SIGINT);

  uv_run(&loop_, UV_RUN_DEFAULT);
  return server_.shutdown_exit_code;
}

bool App::ApplyConfigChange(std::string_view option, std::string* error) {
  const Config& cfg = server_.config;
  if (option == "hz") {
    uint64_t period_ms = static_cast<uint64_t>(1000 / (cfg.hz > 0 ? cfg.hz : 10));
    if (uv_is_active(reinterpret_cast<uv_handle_t*>(&cron_timer_))) uv_timer_set_repeat(&cron_timer_, period_ms);
  } else if (option == "appendonly") {
    return aof_->ApplyAppendonly(error);
  } else if (option == "dir") {
    if (chdir(cfg.dir.c_str()) != 0) {
      *error = std::strerror(errno);
      return false;
    }
  } else if (option == "port" || option == "bind") {
    // Bind the new addresses first; keep the old sockets if that fails (as Redis's changeListener does).
    Listener fresh;
    if (!fresh.Open(&loop_, cfg.bind, cfg.port, cfg.tcp_backlog, OnAccept, this, error)) return false;
    listener_.Close();
    listener_ = std::move(fresh);
  } else if (option.starts_with("cluster-") || option == "repl-ping-replica-period") {
    ClusterApplyConfig(server_.cluster);  // no-op outside cluster mode
  }
  return true;  // other options are read live where they are used
}

void App::OnAccept(uv_stream_t* listener, int status) {
  App* app = static_cast<App*>(listener->data);
  if (status < 0) return;
  uint64_t id = app->next_client_id_++;
  auto* connection = new Connection(*app, id);
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(connection->handle())) != 0) {
    connection->Close(false);
    return;
  }
  ++app->server_.stats.total_connections_received;
  app->connections_[id] = connection;
  app->server_.RegisterClient(connection->client());
  if (static_cast<int64_t>(app->server_.clients.size()) > app->server_.config.maxclients) {
    ++app->server_.stats.rejected_connections;
    connection->client().reply.Error(errors::kMaxClients);
    connection->Close(true);
    return;
  }
  connection->Start();
}

void App::OnConnectionClosed(Connection* connection) {
  Client& c = connection->client();
  replication_->OnClientClosed(c);
  server_.ForgetClient(c);
  connections_.erase(c.id());
  pending_flush_.erase(&c);
}

void App::ScheduleFlush(Client& client) { pending_flush_.insert(&client); }

void App::FlushPending() {
  // Replies go out only after the AOF holds (and, with appendfsync always, has synced) what they confirm.
  aof_->Flush();
  if (pending_flush_.empty()) return;
  std::unordered_set<Client*> pending;
  pending.swap(pending_flush_);
  for (Client* c : pending) {
    Connection* connection = c->connection();
    if (connection == nullptr) continue;
    // A client that was just unblocked may have pipelined requests waiting behind the blocking one.
    if (!c->blocked && connection->query_buffer_size() > 0) {
      connection->ProcessInput();
      aof_->Flush();
    }
    connection->Flush();
  }
}

void App::OnBeforeSleep(uv_prepare_t* prepare) {
  App* app = static_cast<App*>(prepare->data);
  app->pause_->BeforeSleep();  // commands a finished pause postponed run first, in arrival order
  app->replication_->BeforeSleep();
  app->server_.tracking.BroadcastCollected();  // BCAST clients: this iteration's keys, in one message
  app->FlushPending();
  if (app->server_.crash_requested) app->CrashNow();
  if (app->server_.shutdown_requested && !app->stopping_) app->BeginShutdown();
}

void App::OnCron(uv_timer_t* timer) { static_cast<App*>(timer->data)->Cron(); }

void App::Cron() {
  RefreshClock();
  child_.Poll();
  if (!sentinel_mode_) {  // a sentinel keeps no data set and replicates nothing
    snapshots_->Cron();
    aof_->Cron();
    replication_->Cron();
  }
  pause_->Cron();
  server_.TimeoutBlockedClients();
  RedirectBlockedClients(server_);         // cluster mode: waiters on slots no longer served here
  CloseIdleMigrateSockets(server_.now_ms);  // MIGRATE's cached connections idle for 10 s
  CloseIdleClients();
  if (server_.config.active_expire_enabled) ActiveExpire();
  // Also when idle, so a lowered tracking-table-max-keys takes effect without traffic.
  if (server_.tracking.clients() > 0) server_.tracking.EnforceTableLimit();
  FlushPending();
}

void App::CloseIdleClients() {
  int64_t timeout_s = server_.config.timeout;
  if (timeout_s <= 0) return;
  std::vector<Connection*> idle;
  for (auto& [id, connection] : connections_) {
    Client& c = connection->client();
    if (c.blocked || c.is_replica || c.is_master || c.subscription_count() > 0) continue;
    if (server_.now_ms - c.last_interaction_ms > timeout_s * 1000) idle.push_back(connection);
  }
  for (Connection* connection : idle) {
    Log(LogLevel::kVerbose, "Closing idle client");
    connection->Close(false);
  }
}

// Redis's slow expire cycle: at most 25% of each tick's time goes to deleting expired keys.
void App::ActiveExpire() {
  int hz = server_.config.hz > 0 ? server_.config.hz : 10;
  int64_t budget_us = 25 * 1000000 / hz / 100;
  int64_t deadline = MonotonicUs() + budget_us;
  auto keep_going = [deadline] { return MonotonicUs() < deadline; };
  for (auto& db : server_.dbs) {
    if (db->expires_size() == 0) continue;
    db->ActiveExpireCycle(keep_going);
    if (!keep_going()) break;
  }
}

void App::OnSignal(uv_signal_t* signal, int signum) {
  App* app = static_cast<App*>(signal->data);
  Log(LogLevel::kWarning, "Received %s scheduling shutdown...", signum == SIGINT ? "SIGINT" : "SIGTERM");
  if (app->stopping_) return;
  // A failed final save keeps the server running (the reason is logged), as Redis does.
  if (!app->snapshots_->PrepareForShutdown(false, false, false)) return;
  app->server_.shutdown_requested = true;
  app->BeginShutdown();
}

void App::BeginShutdown() {
  if (stopping_) return;
  stopping_ = true;  // "User requested shutdown..." was logged by Snapshots::PrepareForShutdown
  aof_->Shutdown();
  replication_->Shutdown();
  ShutdownClusterHost(cluster_host_);
  if (sentinel_host_ != nullptr) sentinel_host_->Shutdown();
  std::vector<Connection*> all;
  for (auto& [id, connection] : connections_) all.push_back(connection);
  for (Connection* connection : all) connection->Close(false);
  listener_.Close();
  uv_timer_stop(&cron_timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&cron_timer_), nullptr);
  uv_prepare_stop(&before_sleep_);
  uv_close(reinterpret_cast<uv_handle_t*>(&before_sleep_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  if (!server_.config.pidfile.empty()) unlink(server_.config.pidfile.c_str());
  Log(LogLevel::kWarning, "slotd is now ready to exit, bye bye...");
}

void App::CrashNow() {
  Log(LogLevel::kWarning, "DEBUG SEGFAULT requested: crashing with SIGSEGV");
  TriggerSegfault();
}

}  // namespace slotd
