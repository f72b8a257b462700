// SimCluster: many ClusterNodes in one process over a simulated clock and network (delay,
// loss, duplication, reordering, symmetric and one-way partitions, frames cut at random byte
// boundaries through the real codec and FrameReader), crash/restart from the last saved
// nodes.conf, a model of replication offsets, and the cluster/README.md invariants checked
// after every step. One seed gives one run.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/bus/frame_reader.h"
#include "cluster/core/rng.h"
#include "cluster/node/cluster_node.h"

namespace slotd::sim {

struct NetOptions {
  int64_t min_delay_ms = 1;
  int64_t max_delay_ms = 8;
  double loss = 0;       // a whole frame is lost
  double duplicate = 0;  // a frame is delivered twice
  double reorder = 0;    // a frame may overtake earlier ones on its connection
};

struct SimOptions {
  int masters = 3;
  int replicas_per_master = 1;
  int64_t node_timeout_ms = 1000;
  NetOptions net;
  bool set_config_epochs = true;  // redis-cli's SET-CONFIG-EPOCH 1..N before MEET
  int64_t check_every_ms = 0;     // how often Create() evaluates convergence (0: every event)
  // Create() makes each replica MEET its master and REPLICATE before the cluster-wide MEETs
  // (redis-cli does REPLICATE after the join). A node learns another's role only from that
  // node's own headers, and once gossip keeps PONG times fresh a pair of nodes exchanges a
  // PING only by the once-a-second random choice: in a 1000-node mesh that is about once per
  // 500 s, so roles set after the join take hours of simulated time to be known everywhere,
  // while roles set before it travel with the first PING of every new link.
  bool replicas_before_meet = false;
  // Converged() requires every node to know every other node's role. Large meshes learn roles
  // only from direct PINGs (see above) and may leave this off, then count StaleRoleViews().
  bool converge_roles = true;
  bool check_invariants = true;
  bool verbose = false;  // print every log line
};

// Reads SLOTD_SIM_SEED (replay) or returns `fallback`; prints "SEED=<n>" either way.
uint64_t SeedFromEnv(uint64_t fallback, std::string_view test_name);

class SimCluster {
 public:
  SimCluster(uint64_t seed, SimOptions options);
  // Per-node option overrides, applied on creation and restart.
  std::function<void(int, NodeOptions&)> customize_options;
  ~SimCluster() = default;

  // Starts masters + masters*replicas fresh nodes and builds the cluster the way
  // redis-cli --cluster create does: slots split evenly, SET-CONFIG-EPOCH 1..N, MEET, then
  // REPLICATE. Returns after every node agrees (or fails the invariant record).
  bool Create(int64_t max_ms = 60000);
  // Adds one fresh node (not met yet); returns its index.
  int AddNode();

  void RunFor(int64_t ms);
  // Runs until `pred` holds (checked after every event); false on timeout.
  // `check_every_ms` > 0 evaluates `pred` at most that often (large clusters).
  bool RunUntil(const std::function<bool()>& pred, int64_t max_ms, int64_t check_every_ms = 0);
  // With SLOTD_SIM_PROGRESS set, prints why not yet at every check.
  bool RunUntilConverged(int64_t max_ms, int64_t check_every_ms = 0);

  // Faults.
  void Crash(int i, bool lose_unsynced = false);
  void Restart(int i);
  // The operator's repair after a power loss made node i forget members (Redis keeps
  // membership changes unsynced too): another up node MEETs it again.
  void Rejoin(int i);
  void Isolate(int i);                   // symmetric partition {i} | rest
  void Partition(const std::vector<int>& side);
  void CutOneWay(int from, int to);      // frames from -> to are dropped
  void Heal();

  // Runs an admin call on node i at the current time and executes its effects.
  AdminResult Admin(int i, const std::function<AdminResult(ClusterNode&, int64_t, Outbox&)>& fn);

