// A hand-built ClusterView for routing tests: masters 0..2 own 0-5460, 5461-10922, 10923-16383 (the
// split redis-cli --cluster create makes) and node 3 replicates master 0. Ports are first_port +
// index.
#pragma once
#include <cstdint>

#include "cluster/topology/cluster_view.h"

namespace slotd::test {

inline ClusterView ThreeMastersView(int myself, uint16_t first_port) {
  ClusterView v;
  for (int i = 0; i < 4; ++i) {
    ClusterViewNode n;
    n.endpoint.ip = "127.0.0.1";
    n.endpoint.port = static_cast<uint16_t>(first_port + i);
    n.is_myself = i == myself;
    n.is_replica = i == 3;
    n.master = i == 3 ? 0 : -1;
    v.nodes.push_back(n);
  }
  for (int s = 0; s < kClusterSlots; ++s) {
    v.owner[static_cast<size_t>(s)] = s <= 5460 ? 0 : s <= 10922 ? 1 : 2;
  }
  v.myself = myself;
  v.state_ok = true;
  return v;
}

}  // namespace slotd::test
