// RDB primitives: CRC-64/Jones, length and string encodings (round trips at every boundary),
// rejection of every truncation, and golden DUMP payloads captured from redis-server 7.0.15.
#include "server/persistence/rdb/rdb_encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "server/persistence/rdb/crc64.h"

namespace slotd::rdb {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string EncodeLength(uint64_t len) {
  std::string out;
  Writer(&out).Length(len);
  return out;
}

std::string EncodeString(std::string_view s, bool compress = true) {
  std::string out;
  Writer(&out).String(s, compress);
  return out;
}

uint64_t BitwiseCrc64(std::string_view data) {
  uint64_t crc = 0;
  for (unsigned char c : data) {
    crc ^= c;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? (crc >> 1) ^ 0x95AC9329AC4BC9B5ULL : crc >> 1;
  }
  return crc;
}

TEST(RdbCrc64, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, ""), 0u);
}

TEST(RdbCrc64, SliceBy8AgreesWithBitwiseAtEveryLengthAndSplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  for (size_t n = 0; n <= data.size(); ++n) {
    std::string_view prefix(data.data(), n);
    ASSERT_EQ(Crc64(0, prefix), BitwiseCrc64(prefix)) << n;
    size_t split = n / 3;
    ASSERT_EQ(Crc64(Crc64(0, prefix.substr(0, split)), prefix.substr(split)), BitwiseCrc64(prefix));
  }
}

TEST(RdbCrc64, MatchesRedisDumpVectors) {
  // PROTOCOLS.md 7.7: CRC over type+value+version, stored little-endian.
  std::string hello = Unhex("000568656c6c6f0a00");
  EXPECT_EQ(Crc64(0, hello), 0x0a20346576df7263ULL);
}

TEST(RdbLength, UsesSmallestFormAtEachBoundary) {
  EXPECT_EQ(EncodeLength(0), Unhex("00"));
  EXPECT_EQ(EncodeLength(63), Unhex("3f"));
  EXPECT_EQ(EncodeLength(64), Unhex("4040"));
  EXPECT_EQ(EncodeLength(16383), Unhex("7fff"));
  EXPECT_EQ(EncodeLength(16384), Unhex("8000004000"));
  EXPECT_EQ(EncodeLength(0xFFFFFFFFULL), Unhex("80ffffffff"));
  EXPECT_EQ(EncodeLength(0x100000000ULL), Unhex("810000000100000000"));
}

TEST(RdbLength, RoundTripsAtEveryBoundary) {
  for (uint64_t len : std::vector<uint64_t>{0, 1, 63, 64, 16383, 16384, 0xFFFFFFFFULL,
                                            0x100000000ULL, UINT64_MAX}) {
    std::string enc = EncodeLength(len);
    Reader r(enc);
    auto got = r.Length();
    ASSERT_TRUE(got.ok()) << len << ": " << got.error();
    EXPECT_EQ(*got, len);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(RdbLength, RejectsUnknownFormsAndStringEncodings) {
  std::string unknown_in = Unhex("82000000");
  Reader unknown(unknown_in);
  auto r1 = unknown.Length();
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "rdb: unknown length encoding byte 130 at offset 0");
  std::string encoded_in = Unhex("c0");
  Reader encoded(encoded_in);
  auto r2 = encoded.Length();
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "rdb: expected a length at offset 0, found string encoding 0");
}

std::string RoundTrip(std::string_view s, std::string* encoded = nullptr) {
  std::string enc = EncodeString(s);
  if (encoded != nullptr) *encoded = enc;
  Reader r(enc);
  auto got = r.String();
  EXPECT_TRUE(got.ok()) << got.error();
  EXPECT_TRUE(r.at_end());
  return got.ok() ? *got : std::string("<error>");
}

