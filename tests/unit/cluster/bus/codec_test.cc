// Cluster-bus codec: round trips per type, byte positions, real Redis 7.0 PONGs, malformations.
#include "cluster/bus/codec.h"

#include <gtest/gtest.h>

#include "tests/unit/cluster/bus/captured_frames.h"
#include "tests/unit/cluster/bus/sample_messages.h"

namespace slotd::bus {
namespace {

using testing::FromHex;
using testing::Id;
using testing::Sample;

void SetU16(std::string& b, size_t off, uint16_t v) {
  b[off] = static_cast<char>(v >> 8);
  b[off + 1] = static_cast<char>(v);
}
void SetU32(std::string& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<char>(v >> (24 - 8 * i));
}
// Appends bytes and keeps totlen consistent, so only the field under test is wrong.
void AppendKeepingTotlen(std::string& b, std::string_view extra) {
  b.append(extra);
  SetU32(b, kOffTotlen, static_cast<uint32_t>(b.size()));
}
std::string DecodeError(const std::string& frame) {
  auto r = Decode(frame);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error();
}

TEST(BusCodec, EveryTypeRoundTrips) {
  for (MessageType t : testing::AllTypes()) {
    const Message m = Sample(t);
    const std::string bytes = Encode(m);
    auto back = Decode(bytes);
    ASSERT_TRUE(back.ok()) << TypeName(static_cast<uint16_t>(t)) << ": " << back.error();
    EXPECT_EQ(*back, m) << TypeName(static_cast<uint16_t>(t));
    EXPECT_EQ(Encode(*back), bytes);
  }
}

TEST(BusCodec, AllExtensionKindsRoundTrip) {
  const Message m = testing::PingWithAllExtensions();
  const std::string bytes = Encode(m);
  // hostname "h": 8 + 8; forgotten: 8 + 48; shard id: 8 + 40; unknown: 8 + 16.
  EXPECT_EQ(bytes.size(), kHeaderSize + 16 + 56 + 48 + 24);
  auto back = Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, m);
}

TEST(BusCodec, TotalLengthsPerType) {
  EXPECT_EQ(Encode(Sample(MessageType::kPing)).size(), 2256u + 3 * 104 + 32);
  EXPECT_EQ(Encode(Sample(MessageType::kFail)).size(), 2296u);
  EXPECT_EQ(Encode(Sample(MessageType::kPublish)).size(), 2256u + 8 + 4 + 11);
  EXPECT_EQ(Encode(Sample(MessageType::kAuthRequest)).size(), 2256u);
  EXPECT_EQ(Encode(Sample(MessageType::kAuthAck)).size(), 2256u);
  EXPECT_EQ(Encode(Sample(MessageType::kUpdate)).size(), 4352u);
  EXPECT_EQ(Encode(Sample(MessageType::kMfStart)).size(), 2256u);
  EXPECT_EQ(Encode(Sample(MessageType::kModule)).size(), 2256u + 13 + 7);
}

TEST(BusCodec, HeaderFieldsSitAtDocumentedOffsets) {
  const std::string b = Encode(Sample(MessageType::kPong));
  EXPECT_EQ(b.substr(0, 4), "RCmb");
  EXPECT_EQ(b.substr(4, 4), std::string("\x00\x00\x0a\x28", 4));  // 2256 + 312 + 32 = 2600
  EXPECT_EQ(b.substr(8, 8), std::string("\x00\x01\x1b\x58\x00\x01\x00\x03", 8));
  EXPECT_EQ(b.substr(40, 40), std::string(40, 'a'));
  EXPECT_EQ(static_cast<uint8_t>(b[80]), 0xff);           // slots 0-7
  EXPECT_EQ(static_cast<uint8_t>(b[80 + 682]), 0x1f);     // slots 5456-5460
  EXPECT_EQ(static_cast<uint8_t>(b[80 + 2047]), 0x80);    // slot 16383
  EXPECT_EQ(b.substr(2128, 40), std::string(40, '\0'));
  EXPECT_EQ(b.substr(2168, 9), std::string("10.0.0.1\0", 9));
  EXPECT_EQ(b.substr(2214, 2), std::string("\x00\x01", 2));
  EXPECT_EQ(b.substr(2246, 10), std::string("\x00\x00\x42\x68\x01\x11\x01\x04\x00\x00", 10));
  // Hostname extension: length 32, type 0, "node-two.example" + NUL padded to 24.
  EXPECT_EQ(b.substr(2256 + 312, 8), std::string("\x00\x00\x00\x20\x00\x00\x00\x00", 8));
}

TEST(BusCodec, EncoderSetsExtDataOnlyWhenExtensionsExist) {
  Message m = Sample(MessageType::kPing);
  m.header.mflags[0] = 0;
  EXPECT_EQ(static_cast<uint8_t>(Encode(m)[kOffMflags]), kMflagExtData);
  m.extensions.clear();
  EXPECT_EQ(static_cast<uint8_t>(Encode(m)[kOffMflags]), 0);
  EXPECT_EQ(Encode(m).substr(kOffExtensions, 2), std::string("\0\0", 2));
}

TEST(BusCodec, DocumentedLivePongLayout) {
  // PROTOCOLS.md 3.7: a 7.0.15 master's PONG with three gossip entries and no extension.
  Message m;
  m.header.type = MessageType::kPong;
  m.header.port = 17001;
  m.header.current_epoch = CurrentEpoch{6};
  m.header.config_epoch = ConfigEpoch{1};
  m.header.offset = 14;
  m.header.sender = Id('1');
  m.header.myslots.SetRange(0, 5460);
  m.header.cport = 27001;
  m.header.flags = 273;
  m.gossip = {testing::SampleGossip('2', 17002), testing::SampleGossip('3', 17003),
              testing::SampleGossip('4', 17004)};
  const std::string b = Encode(m);
  EXPECT_EQ(b.size(), 2568u);
  auto d = Decode(b);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->header.count, 3);
  EXPECT_EQ(d->header.flags, kFlagMaster | kFlagMyself | kFlagMigrateTo);
  EXPECT_EQ(d->header.myslots.Ranges(), (std::vector<std::pair<int, int>>{{0, 5460}}));
}

