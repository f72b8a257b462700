// What a sentinel believes: monitored masters with their replicas and fellow sentinels, the links
// to them, and the global epoch and TILT state (sentinel.c's sentinelRedisInstance, as plain data).
#pragma once
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "cluster/sentinel/address.h"

namespace slotd::sentinel {

// Periods and limits of Redis 7.0 (PROTOCOLS.md 8.1), all in milliseconds. SENTINEL DEBUG changes
// these at run time, as Redis does (they are never saved in the config file).
struct Timings {
  int64_t info_period = 10000;
  int64_t ping_period = 1000;
  int64_t ask_period = 1000;
  int64_t publish_period = 2000;
  int64_t default_down_after = 30000;
  int64_t default_failover_timeout = 180000;
  int64_t tilt_trigger = 2000;
  int64_t tilt_period = 30000;
  int64_t slave_reconf_timeout = 10000;
  int64_t min_link_reconnect_period = 15000;
  int64_t election_timeout = 10000;
  int64_t script_max_runtime = 60000;  // the host's script runner reads these two
  int64_t script_retry_delay = 30000;
};
// SENTINEL DEBUG's names for them, in the order Redis lists them.
struct TimingParam {
  const char* name;
  int64_t Timings::*field;
};
inline constexpr TimingParam kTimingParams[] = {
    {"INFO-PERIOD", &Timings::info_period},
    {"PING-PERIOD", &Timings::ping_period},
    {"ASK-PERIOD", &Timings::ask_period},
    {"PUBLISH-PERIOD", &Timings::publish_period},
    {"DEFAULT-DOWN-AFTER", &Timings::default_down_after},
    {"DEFAULT-FAILOVER-TIMEOUT", &Timings::default_failover_timeout},
    {"TILT-TRIGGER", &Timings::tilt_trigger},
    {"TILT-PERIOD", &Timings::tilt_period},
    {"SLAVE-RECONF-TIMEOUT", &Timings::slave_reconf_timeout},
    {"MIN-LINK-RECONNECT-PERIOD", &Timings::min_link_reconnect_period},
    {"ELECTION-TIMEOUT", &Timings::election_timeout},
    {"SCRIPT-MAX-RUNTIME", &Timings::script_max_runtime},
    {"SCRIPT-RETRY-DELAY", &Timings::script_retry_delay},
};
inline constexpr int64_t kDefaultDownAfterMs = Timings{}.default_down_after;
inline constexpr int64_t kDefaultFailoverTimeoutMs = Timings{}.default_failover_timeout;
inline constexpr int64_t kMaxDesyncMs = 1000;
inline constexpr int64_t kAskReplyValidityMs = 5000;
inline constexpr int kMaxPendingCommands = 100;
inline constexpr int kDefaultReplicaPriority = 100;
inline constexpr int kDefaultParallelSyncs = 1;

enum class Role { kMaster, kReplica, kSentinel };
const char* RoleName(Role role);  // "master", "slave", "sentinel" (as in events)

enum Flag : uint32_t {
  kFlagSDown = 1u << 0,
  kFlagODown = 1u << 1,
  kFlagMasterDown = 1u << 2,  // a sentinel's last is-master-down reply said 1
  kFlagFailoverInProgress = 1u << 3,
  kFlagPromoted = 1u << 4,
  kFlagReconfSent = 1u << 5,
  kFlagReconfInprog = 1u << 6,
  kFlagReconfDone = 1u << 7,
  kFlagForceFailover = 1u << 8,
  kFlagScriptKillSent = 1u << 9,
  kFlagMasterReboot = 1u << 10,
};

enum class FailoverState {
  kNone = 0,
  kWaitStart,
  kSelectSlave,
  kSendSlaveofNoone,
  kWaitPromotion,
  kReconfSlaves,
  kUpdateConfig,
};
const char* FailoverStateName(FailoverState state);  // "none", "wait_start", ...

// One connection (command link, plus the pub/sub link for data instances) to an address. Links are
// shared by every instance record at that address, as Redis shares links to sentinels.
struct Link {
  bool connected = false;
  bool connecting = false;
  int64_t last_reconn_time = 0;
  int64_t conn_time = 0;
  int64_t act_ping_time = 0;  // oldest PING still unanswered; 0 when none
  int64_t last_ping_time = 0;
  int64_t last_pong_time = 0;
  int64_t last_avail_time = 0;  // last +PONG / -LOADING / -MASTERDOWN
  int pending_commands = 0;
};

struct Instance {
  Role role = Role::kMaster;
  std::string name;  // master name, "ip:port" for replicas, runid for sentinels
  Address addr;
  std::string runid;
  uint32_t flags = 0;
  int64_t down_after_ms = kDefaultDownAfterMs;
  int64_t s_down_since = 0;
  int64_t o_down_since = 0;
  int64_t last_pub_time = 0;

