// ClusterHost: nodes.conf, the tick and effect execution around one ClusterNode (its bus side is
// in cluster_host_bus.cc).
#include "server/cluster_host/cluster_host.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "cluster/bus/codec.h"
#include "cluster/topology/cluster_view.h"
#include "cluster/topology/describe.h"
#include "server/app/client_pause.h"
#include "server/app/file_io.h"
#include "server/cluster_host/routing_glue.h"
#include "server/log/logger.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr uint64_t kTickMs = 100;

void HostLog(LogLevel level, const std::string& text) { Log(level, "%s", text.c_str()); }

LogLevel ToLogLevel(EffectLogLevel level) {
  switch (level) {
    case EffectLogLevel::kDebug: return LogLevel::kDebug;
    case EffectLogLevel::kVerbose: return LogLevel::kVerbose;
    case EffectLogLevel::kNotice: return LogLevel::kNotice;
    case EffectLogLevel::kWarning: break;
  }
  return LogLevel::kWarning;
}

int64_t WallMs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

uint64_t RandomSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(WallMs());
}

// The whole file, or nullopt-like false when it cannot be read; `exists` tells absence apart.
bool ReadFile(const std::string& path, std::string* text, bool* exists) {
  struct stat st;
  *exists = stat(path.c_str(), &st) == 0;
  if (!*exists) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *text = buf.str();
  return true;
}

}  // namespace

ClusterHost::ClusterHost(Server& server, uv_loop_t* loop) : server_(server), loop_(loop) {}

ClusterHost::~ClusterHost() {
  if (lock_fd_ >= 0) close(lock_fd_);
  if (server_.cluster_view == view_.get() || server_.cluster_view == previous_view_.get()) {
    server_.cluster_view = nullptr;
  }
}

int64_t ClusterHost::MonotonicMs() const {
  return static_cast<int64_t>(uv_hrtime() / 1000000);
}

int64_t ClusterHost::WallNowMs() { return WallMs(); }

uint64_t ClusterHost::ReplicationOffset() const {
  if (server_.replication == nullptr) return 0;
  return static_cast<uint64_t>(server_.replication->master_repl_offset());
}

NodeOptions ClusterHost::BuildOptions() const {
  const Config& cfg = server_.config;
  NodeOptions o;
  o.node_timeout_ms = cfg.cluster_node_timeout;
  o.replica_validity_factor = cfg.cluster_replica_validity_factor;
  o.migration_barrier = cfg.cluster_migration_barrier;
  o.require_full_coverage = cfg.cluster_require_full_coverage;
  o.replica_no_failover = cfg.cluster_replica_no_failover;
  o.allow_replica_migration = cfg.cluster_allow_replica_migration;
  o.repl_ping_replica_period_ms = static_cast<int64_t>(cfg.repl_ping_replica_period) * 1000;
  int port = cfg.cluster_announce_port != 0 ? cfg.cluster_announce_port : cfg.port;
  int cport = cfg.cluster_port != 0 ? cfg.cluster_port : cfg.port + 10000;
  if (cfg.cluster_announce_bus_port != 0) cport = cfg.cluster_announce_bus_port;
  o.myself.port = static_cast<uint16_t>(port);
  o.myself.cport = static_cast<uint16_t>(cport);
  o.myself.pport = static_cast<uint16_t>(cfg.cluster_announce_tls_port);
  o.myself.hostname = cfg.cluster_announce_hostname;
  if (!cfg.cluster_announce_ip.empty()) {
    o.myself.ip = cfg.cluster_announce_ip;
    o.announce_ip = true;
  }
  return o;
}

bool ClusterHost::Start() {
  const Config& cfg = server_.config;
  config_path_ = cfg.cluster_config_file;
  NodeOptions options = BuildOptions();
  // Locked before anything is written: a second process must fail before touching the file.
  if (!LockConfig(config_path_)) return false;
  if (!LoadOrCreate(options)) return false;
  int bus_port = cfg.cluster_port != 0 ? cfg.cluster_port : cfg.port + 10000;
  std::string error;
  if (bus_port <= 0 || bus_port > 65535) {
    HostLog(LogLevel::kWarning, "Redis port number too high. Cluster communication port is 10,000 "
                                "port numbers higher than your Redis port. Your Redis port number "
                                "must be 55535 or less.");
    return false;
  }
  if (!bus_listener_.Open(loop_, cfg.bind, bus_port, cfg.tcp_backlog, OnBusAccept, this,
                          &error)) {
    HostLog(LogLevel::kWarning, error);
    return false;
  }
  server_.cluster = this;
  PublishView();
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  uv_timer_start(&timer_, OnTimer, kTickMs, kTickMs);
  timer_started_ = true;
  return true;
}