TEST(BusCodec, RealRedisMasterPongDecodesFieldByField) {
  const std::string frame = FromHex(testdata::kMasterPongHex);
  auto r = Decode(frame);
  ASSERT_TRUE(r.ok()) << r.error();
  const Header& h = r->header;
  EXPECT_EQ(frame.size(), 2384u);
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.port, 23611);
  EXPECT_EQ(h.type, MessageType::kPong);
  EXPECT_EQ(h.count, 1);
  EXPECT_EQ(h.current_epoch, CurrentEpoch{2});
  EXPECT_EQ(h.config_epoch, ConfigEpoch{1});
  EXPECT_EQ(h.offset, 14u);
  EXPECT_EQ(h.sender.view(), "3d35e35aa2b52df5e56f9cf1820b50e98441a1b4");
  EXPECT_EQ(h.myslots.Ranges(), (std::vector<std::pair<int, int>>{{0, 5460}}));
  EXPECT_TRUE(h.slaveof.IsNull());
  EXPECT_EQ(h.myip, "");
  EXPECT_EQ(h.extensions, 1);
  EXPECT_EQ(h.pport, 0);
  EXPECT_EQ(h.cport, 33611);
  EXPECT_EQ(h.flags, 273);
  EXPECT_EQ(h.state, 1);
  EXPECT_EQ(h.mflags, (std::array<uint8_t, 3>{kMflagExtData, 0, 0}));
  ASSERT_EQ(r->gossip.size(), 1u);
  const GossipEntry& g = r->gossip[0];
  EXPECT_EQ(g.name.view(), "0e37b32015f622aa4bff1a03d595a5114beb022c");
  EXPECT_EQ(g.ping_sent, 0u);
  EXPECT_EQ(g.pong_received, 0x6b02525cu);
  EXPECT_EQ(g.ip, "127.0.0.1");
  EXPECT_EQ(g.port, 23613);
  EXPECT_EQ(g.cport, 33613);
  EXPECT_EQ(g.flags, kFlagMaster);
  EXPECT_EQ(g.pport, 0);
  ASSERT_EQ(r->extensions.size(), 1u);
  EXPECT_EQ(std::get<HostnameExt>(r->extensions[0]).hostname, "node-a.example");
  EXPECT_EQ(Encode(*r), frame);  // byte-exact re-encoding
}

