// Replication core: ids and offsets, the stream feed into the backlog and the replicas, snapshot
// aux info, the periodic duties, and the INFO/ROLE/dispatcher views of the state.
#include "server/replication/replication.h"

#include <cstdio>

#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/replication/master_link.h"
#include "server/replication/repl_util.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr std::string_view kZeroId = "0000000000000000000000000000000000000000";

// One RESP multibulk for argv (the stream carries commands as clients would send them).
void AppendCommand(std::string* out, std::span<const std::string> argv) {
  out->push_back('*');
  out->append(std::to_string(argv.size()));
  out->append("\r\n");
  for (const std::string& arg : argv) {
    out->push_back('$');
    out->append(std::to_string(arg.size()));
    out->append("\r\n");
    out->append(arg);
    out->append("\r\n");
  }
}

}  // namespace

Replication::Replication(Server& server, uv_loop_t* loop) : server_(server), loop_(loop) {
  replid_ = RandomHexId();
  replid2_ = std::string(kZeroId);
  no_replicas_since_ms_ = server_.now_ms;
  ApplyRole();
}

Replication::~Replication() {
  for (auto& db : server_.dbs) db->set_expiry_mode(nullptr);
  if (payload_fd_ >= 0) close(payload_fd_);
}

bool Replication::is_replica() const { return !server_.config.replicaof_host.empty(); }

void Replication::ApplyRole() {
  expiry_mode_ = is_replica() || expiry_paused_ ? ExpiryMode::kHide : ExpiryMode::kDelete;
  SetLogRole(is_replica() ? 'S' : 'M');
  for (auto& db : server_.dbs) db->set_expiry_mode(&expiry_mode_);
}

void Replication::SetExpiryPaused(bool paused) {
  expiry_paused_ = paused;
  if (!is_replica()) expiry_mode_ = paused ? ExpiryMode::kHide : ExpiryMode::kDelete;
}

void Replication::ResumeStream() {
  if (state_ == ReplState::kConnected && !in_.empty()) ApplyStream();
}

void Replication::Start() {
  ApplyRole();
  if (!is_replica()) return;
  state_ = ReplState::kConnect;
  ConnectToMaster();
}

void Replication::NewReplid() { replid_ = RandomHexId(); }

void Replication::ClearReplid2() {
  replid2_ = std::string(kZeroId);
  second_replid_offset_ = -1;
}

// Promotion: the old history stays valid up to the current offset under replid2.
void Replication::ShiftReplid() {
  replid2_ = replid_;
  second_replid_offset_ = master_repl_offset_ + 1;
  NewReplid();
  Log(LogLevel::kNotice,
      "Setting secondary replication ID to %s, valid up to offset: %lld. New replication ID is %s",
      replid2_.c_str(), static_cast<long long>(second_replid_offset_), replid_.c_str());
}

void Replication::CreateBacklogIfNeeded() {
  if (backlog_ != nullptr) return;
  backlog_ = std::make_unique<ReplBacklog>(static_cast<size_t>(server_.config.repl_backlog_size),
                                           master_repl_offset_);
}

void Replication::Feed(int db, std::span<const std::string> argv) {
  if (backlog_ == nullptr || is_replica()) return;
  FeedCommand(db, argv);
  command_fed_ = true;  // TakeWriteOffset gives the running command's client its WAIT offset
}

void Replication::FeedCommand(int db, std::span<const std::string> argv) {
  // A replica's sub-replicas get the exact bytes of its master's stream (ApplyStream), not these.
  if (backlog_ == nullptr || is_replica()) return;
  std::string bytes;
  if (db != slaveseldb_ && db >= 0) {
    std::string select[] = {"SELECT", std::to_string(db)};
    AppendCommand(&bytes, select);
    slaveseldb_ = db;
  }
  AppendCommand(&bytes, argv);
  FeedBytes(bytes);
}

void Replication::SetWriteOffset(Client& client) const { client.woff = master_repl_offset_; }

void Replication::FeedBytes(std::string_view bytes) {
  if (backlog_ == nullptr) return;
  backlog_->Append(bytes);
  master_repl_offset_ += static_cast<int64_t>(bytes.size());
  for (auto& entry : entries_) {
    if (entry->state == ReplicaState::kOnline && !entry->wait_first_ack) {
      WriteToReplica(*entry, bytes);
    } else if (entry->state != ReplicaState::kNotAttached) {
      entry->pending.append(bytes);
    }
  }
}

rdb::SnapshotInfo Replication::SnapshotInfoForSave() const {
  rdb::SnapshotInfo info;
  if (!is_replica()) {
    if (backlog_ == nullptr) return info;
    info.repl_stream_db = slaveseldb_ < 0 ? 0 : slaveseldb_;
  } else if (master_client_ != nullptr) {
    info.repl_stream_db = master_client_->db_index;
  } else if (have_cached_master_) {
    info.repl_stream_db = cached_db_;
  } else {
    return info;
  }
  info.repl_id = replid_;
  info.repl_offset = master_repl_offset_;
  return info;
}