  // Views.
  int size() const { return static_cast<int>(nodes_.size()); }
  bool up(int i) const { return nodes_[i]->up; }
  ClusterNode& node(int i) { return *nodes_[i]->node; }
  const NodeId& id(int i) const { return ids_[i]; }
  int IndexOf(const NodeId& id) const;
  int64_t now() const { return now_; }
  int64_t node_timeout() const { return options_.node_timeout_ms; }
  bool IsMaster(int i) const;            // in its own view
  int MasterOf(int i) const;             // index of i's master in its own view, -1 if none
  int OwnerOf(int slot, int viewer) const;
  uint64_t ReplOffset(int i) const { return nodes_[i]->offset; }
  bool LogContains(int i, std::string_view text) const;
  int CountLogs(std::string_view text) const;  // over all nodes and incarnations
  // Every up node knows every node, agrees on slot owners and roles, sees no up node as
  // failing, and reports cluster_state ok.
  bool Converged() const;
  std::string WhyNotConverged() const;
  // (viewer, node) pairs of up nodes where the viewer has the node's role or master wrong.
  int StaleRoleViews() const;
  // First invariant violation, empty when none.
  const std::string& violation() const { return violation_; }
  uint64_t trace_hash() const { return trace_hash_; }
  uint64_t frames_delivered() const { return frames_delivered_; }
  uint64_t config_saves() const { return config_saves_; }

 private:
  enum class EventKind { kTick, kDeliver, kLinkDown };
  struct Event {
    int64_t t = 0;
    uint64_t seq = 0;
    EventKind kind = EventKind::kTick;
    int node = 0;             // the receiving node
    uint64_t incarnation = 0; // dropped if the node restarted since
    LinkId link = 0;          // kLinkDown
    int conn = -1;            // kDeliver
    int dir = 0;              // kDeliver: 0 = a->b, 1 = b->a
    std::shared_ptr<const std::string> bytes;
  };
  struct EventLater {
    bool operator()(const Event& a, const Event& b) const {
      return a.t != b.t ? a.t > b.t : a.seq > b.seq;
    }
  };
  struct Conn {
    int end[2] = {-1, -1};       // node indexes: a (connector), b (acceptor)
    LinkId link[2] = {0, 0};     // the link id at each end
    uint64_t incarnation[2] = {0, 0};
    int64_t last_t[2] = {0, 0};
    bool open = true;
  };
  struct SimNode {
    std::unique_ptr<ClusterNode> node;
    bool up = true;
    uint64_t incarnation = 0;
    std::string written_conf;  // last SaveConfig (survives a process crash)
    std::string synced_conf;   // last fsynced SaveConfig (survives a power loss)
    std::map<LinkId, int> link_conn;
    std::vector<std::string> logs;
    // Replication model.
    int repl_master = -1;
    uint64_t offset = 0;
    bool repl_link_up = false;
    int64_t repl_last_io = 0;
    int64_t repl_down_since = 0;
    int64_t paused_until = 0;
    uint64_t max_current_epoch = 0;
    uint64_t max_last_vote_epoch = 0;
  };

  void Replicate();                     // every replica REPLICATEs its master
  bool ReplicateFirst(int64_t max_ms);   // replicas_before_meet: MEET + REPLICATE per pair
  bool ConvergeWithRepair(int64_t max_ms);
  void Schedule(Event ev);
  void Step(const Event& ev);
  void TickNode(int i);
  void Execute(int i, Outbox& out);
  void ExecuteSend(int i, const SendEffect& send);
  void Connect(int i, const ConnectEffect& c);
  void CloseConn(int conn, int closer);
  void Deliver(const Event& ev);
  void LinkDownLater(int node, LinkId link);
  bool Cut(int from, int to) const;
  int64_t Delay();
  void Hash(uint64_t v);
  void HashBytes(std::string_view s);
  void CheckAfterInput(int i, bool state_saved);
  void CheckSlotClaims();
  void CheckFailQuorum(int i, std::string_view log_text);
  void Fail(std::string what);
  std::string Address(int i) const;
  NodeOptions NodeOptionsFor(int i) const;

  SimOptions options_;
  Rng rng_;
  int64_t now_ = 1000000;  // arbitrary non-zero start
  uint64_t seq_ = 0;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<NodeId> ids_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::priority_queue<Event, std::vector<Event>, EventLater> queue_;
  std::set<std::pair<int, int>> cuts_;
  std::map<std::string, int> by_address_;
  // Every delivery event carries whole frames, so between events a link's reader is always
  // empty and one reader can serve every connection (per-link buffers would cost 1M * 12 KB
  // in the 1000-node run).
  bus::FrameReader reader_;
  std::set<std::pair<uint64_t, uint64_t>> votes_;  // (voter index, epoch)
  std::string violation_;
  uint64_t trace_hash_ = 1469598103934665603ULL;
  uint64_t frames_delivered_ = 0;
  uint64_t config_saves_ = 0;
};

}  // namespace slotd::sim
