// A value stored under a key: a string, or one of the collection types (list, set, sorted set, hash).
// Each collection family implements its own Collection subclass (list_value.h, hash_value.h, ...), with its
// compact and large encodings; Object only owns it and knows its type.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace slotd {

// Numbered as Redis's OBJ_* type codes.
enum class ObjectType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

// "string", "list", "set", "zset", "hash" (TYPE, SCAN TYPE).
std::string_view TypeName(ObjectType type);

class Collection {
 public:
  virtual ~Collection() = default;
  // OBJECT ENCODING: "listpack", "quicklist", "intset", "hashtable", "skiplist".
  virtual std::string_view EncodingName() const = 0;
  virtual size_t Length() const = 0;       // number of elements (members, fields, entries)
  virtual size_t MemoryUsage() const = 0;  // approximate bytes owned, for MEMORY USAGE and eviction
  virtual std::unique_ptr<Collection> Clone() const = 0;  // COPY
};

class Object {
 public:
  static Object String(std::string_view bytes) { return Object(std::string(bytes)); }
  static Object String(std::string&& bytes) { return Object(std::move(bytes)); }
  static Object FromCollection(ObjectType type, std::unique_ptr<Collection> value) {
    return Object(type, std::move(value));
  }

  Object(Object&&) noexcept = default;
  Object& operator=(Object&&) noexcept = default;

  ObjectType type() const { return type_; }
  bool is_string() const { return type_ == ObjectType::kString; }

  // REQUIRES: is_string().
  std::string& str() { return str_; }
  const std::string& str() const { return str_; }

  // REQUIRES: type() is the collection type T implements.
  template <class T>
  T& as() {
    return *static_cast<T*>(collection_.get());
  }
  template <class T>
  const T& as() const {
    return *static_cast<const T*>(collection_.get());
  }
  Collection* collection() { return collection_.get(); }
  const Collection* collection() const { return collection_.get(); }

  // Strings: "int" (fits a 64-bit integer, up to 20 chars), "embstr" (up to 44 bytes), "raw".
  std::string_view EncodingName() const;
  size_t MemoryUsage() const;
  Object Clone() const;

  // Access metadata for OBJECT IDLETIME/FREQ and the LRU/LFU eviction policies.
  uint32_t lru_clock = 0;  // seconds resolution, wraps like Redis's 24-bit clock (we keep 32 bits)
  uint8_t lfu_counter = 5;  // LFU_INIT_VAL
  uint16_t lfu_decr_time = 0;  // minutes resolution

 private:
  explicit Object(std::string&& bytes) : type_(ObjectType::kString), str_(std::move(bytes)) {}
  Object(ObjectType type, std::unique_ptr<Collection> value) : type_(type), collection_(std::move(value)) {}

  ObjectType type_;
  std::string str_;
  std::unique_ptr<Collection> collection_;
};

}  // namespace slotd
