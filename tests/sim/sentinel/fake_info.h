// The INFO text a fake Redis instance answers a sentinel with: the fields SentinelNode reads, in
// Redis 7.0's layout. Shared by the unit-test fakes and the simulator.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cluster/sentinel/address.h"

namespace slotd::sentinel::testing {

struct FakeReplicaLine {
  Address addr;
  uint64_t offset = 0;
};

inline std::string FakeInfoHeader(const std::string& runid) {
  return "# Server\r\nrun_id:" + runid + "\r\n# Replication\r\n";
}

inline std::string FakeMasterInfo(const std::string& runid,
                                  const std::vector<FakeReplicaLine>& replicas) {
  std::string t = FakeInfoHeader(runid) + "role:master\r\n";
  int n = 0;
  for (const FakeReplicaLine& r : replicas) {
    t += "slave" + std::to_string(n++) + ":ip=" + r.addr.host +
         ",port=" + std::to_string(r.addr.port) +
         ",state=online,offset=" + std::to_string(r.offset) + ",lag=0\r\n";
  }
  return t;
}

// `link_down_seconds` is what master_link_down_since_seconds shows while the link is down.
inline std::string FakeReplicaInfo(const std::string& runid, const Address& master, bool link_up,
                                   uint64_t offset, int priority, int link_down_seconds) {
  return FakeInfoHeader(runid) + "role:slave\r\nmaster_host:" + master.host +
         "\r\nmaster_port:" + std::to_string(master.port) +
         "\r\nmaster_link_status:" + (link_up ? "up" : "down") +
         "\r\nslave_repl_offset:" + std::to_string(offset) +
         "\r\nmaster_link_down_since_seconds:" +
         (link_up ? std::string("-1") : std::to_string(link_down_seconds)) +
         "\r\nslave_priority:" + std::to_string(priority) + "\r\nreplica_announced:1\r\n";
}

}  // namespace slotd::sentinel::testing
