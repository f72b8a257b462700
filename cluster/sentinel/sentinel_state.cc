// Record factories, lookups and the textual forms (event descriptor, flags) of sentinel state.
#include "cluster/sentinel/sentinel_state.h"

#include <cctype>

namespace slotd::sentinel {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kMaster:
      return "master";
    case Role::kReplica:
      return "slave";
    case Role::kSentinel:
      return "sentinel";
  }
  return "?";
}

const char* FailoverStateName(FailoverState state) {
  switch (state) {
    case FailoverState::kNone:
      return "none";
    case FailoverState::kWaitStart:
      return "wait_start";
    case FailoverState::kSelectSlave:
      return "select_slave";
    case FailoverState::kSendSlaveofNoone:
      return "send_slaveof_noone";
    case FailoverState::kWaitPromotion:
      return "wait_promotion";
    case FailoverState::kReconfSlaves:
      return "reconf_slaves";
    case FailoverState::kUpdateConfig:
      return "update_config";
  }
  return "unknown";
}

Instance* Master::promoted_replica() {
  if (promoted.empty()) return nullptr;
  auto it = replicas.find(promoted);
  return it == replicas.end() ? nullptr : &it->second;
}

const Instance* Master::promoted_replica() const {
  return const_cast<Master*>(this)->promoted_replica();
}

std::string Master::Command(std::string_view name) const {
  auto it = renamed_commands.find(Lower(name));
  return it == renamed_commands.end() ? std::string(name) : it->second;
}

Master* SentinelState::FindMaster(std::string_view name) {
  auto it = masters.find(std::string(name));
  return it == masters.end() ? nullptr : &it->second;
}

const Master* SentinelState::FindMaster(std::string_view name) const {
  return const_cast<SentinelState*>(this)->FindMaster(name);
}

void ResetLinkTimers(Link& link, int64_t now) {
  link.act_ping_time = now;
  link.last_ping_time = 0;
  link.last_avail_time = now;
  link.last_pong_time = now;
}

namespace {

void InitInstance(Instance& ri, Role role, std::string name, Address addr, int64_t down_after,
                  int64_t now) {
  ri.role = role;
  ri.name = std::move(name);
  ri.addr = std::move(addr);
  ri.down_after_ms = down_after;
  ri.role_reported = role == Role::kReplica ? Role::kReplica : Role::kMaster;
  ri.role_reported_time = now;
  ri.slave_conf_change_time = now;
}

}  // namespace

Master MakeMaster(std::string name, Address addr, int quorum, const Timings& timings,
                  int64_t now) {
  Master m;
  InitInstance(m, Role::kMaster, std::move(name), std::move(addr), timings.default_down_after, now);
  m.quorum = quorum;
  m.failover_timeout = timings.default_failover_timeout;
  return m;
}

Instance MakeReplica(const Master& master, std::string name, Address addr, int64_t now) {
  Instance ri;
  InitInstance(ri, Role::kReplica, std::move(name), std::move(addr), master.down_after_ms, now);
  return ri;
}

Instance MakeSentinel(const Master& master, std::string runid, Address addr, int64_t now) {
  Instance ri;
  InitInstance(ri, Role::kSentinel, runid, std::move(addr), master.down_after_ms, now);
  ri.runid = std::move(runid);
  return ri;
}

std::string Describe(const Master& master, const Instance& ri, bool announce_hostnames) {
  std::string out = RoleName(ri.role);
  out += ' ';
  out += ri.name;
  out += ' ';
  out += Announced(ri.addr, announce_hostnames);
  out += ' ';
  out += std::to_string(ri.addr.port);
  if (ri.role != Role::kMaster) {
    out += " @ " + master.name + " ";
    out += Announced(master.addr, announce_hostnames);
    out += " " + std::to_string(master.addr.port);
  }
  return out;
}

std::string FlagsString(const Instance& ri, bool link_connected) {
  std::string out;
  auto add = [&out](const char* word) {
    out += word;
    out += ',';
  };
  if (ri.Has(kFlagSDown)) add("s_down");
  if (ri.Has(kFlagODown)) add("o_down");
  add(RoleName(ri.role));
  if (!link_connected) add("disconnected");
  if (ri.Has(kFlagMasterDown)) add("master_down");
  if (ri.Has(kFlagFailoverInProgress)) add("failover_in_progress");
  if (ri.Has(kFlagPromoted)) add("promoted");
  if (ri.Has(kFlagReconfSent)) add("reconf_sent");
  if (ri.Has(kFlagReconfInprog)) add("reconf_inprog");
  if (ri.Has(kFlagReconfDone)) add("reconf_done");
  if (ri.Has(kFlagForceFailover)) add("force_failover");
  if (ri.Has(kFlagScriptKillSent)) add("script_kill_sent");
  out.pop_back();
  return out;
}

}  // namespace slotd::sentinel
