// CLUSTER NODES / REPLICAS / SLOTS / SHARDS / INFO content and the ClusterView builder.
#include "cluster/topology/describe.h"

#include <map>

namespace slotd {
namespace {

constexpr std::array<std::string_view, bus::kTypeCount> kMessageNames = {
    "ping", "pong", "meet", "fail", "publish", "auth-req",
    "auth-ack", "update", "mfstart", "module", "publishshard"};

void AppendCounters(std::string& out, const MessageCounters& counters, std::string_view dir) {
  uint64_t total = 0;
  for (size_t t = 0; t < counters.size(); ++t) {
    if (counters[t] == 0) continue;
    total += counters[t];
    out.append("cluster_stats_messages_").append(kMessageNames[t]).append("_").append(dir);
    out.append(":").append(std::to_string(counters[t])).append("\r\n");
  }
  out.append("cluster_stats_messages_").append(dir).append(":");
  out.append(std::to_string(total)).append("\r\n");
}

void AppendField(std::string& out, std::string_view name, uint64_t value) {
  out.append(name).append(":").append(std::to_string(value)).append("\r\n");
}

}  // namespace

std::string DescribeNodes(const ClusterState& state, int64_t wall_offset_ms) {
  std::string out;
  for (const NodeRecord* n : state.by_index()) {
    out.append(RenderNodeLine(state.ToConfNode(*n, wall_offset_ms))).append("\n");
  }
  return out;
}

Result<std::vector<std::string>> DescribeReplicas(const ClusterState& state,
                                                  std::string_view node_id,
                                                  int64_t wall_offset_ms) {
  Result<NodeId> id = NodeId::Parse(node_id);
  const NodeRecord* n = id ? state.Find(*id) : nullptr;
  if (n == nullptr) return Error{"Unknown node " + std::string(node_id)};
  if (n->IsReplica()) return Error{"The specified node is not a master"};
  std::vector<std::string> lines;
  for (const NodeId& r : n->replicas) {
    if (const NodeRecord* rep = state.Find(r)) {
      lines.push_back(RenderNodeLine(state.ToConfNode(*rep, wall_offset_ms)));
    }
  }
  return lines;
}

std::vector<SlotsEntry> DescribeSlots(const ClusterState& state) {
  std::vector<SlotsEntry> out;
  for (int s = 0; s < kClusterSlots; ++s) {
    const NodeRecord* owner = state.SlotOwner(s);
    if (owner == nullptr) continue;
    if (!out.empty() && out.back().last == s - 1 && out.back().nodes.front() == owner) {
      out.back().last = s;
      continue;
    }
    SlotsEntry e;
    e.first = e.last = s;
    e.nodes.push_back(owner);
    for (const NodeId& r : owner->replicas) {
      const NodeRecord* rep = state.Find(r);
      if (rep && !rep->Failed() && rep->repl_offset != 0) e.nodes.push_back(rep);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Shard> DescribeShards(const ClusterState& state, uint64_t my_offset) {
  std::vector<Shard> out;
  auto node_entry = [&](const NodeRecord& n) {
    ShardNode sn;
    sn.node = &n;
    sn.is_master = n.IsMaster();
    sn.replication_offset = n.IsMyself() ? my_offset : n.repl_offset;
    sn.health = n.Failed() ? "fail" : (!sn.is_master && sn.replication_offset == 0) ? "loading"
                                                                                   : "online";
    return sn;
  };
  for (const NodeRecord* m : state.by_index()) {
    if (!m->IsMaster() || m->InHandshake()) continue;
    Shard shard;
    shard.slots = state.SlotsOf(*m).Ranges();
    shard.nodes.push_back(node_entry(*m));
    for (const NodeId& r : m->replicas) {
      if (const NodeRecord* rep = state.Find(r)) shard.nodes.push_back(node_entry(*rep));
    }
    out.push_back(std::move(shard));
  }
  return out;
}

std::string DescribeInfo(const ClusterState& state, const MessageCounters& sent,
                         const MessageCounters& received, uint64_t links_over_limit) {
  int assigned = 0, pfail = 0, fail = 0;
  for (int s = 0; s < kClusterSlots; ++s) {
    const NodeRecord* o = state.SlotOwner(s);
    if (o == nullptr) continue;
    ++assigned;
    if (o->Failed()) ++fail;
    else if (o->TimedOut()) ++pfail;
  }
  const NodeRecord& me = state.myself();
  const NodeRecord* master = me.IsReplica() ? state.Find(me.master) : nullptr;
  const uint64_t my_epoch = (master ? master->config_epoch : me.config_epoch).value;
  std::string out;
  out.append("cluster_state:").append(state.state_ok ? "ok" : "fail").append("\r\n");
  AppendField(out, "cluster_slots_assigned", static_cast<uint64_t>(assigned));
  AppendField(out, "cluster_slots_ok", static_cast<uint64_t>(assigned - pfail - fail));
  AppendField(out, "cluster_slots_pfail", static_cast<uint64_t>(pfail));
  AppendField(out, "cluster_slots_fail", static_cast<uint64_t>(fail));
  AppendField(out, "cluster_known_nodes", state.size());
  AppendField(out, "cluster_size", static_cast<uint64_t>(state.cluster_size));
  AppendField(out, "cluster_current_epoch", state.current_epoch.value);
  AppendField(out, "cluster_my_epoch", my_epoch);
  AppendCounters(out, sent, "sent");
  AppendCounters(out, received, "received");
  AppendField(out, "total_cluster_links_buffer_limit_exceeded", links_over_limit);
  return out;
}

ClusterView BuildClusterView(const ClusterState& state) {
  ClusterView view;
  std::map<const NodeRecord*, int> index;
  for (const NodeRecord* n : state.by_index()) {
    index[n] = static_cast<int>(view.nodes.size());
    ClusterViewNode vn;
    vn.id = n->id;
    vn.endpoint = n->endpoint;
    vn.is_myself = n->IsMyself();
    vn.is_replica = n->IsReplica();
    vn.failed = n->Failed();
    view.nodes.push_back(std::move(vn));
  }
  for (const NodeRecord* n : state.by_index()) {
    if (!n->IsReplica() || n->master.IsNull()) continue;
    if (const NodeRecord* m = state.Find(n->master)) view.nodes[index[n]].master = index[m];
  }
  view.myself = index[&state.myself()];
  for (int s = 0; s < kClusterSlots; ++s) {
    if (const NodeRecord* o = state.SlotOwner(s)) view.owner[s] = index[o];
  }
  auto index_of = [&](const NodeId& id) {
    const NodeRecord* n = state.Find(id);
    return n ? index[n] : ClusterView::kNoNode;
  };
  for (const auto& [slot, id] : state.migrating_to) view.migrating_to[slot] = index_of(id);
  for (const auto& [slot, id] : state.importing_from) view.importing_from[slot] = index_of(id);
  view.state_ok = state.state_ok;
  return view;
}

}  // namespace slotd
