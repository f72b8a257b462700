// Sentinel mode's runtime: owns the SentinelNode, ticks it every 52-100 ms (a random period each
// time, as redis-sentinel varies its hz) with wall-clock ms, and
// executes its effects (links to monitored instances, events on our own pub/sub, log lines, config
// rewrites, scripts). Reachable by commands as `server.sentinel` (null outside sentinel mode).
#pragma once
#include <uv.h>

#include <cstdint>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/sentinel/effects.h"
#include "cluster/sentinel/sentinel_node.h"
#include "server/config/config_loader.h"
#include "server/sentinel_host/instance_links.h"
#include "server/sentinel_host/script_runner.h"

namespace slotd {

class Server;
class HostLinkEvents;

class SentinelHost {
 public:
  SentinelHost(Server& server, uv_loop_t* loop);
  ~SentinelHost();
  SentinelHost(const SentinelHost&) = delete;
  SentinelHost& operator=(const SentinelHost&) = delete;

  // Builds the node from the config file's `sentinel ...` directives (and, for a TOML config, its
  // state file). False with Redis's fatal config error text in `error`.
  bool Load(const std::vector<SentinelDirective>& directives, std::string* error);
  // Starts the node (myid, +monitor events, first config save) and the 100 ms timer.
  void Start();
  // Closes every link, stops the timer and kills running scripts (process shutdown).
  void Shutdown();

  sentinel::SentinelNode& node() { return *node_; }
  const sentinel::SentinelNode& node() const { return *node_; }
  // Wall-clock milliseconds, read now (the `now` every node input carries).
  int64_t NowMs() const;
  // Runs the effects of an admin call (SENTINEL subcommands) at once and clears `out`.
  void Execute(sentinel::Outbox& out);
  // False when the most recent config save failed (SENTINEL commands then answer
  // "-ERR Failed to save config file. Check server logs.").
  bool last_save_ok() const { return last_save_ok_; }

  // INFO sentinel: scripts running now and queued (including the running ones, as Redis counts).
  int running_scripts() const;
  void SetScriptLimits(int64_t max_runtime_ms, int64_t retry_delay_ms);
  int queued_scripts() const;
  // SENTINEL PENDING-SCRIPTS: queued and running scripts, oldest first.
  const std::list<ScriptJob>& pending_scripts() const;

  // A `PUBLISH __sentinel__:hello <payload>` sent to this sentinel by a peer.
  void OnHelloPublished(std::string_view payload);

  // The file the sentinel state is written to (the config file, or its state file for TOML).
  const std::string& state_file() const { return state_file_; }

 private:
  friend class HostLinkEvents;
  static void OnTimer(uv_timer_t* timer);
  static void OnDrain(uv_check_t* check);
  void Tick();
  // Arms the timer for the next tick after 1000 / (10 + rand() % 10) ms, Redis's sentinel hz.
  void ScheduleTick();
  // Effects produced inside hiredis callbacks wait for the check phase, so no link is freed while
  // hiredis still runs code on it.
  void Defer(sentinel::Outbox& out);
  void RunEffect(sentinel::Effect& effect);
  LinkCommandNames CommandNamesFor(const sentinel::Connect& c) const;
  void SaveConfig(const std::string& sentinel_lines);
  void PublishEvent(const std::string& channel, const std::string& payload);

  Server& server_;
  uv_loop_t* loop_;
  std::unique_ptr<sentinel::SentinelNode> node_;
  std::unique_ptr<HostLinkEvents> events_;
  std::unique_ptr<InstanceLinks> links_;
  std::unique_ptr<ScriptRunner> scripts_;
  std::string state_file_;
  bool toml_ = false;
  bool last_save_ok_ = true;
  bool started_ = false;
  bool stopping_ = false;
  uv_timer_t timer_;
  std::minstd_rand tick_rng_;
  uv_check_t drain_;
  sentinel::Outbox deferred_;
};

// App's entry points: builds, loads and starts the host (sets server.sentinel); nullptr after
// logging the error when the sentinel configuration is invalid.
std::unique_ptr<SentinelHost> StartSentinelHost(Server& server, uv_loop_t* loop,
                                                const std::vector<SentinelDirective>& directives,
                                                std::string* error);

}  // namespace slotd
