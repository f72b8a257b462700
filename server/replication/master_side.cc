// The master's half of replication: PSYNC/SYNC (partial from the backlog or full with an RDB),
// REPLCONF, replica ACKs, WAIT, and the periodic PING, timeouts and backlog expiry.
#include <cstdio>

#include "server/app/server.h"
#include "server/commands/arg_parse.h"
#include "server/log/logger.h"
#include "server/replication/replication.h"
#include "server/resp/errors.h"

namespace slotd {

Replication::ReplicaEntry* Replication::FindEntry(const Client& client) {
  for (auto& entry : entries_) {
    if (entry->client == &client) return entry.get();
  }
  return nullptr;
}

Replication::ReplicaEntry& Replication::EntryFor(Client& client) {
  if (ReplicaEntry* entry = FindEntry(client)) return *entry;
  entries_.push_back(std::make_unique<ReplicaEntry>());
  entries_.back()->client = &client;
  return *entries_.back();
}

// replicationGetSlaveName: "ip:listening-port".
std::string Replication::ReplicaName(const ReplicaEntry& entry) const {
  std::string ip = entry.announce_ip;
  if (ip.empty()) ip = entry.client->addr.substr(0, entry.client->addr.rfind(':'));
  return ip + ":" +
         (entry.listening_port != 0 ? std::to_string(entry.listening_port)
                                    : "<unknown-replica-port>");
}

void Replication::WriteToReplica(ReplicaEntry& entry, std::string_view bytes) {
  entry.client->output.append(bytes);
  repl_output_bytes_ += bytes.size();
  if (server_.schedule_flush) server_.schedule_flush(*entry.client);
}

void Replication::Psync(Client& client, ArgList args) {
  if (client.is_replica) return;  // a replica re-sending SYNC is ignored
  bool psync = EqualsIgnoreCase(args[0], "psync");
  // PSYNC <replid> <offset> FAILOVER: our master hands over to us (other extra arguments are
  // ignored).
  if (psync && args.size() > 3 && EqualsIgnoreCase(args[3], "failover")) {
    if (args[1] != replid_) {
      client.reply.Error("PSYNC FAILOVER replid must match my replid.");
      return;
    }
    UnsetMaster(&client);
  }
  if (failover_state_ != FailoverState::kNone) {  // our replicas wait until the handover is over
    client.reply.Error(errors::kSyncWhileFailover);
    return;
  }
  if (is_replica() && !link_up()) {
    client.reply.Error("-NOMASTERLINK Can't SYNC while not connected with my master");
    return;
  }
  if (!client.output.empty()) {
    client.reply.Error("SYNC and PSYNC are invalid with pending output");
    return;
  }
  ReplicaEntry& entry = EntryFor(client);
  Log(LogLevel::kNotice, "Replica %s asks for synchronization", ReplicaName(entry).c_str());
  if (psync && TryPartialResync(entry, args[1], args[2])) return;
  if (!psync) entry.old_sync = true;
  ++sync_full_;
  client.is_replica = true;
  entry.state = ReplicaState::kWaitBgsave;
  entry.ack_time_ms = server_.now_ms;
  if (backlog_ == nullptr) {
    NewReplid();
    ClearReplid2();
    CreateBacklogIfNeeded();
    Log(LogLevel::kNotice, "Replication backlog created, my new replication IDs are '%s' and '%s'",
        replid_.c_str(), replid2_.c_str());
  }
  StartFullResync(entry);
}

bool Replication::TryPartialResync(ReplicaEntry& entry, std::string_view replid,
                                   std::string_view offset_text) {
  std::optional<int64_t> parsed = ParseInt64(offset_text);
  int64_t offset = parsed.value_or(-1);
  bool same_history = replid == replid_ || (replid == replid2_ && offset <= second_replid_offset_);
  if (!parsed || !same_history) {
    if (replid == "?") {
      Log(LogLevel::kNotice, "Full resync requested by replica %s", ReplicaName(entry).c_str());
    } else if (replid != replid_ && replid != replid2_) {
      Log(LogLevel::kNotice,
          "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for "
          "'%.*s', my "
          "replication IDs are '%s' and '%s')",
          static_cast<int>(replid.size()), replid.data(), replid_.c_str(), replid2_.c_str());
    } else {
      Log(LogLevel::kNotice,
          "Partial resynchronization not accepted: Requested offset for second ID was %lld, but I "
          "can reply up to "
          "%lld",
          static_cast<long long>(offset), static_cast<long long>(second_replid_offset_));
    }
    if (replid != "?") ++sync_partial_err_;
    return false;
  }
  if (backlog_ == nullptr || !backlog_->Covers(offset)) {
    Log(LogLevel::kNotice,
        "Unable to partial resync with replica %s for lack of backlog (Replica request was: %lld).",
        ReplicaName(entry).c_str(), static_cast<long long>(offset));
    if (offset > master_repl_offset_) {
      Log(LogLevel::kWarning,
          "Warning: replica %s tried to PSYNC with an offset that is greater than the master "
          "replication offset.",
          ReplicaName(entry).c_str());
    }
    ++sync_partial_err_;
    return false;
  }
  Client& client = *entry.client;
  client.is_replica = true;
  entry.state = ReplicaState::kOnline;
  entry.ack_time_ms = server_.now_ms;
  std::string out = entry.capa_psync2 ? "+CONTINUE " + replid_ + "\r\n" : "+CONTINUE\r\n";
  size_t before = out.size();
  backlog_->CopyFrom(offset, &out);
  WriteToReplica(entry, out);
  ++sync_partial_ok_;
  Log(LogLevel::kNotice,
      "Partial resynchronization request from %s accepted. Sending %lld bytes of backlog starting "
      "from offset %lld.",
      ReplicaName(entry).c_str(), static_cast<long long>(out.size() - before),
      static_cast<long long>(offset));
  UpdateGoodReplicas();
  return true;
}

void Replication::StartFullResync(ReplicaEntry& entry) {
  entry.attach_ms = server_.now_ms;
  if (server_.child == nullptr || server_.snapshots == nullptr) {  // no fork (in-process tests)
    SendSnapshotInProcess(entry);
    return;
  }
  if (!WantsDiskless(entry)) {
    StartDiskSync(entry);  // when it has to wait, the cron retries
    return;
  }
  // A running transfer cannot take more replicas: they join the next child when it ends.
  if (forked_sync_ == nullptr) MaybeStartDelayedSync();
}

// Serializes the data set right here: the FULLRESYNC offset is the current one, nothing to buffer.
void Replication::SendSnapshotInProcess(ReplicaEntry& entry) {
  Log(LogLevel::kNotice, "Starting BGSAVE for SYNC with target: disk");
  rdb::SnapshotInfo info = SyncSnapshotInfo();
  std::string rdb;
  rdb::WriteSnapshot(
      server_.dbs, info,
      [&rdb](std::string_view chunk) {
        rdb.append(chunk);
        return true;
      },
      rdb::WriteOptions::From(server_.config, server_.now_ms, server_.UsedMemory()));
  std::string out;
  if (!entry.old_sync)
    out = "+FULLRESYNC " + replid_ + " " + std::to_string(master_repl_offset_) + "\r\n";
  out += "$" + std::to_string(rdb.size()) + "\r\n";
  out += rdb;
  entry.pending.clear();
  WriteToReplica(entry, out);
  slaveseldb_ = -1;  // the stream after a full sync starts with SELECT
  PutOnline(entry);
}

void Replication::OnReplicaNewline(Client& client) {
  if (ReplicaEntry* entry = FindEntry(client)) entry->ack_time_ms = server_.now_ms;
}

void Replication::PutOnline(ReplicaEntry& entry) {
  entry.state = ReplicaState::kOnline;
  entry.ack_time_ms = server_.now_ms;
  if (!entry.wait_first_ack) {
    WriteToReplica(entry, entry.pending);
    entry.pending.clear();
  }
  Log(LogLevel::kNotice, "Synchronization with replica %s succeeded", ReplicaName(entry).c_str());
  UpdateGoodReplicas();
}

void Replication::Replconf(Client& client, ArgList args) {
  if (args.size() % 2 == 0) {
    client.reply.Error(errors::kSyntax);
    return;
  }
  for (size_t i = 1; i < args.size(); i += 2) {
    std::string_view option = args[i], value = args[i + 1];
    if (EqualsIgnoreCase(option, "listening-port")) {
      std::optional<int64_t> port = ParseInt64(value);
      if (!port) {
        client.reply.Error(errors::kNotInteger);
        return;
      }
      EntryFor(client).listening_port = static_cast<int>(*port);
    } else if (EqualsIgnoreCase(option, "ip-address")) {
      if (value.size() >= 256) {
        client.reply.Error("REPLCONF ip-address provided by replica instance is too long: " +
                           std::to_string(value.size()) + " bytes");
        return;
      }
      EntryFor(client).announce_ip = std::string(value);
    } else if (EqualsIgnoreCase(option, "capa")) {
      if (EqualsIgnoreCase(value, "eof")) EntryFor(client).capa_eof = true;
      if (EqualsIgnoreCase(value, "psync2")) EntryFor(client).capa_psync2 = true;
    } else if (EqualsIgnoreCase(option, "ack")) {
      // From a replica only, and never answered (it would corrupt the replica's view of the
      // stream).
      ReplicaEntry* entry = FindEntry(client);
      std::optional<int64_t> offset = ParseInt64(value);
      if (entry == nullptr || !client.is_replica || !offset) return;
      if (*offset > entry->ack_offset) entry->ack_offset = *offset;
      entry->ack_time_ms = server_.now_ms;
      if (entry->wait_first_ack && entry->state == ReplicaState::kOnline) {
        entry->wait_first_ack = false;
        WriteToReplica(*entry, entry->pending);
        entry->pending.clear();
      }
      ServeWaiters();
      return;
    } else if (EqualsIgnoreCase(option, "getack")) {
      if (client.is_master) SendAck();
      return;
    } else if (!EqualsIgnoreCase(option, "rdb-only") &&
               !EqualsIgnoreCase(option, "rdb-filter-only")) {
      client.reply.Error("Unrecognized REPLCONF option: " + std::string(option));
      return;
    }
  }
  client.reply.Ok();
}

int Replication::CountAcked(int64_t offset) const {
  int count = 0;
  for (const auto& entry : entries_) {
    count += entry->state == ReplicaState::kOnline && entry->ack_offset >= offset;
  }
  return count;
}

void Replication::Wait(Client& client, int64_t numreplicas, int64_t timeout_ms, bool in_exec) {
  int64_t target = client.woff;  // the offset right after this client's last write
  int acked = CountAcked(target);
  if (in_exec || acked >= numreplicas) {
    client.reply.Integer(acked);
    return;
  }
  int64_t deadline = timeout_ms > 0 ? server_.now_ms + timeout_ms : 0;
  waiters_.push_back({&client, target, numreplicas, deadline});
  server_.BlockClient(client, {}, {}, 0, BlockTimeoutReply::kNullArray);
  getack_requested_ = true;
}

void Replication::ServeWaiters() {
  if (waiters_.empty()) return;
  std::vector<Waiter> still;
  std::vector<Waiter> waiters;
  waiters.swap(waiters_);
  for (const Waiter& waiter : waiters) {
    if (!waiter.client->blocked) continue;  // CLIENT UNBLOCK already answered it
    int acked = CountAcked(waiter.target);
    bool timed_out = waiter.deadline_ms != 0 && server_.now_ms >= waiter.deadline_ms;
    if (acked < waiter.numreplicas && !timed_out) {
      still.push_back(waiter);
      continue;
    }
    server_.UnblockClient(*waiter.client, false);
    waiter.client->reply.Integer(acked);
    if (server_.schedule_flush) server_.schedule_flush(*waiter.client);
  }
  for (const Waiter& waiter : waiters_)
    still.push_back(waiter);  // added while serving (none today)
  waiters_.swap(still);
}

void Replication::OnClientClosed(Client& client) {
  std::erase_if(waiters_, [&client](const Waiter& w) { return w.client == &client; });
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if ((*it)->client != &client) continue;
    if ((*it)->state != ReplicaState::kNotAttached) {
      Log(LogLevel::kNotice, "Connection with replica %s lost.", ReplicaName(**it).c_str());
    }
    entries_.erase(it);
    break;
  }
  bool any = false;
  for (const auto& entry : entries_) any |= entry->state != ReplicaState::kNotAttached;
  if (!any && client.is_replica) no_replicas_since_ms_ = server_.now_ms;
  UpdateGoodReplicas();
}

