// Blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...): a client that found nothing to serve is parked on its
// keys in FIFO order; when a key is modified its blocked clients' commands re-run in that order, and a
// client whose command blocks again keeps its place. Deadlines are checked by TimeoutBlockedClients().
#include <algorithm>

#include "server/app/server.h"

namespace slotd {

void Server::BlockClient(Client& client, std::span<const std::string_view> argv,
                         std::span<const std::string_view> keys, int64_t deadline_ms,
                         BlockTimeoutReply timeout_reply) {
  client.block_requested = true;
  if (client.blocked) return;  // a re-run that blocks again keeps its registration and place
  client.blocked = true;
  ++blocked_count_;
  client.block_deadline_ms = deadline_ms;
  client.block_timeout_reply = timeout_reply;
  client.block_db = client.db_index;
  client.block_argv.assign(argv.begin(), argv.end());
  client.block_keys.clear();
  ClientsByKey& blocked = blocked_keys_[static_cast<size_t>(client.db_index)];
  for (std::string_view key : keys) {
    if (std::find(client.block_keys.begin(), client.block_keys.end(), key) != client.block_keys.end()) continue;
    client.block_keys.emplace_back(key);
    auto it = blocked.find(key);
    if (it == blocked.end()) it = blocked.emplace(std::string(key), std::vector<Client*>{}).first;
    it->second.push_back(&client);
  }
}

void Server::RemoveFromBlockedKeys(Client& client) {
  ClientsByKey& blocked = blocked_keys_[static_cast<size_t>(client.block_db)];
  for (const std::string& key : client.block_keys) {
    auto it = blocked.find(key);
    if (it == blocked.end()) continue;
    std::erase(it->second, &client);
    if (it->second.empty()) blocked.erase(it);
  }
  client.block_keys.clear();
}

void Server::UnblockClient(Client& client, bool timed_out) {
  if (!client.blocked) return;
  RemoveFromBlockedKeys(client);
  client.blocked = false;
  --blocked_count_;
  client.block_argv.clear();
  if (timed_out) {
    if (client.block_timeout_reply == BlockTimeoutReply::kNullBulk) {
      client.reply.Null();
    } else {
      client.reply.NullArray();
    }
    if (schedule_flush) schedule_flush(client);
  }
}

void Server::ServeReadyKeys() {
  while (!ready_keys_.empty()) {
    std::vector<std::pair<int, std::string>> ready;
    ready.swap(ready_keys_);
    for (const auto& [db, key] : ready) {
      ClientsByKey& blocked = blocked_keys_[static_cast<size_t>(db)];
      auto it = blocked.find(key);
      if (it == blocked.end()) continue;
      std::vector<Client*> waiting = it->second;  // copy: re-runs change the lists
      for (Client* c : waiting) {
        if (!c->blocked) continue;
        // Re-run the command as the client sent it, in its database.
        std::vector<std::string> argv = c->block_argv;
        std::vector<std::string_view> views(argv.begin(), argv.end());
        int saved_db = c->db_index;
        c->db_index = c->block_db;
        c->block_requested = false;
        execute(*c, views);
        c->db_index = saved_db;
        if (!c->block_requested) {
          UnblockClient(*c, false);
          if (schedule_flush) schedule_flush(*c);
        }
      }
    }
  }
}

void Server::WakeBlockedInDb(int db) {
  for (const auto& [key, clients] : blocked_keys_[static_cast<size_t>(db)]) ready_keys_.emplace_back(db, key);
}

void Server::TimeoutBlockedClients() {
  if (blocked_count_ == 0) return;
  for (auto& [id, client] : clients) {
    if (client->blocked && client->block_deadline_ms != 0 && client->block_deadline_ms <= now_ms) {
      UnblockClient(*client, true);
    }
  }
}

}  // namespace slotd
