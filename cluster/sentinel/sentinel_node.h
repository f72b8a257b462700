// SentinelNode: the Redis 7.0 Sentinel protocol as a state machine with no I/O. The host feeds it
// ticks (every 100 ms), link changes, replies, hello messages and admin commands, each carrying
// `now` (wall-clock ms, as Redis's mstime(): TILT exists to catch jumps of that clock), and
// executes the effects it appends to an Outbox.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cluster/core/result.h"
#include "cluster/core/rng.h"
#include "cluster/sentinel/effects.h"
#include "cluster/sentinel/info_parser.h"
#include "cluster/sentinel/sentinel_state.h"

namespace slotd::sentinel {

using Ok = std::monostate;

// SENTINEL IS-MASTER-DOWN-BY-ADDR reply: [:down, $leader-or-*, :leader_epoch].
struct IsMasterDownReply {
  bool down = false;
  std::string leader = "*";
  uint64_t leader_epoch = 0;
};

// SENTINEL SIMULATE-FAILURE flags: the host exits the process when the node reports the crash.
inline constexpr uint32_t kSimFailureCrashAfterElection = 1u << 0;
inline constexpr uint32_t kSimFailureCrashAfterPromotion = 1u << 1;

class SentinelNode {
 public:
  // `state` comes from the config file (ApplySentinelConfig); an empty myid is generated from rng.
  SentinelNode(SentinelState state, uint64_t seed, int64_t now);

  // Resolves a hostname to an IP, "" when it cannot (anetResolve). Redis resolves synchronously
  // where an address is created or compared with a hostname; the host supplies the lookup. Without
  // one, hostnames stay unresolved and are shown as they are.
  using Resolver = std::function<std::string(const std::string& host)>;
  void SetResolver(Resolver resolver) { resolver_ = std::move(resolver); }

  // Generates and saves myid when missing, logs it and the +monitor events (sentinelIsRunning).
  void Start(int64_t now, Outbox& out);
  void Tick(int64_t now, Outbox& out);
  void OnLinkUp(const Address& addr, int64_t now, Outbox& out);
  void OnLinkDown(const Address& addr, int64_t now, Outbox& out);
  void OnReply(const Address& from, RequestKind kind, std::string_view master, const Reply& reply,
               int64_t now, Outbox& out);
  // A fresh lookup of `host` (the host resolves again before every reconnect, as Redis does):
  // every address with that host takes the new IP.
  void OnHostResolved(std::string_view host, std::string_view ip);
  // A hello received on a master/replica's __sentinel__:hello channel or by PUBLISH to us.
  void OnHello(std::string_view payload, int64_t now, Outbox& out);

  // SENTINEL subcommands that change state. Errors are Redis 7.0's texts without the '-'.
  Result<Ok> Monitor(std::string_view name, std::string_view ip, std::string_view port,
                     std::string_view quorum, int64_t now, Outbox& out);
  Result<Ok> Remove(std::string_view name, int64_t now, Outbox& out);
  Result<Ok> Set(std::string_view name, const std::vector<std::string>& option_values, int64_t now,
                 Outbox& out);
  Result<Ok> Failover(std::string_view name, int64_t now, Outbox& out);
  int64_t Reset(std::string_view pattern, int64_t now, Outbox& out);
  IsMasterDownReply IsMasterDownByAddr(std::string_view ip, int port, uint64_t req_epoch,
                                       std::string_view req_runid, int64_t now, Outbox& out);
  void FlushConfig(int64_t now, Outbox& out);
  // SENTINEL CONFIG SET / GET (resolve-hostnames, announce-hostnames, announce-ip, announce-port,
  // sentinel-user, sentinel-pass). GET returns (name, value) pairs matching the glob pattern.
  Result<Ok> ConfigSet(std::string_view option, std::string_view value, int64_t now, Outbox& out);
  std::vector<std::pair<std::string, std::string>> ConfigGet(std::string_view pattern) const;
  void SimulateFailure(uint32_t flags) { state_.simfailure_flags = flags; }
  // SENTINEL DEBUG <param> <value> (a kTimingParams name, any case; the value already checked > 0):
  // false for an unknown name.
  bool SetTiming(std::string_view name, int64_t value);
  const Timings& timings() const { return state_.timings; }

  // Read-only SENTINEL subcommands.
  Result<std::string> CkQuorum(std::string_view name) const;  // "OK <n> usable Sentinels. ..."
  std::optional<Address> GetMasterAddrByName(std::string_view name) const;
  // How an address is shown in replies, events, hellos and commands (announce-hostnames).
  std::string_view Announce(const Address& addr) const {
    return Announced(addr, state_.announce_hostnames);
  }
  const SentinelState& state() const { return state_; }
  const std::string& myid() const { return state_.myid; }
  // True once a SIMULATE-FAILURE crash point was reached; the host then exits with code 99.
  bool crashed() const { return crashed_; }

