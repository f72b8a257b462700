// ClusterNode: the Redis Cluster 7.0 protocol of one node as a state machine. Inputs are method
// calls carrying `now` (monotonic ms); outputs are effects appended to an Outbox. No clocks,
// sockets, files or ambient randomness: one seed and one input sequence give one effect trace.
// The handlers live in one file per protocol area (handshake.cc, gossip.cc, ...).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/bus/messages.h"
#include "cluster/core/result.h"
#include "cluster/core/rng.h"
#include "cluster/node/effects.h"
#include "cluster/topology/cluster_state.h"

namespace slotd {

// Redis 7.0 cluster-* settings (PROTOCOLS 4.13) plus this node's own addresses.
struct NodeOptions {
  int64_t node_timeout_ms = 15000;
  int replica_validity_factor = 10;
  int migration_barrier = 1;
  bool require_full_coverage = true;
  bool replica_no_failover = false;
  bool allow_replica_migration = true;
  int64_t repl_ping_replica_period_ms = 10000;
  Endpoint myself;            // port, cport, pport; ip/hostname when announced
  bool announce_ip = false;   // myself.ip is cluster-announce-ip (else learned from MEETs)
};

// The host's replication facts, sampled every tick.
struct ReplicationStatus {
  uint64_t offset = 0;  // master_repl_offset for a master, processed offset for a replica
  bool master_link_up = false;
  int64_t master_last_io_ms = 0;         // monotonic; valid when the link is up
  int64_t master_link_down_since_ms = 0; // monotonic; valid when it is down
};

struct TickInput {
  int64_t now_ms = 0;   // monotonic
  int64_t wall_ms = 0;  // Unix ms, for the times CLUSTER NODES and gossip show
  ReplicationStatus repl;
};

enum class FailoverMode { kDefault, kForce, kTakeover };
enum class SetSlotAction { kMigrating, kImporting, kStable, kNode };

// Admin replies: the value is the status text ("OK", "BUMPED 3"); errors are the message
// without the "ERR " prefix, worded exactly as Redis 7.0.
using AdminResult = Result<std::string>;

// A bus link bound to a known node (CLUSTER LINKS, the host's send-buffer limit).
struct LinkSummary {
  LinkId link = 0;
  NodeId node;
  bool inbound = false;
  int64_t ctime_ms = 0;  // monotonic
};

class ClusterNode {
 public:
  // A fresh node with a new random id (its first SaveConfig records it).
  ClusterNode(const NodeOptions& options, uint64_t seed);
  // A node restored from nodes.conf text (clusterLoadConfig).
  // Applies changed options (CONFIG SET cluster-*) without a restart.
  void UpdateOptions(const NodeOptions& options, int64_t now_ms, Outbox& out);
  static Result<std::unique_ptr<ClusterNode>> Restore(const NodeOptions& options,
                                                      std::string_view nodes_conf,
                                                      uint64_t seed, int64_t now_ms);

  // clusterCron: call every 100 ms.
  void Tick(const TickInput& in, Outbox& out);
  // One decoded bus message received on `link`. Unknown links are ignored.
  void OnFrame(LinkId link, const bus::Message& msg, int64_t now_ms, Outbox& out);
  // Registers an accepted bus connection; `local_ip` is our address on that socket and
  // `peer_ip` the remote one.
  LinkId OnAccept(std::string_view peer_ip, std::string_view local_ip, int64_t now_ms);
  // A link failed or closed (connect error, peer closed, garbage). Never echoed as CloseLink.
  void OnLinkDown(LinkId link, int64_t now_ms, Outbox& out);

  // CLUSTER subcommands. Argument syntax is checked by the caller; state rules here.
  AdminResult Meet(std::string_view ip, int port, int cport, int64_t now_ms, Outbox& out);
  AdminResult AddSlots(const std::vector<int>& slots, Outbox& out);
  AdminResult DelSlots(const std::vector<int>& slots, Outbox& out);
  // Inclusive [first, last] pairs (ADDSLOTSRANGE / DELSLOTSRANGE).
  AdminResult AddSlotsRange(const std::vector<std::pair<int, int>>& ranges, Outbox& out);
  AdminResult DelSlotsRange(const std::vector<std::pair<int, int>>& ranges, Outbox& out);
  AdminResult FlushSlots(Outbox& out);
  // `slot_has_keys`: the keyspace holds keys in `slot` (for SETSLOT NODE).
  AdminResult SetSlot(int slot, SetSlotAction action, std::string_view node_id,
                      bool slot_has_keys, int64_t now_ms, Outbox& out);
  // `db_empty`: no keys at all (a master with keys cannot become a replica).
  AdminResult Replicate(std::string_view node_id, bool db_empty, int64_t now_ms, Outbox& out);
  AdminResult Failover(FailoverMode mode, int64_t now_ms, Outbox& out);
  AdminResult Forget(std::string_view node_id, int64_t now_ms, Outbox& out);
  // REQUIRES (caller-checked): a master holds no keys. Keys of a replica are flushed by the host.
  AdminResult Reset(bool hard, int64_t now_ms, Outbox& out);
  AdminResult BumpEpoch(Outbox& out);
  AdminResult SetConfigEpoch(int64_t epoch, Outbox& out);
  Result<int64_t> CountFailureReports(std::string_view node_id, int64_t now_ms);
  AdminResult SaveConfig(Outbox& out);
  // PUBLISH in cluster mode: relays the message to every node (clusterPropagatePublish); with
  // `shard` (SPUBLISH) only to the other nodes serving this node's slots.
  void Publish(std::string_view channel, std::string_view message, bool shard, int64_t now_ms,
               Outbox& out);

