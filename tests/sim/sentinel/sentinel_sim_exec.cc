// SentinelSim: executing a sentinel's effects on the simulated world, and the invariants.
#include <cstdio>
#include <cstdlib>

#include "tests/sim/sentinel/sentinel_sim.h"

namespace slotd::sim {

using sentinel::Reply;

namespace {

constexpr int64_t kConnectTimeoutMs = 1000;

std::string Token(std::string_view text, int n) {
  size_t pos = 0;
  for (int i = 0; i < n; ++i) {
    pos = text.find(' ', pos);
    if (pos == std::string_view::npos) return "";
    ++pos;
  }
  return std::string(text.substr(pos, text.find(' ', pos) - pos));
}

std::string MasterAfterAt(std::string_view payload) {
  size_t at = payload.find(" @ ");
  return at == std::string_view::npos ? Token(payload, 1) : Token(payload.substr(at + 3), 0);
}

}  // namespace

void SentinelSim::Execute(int s, sentinel::Outbox& out) {
  for (sentinel::Effect& e : out) {
    if (auto* c = std::get_if<sentinel::Connect>(&e)) {
      ExecuteConnect(s, *c);
    } else if (auto* d = std::get_if<sentinel::Disconnect>(&e)) {
      sentinels_[s].links.erase(d->addr);
    } else if (auto* cmd = std::get_if<sentinel::SendCommand>(&e)) {
      ExecuteCommand(s, *cmd);
    } else if (auto* h = std::get_if<sentinel::SendHello>(&e)) {
      ExecuteHello(s, std::move(*h));
    } else if (auto* p = std::get_if<sentinel::Publish>(&e)) {
      Record(s, p->channel, p->payload);
    } else if (auto* save = std::get_if<sentinel::SaveConfig>(&e)) {
      sentinels_[s].saved_config = save->sentinel_lines;
    } else if (auto* l = std::get_if<sentinel::LogLine>(&e)) {
      if (options_.verbose) {
        std::printf("%lld s%d %s\n", static_cast<long long>(now_), s, l->text.c_str());
      }
    }
  }
}

void SentinelSim::ExecuteConnect(int s, const sentinel::Connect& c) {
  SimSentinel& me = sentinels_[s];
  const Address to = c.addr;
  const uint64_t attempt = ++me.next_attempt;
  me.links[to] = false;
  me.attempt[to] = attempt;
  auto finish = [this, s, to, attempt](bool ok) {
    SimSentinel& self = sentinels_[s];
    auto it = self.links.find(to);
    if (it == self.links.end() || it->second || self.attempt[to] != attempt) return;
    if (ok) {
      it->second = true;
    } else {
      self.links.erase(it);
    }
    Deliver(s, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
      if (ok) {
        n.OnLinkUp(to, now, out);
      } else {
        n.OnLinkDown(to, now, out);
      }
    });
  };
  Transmit(me.addr, to, [this, s, to, finish] {
    const int d = DataIndex(to);
    const int t = SentinelIndex(to);
    const bool ok = (t >= 0 && sentinels_[t].alive) || (d >= 0 && data_[d].alive);
    Transmit(to, sentinels_[s].addr, [finish, ok] { finish(ok); });
  });
  Schedule(now_ + kConnectTimeoutMs, [finish] { finish(false); });
}

void SentinelSim::ExecuteCommand(int s, const sentinel::SendCommand& c) {
  if (!LinkUp(s, c.to)) return;
  Transmit(sentinels_[s].addr, c.to, [this, s, c] {
    Reply reply;
    const int t = SentinelIndex(c.to);
    if (t >= 0) {
      if (!sentinels_[t].alive) return;
      reply = AnswerSentinel(t, c.argv);
    } else {
      const int d = DataIndex(c.to);
      if (d < 0 || !data_[d].alive) return;
      reply = AnswerData(data_[d], c.argv);
    }
    Transmit(c.to, sentinels_[s].addr, [this, s, c, reply] {
      if (!LinkUp(s, c.to)) return;
      Deliver(s, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
        n.OnReply(c.to, c.kind, c.master, reply, now, out);
      });
    });
  });
}

