// Shared helpers for ClusterNode unit tests: default options, fixed node ids, crafted frames and
// picking effects of one kind out of an Outbox.
#pragma once
#include <string>
#include <vector>

#include "cluster/node/cluster_node.h"

namespace slotd::node_test {

inline NodeOptions Options() {
  NodeOptions o;
  o.node_timeout_ms = 1000;
  o.myself.port = 6379;
  o.myself.cport = 16379;
  return o;
}

// The id made of 40 times `c`.
inline NodeId Id(char c) { return *NodeId::Parse(std::string(40, c)); }

template <typename T>
std::vector<const T*> All(const Outbox& out) {
  std::vector<const T*> v;
  for (const Effect& e : out) {
    if (const T* t = std::get_if<T>(&e)) v.push_back(t);
  }
  return v;
}

// A frame from master `sender` (client port 7000, bus port 17000).
inline bus::Message From(const NodeId& sender, bus::MessageType type,
                         uint64_t current_epoch = 0) {
  bus::Message m;
  m.header.type = type;
  m.header.sender = sender;
  m.header.port = 7000;
  m.header.cport = 17000;
  m.header.flags = bus::kFlagMaster;
  m.header.current_epoch.value = current_epoch;
  return m;
}

}  // namespace slotd::node_test