rdb::SnapshotInfo Replication::SyncSnapshotInfo() const {
  rdb::SnapshotInfo info;
  info.repl_id = replid_;
  info.repl_offset = master_repl_offset_;
  if (master_client_ != nullptr) {
    info.repl_stream_db =
        master_client_->db_index;  // chained: our master's stream goes on in this db
  } else {
    info.repl_stream_db = slaveseldb_ < 0 ? 0 : slaveseldb_;
  }
  return info;
}

void Replication::OnSnapshotLoaded(const rdb::SnapshotInfo& info) {
  if (info.repl_id.size() != 40) return;
  replid_ = info.repl_id;
  master_repl_offset_ = info.repl_offset;
  cached_db_ = info.repl_stream_db;
  if (is_replica()) {
    have_cached_master_ = true;
  } else {
    // A restarted master keeps its history so that its replicas can continue (the backlog starts
    // empty).
    CreateBacklogIfNeeded();
    slaveseldb_ = -1;
    no_replicas_since_ms_ = server_.now_ms;
  }
}

void Replication::Cron() {
  int64_t now = server_.now_ms;
  retired_links_.clear();
  ServeWaiters();
  UpdateFailover();
  MaybeStartDelayedSync();
  if (now - last_second_ms_ < 1000) return;
  last_second_ms_ = now;
  ReplicaCron();
  MasterCron();
}

void Replication::BeforeSleep() {
  // Sockets drained since the last turn take more of the snapshot.
  if (forked_sync_ != nullptr) PauseOrResumeForkedSyncReads();
  StreamRdbFiles();
  if (!getack_requested_) return;
  getack_requested_ = false;
  if (is_replica()) return;
  std::string argv[] = {"REPLCONF", "GETACK", "*"};
  FeedCommand(slaveseldb_, argv);
}

void Replication::AppendInfo(InfoFields* out) const {
  auto add = [out](std::string key, std::string value) {
    out->emplace_back(std::move(key), std::move(value));
  };
  const Config& config = server_.config;
  int64_t now = server_.now_ms;
  add("role", is_replica() ? "slave" : "master");
  if (is_replica()) {
    add("master_host", config.replicaof_host);
    add("master_port", std::to_string(config.replicaof_port));
    add("master_link_status", link_up() ? "up" : "down");
    add("master_last_io_seconds_ago",
        link_up() ? std::to_string((now - last_io_ms_) / 1000) : "-1");
    add("master_sync_in_progress", state_ == ReplState::kTransfer ? "1" : "0");
    bool known = master_client_ != nullptr || have_cached_master_;
    int64_t processed = known ? master_repl_offset_ : 1;
    int64_t read = processed + (master_client_ != nullptr ? static_cast<int64_t>(in_.size()) : 0);
    add("slave_read_repl_offset", std::to_string(read));
    add("slave_repl_offset", std::to_string(processed));
    if (state_ == ReplState::kTransfer) {
      int64_t total = payload_eof_mode_ ? -1 : payload_size_;
      add("master_sync_total_bytes", std::to_string(total));
      add("master_sync_read_bytes", std::to_string(payload_read_));
      add("master_sync_left_bytes", std::to_string(total < 0 ? -1 : total - payload_read_));
      char perc[32];
      std::snprintf(
          perc, sizeof(perc), "%.2f",
          total > 0 ? static_cast<double>(payload_read_) * 100 / static_cast<double>(total) : 0.0);
      add("master_sync_perc", perc);
      add("master_sync_last_io_seconds_ago", std::to_string((now - last_io_ms_) / 1000));
    }
    if (!link_up()) {
      add("master_link_down_since_seconds",
          link_down_since_ms_ != 0 ? std::to_string((now - link_down_since_ms_) / 1000) : "-1");
    }
    add("slave_priority", std::to_string(config.replica_priority));
    add("slave_read_only", config.replica_read_only ? "1" : "0");
    add("replica_announced", config.replica_announced ? "1" : "0");
  }
  int attached = 0;
  for (const auto& entry : entries_) attached += entry->state != ReplicaState::kNotAttached;
  add("connected_slaves", std::to_string(attached));
  if (config.min_replicas_to_write > 0 && config.min_replicas_max_lag > 0) {
    add("min_slaves_good_slaves", std::to_string(good_replicas_));
  }
  int index = 0;
  for (const auto& entry : entries_) {
    if (entry->state == ReplicaState::kNotAttached) continue;
    static constexpr const char* kStates[] = {"none", "wait_bgsave", "send_bulk", "online"};
    std::string ip = entry->announce_ip;
    if (ip.empty()) ip = entry->client->addr.substr(0, entry->client->addr.rfind(':'));
    add("slave" + std::to_string(index++),
        "ip=" + ip + ",port=" + std::to_string(entry->listening_port) +
            ",state=" + kStates[static_cast<int>(entry->state)] +
            ",offset=" + std::to_string(entry->ack_offset) +
            ",lag=" + std::to_string((now - entry->ack_time_ms) / 1000));
  }
  add("master_failover_state", failover_state_name());
  add("master_replid", replid_);
  add("master_replid2", replid2_);
  add("master_repl_offset", std::to_string(master_repl_offset_));
  add("second_repl_offset", std::to_string(second_replid_offset_));
  add("repl_backlog_active", backlog_ != nullptr ? "1" : "0");
  add("repl_backlog_size", std::to_string(config.repl_backlog_size));
  add("repl_backlog_first_byte_offset",
      std::to_string(backlog_ != nullptr ? backlog_->first_byte_offset() : 0));
  add("repl_backlog_histlen", std::to_string(backlog_ != nullptr ? backlog_->histlen() : 0));
}