 private:
  // Runs one input: binds now/out, then saves the config once if the input changed it.
  template <typename F>
  auto WithInput(int64_t now, Outbox& out, F&& body) {
    now_ = now;
    out_ = &out;
    struct Finish {
      SentinelNode* self;
      ~Finish() {
        self->FlushIfDirty();
        self->out_ = nullptr;
      }
    } finish{this};
    return body();
  }
  void FlushIfDirty();

  // Addresses (sentinel_node.cc). MakeAddress resolves a hostname with resolve-hostnames;
  // AddressIsHost compares an address with a host named on the wire (sentinelAddrEqualsHostname).
  Address MakeAddress(std::string host, int port);
  std::string Resolve(const std::string& host);
  bool AddressIsHost(const Address& addr, std::string_view host);
  std::string ReplicaName(const Address& addr) const;
  void ResolveConfiguredAddresses();
  std::string Describe(const Master& m, const Instance& ri) const {
    return sentinel::Describe(m, ri, state_.announce_hostnames);
  }

  // Events: log line, publication on the event channel, notification script (WARNING only).
  void Event(LogLevel level, std::string_view type, const Master* master, std::string payload);
  void Log(LogLevel level, std::string text);
  void MarkConfigDirty() { config_dirty_ = true; }
  void SimulatedCrash() {
    Log(LogLevel::kWarning, "Sentinel CRASH because of SENTINEL simulate-failure");
    crashed_ = true;
  }
  void Send(const Master& m, const Instance& ri, RequestKind kind, std::vector<std::string> argv);
  bool SendReplicaOf(const Master& m, Instance& ri, const Address* target);

  // Links and periodic traffic (sentinel_node.cc).
  Link& LinkFor(const Address& addr);
  bool Connected(const Address& addr) const;
  void ReconnectInstance(const Master& m, const Instance& ri);
  void SendPeriodicCommands(Master& m, Instance& ri);
  void SendPing(const Master& m, const Instance& ri);
  void SendHelloTo(Master& m, Instance& ri);
  void CheckSubjectivelyDown(Master& m, Instance& ri);
  void HandleInstance(Master& m, Instance& ri);
  void CheckTilt();
  void CollectUnusedLinks();
  void ForceHelloUpdate(Master& m);
  Address CurrentMasterAddress(const Master& m) const;

  // Replies and discovery (sentinel_replies.cc).
  void OnPingReply(const Address& from, const Reply& reply);
  void OnInfoReply(Master& m, Instance& ri, const Reply& reply);
  void RefreshInstanceInfo(Master& m, Instance& ri, const InstanceInfo& info);
  void ActOnReportedRole(Master& m, Instance& ri, Role role);
  void TrackReconfProgress(Master& m, Instance& ri);
  bool NoDownFor(const Instance& ri, int64_t ms) const;
  Instance* FindInstanceAt(Master& m, const Address& addr, bool include_sentinels);
  Instance* FindReplica(Master& m, const Address& addr);
  void OnIsMasterDownReply(Master& m, const Address& from, const Reply& reply);
  void ProcessHello(const Hello& hello);
  void UpdateSentinelAddressInAllMasters(Master& m, const Instance& si);
  void ResetMaster(Master& m, bool keep_sentinels, bool event);
  void ResetMasterAndChangeAddress(Master& m, const Address& addr);
  void CallClientReconfScript(const Master& m, const char* role, const Address& from,
                              const Address& to);

  // Agreement (election.cc).
  void CheckObjectivelyDown(Master& m);
  void AskMasterStateToOtherSentinels(Master& m, bool forced);
  bool StartFailoverIfNeeded(Master& m);
  void StartFailover(Master& m);
  std::string VoteLeader(Master& m, uint64_t req_epoch, const std::string& req_runid,
                         uint64_t* leader_epoch);
  std::string GetLeader(Master& m, uint64_t epoch);

  // Failover (failover_fsm.cc).
  void FailoverStateMachine(Master& m);
  void FailoverWaitStart(Master& m);
  void FailoverSelectSlave(Master& m);
  void FailoverSendSlaveOfNoOne(Master& m);
  void FailoverWaitPromotion(Master& m);
  void FailoverReconfNextSlave(Master& m);
  void FailoverDetectEnd(Master& m);
  void AbortFailover(Master& m);
  void SwitchToPromotedReplica(Master& m);

 public:
  // Replica selection, exposed for SENTINEL FAILOVER's -NOGOODSLAVE check and for tests.
  const Instance* SelectReplica(const Master& m) const;
  bool MasterLooksSane(const Master& m) const;

 private:
  SentinelState state_;
  Rng rng_;
  Resolver resolver_;
  int64_t now_ = 0;
  Outbox* out_ = nullptr;
  bool config_dirty_ = false;
  bool crashed_ = false;
};

}  // namespace slotd::sentinel
