// libFuzzer target for the RDB reader: arbitrary bytes as a whole RDB file (checksum ignored when
// zero, so mutations reach the value decoders) and as a DUMP payload body must never crash; what
// loads must write back out and load again with the same number of keys.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"
#include "server/keyspace/database.h"
#include "server/persistence/rdb/crc64.h"
#include "server/persistence/rdb/dump_payload.h"
#include "server/persistence/rdb/rdb_snapshot.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::unique_ptr<slotd::Database>> MakeDbs(const int64_t* clock) {
  std::vector<std::unique_ptr<slotd::Database>> dbs;
  for (int i = 0; i < 4; ++i) {
    dbs.push_back(std::make_unique<slotd::Database>(i, 1, 7));
    dbs.back()->set_clock(clock);
  }
  return dbs;
}

// Small thresholds so fuzzed values cross every encoding conversion.
slotd::Config FuzzConfig() {
  slotd::Config config;
  config.hash_max_listpack_entries = 4;
  config.zset_max_listpack_entries = 4;
  config.set_max_intset_entries = 4;
  config.list_max_listpack_size = 3;
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const slotd::Config config = FuzzConfig();
  static const int64_t now = 1700000000000;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // As a DUMP payload: the input is the value; append a valid footer so the decoder runs.
  std::string payload(input);
  payload.append("\x0a\x00", 2);
  uint64_t crc = slotd::rdb::Crc64(0, payload);
  for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>(crc >> (8 * i)));
  auto value = slotd::rdb::ParseDumpPayload(payload, config);
  if (value) {
    std::string again = slotd::rdb::DumpPayload(*value);
    Check(static_cast<bool>(slotd::rdb::ParseDumpPayload(again, config)));
  }

  // As a whole file.
  auto dbs = MakeDbs(&now);
  slotd::rdb::LoadOptions options;
  options.now_ms = now;
  auto loaded = slotd::rdb::LoadSnapshot(input, dbs, config, options);
  if (loaded) {
    std::string image;
    Check(slotd::rdb::WriteSnapshot(dbs, slotd::rdb::SnapshotInfo{}, [&](std::string_view c) {
      image.append(c);
      return true;
    }));
    auto dbs2 = MakeDbs(&now);
    auto reloaded = slotd::rdb::LoadSnapshot(image, dbs2, config, options);
    Check(static_cast<bool>(reloaded));
    Check(reloaded->keys_loaded == loaded->keys_loaded);
  }
  return 0;
}