TEST(BusCodec, RealRedisReplicaPongCarriesMastersSlots) {
  const std::string frame = FromHex(testdata::kReplicaPongHex);
  auto r = Decode(frame);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->header.sender.view(), "cc788576d845b2f6db648e474971c9b87afc1380");
  EXPECT_EQ(r->header.slaveof.view(), "3d35e35aa2b52df5e56f9cf1820b50e98441a1b4");
  EXPECT_EQ(r->header.flags, kFlagMyself | kFlagSlave);
  EXPECT_EQ(r->header.config_epoch, ConfigEpoch{1});
  EXPECT_EQ(r->header.myslots.Count(), 5461);
  EXPECT_EQ(r->header.mflags[0], 0);
  EXPECT_TRUE(r->extensions.empty());
  ASSERT_EQ(r->gossip.size(), 1u);
  EXPECT_EQ(r->gossip[0].port, 23613);
  EXPECT_EQ(Encode(*r), frame);
}

// ---- Malformations: one test each ----

TEST(BusCodecMalformed, ShorterThanPreamble) {
  EXPECT_EQ(DecodeError("RCmb"), "bus: frame of 4 bytes < preamble 8");
}

TEST(BusCodecMalformed, TruncatedHeader) {
  std::string b = Encode(Sample(MessageType::kPing)).substr(0, 40);
  SetU32(b, kOffTotlen, 40);
  EXPECT_EQ(DecodeError(b), "bus: PING totlen 40 < header 2256");
}

TEST(BusCodecMalformed, BadSignature) {
  std::string b = Encode(Sample(MessageType::kPing));
  b[3] = 'X';
  EXPECT_EQ(DecodeError(b), "bus: signature \"RCmX\" != \"RCmb\"");
}

TEST(BusCodecMalformed, TotlenBeyondFrame) {
  std::string b = Encode(Sample(MessageType::kFail));
  SetU32(b, kOffTotlen, 5000);
  EXPECT_EQ(DecodeError(b), "bus: FAIL totlen 5000 != frame length 2296");
}

TEST(BusCodecMalformed, WrongVersionIsRejected) {
  std::string b = Encode(Sample(MessageType::kMfStart));
  SetU16(b, kOffVer, 2);
  EXPECT_EQ(DecodeError(b), "bus: MFSTART version 2 != 1");
}

TEST(BusCodecMalformed, GossipCountExceedsPayload) {
  std::string b = Encode(Sample(MessageType::kPong));
  SetU16(b, kOffCount, 30);
  EXPECT_EQ(DecodeError(b), "bus: PONG gossip count 30 needs 5376 bytes > totlen 2600");
}

TEST(BusCodecMalformed, GossipCountBelowPayload) {
  Message m = Sample(MessageType::kMeet);
  m.extensions.clear();
  std::string b = Encode(m);
  SetU16(b, kOffCount, 2);
  EXPECT_EQ(DecodeError(b), "bus: MEET totlen 2568 != 2464 (gossip count 2, extensions 0)");
}

TEST(BusCodecMalformed, UnknownTypeIsDroppedNotFatal) {
  std::string b = Encode(Sample(MessageType::kAuthAck));
  SetU16(b, kOffType, 200);
  AppendKeepingTotlen(b, "future");
  auto r = Decode(b);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(IsKnownType(r->header.type));
  EXPECT_EQ(static_cast<uint16_t>(r->header.type), 200);
  EXPECT_EQ(std::get<RawBody>(r->body).bytes, "future");
}

