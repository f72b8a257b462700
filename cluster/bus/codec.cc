// Cluster-bus encoder and validating decoder (Redis 7.0 layout, big-endian integers).
#include "cluster/bus/codec.h"

#include <cstring>
#include <optional>

namespace slotd::bus {
namespace {

void Put16(std::string& b, size_t off, uint16_t v) {
  b[off] = static_cast<char>(v >> 8);
  b[off + 1] = static_cast<char>(v);
}
void Put32(std::string& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<char>(v >> (24 - 8 * i));
}
void Put64(std::string& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<char>(v >> (56 - 8 * i));
}
uint16_t Get16(std::string_view b, size_t off) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[off]) << 8 |
                               static_cast<uint8_t>(b[off + 1]));
}
uint32_t Get32(std::string_view b, size_t off) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(b[off + i]);
  return v;
}
uint64_t Get64(std::string_view b, size_t off) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(b[off + i]);
  return v;
}
void PutBytes(std::string& b, size_t off, std::string_view s, size_t max) {
  std::memcpy(&b[off], s.data(), s.size() < max ? s.size() : max);
}
// A NUL-padded string field: the bytes before the first NUL.
std::string GetCString(std::string_view b, size_t off, size_t len) {
  std::string_view f = b.substr(off, len);
  return std::string(f.substr(0, f.find('\0')));
}
const uint8_t* Bytes(std::string_view b, size_t off) {
  return reinterpret_cast<const uint8_t*>(b.data() + off);
}
size_t Pad8(size_t n) { return (n + 7) & ~size_t{7}; }

Error Fail(const std::string& what) { return Error{"bus: " + what}; }
std::string N(uint64_t v) { return std::to_string(v); }

// ---- Encoding ----

size_t ExtPayloadSize(const PingExt& ext) {
  struct {
    size_t operator()(const HostnameExt& e) const { return Pad8(e.hostname.size() + 1); }
    size_t operator()(const ForgottenNodeExt&) const { return kForgottenExtPayload; }
    size_t operator()(const ShardIdExt&) const { return kShardIdExtPayload; }
    size_t operator()(const UnknownExt& e) const { return Pad8(e.payload.size()); }
  } size;
  return std::visit(size, ext);
}

size_t EncodeExt(std::string& b, size_t off, const PingExt& ext) {
  const size_t len = kExtHeaderSize + ExtPayloadSize(ext);
  const size_t p = off + kExtHeaderSize;
  Put32(b, off, static_cast<uint32_t>(len));
  if (auto* h = std::get_if<HostnameExt>(&ext)) {
    Put16(b, off + 4, kExtHostname);
    PutBytes(b, p, h->hostname, h->hostname.size());
  } else if (auto* f = std::get_if<ForgottenNodeExt>(&ext)) {
    Put16(b, off + 4, kExtForgottenNode);
    PutBytes(b, p, f->name.view(), kNameLen);
    Put64(b, p + kNameLen, f->ttl_seconds);
  } else if (auto* s = std::get_if<ShardIdExt>(&ext)) {
    Put16(b, off + 4, kExtShardId);
    PutBytes(b, p, std::string_view(s->shard_id.data(), kNameLen), kNameLen);
  } else {
    const auto& u = std::get<UnknownExt>(ext);
    Put16(b, off + 4, u.type);
    PutBytes(b, p, u.payload, u.payload.size());
  }
  return off + len;
}

void EncodeGossip(std::string& b, size_t off, const GossipEntry& g) {
  PutBytes(b, off + kGossipOffName, g.name.view(), kNameLen);
  Put32(b, off + kGossipOffPingSent, g.ping_sent);
  Put32(b, off + kGossipOffPongRecv, g.pong_received);
  PutBytes(b, off + kGossipOffIp, g.ip, kIpLen - 1);
  Put16(b, off + kGossipOffPort, g.port);
  Put16(b, off + kGossipOffCport, g.cport);
  Put16(b, off + kGossipOffFlags, g.flags);
  Put16(b, off + kGossipOffPport, g.pport);
}

size_t BodySize(const Message& m) {
  if (IsPingFamily(m.header.type)) {
    size_t n = m.gossip.size() * kGossipSize;
    for (const auto& e : m.extensions) n += kExtHeaderSize + ExtPayloadSize(e);
    return n;
  }
  if (std::holds_alternative<FailBody>(m.body)) return kFailBodySize;
  if (auto* p = std::get_if<PublishBody>(&m.body)) {
    return kPublishFixed + p->channel.size() + p->message.size();
  }
  if (std::holds_alternative<UpdateBody>(m.body)) return kUpdateBodySize;
  if (auto* mo = std::get_if<ModuleBody>(&m.body)) return kModuleFixed + mo->payload.size();
  if (auto* r = std::get_if<RawBody>(&m.body)) return r->bytes.size();
  return 0;
}

