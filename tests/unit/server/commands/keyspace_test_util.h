// A stand-in collection value for string/key command tests: lets a test put a "list" (or any other
// type) under a key without depending on that family's commands, to check WRONGTYPE, TYPE and COPY.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "server/keyspace/database.h"
#include "server/keyspace/object.h"
#include "tests/unit/server/command_harness.h"

namespace slotd::test {

inline const std::string kWrongTypeErr =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");
inline const std::string kSyntaxErr = Err("ERR syntax error");
inline const std::string kNotIntegerErr = Err("ERR value is not an integer or out of range");

class FakeCollection : public Collection {
 public:
  explicit FakeCollection(size_t length = 1) : length_(length) {}
  std::string_view EncodingName() const override { return "listpack"; }
  size_t Length() const override { return length_; }
  size_t MemoryUsage() const override { return 16; }
  std::unique_ptr<Collection> Clone() const override {
    return std::make_unique<FakeCollection>(length_);
  }

 private:
  size_t length_;
};

// Stores a fake value of `type` under `key` (replacing any value and its TTL).
inline void PutCollection(Database& db, std::string_view key, ObjectType type = ObjectType::kList) {
  db.Set(key, Object::FromCollection(type, std::make_unique<FakeCollection>()));
}

}  // namespace slotd::test
