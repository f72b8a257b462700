// WATCH bookkeeping: which clients watch which keys, and marking their transactions dirty when a watched
// key changes, expires, or its database is flushed or swapped.
#include <algorithm>

#include "server/app/server.h"

namespace slotd {

void Server::Watch(Client& client, int db, std::string_view key) {
  for (const WatchedKey& w : client.watched) {
    if (w.db == db && w.key == key) return;
  }
  client.watched.push_back({db, std::string(key)});
  ClientsByKey& watchers = watchers_[static_cast<size_t>(db)];
  auto it = watchers.find(key);
  if (it == watchers.end()) it = watchers.emplace(std::string(key), std::vector<Client*>{}).first;
  it->second.push_back(&client);
}

void Server::UnwatchAll(Client& client) {
  for (const WatchedKey& w : client.watched) {
    ClientsByKey& watchers = watchers_[static_cast<size_t>(w.db)];
    auto it = watchers.find(w.key);
    if (it == watchers.end()) continue;
    std::erase(it->second, &client);
    if (it->second.empty()) watchers.erase(it);
  }
  client.watched.clear();
  client.watch_dirty = false;
}

void Server::TouchWatchers(int db, std::string_view key) {
  ClientsByKey& watchers = watchers_[static_cast<size_t>(db)];
  if (watchers.empty()) return;
  auto it = watchers.find(key);
  if (it == watchers.end()) return;
  for (Client* c : it->second) c->watch_dirty = true;
}

// Like Redis's touchAllWatchedKeysInDb: a watched key counts as modified when it exists in `db` (before a
// flush) or in `other_db` (SWAPDB: the database swapped in), so watching a key nobody has stays valid.
void Server::DatabaseModified(int db, int other_db) {
  // Emptied or reloaded: cached keys are all stale (SWAPDB, with an other_db, sends nothing: Redis 7.0).
  if (other_db < 0) tracking.InvalidateAll();
  for (size_t i = 0; i < watchers_.size(); ++i) {
    if (db != -1 && static_cast<size_t>(db) != i) continue;
    for (auto& [key, clients] : watchers_[i]) {
      bool exists = dbs[i]->Contains(key) || (other_db >= 0 && dbs[static_cast<size_t>(other_db)]->Contains(key));
      if (!exists) continue;
      for (Client* c : clients) c->watch_dirty = true;
    }
  }
}

}  // namespace slotd
