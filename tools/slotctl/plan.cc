// Slot split and replica placement for `slotctl create`.
#include "tools/slotctl/plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>
#include <utility>

#include "cluster/core/slot.h"

namespace slotd::slotctl {
namespace {

constexpr int kSameHostAsMaster = 10000;

// Round-robin over hosts in first-seen order: the first node of every host, then the second...
std::vector<int> InterleaveByHost(const std::vector<std::string>& hosts) {
  std::vector<std::vector<int>> by_host;
  std::map<std::string, size_t> host_index;
  for (size_t i = 0; i < hosts.size(); ++i) {
    auto [it, added] = host_index.emplace(hosts[i], by_host.size());
    if (added) by_host.emplace_back();
    by_host[it->second].push_back(static_cast<int>(i));
  }
  std::vector<int> out;
  out.reserve(hosts.size());
  for (size_t round = 0; out.size() < hosts.size(); ++round) {
    for (const std::vector<int>& nodes : by_host) {
      if (round < nodes.size()) out.push_back(nodes[round]);
    }
  }
  return out;
}

// Takes the first free node on another host than `master`'s, else the first free node.
int TakeReplicaFor(int master, const std::vector<std::string>& hosts, std::vector<int>& pool) {
  size_t pick = pool.size();
  for (size_t j = 0; j < pool.size(); ++j) {
    if (pool[j] < 0) continue;
    if (hosts[pool[j]] != hosts[master]) {
      pick = j;
      break;
    }
    if (pick == pool.size()) pick = j;
  }
  if (pick == pool.size()) return -1;
  int node = pool[pick];
  pool[pick] = -1;
  return node;
}

// One pass over the masters giving each up to `per_master` replicas from `pool`.
void AssignPass(CreatePlan& plan, const std::vector<std::string>& hosts, std::vector<int>& pool,
                int per_master, int& available) {
  for (int master : plan.masters) {
    for (int n = 0; n < per_master && available > 0; ++n) {
      int replica = TakeReplicaFor(master, hosts, pool);
      if (replica < 0) return;
      --available;
      plan.master_of[replica] = master;
      plan.first_assignments.emplace_back(replica, master);
    }
  }
}

// Applies the strictly best improving swap of two replicas' masters; false when none improves.
bool BestSwap(const std::vector<std::string>& hosts, std::vector<int>& master_of, int& score) {
  int best = score;
  size_t best_a = 0;
  size_t best_b = 0;
  for (size_t a = 0; a < master_of.size(); ++a) {
    if (master_of[a] < 0) continue;
    for (size_t b = a + 1; b < master_of.size(); ++b) {
      if (master_of[b] < 0 || master_of[b] == master_of[a]) continue;
      std::swap(master_of[a], master_of[b]);
      int s = AntiAffinityScore(hosts, master_of);
      std::swap(master_of[a], master_of[b]);
      if (s < best) {
        best = s;
        best_a = a;
        best_b = b;
      }
    }
  }
  if (best >= score) return false;
  std::swap(master_of[best_a], master_of[best_b]);
  score = best;
  return true;
}

// Moves three replicas of three different masters round in a cycle, when that strictly lowers
// the score. Some layouts need it: every single swap on the way to the best one makes things
// worse first. Cubic, so only for the replica counts operators type by hand.
bool BestRotation(const std::vector<std::string>& hosts, std::vector<int>& master_of, int& score) {
  constexpr size_t kMaxReplicas = 64;
  std::vector<size_t> r;
  for (size_t i = 0; i < master_of.size(); ++i) {
    if (master_of[i] >= 0) r.push_back(i);
  }
  if (r.size() < 3 || r.size() > kMaxReplicas) return false;
  for (size_t a = 0; a < r.size(); ++a) {
    for (size_t b = 0; b < r.size(); ++b) {
      for (size_t c = 0; c < r.size(); ++c) {
        int& ma = master_of[r[a]];
        int& mb = master_of[r[b]];
        int& mc = master_of[r[c]];
        if (a == b || b == c || a == c || ma == mb || mb == mc || ma == mc) continue;
        const int old_a = ma;
        ma = mb;
        mb = mc;
        mc = old_a;
        const int s = AntiAffinityScore(hosts, master_of);
        if (s < score) {
          score = s;
          return true;
        }
        mc = mb;
        mb = ma;
        ma = old_a;
      }
    }
  }
  return false;
}

}  // namespace

std::vector<SlotRange> SplitSlots(int masters) {
  std::vector<SlotRange> out;
  if (masters <= 0) return out;
  // Single-precision arithmetic on purpose: it reproduces redis-cli's range boundaries exactly,
  // so a cluster made by either tool has the same layout.
  const float per_master = static_cast<float>(kClusterSlots) / static_cast<float>(masters);
  float cursor = 0.0f;
  long first = 0;
  for (int i = 0; i < masters; ++i) {
    long last = std::lround(cursor + per_master - 1);
    if (last > kClusterSlots || i == masters - 1) last = kClusterSlots - 1;
    if (last < first) last = first;
    out.push_back({static_cast<int>(first), static_cast<int>(last)});
    first = last + 1;
    cursor += per_master;
  }
  return out;
}

int AntiAffinityScore(const std::vector<std::string>& hosts, const std::vector<int>& master_of) {
  struct Group {
    int members = 0;
    bool has_master = false;
  };
  std::map<std::pair<std::string_view, int>, Group> groups;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const bool is_replica = i < master_of.size() && master_of[i] >= 0;
    Group& g = groups[{hosts[i], is_replica ? master_of[i] : static_cast<int>(i)}];
    ++g.members;
    if (!is_replica) g.has_master = true;
  }
  int score = 0;
  for (const auto& [key, g] : groups) {
    if (g.members < 2) continue;
    score += g.has_master ? kSameHostAsMaster * (g.members - 1) : g.members;
  }
  return score;
}

int MastersCount(int nodes, int replicas) {
  if (nodes <= 0 || replicas < 0) return 0;
  return nodes / (replicas + 1);
}

CreatePlan PlanCreate(const std::vector<std::string>& hosts, int replicas) {
  CreatePlan plan;
  const int nodes = static_cast<int>(hosts.size());
  plan.masters_count = MastersCount(nodes, replicas);
  plan.master_of.assign(hosts.size(), -1);
  if (plan.masters_count < 1) return plan;
  std::vector<int> order = InterleaveByHost(hosts);
  plan.masters.assign(order.begin(), order.begin() + plan.masters_count);
  plan.ranges = SplitSlots(plan.masters_count);
  std::vector<int> pool(order.begin() + plan.masters_count, order.end());
  // Starting from the second spare node gives a better first layout on common inputs
  // (redis-cli does the same rotation, so both tools agree on simple clusters).
  if (pool.size() > 1) std::rotate(pool.begin(), pool.begin() + 1, pool.end());
  int available = static_cast<int>(pool.size());
  AssignPass(plan, hosts, pool, replicas, available);
  plan.extra_from = plan.first_assignments.size();
  while (available > 0 && replicas > 0) {
    const int before = available;
    AssignPass(plan, hosts, pool, 1, available);
    if (available == before) break;
  }
  plan.initial_score = AntiAffinityScore(hosts, plan.master_of);
  int score = plan.initial_score;
  while (score > 0 &&
         (BestSwap(hosts, plan.master_of, score) || BestRotation(hosts, plan.master_of, score))) {
  }
  plan.final_score = score;
  return plan;
}

}  // namespace slotd::slotctl