TEST(RdbString, IntegersUseTheSmallestIntEncodingAtEachBoundary) {
  struct Case {
    const char* text;
    const char* hex;
  };
  for (const Case& c : std::vector<Case>{{"0", "c000"},
                                         {"127", "c07f"},
                                         {"-128", "c080"},
                                         {"128", "c18000"},
                                         {"-129", "c17fff"},
                                         {"32767", "c1ff7f"},
                                         {"-32768", "c10080"},
                                         {"32768", "c200800000"},
                                         {"2147483647", "c2ffffff7f"},
                                         {"-2147483648", "c200000080"}}) {
    std::string enc;
    EXPECT_EQ(RoundTrip(c.text, &enc), c.text);
    EXPECT_EQ(enc, Unhex(c.hex)) << c.text;
  }
}

TEST(RdbString, NonCanonicalAndOutOfRangeIntegersStayRaw) {
  for (const char* text : {"-0", "007", "+1", " 1", "1 ", "2147483648", "-2147483649",
                           "99999999999", "", "1e3", "0x10"}) {
    std::string enc;
    EXPECT_EQ(RoundTrip(text, &enc), text);
    std::string raw;
    Writer(&raw).RawString(text);
    EXPECT_EQ(enc, raw) << text;
  }
}

TEST(RdbString, CompressibleStringUsesLzfAndRoundTrips) {
  std::string s;
  for (int i = 0; i < 1024; ++i) s.push_back(static_cast<char>('a' + i % 7));
  std::string enc;
  EXPECT_EQ(RoundTrip(s, &enc), s);
  ASSERT_FALSE(enc.empty());
  EXPECT_EQ(static_cast<uint8_t>(enc[0]), kLenEncoded | kEncLzf);
  EXPECT_LT(enc.size(), 100u);
  // Without compression the same string is stored raw.
  std::string raw = EncodeString(s, /*compress=*/false);
  EXPECT_EQ(raw, Unhex("4400") + s);  // 14-bit length 1024
}

TEST(RdbString, IncompressibleAndShortStringsStayRaw) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 1024; ++i) {
    x = x * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  std::string enc;
  EXPECT_EQ(RoundTrip(noise, &enc), noise);
  EXPECT_EQ(enc, Unhex("4400") + noise);
  // 20 bytes is at Redis's threshold: never compressed however repetitive.
  std::string twenty(20, 'a');
  EXPECT_EQ(RoundTrip(twenty, &enc), twenty);
  EXPECT_EQ(enc, Unhex("14") + twenty);
  std::string twenty_one(21, 'a');
  EXPECT_EQ(RoundTrip(twenty_one, &enc), twenty_one);
  EXPECT_EQ(static_cast<uint8_t>(enc[0]), kLenEncoded | kEncLzf);
}

TEST(RdbString, EveryTruncationIsRejectedCleanly) {
  std::string lzf_source(1024, 'x');
  for (int i = 0; i < 1024; i += 5) lzf_source[i] = static_cast<char>('a' + i % 13);
  for (const std::string& value : std::vector<std::string>{
           "hello", "-32768", "2147483647", std::string(100, 'q'), lzf_source,
           std::string(70, 'r')}) {
    for (bool compress : {true, false}) {
      std::string enc = EncodeString(value, compress);
      for (size_t n = 0; n < enc.size(); ++n) {
        Reader r(std::string_view(enc.data(), n));
        auto got = r.String();
        EXPECT_FALSE(got.ok()) << "value size " << value.size() << " truncated to " << n;
        if (!got.ok()) {
          EXPECT_EQ(got.error().rfind("rdb: ", 0), 0u) << got.error();
        }
      }
    }
  }
}

