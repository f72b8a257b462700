// What a command handler sees: its arguments' client, the reply builder, the selected database, the clock
// and the server-wide hooks. Handlers parse, call keyspace operations, write the reply, and call
// Modified(key) for every key they change (WATCH, blocked clients, tracking, the dirty counter depend on
// it), naming the keyspace event where Redis publishes one.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "server/app/client.h"
#include "server/app/server.h"
#include "server/commands/command_spec.h"
#include "server/resp/errors.h"

namespace slotd {

class CommandContext {
 public:
  CommandContext(Server& server, Client& client, const CommandSpec& spec, ArgList args)
      : server_(server), client_(client), spec_(spec), args_(args) {}

  Server& server() { return server_; }
  Client& client() { return client_; }
  const CommandSpec& spec() const { return spec_; }
  const Config& config() const { return server_.config; }
  resp::ReplyBuilder& reply() { return client_.reply; }
  Database& db() { return server_.db(client_.db_index); }
  int db_index() const { return client_.db_index; }
  int64_t now_ms() const { return server_.now_ms; }
  // True while EXEC runs queued commands: blocking commands must not block then.
  bool in_exec() const { return in_exec_; }
  void set_in_exec(bool v) { in_exec_ = v; }

  // Every change to a key goes through here (signalModifiedKey + dirty++).
  void Modified(std::string_view key) { server_.KeyModified(client_.db_index, key); }
  void Modified(int db, std::string_view key) { server_.KeyModified(db, key); }
  // The common pair: the change, then its keyspace event (Redis's signalModifiedKey + notifyKeyspaceEvent).
  void Modified(std::string_view key, uint32_t event_class, std::string_view event) {
    Modified(key);
    Notify(event_class, event, key);
  }

  // Keyspace notification about `key` in the client's database (or `db`); see Server::Notify.
  void Notify(uint32_t event_class, std::string_view event, std::string_view key) {
    server_.Notify(event_class, event, key, client_.db_index);
  }
  void Notify(uint32_t event_class, std::string_view event, std::string_view key, int db) {
    server_.Notify(event_class, event, key, db);
  }

  // Blocking commands call this when there is nothing to serve yet. Inside EXEC (or with a deadline already
  // passed) the timeout reply is written at once; otherwise the client blocks and the whole command re-runs
  // when one of `keys` is modified, or gets the timeout reply at `deadline_ms` (0 = forever).
  void Block(std::span<const std::string_view> keys, int64_t deadline_ms, BlockTimeoutReply timeout_reply);

  // Replication/AOF: by default a command that changed the dataset propagates its argv verbatim. Calling
  // Propagate() replaces that with exactly the given commands (any number, in order, for the current
  // db); PreventPropagation() propagates nothing for this command.
  void Propagate(std::initializer_list<std::string_view> argv) {
    Propagate(std::span<const std::string_view>(argv.begin(), argv.size()));
  }
  void Propagate(std::span<const std::string_view> argv) {
    propagated_ = true;
    server_.AlsoPropagate(client_.db_index, argv);
  }
  // Adds argv for replicas only, never the AOF (PUBLISH: replicas' subscribers get the message).
  void PropagateToReplicas(std::span<const std::string_view> argv) {
    propagated_ = true;
    server_.AlsoPropagate(client_.db_index, argv, Server::kToReplicas);
  }
  void PreventPropagation() { propagation_prevented_ = true; }
  // True when the default verbatim propagation must not happen.
  bool propagation_overridden() const { return propagated_ || propagation_prevented_; }

  // Shorthand replies.
  void WrongType() { reply().Error(errors::kWrongType); }
  void SyntaxError() { reply().Error(errors::kSyntax); }
  void NotInteger() { reply().Error(errors::kNotInteger); }

 private:
  Server& server_;
  Client& client_;
  const CommandSpec& spec_;
  ArgList args_;
  bool in_exec_ = false;
  bool propagated_ = false;
  bool propagation_prevented_ = false;
};

}  // namespace slotd
