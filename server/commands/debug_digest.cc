// Redis 7.0's DEBUG digests. Two primitives build everything: "xor" adds SHA1(bytes) into a digest
// (order-free, for set members, hash pairs and keys), "mix" adds it and then rehashes the digest
// (order-sensitive, for list elements and the parts of one entry).
#include "server/commands/debug_digest.h"

#include <cstdio>

#include "server/keyspace/database.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"

namespace slotd {
namespace {

void XorDigest(ValueDigest& digest, const void* data, size_t len) {
  const ValueDigest hash = Sha1::Of(data, len);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= hash[i];
}
void XorDigest(ValueDigest& digest, std::string_view bytes) {
  XorDigest(digest, bytes.data(), bytes.size());
}

void MixDigest(ValueDigest& digest, const void* data, size_t len) {
  XorDigest(digest, data, len);
  digest = Sha1::Of(digest.data(), digest.size());
}
void MixDigest(ValueDigest& digest, std::string_view bytes) {
  MixDigest(digest, bytes.data(), bytes.size());
}

// A 32-bit number as Redis mixes it: 4 bytes in network order.
void MixUint32(ValueDigest& digest, uint32_t n) {
  const uint8_t bytes[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                            static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  MixDigest(digest, bytes, sizeof(bytes));
}

// Redis 7.0 formats scores with "%.17g" here (not the shortest form ZSCORE replies with).
std::string_view ScoreText(double score, char (&buf)[32]) {
  int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  return {buf, static_cast<size_t>(n)};
}

// A pair becomes its own mixed digest, then is xored in, so pairs may come in any order.
void XorPairDigest(ValueDigest& digest, std::string_view first, std::string_view second) {
  ValueDigest pair{};
  MixDigest(pair, first);
  MixDigest(pair, second);
  XorDigest(digest, pair.data(), pair.size());
}

void MixCollectionDigest(ValueDigest& digest, const Object& value) {
  switch (value.type()) {
    case ObjectType::kList:
      value.as<ListValue>().ForEach([&](std::string_view element) { MixDigest(digest, element); });
      break;
    case ObjectType::kSet:
      value.as<SetValue>().ForEach([&](const SetMember& member) {
        char buf[24];
        XorDigest(digest, member.Text(buf));
      });
      break;
    case ObjectType::kZSet:
      for (ZSetValue::Cursor c = value.as<ZSetValue>().First(); c.valid(); c.Next()) {
        char buf[32];
        XorPairDigest(digest, c.member(), ScoreText(c.score(), buf));
      }
      break;
    case ObjectType::kHash:
      value.as<HashValue>().ForEach(
          [&](std::string_view field, std::string_view val) { XorPairDigest(digest, field, val); });
      break;
    case ObjectType::kString:
      break;
  }
}

}  // namespace

void MixObjectDigest(ValueDigest& digest, const Object& value, bool has_expire) {
  MixUint32(digest, static_cast<uint32_t>(value.type()));
  if (value.is_string()) {
    MixDigest(digest, value.str());
  } else {
    MixCollectionDigest(digest, value);
  }
  if (has_expire) XorDigest(digest, "!!expire!!");
}

ValueDigest DigestOfValue(const Object& value, bool has_expire) {
  ValueDigest digest{};
  MixObjectDigest(digest, value, has_expire);
  return digest;
}

ValueDigest DigestOfDataset(const std::vector<std::unique_ptr<Database>>& dbs) {
  ValueDigest result{};
  for (size_t index = 0; index < dbs.size(); ++index) {
    Database& db = *dbs[index];
    if (db.size() == 0) continue;
    // The database number goes in first, so the same keys in another database digest differently.
    MixUint32(result, static_cast<uint32_t>(index));
    // Every key present, expired or not yet deleted (computeDatasetDigest walks the whole dict).
    db.ForEachWithExpire(
        [&](std::string_view key, const Object& value, int64_t expire_at_ms) {
          ValueDigest entry{};
          MixDigest(entry, key);
          MixObjectDigest(entry, value, expire_at_ms != -1);
          XorDigest(result, entry.data(), entry.size());
        },
        /*include_expired=*/true);
  }
  return result;
}

std::string DigestHex(const ValueDigest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digest.size() * 2, '0');
  for (size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace slotd
