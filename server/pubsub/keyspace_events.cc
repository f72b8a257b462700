#include "server/pubsub/keyspace_events.h"

#include "server/pubsub/pubsub.h"

namespace slotd::notify {
namespace {

struct Letter {
  char letter;
  uint32_t flags;
};

// In CONFIG GET order: the data classes, then K, E and m.
constexpr Letter kDataLetters[] = {
    {'g', kGeneric}, {'$', kString}, {'l', kList},    {'s', kSet},    {'h', kHash},  {'z', kZset},
    {'x', kExpired}, {'e', kEvicted}, {'t', kStream}, {'d', kModule}, {'n', kNew},
};
constexpr Letter kTrailingLetters[] = {{'K', kKeyspace}, {'E', kKeyevent}, {'m', kKeyMiss}};

std::string Channel(std::string_view prefix, int db, std::string_view suffix) {
  std::string channel;
  channel.reserve(prefix.size() + 16 + suffix.size());
  channel.append(prefix).append(std::to_string(db)).append("__:").append(suffix);
  return channel;
}

std::optional<uint32_t> LetterFlags(char c) {
  if (c == 'A') return kAll;
  for (const Letter& l : kDataLetters) {
    if (l.letter == c) return l.flags;
  }
  for (const Letter& l : kTrailingLetters) {
    if (l.letter == c) return l.flags;
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint32_t> ParseClasses(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    std::optional<uint32_t> letter = LetterFlags(c);
    if (!letter) return std::nullopt;
    flags |= *letter;
  }
  return flags;
}

std::string FormatClasses(uint32_t flags) {
  std::string out;
  if ((flags & kAll) == kAll) {
    out += 'A';  // Redis prints no 'n' after 'A' even when it is set
  } else {
    for (const Letter& l : kDataLetters) {
      if (flags & l.flags) out += l.letter;
    }
  }
  for (const Letter& l : kTrailingLetters) {
    if (flags & l.flags) out += l.letter;
  }
  return out;
}

void Publish(PubSub& pubsub, uint32_t flags, std::string_view event, std::string_view key, int db) {
  if (flags & kKeyspace) pubsub.Publish(Channel("__keyspace@", db, key), event);
  if (flags & kKeyevent) pubsub.Publish(Channel("__keyevent@", db, event), key);
}

}  // namespace slotd::notify