  // From INFO (masters and replicas).
  std::string info;
  int64_t info_refresh = 0;
  Role role_reported = Role::kMaster;
  int64_t role_reported_time = 0;
  int64_t slave_conf_change_time = 0;

  // Replicas.
  int64_t master_link_down_time = 0;
  std::string slave_master_host;
  int slave_master_port = 0;
  bool slave_master_link_up = false;
  int slave_priority = kDefaultReplicaPriority;
  uint64_t slave_repl_offset = 0;
  bool replica_announced = true;
  int64_t slave_reconf_sent_time = 0;

  // Sentinels.
  int64_t last_hello_time = 0;
  int64_t last_master_down_reply_time = 0;
  std::string leader;  // its vote as reported to us
  uint64_t leader_epoch = 0;

  bool Has(uint32_t flag) const { return (flags & flag) != 0; }
};

struct Master : Instance {
  int quorum = 2;
  int64_t failover_timeout = kDefaultFailoverTimeoutMs;
  int parallel_syncs = kDefaultParallelSyncs;
  std::string notification_script;
  std::string client_reconfig_script;
  std::string auth_pass;
  std::string auth_user;
  int64_t master_reboot_down_after_period = 0;
  int64_t master_reboot_since_time = 0;
  std::map<std::string, std::string> renamed_commands;  // lowercase original -> new name

  uint64_t config_epoch = 0;
  std::string leader;  // my vote
  uint64_t leader_epoch = 0;
  uint64_t failover_epoch = 0;
  FailoverState failover_state = FailoverState::kNone;
  int64_t failover_state_change_time = 0;
  int64_t failover_start_time = 0;
  int64_t failover_delay_logged = 0;
  std::string promoted;  // key in `replicas` of the promoted replica, empty if none

  std::map<std::string, Instance> replicas;   // by name ("ip:port")
  std::map<std::string, Instance> sentinels;  // by runid

  Instance* promoted_replica();
  const Instance* promoted_replica() const;
  // The name a command goes out as (rename-command applies to the master and its replicas).
  std::string Command(std::string_view name) const;
};

struct SentinelState {
  std::string myid;
  uint64_t current_epoch = 0;
  std::map<std::string, Master> masters;  // by name (fixed iteration order)
  std::map<Address, Link> links;

  bool tilt = false;
  int64_t tilt_start_time = 0;
  int64_t previous_time = 0;

  Timings timings;
  std::string announce_ip;
  int announce_port = 0;
  bool deny_scripts_reconfig = true;
  bool resolve_hostnames = false;
  bool announce_hostnames = false;
  std::string sentinel_user;
  std::string sentinel_pass;
  uint32_t simfailure_flags = 0;

  Master* FindMaster(std::string_view name);
  const Master* FindMaster(std::string_view name) const;
};

// Record factories with Redis's initial values (createSentinelRedisInstance, createInstanceLink).
// A new master takes the current default down-after and failover-timeout.
Master MakeMaster(std::string name, Address addr, int quorum, const Timings& timings, int64_t now);
// A replica's name is its address as announced when it was first seen ("ip:port").
Instance MakeReplica(const Master& master, std::string name, Address addr, int64_t now);
Instance MakeSentinel(const Master& master, std::string runid, Address addr, int64_t now);
// Fresh link timers as Redis sets them when an instance link is created or a master is reset.
void ResetLinkTimers(Link& link, int64_t now);

// "%@": `<role> <name> <ip> <port>` plus ` @ <master> <ip> <port>` for replicas and sentinels.
std::string Describe(const Master& master, const Instance& ri, bool announce_hostnames);
// The comma list of SENTINEL MASTERS' `flags` field.
std::string FlagsString(const Instance& ri, bool link_connected);

}  // namespace slotd::sentinel
