// Writes values as Redis 7.0's rdbSaveObject does: STRING, QUICKLIST_2 with listpack nodes cut by
// the quicklist fill rule, intset or SET, HASH_LISTPACK or HASH, ZSET_LISTPACK or ZSET_2.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"
#include "server/persistence/rdb/packed_blobs.h"
#include "server/persistence/rdb/value_codec.h"

namespace slotd::rdb {
namespace {

constexpr size_t kNodeBytesByLevel[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSizeSafetyLimit = 8192;
constexpr size_t kPlainNodeThreshold = size_t{1} << 30;  // packed_threshold: own PLAIN node
constexpr uint8_t kContainerPlain = 1;
constexpr uint8_t kContainerPacked = 2;

// A reused buffer for the blobs (listpacks, intsets) written as strings: no allocation per key.
std::string& BlobScratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}

// _quicklistNodeAllowInsert (7.0.15): whether a node of `node_bytes` and `count` entries may take
// an element of `len` bytes. Redis estimates the entry's overhead as 8 bytes.
bool NodeAllowsInsert(size_t node_bytes, size_t count, size_t len, int64_t fill) {
  constexpr size_t kEntryOverheadEstimate = 8;
  size_t new_bytes = node_bytes + len + kEntryOverheadEstimate;
  if (fill < 0) {
    size_t level =
        std::min<size_t>(static_cast<size_t>(-fill - 1), std::size(kNodeBytesByLevel) - 1);
    return new_bytes <= kNodeBytesByLevel[level];
  }
  return new_bytes <= kSizeSafetyLimit && count + 1 <= static_cast<size_t>(fill);
}

void WriteList(Writer& w, const ListValue& list, bool compress, int64_t fill) {
  // The node count goes first, so the cut is computed in a first pass.
  thread_local std::vector<uint32_t> node_sizes;  // entries per node; 0 marks a PLAIN node
  node_sizes.clear();
  {
    size_t bytes = 0;
    std::string& lp = BlobScratch();
    std::optional<ListpackBuilder> builder;
    list.ForEach([&](std::string_view e) {
      if (e.size() >= kPlainNodeThreshold) {
        node_sizes.push_back(0);
        bytes = 0;
        return;
      }
      if (bytes == 0 || !NodeAllowsInsert(bytes, node_sizes.back(), e.size(), fill)) {
        node_sizes.push_back(0);
        lp.clear();
        builder.emplace(&lp);
      }
      builder->Add(e);
      ++node_sizes.back();
      bytes = builder->bytes();
    });
  }
  w.Length(node_sizes.size());
  size_t node = 0;
  size_t left = 0;
  std::string& lp = BlobScratch();
  std::optional<ListpackBuilder> builder;
  auto flush = [&] {
    builder->Finish();
    w.Length(kContainerPacked);
    w.String(lp, compress);
    builder.reset();
  };
  list.ForEach([&](std::string_view e) {
    if (node_sizes[node] == 0) {  // PLAIN
      w.Length(kContainerPlain);
      w.String(e, compress);
      ++node;
      return;
    }
    if (left == 0) {
      left = node_sizes[node];
      lp.clear();
      builder.emplace(&lp);
    }
    builder->Add(e);
    if (--left == 0) {
      flush();
      ++node;
    }
  });
}

void WriteSet(Writer& w, const SetValue& set, bool compress) {
  if (set.is_intset()) {
    thread_local std::vector<int64_t> ints;
    ints.clear();
    set.ForEach([&](const SetMember& m) { ints.push_back(m.integer); });
    std::string& blob = BlobScratch();
    BuildIntset(ints, &blob);
    w.String(blob, compress);
    return;
  }
  w.Length(set.Length());
  set.ForEach([&](const SetMember& m) { w.String(m.str, compress); });
}

void WriteHash(Writer& w, const HashValue& hash, bool compress) {
  if (hash.is_listpack()) {
    std::string& blob = BlobScratch();
    ListpackBuilder builder(&blob);
    hash.ForEach([&](std::string_view f, std::string_view v) {
      builder.Add(f);
      builder.Add(v);
    });
    builder.Finish();
    w.String(blob, compress);
    return;
  }
  w.Length(hash.Length());
  hash.ForEach([&](std::string_view f, std::string_view v) {
    w.String(f, compress);
    w.String(v, compress);
  });
}

// d2string (7.0): integral values within 2^52 as integers, else %.17g; "inf", "-inf", "-0".
std::string_view ScoreText(double score, char (&buf)[32]) {
  int n;
  if (std::isinf(score)) {
    n = std::snprintf(buf, sizeof(buf), "%s", score > 0 ? "inf" : "-inf");
  } else if (score == 0) {
    n = std::snprintf(buf, sizeof(buf), "%s", std::signbit(score) ? "-0" : "0");
  } else if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
             score == static_cast<double>(static_cast<int64_t>(score))) {
    n = std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(score));
  } else {
    n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  }
  return {buf, static_cast<size_t>(n)};
}

void WriteZSet(Writer& w, const ZSetValue& zset, bool compress) {
  if (zset.is_listpack()) {
    std::string& blob = BlobScratch();
    ListpackBuilder builder(&blob);
    char buf[32];
    for (auto c = zset.First(); c.valid(); c.Next()) {
      builder.Add(c.member());
      builder.Add(ScoreText(c.score(), buf));
    }
    builder.Finish();
    w.String(blob, compress);
    return;
  }
  w.Length(zset.Length());
  for (auto c = zset.Last(); c.valid(); c.Prev()) {  // highest score first, as Redis writes
    w.String(c.member(), compress);
    uint64_t bits;
    double score = c.score();
    std::memcpy(&bits, &score, sizeof(bits));
    w.U64Le(bits);
  }
}

}  // namespace

uint8_t ValueType(const Object& value) {
  switch (value.type()) {
    case ObjectType::kString:
      return kTypeString;
    case ObjectType::kList:
      return kTypeListQuicklist2;
    case ObjectType::kSet:
      return value.as<SetValue>().is_intset() ? kTypeSetIntset : kTypeSet;
    case ObjectType::kHash:
      return value.as<HashValue>().is_listpack() ? kTypeHashListpack : kTypeHash;
    case ObjectType::kZSet:
      return value.as<ZSetValue>().is_listpack() ? kTypeZsetListpack : kTypeZset2;
  }
  return kTypeString;
}

void WriteValue(Writer& w, const Object& value, bool compress, int64_t list_fill) {
  switch (value.type()) {
    case ObjectType::kString:
      return w.String(value.str(), compress);
    case ObjectType::kList:
      return WriteList(w, value.as<ListValue>(), compress, list_fill);
    case ObjectType::kSet:
      return WriteSet(w, value.as<SetValue>(), compress);
    case ObjectType::kHash:
      return WriteHash(w, value.as<HashValue>(), compress);
    case ObjectType::kZSet:
      return WriteZSet(w, value.as<ZSetValue>(), compress);
  }
}

}  // namespace slotd::rdb
