// A monitored group for the sentinel integration tests: one master and its replicas (slotd or
// redis-server) watched by sentinels (slotd --sentinel or redis-sentinel), with hiredis helpers
// that query them and polling waits that always carry a deadline. Processes are stopped by pid when
// the group goes away.
#pragma once
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/server_process.h"

namespace slotd::test {

enum class Impl { kSlotd, kRedis };
inline void PrintTo(Impl impl, std::ostream* os) {
  *os << (impl == Impl::kSlotd ? "slotd" : "redis");
}

inline const char* kRedisSentinelPath = "/usr/bin/redis-sentinel";
inline bool RedisSentinelInstalled() { return access(kRedisSentinelPath, X_OK) == 0; }

// One decoded reply; type is REDIS_REPLY_* or -1 when the connection or the request failed.
struct Reply {
  int type = -1;
  std::string str;
  long long integer = 0;
  std::vector<Reply> elements;
  bool is_error() const { return type == REDIS_REPLY_ERROR; }
};

inline Reply ConvertReply(const redisReply* r) {
  Reply out;
  out.type = r->type;
  out.integer = r->integer;
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(ConvertReply(r->element[i]));
  return out;
}

// Connects, sends one command, returns its reply (type -1 when the instance does not answer in
// time).
inline Reply Command(int port, const std::vector<std::string>& args, int timeout_ms = 2000) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  Reply out;
  if (c == nullptr || c->err != 0) {
    if (c != nullptr) redisFree(c);
    return out;
  }
  redisSetTimeout(c, tv);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (r != nullptr) {
    out = ConvertReply(r);
    freeReplyObject(r);
  }
  redisFree(c);
  return out;
}

// A RESP2 flat key/value array (SENTINEL MASTER and the entries of MASTERS/REPLICAS/SENTINELS).
inline std::map<std::string, std::string> FieldMap(const Reply& r) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
    fields[r.elements[i].str] = r.elements[i + 1].str;
  return fields;
}

inline std::map<std::string, std::string> Info(int port, const std::string& section) {
  std::map<std::string, std::string> fields;
  std::istringstream in(Command(port, {"INFO", section}).str);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return fields;
}

