// DEBUG DIGEST / DIGEST-VALUE must equal Redis 7.0's bit for bit (redis-cli --cluster compares
// them across nodes). Every hex string below was read from redis-server 7.0.15 loaded with the
// same data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "server/commands/debug_digest.h"
#include "server/commands/sha1.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

constexpr char kZeros[] = "0000000000000000000000000000000000000000";

Config DebugEnabled() {
  Config config;
  config.enable_debug_command = DebugCommandPolicy::kYes;
  return config;
}

std::string HexOf(std::string_view text) { return DigestHex(Sha1::Of(text.data(), text.size())); }

// {command, args...} built from a prefix and generated elements.
std::vector<std::string> Command(std::vector<std::string> head, int count,
                                 std::string (*element)(int)) {
  for (int i = 0; i < count; ++i) head.push_back(element(i));
  return head;
}

class DebugDigest : public ::testing::Test {
 protected:
  CommandHarness h{DebugEnabled()};

  std::string DigestValue(std::string_view key) {
    return h.Run({"DEBUG", "DIGEST-VALUE", key});
  }
  std::string Encoding(std::string_view key) { return h.Run({"OBJECT", "ENCODING", key}); }
  static std::string One(std::string_view hex) { return Arr({Simple(hex)}); }
};

TEST(Sha1, KnownAnswers) {
  EXPECT_EQ(HexOf(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(HexOf("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  std::string million(1000000, 'a');
  EXPECT_EQ(HexOf(million), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // Fed in odd-sized pieces, across block boundaries.
  Sha1 sha;
  for (size_t i = 0; i < million.size(); i += 7) {
    sha.Update(million.data() + i, std::min<size_t>(7, million.size() - i));
  }
  EXPECT_EQ(DigestHex(sha.Final()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_F(DebugDigest, Strings) {
  h.Run({"SET", "str_embstr", "hello"});
  h.Run({"SET", "str_int", "12345"});
  h.Run({"SET", "str_negint", "-9223372036854775808"});
  h.Run({"SET", "str_raw", std::string(100, 'x')});
  h.Run({"SET", "str_empty", ""});
  h.Run({"SET", "str_binary", std::string_view("a\0b\xff\r\n", 6)});
  EXPECT_EQ(Encoding("str_int"), Bulk("int"));
  EXPECT_EQ(Encoding("str_raw"), Bulk("raw"));
  EXPECT_EQ(DigestValue("str_embstr"), One("36b23a1456b2dce2c3ed252c456761301dba8060"));
  EXPECT_EQ(DigestValue("str_int"), One("e1cf90774e995ae03de66e8109dc5cb9d9c2dc83"));
  EXPECT_EQ(DigestValue("str_negint"), One("4191566616a6d8b974bba999f8e82b3f2c8dcce0"));
  EXPECT_EQ(DigestValue("str_raw"), One("6942b9b71aaff9a398b7a2f898756f5e28dd3cd1"));
  EXPECT_EQ(DigestValue("str_empty"), One("8b3447c33a834b810e3e181b6fd6a2ee1020921c"));
  EXPECT_EQ(DigestValue("str_binary"), One("2a0bdfae13d5d551c225de85f4a2a0ad5b5d5a2e"));
}

TEST_F(DebugDigest, ExpireChangesTheDigestButNotItsValue) {
  h.Run({"SET", "str_ttl", "hello", "PX", "100000000"});
  h.Run({"HSET", "hash_ttl", "a", "b"});
  h.Run({"PEXPIRE", "hash_ttl", "100000000"});
  EXPECT_EQ(DigestValue("str_ttl"), One("d037c4eb8a8b36b602fbced4000daeab0714c1e3"));
  EXPECT_EQ(DigestValue("hash_ttl"), One("01ce97e79e107255ae83a560e4c2070114b00ba6"));
  h.Run({"PEXPIRE", "str_ttl", "5"});  // any TTL counts the same
  EXPECT_EQ(DigestValue("str_ttl"), One("d037c4eb8a8b36b602fbced4000daeab0714c1e3"));
  h.Run({"PERSIST", "str_ttl"});
  EXPECT_EQ(DigestValue("str_ttl"), One("36b23a1456b2dce2c3ed252c456761301dba8060"));
}

TEST_F(DebugDigest, ListsInOrder) {
  h.Run({"RPUSH", "list_small", "a", "1", "-5", "hello", "", "9223372036854775807"});
  std::vector<std::string> big =
      Command({"RPUSH", "list_big"}, 300, [](int i) { return "e" + std::to_string(i); });
  big.push_back(std::string(200, 'y'));
  h.Run(big);
  EXPECT_EQ(DigestValue("list_small"), One("7bb1c8b44c0a4ac5b2d6709569439d4c7a0acd90"));
  EXPECT_EQ(DigestValue("list_big"), One("92dce5471bc9ff3baf328cdd5b3c0ffc06655836"));
  h.Run({"RPUSH", "ab", "a", "b"});
  h.Run({"RPUSH", "ba", "b", "a"});
  EXPECT_NE(DigestValue("ab"), DigestValue("ba"));
}

TEST_F(DebugDigest, SetsInEveryEncoding) {
  h.Run({"SADD", "set_intset", "3", "1", "-7", "2", "100000"});
  h.Run({"SADD", "set_hashtable", "a", "b", "c", "1", ""});
  h.Run(Command({"SADD", "set_big"}, 600, [](int i) { return std::to_string(i); }));
  EXPECT_EQ(Encoding("set_intset"), Bulk("intset"));
  EXPECT_EQ(Encoding("set_big"), Bulk("hashtable"));
  EXPECT_EQ(DigestValue("set_intset"), One("3c8634f7967eadde21377f1eb74a98249d415f0b"));
  EXPECT_EQ(DigestValue("set_hashtable"), One("b66f9ed15f158e050895061d0aa62d69a59ff5d0"));
  EXPECT_EQ(DigestValue("set_big"), One("04d81c0962ffde34acf89d01fe2057bd59abc03f"));
}

TEST_F(DebugDigest, SortedSetsFormatScoresLikeRedis) {
  h.Run({"ZADD", "zset_listpack", "1", "a", "0.1", "b", "-2.5", "c", "inf", "d", "-inf", "e",
         "1e300", "f", "3", "42", "123456789012", "g", "1.5e-7", "h"});
  h.Run({"ZADD", "zset_negzero", "-0", "a"});
  h.Run(Command({"ZADD", "zset_skiplist"}, 400, [](int i) {
    // Score, member pairs: (n * 0.37, "m<n>"); "%.17g" parses back to the very same double.
    char score[32];
    std::snprintf(score, sizeof(score), "%.17g", (i / 2) * 0.37);
    return i % 2 == 0 ? std::string(score) : "m" + std::to_string(i / 2);
  }));
  h.Run({"ZADD", "zset_longmember", "2", std::string(100, 'z'), "0.3", "b"});
  EXPECT_EQ(Encoding("zset_listpack"), Bulk("listpack"));
  EXPECT_EQ(Encoding("zset_skiplist"), Bulk("skiplist"));
  EXPECT_EQ(Encoding("zset_longmember"), Bulk("skiplist"));
  EXPECT_EQ(DigestValue("zset_listpack"), One("0dcd5484a89a73f9745a8ca8719270022efaa93b"));
  EXPECT_EQ(DigestValue("zset_negzero"), One("8d8d88c2cfb8d9411b8d9973c96538bd6378d446"));
  EXPECT_EQ(DigestValue("zset_skiplist"), One("7e3c324149fc964daef8c0e7e2178dad1bbed618"));
  EXPECT_EQ(DigestValue("zset_longmember"), One("663e1590ea8eb0ec77522f1e43dadab64394167b"));
}

TEST_F(DebugDigest, HashesInEveryEncoding) {
  h.Run({"HSET", "hash_listpack", "f1", "v1", "n", "42", "", "empty", "neg", "-3"});
  h.Run(Command({"HSET", "hash_hashtable"}, 1200, [](int i) {
    return (i % 2 == 0 ? "f" : "v") + std::to_string(i / 2);
  }));
  h.Run({"HSET", "hash_longvalue", "f", std::string(100, 'v'), "g", "7"});
  EXPECT_EQ(Encoding("hash_listpack"), Bulk("listpack"));
  EXPECT_EQ(Encoding("hash_hashtable"), Bulk("hashtable"));
  EXPECT_EQ(Encoding("hash_longvalue"), Bulk("hashtable"));
  EXPECT_EQ(DigestValue("hash_listpack"), One("f34a051ef4bcaf335834b685609cf28ad4e36b85"));
  EXPECT_EQ(DigestValue("hash_hashtable"), One("da5884fc7ba8a8dc69e963590622d30a3baf7439"));
  EXPECT_EQ(DigestValue("hash_longvalue"), One("a332a2460e1a11f856c22f6f176d0f30f4870e32"));
}

TEST_F(DebugDigest, DigestValueTakesManyKeysAndZerosMissingOnes) {
  h.Run({"SET", "str_embstr", "hello"});
  h.Run({"SADD", "set_intset", "3", "1", "-7", "2", "100000"});
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST-VALUE", "str_embstr", "missing", "set_intset"}),
            Arr({Simple("36b23a1456b2dce2c3ed252c456761301dba8060"), Simple(kZeros),
                 Simple("3c8634f7967eadde21377f1eb74a98249d415f0b")}));
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST-VALUE"}), Arr({}));
  // Subcommands are case-insensitive, keys are not.
  EXPECT_EQ(h.Run({"debug", "digest-value", "STR_EMBSTR"}), One(kZeros));
}

TEST_F(DebugDigest, DatasetDigestCoversEveryDatabase) {
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST"}), Simple(kZeros));
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST", "x"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG "
                "HELP."));
  h.Run({"SET", "s", "hello"});
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST"}), Simple("a500c6b54937da22f2ac1167da1da852479c7339"));
  h.Run({"ZADD", "z", "0.1", "a"});
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST"}), Simple("031846396a4c5ea4820792cf05cc07575bbcf3ef"));
  h.Run({"SELECT", "1"});
  h.Run({"SET", "str_embstr", "hello"});
  h.Run({"RPUSH", "l", "x"});
  h.Run({"SELECT", "0"});
  h.Run({"FLUSHDB"});
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST"}), Simple("6b09aa6776ee0025171bfabdcdb5c0efff137220"));
  h.Run({"FLUSHALL"});
  EXPECT_EQ(h.Run({"DEBUG", "DIGEST"}), Simple(kZeros));
}

}  // namespace
}  // namespace slotd::test
