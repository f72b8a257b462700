// Pub/Sub registry: channel, pattern and shard-channel subscriptions, and message delivery into
// subscribers' reply buffers (RESP2 arrays, RESP3 pushes). No I/O: the server flushes the clients.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace slotd {

class Client;

class PubSub {
 public:
  // Called for each client a message was written to, so the server flushes it.
  std::function<void(Client&)> on_output;

  // Each returns true when the subscription is new (the reply to the client is written by the command).
  bool Subscribe(Client& client, std::string_view channel);
  bool Unsubscribe(Client& client, std::string_view channel);
  bool PSubscribe(Client& client, std::string_view pattern);
  bool PUnsubscribe(Client& client, std::string_view pattern);
  bool SSubscribe(Client& client, std::string_view channel);
  bool SUnsubscribe(Client& client, std::string_view channel);
  // Drops every subscription of a disconnecting client.
  void RemoveClient(Client& client);

  // Delivers to channel and pattern subscribers; returns the number of receivers.
  size_t Publish(std::string_view channel, std::string_view message);
  // Delivers to shard-channel subscribers ("smessage"); returns the number of receivers.
  size_t SPublish(std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS/SHARDCHANNELS [pattern], NUMSUB, NUMPAT, SHARDNUMSUB.
  std::vector<std::string> Channels(std::string_view pattern, bool shard) const;
  size_t NumSub(std::string_view channel, bool shard) const;
  size_t NumPat() const { return patterns_.size(); }

 private:
  std::map<std::string, std::vector<Client*>, std::less<>> channels_;
  std::map<std::string, std::vector<Client*>, std::less<>> patterns_;
  std::map<std::string, std::vector<Client*>, std::less<>> shard_channels_;
};

// Redis's stringmatchlen glob: * ? [abc] [^a] [a-z] and \ escapes; `nocase` for KEYS-like uses.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace slotd