bool ClusterHost::LoadOrCreate(const NodeOptions& options) {
  std::string text;
  bool exists = false;
  if (!ReadFile(config_path_, &text, &exists)) {
    HostLog(LogLevel::kWarning, "Loading the cluster node config from " + config_path_ + ": " +
                                    std::strerror(errno));
    return false;
  }
  int64_t now = MonotonicMs();
  Outbox out;
  if (exists && !text.empty()) {
    auto restored = ClusterNode::Restore(options, text, RandomSeed(), now);
    if (!restored) {
      HostLog(LogLevel::kWarning, "Unrecoverable error: corrupted cluster config file \"" +
                                      config_path_ + "\": " + restored.error());
      return false;
    }
    node_ = std::move(restored.value());
    HostLog(LogLevel::kNotice, "Node configuration loaded, I'm " + node_->id().str());
  } else {
    node_ = std::make_unique<ClusterNode>(options, RandomSeed());
    HostLog(LogLevel::kNotice, "No cluster configuration found, I'm " + node_->id().str());
  }
  // The loaded file may lack fields a fresh save writes; a new node must record its id now.
  node_->SaveConfig(out);
  Execute(out);
  return true;
}

bool ClusterHost::LockConfig(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  if (fd < 0) {
    HostLog(LogLevel::kWarning, "Can't open " + path + " in order to acquire a lock: " +
                                    std::strerror(errno));
    return false;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      HostLog(LogLevel::kWarning,
              "Sorry, the cluster configuration file " + path +
                  " is already used by a different Redis Cluster node. Please make sure that "
                  "different nodes use different cluster configuration files.");
    } else {
      HostLog(LogLevel::kWarning, "Impossible to lock " + path + ": " + std::strerror(errno));
    }
    close(fd);
    return false;
  }
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = fd;
  return true;
}