void EncodeHeader(std::string& b, const Message& m) {
  const Header& h = m.header;
  std::memcpy(&b[kOffSig], "RCmb", 4);
  Put32(b, kOffTotlen, static_cast<uint32_t>(b.size()));
  Put16(b, kOffVer, h.version);
  Put16(b, kOffPort, h.port);
  Put16(b, kOffType, static_cast<uint16_t>(h.type));
  Put16(b, kOffCount, IsPingFamily(h.type) ? static_cast<uint16_t>(m.gossip.size()) : 0);
  Put64(b, kOffCurrentEpoch, h.current_epoch.value);
  Put64(b, kOffConfigEpoch, h.config_epoch.value);
  Put64(b, kOffOffset, h.offset);
  PutBytes(b, kOffSender, h.sender.view(), kNameLen);
  h.myslots.ToWire(reinterpret_cast<uint8_t*>(&b[kOffMySlots]));
  PutBytes(b, kOffSlaveOf, h.slaveof.view(), kNameLen);
  PutBytes(b, kOffMyIp, h.myip, kIpLen - 1);
  const bool has_ext = IsPingFamily(h.type) && !m.extensions.empty();
  Put16(b, kOffExtensions, has_ext ? static_cast<uint16_t>(m.extensions.size()) : 0);
  Put16(b, kOffPport, h.pport);
  Put16(b, kOffCport, h.cport);
  Put16(b, kOffFlags, h.flags);
  b[kOffState] = static_cast<char>(h.state);
  for (size_t i = 0; i < kMflagsLen; ++i) b[kOffMflags + i] = static_cast<char>(h.mflags[i]);
  if (has_ext) b[kOffMflags] = static_cast<char>(h.mflags[0] | kMflagExtData);
}

void EncodeBody(std::string& b, const Message& m) {
  size_t off = kOffData;
  if (IsPingFamily(m.header.type)) {
    for (const auto& g : m.gossip) {
      EncodeGossip(b, off, g);
      off += kGossipSize;
    }
    for (const auto& e : m.extensions) off = EncodeExt(b, off, e);
  } else if (auto* f = std::get_if<FailBody>(&m.body)) {
    PutBytes(b, off, f->failing.view(), kNameLen);
  } else if (auto* p = std::get_if<PublishBody>(&m.body)) {
    Put32(b, off, static_cast<uint32_t>(p->channel.size()));
    Put32(b, off + 4, static_cast<uint32_t>(p->message.size()));
    PutBytes(b, off + kPublishFixed, p->channel, p->channel.size());
    PutBytes(b, off + kPublishFixed + p->channel.size(), p->message, p->message.size());
  } else if (auto* u = std::get_if<UpdateBody>(&m.body)) {
    Put64(b, off, u->config_epoch.value);
    PutBytes(b, off + 8, u->node.view(), kNameLen);
    u->slots.ToWire(reinterpret_cast<uint8_t*>(&b[off + 8 + kNameLen]));
  } else if (auto* mo = std::get_if<ModuleBody>(&m.body)) {
    for (int i = 0; i < 8; ++i) b[off + i] = static_cast<char>(mo->module_id >> (8 * i));
    Put32(b, off + 8, static_cast<uint32_t>(mo->payload.size()));
    b[off + 12] = static_cast<char>(mo->module_type);
    PutBytes(b, off + kModuleFixed, mo->payload, mo->payload.size());
  } else if (auto* r = std::get_if<RawBody>(&m.body)) {
    PutBytes(b, off, r->bytes, r->bytes.size());
  }
}

// ---- Decoding (the frame is exactly totlen bytes, already checked) ----

void DecodeHeader(std::string_view f, Header& h) {
  h.version = Get16(f, kOffVer);
  h.port = Get16(f, kOffPort);
  h.type = static_cast<MessageType>(Get16(f, kOffType));
  h.count = Get16(f, kOffCount);
  h.current_epoch = CurrentEpoch{Get64(f, kOffCurrentEpoch)};
  h.config_epoch = ConfigEpoch{Get64(f, kOffConfigEpoch)};
  h.offset = Get64(f, kOffOffset);
  h.sender = NodeId::FromWire(f.data() + kOffSender);
  h.myslots = SlotBitmap::FromWire(Bytes(f, kOffMySlots));
  h.slaveof = NodeId::FromWire(f.data() + kOffSlaveOf);
  h.myip = GetCString(f, kOffMyIp, kIpLen);
  h.extensions = Get16(f, kOffExtensions);
  h.pport = Get16(f, kOffPport);
  h.cport = Get16(f, kOffCport);
  h.flags = Get16(f, kOffFlags);
  h.state = static_cast<uint8_t>(f[kOffState]);
  for (size_t i = 0; i < kMflagsLen; ++i) h.mflags[i] = static_cast<uint8_t>(f[kOffMflags + i]);
}

