// SentinelSim: the simulated world (clock, network, data servers) and the invariant checker.
#include "tests/sim/sentinel/sentinel_sim.h"

#include <cstdio>
#include <cstdlib>

#include "cluster/sentinel/sentinel_conf.h"
#include "tests/sim/sentinel/fake_info.h"

namespace slotd::sim {

using sentinel::Reply;

uint64_t SentinelSeed(uint64_t fallback, std::string_view test_name) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("SLOTD_SIM_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::printf("SEED=%llu test=%.*s\n", static_cast<unsigned long long>(seed),
              static_cast<int>(test_name.size()), test_name.data());
  return seed;
}

SentinelSim::SentinelSim(uint64_t seed, SentinelSimOptions options)
    : options_(options), rng_(seed), now_(1'700'000'000'000) {
  if (std::getenv("SLOTD_SIM_VERBOSE") != nullptr) options_.verbose = true;
  for (int i = 0; i <= options_.replicas; ++i) {
    DataServer d;
    d.addr = Address{"127.0.0.1", 6379 + i};
    d.is_master = i == 0;
    if (i > 0) d.master_of = data_[0].addr;
    d.runid = std::string(36, 'd') + std::to_string(1000 + i);
    data_.push_back(d);
  }
  for (int s = 0; s < options_.sentinels; ++s) {
    SimSentinel sim;
    sim.addr = Address{"127.0.0.1", 26379 + s};
    sim.node = std::make_unique<sentinel::SentinelNode>(sentinel::SentinelState{},
                                                        seed * 31 + static_cast<uint64_t>(s), now_);
    sentinels_.push_back(std::move(sim));
    const std::string port = std::to_string(data_[0].addr.port);
    const std::string quorum = std::to_string(options_.quorum);
    Deliver(s, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
      n.Start(now, out);
      (void)n.Monitor(kMasterName, "127.0.0.1", port, quorum, now, out);
      (void)n.Set(kMasterName,
                  {"down-after-milliseconds", std::to_string(options_.down_after_ms),
                   "failover-timeout", std::to_string(options_.failover_timeout_ms),
                   "parallel-syncs", std::to_string(options_.parallel_syncs)},
                  now, out);
    });
    Schedule(now_ + 1 + static_cast<int64_t>(rng_.Below(100)), [this, s] { Tick(s); });
  }
  Schedule(now_ + 100, [this] { StepData(); });
}

void SentinelSim::Schedule(int64_t at, std::function<void()> fn) {
  queue_.push(Pending{at, seq_++, std::move(fn)});
}

void SentinelSim::RunFor(int64_t ms) {
  RunUntil([] { return false; }, ms);
}

bool SentinelSim::RunUntil(const std::function<bool()>& pred, int64_t max_ms) {
  const int64_t end = now_ + max_ms;
  while (!queue_.empty() && queue_.top().at <= end) {
    Pending p = queue_.top();
    queue_.pop();
    now_ = p.at;
    p.fn();
    if (pred()) return true;
  }
  now_ = end;
  return pred();
}

bool SentinelSim::Reachable(const Address& a, const Address& b) const {
  return cuts_.count({std::min(a, b), std::max(a, b)}) == 0;
}

void SentinelSim::Cut(const Address& a, const Address& b) {
  cuts_.insert({std::min(a, b), std::max(a, b)});
}
void SentinelSim::Heal() { cuts_.clear(); }
void SentinelSim::JumpClock(int s, int64_t delta) { sentinels_[s].clock_offset += delta; }

void SentinelSim::RestartSentinel(int s) {
  SimSentinel& me = sentinels_[s];
  std::vector<std::vector<std::string>> lines;
  size_t pos = 0;
  const std::string& text = me.saved_config;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    std::vector<std::string> words;
    std::string word;
    for (char c : text.substr(pos, nl - pos) + " ") {
      if (c != ' ') {
        word += c;
      } else if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    }
    words.erase(words.begin());  // "sentinel"
    lines.push_back(std::move(words));
    pos = nl + 1;
  }
  sentinel::SentinelState state;
  if (!sentinel::ApplySentinelConfigLines(state, lines, NowOf(s)).ok()) {
    violations_.push_back("saved config does not load: " + text);
  }
  me.links.clear();
  me.alive = true;
  me.node = std::make_unique<sentinel::SentinelNode>(std::move(state), rng_.Next(), NowOf(s));
  Deliver(s,
          [](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) { n.Start(now, out); });
}

void SentinelSim::Transmit(const Address& from, const Address& to, std::function<void()> fn) {
  if (!Reachable(from, to)) return;
  if (options_.loss > 0 && rng_.Below(1000000) < static_cast<uint64_t>(options_.loss * 1e6)) return;
  const int64_t delay =
      options_.min_delay_ms + static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(
                                  options_.max_delay_ms - options_.min_delay_ms + 1)));
  int64_t& last = last_delivery_[{from, to}];
  const int64_t at = std::max(now_ + delay, last);  // a link delivers in order
  last = at;
  Schedule(at, [this, from, to, fn = std::move(fn)] {
    if (Reachable(from, to)) fn();
  });
}

