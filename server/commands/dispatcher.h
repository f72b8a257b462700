// Runs one parsed request for a client: table lookup, arity, auth, pub/sub context, MULTI queueing,
// maxmemory, then the handler; afterwards serves clients blocked on keys the command modified.
// No I/O: replies go to client.output; the caller flushes.
#pragma once
#include "server/app/client.h"
#include "server/app/server.h"
#include "server/commands/command_spec.h"

namespace slotd {

void Dispatch(Server& server, Client& client, ArgList args);

// enable-debug-command yes|no|local for this client (commands flagged kCmdProtected).
bool ProtectedCommandAllowed(const Config& config, const Client& client);

// Runs an already-checked command (used by Dispatch, EXEC and blocked-command re-runs).
void Execute(Server& server, Client& client, const CommandSpec& spec, ArgList args, bool in_exec);

// Resolves args to the spec that will run (the subcommand for container commands). Writes the unknown
// command / subcommand / arity error to the client and returns nullptr when it cannot run.
// `top` (optional) receives the top-level spec (the container for a subcommand).
const CommandSpec* ResolveCommand(Server& server, Client& client, ArgList args, const CommandSpec** top = nullptr);

}  // namespace slotd
