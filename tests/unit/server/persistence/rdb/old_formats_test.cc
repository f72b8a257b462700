// Value types Redis 7.0 still loads but no longer writes (LIST, ZSET with ASCII scores, ziplists,
// quicklist v1) and the PLAIN quicklist node: built by hand here, decoded through
// ParseDumpPayload, converted to our encodings; malformed ones rejected.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "server/config/config.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/zset_value.h"
#include "server/persistence/rdb/crc64.h"
#include "server/persistence/rdb/dump_payload.h"
#include "server/persistence/rdb/rdb_encoding.h"

namespace slotd::rdb {
namespace {

// A ziplist of short strings and immediate integers 0..12 (enough for these tests).
std::string Ziplist(const std::vector<std::string>& elements) {
  std::string zl(10, '\0');
  size_t prev = 0;
  size_t tail = 10;
  for (const std::string& e : elements) {
    tail = zl.size();
    std::string entry(1, static_cast<char>(prev));
    if (e.size() == 1 && e[0] >= '0' && e[0] <= '9') {
      entry.push_back(static_cast<char>(0xF1 + (e[0] - '0')));
    } else {
      entry.push_back(static_cast<char>(e.size()));
      entry += e;
    }
    prev = entry.size();
    zl += entry;
  }
  zl.push_back(static_cast<char>(0xFF));
  for (int i = 0; i < 4; ++i) {
    zl[i] = static_cast<char>(zl.size() >> (8 * i));
    zl[4 + i] = static_cast<char>(tail >> (8 * i));
  }
  zl[8] = static_cast<char>(elements.size());
  return zl;
}

// type byte + body + RDB version 9 + CRC64.
std::string Payload(uint8_t type, const std::string& body) {
  std::string out(1, static_cast<char>(type));
  out += body;
  Writer w(&out);
  w.U16Le(9);
  w.U64Le(Crc64(0, out));
  return out;
}

std::string Body(const std::function<void(Writer&)>& fill) {
  std::string out;
  Writer w(&out);
  fill(w);
  return out;
}

std::vector<std::string> ListElements(const Object& value) {
  std::vector<std::string> out;
  value.as<ListValue>().ForEach([&](std::string_view e) { out.emplace_back(e); });
  return out;
}

TEST(RdbOldFormats, PlainListAndZiplistAndQuicklistV1) {
  Config config;
  auto list = ParseDumpPayload(Payload(kTypeList, Body([](Writer& w) {
                                 w.Length(3);
                                 w.String("a");
                                 w.String("12");
                                 w.String(std::string(30, 'z'));
                               })),
                               config);
  ASSERT_TRUE(list) << list.error();
  EXPECT_EQ(ListElements(*list), (std::vector<std::string>{"a", "12", std::string(30, 'z')}));

  auto zl = ParseDumpPayload(Payload(kTypeListZiplist, Body([](Writer& w) {
                               w.String(Ziplist({"x", "7", "yy"}));
                             })),
                             config);
  ASSERT_TRUE(zl) << zl.error();
  EXPECT_EQ(ListElements(*zl), (std::vector<std::string>{"x", "7", "yy"}));

  auto ql = ParseDumpPayload(Payload(kTypeListQuicklist, Body([](Writer& w) {
                               w.Length(3);
                               w.String(Ziplist({"a", "b"}));
                               w.String(Ziplist({}));  // empty nodes are skipped
                               w.String(Ziplist({"3"}));
                             })),
                             config);
  ASSERT_TRUE(ql) << ql.error();
  EXPECT_EQ(ListElements(*ql), (std::vector<std::string>{"a", "b", "3"}));
}

TEST(RdbOldFormats, QuicklistV2PlainNode) {
  Config config;
  auto ql = ParseDumpPayload(Payload(kTypeListQuicklist2, Body([](Writer& w) {
                               w.Length(1);
                               w.Length(1);  // PLAIN: the string is one element
                               w.String("plain element");
                             })),
                             config);
  ASSERT_TRUE(ql) << ql.error();
  EXPECT_EQ(ListElements(*ql), (std::vector<std::string>{"plain element"}));
  auto bad = ParseDumpPayload(Payload(kTypeListQuicklist2, Body([](Writer& w) {
                                w.Length(1);
                                w.Length(3);  // no such container
                                w.String("x");
                              })),
                              config);
  EXPECT_FALSE(bad);
}

TEST(RdbOldFormats, ZiplistHashAndZset) {
  Config config;
  auto hash = ParseDumpPayload(Payload(kTypeHashZiplist, Body([](Writer& w) {
                                 w.String(Ziplist({"f", "v", "g", "5"}));
                               })),
                               config);
  ASSERT_TRUE(hash) << hash.error();
  EXPECT_EQ(hash->as<HashValue>().Get("g").value_or(""), "5");
  EXPECT_EQ(hash->EncodingName(), "listpack");

  auto zset = ParseDumpPayload(Payload(kTypeZsetZiplist, Body([](Writer& w) {
                                 w.String(Ziplist({"m", "2", "n", "1.5"}));
                               })),
                               config);
  ASSERT_TRUE(zset) << zset.error();
  EXPECT_EQ(zset->as<ZSetValue>().Score("m").value_or(0), 2);
  EXPECT_EQ(zset->as<ZSetValue>().Score("n").value_or(0), 1.5);

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"f", "v", "f", "w"},  // duplicate field
           {"f"},                 // odd count
       }) {
    EXPECT_FALSE(ParseDumpPayload(Payload(kTypeHashZiplist, Body([&](Writer& w) {
                                    w.String(Ziplist(bad));
                                  })),
                                  config));
  }
  EXPECT_FALSE(ParseDumpPayload(Payload(kTypeZsetZiplist, Body([](Writer& w) {
                                  w.String(Ziplist({"m", "notanumber"}));
                                })),
                                config));
}

TEST(RdbOldFormats, ZsetWithAsciiScores) {
  Config config;
  auto zset = ParseDumpPayload(Payload(kTypeZset, Body([](Writer& w) {
                                 w.Length(3);
                                 w.String("a");
                                 w.Byte(3);
                                 w.Bytes("1.5");
                                 w.String("b");
                                 w.Byte(254);  // +inf
                                 w.String("c");
                                 w.Byte(255);  // -inf
                               })),
                               config);
  ASSERT_TRUE(zset) << zset.error();
  EXPECT_EQ(zset->as<ZSetValue>().Score("a").value_or(0), 1.5);
  EXPECT_EQ(zset->as<ZSetValue>().Score("b").value_or(0), HUGE_VAL);
  EXPECT_EQ(zset->as<ZSetValue>().Score("c").value_or(0), -HUGE_VAL);
  auto nan = ParseDumpPayload(Payload(kTypeZset, Body([](Writer& w) {
                                w.Length(1);
                                w.String("a");
                                w.Byte(253);  // NaN
                              })),
                              config);
  EXPECT_FALSE(nan);
}

TEST(RdbOldFormats, ZipmapAndStreamsAreRefused) {
  Config config;
  EXPECT_FALSE(ParseDumpPayload(Payload(kTypeHashZipmap, Body([](Writer& w) {
                                  w.String(std::string("\x01\x01" "f\x01\x00v\xff", 7));
                                })),
                                config));
  EXPECT_FALSE(ParseDumpPayload(Payload(kTypeStreamListpacks2, Body([](Writer& w) {
                                  w.Length(0);
                                })),
                                config));
}

}  // namespace
}  // namespace slotd::rdb
