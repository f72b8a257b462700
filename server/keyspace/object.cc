// Object: string storage (inline up to 16 bytes, else one heap block), collection ownership and
// encodings.
#include "server/keyspace/object.h"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

namespace slotd {

size_t MallocChunkSize(size_t request) {
  return std::max<size_t>(32, (request + sizeof(size_t) + 15) & ~size_t{15});
}

std::string_view TypeName(ObjectType type) {
  switch (type) {
    case ObjectType::kString: return "string";
    case ObjectType::kList: return "list";
    case ObjectType::kSet: return "set";
    case ObjectType::kZSet: return "zset";
    case ObjectType::kHash: return "hash";
  }
  return "none";
}

namespace {

constexpr size_t kEmbstrLimit = 44;           // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
constexpr size_t kMaxPrealloc = 1024 * 1024;  // SDS_MAX_PREALLOC: growth beyond it is linear

// Redis stores a string as an integer when string2l accepts it: no leading '+', no leading zeros,
// no spaces.
bool LooksLikeInteger(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  char canonical[24];
  auto [canonical_end, unused] = std::to_chars(canonical, canonical + sizeof(canonical), value);
  return std::string_view(canonical, static_cast<size_t>(canonical_end - canonical)) == s;
}

// String blocks come from operator new (so allocation budgets and tests see them); its
// malloc-backed implementations (libstdc++ over glibc, jemalloc, tcmalloc) all answer
// malloc_usable_size for them, which gives the capacity without storing it.
char* Allocate(size_t bytes) { return static_cast<char*>(::operator new(bytes)); }
void Free(char* data) { ::operator delete(data); }
size_t Capacity(const char* data) { return malloc_usable_size(const_cast<char*>(data)); }

// sdsMakeRoomFor's greedy rule: double small strings, add 1 MiB to large ones.
size_t GrownCapacity(size_t needed) {
  return needed < kMaxPrealloc ? needed * 2 : needed + kMaxPrealloc;
}

}  // namespace

Object Object::String(std::string_view bytes, StringEncoding encoding) {
  Object o;
  const size_t size = bytes.size();
  if (size <= kInlineCapacity) {
    if (size > 0) std::memcpy(o.rep_.inline_bytes, bytes.data(), size);
    o.inline_len_ = static_cast<uint8_t>(size);
  } else {
    o.rep_.heap.data = Allocate(size);  // exact size: most strings are written once
    std::memcpy(o.rep_.heap.data, bytes.data(), size);
    o.rep_.heap.size = size;
    o.set_storage(kHeap);
  }
  o.set_string_encoding(encoding);
  return o;
}

Object Object::FromCollection(ObjectType type, std::unique_ptr<Collection> value) {
  Object o;
  o.rep_.collection = value.release();
  o.tag_ = static_cast<uint8_t>(type);
  o.set_storage(kCollection);
  return o;
}

Object& Object::operator=(Object&& other) noexcept {
  if (this != &other) {
    Release();
    rep_ = other.rep_;
    tag_ = other.tag_;
    inline_len_ = other.inline_len_;
    access_ = other.access_;
    other.MakeEmpty();
  }
  return *this;
}

void Object::Release() {
  if (storage() == kHeap) {
    Free(rep_.heap.data);
  } else if (storage() == kCollection) {
    delete rep_.collection;
  }
}

void Object::MoveInline(const char* src, size_t keep, size_t size) {
  char bytes[kInlineCapacity];
  if (keep > 0) std::memcpy(bytes, src, keep);  // copy out first: `src` may be freed below
  if (storage() == kHeap) Free(rep_.heap.data);
  if (keep > 0) std::memcpy(rep_.inline_bytes, bytes, keep);
  inline_len_ = static_cast<uint8_t>(size);
  set_storage(kInline);
}

void Object::SetString(std::string_view bytes, StringEncoding encoding) {
  const size_t size = bytes.size();
  if (size <= kInlineCapacity) {
    MoveInline(bytes.data(), size, size);
  } else if (const size_t capacity = storage() == kHeap ? Capacity(rep_.heap.data) : 0;
             size <= capacity && size * 2 >= capacity) {
    // Reuse the block for a similar size (INCR of a 17..20 digit number); memmove: `bytes` may
    // overlap.
    std::memmove(rep_.heap.data, bytes.data(), size);
    rep_.heap.size = size;
  } else {
    char* data = Allocate(size);  // exact size: most strings are written once
    std::memcpy(data, bytes.data(), size);
    if (storage() == kHeap) Free(rep_.heap.data);
    rep_.heap.data = data;
    rep_.heap.size = size;
    set_storage(kHeap);
  }
  set_string_encoding(encoding);
}

char* Object::Resize(size_t new_size) {
  const std::string_view old = str();
  if (new_size <= kInlineCapacity) {
    MoveInline(old.data(), std::min(old.size(), new_size), new_size);
    return rep_.inline_bytes;
  }
  if (storage() == kHeap) {
    if (new_size > Capacity(rep_.heap.data)) {
      char* data = Allocate(GrownCapacity(new_size));
      std::memcpy(data, rep_.heap.data, std::min(old.size(), new_size));
      Free(rep_.heap.data);
      rep_.heap.data = data;
    }
  } else {
    // Inline to heap: a string created at its final size (SETRANGE on a new key) gets an exact
    // block.
    char* data = Allocate(old.empty() ? new_size : GrownCapacity(new_size));
    if (!old.empty()) std::memcpy(data, old.data(), old.size());
    rep_.heap.data = data;
    set_storage(kHeap);
  }
  rep_.heap.size = new_size;
  return rep_.heap.data;
}

char* Object::ResizeString(size_t new_size) {
  const size_t old_size = str().size();
  char* data = Resize(new_size);
  if (new_size > old_size) std::memset(data + old_size, 0, new_size - old_size);
  set_string_encoding(StringEncoding::kRaw);
  return data;
}

void Object::Append(std::string_view bytes) {
  if (bytes.empty()) {
    set_string_encoding(StringEncoding::kRaw);  // Redis unshares the value even for an empty append
    return;
  }
  const std::string_view old = str();
  // `bytes` may lie inside this string, whose storage can move: remember it as an offset.
  const bool aliased = bytes.data() >= old.data() && bytes.data() < old.data() + old.size();
  const size_t offset = aliased ? static_cast<size_t>(bytes.data() - old.data()) : 0;
  char* data = Resize(old.size() + bytes.size());
  set_string_encoding(StringEncoding::kRaw);
  std::memmove(data + old.size(), aliased ? data + offset : bytes.data(), bytes.size());
}

std::string_view Object::EncodingName() const {
  if (storage() == kCollection) return rep_.collection->EncodingName();
  const StringEncoding encoding = string_encoding();
  if (encoding == StringEncoding::kRaw) return "raw";
  const std::string_view s = str();
  if (encoding == StringEncoding::kAuto && LooksLikeInteger(s)) return "int";
  return s.size() <= kEmbstrLimit ? "embstr" : "raw";
}

size_t Object::MemoryUsage() const {
  switch (storage()) {
    case kInline: return sizeof(Object);
    // An exact block's size is known; a grown one's capacity is asked (it varies with the
    // allocator's free lists, so only edited strings pay for a nondeterministic estimate).
    case kHeap:
      return sizeof(Object) + (string_encoding() == StringEncoding::kRaw
                                   ? Capacity(rep_.heap.data) + sizeof(size_t)
                                   : MallocChunkSize(rep_.heap.size));
    case kCollection: return sizeof(Object) + rep_.collection->MemoryUsage();
  }
  return sizeof(Object);
}

Object Object::Clone() const {
  Object copy = storage() == kCollection ? FromCollection(type(), rep_.collection->Clone())
                                         : String(str(), string_encoding());
  copy.CopyAccessStamp(*this);
  return copy;
}

}  // namespace slotd