void ClusterHost::Shutdown() {
  for (auto& [id, state] : links_) state->link->Close();
  links_.clear();
  bus_listener_.Close();
  if (timer_started_) {
    uv_timer_stop(&timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    timer_started_ = false;
  }
}

void ClusterHost::OnTimer(uv_timer_t* timer) { static_cast<ClusterHost*>(timer->data)->Tick(); }

ReplicationStatus ClusterHost::SampleReplication() {
  ReplicationStatus s;
  int64_t now = MonotonicMs();
  s.offset = ReplicationOffset();
  Replication* repl = server_.replication;
  bool up = repl != nullptr && repl->link_up();
  if (!up && (repl_was_up_ || repl_down_since_ms_ == 0)) repl_down_since_ms_ = now;
  repl_was_up_ = up;
  s.master_link_up = up;
  // The link delivers at least the master's pings every repl-ping-replica-period while up.
  s.master_last_io_ms = now;
  s.master_link_down_since_ms = repl_down_since_ms_;
  return s;
}

void ClusterHost::Tick() {
  FreeLinksOverSendLimit();
  TickInput in;
  in.now_ms = MonotonicMs();
  in.wall_ms = WallMs();
  in.repl = SampleReplication();
  Outbox out;
  node_->Tick(in, out);
  Execute(out);
}

AdminResult ClusterHost::Admin(
    const std::function<AdminResult(ClusterNode&, int64_t, Outbox&)>& call) {
  Outbox out;
  AdminResult result = call(*node_, MonotonicMs(), out);
  Execute(out);
  return result;
}

void ClusterHost::Execute(Outbox& out) {
  for (Effect& effect : out) ExecuteOne(effect);
  out.clear();
  // Immediate connect failures are reported after the effects that caused them, never inside.
  if (executing_) return;
  executing_ = true;
  while (!failed_connects_.empty()) {
    LinkId id = failed_connects_.back();
    failed_connects_.pop_back();
    Outbox more;
    node_->OnLinkDown(id, MonotonicMs(), more);
    for (Effect& effect : more) ExecuteOne(effect);
  }
  executing_ = false;
}

void ClusterHost::ExecuteOne(Effect& effect) {
  if (auto* e = std::get_if<SendEffect>(&effect)) {
    auto it = links_.find(e->link);
    if (it != links_.end()) it->second->link->Send(bus::Encode(e->msg));
  } else if (auto* e = std::get_if<ConnectEffect>(&effect)) {
    Connect(*e);
  } else if (auto* e = std::get_if<CloseLinkEffect>(&effect)) {
    CloseLink(e->link);
  } else if (auto* e = std::get_if<SaveConfigEffect>(&effect)) {
    SaveConfig(*e);
  } else if (auto* e = std::get_if<LogEffect>(&effect)) {
    HostLog(ToLogLevel(e->level), e->text);
  } else if (std::holds_alternative<TopologyChangedEffect>(effect)) {
    PublishView();
  } else if (auto* e = std::get_if<ReplicateFromEffect>(&effect)) {
    bool already = false;
    if (server_.replication != nullptr) {
      server_.replication->SetMaster(e->endpoint.ip, e->endpoint.port, nullptr, &already);
    }
  } else if (std::holds_alternative<BecomeMasterEffect>(effect)) {
    if (server_.replication != nullptr) server_.replication->UnsetMaster(nullptr);
  } else if (auto* e = std::get_if<DeleteSlotKeysEffect>(&effect)) {
    DeleteSlotKeys(e->slot);
  } else if (auto* e = std::get_if<PauseWritesEffect>(&effect)) {
    PauseWrites(e->until_ms);
  } else if (auto* e = std::get_if<DeliverPublishEffect>(&effect)) {
    if (e->shard) {
      server_.pubsub.SPublish(e->channel, e->message);
    } else {
      server_.pubsub.Publish(e->channel, e->message);
    }
  }
  // StateChangedEffect: the node logs it.
}

// Manual failover on the master: writes wait so the replica can reach our offset.
void ClusterHost::PauseWrites(int64_t until_ms) {
  if (server_.pause == nullptr) return;
  if (until_ms == 0) return server_.pause->Unpause(PausePurpose::kClusterFailover);
  server_.pause->Pause(PausePurpose::kClusterFailover, WallMs() + (until_ms - MonotonicMs()),
                       PauseKind::kWrite);
}

void ClusterHost::SaveConfig(const SaveConfigEffect& e) {
  std::string tmp = config_path_ + ".tmp-" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  bool ok = fd >= 0 && WriteAll(fd, e.text) && (!e.fsync || fsync(fd) == 0);
  if (fd >= 0) close(fd);
  ok = ok && rename(tmp.c_str(), config_path_.c_str()) == 0;
  if (ok && e.fsync) FsyncDirectoryOf(config_path_);
  if (!ok) {
    // Redis cannot continue with a config it could not persist (clusterSaveConfigOrDie).
    HostLog(LogLevel::kWarning, std::string("Fatal: can't update cluster config file: ") +
                                    std::strerror(errno));
    unlink(tmp.c_str());
    _exit(1);
  }
  // The rename replaced the locked inode: lock the new file so a second process still fails.
  if (lock_fd_ >= 0) LockConfig(config_path_);
}

void ClusterHost::DeleteSlotKeys(int slot) {
  Database& db = server_.db(0);
  std::vector<std::string> keys = db.KeysInSlot(slot, db.CountKeysInSlot(slot));
  for (const std::string& key : keys) {
    if (db.Erase(key)) server_.KeyModified(0, key);
  }
}

void ClusterHost::PublishView() {
  auto view = std::make_unique<ClusterView>(BuildClusterView(node_->state()));
  ApplyRoutingConfig(server_.config, view.get());
  previous_view_ = std::move(view_);
  view_ = std::move(view);
  server_.cluster_view = view_.get();
  RedirectBlockedClients(server_);
}

ClusterHost* StartClusterHost(Server& server, uv_loop_t* loop) {
  auto host = std::make_unique<ClusterHost>(server, loop);
  if (!host->Start()) {
    // The process exits at once; handles the loop may still reference stay allocated.
    server.cluster = nullptr;
    host.release();
    return nullptr;
  }
  return host.release();
}

void ClusterPropagatePublish(ClusterHost* host, std::string_view channel,
                             std::string_view message, bool shard) {
  if (host != nullptr) host->PropagatePublish(channel, message, shard);
}

void ClusterHost::ApplyConfig() {
  Outbox out;
  node_->UpdateOptions(BuildOptions(), MonotonicMs(), out);
  Execute(out);
  PublishView();  // preferred endpoint, full coverage and reads-when-down live in the view
}

void ClusterApplyConfig(ClusterHost* host) {
  if (host != nullptr) host->ApplyConfig();
}

void ShutdownClusterHost(ClusterHost* host) {
  if (host != nullptr) host->Shutdown();
}

void DeleteClusterHost(ClusterHost* host) {
  if (host == nullptr) return;
  host->server().cluster = nullptr;
  delete host;
}

}  // namespace slotd