inline bool WaitFor(const std::function<bool()>& ready, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Subscribes to sentinel event channels on one sentinel and collects the messages' payloads.
class EventWatch {
 public:
  EventWatch(int port, const std::vector<std::string>& channels) : client_(port, 200) {
    std::vector<std::string> args = {"SUBSCRIBE"};
    args.insert(args.end(), channels.begin(), channels.end());
    client_.Send(args);
    for (size_t i = 0; i < channels.size(); ++i) client_.ReadReply();  // subscribe confirmations
  }
  // Waits until a received message (raw RESP bytes) contains `needle`.
  bool WaitContains(const std::string& needle, int timeout_ms) {
    return WaitFor(
        [&] {
          for (std::string m = client_.ReadReply(); !m.empty(); m = client_.ReadReply()) seen_ += m;
          return seen_.find(needle) != std::string::npos;
        },
        timeout_ms);
  }
  const std::string& seen() const { return seen_; }

 private:
  RawClient client_;
  std::string seen_;
};

struct Instance {
  Impl impl = Impl::kSlotd;
  int port = 0;
  std::string dir;
  std::string conf;  // sentinels: their (rewritten) config file
  std::vector<std::string> args;
  std::unique_ptr<ServerProcess> process;
  bool running() const { return process != nullptr && process->running(); }
};

class SentinelGroup {
 public:
  static constexpr const char* kName = "mymaster";
  // Above 1000 on purpose. At +switch-master a sentinel resets the master's link and starts the
  // ping clock, but it reconnects at most once per 1000 ms; when its last reconnect attempt to the
  // dead master fell in the same timer tick, the first PING leaves 1000-1100 ms after the reset and
  // 1000 here would flag the new master +sdown (and, with other sentinels' still-fresh "master
  // down" answers, start a second failover). redis-sentinel 7.0 does it with redis-server too.
  int down_after_ms = 1500;
  int failover_timeout_ms = 6000;
  int quorum = 2;

  // The master, then `replicas` replicas of it; waits for every replica's link to be up.
  bool StartData(Impl impl, int replicas = 2) {
    Instance& master = AddData(impl, 0);
    if (!Launch(master)) return false;
    for (int i = 0; i < replicas; ++i) {
      if (!Launch(AddData(impl, master.port))) return false;
    }
    return WaitFor(
        [&] {
          for (size_t i = 1; i < data_.size(); ++i) {
            if (Info(data_[i]->port, "replication")["master_link_status"] != "up") return false;
          }
          return true;
        },
        15000);
  }

  bool StartSentinels(const std::vector<Impl>& impls) {
    for (Impl impl : impls) {
      auto s = std::make_unique<Instance>();
      s->impl = impl;
      s->port = FreePort();
      s->dir = MakeTempDir();
      s->conf = s->dir + "/sentinel.conf";
      std::ofstream(s->conf) << SentinelConf(s->port, s->dir, data_[0]->port);
      if (impl == Impl::kSlotd)
        s->args = {s->conf, "--sentinel"};
      else
        s->args = {s->conf};
      sentinels_.push_back(std::move(s));
      if (!Launch(*sentinels_.back())) return false;
    }
    return true;
  }

  // Every running sentinel knows all replicas (with their INFO) and all other sentinels.
  bool WaitDiscovery(int timeout_ms = 20000) {
    int replicas = static_cast<int>(data_.size()) - 1;
    int others = static_cast<int>(sentinels_.size()) - 1;
    return WaitFor(
        [&] {
          for (auto& s : sentinels_) {
            auto m = FieldMap(Command(s->port, {"SENTINEL", "MASTER", kName}));
            if (m["num-slaves"] != std::to_string(replicas) ||
                m["num-other-sentinels"] != std::to_string(others)) {
              return false;
            }
            // Each replica answered the sentinel's own INFO (a replica is a failover candidate only
            // then; hello messages can complete discovery before that).
            for (const Reply& r : Command(s->port, {"SENTINEL", "REPLICAS", kName}).elements) {
              auto f = FieldMap(r);
              if (f["flags"] != "slave" || f["master-link-status"] != "ok") return false;
            }
          }
          return true;
        },
        timeout_ms);
  }

  // The master port a sentinel reports (0 when it does not answer).
  static int MasterPortFrom(int sentinel_port) {
    Reply r = Command(sentinel_port, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kName});
    if (r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2) return 0;
    return std::atoi(r.elements[1].str.c_str());
  }

  // Every running sentinel reports a master other than `old_port`, and they all agree; returns it
  // or 0.
  int WaitNewMaster(int old_port, int timeout_ms) {
    int agreed = 0;
    WaitFor(
        [&] {
          agreed = 0;
          for (auto& s : sentinels_) {
            if (!s->running()) continue;
            int p = MasterPortFrom(s->port);
            if (p == 0 || p == old_port || (agreed != 0 && p != agreed)) return false;
            agreed = p;
          }
          return agreed != 0;
        },
        timeout_ms);
    return agreed != old_port ? agreed : 0;
  }

  // `port` reports role:slave of `master_port` with its link up.
  static bool WaitReplicaOf(int port, int master_port, int timeout_ms) {
    return WaitFor(
        [&] {
          auto r = Info(port, "replication");
          return r["role"] == "slave" && r["master_port"] == std::to_string(master_port) &&
                 r["master_link_status"] == "up";
        },
        timeout_ms);
  }

  void Kill(Instance& i) { i.process->Stop(9); }
  bool Restart(Instance& i) { return Launch(i); }

  Instance& master() { return *data_[0]; }
  std::vector<std::unique_ptr<Instance>>& data() { return data_; }
  std::vector<std::unique_ptr<Instance>>& sentinels() { return sentinels_; }
  Instance* DataByPort(int port) {
    for (auto& d : data_) {
      if (d->port == port) return d.get();
    }
    return nullptr;
  }

  // Tails of every sentinel log, for failure messages.
  std::string Logs() const {
    std::string out;
    for (auto& s : sentinels_) {
      std::string log = s->process ? s->process->ReadLog() : "";
      if (log.size() > 3000) log = "..." + log.substr(log.size() - 3000);
      out += "--- sentinel " + std::to_string(s->port) + " (" +
             (s->impl == Impl::kSlotd ? "slotd" : "redis-sentinel") + ")\n" + log;
    }
    return out;
  }

 private:
  Instance& AddData(Impl impl, int master_port) {
    auto d = std::make_unique<Instance>();
    d->impl = impl;
    d->port = FreePort();
    d->dir = MakeTempDir();
    d->args = {"--port",
               std::to_string(d->port),
               "--bind",
               "127.0.0.1",
               "--dir",
               d->dir,
               "--save",
               "",
               "--appendonly",
               "no",
               "--repl-diskless-sync-delay",
               "0"};
    if (master_port != 0) {
      d->args.insert(d->args.end(), {"--replicaof", "127.0.0.1", std::to_string(master_port)});
    }
    data_.push_back(std::move(d));
    return *data_.back();
  }

  bool Launch(Instance& i) {
    std::string binary;
    bool sentinel = !i.conf.empty();
    if (i.impl == Impl::kSlotd)
      binary = SlotdBinary();
    else
      binary = sentinel ? kRedisSentinelPath : RedisServerBinary();
    if (i.process) i.process->Stop(9);
    i.process = std::make_unique<ServerProcess>(binary, i.args, i.dir + "/log");
    return i.process->WaitReady(i.port);
  }

  std::string SentinelConf(int port, const std::string& dir, int master_port) const {
    std::ostringstream c;
    c << "port " << port << "\nbind 127.0.0.1\ndir " << dir << "\n"
      << "sentinel monitor " << kName << " 127.0.0.1 " << master_port << " " << quorum << "\n"
      << "sentinel down-after-milliseconds " << kName << " " << down_after_ms << "\n"
      << "sentinel failover-timeout " << kName << " " << failover_timeout_ms << "\n";
    // SLOTD_SENTINEL_TEST_ANNOUNCE=1: sentinels announce their port explicitly (as behind NAT)
    // instead of the one they listen on.
    if (const char* env = std::getenv("SLOTD_SENTINEL_TEST_ANNOUNCE");
        env != nullptr && *env == '1') {
      c << "sentinel announce-port " << port << "\n";
    }
    return c.str();
  }

  std::vector<std::unique_ptr<Instance>> data_;
  std::vector<std::unique_ptr<Instance>> sentinels_;
};

}  // namespace slotd::test
