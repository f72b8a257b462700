// What a command handler sees: its arguments' client, the reply builder, the selected database, the clock
// and the server-wide hooks. Handlers parse, call keyspace operations, write the reply, and call
// Modified(key) for every key they change (WATCH, blocked clients, dirty counter depend on it).
#pragma once
#include <cstdint>
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

  // Blocking commands call this when there is nothing to serve yet. Inside EXEC (or with a deadline already
  // passed) the timeout reply is written at once; otherwise the client blocks and the whole command re-runs
  // when one of `keys` is modified, or gets the timeout reply at `deadline_ms` (0 = forever).
  void Block(std::span<const std::string_view> keys, int64_t deadline_ms, BlockTimeoutReply timeout_reply);

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
};

}  // namespace slotd
