// The replica's half of replication: REPLICAOF, the link to the master, the handshake, then (after
// the RDB transfer in replica_transfer.cc) applying the master's stream as the master client,
// counting every applied byte, and forwarding the same bytes to our own backlog and sub-replicas.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/app/client_pause.h"
#include "server/app/server.h"
#include "server/commands/dispatcher.h"
#include "server/log/logger.h"
#include "server/persistence/snapshots.h"
#include "server/replication/master_link.h"
#include "server/replication/repl_util.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr size_t kMaxHandshakeLine = 64 * 1024;

std::string ClientDescription(const Client* by) {
  if (by == nullptr) return "config";
  return "id=" + std::to_string(by->id()) + " addr=" + by->addr + " laddr=" + by->laddr +
         " fd=" + std::to_string(by->fd) + " name=" + by->name;
}

void LogLines(LogLevel level, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    Log(level, "%.*s", static_cast<int>(end - start), text.data() + start);
    start = end + 1;
  }
}

}  // namespace

bool Replication::SetMaster(const std::string& host, int port, const Client* by, bool* already) {
  Config& config = server_.config;
  *already = is_replica() && config.replicaof_host == host && config.replicaof_port == port;
  if (*already) return true;
  Log(LogLevel::kNotice, "REPLICAOF %s:%d enabled (user request from '%s')", host.c_str(), port,
      ClientDescription(by).c_str());
  BecomeReplicaOf(host, port);
  return true;
}

// replicationSetMaster: also the master's step in a FAILOVER.
void Replication::BecomeReplicaOf(const std::string& host, int port) {
  Config& config = server_.config;
  bool was_master = !is_replica();
  if (!was_master) DropLink(true);
  config.replicaof_host = host;
  config.replicaof_port = port;
  if (was_master) {
    // Our own history is what we will ask the new master to continue
    // (replicationCacheMasterUsingMyself).
    have_cached_master_ = true;
    cached_db_ = slaveseldb_ < 0 ? 0 : slaveseldb_;
  }
  ApplyRole();
  state_ = ReplState::kConnect;
  ConnectToMaster();
}

void Replication::UnsetMaster(const Client* by) {
  if (!is_replica()) return;
  DropLink(false);
  server_.config.replicaof_host.clear();
  server_.config.replicaof_port = 0;
  state_ = ReplState::kNone;
  ShiftReplid();
  CreateBacklogIfNeeded();
  DisconnectReplicas();  // they reconnect and continue through replid2
  slaveseldb_ = -1;
  no_replicas_since_ms_ = server_.now_ms;
  ApplyRole();
  Log(LogLevel::kNotice, "MASTER MODE enabled (user request from '%s')",
      ClientDescription(by).c_str());
}

void Replication::ConnectToMaster(bool reconnect) {
  const Config& config = server_.config;
  last_connect_try_ms_ = server_.now_ms;
  Log(LogLevel::kNotice, "%s to MASTER %s:%d", reconnect ? "Reconnecting" : "Connecting",
      config.replicaof_host.c_str(), config.replicaof_port);
  link_ =
      std::make_unique<MasterLink>(loop_, MasterLink::Callbacks{
                                              [this](int status) { OnLinkConnected(status); },
                                              [this](std::string_view bytes) { OnLinkData(bytes); },
                                              [this] { OnLinkClosed(); },
                                          });
  std::string error;
  if (!link_->Connect(config.replicaof_host, config.replicaof_port, &error)) {
    Log(LogLevel::kWarning, "Unable to connect to MASTER: %s", error.c_str());
    link_.reset();
    state_ = ReplState::kConnect;
    return;
  }
  state_ = ReplState::kConnecting;
  last_io_ms_ = server_.now_ms;
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync started");
}

void Replication::OnLinkConnected(int status) {
  if (status != 0) {
    Log(LogLevel::kWarning, "Error condition on socket for SYNC: %s", uv_strerror(status));
    DropLink(false);
    return;
  }
  Log(LogLevel::kNotice, "Non blocking connect for SYNC fired the event.");
  const Config& config = server_.config;
  HandshakeOptions options;
  options.masteruser = config.masteruser;
  options.masterauth = config.masterauth;
  options.listening_port =
      config.replica_announce_port != 0 ? config.replica_announce_port : config.port;
  options.announce_ip = config.replica_announce_ip;
  if (have_cached_master_) {
    options.psync_replid = replid_;
    options.psync_offset = master_repl_offset_ + 1;
  }
  options.failover = failover_state_ == FailoverState::kInProgress;
  handshake_ = std::make_unique<ReplicaHandshake>(std::move(options));
  state_ = ReplState::kHandshake;
  last_io_ms_ = server_.now_ms;
  SendToMaster(handshake_->Start());
}