void Replication::ReplyRole(Client& client) const {
  resp::ReplyBuilder& reply = client.reply;
  if (!is_replica()) {
    reply.ArrayHeader(3);
    reply.Bulk("master");
    reply.Integer(master_repl_offset_);
    size_t online = 0;
    for (const auto& entry : entries_) online += entry->state == ReplicaState::kOnline;
    reply.ArrayHeader(online);
    for (const auto& entry : entries_) {
      if (entry->state != ReplicaState::kOnline) continue;
      std::string ip = entry->announce_ip;
      if (ip.empty()) ip = entry->client->addr.substr(0, entry->client->addr.rfind(':'));
      reply.ArrayHeader(3);
      reply.Bulk(ip);
      reply.Bulk(std::to_string(entry->listening_port));
      reply.Bulk(std::to_string(entry->ack_offset));
    }
    return;
  }
  static constexpr const char* kNames[] = {"none",      "connect", "connecting",
                                           "handshake", "sync",    "connected"};
  reply.ArrayHeader(5);
  reply.Bulk("slave");
  reply.Bulk(server_.config.replicaof_host);
  reply.Integer(server_.config.replicaof_port);
  reply.Bulk(kNames[static_cast<int>(state_)]);
  reply.Integer(master_client_ != nullptr ? master_repl_offset_ : -1);
}

void AppendReplicationInfo(const Server& server, InfoFields* out) {
  if (server.replication != nullptr) {
    server.replication->AppendInfo(out);
    return;
  }
  // No replication subsystem (in-process harness): an idle master, or a replica that never
  // connected.
  const Config& config = server.config;
  bool replica = !config.replicaof_host.empty();
  out->emplace_back("role", replica ? "slave" : "master");
  if (replica) {
    out->emplace_back("master_host", config.replicaof_host);
    out->emplace_back("master_port", std::to_string(config.replicaof_port));
    out->emplace_back("master_link_status", "down");
    out->emplace_back("master_last_io_seconds_ago", "-1");
    out->emplace_back("master_sync_in_progress", "0");
    out->emplace_back("slave_read_repl_offset", "1");
    out->emplace_back("slave_repl_offset", "1");
    out->emplace_back("master_link_down_since_seconds", "-1");
    out->emplace_back("slave_priority", std::to_string(config.replica_priority));
    out->emplace_back("slave_read_only", config.replica_read_only ? "1" : "0");
    out->emplace_back("replica_announced", config.replica_announced ? "1" : "0");
  }
  out->emplace_back("connected_slaves", "0");
  out->emplace_back("master_failover_state", "no-failover");
  out->emplace_back("master_replid", server.run_id);
  out->emplace_back("master_replid2", std::string(kZeroId));
  out->emplace_back("master_repl_offset", "0");
  out->emplace_back("second_repl_offset", "-1");
  out->emplace_back("repl_backlog_active", "0");
  out->emplace_back("repl_backlog_size", std::to_string(config.repl_backlog_size));
  out->emplace_back("repl_backlog_first_byte_offset", "0");
  out->emplace_back("repl_backlog_histlen", "0");
}

std::string_view ReplicationRefusal(const Server& server, const Client& client, uint32_t flags) {
  if (client.is_master) return {};  // the master's stream always applies
  const Config& config = server.config;
  bool replica = !config.replicaof_host.empty();
  const Replication* repl = server.replication;
  if (replica && !config.replica_serve_stale_data && !(flags & kCmdStale) &&
      (repl == nullptr || !repl->link_up())) {
    return errors::kMasterDown;
  }
  if (!(flags & kCmdWrite)) return {};
  if (replica && config.replica_read_only) return errors::kReadOnlyReplica;
  if (!replica && config.min_replicas_to_write > 0 && config.min_replicas_max_lag > 0 &&
      (repl == nullptr || repl->good_replicas() < config.min_replicas_to_write)) {
    return errors::kNoReplicas;
  }
  return {};
}

}  // namespace slotd