int SentinelSim::DataIndex(const Address& addr) const {
  for (int i = 0; i < data_count(); ++i) {
    if (data_[i].addr == addr) return i;
  }
  return -1;
}

int SentinelSim::SentinelIndex(const Address& addr) const {
  for (int s = 0; s < sentinel_count(); ++s) {
    if (sentinels_[s].addr == addr) return s;
  }
  return -1;
}

bool SentinelSim::LinkUp(int s, const Address& to) const {
  auto it = sentinels_[s].links.find(to);
  return it != sentinels_[s].links.end() && it->second;
}

void SentinelSim::Tick(int s) {
  if (!sentinels_[s].alive) {
    Schedule(now_ + 100, [this, s] { Tick(s); });
    return;
  }
  Deliver(s,
          [](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) { n.Tick(now, out); });
  // Redis re-randomizes hz to 10..19 every timer call so sentinels drift apart.
  const int64_t period = 1000 / (10 + static_cast<int64_t>(rng_.Below(10)));
  Schedule(now_ + period, [this, s] { Tick(s); });
}

void SentinelSim::StepData() {
  for (DataServer& d : data_) {
    if (d.alive && d.is_master) d.offset += 100;
  }
  for (int i = 0; i < data_count(); ++i) {
    DataServer& d = data_[i];
    if (!d.alive || d.is_master) continue;
    const int m = DataIndex(d.master_of);
    if (m >= 0 && data_[m].alive && data_[m].is_master && now_ >= d.link_up_at) {
      const uint64_t lag = static_cast<uint64_t>(10 * (data_count() - i));  // later index: fresher
      d.offset = data_[m].offset > lag ? data_[m].offset - lag : 0;
    }
  }
  Schedule(now_ + 100, [this] { StepData(); });
}

void SentinelSim::Crash(int i) {
  data_[i].alive = false;
  DropLinksTo(data_[i].addr);
}

void SentinelSim::CrashSentinel(int s) {
  sentinels_[s].alive = false;
  sentinels_[s].links.clear();
  DropLinksTo(sentinels_[s].addr);
}

void SentinelSim::DropLinksTo(const Address& addr) {
  for (int s = 0; s < sentinel_count(); ++s) {
    if (sentinels_[s].links.erase(addr) == 0 || !Reachable(addr, sentinels_[s].addr)) continue;
    Schedule(now_ + options_.min_delay_ms, [this, s, addr] {
      Deliver(s, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
        n.OnLinkDown(addr, now, out);
      });
    });
  }
}

void SentinelSim::Restart(int i) {
  DataServer& d = data_[i];
  d.alive = true;
  d.runid = std::string(36, 'r') + std::to_string(1000 + ++restarts_);
  d.link_up_at = now_ + 1000;
}

std::string SentinelSim::InfoOf(const DataServer& d) const {
  if (d.is_master) {
    std::vector<sentinel::testing::FakeReplicaLine> replicas;
    for (const DataServer& r : data_) {
      if (r.alive && !r.is_master && r.master_of == d.addr) replicas.push_back({r.addr, r.offset});
    }
    return sentinel::testing::FakeMasterInfo(d.runid, replicas);
  }
  const int m = DataIndex(d.master_of);
  const bool up = m >= 0 && data_[m].alive && data_[m].is_master && now_ >= d.link_up_at;
  return sentinel::testing::FakeReplicaInfo(d.runid, d.master_of, up, d.offset, d.priority, 3);
}

Reply SentinelSim::AnswerData(DataServer& d, const std::vector<std::string>& argv) {
  if (argv[0] == "PING") return Reply::Status("PONG");
  if (argv[0] == "INFO") return Reply::String(InfoOf(d));
  if (argv[0] == "SLAVEOF" && argv.size() == 3) {
    if (argv[1] == "NO" && argv[2] == "ONE") {
      if (d.ignore_promotions > 0) {
        --d.ignore_promotions;
      } else {
        d.is_master = true;
      }
    } else {
      d.is_master = false;
      d.master_of = Address{argv[1], std::atoi(argv[2].c_str())};
      d.link_up_at = now_ + 1000;
    }
  }
  return Reply::Status("OK");
}

Reply SentinelSim::AnswerSentinel(int t, const std::vector<std::string>& argv) {
  if (argv[0] == "PING") return Reply::Status("PONG");
  if (argv.size() == 6 && argv[0] == "SENTINEL" && argv[1] == "is-master-down-by-addr") {
    sentinel::IsMasterDownReply r;
    Deliver(t, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
      r = n.IsMasterDownByAddr(argv[2], std::atoi(argv[3].c_str()),
                               std::strtoull(argv[4].c_str(), nullptr, 10), argv[5], now, out);
    });
    return Reply::Array({Reply::Integer(r.down ? 1 : 0), Reply::String(r.leader),
                         Reply::Integer(static_cast<int64_t>(r.leader_epoch))});
  }
  return Reply::Err("ERR unknown command");
}

}  // namespace slotd::sim
