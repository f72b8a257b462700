// Keyspace notifications (notify-keyspace-events): the event classes as Redis 7.0's NOTIFY_* bits, their
// one-letter config form, and the publishing of one event on __keyspace@<db>__:<key> and
// __keyevent@<db>__:<event>. Delivered to this node's subscribers only, as Redis does (also in cluster mode).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotd {

class PubSub;

namespace notify {

enum Class : uint32_t {
  kKeyspace = 1u << 0,  // K: __keyspace@<db>__:<key> channels
  kKeyevent = 1u << 1,  // E: __keyevent@<db>__:<event> channels
  kGeneric = 1u << 2,   // g: DEL, EXPIRE, RENAME, ...
  kString = 1u << 3,    // $
  kList = 1u << 4,      // l
  kSet = 1u << 5,       // s
  kHash = 1u << 6,      // h
  kZset = 1u << 7,      // z
  kExpired = 1u << 8,   // x
  kEvicted = 1u << 9,   // e
  kStream = 1u << 10,   // t
  kKeyMiss = 1u << 11,  // m: a read found no key
  kModule = 1u << 13,   // d
  kNew = 1u << 14,      // n: a key was created
  // 'A' (neither m nor n, as in Redis).
  kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule,
};

// "KEA" -> flags; nullopt when a character is not a class ("Invalid event class character").
std::optional<uint32_t> ParseClasses(std::string_view text);
// Flags -> the canonical string CONFIG GET shows (Redis's keyspaceEventsFlagsToString).
std::string FormatClasses(uint32_t flags);

// Publishes `event` about `key` of database `db` on the channels `flags` ask for. The caller checked that
// `flags` enables the event's class.
void Publish(PubSub& pubsub, uint32_t flags, std::string_view event, std::string_view key, int db);

}  // namespace notify
}  // namespace slotd
