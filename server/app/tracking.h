// Server-assisted client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c: which clients read
// which keys, and the invalidation messages sent when those keys change.
//
// Default mode remembers the keys each tracking client read (read-only commands, after they ran) in one
// table keyed by name only (all databases), and forgets a key once its invalidation went out. BCAST mode
// remembers nothing per client: every key modified under one of the client's prefixes is collected and
// sent, sorted, once per event-loop iteration. Messages go to the client itself as RESP3 pushes
// (">2 invalidate [keys]"), or to the client it redirects to (RESP3 push, or a RESP2 "message" on
// __redis__:invalidate when that client is subscribed). A flush invalidates everything (a null payload).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/commands/command_spec.h"

namespace slotd {

class Client;
class Server;

class Tracking {
 public:
  explicit Tracking(Server& server) : server_(server) {}

  struct Options {
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
  };
  // CLIENT TRACKING ON (the caller validated the options and prefixes) and OFF. Disable is also called
  // when the client disconnects.
  void Enable(Client& client, uint64_t redirect, Options options, std::span<const std::string_view> prefixes);
  void Disable(Client& client);
  // The first prefix of `prefixes` overlapping one of the client's or a later one of `prefixes`, as
  // Redis's error text; "" when none do.
  std::string PrefixCollision(const Client& client, std::span<const std::string_view> prefixes) const;

  // After a read-only command ran for a tracking client in default mode: remember the keys it read
  // (OPTIN/OPTOUT and CLIENT CACHING decide whether this command counts).
  void RememberKeys(Client& client, const CommandSpec& spec, ArgList args);
  // `key` changed (any database): invalidate it for the clients that read it, and collect it for the
  // BCAST prefixes it falls under. `modifier` (null for expiry and eviction) is left out in NOLOOP mode.
  void InvalidateKey(Client* modifier, std::string_view key);
  // FLUSHDB, FLUSHALL, SWAPDB, loading a dataset: every tracking client gets a null invalidation.
  void InvalidateAll();
  // After the outermost command of `client` replied: the invalidations addressed to it while it ran.
  void FlushPending(Client& client) {
    if (!pending_.empty()) SendPending(client);
  }
  // Once per event-loop iteration: the keys collected for each BCAST prefix.
  void BroadcastCollected();
  // Keeps the table within tracking-table-max-keys by invalidating keys early (Redis's random walk, with
  // more effort each time it is still over the limit).
  void EnforceTableLimit();

  // Whether a modified key can concern anyone (keys remembered, or BCAST prefixes): checked before
  // InvalidateKey so servers without tracking pay one test per write.
  bool active() const { return !table_.empty() || !prefixes_.empty(); }
  size_t clients() const { return clients_; }
  size_t total_keys() const { return table_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct PrefixState {
    std::map<std::string, const Client*, std::less<>> keys;  // modified keys -> their last modifier
    std::set<Client*> clients;
  };

  void AddPrefix(Client& client, std::string_view prefix);
  void SendPending(Client& client);
  void CollectForBroadcast(const Client* modifier, std::string_view key);
  // Sends `payload` (a RESP array of keys, or a null) as an invalidation meant for `client`, through its
  // redirection when it has one.
  void Send(Client& client, std::string_view payload);

  // Lets the table be searched with a string_view (no allocation per modified key).
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };

  Server& server_;
  // key -> ids of the clients that read it
  std::unordered_map<std::string, std::vector<uint64_t>, KeyHash, std::equal_to<>> table_;
  size_t total_items_ = 0;
  std::map<std::string, PrefixState, std::less<>> prefixes_;  // BCAST prefixes
  std::vector<std::optional<std::string>> pending_;  // for the running client; nullopt = flush
  size_t clients_ = 0;
  unsigned limit_rounds_ = 0;  // consecutive EnforceTableLimit calls that ended over the limit
};

}  // namespace slotd
