#include "server/app/server.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>

#include "cluster/core/slot.h"

namespace slotd {
namespace {

std::string RandomHex(size_t length) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(length, '0');
  unsigned char bytes[64] = {};
  if (FILE* f = std::fopen("/dev/urandom", "rb")) {
    size_t got = std::fread(bytes, 1, sizeof(bytes), f);
    (void)got;
    std::fclose(f);
  }
  for (size_t i = 0; i < length; ++i) out[i] = kHex[bytes[i % sizeof(bytes)] >> ((i & 1) * 4) & 0xF];
  return out;
}

}  // namespace

Server::Server(Config cfg) : config(std::move(cfg)) {
  run_id = RandomHex(40);
  int slot_count = config.cluster_enabled ? kClusterSlots : 1;
  int db_count = config.databases > 0 ? config.databases : 1;
  uint64_t seed = 0;
  for (int i = 0; i < 16; ++i) seed = seed * 16 + static_cast<uint64_t>(run_id[static_cast<size_t>(i)] % 16);
  for (int i = 0; i < db_count; ++i) {
    auto db = std::make_unique<Database>(i, slot_count, seed);
    db->set_clock(&now_ms);
    db->set_config(&config);
    db->set_expired_listener([this](Database& d, std::string_view key) {
      ++stats.expired_keys;
      Notify(notify::kExpired, "expired", key, d.index());
      TouchWatchers(d.index(), key);
      if (tracking.active()) tracking.InvalidateKey(nullptr, key);
      PropagateDel(d.index(), key);
    });
    db->set_key_event_listener([this](Database& d, uint32_t event_class, std::string_view key) {
      Notify(event_class, event_class == notify::kNew ? "new" : "keymiss", key, d.index());
    });
    dbs.push_back(std::move(db));
  }
  blocked_keys_.resize(dbs.size());
  watchers_.resize(dbs.size());
  RegisterAllCommands(commands);
}

Server::~Server() = default;

void Server::PropagateDel(int db, std::string_view key) {
  if (!on_propagate) return;
  std::string_view argv[] = {"DEL", key};
  PropagateNow(db, argv);
}

void Server::PropagateNow(int db, std::span<const std::string_view> argv) {
  if (!on_propagate || (propagation_wanted && !propagation_wanted(kToAofAndReplicas))) return;
  std::vector<std::string> copy(argv.begin(), argv.end());
  on_propagate(db, copy, kToAofAndReplicas);
}

void Server::AlsoPropagate(int db, std::span<const std::string_view> argv, PropagationTarget to) {
  if (!on_propagate || (propagation_wanted && !propagation_wanted(to))) return;
  pending_propagation_.push_back({db, std::vector<std::string>(argv.begin(), argv.end()), to});
}

void Server::FlushPropagation() {
  if (pending_propagation_.empty()) return;
  std::vector<PendingPropagation> ops;
  ops.swap(pending_propagation_);
  if (!on_propagate) return;
  // Several entries from one command or one EXEC must apply atomically on the replica.
  bool wrap = ops.size() > 1;
  static const std::string kMulti[] = {"MULTI"};
  static const std::string kExec[] = {"EXEC"};
  if (wrap) on_propagate(ops.front().db, kMulti, kToAofAndReplicas);
  for (const PendingPropagation& op : ops) on_propagate(op.db, op.argv, op.to);
  if (wrap) on_propagate(ops.back().db, kExec, kToAofAndReplicas);
  // Hand the storage back so the next command appends without allocating the vector again.
  ops.clear();
  if (pending_propagation_.empty()) pending_propagation_.swap(ops);
}

void Server::KeyModified(int db, std::string_view key) {
  ++dirty;
  TouchWatchers(db, key);
  if (tracking.active()) tracking.InvalidateKey(current_client, key);
  if (blocked_count_ > 0) {
    const ClientsByKey& blocked = blocked_keys_[static_cast<size_t>(db)];
    if (blocked.find(key) != blocked.end()) ready_keys_.emplace_back(db, std::string(key));
  }
}

bool Server::EnforceMaxmemory() {
  if (config.maxmemory == 0) return true;
  size_t used = UsedMemory();
  if (used <= config.maxmemory) return true;
  EvictionResult result = evictor.EvictIfNeeded(dbs, config, used, [this](Database& db, std::string_view key) {
    Notify(notify::kEvicted, "evicted", key, db.index());
    TouchWatchers(db.index(), key);
    if (tracking.active()) tracking.InvalidateKey(nullptr, key);
    PropagateDel(db.index(), key);
  });
  stats.evicted_keys += result.keys_evicted;
  return result.under_limit;
}

void Server::RegisterClient(Client& client) {
  clients[client.id()] = &client;
  client.reply.set_error_counts(&stats.error_codes);
}

void Server::ForgetClient(Client& client) {
  tracking.Disable(client);
  UnblockClient(client, false);
  UnwatchAll(client);
  pubsub.RemoveClient(client);
  std::erase(monitors, &client);
  stats.total_error_replies += client.reply.errors_written();
  clients.erase(client.id());
}

size_t Server::UsedMemory() const {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace slotd