void Replication::OnLinkData(std::string_view bytes) {
  last_io_ms_ = server_.now_ms;
  repl_input_bytes_ += bytes.size();
  in_.append(bytes);
  if (state_ == ReplState::kHandshake) {
    ProcessHandshake();
  } else if (state_ == ReplState::kTransfer) {
    ProcessTransfer();
  } else if (state_ == ReplState::kConnected) {
    ApplyStream();
  }
}

void Replication::KillMasterLink() {
  if (state_ != ReplState::kConnected) return;
  OnLinkClosed();
}

void Replication::OnLinkClosed() {
  bool was_connected = state_ == ReplState::kConnected;
  if (was_connected) {
    Log(LogLevel::kNotice, "Connection with master lost.");
    Log(LogLevel::kNotice, "Caching the disconnected master state.");
  } else if (state_ == ReplState::kTransfer) {
    Log(LogLevel::kWarning, "I/O error trying to sync with MASTER: connection lost");
  } else {
    Log(LogLevel::kWarning, "Master closed the connection during the handshake");
  }
  DropLink(true);
  // Reconnect at once rather than at the next cron: waiting risks the master's backlog moving on.
  if (was_connected && is_replica()) ConnectToMaster(true);
}

void Replication::SendToMaster(std::string bytes) {
  if (link_ != nullptr) link_->Write(std::move(bytes));
}

void Replication::DropLink(bool cache) {
  bool was_connected = state_ == ReplState::kConnected;
  if (link_ != nullptr) {
    link_->Close();
    retired_links_.push_back(std::move(link_));
  }
  if (master_client_ != nullptr) {
    cached_db_ = master_client_->db_index;
    if (cache) have_cached_master_ = true;
    server_.ForgetClient(*master_client_);
    master_client_.reset();
  }
  handshake_.reset();
  stream_parser_.reset();
  in_.clear();
  if (payload_fd_ >= 0) {
    close(payload_fd_);
    payload_fd_ = -1;
    unlink(payload_path_.c_str());
  }
  payload_header_read_ = false;
  payload_in_memory_ = false;
  std::string().swap(payload_mem_);
  if (was_connected || link_down_since_ms_ == 0) link_down_since_ms_ = server_.now_ms;
  state_ = is_replica() ? ReplState::kConnect : ReplState::kNone;
}

void Replication::Shutdown() {
  bool replica = is_replica();
  DropLink(true);
  retired_links_.clear();
  state_ = replica ? ReplState::kConnect : ReplState::kNone;
  forked_sync_.reset();
}

