#include "server/app/tracking.h"

#include <algorithm>

#include "server/app/client.h"
#include "server/app/server.h"
#include "server/commands/command_table.h"

namespace slotd {
namespace {

constexpr std::string_view kRedirectChannel = "__redis__:invalidate";

// Redis compares prefixes over the shorter length: "a" overlaps "ab", and "" overlaps everything.
bool Overlap(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

std::string OneKeyArray(std::string_view key) {
  std::string out;
  resp::ReplyBuilder payload(&out);
  payload.ArrayHeader(1);
  payload.Bulk(key);
  return out;
}

// A flush's payload: a null in the protocol of the client the invalidation is meant for.
std::string NullFor(const Client& client) {
  std::string out;
  resp::ReplyBuilder payload(&out);
  payload.set_protocol(client.reply.protocol());
  payload.Null();
  return out;
}

}  // namespace

void Tracking::Enable(Client& client, uint64_t redirect, Options options,
                      std::span<const std::string_view> prefixes) {
  ClientTracking& t = client.tracking;
  if (!t.enabled) ++clients_;
  t.enabled = true;
  t.broken_redirect = t.bcast = t.optin = t.optout = t.noloop = false;
  t.redirect = redirect;
  if (options.bcast) {
    t.bcast = true;
    if (prefixes.empty()) AddPrefix(client, "");
    for (std::string_view prefix : prefixes) AddPrefix(client, prefix);
  }
  t.optin = options.optin;
  t.optout = options.optout;
  t.noloop = options.noloop;
}

void Tracking::AddPrefix(Client& client, std::string_view prefix) {
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) it = prefixes_.emplace(std::string(prefix), PrefixState{}).first;
  if (it->second.clients.insert(&client).second) client.tracking.prefixes.emplace(prefix);
}

void Tracking::Disable(Client& client) {
  ClientTracking& t = client.tracking;
  if (t.bcast) {
    for (const std::string& prefix : t.prefixes) {
      auto it = prefixes_.find(prefix);
      if (it == prefixes_.end()) continue;
      it->second.clients.erase(&client);
      if (it->second.clients.empty()) prefixes_.erase(it);
    }
    t.prefixes.clear();
  }
  if (t.enabled) {
    --clients_;
    t.enabled = t.broken_redirect = t.bcast = t.optin = t.optout = t.caching = t.noloop = false;
  }
}

std::string Tracking::PrefixCollision(const Client& client, std::span<const std::string_view> prefixes) const {
  constexpr std::string_view kRule = "'. Prefixes for a single client must not overlap.";
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& existing : client.tracking.prefixes) {
      if (Overlap(existing, prefixes[i])) {
        return "Prefix '" + std::string(prefixes[i]) + "' overlaps with an existing prefix '" + existing +
               std::string(kRule);
      }
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (Overlap(prefixes[i], prefixes[j])) {
        return "Prefix '" + std::string(prefixes[i]) + "' overlaps with another provided prefix '" +
               std::string(prefixes[j]) + std::string(kRule);
      }
    }
  }
  return "";
}

void Tracking::RememberKeys(Client& client, const CommandSpec& spec, ArgList args) {
  const ClientTracking& t = client.tracking;
  if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
  // Shard channels are keys for routing only; they are not cached.
  if (spec.flags & kCmdPubSub) return;
  std::vector<int> key_indexes;
  if (!CommandTable::ExtractKeys(spec, args, &key_indexes)) return;
  for (int index : key_indexes) {
    std::string_view key = args[static_cast<size_t>(index)];
    auto it = table_.find(key);
    if (it == table_.end()) it = table_.emplace(std::string(key), std::vector<uint64_t>{}).first;
    std::vector<uint64_t>& ids = it->second;
    if (std::find(ids.begin(), ids.end(), client.id()) != ids.end()) continue;
    ids.push_back(client.id());
    ++total_items_;
  }
}

