#include "server/pubsub/pubsub.h"

#include <algorithm>

#include "server/app/client.h"

namespace slotd {
namespace {

using Registry = std::map<std::string, std::vector<Client*>, std::less<>>;

bool AddTo(Registry& registry, std::set<std::string, std::less<>>& own, Client& client, std::string_view name) {
  if (!own.emplace(name).second) return false;
  registry[std::string(name)].push_back(&client);
  return true;
}

bool RemoveFrom(Registry& registry, std::set<std::string, std::less<>>& own, Client& client,
                std::string_view name) {
  auto mine = own.find(name);
  if (mine == own.end()) return false;
  // `name` may view the very string `own` holds (RemoveClient passes *own.begin()): look it up in
  // the registry before erasing it from `own`.
  auto it = registry.find(name);
  if (it != registry.end()) {
    std::erase(it->second, &client);
    if (it->second.empty()) registry.erase(it);
  }
  own.erase(mine);
  return true;
}

void WriteMessage(Client& c, std::string_view kind, std::string_view channel, std::string_view message) {
  c.reply.PushHeader(3);
  c.reply.Bulk(kind);
  c.reply.Bulk(channel);
  c.reply.Bulk(message);
}

}  // namespace

bool PubSub::Subscribe(Client& client, std::string_view channel) {
  return AddTo(channels_, client.channels, client, channel);
}
bool PubSub::Unsubscribe(Client& client, std::string_view channel) {
  return RemoveFrom(channels_, client.channels, client, channel);
}
bool PubSub::PSubscribe(Client& client, std::string_view pattern) {
  return AddTo(patterns_, client.patterns, client, pattern);
}
bool PubSub::PUnsubscribe(Client& client, std::string_view pattern) {
  return RemoveFrom(patterns_, client.patterns, client, pattern);
}
bool PubSub::SSubscribe(Client& client, std::string_view channel) {
  return AddTo(shard_channels_, client.shard_channels, client, channel);
}
bool PubSub::SUnsubscribe(Client& client, std::string_view channel) {
  return RemoveFrom(shard_channels_, client.shard_channels, client, channel);
}

void PubSub::RemoveClient(Client& client) {
  while (!client.channels.empty()) Unsubscribe(client, *client.channels.begin());
  while (!client.patterns.empty()) PUnsubscribe(client, *client.patterns.begin());
  while (!client.shard_channels.empty()) SUnsubscribe(client, *client.shard_channels.begin());
}

size_t PubSub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  auto it = channels_.find(channel);
  if (it != channels_.end()) {
    for (Client* c : it->second) {
      WriteMessage(*c, "message", channel, message);
      if (on_output) on_output(*c);
      ++receivers;
    }
  }
  for (auto& [pattern, clients] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    for (Client* c : clients) {
      c->reply.PushHeader(4);
      c->reply.Bulk("pmessage");
      c->reply.Bulk(pattern);
      c->reply.Bulk(channel);
      c->reply.Bulk(message);
      if (on_output) on_output(*c);
      ++receivers;
    }
  }
  return receivers;
}

size_t PubSub::SPublish(std::string_view channel, std::string_view message) {
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  for (Client* c : it->second) {
    WriteMessage(*c, "smessage", channel, message);
    if (on_output) on_output(*c);
  }
  return it->second.size();
}

std::vector<std::string> PubSub::Channels(std::string_view pattern, bool shard) const {
  const Registry& registry = shard ? shard_channels_ : channels_;
  std::vector<std::string> out;
  for (const auto& [name, clients] : registry) {
    if (pattern.empty() || GlobMatch(pattern, name)) out.push_back(name);
  }
  return out;
}

size_t PubSub::NumSub(std::string_view channel, bool shard) const {
  const Registry& registry = shard ? shard_channels_ : channels_;
  auto it = registry.find(channel);
  return it == registry.end() ? 0 : it->second.size();
}

}  // namespace slotd