  const ClusterState& state() const { return *state_; }
  const NodeOptions& options() const { return options_; }
  const NodeId& id() const { return state_->myself().id; }
  int64_t wall_offset_ms() const { return wall_offset_ms_; }
  // nodes.conf text of the current state.
  std::string ConfigText() const;
  // True while this master pauses writes for a replica's manual failover.
  const std::array<uint64_t, bus::kTypeCount>& sent_by_type() const { return sent_by_type_; }
  const std::array<uint64_t, bus::kTypeCount>& received_by_type() const {
    return received_by_type_;
  }
  // CLUSTER MYSHARDID (7.2): shared by a master and its replicas.
  const NodeId& shard_id() const { return state_->myself().shard_id; }
  // The host's replication offset right now (headers carry it; Tick also samples it).
  void set_repl_offset(uint64_t offset) { repl_.offset = offset; }
  // Each node's outbound link, then its inbound one, in node-id order (clusterLinksCommand).
  std::vector<LinkSummary> Links() const;
  bool writes_paused() const { return mf_.end_ms != 0 && state_->myself().IsMaster(); }

 private:
  struct LinkInfo {
    NodeId node;  // outbound: the node; inbound: null until a known sender speaks on it
    bool inbound = false;
    int64_t ctime_ms = 0;
    std::string peer_ip;
    std::string local_ip;
  };
  struct Election {  // clusterState failover_auth_* and cant_failover_reason
    int64_t auth_time_ms = 0;
    int auth_count = 0;
    std::vector<NodeId> voters;  // masters whose ack was counted (a duplicate never counts twice)
    bool auth_sent = false;
    int auth_rank = 0;
    uint64_t auth_epoch = 0;
    int cant_reason = 0;
    int64_t last_log_ms = 0;
  };
  struct ManualFailover {  // clusterState mf_*
    int64_t end_ms = 0;
    bool can_start = false;
    NodeId replica;               // master side: the replica being failed over to
    int64_t master_offset = -1;   // replica side: the paused master's offset
  };
  enum Todo : unsigned {
    kTodoSave = 1,
    kTodoFsync = 2,
    kTodoUpdateState = 4,
    kTodoHandleFailover = 8,
    kTodoTopology = 16,
  };

  ClusterNode(const NodeOptions& options, std::unique_ptr<ClusterState> state, uint64_t seed);
  bool ApplyOwnEndpoint();

  // ---- cluster_node.cc: plumbing ----
  void Begin(int64_t now_ms, Outbox& out);
  void Finish();
  void Todo(unsigned flags) { todo_ |= flags; }
  void Log(EffectLogLevel level, std::string text);
  bus::Header BuildHeader(bus::MessageType type) const;
  void Send(LinkId link, bus::Message msg);
  // To every node with an outbound link except myself and handshake nodes, in id order.
  void Broadcast(const bus::Message& msg);
  LinkId NewLink(const NodeId& node, bool inbound);
  void FreeLink(LinkId link);  // closes it and detaches it from its node
  NodeRecord* LinkNode(LinkId link);
  void ClearLinkOf(NodeRecord& n);
  void CronLinks();
  void CronRandomPing();
  // Per-node timers (ping, link drop, PFAIL); fills the replica-migration counts.
  bool CronTimers(int* orphaned, int* max_replicas, int* my_master_replicas);

  // ---- handshake.cc ----
  bool StartHandshake(const std::string& ip, int port, int cport);
  void CronReconnect(NodeRecord& n);
  void HandleMeetOrPingFromUnknown(LinkId link, const bus::Message& msg);
  // Returns false when the message must not be processed further (node deleted or renamed
  // away, or the link dropped).
  bool HandleHandshakeReply(LinkId link, NodeRecord* sender, const bus::Message& msg);
  bool UpdateAddressIfNeeded(NodeRecord& n, LinkId link, const bus::Header& h);
  std::string PeerIp(LinkId link, const bus::Header& h) const;
  bool Blacklisted(const NodeId& id) const;
  void DeleteNode(const NodeId& id);

