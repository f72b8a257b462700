// Pure text helpers for slotctl: HOST:PORT arguments, INFO fields, the slot-list form operators
// know from redis-cli ("[0-5460],[5462]"), and the config signature used to decide whether
// every node agrees about slot ownership. No I/O.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "cluster/core/slot_bitmap.h"
#include "cluster/topology/nodes_conf.h"

namespace slotd::slotctl {

struct HostPort {
  std::string host;
  int port = 0;
  bool operator==(const HostPort&) const = default;
};

// "host:port" split at the last ':' (so IPv6 literals work); port must be 1..65535.
std::optional<HostPort> ParseHostPort(std::string_view text);

// Integer value of `name:` in INFO-style text ("a:1\r\nb:2"), or nullopt if absent or not a number.
std::optional<long long> InfoField(std::string_view info, std::string_view name);
// True when INFO text has a line starting with `prefix` (e.g. "db0:").
bool InfoHasLine(std::string_view info, std::string_view prefix);

// redis-cli's slot list: ranges as "[a-b]" or "[a]" joined with ",", "" when empty.
std::string SlotsString(const SlotBitmap& slots);

// "<id>:<range>,<range>..." for every node owning slots, sorted and joined with "|". Two nodes
// agree about the slot configuration when their CLUSTER NODES give the same signature.
// Open-slot entries do not take part, as in redis-cli.
std::string ConfigSignature(const NodesConf& view);

// The myself line of a parsed CLUSTER NODES reply (ParseNodesConf guarantees one exists).
const NodesConfNode& MyselfOf(const NodesConf& view);

}  // namespace slotd::slotctl