GossipEntry DecodeGossip(std::string_view f, size_t off) {
  GossipEntry g;
  g.name = NodeId::FromWire(f.data() + off + kGossipOffName);
  g.ping_sent = Get32(f, off + kGossipOffPingSent);
  g.pong_received = Get32(f, off + kGossipOffPongRecv);
  g.ip = GetCString(f, off + kGossipOffIp, kIpLen);
  g.port = Get16(f, off + kGossipOffPort);
  g.cport = Get16(f, off + kGossipOffCport);
  g.flags = Get16(f, off + kGossipOffFlags);
  g.pport = Get16(f, off + kGossipOffPport);
  return g;
}

// One extension whose 8-byte header and `len` bytes are known to lie inside the frame.
Result<PingExt> DecodeExt(std::string_view f, size_t off, uint32_t len, const std::string& what) {
  const uint16_t type = Get16(f, off + 4);
  std::string_view payload = f.substr(off + kExtHeaderSize, len - kExtHeaderSize);
  switch (type) {
    case kExtHostname:
      return PingExt{HostnameExt{std::string(payload.substr(0, payload.find('\0')))}};
    case kExtForgottenNode:
      if (payload.size() < kForgottenExtPayload) {
        return Fail(what + " forgotten-node payload " + N(payload.size()) + " < " +
                    N(kForgottenExtPayload));
      }
      return PingExt{ForgottenNodeExt{NodeId::FromWire(payload.data()), Get64(payload, kNameLen)}};
    case kExtShardId: {
      if (payload.size() < kShardIdExtPayload) {
        return Fail(what + " shard-id payload " + N(payload.size()) + " < " +
                    N(kShardIdExtPayload));
      }
      ShardIdExt s;
      std::memcpy(s.shard_id.data(), payload.data(), kNameLen);
      return PingExt{s};
    }
    default:
      return PingExt{UnknownExt{type, std::string(payload)}};
  }
}

std::optional<Error> DecodePingBody(std::string_view f, const std::string& name, Message& m) {
  const uint64_t totlen = f.size();
  const uint64_t count = m.header.count;
  const uint64_t gossip_end = kHeaderSize + kGossipSize * count;
  if (gossip_end > totlen) {
    return Fail(name + " gossip count " + N(count) + " needs " + N(gossip_end) +
                " bytes > totlen " + N(totlen));
  }
  m.gossip.reserve(count);
  for (size_t off = kHeaderSize; off < gossip_end; off += kGossipSize) {
    m.gossip.push_back(DecodeGossip(f, off));
  }
  size_t off = gossip_end;
  // Like Redis, extensions are only looked at when the sender flagged them.
  const uint16_t n_ext = (m.header.mflags[0] & kMflagExtData) ? m.header.extensions : 0;
  for (uint16_t i = 0; i < n_ext; ++i) {
    const std::string what = name + " extension " + N(i);
    if (totlen - off < kExtHeaderSize) {
      return Fail(what + " header at offset " + N(off) + " overruns totlen " + N(totlen));
    }
    const uint32_t len = Get32(f, off);
    if (len < kExtHeaderSize || len % 8 != 0) {
      return Fail(what + " length " + N(len) + " is not a multiple of 8 of at least 8");
    }
    if (len > totlen - off) {
      return Fail(what + " length " + N(len) + " at offset " + N(off) + " overruns totlen " +
                  N(totlen));
    }
    auto ext = DecodeExt(f, off, len, what);
    if (!ext) return Error{ext.error()};
    m.extensions.push_back(std::move(*ext));
    off += len;
  }
  if (off != totlen) {
    return Fail(name + " totlen " + N(totlen) + " != " + N(off) + " (gossip count " + N(count) +
                ", extensions " + N(n_ext) + ")");
  }
  return std::nullopt;
}

std::optional<Error> ExpectLength(const std::string& name, uint64_t totlen, uint64_t expected) {
  if (totlen == expected) return std::nullopt;
  return Fail(name + " totlen " + N(totlen) + " != expected " + N(expected));
}