void Replication::ProcessHandshake() {
  while (state_ == ReplState::kHandshake) {
    size_t newline = in_.find('\n');
    if (newline == std::string::npos) {
      if (in_.size() > kMaxHandshakeLine) DropLink(false);
      return;
    }
    std::string line = in_.substr(0, newline);
    in_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    HandshakeResult r = handshake_->OnReply(line);
    bool failed = r.action == HandshakeAction::kError || r.action == HandshakeAction::kRetryLater;
    if (!r.message.empty()) LogLines(failed ? LogLevel::kWarning : LogLevel::kNotice, r.message);
    // A FAILOVER handover ends with the target's answer to PSYNC ... FAILOVER (a full resync is
    // unusual but fine); anything else puts us back in charge.
    if (failover_state_ == FailoverState::kInProgress && r.action != HandshakeAction::kWait &&
        r.action != HandshakeAction::kSend) {
      bool accepted =
          r.action == HandshakeAction::kContinue || r.action == HandshakeAction::kFullResync;
      OnFailoverPsync(accepted);
      if (!accepted) return;
    }
    switch (r.action) {
      case HandshakeAction::kWait:
        break;
      case HandshakeAction::kSend:
        SendToMaster(std::move(r.bytes));
        break;
      case HandshakeAction::kFullResync:
      case HandshakeAction::kSyncFallback:
        if (r.action == HandshakeAction::kSyncFallback) SendToMaster(std::move(r.bytes));
        pending_replid_ = r.replid.empty() ? "?" : r.replid;
        pending_offset_ = r.offset < 0 ? 0 : r.offset;
        state_ = ReplState::kTransfer;
        payload_header_read_ = false;
        ProcessTransfer();
        return;
      case HandshakeAction::kContinue:
        Log(LogLevel::kNotice,
            "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        StartStreaming(r.replid, false);
        return;
      case HandshakeAction::kRetryLater:
      case HandshakeAction::kError:
        DropLink(false);
        return;
    }
  }
}

void Replication::StartStreaming(const std::string& new_replid, bool full) {
  if (full) {
    replid_ = new_replid == "?" ? replid_ : new_replid;
    master_repl_offset_ = pending_offset_;
    ClearReplid2();
  } else if (!new_replid.empty() && new_replid != replid_) {
    replid2_ = replid_;
    second_replid_offset_ = master_repl_offset_ + 1;
    replid_ = new_replid;
    Log(LogLevel::kNotice, "Master replication ID changed to %s", replid_.c_str());
    DisconnectReplicas();
  }
  CreateBacklogIfNeeded();
  master_client_ = std::make_unique<Client>(next_master_client_id_++, nullptr);
  master_client_->is_master = true;
  master_client_->authenticated = true;
  // A chained master's stream continues in the db its RDB names (repl-stream-db); a partial resync
  // continues in the db the link had.
  int db = full ? loaded_stream_db_ : cached_db_;
  master_client_->db_index = db >= 0 && db < static_cast<int>(server_.dbs.size()) ? db : 0;
  master_client_->addr =
      server_.config.replicaof_host + ":" + std::to_string(server_.config.replicaof_port);
  master_client_->created_ms = server_.now_ms;
  master_client_->last_interaction_ms = server_.now_ms;
  server_.RegisterClient(*master_client_);  // CLIENT LIST / KILL TYPE master
  stream_limits_ = std::make_unique<resp::ParserLimits>();
  stream_limits_->max_bulk_len = server_.config.proto_max_bulk_len;
  stream_parser_ = std::make_unique<resp::RequestParser>(stream_limits_.get());
  have_cached_master_ = true;
  state_ = ReplState::kConnected;
  link_down_since_ms_ = 0;
  ApplyStream();
}

void Replication::ApplyStream() {
  size_t pos = 0;
  while (state_ == ReplState::kConnected && pos < in_.size()) {
    size_t consumed = 0;
    std::string_view rest = std::string_view(in_).substr(pos);
    auto status = stream_parser_->Parse(rest, &consumed);
    if (status == resp::RequestParser::Status::kNeedMore) break;
    if (status == resp::RequestParser::Status::kError) {
      Log(LogLevel::kWarning, "Protocol error from MASTER: %.*s",
          static_cast<int>(stream_parser_->error().size()), stream_parser_->error().data());
      DropLink(true);
      return;
    }
    std::span<const std::string_view> args = stream_parser_->args();
    if (!args.empty()) {
      // A client pause holds the master's writes back; the bytes wait in in_ (Redis postpones the
      // master client too), so the offset shows only what was applied.
      if (server_.pause != nullptr && server_.pause->HoldsMasterCommand(*master_client_, args)) break;
      master_client_->last_interaction_ms = server_.now_ms;
      expiry_mode_ = ExpiryMode::kIgnore;  // the master decides what exists
      Dispatch(server_, *master_client_, args);
      expiry_mode_ = ExpiryMode::kHide;
      if (master_client_ == nullptr) return;  // the command changed our role
      master_client_->output.clear();
    }
    FeedBytes(rest.substr(0, consumed));  // counts the offset; forwards to sub-replicas
    pos += consumed;
  }
  in_.erase(0, pos);
}

void Replication::SendAck() {
  if (state_ != ReplState::kConnected) return;
  last_ack_sent_ms_ = server_.now_ms;
  SendToMaster(EncodeCommand({"REPLCONF", "ACK", std::to_string(master_repl_offset_)}));
}

void Replication::ReplicaCron() {
  if (!is_replica()) return;
  int64_t timeout_ms = static_cast<int64_t>(server_.config.repl_timeout) * 1000;
  int64_t idle = server_.now_ms - last_io_ms_;
  switch (state_) {
    case ReplState::kNone:
    case ReplState::kConnect:
      ConnectToMaster();
      break;
    case ReplState::kConnecting:
    case ReplState::kHandshake:
      if (idle > timeout_ms) {
        Log(LogLevel::kWarning, "Timeout connecting to the MASTER...");
        DropLink(false);
      }
      break;
    case ReplState::kTransfer:
      if (idle > timeout_ms) {
        Log(LogLevel::kWarning,
            "Timeout receiving bulk data from MASTER... If the problem persists try to set the "
            "'repl-timeout' "
            "parameter in redis.conf to a larger value.");
        DropLink(false);
      }
      break;
    case ReplState::kConnected:
      if (idle > timeout_ms) {
        Log(LogLevel::kWarning, "MASTER timeout: no data nor PING received...");
        DropLink(true);
      } else {
        SendAck();
      }
      break;
  }
}

}  // namespace slotd
