// Client pauses (Redis 7.0's pause purposes): CLIENT PAUSE, FAILOVER and cluster manual failover each hold
// their own pause; the strictest one in force decides which commands are postponed, and postponed clients
// resume in arrival order once it ends. While any pause holds, keys neither expire nor get evicted.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "server/commands/command_spec.h"

namespace slotd {

class Server;
class Client;

// Ordered by strictness: a stricter kind wins over a looser one.
enum class PauseKind : uint8_t { kOff = 0, kWrite = 1, kAll = 2 };
enum class PausePurpose : uint8_t { kClientCommand, kShutdown, kFailover, kClusterFailover, kCount };

class ClientPause {
 public:
  explicit ClientPause(Server& server);
  ClientPause(const ClientPause&) = delete;
  ClientPause& operator=(const ClientPause&) = delete;

  // Holds `kind` for `purpose` until end_ms (wall-clock ms). A purpose already paused keeps the
  // stricter kind and the later end (as Redis's pauseClients).
  void Pause(PausePurpose purpose, int64_t end_ms, PauseKind kind);
  // Drops `purpose`'s pause; clients resume when nothing else still pauses them.
  void Unpause(PausePurpose purpose);
  bool PausedFor(PausePurpose purpose) const { return events_[Index(purpose)].kind != PauseKind::kOff; }

  // The pause in force, after retiring the ones whose time is up (Redis's
  // checkClientPauseTimeoutAndReturnIfPaused). Cheap when nothing is paused.
  bool Paused() {
    if (kind_ == PauseKind::kOff) return false;
    Refresh();
    return kind_ != PauseKind::kOff;
  }
  PauseKind kind() const { return kind_; }
  int64_t end_ms() const { return end_ms_; }

  // Dispatcher: parks `client`'s command (args) when the pause covers it; true = postponed. Replicas
  // and the master link never come here.
  bool MaybePostpone(Client& client, const CommandSpec& spec, ArgList args);
  // The replica's applier: true when the master's next command (args) must wait (the stream stays
  // buffered and the offset does not move until the pause ends).
  bool HoldsMasterCommand(const Client& master, ArgList args);
  bool IsPostponed(const Client& client) const;
  size_t postponed_count() const { return postponed_.size(); }

  // Cron: retires expired pauses. BeforeSleep: re-runs postponed commands once their pause ended.
  void Cron() { Paused(); }
  void BeforeSleep();

 private:
  struct Event {
    PauseKind kind = PauseKind::kOff;
    int64_t end_ms = 0;
  };
  static size_t Index(PausePurpose p) { return static_cast<size_t>(p); }
  void Refresh();
  bool Covers(const Client& client, const CommandSpec& spec) const;
  void ResumeClient(Client& client);

  Server& server_;
  std::array<Event, static_cast<size_t>(PausePurpose::kCount)> events_{};
  PauseKind kind_ = PauseKind::kOff;
  int64_t end_ms_ = 0;
  std::vector<uint64_t> postponed_;  // client ids, in the order their commands arrived
  bool resume_due_ = false;          // the pause got looser: re-run postponed commands before sleeping
};

}  // namespace slotd
