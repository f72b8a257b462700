// ClusterState: node bookkeeping, slot binding, role links and nodes.conf conversion.
#include "cluster/topology/cluster_state.h"

#include <algorithm>

namespace slotd {
namespace {

struct FlagPair {
  uint16_t wire;
  uint16_t conf;
};
constexpr FlagPair kFlagPairs[] = {
    {bus::kFlagMyself, kNodeMyself},   {bus::kFlagMaster, kNodeMaster},
    {bus::kFlagSlave, kNodeSlave},     {bus::kFlagPfail, kNodePfail},
    {bus::kFlagFail, kNodeFail},       {bus::kFlagHandshake, kNodeHandshake},
    {bus::kFlagNoAddr, kNodeNoaddr},   {bus::kFlagNoFailover, kNodeNofailover},
};

bool IdLess(const NodeRecord* a, const NodeId& b) { return a->id < b; }

}  // namespace

uint16_t ConfFlagsFromWire(uint16_t wire_flags) {
  uint16_t out = 0;
  for (const FlagPair& p : kFlagPairs) {
    if (wire_flags & p.wire) out |= p.conf;
  }
  return out;
}

uint16_t WireFlagsFromConf(uint16_t conf_flags) {
  uint16_t out = 0;
  for (const FlagPair& p : kFlagPairs) {
    if (conf_flags & p.conf) out |= p.wire;
  }
  return out;
}

ClusterState::ClusterState(NodeId myself_id, Endpoint myself_endpoint)
    : owners_(kClusterSlots, nullptr) {
  NodeRecord me;
  me.id = myself_id;
  me.flags = bus::kFlagMyself | bus::kFlagMaster;
  me.endpoint = std::move(myself_endpoint);
  myself_ = &Add(std::move(me));
}

NodeRecord* ClusterState::MyMasterOrMe() {
  if (myself_->IsReplica() && !myself_->master.IsNull()) {
    if (NodeRecord* m = Find(myself_->master)) return m;
  }
  return myself_;
}

NodeRecord* ClusterState::Find(const NodeId& id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

const NodeRecord* ClusterState::Find(const NodeId& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

NodeRecord& ClusterState::Add(NodeRecord record) {
  const NodeId id = record.id;
  NodeRecord& n = nodes_.emplace(id, std::move(record)).first->second;
  auto pos = std::lower_bound(by_index_.begin(), by_index_.end(), id, IdLess);
  by_index_.insert(pos, &n);
  return n;
}

void ClusterState::Remove(const NodeId& id) {
  NodeRecord* n = Find(id);
  if (n == nullptr || n == myself_) return;
  UnbindAllSlots(*n);
  for (auto it = migrating_to.begin(); it != migrating_to.end();) {
    it = it->second == id ? migrating_to.erase(it) : std::next(it);
  }
  for (auto it = importing_from.begin(); it != importing_from.end();) {
    it = it->second == id ? importing_from.erase(it) : std::next(it);
  }
  for (NodeRecord* other : by_index_) other->fail_reports.erase(id);
  if (!n->master.IsNull()) {
    if (NodeRecord* m = Find(n->master)) RemoveReplica(*m, id);
  }
  for (const NodeId& r : n->replicas) {
    if (NodeRecord* rep = Find(r)) rep->master = NodeId();
  }
  auto pos = std::lower_bound(by_index_.begin(), by_index_.end(), id, IdLess);
  by_index_.erase(pos);
  nodes_.erase(id);
}

NodeRecord& ClusterState::Rename(const NodeId& from, const NodeId& to) {
  auto handle = nodes_.extract(from);
  auto pos = std::lower_bound(by_index_.begin(), by_index_.end(), from, IdLess);
  by_index_.erase(pos);
  handle.key() = to;
  handle.mapped().id = to;
  NodeRecord& n = nodes_.insert(std::move(handle)).position->second;
  by_index_.insert(std::lower_bound(by_index_.begin(), by_index_.end(), to, IdLess), &n);
  return n;
}

void ClusterState::BindSlot(int slot, NodeRecord& owner) {
  if (owners_[slot] == &owner) return;
  UnbindSlot(slot);
  ++slot_version_;
  owners_[slot] = &owner;
  ++owner.num_slots;
}

void ClusterState::UnbindSlot(int slot) {
  if (owners_[slot] == nullptr) return;
  ++slot_version_;
  --owners_[slot]->num_slots;
  owners_[slot] = nullptr;
}

int ClusterState::UnbindAllSlots(NodeRecord& node) {
  const int had = node.num_slots;
  for (int s = 0; s < kClusterSlots && node.num_slots > 0; ++s) {
    if (owners_[s] == &node) UnbindSlot(s);
  }
  return had;
}

// One pass over the owner table refreshes every node's cached bitmap at once: after a slot
// change, a nodes.conf save reads all of them.
const SlotBitmap& ClusterState::CachedSlotsOf(const NodeRecord& node) const {
  static const SlotBitmap kNone;
  if (node.num_slots == 0) return kNone;
  if (node.slots_cache_version != slot_version_ || !node.slots_cache) {
    for (const NodeRecord* n : by_index_) {
      if (n->num_slots > 0 || n->slots_cache) {
        if (!n->slots_cache) n->slots_cache = std::make_shared<SlotBitmap>();
        *n->slots_cache = SlotBitmap();
      }
      n->slots_cache_version = slot_version_;
    }
    for (int s = 0; s < kClusterSlots; ++s) {
      if (owners_[s]) owners_[s]->slots_cache->Set(s);
    }
    if (!node.slots_cache) node.slots_cache = std::make_shared<SlotBitmap>();
  }
  return *node.slots_cache;
}

bool ClusterState::SlotsDiffer(const NodeRecord& node, const SlotBitmap& claimed) const {
  static const SlotBitmap kNone;
  if (node.num_slots == 0) return !(claimed == kNone);
  return !(CachedSlotsOf(node) == claimed);
}

bool ClusterState::SlotUnclaimed(int slot) const {
  return owners_[slot] == nullptr || owner_not_claiming.Test(slot);
}

void ClusterState::AddReplica(NodeRecord& master, const NodeId& replica) {
  auto pos = std::lower_bound(master.replicas.begin(), master.replicas.end(), replica);
  if (pos != master.replicas.end() && *pos == replica) return;
  master.replicas.insert(pos, replica);
  // A master that has had a replica is a valid replica-migration target (clusterNodeAddSlave).
  master.flags |= bus::kFlagMigrateTo;
}

void ClusterState::RemoveReplica(NodeRecord& master, const NodeId& replica) {
  auto pos = std::lower_bound(master.replicas.begin(), master.replicas.end(), replica);
  if (pos != master.replicas.end() && *pos == replica) master.replicas.erase(pos);
}

void ClusterState::SetMaster(NodeRecord& replica, NodeRecord* master) {
  if (!replica.master.IsNull()) {
    if (NodeRecord* old = Find(replica.master)) RemoveReplica(*old, replica.id);
  }
  replica.master = master ? master->id : NodeId();
  if (master) AddReplica(*master, replica.id);
}

int ClusterState::CountServingMasters(int* reachable) const {
  int size = 0, up = 0;
  for (const NodeRecord* n : by_index_) {
    if (!n->IsMaster() || n->num_slots == 0) continue;
    ++size;
    if (!n->Has(bus::kFlagFail | bus::kFlagPfail)) ++up;
  }
  if (reachable) *reachable = up;
  return size;
}

uint64_t ClusterState::MaxEpoch() const {
  uint64_t max = current_epoch.value;
  for (const NodeRecord* n : by_index_) max = std::max(max, n->config_epoch.value);
  return max;
}

NodesConfNode ClusterState::ToConfNode(const NodeRecord& n, int64_t wall_offset_ms) const {
  NodesConfNode c;
  c.id = n.id;
  c.endpoint = n.endpoint;
  c.endpoint.pport = 0;
  c.flags = ConfFlagsFromWire(n.flags);
  c.master = n.IsReplica() ? n.master : NodeId();
  auto wall = [&](int64_t t) { return t == 0 ? 0 : static_cast<uint64_t>(t + wall_offset_ms); };
  c.ping_sent = wall(n.ping_sent_ms);
  c.pong_recv = wall(n.pong_received_ms);
  c.config_epoch = n.config_epoch;
  c.shard_id = n.shard_id;
  if (n.IsReplica() && !n.master.IsNull()) {
    if (const NodeRecord* m = Find(n.master)) c.config_epoch = m->config_epoch;
  }
  c.connected = n.link != 0 || n.IsMyself();
  if (n.IsMaster()) c.slots = SlotsOf(n);
  if (&n == myself_) {
    c.migrating = migrating_to;
    c.importing = importing_from;
  }
  return c;
}

NodesConf ClusterState::ToConf(int64_t wall_offset_ms, bool with_handshake) const {
  NodesConf conf;
  conf.nodes.reserve(by_index_.size());
  for (const NodeRecord* n : by_index_) {
    if (n->InHandshake() && !with_handshake) continue;
    conf.nodes.push_back(ToConfNode(*n, wall_offset_ms));
  }
  conf.current_epoch = current_epoch;
  conf.last_vote_epoch = last_vote_epoch;
  return conf;
}

Result<std::unique_ptr<ClusterState>> ClusterState::FromConf(const NodesConf& conf,
                                                             int64_t now_ms) {
  const NodesConfNode* me = nullptr;
  for (const NodesConfNode& c : conf.nodes) {
    if (c.flags & kNodeMyself) me = &c;
  }
  if (me == nullptr) return Error{"nodes.conf: no node is flagged 'myself'"};
  auto state = std::make_unique<ClusterState>(me->id, me->endpoint);
  for (const NodesConfNode& c : conf.nodes) {
    if (c.flags & kNodeHandshake) continue;
    NodeRecord* n = state->Find(c.id);
    if (n == nullptr) {
      NodeRecord rec;
      rec.id = c.id;
      n = &state->Add(std::move(rec));
    }
    n->endpoint = c.endpoint;
    n->flags = WireFlagsFromConf(c.flags);
    n->shard_id = c.shard_id;
    if (n->Failed()) n->fail_time_ms = now_ms;
    if (c.ping_sent) n->ping_sent_ms = now_ms;
    if (c.pong_recv) n->pong_received_ms = now_ms;
    if (!n->IsReplica()) n->config_epoch = c.config_epoch;
    for (int s = 0; s < kClusterSlots; ++s) {
      if (c.slots.Test(s)) state->BindSlot(s, *n);
    }
  }
  // Link roles once every node exists; an unknown master gets a placeholder, as Redis does.
  for (const NodesConfNode& c : conf.nodes) {
    if ((c.flags & kNodeHandshake) || c.master.IsNull()) continue;
    NodeRecord* master = state->Find(c.master);
    if (master == nullptr) {
      NodeRecord rec;
      rec.id = c.master;
      master = &state->Add(std::move(rec));
    }
    state->SetMaster(*state->Find(c.id), master);
  }
  state->migrating_to = me->migrating;
  state->importing_from = me->importing;
  state->current_epoch = conf.current_epoch;
  state->last_vote_epoch = conf.last_vote_epoch;
  state->current_epoch.value = state->MaxEpoch();
  // Failure quorums need the size before the first state evaluation (a restarted node may
  // hear gossip before its first tick).
  state->cluster_size = state->CountServingMasters();
  return state;
}

std::string ClusterState::CheckInvariants() const {
  int myself_count = 0;
  std::map<const NodeRecord*, int> counted;
  for (const NodeRecord* n : by_index_) {
    if (n->IsMyself()) ++myself_count;
    auto it = nodes_.find(n->id);
    if (it == nodes_.end() || &it->second != n) return "S5: index out of sync for " + n->id.str();
    if (!n->master.IsNull()) {
      const NodeRecord* m = Find(n->master);
      if (m && !std::binary_search(m->replicas.begin(), m->replicas.end(), n->id)) {
        return "S4: " + n->id.str() + " missing from its master's replicas";
      }
    }
    for (const NodeId& r : n->replicas) {
      const NodeRecord* rep = Find(r);
      if (rep == nullptr || rep->master != n->id) return "S4: stale replica entry " + r.str();
    }
  }
  if (myself_count != 1 || !myself_->IsMyself()) return "S1: myself flag count";
  if (by_index_.size() != nodes_.size()) return "S5: index size";
  const NodeRecord* last = nullptr;
  int run = 0;
  for (int s = 0; s <= kClusterSlots; ++s) {
    const NodeRecord* o = s < kClusterSlots ? owners_[s] : nullptr;
    if (o == last) {
      ++run;
      continue;
    }
    if (last) counted[last] += run;
    last = o;
    run = 1;
  }
  for (const NodeRecord* n : by_index_) {
    auto it = counted.find(n);
    const int bound = it == counted.end() ? 0 : it->second;
    if (bound != n->num_slots) return "S2: num_slots mismatch for " + n->id.str();
    if (bound > 0 && !n->IsMaster()) return "S3: slots owned by non-master " + n->id.str();
    if (it != counted.end()) counted.erase(it);
  }
  if (!counted.empty()) return "S2: a slot is owned by an unknown node";
  return "";
}

}  // namespace slotd
