// A value stored under a key: a string, or one of the collection types (list, set, sorted set,
// hash). Each collection family implements its own Collection subclass (list_value.h, hash_value.h,
// ...), with its compact and large encodings; Object only owns it and knows its type. Object is 24
// bytes: strings of up to 16 bytes live inside it, longer ones in one heap block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace slotd {

// Numbered as Redis's OBJ_* type codes.
enum class ObjectType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

// What glibc's malloc hands out for a request of `request` bytes (8 bytes of header, 16-byte
// granules, 32 at least): the unit of the memory estimates (MEMORY USAGE, eviction).
size_t MallocChunkSize(size_t request);

// "string", "list", "set", "zset", "hash" (TYPE, SCAN TYPE).
std::string_view TypeName(ObjectType type);

// Which OBJECT ENCODING a string reports, following how Redis created it.
enum class StringEncoding : uint8_t {
  kAuto = 0,  // stored by SET and friends (tryObjectEncoding): "int", else "embstr" / "raw" by size
  kEmbstr = 1,  // built by createStringObject (INCRBYFLOAT): "embstr" up to 44 bytes, else "raw"
  kRaw = 2,     // edited in place (APPEND, SETRANGE): always "raw"
};

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
  static constexpr size_t kInlineCapacity = 16;  // longest string kept inside the Object

  static Object String(std::string_view bytes, StringEncoding encoding = StringEncoding::kAuto);
  static Object FromCollection(ObjectType type, std::unique_ptr<Collection> value);

  // A move leaves the source an empty string.
  Object(Object&& other) noexcept
      : rep_(other.rep_), tag_(other.tag_), inline_len_(other.inline_len_), access_(other.access_) {
    other.MakeEmpty();
  }
  Object& operator=(Object&& other) noexcept;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object() { Release(); }

  ObjectType type() const { return static_cast<ObjectType>(tag_ & kTypeMask); }
  bool is_string() const { return type() == ObjectType::kString; }

  // ---- Strings (REQUIRES: is_string()) ----

  std::string_view str() const {
    if (storage() == kInline) return {rep_.inline_bytes, inline_len_};
    return {rep_.heap.data, rep_.heap.size};
  }
  StringEncoding string_encoding() const {
    return static_cast<StringEncoding>((tag_ & kEncodingMask) >> kEncodingShift);
  }
  // Replaces the bytes (`bytes` may point into this string).
  void SetString(std::string_view bytes, StringEncoding encoding = StringEncoding::kAuto);
  // Appends `bytes` (which may point into this string); the string becomes "raw". Grows the heap
  // block geometrically, like an sds, so repeated appends stay amortized O(1).
  void Append(std::string_view bytes);
  // Sets the length to `new_size`, keeping the prefix and zero-filling any growth; returns the
  // writable bytes (valid until the next mutation). The string becomes "raw".
  char* ResizeString(size_t new_size);

  // ---- Collections (REQUIRES: type() is the collection type T implements) ----

  template <class T>
  T& as() {
    return *static_cast<T*>(rep_.collection);
  }
  template <class T>
  const T& as() const {
    return *static_cast<const T*>(rep_.collection);
  }
  // nullptr for strings.
  Collection* collection() { return storage() == kCollection ? rep_.collection : nullptr; }
  const Collection* collection() const {
    return storage() == kCollection ? rep_.collection : nullptr;
  }

  // Strings: "int" (fits a 64-bit integer, up to 20 chars), "embstr" (up to 44 bytes), "raw".
  std::string_view EncodingName() const;
  // Bytes of this Object plus what it owns.
  size_t MemoryUsage() const;
  // A deep copy with the same encoding and access stamp (COPY).
  Object Clone() const;

  // ---- Access stamp, for OBJECT IDLETIME/FREQ and the LRU/LFU eviction policies ----
  // One 32-bit field holds either the LRU clock (seconds) or, under an LFU policy, the 16-bit
  // decrement time (minutes) and the 8-bit counter, as Redis's 24-bit lru field does. Switching the
  // policy family at run time reinterprets existing stamps (Redis has the same caveat).

  // False until the first set_lru_clock / set_lfu: Database stamps values when they are first
  // stored, and values moved between keys (RENAME, MOVE) keep their stamps.
  bool access_stamped() const { return (tag_ & kStampedBit) != 0; }
  uint32_t lru_clock() const { return access_; }
  void set_lru_clock(uint32_t clock) {
    access_ = clock;
    tag_ |= kStampedBit;
  }
  uint8_t lfu_counter() const { return static_cast<uint8_t>(access_ & 0xFF); }
  uint16_t lfu_decr_time() const { return static_cast<uint16_t>(access_ >> 8); }
  void set_lfu(uint16_t decr_time, uint8_t counter) {
    access_ = (static_cast<uint32_t>(decr_time) << 8) | counter;
    tag_ |= kStampedBit;
  }
  // Takes `other`'s stamp (dbOverwrite keeps the LFU data of the replaced value).
  void CopyAccessStamp(const Object& other) {
    access_ = other.access_;
    tag_ = static_cast<uint8_t>((tag_ & ~kStampedBit) | (other.tag_ & kStampedBit));
  }

 private:
  enum Storage : uint8_t { kInline = 0, kHeap = 1, kCollection = 2 };

  // tag_ bits: type (3) | storage (2) | string encoding (2) | stamped (1).
  static constexpr uint8_t kTypeMask = 0x07;
  static constexpr int kStorageShift = 3;
  static constexpr uint8_t kStorageMask = 0x18;
  static constexpr int kEncodingShift = 5;
  static constexpr uint8_t kEncodingMask = 0x60;
  static constexpr uint8_t kStampedBit = 0x80;

  union Rep {
    char inline_bytes[kInlineCapacity];
    struct {
      char* data;
      size_t size;  // > kInlineCapacity; the capacity is the allocator's usable size of `data`
    } heap;
    Collection* collection;
  };

  // An empty, unstamped string.
  Object() : rep_{}, tag_(0), inline_len_(0), access_(0) {}

  Storage storage() const { return static_cast<Storage>((tag_ & kStorageMask) >> kStorageShift); }
  void set_storage(Storage s) {
    tag_ = static_cast<uint8_t>((tag_ & ~kStorageMask) | (s << kStorageShift));
  }
  void set_string_encoding(StringEncoding e) {
    tag_ =
        static_cast<uint8_t>((tag_ & ~kEncodingMask) | (static_cast<uint8_t>(e) << kEncodingShift));
  }
  // Frees what this Object owns, leaving the fields as they are.
  void Release();
  // Becomes an empty, unstamped string without freeing anything.
  void MakeEmpty() {
    tag_ = 0;
    inline_len_ = 0;
    access_ = 0;
  }
  // Keeps the string inline with `size` bytes, of which the first `keep` come from `src` (which may
  // be this Object's own heap block, freed afterwards).
  void MoveInline(const char* src, size_t keep, size_t size);
  // Sets the string length, keeping the prefix; growth is left unwritten. Returns the bytes.
  char* Resize(size_t new_size);

  Rep rep_;
  uint8_t tag_;
  uint8_t inline_len_;  // string length while stored inline
  uint32_t access_;
};

static_assert(sizeof(Object) == 24,
              "Object must stay 24 bytes: the key table's entry size depends on it");

}  // namespace slotd
