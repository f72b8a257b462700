// One sample Message per bus type (plus a PING carrying every extension kind), and hex helpers,
// shared by the codec and frame-reader tests.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cluster/bus/messages.h"
#include "cluster/core/node_id.h"

namespace slotd::bus::testing {

inline NodeId Id(char c) { return *NodeId::Parse(std::string(40, c)); }

inline std::string FromHex(std::string_view hex) {
  std::string out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1]));
  }
  return out;
}

inline Header SampleHeader(MessageType type) {
  Header h;
  h.type = type;
  h.port = 7000;
  h.current_epoch = CurrentEpoch{42};
  h.config_epoch = ConfigEpoch{7};
  h.offset = 123456789012345ULL;
  h.sender = Id('a');
  h.myslots.SetRange(0, 5460);
  h.myslots.Set(16383);
  h.myip = "10.0.0.1";
  h.cport = 17000;
  h.flags = kFlagMaster | kFlagMyself | kFlagMigrateTo;
  h.state = 1;
  return h;
}

inline GossipEntry SampleGossip(char c, uint16_t port) {
  GossipEntry g;
  g.name = Id(c);
  g.ping_sent = 1700000000;
  g.pong_received = 1700000001;
  g.ip = "192.168.100.200";
  g.port = port;
  g.cport = static_cast<uint16_t>(port + 10000);
  g.flags = kFlagSlave | kFlagPfail;
  g.pport = 0;
  return g;
}

inline Message Sample(MessageType type) {
  Message m;
  m.header = SampleHeader(type);
  switch (type) {
    case MessageType::kPing:
    case MessageType::kPong:
    case MessageType::kMeet:
      m.gossip = {SampleGossip('b', 7001), SampleGossip('c', 7002), SampleGossip('d', 7003)};
      m.extensions = {HostnameExt{"node-two.example"}};
      m.header.mflags[0] = kMflagExtData;
      break;
    case MessageType::kFail:
      m.body = FailBody{Id('e')};
      break;
    case MessageType::kPublish:
    case MessageType::kPublishShard:
      m.body = PublishBody{"news", std::string("hello\0world", 11)};
      break;
    case MessageType::kUpdate: {
      UpdateBody u{ConfigEpoch{9}, Id('f'), SlotBitmap()};
      u.slots.SetRange(100, 200);
      m.body = u;
      break;
    }
    case MessageType::kModule:
      m.body = ModuleBody{0x0102030405060708ULL, 3, "payload"};
      break;
    default:
      break;  // header-only types
  }
  m.header.count = static_cast<uint16_t>(m.gossip.size());
  m.header.extensions = static_cast<uint16_t>(m.extensions.size());
  return m;
}

// A PING with every extension kind (7.2 kinds and an unknown one included) and no gossip.
inline Message PingWithAllExtensions() {
  Message m;
  m.header = SampleHeader(MessageType::kPing);
  ShardIdExt shard;
  shard.shard_id.fill('7');
  m.extensions = {HostnameExt{"h"}, ForgottenNodeExt{Id('9'), 60}, shard,
                  UnknownExt{77, std::string(16, 'x')}};
  m.header.extensions = 4;
  m.header.mflags[0] = kMflagExtData;
  return m;
}

inline std::vector<MessageType> AllTypes() {
  std::vector<MessageType> out;
  for (uint16_t t = 0; t < kTypeCount; ++t) out.push_back(static_cast<MessageType>(t));
  return out;
}

}  // namespace slotd::bus::testing