void SentinelSim::ExecuteHello(int s, sentinel::SendHello h) {
  if (!LinkUp(s, h.to)) return;
  if (h.hello.sentinel_ip.empty()) h.hello.sentinel_ip = sentinels_[s].addr.host;
  if (h.hello.sentinel_port == 0) h.hello.sentinel_port = sentinels_[s].addr.port;
  const std::string payload = sentinel::FormatHello(h.hello);
  auto reply_back = [this, s, h] {
    Transmit(h.to, sentinels_[s].addr, [this, s, h] {
      if (!LinkUp(s, h.to)) return;
      Deliver(s, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
        n.OnReply(h.to, sentinel::RequestKind::kHello, h.master, Reply::Integer(1), now, out);
      });
    });
  };
  Transmit(sentinels_[s].addr, h.to, [this, h, payload, reply_back] {
    const int t = SentinelIndex(h.to);
    std::vector<int> receivers;
    if (t >= 0) {
      if (!sentinels_[t].alive) return;
      receivers.push_back(t);
    } else {
      const int d = DataIndex(h.to);
      if (d < 0 || !data_[d].alive) return;
      for (int k = 0; k < sentinel_count(); ++k) {  // subscribers of __sentinel__:hello
        if (LinkUp(k, h.to)) receivers.push_back(k);
      }
    }
    for (int k : receivers) {
      auto deliver = [this, k, payload] {
        Deliver(k, [&](sentinel::SentinelNode& n, int64_t now, sentinel::Outbox& out) {
          n.OnHello(payload, now, out);
        });
      };
      if (k == t) {
        deliver();
      } else {
        Transmit(h.to, sentinels_[k].addr, deliver);
      }
    }
    reply_back();
  });
}

void SentinelSim::Record(int s, const std::string& channel, const std::string& payload) {
  const std::string line = channel + " " + payload;
  trace_.emplace_back(s, line);
  for (char ch : std::to_string(now_) + " " + std::to_string(s) + " " + line) {
    trace_hash_ = (trace_hash_ ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
  }
  if (options_.verbose)
    std::printf("%lld s%d EVENT %s\n", static_cast<long long>(now_), s, line.c_str());
  const sentinel::SentinelState& st = node(s).state();
  const std::string master = MasterAfterAt(payload);
  const sentinel::Master* m = st.FindMaster(master);
  if (m == nullptr) return;
  const std::string where = " (sentinel " + std::to_string(s) + " at " + std::to_string(now_) + ")";
  if (channel == "+elected-leader" && !m->Has(sentinel::kFlagForceFailover)) {
    auto [it, added] = leader_by_epoch_.try_emplace({master, m->failover_epoch}, s);
    if (!added && it->second != s) {
      violations_.push_back("I1 two leaders in epoch " + std::to_string(m->failover_epoch) + where);
    }
  } else if (channel == "+promoted-slave") {
    auto [it, added] = promoted_by_epoch_.try_emplace(m->failover_epoch, Token(payload, 1));
    if (!added && it->second != Token(payload, 1)) {
      violations_.push_back("I3 two promotions in epoch " + std::to_string(m->failover_epoch) +
                            where);
    }
  } else if (channel == "+try-failover" && !m->Has(sentinel::kFlagODown) &&
             !m->Has(sentinel::kFlagForceFailover)) {
    violations_.push_back("I5 failover attempt without ODOWN" + where);
  }
}

void SentinelSim::CheckInvariants(int s) {
  SimSentinel& me = sentinels_[s];
  const sentinel::SentinelState& st = me.node->state();
  if (st.current_epoch < me.last_epoch) {
    violations_.push_back("I4 current epoch decreased on sentinel " + std::to_string(s));
  }
  me.last_epoch = st.current_epoch;
  for (const auto& [name, m] : st.masters) {
    if (m.leader.empty()) continue;
    auto [it, added] = votes_.try_emplace({s, name, m.leader_epoch}, m.leader);
    if (!added && it->second != m.leader) {
      violations_.push_back("I2 sentinel " + std::to_string(s) + " voted twice in epoch " +
                            std::to_string(m.leader_epoch));
    }
  }
}

bool SentinelSim::AllReport(const Address& addr) const {
  for (const SimSentinel& s : sentinels_) {
    if (s.node->GetMasterAddrByName(kMasterName) != addr) return false;
  }
  return true;
}

std::vector<std::string> SentinelSim::Events(int s, std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& [who, line] : trace_) {
    if ((s < 0 || who == s) && line.compare(0, prefix.size(), prefix) == 0) out.push_back(line);
  }
  return out;
}

}  // namespace slotd::sim