  // ---- gossip.cc ----
  bus::Message BuildPing(LinkId link, bus::MessageType type);
  void SendPing(LinkId link, bus::MessageType type);
  void HandlePingFamily(LinkId link, NodeRecord* sender, const bus::Message& msg);
  void ProcessGossip(NodeRecord* sender, const bus::Message& msg);
  void ProcessExtensions(NodeRecord& sender, const bus::Message& msg);
  void UpdateShardId(NodeRecord& n, const NodeId& shard_id);
  void BroadcastPong(bool local_replicas_only);

  // ---- failure_detection.cc ----
  void MarkFailingIfNeeded(NodeRecord& n);
  void ClearFailureIfNeeded(NodeRecord& n);
  void HandleFail(NodeRecord* sender, const bus::Message& msg);
  int CountFailureReportsOf(NodeRecord& n);
  void SendFail(const NodeId& failing);

  // ---- roles.cc ----
  void SetNodeAsMaster(NodeRecord& n);
  void SetMyMaster(NodeRecord& master);  // clusterSetMaster
  void UpdateRoleFromHeader(NodeRecord& sender, const bus::Header& h);
  void StartReplication(const NodeRecord& master);
  void StopReplication();

  // ---- slot_config.cc ----
  void UpdateSlotsConfigWith(NodeRecord& sender, ConfigEpoch epoch, const SlotBitmap& slots);
  void HandleUpdate(NodeRecord* sender, const bus::Message& msg);
  void SendUpdate(LinkId link, const NodeRecord& n);
  void CheckSlotClaims(NodeRecord& sender, const bus::Header& h, LinkId link);

  // ---- epochs.cc ----
  void HandleEpochCollision(NodeRecord& sender);
  bool BumpEpochWithoutConsensus();

  // ---- replica_election.cc ----
  void HandleReplicaFailover();
  void ScheduleElection();
  int ReplicaRank() const;
  void RequestFailoverAuth();
  void HandleAuthAck(NodeRecord* sender, const bus::Header& h);
  void ReplaceMyMaster();
  void LogCantFailover(int reason);

  // ---- vote_granting.cc ----
  void HandleAuthRequest(NodeRecord* sender, const bus::Message& msg);

  // ---- manual_failover.cc ----
  void ResetManualFailover();
  void CheckManualFailoverTimeout();
  void HandleManualFailover();
  void HandleMfStart(LinkId link, NodeRecord* sender);

  // ---- replica_migration.cc ----
  void HandleReplicaMigration(int max_replicas);
  int CountNonFailingReplicas(const NodeRecord& master) const;

  // ---- cluster_health.cc ----
  void UpdateState();

  // ---- admin.cc ----
  AdminResult ChangeSlots(const std::vector<std::pair<int, int>>& ranges, bool check_order,
                          bool del, Outbox& out);
  AdminResult SetSlotNode(int slot, NodeRecord& n, bool slot_has_keys);

  NodeOptions options_;
  std::unique_ptr<ClusterState> state_;
  Rng rng_;
  std::map<LinkId, LinkInfo> links_;
  LinkId next_link_ = 1;
  std::map<NodeId, int64_t> blacklist_;  // CLUSTER FORGET: id -> expiry
  Election election_;
  ManualFailover mf_;
  ReplicationStatus repl_;
  bool replicating_ = false;  // a ReplicateFrom is in force (server.masterhost != NULL)
  int pfail_nodes_ = 0;       // PFAIL nodes counted by the last cron (gossip adds them all)
  uint64_t iteration_ = 0;
  int64_t first_state_call_ms_ = 0;
  int64_t among_minority_ms_ = 0;
  int64_t wall_offset_ms_ = 0;
  unsigned todo_ = 0;
  bool save_deferred_ = false;  // a non-fsync save waits for the next tick
  bool in_tick_ = false;
  // BuildHeader's cache of the advertised slot bitmap.
  mutable uint64_t header_slots_version_ = UINT64_MAX;
  mutable NodeId header_slots_node_;
  mutable SlotBitmap header_slots_;
  std::array<uint64_t, bus::kTypeCount> sent_by_type_{};
  std::array<uint64_t, bus::kTypeCount> received_by_type_{};
  // The input being processed.
  int64_t now_ = 0;
  Outbox* out_ = nullptr;
  size_t out_mark_ = 0;
};

}  // namespace slotd
