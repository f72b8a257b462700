// The Redis 7.0 cluster-bus byte layout (cluster.h clusterMsg): sizes, offsets, type codes and
// flag bits. All integers are big-endian on the wire. Pure constants; the codec uses only these.
#pragma once
#include <cstddef>
#include <cstdint>

namespace slotd::bus {

// ---- Header field offsets (clusterMsg) ----
inline constexpr size_t kOffSig = 0;             // "RCmb", 4 bytes
inline constexpr size_t kOffTotlen = 4;          // u32 total length incl. header
inline constexpr size_t kOffVer = 8;             // u16 protocol version (1)
inline constexpr size_t kOffPort = 10;           // u16 sender client port
inline constexpr size_t kOffType = 12;           // u16 message type
inline constexpr size_t kOffCount = 14;          // u16 gossip entry count
inline constexpr size_t kOffCurrentEpoch = 16;   // u64 sender currentEpoch
inline constexpr size_t kOffConfigEpoch = 24;    // u64 sender (or its master's) configEpoch
inline constexpr size_t kOffOffset = 32;         // u64 replication offset
inline constexpr size_t kOffSender = 40;         // 40-byte sender name
inline constexpr size_t kOffMySlots = 80;        // 2048-byte slot bitmap
inline constexpr size_t kOffSlaveOf = 2128;      // 40-byte master name or zeros
inline constexpr size_t kOffMyIp = 2168;         // 46-byte NUL-padded announced IP
inline constexpr size_t kOffExtensions = 2214;   // u16 number of ping extensions
inline constexpr size_t kOffNotUsed1 = 2216;     // 30 zero bytes
inline constexpr size_t kOffPport = 2246;        // u16 plaintext port (TLS clusters)
inline constexpr size_t kOffCport = 2248;        // u16 sender bus port
inline constexpr size_t kOffFlags = 2250;        // u16 sender node flags
inline constexpr size_t kOffState = 2252;        // u8 cluster state (0 ok, 1 fail)
inline constexpr size_t kOffMflags = 2253;       // 3 bytes message flags
inline constexpr size_t kOffData = 2256;         // body starts here

// ---- Sizes ----
inline constexpr size_t kNameLen = 40;           // CLUSTER_NAMELEN
inline constexpr size_t kIpLen = 46;             // NET_IP_STR_LEN
inline constexpr size_t kSlotBytes = 2048;       // CLUSTER_SLOTS / 8
inline constexpr size_t kNotUsed1Len = 30;       // header padding
inline constexpr size_t kMflagsLen = 3;          // mflags[3]
inline constexpr size_t kHeaderSize = 2256;      // CLUSTERMSG_MIN_LEN
inline constexpr size_t kMaxMessageStruct = 4352;  // sizeof(clusterMsg): header + UPDATE body
inline constexpr size_t kPreambleSize = 8;       // sig + totlen, read first by clusterReadHandler
inline constexpr size_t kGossipSize = 104;       // sizeof(clusterMsgDataGossip)
inline constexpr size_t kFailBodySize = 40;      // clusterMsgDataFail
inline constexpr size_t kPublishFixed = 8;       // u32 channel_len + u32 message_len
inline constexpr size_t kUpdateBodySize = 8 + kNameLen + kSlotBytes;  // configEpoch + name + slots
inline constexpr size_t kModuleFixed = 13;       // u64 module_id + u32 len + u8 type
inline constexpr size_t kExtHeaderSize = 8;      // u32 length + u16 type + u16 unused
inline constexpr size_t kForgottenExtPayload = kNameLen + 8;  // name + u64 ttl (seconds)
inline constexpr size_t kShardIdExtPayload = kNameLen;        // 40-byte shard id

// ---- Gossip entry offsets (clusterMsgDataGossip) ----
inline constexpr size_t kGossipOffName = 0;      // 40-byte node name
inline constexpr size_t kGossipOffPingSent = 40; // u32 seconds
inline constexpr size_t kGossipOffPongRecv = 44; // u32 seconds
inline constexpr size_t kGossipOffIp = 48;       // 46-byte NUL-padded IP
inline constexpr size_t kGossipOffPort = 94;     // u16 client port
inline constexpr size_t kGossipOffCport = 96;    // u16 bus port
inline constexpr size_t kGossipOffFlags = 98;    // u16 node flags
inline constexpr size_t kGossipOffPport = 100;   // u16 plaintext port
inline constexpr size_t kGossipOffNotUsed = 102; // u16 zero

// ---- Message types ----
inline constexpr uint16_t kTypePing = 0;         // CLUSTERMSG_TYPE_PING
inline constexpr uint16_t kTypePong = 1;         // CLUSTERMSG_TYPE_PONG
inline constexpr uint16_t kTypeMeet = 2;         // CLUSTERMSG_TYPE_MEET
inline constexpr uint16_t kTypeFail = 3;         // CLUSTERMSG_TYPE_FAIL
inline constexpr uint16_t kTypePublish = 4;      // CLUSTERMSG_TYPE_PUBLISH
inline constexpr uint16_t kTypeAuthRequest = 5;  // CLUSTERMSG_TYPE_FAILOVER_AUTH_REQUEST
inline constexpr uint16_t kTypeAuthAck = 6;      // CLUSTERMSG_TYPE_FAILOVER_AUTH_ACK
inline constexpr uint16_t kTypeUpdate = 7;       // CLUSTERMSG_TYPE_UPDATE
inline constexpr uint16_t kTypeMfStart = 8;      // CLUSTERMSG_TYPE_MFSTART
inline constexpr uint16_t kTypeModule = 9;       // CLUSTERMSG_TYPE_MODULE
inline constexpr uint16_t kTypePublishShard = 10;  // CLUSTERMSG_TYPE_PUBLISHSHARD
inline constexpr uint16_t kTypeCount = 11;       // CLUSTERMSG_TYPE_COUNT

// ---- Node flags (u16) ----
inline constexpr uint16_t kFlagMaster = 1;       // CLUSTER_NODE_MASTER
inline constexpr uint16_t kFlagSlave = 2;        // CLUSTER_NODE_SLAVE
inline constexpr uint16_t kFlagPfail = 4;        // CLUSTER_NODE_PFAIL ("fail?")
inline constexpr uint16_t kFlagFail = 8;         // CLUSTER_NODE_FAIL
inline constexpr uint16_t kFlagMyself = 16;      // CLUSTER_NODE_MYSELF
inline constexpr uint16_t kFlagHandshake = 32;   // CLUSTER_NODE_HANDSHAKE
inline constexpr uint16_t kFlagNoAddr = 64;      // CLUSTER_NODE_NOADDR
inline constexpr uint16_t kFlagMeet = 128;       // CLUSTER_NODE_MEET (local only)
inline constexpr uint16_t kFlagMigrateTo = 256;  // CLUSTER_NODE_MIGRATE_TO
inline constexpr uint16_t kFlagNoFailover = 512; // CLUSTER_NODE_NOFAILOVER

// ---- mflags[0] bits ----
inline constexpr uint8_t kMflagPaused = 0x01;    // CLUSTERMSG_FLAG0_PAUSED
inline constexpr uint8_t kMflagForceAck = 0x02;  // CLUSTERMSG_FLAG0_FORCEACK
inline constexpr uint8_t kMflagExtData = 0x04;   // CLUSTERMSG_FLAG0_EXT_DATA

// ---- Ping extension types (7.0 sends only HOSTNAME; 1-3 are the 7.2 numbers, skipped by 7.0) ----
inline constexpr uint16_t kExtHostname = 0;       // CLUSTERMSG_EXT_TYPE_HOSTNAME
inline constexpr uint16_t kExtHumanNodename = 1;  // 7.2 CLUSTERMSG_EXT_TYPE_HUMAN_NODENAME
inline constexpr uint16_t kExtForgottenNode = 2;  // 7.2 CLUSTERMSG_EXT_TYPE_FORGOTTEN_NODE
inline constexpr uint16_t kExtShardId = 3;        // 7.2 CLUSTERMSG_EXT_TYPE_SHARDID

inline constexpr uint32_t kProtocolVersion = 1;   // CLUSTER_PROTO_VER

// ---- Layout checks: each field ends where the next begins ----
static_assert(kOffTotlen == kOffSig + 4 && kOffVer == kOffTotlen + 4);
static_assert(kOffPort == kOffVer + 2 && kOffType == kOffPort + 2 && kOffCount == kOffType + 2);
static_assert(kOffCurrentEpoch == kOffCount + 2 && kOffConfigEpoch == kOffCurrentEpoch + 8);
static_assert(kOffOffset == kOffConfigEpoch + 8 && kOffSender == kOffOffset + 8);
static_assert(kOffMySlots == kOffSender + kNameLen && kOffSlaveOf == kOffMySlots + kSlotBytes);
static_assert(kOffMyIp == kOffSlaveOf + kNameLen && kOffExtensions == kOffMyIp + kIpLen);
static_assert(kOffNotUsed1 == kOffExtensions + 2 && kOffPport == kOffNotUsed1 + kNotUsed1Len);
static_assert(kOffCport == kOffPport + 2 && kOffFlags == kOffCport + 2);
static_assert(kOffState == kOffFlags + 2 && kOffMflags == kOffState + 1);
static_assert(kOffData == kOffMflags + kMflagsLen && kHeaderSize == kOffData);
static_assert(kHeaderSize == 2256, "CLUSTERMSG_MIN_LEN");
static_assert(kHeaderSize + kUpdateBodySize == kMaxMessageStruct, "sizeof(clusterMsg) == 4352");
static_assert(kGossipOffPingSent == kGossipOffName + kNameLen);
static_assert(kGossipOffPongRecv == kGossipOffPingSent + 4);
static_assert(kGossipOffIp == kGossipOffPongRecv + 4);
static_assert(kGossipOffCport == kGossipOffPort + 2 && kGossipOffFlags == kGossipOffCport + 2);
static_assert(kGossipOffPport == kGossipOffFlags + 2 && kGossipOffNotUsed == kGossipOffPport + 2);
static_assert(kGossipOffPort == kGossipOffIp + kIpLen && kGossipOffNotUsed + 2 == kGossipSize);
static_assert(kGossipSize == 104, "sizeof(clusterMsgDataGossip)");
static_assert(kHeaderSize + kFailBodySize == 2296);

}  // namespace slotd::bus
