// SentinelSim: several SentinelNodes and tiny models of Redis masters/replicas in one process, on a
// simulated clock and network (delay, loss, partitions, crashes, clock jumps), with the Sentinel
// invariants checked after every delivered input. One seed gives one run.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cluster/core/rng.h"
#include "cluster/sentinel/sentinel_node.h"

namespace slotd::sim {

using sentinel::Address;

// Reads SLOTD_SIM_SEED (replay) or returns `fallback`; prints "SEED=<n>" either way.
uint64_t SentinelSeed(uint64_t fallback, std::string_view test_name);

struct SentinelSimOptions {
  int sentinels = 3;
  int replicas = 2;
  int quorum = 2;
  int64_t down_after_ms = 5000;
  int64_t failover_timeout_ms = 15000;
  int parallel_syncs = 1;
  int64_t min_delay_ms = 1;
  int64_t max_delay_ms = 10;
  double loss = 0;  // each message (request, reply, hello) is lost with this probability
  bool verbose = false;
};

// A monitored redis-server, reduced to what Sentinel observes.
struct DataServer {
  Address addr;
  bool alive = true;
  bool is_master = false;
  Address master_of;
  int priority = 100;
  uint64_t offset = 0;
  std::string runid;
  int64_t link_up_at = 0;     // a replica's link to its master is up from then (sync time)
  int ignore_promotions = 0;  // SLAVEOF NO ONE requests to swallow (a stuck replica)
};

class SentinelSim {
 public:
  SentinelSim(uint64_t seed, SentinelSimOptions options);

  void RunFor(int64_t ms);
  bool RunUntil(const std::function<bool()>& pred, int64_t max_ms);
  int64_t now() const { return now_; }

  // Faults.
  void Crash(int data_index);
  void Restart(int data_index);  // comes back with a new run id and its old role
  void Cut(const Address& a, const Address& b);
  void Heal();
  void JumpClock(int sentinel, int64_t delta);  // that sentinel's clock moves, nothing else
  // Stops a sentinel: no ticks, inputs or replies until RestartSentinel.
  void CrashSentinel(int s);
  // Throws the sentinel away and rebuilds it from the config it last saved (its links are gone).
  void RestartSentinel(int s);
  const std::string& saved_config(int s) const { return sentinels_[s].saved_config; }

  // Observation.
  int sentinel_count() const { return static_cast<int>(sentinels_.size()); }
  bool sentinel_alive(int s) const { return sentinels_[s].alive; }
  const sentinel::SentinelNode& node(int s) const { return *sentinels_[s].node; }
  Address sentinel_addr(int s) const { return sentinels_[s].addr; }
  DataServer& data(int i) { return data_[i]; }
  int data_count() const { return static_cast<int>(data_.size()); }
  int DataIndex(const Address& addr) const;
  // Every sentinel answers GET-MASTER-ADDR-BY-NAME with `addr`.
  bool AllReport(const Address& addr) const;
  // Events published by sentinel s ("<channel> <payload>"), or by any sentinel when s < 0.
  std::vector<std::string> Events(int s, std::string_view prefix) const;
  int CountEvents(int s, std::string_view prefix) const {
    return static_cast<int>(Events(s, prefix).size());
  }
  // Failover epochs in which some replica was promoted, with that replica's name.
  const std::map<uint64_t, std::string>& promotions() const { return promoted_by_epoch_; }
  const std::vector<std::string>& violations() const { return violations_; }
  uint64_t TraceHash() const { return trace_hash_; }

  static constexpr const char* kMasterName = "mymaster";

 private:
  struct SimSentinel {
    std::unique_ptr<sentinel::SentinelNode> node;
    Address addr;
    int64_t clock_offset = 0;
    std::map<Address, bool> links;        // true: connected, false: connecting
    std::map<Address, uint64_t> attempt;  // the connect attempt a timeout belongs to
    uint64_t next_attempt = 0;
    std::string saved_config;  // the sentinel lines of its last SaveConfig
    bool alive = true;
    uint64_t last_epoch = 0;
  };
  struct Pending {
    int64_t at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  int64_t NowOf(int s) const { return now_ + sentinels_[s].clock_offset; }
  void Schedule(int64_t at, std::function<void()> fn);
  // Sends over the network: lost, cut or delivered after a FIFO-preserving delay.
  void Transmit(const Address& from, const Address& to, std::function<void()> fn);
  bool Reachable(const Address& a, const Address& b) const;
  bool LinkUp(int s, const Address& to) const;
  void DropLinksTo(const Address& addr);  // peers see the connection reset
  int SentinelIndex(const Address& addr) const;

  template <typename F>
  void Deliver(int s, F&& input) {
    if (!sentinels_[s].alive) return;
    sentinel::Outbox out;
    input(*sentinels_[s].node, NowOf(s), out);
    Execute(s, out);
    CheckInvariants(s);
  }
  void Execute(int s, sentinel::Outbox& out);
  void ExecuteConnect(int s, const sentinel::Connect& c);
  void ExecuteCommand(int s, const sentinel::SendCommand& c);
  void ExecuteHello(int s, sentinel::SendHello h);
  sentinel::Reply AnswerData(DataServer& d, const std::vector<std::string>& argv);
  sentinel::Reply AnswerSentinel(int target, const std::vector<std::string>& argv);
  std::string InfoOf(const DataServer& d) const;
  void Tick(int s);
  void StepData();
  void Record(int s, const std::string& channel, const std::string& payload);
  void CheckInvariants(int s);

  SentinelSimOptions options_;
  Rng rng_;
  int64_t now_;
  uint64_t seq_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  std::vector<SimSentinel> sentinels_;
  std::vector<DataServer> data_;
  std::set<std::pair<Address, Address>> cuts_;
  std::map<std::pair<Address, Address>, int64_t> last_delivery_;
  int restarts_ = 0;

  std::vector<std::pair<int, std::string>> trace_;  // (sentinel, "<channel> <payload>")
  uint64_t trace_hash_ = 1469598103934665603ULL;
  std::map<std::pair<std::string, uint64_t>, int> leader_by_epoch_;
  std::map<uint64_t, std::string> promoted_by_epoch_;
  std::map<std::tuple<int, std::string, uint64_t>, std::string> votes_;
  std::vector<std::string> violations_;
};

}  // namespace slotd::sim