// PUBLISH/PUBLISHSHARD and MODULE: fixed lengths, then variable bytes whose sizes they state.
std::optional<Error> DecodeVariableBody(std::string_view f, const std::string& name, Message& m) {
  const uint64_t totlen = f.size();
  const bool publish = m.header.type != MessageType::kModule;
  const size_t fixed = kHeaderSize + (publish ? kPublishFixed : kModuleFixed);
  if (totlen < fixed) {
    return Fail(name + " totlen " + N(totlen) + " < " + N(fixed) + " (header + length fields)");
  }
  if (publish) {
    const uint64_t clen = Get32(f, kOffData), mlen = Get32(f, kOffData + 4);
    if (auto e = ExpectLength(name, totlen, fixed + clen + mlen)) return e;
    m.body = PublishBody{std::string(f.substr(fixed, clen)), std::string(f.substr(fixed + clen))};
    return std::nullopt;
  }
  const uint64_t len = Get32(f, kOffData + 8);
  if (auto e = ExpectLength(name, totlen, fixed + len)) return e;
  ModuleBody mo;
  for (int i = 7; i >= 0; --i) {
    mo.module_id = mo.module_id << 8 | static_cast<uint8_t>(f[kOffData + i]);
  }
  mo.module_type = static_cast<uint8_t>(f[kOffData + 12]);
  mo.payload = std::string(f.substr(fixed));
  m.body = std::move(mo);
  return std::nullopt;
}

std::optional<Error> DecodeBody(std::string_view f, const std::string& name, Message& m) {
  const uint64_t totlen = f.size();
  switch (static_cast<uint16_t>(m.header.type)) {
    case kTypePing:
    case kTypePong:
    case kTypeMeet:
      return DecodePingBody(f, name, m);
    case kTypeFail:
      if (auto e = ExpectLength(name, totlen, kHeaderSize + kFailBodySize)) return e;
      m.body = FailBody{NodeId::FromWire(f.data() + kOffData)};
      return std::nullopt;
    case kTypeUpdate: {
      if (auto e = ExpectLength(name, totlen, kHeaderSize + kUpdateBodySize)) return e;
      m.body = UpdateBody{ConfigEpoch{Get64(f, kOffData)},
                          NodeId::FromWire(f.data() + kOffData + 8),
                          SlotBitmap::FromWire(Bytes(f, kOffData + 8 + kNameLen))};
      return std::nullopt;
    }
    case kTypeAuthRequest:
    case kTypeAuthAck:
    case kTypeMfStart:
      return ExpectLength(name, totlen, kHeaderSize);
    case kTypePublish:
    case kTypePublishShard:
    case kTypeModule:
      return DecodeVariableBody(f, name, m);
    default:
      m.body = RawBody{std::string(f.substr(kHeaderSize))};
      return std::nullopt;
  }
}

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string TypeName(uint16_t type) {
  static constexpr const char* kNames[] = {"PING",   "PONG",     "MEET",   "FAIL",
                                           "PUBLISH", "AUTH_REQUEST", "AUTH_ACK", "UPDATE",
                                           "MFSTART", "MODULE", "PUBLISHSHARD"};
  if (type < kTypeCount) return kNames[type];
  return "type " + std::to_string(type);
}

bool IsPingFamily(MessageType t) {
  return t == MessageType::kPing || t == MessageType::kPong || t == MessageType::kMeet;
}
bool IsKnownType(MessageType t) { return static_cast<uint16_t>(t) < kTypeCount; }

std::string Encode(const Message& msg) {
  std::string b(kHeaderSize + BodySize(msg), '\0');
  EncodeHeader(b, msg);
  EncodeBody(b, msg);
  return b;
}

}  // namespace slotd::bus

namespace slotd::bus {

Result<Message> Decode(std::string_view f) {
  if (f.size() < kPreambleSize) {
    return Fail("frame of " + N(f.size()) + " bytes < preamble " + N(kPreambleSize));
  }
  if (f.substr(kOffSig, 4) != "RCmb") {
    return Fail("signature \"" + Printable(f.substr(kOffSig, 4)) + "\" != \"RCmb\"");
  }
  const uint32_t totlen = Get32(f, kOffTotlen);
  const std::string name = f.size() >= kOffType + 2 ? TypeName(Get16(f, kOffType)) : "message";
  if (totlen < kHeaderSize) {
    return Fail(name + " totlen " + N(totlen) + " < header " + N(kHeaderSize));
  }
  if (totlen != f.size()) {
    return Fail(name + " totlen " + N(totlen) + " != frame length " + N(f.size()));
  }
  const uint16_t version = Get16(f, kOffVer);
  if (version != kProtocolVersion) {
    return Fail(name + " version " + N(version) + " != " + N(kProtocolVersion));
  }
  Message m;
  DecodeHeader(f, m.header);
  if (auto e = DecodeBody(f, name, m)) return *e;
  return m;
}

}  // namespace slotd::bus
