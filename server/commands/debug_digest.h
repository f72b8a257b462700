// DEBUG DIGEST / DIGEST-VALUE: Redis 7.0's order-aware SHA-1 digests of values and of the whole
// dataset (debug.c), bit-for-bit, so redis-cli --cluster can compare values across slotd and Redis.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "server/commands/sha1.h"
#include "server/keyspace/object.h"

namespace slotd {

class Database;

using ValueDigest = Sha1::Digest;

// Folds `value` (and whether its key has a TTL) into `digest`, as Redis's xorObjectDigest.
void MixObjectDigest(ValueDigest& digest, const Object& value, bool has_expire);

// DEBUG DIGEST-VALUE for one value: all zeros stands for a missing key.
ValueDigest DigestOfValue(const Object& value, bool has_expire);

// DEBUG DIGEST: every key of every database, with the database number; all zeros when empty.
ValueDigest DigestOfDataset(const std::vector<std::unique_ptr<Database>>& dbs);

// 40 lowercase hex characters.
std::string DigestHex(const ValueDigest& digest);

}  // namespace slotd