void Replication::DisconnectReplicas() {
  std::vector<Client*> clients;
  for (const auto& entry : entries_) {
    if (entry->state != ReplicaState::kNotAttached) clients.push_back(entry->client);
  }
  for (Client* client : clients) {
    if (server_.close_client) server_.close_client(*client);
  }
}

void Replication::UpdateGoodReplicas() {
  int good = 0;
  int64_t max_lag_ms = static_cast<int64_t>(server_.config.min_replicas_max_lag) * 1000;
  for (const auto& entry : entries_) {
    good +=
        entry->state == ReplicaState::kOnline && server_.now_ms - entry->ack_time_ms <= max_lag_ms;
  }
  good_replicas_ = good;
}

void Replication::MasterCron() {
  const Config& config = server_.config;
  int64_t now = server_.now_ms;
  bool any = false;
  for (const auto& entry : entries_) any |= entry->state != ReplicaState::kNotAttached;
  // No PING while a failover waits for the replicas' offsets to match ours.
  if (any && !is_replica() && failover_state_ == FailoverState::kNone &&
      now - last_ping_ms_ >= static_cast<int64_t>(config.repl_ping_replica_period) * 1000) {
    last_ping_ms_ = now;
    std::string ping[] = {"ping"};  // spelled as Redis 7.0 sends it
    FeedCommand(slaveseldb_, ping);
  }
  std::vector<Client*> timed_out;
  for (auto& entry : entries_) {
    if (entry->state == ReplicaState::kWaitBgsave && entry->fullresync_sent)
      WriteToReplica(*entry, "\n");
    if (entry->state == ReplicaState::kOnline && !entry->old_sync &&
        now - entry->ack_time_ms > static_cast<int64_t>(config.repl_timeout) * 1000) {
      Log(LogLevel::kWarning, "Disconnecting timedout replica (streaming sync): %s",
          ReplicaName(*entry).c_str());
      timed_out.push_back(entry->client);
    }
  }
  for (Client* client : timed_out) {
    if (server_.close_client) server_.close_client(*client);
  }
  if (!any && !is_replica() && backlog_ != nullptr && config.repl_backlog_ttl > 0 &&
      now - no_replicas_since_ms_ > config.repl_backlog_ttl * 1000) {
    NewReplid();
    ClearReplid2();
    backlog_.reset();
    Log(LogLevel::kNotice,
        "Replication backlog freed after %lld seconds without connected replicas.",
        static_cast<long long>(config.repl_backlog_ttl));
  }
  if (backlog_ != nullptr &&
      backlog_->capacity() != static_cast<size_t>(config.repl_backlog_size)) {
    backlog_->Resize(
        static_cast<size_t>(config.repl_backlog_size));  // CONFIG SET repl-backlog-size
  }
  UpdateGoodReplicas();
  RemoveRdbUsedForSync();
}

}  // namespace slotd
