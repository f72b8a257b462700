// Cluster-bus codec: Message <-> bytes by explicit offsets (never packed structs), with the
// validation clusterProcessPacket applies before a message is used. Pure; std only.
#pragma once
#include <string>
#include <string_view>

#include "cluster/bus/messages.h"
#include "cluster/core/result.h"

namespace slotd::bus {

// Serialises `msg`. count, extensions, totlen and mflags EXT_DATA are derived from the message;
// over-long IPs are truncated to 45 bytes (the field keeps a terminating NUL).
std::string Encode(const Message& msg);

// Parses one complete frame (exactly totlen bytes). Errors name the field and the numbers; like
// clusterProcessPacket, a caller drops the rejected message but keeps the link (only FrameReader
// errors mean the link is lost).
// A message of an unknown type decodes successfully with a RawBody: callers ignore it, as Redis
// does, without dropping the link.
Result<Message> Decode(std::string_view frame);

}  // namespace slotd::bus
