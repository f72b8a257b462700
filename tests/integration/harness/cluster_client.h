// A small cluster-aware client for integration tests, like `redis-cli -c`: hiredis connections per
// node, a slot -> port cache fed by MOVED replies, ASK handled with ASKING, and a fallback to the
// seed nodes when a node is unreachable. Not thread-safe: one per thread. ClusterWriter runs one
// in a thread, writing distinct keys and remembering which writes were acknowledged.
#pragma once
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace slotd::test {

// CRC16/XMODEM (polynomial 0x1021, initial 0) over the key's hash tag, mod 16384.
inline int KeySlot(std::string_view key) {
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  uint16_t crc = 0;
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc & 16383;
}

struct ClusterReply {
  bool ok = false;      // a reply arrived and it is not an error
  bool is_nil = false;  // a null bulk
  std::string text;     // status, bulk or error text; integers as decimal; I/O error description
};

class ClusterClient {
 public:
  explicit ClusterClient(std::vector<int> seed_ports) : seeds_(std::move(seed_ports)) {}
  ~ClusterClient() {
    for (auto& [port, ctx] : conns_) redisFree(ctx);
  }
  ClusterClient(const ClusterClient&) = delete;
  ClusterClient& operator=(const ClusterClient&) = delete;

  // Runs a command whose first key is argv[1], following up to 5 redirections.
  ClusterReply Run(const std::vector<std::string>& argv) {
    int slot = argv.size() > 1 ? KeySlot(argv[1]) : 0;
    auto cached = slot_port_.find(slot);
    int port = cached != slot_port_.end() ? cached->second : seeds_[next_seed_ % seeds_.size()];
    bool asking = false;
    ClusterReply r;
    for (int hop = 0; hop < 6; ++hop) {
      r = RunOn(port, argv, asking);
      asking = false;
      if (r.ok || r.text.empty()) {
        if (r.ok) slot_port_[slot] = port;
        return r;
      }
      int target = RedirectPort(r.text);
      if (r.text.rfind("MOVED ", 0) == 0 && target > 0) {
        slot_port_[slot] = port = target;
      } else if (r.text.rfind("ASK ", 0) == 0 && target > 0) {
        port = target;
        asking = true;
      } else if (r.text.rfind("I/O ", 0) == 0) {
        slot_port_.erase(slot);  // the node is gone: ask a seed who serves the slot now
        port = seeds_[++next_seed_ % seeds_.size()];
      } else {
        return r;  // a real error (CLUSTERDOWN, TRYAGAIN, WRONGTYPE, ...)
      }
    }
    return r;
  }

 private:
  static int RedirectPort(const std::string& error) {
    size_t colon = error.rfind(':');
    return colon == std::string::npos ? 0 : std::atoi(error.c_str() + colon + 1);
  }

  redisContext* Connection(int port) {
    auto it = conns_.find(port);
    if (it != conns_.end()) return it->second;
    redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port, {1, 0});
    if (ctx == nullptr) return nullptr;
    if (ctx->err != 0) {
      redisFree(ctx);
      return nullptr;
    }
    redisSetTimeout(ctx, {2, 0});
    conns_[port] = ctx;
    return ctx;
  }

  void Drop(int port) {
    auto it = conns_.find(port);
    if (it == conns_.end()) return;
    redisFree(it->second);
    conns_.erase(it);
  }

  ClusterReply RunOn(int port, const std::vector<std::string>& argv, bool asking) {
    ClusterReply r;
    redisContext* ctx = Connection(port);
    if (ctx == nullptr) {
      r.text = "I/O connect failed";
      return r;
    }
    if (asking) redisAppendCommand(ctx, "ASKING");
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data());
    void* raw = nullptr;
    if (asking && (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr)) {
      Drop(port);
      r.text = "I/O read failed";
      return r;
    }
    if (raw != nullptr) freeReplyObject(raw);
    raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
      Drop(port);
      r.text = "I/O read failed";
      return r;
    }
    auto* reply = static_cast<redisReply*>(raw);
    r.ok = reply->type != REDIS_REPLY_ERROR;
    r.is_nil = reply->type == REDIS_REPLY_NIL;
    if (reply->type == REDIS_REPLY_INTEGER) {
      r.text = std::to_string(reply->integer);
    } else if (reply->str != nullptr) {
      r.text.assign(reply->str, reply->len);
    }
    freeReplyObject(reply);
    return r;
  }

  std::vector<int> seeds_;
  size_t next_seed_ = 0;
  std::map<int, redisContext*> conns_;
  std::map<int, int> slot_port_;
};

// Writes w:<n> = n for n = 0, 1, ... (keys spread over all slots) until stopped, following
// redirections like `redis-cli -c`; remembers which writes were acknowledged.
class ClusterWriter {
 public:
  explicit ClusterWriter(std::vector<int> seeds) : seeds_(std::move(seeds)) {}
  ~ClusterWriter() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t acked() const { return acked_count_.load(); }
  int64_t failed() const { return failed_count_.load(); }
  // Valid after Stop().
  const std::vector<int64_t>& acked_keys() const { return acked_; }
  // After Stop(): acknowledged writes missing or wrong when read back through the cluster.
  int64_t CountLost(const std::vector<int>& seeds) const {
    ClusterClient client(seeds);
    int64_t lost = 0;
    for (int64_t n : acked_) {
      const std::string value = std::to_string(n);
      ClusterReply r = client.Run({"GET", "w:" + value});
      if (!r.ok || r.is_nil || r.text != value) ++lost;
    }
    return lost;
  }

 private:
  void Loop() {
    ClusterClient client(seeds_);
    for (int64_t n = 0; !stop_; ++n) {
      const std::string value = std::to_string(n);
      ClusterReply r = client.Run({"SET", "w:" + value, value});
      if (r.ok) {
        acked_.push_back(n);
        ++acked_count_;
      } else {
        ++failed_count_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  std::vector<int> seeds_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acked_count_{0};
  std::atomic<int64_t> failed_count_{0};
  std::vector<int64_t> acked_;
};

}  // namespace slotd::test