TEST(BusCodecMalformed, ExtensionLengthOverrun) {
  std::string b = Encode(Sample(MessageType::kPing));
  SetU32(b, kHeaderSize + 3 * kGossipSize, 40);  // real length 32, frame ends after it
  EXPECT_EQ(DecodeError(b), "bus: PING extension 0 length 40 at offset 2568 overruns totlen 2600");
}

TEST(BusCodecMalformed, ExtensionLengthNotMultipleOf8) {
  std::string b = Encode(Sample(MessageType::kPing));
  SetU32(b, kHeaderSize + 3 * kGossipSize, 30);
  EXPECT_EQ(DecodeError(b), "bus: PING extension 0 length 30 is not a multiple of 8 of at least 8");
}

TEST(BusCodecMalformed, ExtensionLengthZero) {
  std::string b = Encode(Sample(MessageType::kPing));
  SetU32(b, kHeaderSize + 3 * kGossipSize, 0);
  EXPECT_EQ(DecodeError(b), "bus: PING extension 0 length 0 is not a multiple of 8 of at least 8");
}

TEST(BusCodecMalformed, ExtensionCountBeyondPayload) {
  std::string b = Encode(Sample(MessageType::kPing));
  SetU16(b, kOffExtensions, 2);
  EXPECT_EQ(DecodeError(b), "bus: PING extension 1 header at offset 2600 overruns totlen 2600");
}

TEST(BusCodecMalformed, ExtensionBytesWithoutExtDataFlag) {
  // Redis counts extensions only under EXT_DATA, so the trailing bytes break the length check.
  std::string b = Encode(Sample(MessageType::kPing));
  b[kOffMflags] = 0;
  EXPECT_EQ(DecodeError(b), "bus: PING totlen 2600 != 2568 (gossip count 3, extensions 0)");
}

TEST(BusCodecMalformed, ForgottenNodeExtensionTooShort) {
  Message m = Sample(MessageType::kPing);
  m.extensions = {UnknownExt{kExtForgottenNode, std::string(16, '\0')}};
  EXPECT_EQ(DecodeError(Encode(m)), "bus: PING extension 0 forgotten-node payload 16 < 48");
}

TEST(BusCodecMalformed, FailWithWrongLength) {
  std::string b = Encode(Sample(MessageType::kFail));
  AppendKeepingTotlen(b, "x");
  EXPECT_EQ(DecodeError(b), "bus: FAIL totlen 2297 != expected 2296");
}

TEST(BusCodecMalformed, UpdateWithWrongLength) {
  std::string b = Encode(Sample(MessageType::kUpdate)).substr(0, 4000);
  SetU32(b, kOffTotlen, 4000);
  EXPECT_EQ(DecodeError(b), "bus: UPDATE totlen 4000 != expected 4352");
}

TEST(BusCodecMalformed, HeaderOnlyTypeWithBody) {
  std::string b = Encode(Sample(MessageType::kAuthRequest));
  AppendKeepingTotlen(b, "12345678");
  EXPECT_EQ(DecodeError(b), "bus: AUTH_REQUEST totlen 2264 != expected 2256");
}

TEST(BusCodecMalformed, PublishLengthsDisagreeWithTotlen) {
  std::string b = Encode(Sample(MessageType::kPublish));
  SetU32(b, kHeaderSize + 4, 0xFFFFFFFF);  // message_len; sums past 32 bits must not wrap
  EXPECT_EQ(DecodeError(b), "bus: PUBLISH totlen 2279 != expected 4294969563");
}

TEST(BusCodecMalformed, PublishShorterThanLengthFields) {
  std::string b = Encode(Sample(MessageType::kAuthAck));
  SetU16(b, kOffType, kTypePublishShard);
  AppendKeepingTotlen(b, "1234");
  EXPECT_EQ(DecodeError(b), "bus: PUBLISHSHARD totlen 2260 < 2264 (header + length fields)");
}

TEST(BusCodecMalformed, ModuleLengthMismatch) {
  std::string b = Encode(Sample(MessageType::kModule));
  SetU32(b, kHeaderSize + 8, 100);
  EXPECT_EQ(DecodeError(b), "bus: MODULE totlen 2276 != expected 2369");
}

}  // namespace
}  // namespace slotd::bus
