// One connected client's session state: selected database, protocol, auth, MULTI queue, watched keys,
// pub/sub subscriptions, blocking state and the pending reply bytes. The network side
// (server/net/connection.*) owns the socket and flushes `output`.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/reply_builder.h"

namespace slotd {

class Connection;
struct CommandSpec;

enum class ReplyMode { kOn, kOff, kSkip };  // CLIENT REPLY
enum class BlockTimeoutReply { kNullArray, kNullBulk };

struct WatchedKey {
  int db;
  std::string key;
};

// CLIENT TRACKING state of one client (server/app/tracking.h).
struct ClientTracking {
  bool enabled = false;
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  bool caching = false;          // CLIENT CACHING YES/NO applies to the next command
  bool broken_redirect = false;  // the client we redirect to is gone
  uint64_t redirect = 0;         // client id, 0 = none
  std::set<std::string, std::less<>> prefixes;  // BCAST prefixes
};

class Client {
 public:
  Client(uint64_t id, Connection* connection);

  uint64_t id() const { return id_; }
  Connection* connection() const { return connection_; }
  void detach_connection() { connection_ = nullptr; }

  // Reply bytes not yet written to the socket.
  std::string output;
  resp::ReplyBuilder reply{&output};

  // Identity and bookkeeping (CLIENT LIST / INFO).
  std::string name;
  std::string lib_name, lib_ver;
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // "ip:port" of our side
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  // The last command run (CLIENT LIST "cmd="): the spec and, for a subcommand, its container.
  const CommandSpec* last_command = nullptr;
  const CommandSpec* last_command_parent = nullptr;
  // "get", "client|list", or "NULL" before any command.
  std::string LastCommandName() const;
  uint64_t commands_processed = 0;

  int db_index = 0;
  bool authenticated = false;
  bool close_after_reply = false;
  bool no_evict = false;
  ReplyMode reply_mode = ReplyMode::kOn;
  bool is_monitor = false;
  bool is_replica = false;
  bool is_master = false;  // the link to our master (replication issue)
  int64_t woff = 0;  // replication offset right after this client's last propagated write (WAIT)
  // Cluster mode (server/cluster_host/routing_glue.h): READONLY is sticky until READWRITE/RESET; ASKING
  // lasts for the next command (or the whole MULTI ... EXEC), asking_set_now marks the ASKING call itself.
  bool cluster_readonly = false;
  bool asking = false;
  bool asking_set_now = false;

  // MULTI / EXEC.
  bool in_multi = false;
  bool multi_error = false;   // a command failed to queue: EXEC answers EXECABORT
  bool watch_dirty = false;   // a watched key changed: EXEC answers a null array
  std::vector<std::vector<std::string>> queued;
  std::vector<WatchedKey> watched;

  // Pub/Sub.
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  std::set<std::string, std::less<>> shard_channels;
  size_t subscription_count() const { return channels.size() + patterns.size() + shard_channels.size(); }
  // RESP2 clients with subscriptions may only run (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET.
  bool in_pubsub_context() const { return reply.protocol() == 2 && subscription_count() > 0; }

  ClientTracking tracking;

  // Blocking (BLPOP and friends): the command re-runs when a key is ready; times out at deadline.
  bool blocked = false;
  int64_t block_deadline_ms = 0;  // 0 = forever
  BlockTimeoutReply block_timeout_reply = BlockTimeoutReply::kNullArray;
  int block_db = 0;
  std::vector<std::string> block_keys;
  std::vector<std::string> block_argv;
  bool block_requested = false;  // set by BlockClient during the current execution

 private:
  uint64_t id_;
  Connection* connection_;
};

}  // namespace slotd
