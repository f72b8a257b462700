// Decoded cluster-bus messages: the common header, gossip entries, ping extensions and the
// per-type bodies. Plain values; codec.h converts them to and from bytes.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cluster/bus/wire_format.h"
#include "cluster/core/epoch.h"
#include "cluster/core/node_id.h"
#include "cluster/core/slot_bitmap.h"

namespace slotd::bus {

// Known type codes; any other u16 is carried as-is (Redis accepts and ignores unknown types).
enum class MessageType : uint16_t {
  kPing = kTypePing,
  kPong = kTypePong,
  kMeet = kTypeMeet,
  kFail = kTypeFail,
  kPublish = kTypePublish,
  kAuthRequest = kTypeAuthRequest,
  kAuthAck = kTypeAuthAck,
  kUpdate = kTypeUpdate,
  kMfStart = kTypeMfStart,
  kModule = kTypeModule,
  kPublishShard = kTypePublishShard,
};

// "PING", "PONG", ... or "type N" for unknown codes; used in error messages.
std::string TypeName(uint16_t type);

struct Header {
  uint16_t version = kProtocolVersion;
  uint16_t port = 0;
  MessageType type = MessageType::kPing;
  uint16_t count = 0;       // derived from gossip.size() on encode
  CurrentEpoch current_epoch;
  ConfigEpoch config_epoch;
  uint64_t offset = 0;
  NodeId sender;
  SlotBitmap myslots;
  NodeId slaveof;           // null (all NUL) when the sender is a master
  std::string myip;         // empty: receiver uses the socket peer address; at most 45 bytes
  uint16_t extensions = 0;  // derived from extensions.size() on encode
  uint16_t pport = 0;
  uint16_t cport = 0;
  uint16_t flags = 0;
  uint8_t state = 0;        // 0 ok, 1 fail
  std::array<uint8_t, 3> mflags{};  // EXT_DATA is set by the encoder when extensions exist
  bool operator==(const Header&) const = default;
};

struct GossipEntry {
  NodeId name;
  uint32_t ping_sent = 0;      // seconds
  uint32_t pong_received = 0;  // seconds
  std::string ip;
  uint16_t port = 0;
  uint16_t cport = 0;
  uint16_t flags = 0;
  uint16_t pport = 0;
  bool operator==(const GossipEntry&) const = default;
};

struct HostnameExt {
  std::string hostname;
  bool operator==(const HostnameExt&) const = default;
};
struct ForgottenNodeExt {
  NodeId name;
  uint64_t ttl_seconds = 0;
  bool operator==(const ForgottenNodeExt&) const = default;
};
struct ShardIdExt {
  std::array<char, kNameLen> shard_id{};
  bool operator==(const ShardIdExt&) const = default;
};
// Types this node does not interpret; kept so they can be skipped (and re-encoded in tests).
struct UnknownExt {
  uint16_t type = 0;
  std::string payload;  // padded payload as received
  bool operator==(const UnknownExt&) const = default;
};
using PingExt = std::variant<HostnameExt, ForgottenNodeExt, ShardIdExt, UnknownExt>;

struct FailBody {
  NodeId failing;
  bool operator==(const FailBody&) const = default;
};
struct PublishBody {  // PUBLISH and PUBLISHSHARD
  std::string channel;
  std::string message;
  bool operator==(const PublishBody&) const = default;
};
struct UpdateBody {
  ConfigEpoch config_epoch;
  NodeId node;
  SlotBitmap slots;
  bool operator==(const UpdateBody&) const = default;
};
struct ModuleBody {
  uint64_t module_id = 0;  // host byte order on the wire (Redis quirk); we use little-endian
  uint8_t module_type = 0;
  std::string payload;
  bool operator==(const ModuleBody&) const = default;
};
// Bytes after the header of an unknown message type, uninterpreted.
struct RawBody {
  std::string bytes;
  bool operator==(const RawBody&) const = default;
};
using Body = std::variant<std::monostate, FailBody, PublishBody, UpdateBody, ModuleBody, RawBody>;

struct Message {
  Header header;
  std::vector<GossipEntry> gossip;  // PING/PONG/MEET
  std::vector<PingExt> extensions;  // PING/PONG/MEET
  Body body;                        // the other types; monostate for header-only ones
  bool operator==(const Message&) const = default;
};

bool IsPingFamily(MessageType type);
bool IsKnownType(MessageType type);

}  // namespace slotd::bus
