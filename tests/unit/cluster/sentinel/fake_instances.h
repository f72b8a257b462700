// A single SentinelNode wired to fake Redis instances that answer at once (PING, INFO, SLAVEOF),
// for unit tests that follow one sentinel's events step by step.
#pragma once
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "cluster/sentinel/sentinel_node.h"
#include "tests/sim/sentinel/fake_info.h"

namespace slotd::sentinel::testing {

struct FakeServer {
  bool alive = true;
  bool is_master = true;
  Address master_of;
  int priority = 100;
  uint64_t offset = 1000;
  std::string runid;
};

class FakeInstances {
 public:
  explicit FakeInstances(int64_t start = 1'700'000'000'000) : now_(start), node_({}, 42, start) {
    Outbox out;
    node_.Start(now_, out);
    Execute(out);
  }

  SentinelNode& node() { return node_; }
  int64_t now() const { return now_; }
  std::map<Address, FakeServer>& servers() { return servers_; }
  const std::vector<std::string>& events() const { return events_; }
  const std::vector<std::string>& logs() const { return logs_; }
  const std::vector<std::vector<std::string>>& commands() const { return commands_; }
  void ClearEvents() { events_.clear(); }

  void AddMaster(int port) {
    FakeServer s;
    s.runid = RunId(port);
    servers_[Address{"127.0.0.1", port}] = s;
  }
  void AddReplica(int port, int master_port, int priority = 100, uint64_t offset = 1000) {
    FakeServer s;
    s.is_master = false;
    s.master_of = Address{"127.0.0.1", master_port};
    s.priority = priority;
    s.offset = offset;
    s.runid = RunId(port);
    servers_[Address{"127.0.0.1", port}] = s;
  }
  void Kill(int port) {
    Address a{"127.0.0.1", port};
    servers_[a].alive = false;
    Outbox out;
    node_.OnLinkDown(a, now_, out);
    Execute(out);
  }
  void Revive(int port) { servers_[Address{"127.0.0.1", port}].alive = true; }

  // Ticks every 100 ms for `ms`.
  void RunFor(int64_t ms) {
    const int64_t end = now_ + ms;
    while (now_ < end) {
      now_ += 100;
      Outbox out;
      node_.Tick(now_, out);
      Execute(out);
    }
  }
  // `host` is another name of the server at `ip` (a DNS name, as replicas may name their master).
  void Alias(const std::string& host, const std::string& ip) { aliases_[host] = ip; }

  // Moves the clock without ticking (the next tick sees the jump).
  void JumpClock(int64_t delta) { now_ += delta; }

  template <typename F>
  void Input(F&& f) {
    Outbox out;
    f(out);
    Execute(out);
  }

  bool HasEvent(std::string_view prefix) const {
    for (const std::string& e : events_) {
      if (e.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
  }

  std::string Info(const Address& addr) const {
    const FakeServer& s = servers_.at(addr);
    if (s.is_master) {
      std::vector<FakeReplicaLine> replicas;
      for (const auto& [a, r] : servers_) {
        if (r.alive && !r.is_master && Canonical(r.master_of) == Canonical(addr)) {
          replicas.push_back({a, r.offset});
        }
      }
      return FakeMasterInfo(s.runid, replicas);
    }
    auto m = servers_.end();
    for (auto it = servers_.begin(); it != servers_.end(); ++it) {
      if (Canonical(it->first) == Canonical(s.master_of)) m = it;
    }
    const bool up = m != servers_.end() && m->second.alive && m->second.is_master;
    return FakeReplicaInfo(s.runid, s.master_of, up, s.offset, s.priority, 5);
  }

 private:
  Address Canonical(const Address& a) const {
    auto it = aliases_.find(a.host);
    return it == aliases_.end() ? a : Address{it->second, a.port};
  }

  static std::string RunId(int port) {
    std::string id = std::to_string(port);
    return std::string(40 - id.size(), 'a') + id;
  }

  void Execute(Outbox& first) {
    std::deque<Effect> queue(first.begin(), first.end());
    while (!queue.empty()) {
      Effect e = std::move(queue.front());
      queue.pop_front();
      Outbox out;
      Apply(e, out);
      queue.insert(queue.end(), out.begin(), out.end());
    }
  }

  void Apply(const Effect& e, Outbox& out) {
    if (auto* p = std::get_if<Publish>(&e)) {
      events_.push_back(p->channel + " " + p->payload);
    } else if (auto* l = std::get_if<LogLine>(&e)) {
      logs_.push_back(l->text);
    } else if (auto* c = std::get_if<Connect>(&e)) {
      auto it = servers_.find(c->addr);
      if (it != servers_.end() && it->second.alive) {
        node_.OnLinkUp(c->addr, now_, out);
      } else {
        node_.OnLinkDown(c->addr, now_, out);
      }
    } else if (auto* s = std::get_if<SendCommand>(&e)) {
      commands_.push_back(s->argv);
      auto it = servers_.find(s->to);
      if (it == servers_.end() || !it->second.alive) return;
      node_.OnReply(s->to, s->kind, s->master, Answer(it->first, it->second, s->argv), now_, out);
    } else if (auto* h = std::get_if<SendHello>(&e)) {
      auto it = servers_.find(h->to);
      if (it != servers_.end() && it->second.alive) {
        node_.OnReply(h->to, RequestKind::kHello, h->master, Reply::Integer(1), now_, out);
      }
    }
  }

  Reply Answer(const Address& addr, FakeServer& s, const std::vector<std::string>& argv) {
    if (argv[0] == "PING") return Reply::Status("PONG");
    if (argv[0] == "INFO") return Reply::String(Info(addr));
    if (argv[0] == "SLAVEOF") {
      s.is_master = argv[1] == "NO";
      if (!s.is_master) s.master_of = Address{argv[1], std::stoi(argv[2])};
    }
    return Reply::Status("OK");
  }

  std::map<Address, FakeServer> servers_;
  std::map<std::string, std::string> aliases_;
  int64_t now_;
  SentinelNode node_;
  std::vector<std::string> events_;
  std::vector<std::string> logs_;
  std::vector<std::vector<std::string>> commands_;
};

}  // namespace slotd::sentinel::testing
