// What sentinel mode's commands (SENTINEL, INFO, ROLE, PUBLISH) need from the sentinel runtime, as
// an interface: server/sentinel_host provides it in the process, tests provide a bare SentinelNode.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/sentinel/effects.h"
#include "cluster/sentinel/sentinel_node.h"

namespace slotd {

class CommandTable;
class Server;

class SentinelRuntime {
 public:
  // One entry of SENTINEL PENDING-SCRIPTS.
  struct Script {
    std::vector<std::string> argv;  // path and arguments
    bool running = false;
    int64_t pid = 0;
    int64_t run_time_ms = 0;   // running: ms since it started
    int64_t run_delay_ms = 0;  // scheduled: ms until its (re)try
    int retry_num = 0;
  };

  virtual ~SentinelRuntime() = default;
  virtual sentinel::SentinelNode& node() = 0;
  virtual int64_t NowMs() const = 0;
  // Runs the effects of an admin call at once; false when a config save among them failed.
  virtual bool Execute(sentinel::Outbox& out) = 0;
  virtual int running_scripts() const = 0;
  virtual int queued_scripts() const = 0;
  virtual std::vector<Script> PendingScripts() const = 0;
  // A `PUBLISH __sentinel__:hello <payload>` sent to us by a peer.
  virtual void OnHelloPublished(std::string_view payload) = 0;
  // SENTINEL DEBUG changed node().timings(): the script limits live in the host.
  virtual void TimingsChanged() {}
};

// The runtime serving `server`'s sentinel-mode commands: its SentinelHost, else the one installed
// with SetSentinelRuntimeForTest, else null.
SentinelRuntime* SentinelRuntimeOf(Server& server);
void SetSentinelRuntimeForTest(SentinelRuntime* runtime);

// True when `server` runs as a sentinel (its table has SENTINEL): HELLO and INFO report mode
// sentinel.
bool InSentinelMode(const Server& server);

// SENTINEL and its subcommands (sentinel_commands.cc); part of RegisterSentinelModeCommands.
void RegisterSentinelCommand(CommandTable& table);

// The adapter over server.sentinel (sentinel_host_runtime.cc); null when the server has no host.
SentinelRuntime* HostSentinelRuntime(Server& server);

}  // namespace slotd
