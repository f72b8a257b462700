// SimCluster: building a cluster like redis-cli --cluster create, faults, admin calls and the
// convergence check.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "tests/sim/sim_cluster.h"

namespace slotd::sim {

NodeOptions SimCluster::NodeOptionsFor(int i) const {
  NodeOptions o;
  o.node_timeout_ms = options_.node_timeout_ms;
  o.myself.port = 6379;
  o.myself.cport = 16379;
  if (customize_options) customize_options(i, o);
  return o;
}

AdminResult SimCluster::Admin(
    int i, const std::function<AdminResult(ClusterNode&, int64_t, Outbox&)>& fn) {
  Outbox out;
  AdminResult r = fn(*nodes_[i]->node, now_, out);
  Execute(i, out);
  return r;
}

bool SimCluster::Create(int64_t max_ms) {
  const int masters = options_.masters;
  const int total = masters * (1 + options_.replicas_per_master);
  while (size() < total) AddNode();
  for (int k = 0; k < masters; ++k) {
    const int first = static_cast<int>(int64_t{kClusterSlots} * k / masters);
    const int last = static_cast<int>(int64_t{kClusterSlots} * (k + 1) / masters) - 1;
    Admin(k, [&](ClusterNode& n, int64_t, Outbox& out) {
      return n.AddSlotsRange({{first, last}}, out);
    });
  }
  for (int k = 0; k < total && options_.set_config_epochs; ++k) {
    Admin(k, [&](ClusterNode& n, int64_t, Outbox& out) { return n.SetConfigEpoch(k + 1, out); });
  }
  if (options_.replicas_before_meet && !ReplicateFirst(max_ms)) return false;
  // A MEET receiver learns nothing from the handshake PONG (it has no name for the sender yet,
  // as in Redis), so it learns the MEETing node's slots only at their next direct PING, which in
  // a large mesh is minutes away: with replicas_before_meet the MEETs come from a replica
  // (its role is then what stays stale, which StaleRoleViews() counts).
  const int meeter = options_.replicas_before_meet && total > masters ? total - 1 : 0;
  auto meet = [&](int k) {
    Admin(meeter, [&](ClusterNode& n, int64_t now, Outbox& out) {
      return n.Meet(Address(k), 6379, 16379, now, out);
    });
  };
  for (int k = 0; k < total; ++k) {
    if (k != meeter) meet(k);
  }
  auto all_known = [&] {
    for (int i = 0; i < total; ++i) {
      if (static_cast<int>(node(i).state().size()) != total) return false;
      for (const NodeRecord* n : node(i).state().by_index()) {
        if (n->InHandshake()) return false;
      }
    }
    return true;
  };
  // Like redis-cli, MEET again any node that has not joined yet (a MEET lost with a reset
  // connection is never retried by the protocol itself).
  for (int64_t waited = 0; !RunUntil(all_known, 2000, options_.check_every_ms);
       waited += 2000) {
    if (waited > max_ms) return false;
    for (int k = 0; k < total; ++k) {
      if (k != meeter && static_cast<int>(node(k).state().size()) != total) meet(k);
    }
  }
  if (options_.replicas_before_meet) return ConvergeWithRepair(max_ms);
  Replicate();
  return RunUntilConverged(max_ms, options_.check_every_ms);
}

// A MEET receiver's PING can overtake its PONG to the MEET; the MEETing node then drops that
// PING (unknown sender) and learns the receiver's slots only at their next random PING, many
// minutes away in a large mesh. The operator's repair: the master whose slots a node misses
// MEETs that node again; a MEET from a known node is processed as a PING.
bool SimCluster::ConvergeWithRepair(int64_t max_ms) {
  for (int64_t waited = 0; !RunUntilConverged(10000, options_.check_every_ms);
       waited += 10000) {
    if (waited > max_ms) return false;
    for (int i = 0; i < size(); ++i) {
      if (!up(i) || node(i).state().state_ok) continue;
      for (int k = 0; k < options_.masters; ++k) {
        const NodeRecord* view = node(i).state().Find(id(k));
        if (k == i || !up(k) || (view && view->num_slots == node(k).state().myself().num_slots)) {
          continue;
        }
        Admin(k, [&](ClusterNode& n, int64_t now, Outbox& out) {
          return n.Meet(Address(i), 6379, 16379, now, out);
        });
      }
    }
  }
  return true;
}

void SimCluster::Replicate() {
  const int masters = options_.masters;
  for (int r = masters; r < size(); ++r) {
    const int m = (r - masters) % masters;
    Admin(r, [&](ClusterNode& n, int64_t now, Outbox& out) {
      return n.Replicate(id(m).view(), true, now, out);
    });
  }
}

bool SimCluster::ReplicateFirst(int64_t max_ms) {
  const int masters = options_.masters;
  for (int r = masters; r < size(); ++r) {
    const int m = (r - masters) % masters;
    Admin(r, [&](ClusterNode& n, int64_t now, Outbox& out) {
      return n.Meet(Address(m), 6379, 16379, now, out);
    });
  }
  auto pairs_met = [&] {
    for (int r = masters; r < size(); ++r) {
      const NodeRecord* m = node(r).state().Find(id((r - masters) % masters));
      if (m == nullptr || m->InHandshake()) return false;
    }
    return true;
  };
  if (!RunUntil(pairs_met, max_ms, options_.check_every_ms)) return false;
  Replicate();
  // Each master learns its replicas' role from their next PING; in a shard of a few nodes the
  // once-a-second random PING soon picks it.
  auto masters_know = [&] {
    for (int r = masters; r < size(); ++r) {
      const NodeRecord* rec = node((r - masters) % masters).state().Find(id(r));
      if (rec == nullptr || rec->master != id((r - masters) % masters)) return false;
    }
    return true;
  };
  return RunUntil(masters_know, max_ms, options_.check_every_ms);
}

void SimCluster::Crash(int i, bool lose_unsynced) {
  SimNode& sn = *nodes_[i];
  if (!sn.up) return;
  for (const auto& [link, conn] : sn.link_conn) {
    if (conn >= 0) CloseConn(conn, i);
  }
  sn.link_conn.clear();
  sn.up = false;
  ++sn.incarnation;
  sn.repl_link_up = false;
  if (lose_unsynced) sn.written_conf = sn.synced_conf;
  sn.logs.push_back("(crashed)");
}

void SimCluster::Restart(int i) {
  SimNode& sn = *nodes_[i];
  if (sn.up) return;
  if (sn.written_conf.empty()) {
    sn.node = std::make_unique<ClusterNode>(NodeOptionsFor(i), rng_.Next());
    ids_[i] = sn.node->id();
  } else {
    auto restored = ClusterNode::Restore(NodeOptionsFor(i), sn.written_conf, rng_.Next(), now_);
    if (!restored) return Fail("restart of node " + std::to_string(i) + ": " + restored.error());
    sn.node = std::move(*restored);
  }
  sn.up = true;
  sn.repl_master = -1;
  sn.paused_until = 0;
  CheckAfterInput(i, true);
}

void SimCluster::Rejoin(int i) {
  if (!up(i) || static_cast<int>(node(i).state().size()) >= size()) return;
  for (int j = 0; j < size(); ++j) {
    if (j == i || !up(j)) continue;
    Admin(j, [&](ClusterNode& n, int64_t now, Outbox& out) {
      return n.Meet(Address(i), 6379, 16379, now, out);
    });
    return;
  }
}

void SimCluster::Isolate(int i) { Partition({i}); }

void SimCluster::Partition(const std::vector<int>& side) {
  for (int a : side) {
    for (int b = 0; b < size(); ++b) {
      if (std::find(side.begin(), side.end(), b) != side.end()) continue;
      cuts_.insert({a, b});
      cuts_.insert({b, a});
    }
  }
}

void SimCluster::CutOneWay(int from, int to) { cuts_.insert({from, to}); }

void SimCluster::Heal() { cuts_.clear(); }

bool SimCluster::RunUntilConverged(int64_t max_ms, int64_t check_every_ms) {
  static const bool progress = std::getenv("SLOTD_SIM_PROGRESS") != nullptr;
  return RunUntil(
      [this] {
        if (!progress) return Converged();
        const std::string why = WhyNotConverged();
        std::printf("t=%lld frames=%llu %s\n", static_cast<long long>(now_ - 1000000),
                    static_cast<unsigned long long>(frames_delivered_), why.c_str());
        return why.empty();
      },
      max_ms, check_every_ms);
}

namespace {
bool RoleDiffers(const NodeRecord& view, const NodeRecord& self) {
  return view.IsMaster() != self.IsMaster() || (self.IsReplica() && view.master != self.master);
}
}  // namespace

int SimCluster::StaleRoleViews() const {
  int stale = 0;
  for (int i = 0; i < size(); ++i) {
    for (int j = 0; j < size() && up(i); ++j) {
      if (!up(j) || j == i) continue;
      const NodeRecord* r = nodes_[i]->node->state().Find(ids_[j]);
      stale += r == nullptr || RoleDiffers(*r, nodes_[j]->node->state().myself());
    }
  }
  return stale;
}

// Cheap checks first (state, membership, roles, slot counts); the full slot map only when
// those pass.
bool SimCluster::Converged() const { return WhyNotConverged().empty(); }

std::string SimCluster::WhyNotConverged() const {
  int ref = -1;
  for (int i = 0; i < size(); ++i) {
    if (!up(i)) continue;
    const ClusterState& st = nodes_[i]->node->state();
    const std::string who = "node " + std::to_string(i) + ": ";
    if (!st.state_ok) {
      int unowned = 0, failing = 0;
      for (int s = 0; s < kClusterSlots; ++s) unowned += st.SlotOwner(s) == nullptr;
      for (const NodeRecord* n : st.by_index()) failing += n->Has(bus::kFlagPfail | bus::kFlagFail);
      return who + "cluster_state fail (" + std::to_string(unowned) + " slots unowned, " +
             std::to_string(failing) + " nodes PFAIL/FAIL)";
    }
    for (int j = 0; j < size(); ++j) {
      if (!up(j) || j == i) continue;
      const NodeRecord* r = st.Find(ids_[j]);
      if (r == nullptr) return who + "does not know node " + std::to_string(j);
      if (r->Has(bus::kFlagPfail | bus::kFlagFail | bus::kFlagHandshake | bus::kFlagNoAddr)) {
        return who + "sees node " + std::to_string(j) + " as failing";
      }
      const NodeRecord& self = nodes_[j]->node->state().myself();
      if (options_.converge_roles && RoleDiffers(*r, self)) {
        return who + "disagrees on the role of node " + std::to_string(j);
      }
      if (self.IsMaster() && r->num_slots != self.num_slots) {
        return who + "disagrees on the slot count of node " + std::to_string(j);
      }
    }
    if (ref < 0) ref = i;
  }
  if (ref < 0) return "no node is up";
  const ClusterState& rs = nodes_[ref]->node->state();
  for (int i = 0; i < size(); ++i) {
    if (!up(i) || i == ref) continue;
    const ClusterState& st = nodes_[i]->node->state();
    for (int s = 0; s < kClusterSlots; ++s) {
      const NodeRecord* a = rs.SlotOwner(s);
      const NodeRecord* b = st.SlotOwner(s);
      if ((a == nullptr) != (b == nullptr) || (a && a->id != b->id)) {
        return "node " + std::to_string(i) + " disagrees on the owner of slot " +
               std::to_string(s);
      }
    }
  }
  std::map<const NodeRecord*, bool> serving;  // owner -> is an up master
  for (int s = 0; s < kClusterSlots; ++s) {
    const NodeRecord* o = rs.SlotOwner(s);
    auto it = serving.find(o);
    if (it == serving.end()) {
      const int idx = o ? IndexOf(o->id) : -1;
      it = serving.emplace(o, idx >= 0 && up(idx) && IsMaster(idx)).first;
    }
    if (!it->second) return "slot " + std::to_string(s) + " is not served by an up master";
  }
  return "";
}

}  // namespace slotd::sim