void Tracking::InvalidateKey(Client* modifier, std::string_view key) {
  if (!prefixes_.empty()) CollectForBroadcast(modifier, key);
  auto it = table_.find(key);
  if (it == table_.end()) return;
  std::vector<uint64_t> ids = std::move(it->second);
  table_.erase(it);
  total_items_ -= ids.size();
  for (uint64_t id : ids) {
    auto found = server_.clients.find(id);
    if (found == server_.clients.end()) continue;
    Client& target = *found->second;
    // A client that switched to BCAST since it read the key gets no per-key messages.
    if (!target.tracking.enabled || target.tracking.bcast) continue;
    const bool running = &target == server_.current_client;
    if (running && target.tracking.noloop) continue;
    if (running && server_.execution_depth > 0) {
      pending_.emplace_back(std::string(key));  // after its reply, not inside it
    } else {
      Send(target, OneKeyArray(key));
    }
  }
}

void Tracking::CollectForBroadcast(const Client* modifier, std::string_view key) {
  for (auto& [prefix, state] : prefixes_) {
    if (key.substr(0, prefix.size()) != prefix) continue;
    auto it = state.keys.find(key);
    if (it == state.keys.end()) {
      state.keys.emplace(std::string(key), modifier);
    } else {
      it->second = modifier;
    }
  }
}

void Tracking::InvalidateAll() {
  if (clients_ > 0) {
    for (auto& [id, client] : server_.clients) {
      if (!client->tracking.enabled) continue;
      if (client == server_.current_client && server_.execution_depth > 0) {
        pending_.emplace_back(std::nullopt);
      } else {
        Send(*client, NullFor(*client));
      }
    }
  }
  table_.clear();
  total_items_ = 0;
}

void Tracking::SendPending(Client& client) {
  std::vector<std::optional<std::string>> pending;
  pending.swap(pending_);
  for (const std::optional<std::string>& key : pending) {
    if (key) {
      Send(client, OneKeyArray(*key));
    } else {
      Send(client, NullFor(client));
    }
  }
}

void Tracking::BroadcastCollected() {
  if (clients_ == 0) return;
  for (auto& [prefix, state] : prefixes_) {
    if (state.keys.empty()) continue;
    // The keys a client sees: all of them, or in NOLOOP mode the ones another client modified last.
    auto payload_for = [&state](const Client* excluded) {
      std::vector<std::string_view> keys;
      for (const auto& [key, modifier] : state.keys) {
        if (excluded == nullptr || modifier != excluded) keys.push_back(key);
      }
      std::string out;
      if (!keys.empty()) resp::ReplyBuilder(&out).BulkArray(keys);
      return out;
    };
    const std::string common = payload_for(nullptr);
    for (Client* client : state.clients) {
      if (!client->tracking.noloop) {
        Send(*client, common);
      } else if (std::string own = payload_for(client); !own.empty()) {
        Send(*client, own);
      }
    }
    state.keys.clear();
  }
}

void Tracking::EnforceTableLimit() {
  const auto max_keys = static_cast<size_t>(server_.config.tracking_table_max_keys);
  if (max_keys == 0 || table_.size() <= max_keys) {
    limit_rounds_ = 0;
    return;
  }
  for (unsigned effort = 100 * (limit_rounds_ + 1); effort > 0 && !table_.empty(); --effort) {
    std::string key = table_.begin()->first;  // the hash order stands in for Redis's random walk
    InvalidateKey(nullptr, key);
    if (table_.size() <= max_keys) {
      limit_rounds_ = 0;
      return;
    }
  }
  ++limit_rounds_;
}

void Tracking::Send(Client& client, std::string_view payload) {
  Client* target = &client;
  bool redirected = false;
  if (client.tracking.redirect != 0) {
    auto found = server_.clients.find(client.tracking.redirect);
    if (found == server_.clients.end()) {
      client.tracking.broken_redirect = true;
      if (client.reply.resp3()) {
        client.reply.PushHeader(2);
        client.reply.Bulk("tracking-redir-broken");
        client.reply.Integer(static_cast<int64_t>(client.tracking.redirect));
        if (server_.schedule_flush) server_.schedule_flush(client);
      }
      return;
    }
    target = found->second;
    redirected = true;
  }
  if (target->reply.resp3()) {
    target->reply.PushHeader(2);
    target->reply.Bulk("invalidate");
  } else if (redirected && target->subscription_count() > 0) {
    target->reply.ArrayHeader(3);
    target->reply.Bulk("message");
    target->reply.Bulk(kRedirectChannel);
  } else {
    return;  // a RESP2 connection cannot take pushes between its replies
  }
  target->reply.Raw(payload);
  if (server_.schedule_flush) server_.schedule_flush(*target);
}

}  // namespace slotd
