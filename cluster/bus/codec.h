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

// Parses one complete frame (exactly totlen bytes). Errors name the field and the numbers; the
// host frees a link that delivers one (Redis 7.0 only drops such a message, but a peer whose
// lengths or version disagree with ours is broken, and its next frame boundary is a guess).
// A message of an unknown type decodes successfully with a RawBody: callers ignore it, as Redis
// does, without dropping the link.
Result<Message> Decode(std::string_view frame);

}  // namespace slotd::bus