TEST(RdbString, HostileLengthsAreRejectedWithoutAllocating) {
  std::string huge_in = Unhex("80ffffffff") + std::string(12, 'a');
  Reader huge(huge_in);
  auto r1 = huge.String();
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "rdb: string length 4294967295 exceeds remaining 12 bytes");

  // LZF claiming a 2^40-byte original from 3 compressed bytes.
  std::string bomb_in = Unhex("c303810000010000000000") + "abc";
  Reader bomb(bomb_in);
  auto r2 = bomb.String();
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "rdb: invalid LZF lengths: 3 compressed, 1099511627776 original");

  // Back-reference pointing before the start of the output.
  std::string backref_in = Unhex("c30205" "2000");
  Reader backref(backref_in);
  EXPECT_FALSE(backref.String().ok());

  // Literal run claims more input than the compressed length holds.
  std::string overrun_in = Unhex("c30205" "0561");
  Reader overrun(overrun_in);
  EXPECT_FALSE(overrun.String().ok());

  std::string unknown_in = Unhex("c4");
  Reader unknown(unknown_in);
  auto r3 = unknown.String();
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error(), "rdb: unknown string encoding 4");
}

TEST(RdbString, AllSingleBytePrefixesNeverCrash) {
  // Every first byte with assorted tails: decoding may fail or succeed but never crash.
  for (int b = 0; b < 256; ++b) {
    for (std::string_view tail : {"", "\x01", "\x05\x02\x61\x62", "\xff\xff\xff\xff\xff"}) {
      std::string in(1, static_cast<char>(b));
      in.append(tail);
      Reader r(in);
      (void)r.String();
      EXPECT_LE(r.offset(), in.size());
    }
  }
}

TEST(RdbTime, ExpireTimeMsIsOpcodeThenLittleEndian) {
  std::string out;
  Writer(&out).ExpireTimeMs(0x01a20635e7aeLL);
  EXPECT_EQ(out, Unhex("fcaee73506a2010000"));
  Reader r(out);
  EXPECT_EQ(*r.Byte(), kOpExpireTimeMs);
  auto ms = r.ExpireTimeMs();
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, 0x01a20635e7aeLL);
  std::string seconds_in = Unhex("10000000");
  Reader seconds(seconds_in);
  EXPECT_EQ(*seconds.ExpireTimeSeconds(), 16000);
  std::string short_ms_in = Unhex("aee73506a20100");
  Reader short_ms(short_ms_in);
  EXPECT_FALSE(short_ms.ExpireTimeMs().ok());
}

// DUMP payloads captured from redis-server 7.0.15 (SET then DUMP over a raw socket):
// <type> <value> <u16 le version> <u64 le CRC64 of everything before>.
struct Golden {
  const char* hex;
  std::string value;
};

TEST(RdbGolden, DecodesRealRedisDumpPayloadsAndVerifiesTheirCrc) {
  for (const Golden& g : std::vector<Golden>{
           {"000b68656c6c6f20776f726c640a000bfc49b9a6c7a034", "hello world"},
           {"00c100800a00b540064753bb1ace", "-32768"},
           {"00c30a406402616261e056010161620a0017383d942096d863", [] {
              std::string s;
              for (int i = 0; i < 50; ++i) s += "ab";
              return s;
            }()}}) {
    std::string payload = Unhex(g.hex);
    ASSERT_GE(payload.size(), 10u);
    std::string_view body(payload.data(), payload.size() - 8);
    Reader trailer(std::string_view(payload).substr(payload.size() - 8));
    EXPECT_EQ(Crc64(0, body), *trailer.U64Le()) << g.value;

    Reader r(body);
    EXPECT_EQ(*r.Byte(), kTypeString);
    auto value = r.String();
    ASSERT_TRUE(value.ok()) << value.error();
    EXPECT_EQ(*value, g.value);
    EXPECT_EQ(*r.U16Le(), kRdbVersion);
    EXPECT_TRUE(r.at_end());

    // Our writer produces the same body (same encodings as Redis for these values).
    std::string ours;
    Writer w(&ours);
    w.Byte(kTypeString);
    w.String(g.value);
    w.U16Le(kRdbVersion);
    w.U64Le(Crc64(0, ours));
    EXPECT_EQ(ours, payload) << g.value;
  }
}

}  // namespace
}  // namespace slotd::rdb
