// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO handlers (client_tracking_command.cc), registered
// with the other CLIENT subcommands in client_command.cc.
#pragma once
#include "server/commands/command_context.h"

namespace slotd {

void ClientTrackingCommand(CommandContext& ctx, ArgList args);
void ClientCachingCommand(CommandContext& ctx, ArgList args);
void ClientGetRedirCommand(CommandContext& ctx, ArgList args);
void ClientTrackingInfoCommand(CommandContext& ctx, ArgList args);

}  // namespace slotd
