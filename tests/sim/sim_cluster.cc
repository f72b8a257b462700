// SimCluster: event loop, network, faults, replication model and effect execution.
#include "tests/sim/sim_cluster.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cluster/bus/codec.h"

namespace slotd::sim {

uint64_t SeedFromEnv(uint64_t fallback, std::string_view test_name) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("SLOTD_SIM_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::printf("SEED=%llu (%.*s; replay with SLOTD_SIM_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), static_cast<int>(test_name.size()),
              test_name.data(), static_cast<unsigned long long>(seed));
  return seed;
}

SimCluster::SimCluster(uint64_t seed, SimOptions options) : options_(options), rng_(seed) {
  if (std::getenv("SLOTD_SIM_VERBOSE")) options_.verbose = true;
}

std::string SimCluster::Address(int i) const {
  return "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
}

int SimCluster::AddNode() {
  const int i = size();
  auto sn = std::make_unique<SimNode>();
  sn->node = std::make_unique<ClusterNode>(NodeOptionsFor(i), rng_.Next());
  ids_.push_back(sn->node->id());
  by_address_[Address(i)] = i;
  nodes_.push_back(std::move(sn));
  Event tick;
  tick.t = now_ + static_cast<int64_t>(rng_.Below(100));
  tick.kind = EventKind::kTick;
  tick.node = i;
  Schedule(tick);
  return i;
}

void SimCluster::Schedule(Event ev) {
  ev.seq = seq_++;
  if (ev.kind != EventKind::kTick) ev.incarnation = nodes_[ev.node]->incarnation;
  queue_.push(std::move(ev));
}

int64_t SimCluster::Delay() {
  const NetOptions& n = options_.net;
  return n.min_delay_ms + static_cast<int64_t>(rng_.Below(
                              static_cast<uint64_t>(n.max_delay_ms - n.min_delay_ms + 1)));
}

bool SimCluster::Cut(int from, int to) const { return cuts_.count({from, to}) > 0; }

void SimCluster::Hash(uint64_t v) {
  for (int k = 0; k < 8; ++k) {
    trace_hash_ ^= (v >> (8 * k)) & 0xff;
    trace_hash_ *= 1099511628211ULL;
  }
}

// Word-at-a-time multiply-xorshift: every byte of every frame and log line feeds the
// determinism check, so this must be cheap.
void SimCluster::HashBytes(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    trace_hash_ = (trace_hash_ ^ w) * 0x9E3779B97F4A7C15ULL;
    trace_hash_ ^= trace_hash_ >> 29;
  }
  for (; i < s.size(); ++i) {
    trace_hash_ = (trace_hash_ ^ static_cast<unsigned char>(s[i])) * 1099511628211ULL;
  }
}

void SimCluster::RunFor(int64_t ms) {
  RunUntil([] { return false; }, ms);
}

bool SimCluster::RunUntil(const std::function<bool()>& pred, int64_t max_ms,
                          int64_t check_every_ms) {
  const int64_t deadline = now_ + max_ms;
  if (pred()) return true;
  int64_t next_check = now_ + check_every_ms;
  while (!queue_.empty() && queue_.top().t <= deadline) {
    Event ev = queue_.top();
    queue_.pop();
    now_ = ev.t;
    Step(ev);
    if (now_ < next_check) continue;
    next_check = now_ + check_every_ms;
    if (pred()) return true;
  }
  now_ = deadline;
  return false;
}

void SimCluster::Step(const Event& ev) {
  SimNode& sn = *nodes_[ev.node];
  switch (ev.kind) {
    case EventKind::kTick: {
      Event next = ev;
      next.t = ev.t + 100;
      Schedule(next);
      if (sn.up) TickNode(ev.node);
      break;
    }
    case EventKind::kDeliver: Deliver(ev); break;
    case EventKind::kLinkDown:
      if (sn.up && sn.incarnation == ev.incarnation && sn.link_conn.erase(ev.link)) {
        Outbox out;
        sn.node->OnLinkDown(ev.link, now_, out);
        Execute(ev.node, out);
      }
      break;
  }
}

// The replication model: masters take writes unless paused; a replica copies its master's
// offset while it can reach it and records when its link went down.
void SimCluster::TickNode(int i) {
  SimNode& sn = *nodes_[i];
  const int m = sn.repl_master;
  if (m < 0) {
    if (sn.node->state().myself().IsMaster() && sn.paused_until <= now_) sn.offset += 1000;
  } else {
    const bool reachable = nodes_[m]->up && !Cut(m, i) && !Cut(i, m);
    if (reachable) {
      sn.offset = nodes_[m]->offset;
      sn.repl_link_up = true;
      sn.repl_last_io = now_;
    } else if (sn.repl_link_up) {
      sn.repl_link_up = false;
      sn.repl_down_since = now_;
    }
  }
  TickInput in;
  in.now_ms = now_;
  in.wall_ms = now_ + 1700000000000LL;
  in.repl.offset = sn.offset;
  in.repl.master_link_up = sn.repl_link_up;
  in.repl.master_last_io_ms = sn.repl_last_io;
  in.repl.master_link_down_since_ms = sn.repl_down_since;
  Outbox out;
  sn.node->Tick(in, out);
  Execute(i, out);
}

void SimCluster::Connect(int i, const ConnectEffect& c) {
  auto found = by_address_.find(c.endpoint.ip);
  const int target = found != by_address_.end() && c.endpoint.cport == 16379 ? found->second : -1;
  if (target < 0 || !nodes_[target]->up || target == i) {
    LinkDownLater(i, c.link);  // connection refused
    nodes_[i]->link_conn[c.link] = -1;
    return;
  }
  auto conn = std::make_unique<Conn>();
  conn->end[0] = i;
  conn->end[1] = target;
  conn->link[0] = c.link;
  conn->incarnation[0] = nodes_[i]->incarnation;
  conn->incarnation[1] = nodes_[target]->incarnation;
  conn->link[1] = nodes_[target]->node->OnAccept(Address(i), Address(target), now_);
  const int id = static_cast<int>(conns_.size());
  nodes_[i]->link_conn[c.link] = id;
  nodes_[target]->link_conn[conn->link[1]] = id;
  conns_.push_back(std::move(conn));
}

void SimCluster::LinkDownLater(int node, LinkId link) {
  Event ev;
  ev.t = now_ + Delay();
  ev.kind = EventKind::kLinkDown;
  ev.node = node;
  ev.link = link;
  Schedule(ev);
}

void SimCluster::CloseConn(int conn_id, int closer) {
  Conn& c = *conns_[conn_id];
  if (!c.open) return;
  c.open = false;
  for (int d = 0; d < 2; ++d) {
    const int n = c.end[d];
    if (n == closer || !nodes_[n]->up || nodes_[n]->incarnation != c.incarnation[d]) continue;
    LinkDownLater(n, c.link[d]);  // the peer sees EOF
  }
}

void SimCluster::ExecuteSend(int i, const SendEffect& send) {
  SimNode& sn = *nodes_[i];
  auto it = sn.link_conn.find(send.link);
  if (it == sn.link_conn.end() || it->second < 0) return;
  Conn& c = *conns_[it->second];
  if (!c.open) return;
  const int dir = c.end[0] == i && c.link[0] == send.link ? 0 : 1;
  auto bytes = std::make_shared<const std::string>(bus::Encode(send.msg));
  HashBytes(*bytes);
  if (send.msg.header.type == bus::MessageType::kAuthAck) {
    const uint64_t epoch = send.msg.header.current_epoch.value;
    if (!votes_.insert({static_cast<uint64_t>(i), epoch}).second) {
      Fail("I3: node " + std::to_string(i) + " voted twice in epoch " + std::to_string(epoch));
    }
  }
  const NetOptions& n = options_.net;
  // TCP never drops one frame and delivers the next: a loss resets the connection, and
  // everything still in flight on it is gone (both ends see the link close).
  if (n.loss > 0 && rng_.Below(1000000) < n.loss * 1000000) {
    CloseConn(it->second, -1);
    return;
  }
  const int copies = n.duplicate > 0 && rng_.Below(1000000) < n.duplicate * 1000000 ? 2 : 1;
  for (int k = 0; k < copies; ++k) {
    Event ev;
    ev.kind = EventKind::kDeliver;
    ev.node = c.end[1 - dir];
    ev.conn = it->second;
    ev.dir = dir;
    ev.bytes = bytes;
    ev.t = now_ + Delay();
    const bool may_reorder = n.reorder > 0 && rng_.Below(1000000) < n.reorder * 1000000;
    if (!may_reorder) ev.t = std::max(ev.t, c.last_t[dir]);
    c.last_t[dir] = std::max(c.last_t[dir], ev.t);
    Schedule(ev);
  }
}

void SimCluster::Deliver(const Event& ev) {
  Conn& c = *conns_[ev.conn];
  const int to = c.end[1 - ev.dir];
  const int from = c.end[ev.dir];
  SimNode& sn = *nodes_[to];
  if (!c.open || !sn.up || sn.incarnation != c.incarnation[1 - ev.dir] || Cut(from, to)) return;
  bus::FrameReader& reader = reader_;
  // Cut the frame at random boundaries, as short reads would.
  std::string_view rest = *ev.bytes;
  while (!rest.empty()) {
    const size_t n = 1 + rng_.Below(std::min<size_t>(rest.size(), 3000));
    reader.Append(rest.substr(0, n));
    rest.remove_prefix(n);
    std::string_view frame;
    bus::FrameReader::Status st;
    while ((st = reader.Next(&frame)) == bus::FrameReader::Status::kFrame) {
      Result<bus::Message> msg = bus::Decode(frame);
      if (!msg) {
        Fail("codec: " + msg.error());
        continue;
      }
      ++frames_delivered_;
      Outbox out;
      sn.node->OnFrame(c.link[1 - ev.dir], *msg, now_, out);
      Execute(to, out);
      if (!c.open || !sn.up) return;
    }
    if (st == bus::FrameReader::Status::kError) {
      Fail("frame reader: " + reader.error());
      return;
    }
  }
}

void SimCluster::Execute(int i, Outbox& out) {
  SimNode& sn = *nodes_[i];
  bool saved = false;
  Hash(static_cast<uint64_t>(now_));
  Hash(static_cast<uint64_t>(i));
  for (Effect& e : out) {
    Hash(e.index());
    if (auto* c = std::get_if<ConnectEffect>(&e)) {
      Connect(i, *c);
    } else if (auto* s = std::get_if<SendEffect>(&e)) {
      ExecuteSend(i, *s);
    } else if (auto* cl = std::get_if<CloseLinkEffect>(&e)) {
      auto it = sn.link_conn.find(cl->link);
      if (it != sn.link_conn.end()) {
        const int conn = it->second;
        sn.link_conn.erase(it);
        if (conn >= 0) CloseConn(conn, i);
      }
    } else if (auto* sc = std::get_if<SaveConfigEffect>(&e)) {
      HashBytes(sc->text);
      sn.written_conf = sc->text;
      ++config_saves_;
      if (sc->fsync) sn.synced_conf = sc->text;
      saved = true;
    } else if (auto* rf = std::get_if<ReplicateFromEffect>(&e)) {
      const int m = IndexOf(rf->master);
      if (m != sn.repl_master) {
        sn.repl_master = m;
        sn.repl_link_up = false;
        sn.repl_down_since = now_;
      }
    } else if (std::get_if<BecomeMasterEffect>(&e)) {
      sn.repl_master = -1;
      sn.repl_link_up = false;
    } else if (auto* p = std::get_if<PauseWritesEffect>(&e)) {
      sn.paused_until = p->until_ms;
    } else if (auto* l = std::get_if<LogEffect>(&e)) {
      HashBytes(l->text);
      if (options_.verbose) {
        std::printf("%lld node%d %s\n", static_cast<long long>(now_), i, l->text.c_str());
      }
      if (l->text.rfind("Marking node ", 0) == 0) CheckFailQuorum(i, l->text);
      sn.logs.push_back(std::move(l->text));
    }
  }
  CheckAfterInput(i, saved);
}

void SimCluster::Fail(std::string what) {
  if (violation_.empty()) {
    violation_ = "t=" + std::to_string(now_) + " " + what;
    std::printf("INVARIANT VIOLATION: %s\n", violation_.c_str());
  }
}

void SimCluster::CheckAfterInput(int i, bool state_saved) {
  if (!options_.check_invariants) return;
  SimNode& sn = *nodes_[i];
  const ClusterState& st = sn.node->state();
  const std::string bad = st.CheckInvariants();
  if (!bad.empty()) Fail("I1 node " + std::to_string(i) + ": " + bad);
  if (st.current_epoch.value < sn.max_current_epoch) {
    Fail("I4: node " + std::to_string(i) + " currentEpoch went back to " +
         std::to_string(st.current_epoch.value));
  }
  if (st.last_vote_epoch < sn.max_last_vote_epoch) {
    Fail("I4: node " + std::to_string(i) + " lastVoteEpoch went back");
  }
  sn.max_current_epoch = std::max(sn.max_current_epoch, st.current_epoch.value);
  sn.max_last_vote_epoch = std::max(sn.max_last_vote_epoch, st.last_vote_epoch);
  if (state_saved) CheckSlotClaims();
}

// I2: two masters never claim one slot with the same configEpoch (each master's own view).
void SimCluster::CheckSlotClaims() {
  std::map<uint64_t, std::vector<int>> by_epoch;
  for (int i = 0; i < size(); ++i) {
    if (!up(i)) continue;
    const NodeRecord& me = nodes_[i]->node->state().myself();
    if (me.IsMaster() && me.num_slots > 0) by_epoch[me.config_epoch.value].push_back(i);
  }
  for (const auto& [epoch, group] : by_epoch) {
    for (size_t a = 0; a < group.size(); ++a) {
      const ClusterState& sa = nodes_[group[a]]->node->state();
      for (size_t b = a + 1; b < group.size(); ++b) {
        const ClusterState& sb = nodes_[group[b]]->node->state();
        for (int s = 0; s < kClusterSlots; ++s) {
          if (sa.SlotOwner(s) == &sa.myself() && sb.SlotOwner(s) == &sb.myself()) {
            Fail("I2: nodes " + std::to_string(group[a]) + " and " + std::to_string(group[b]) +
                 " both claim slot " + std::to_string(s) + " with configEpoch " +
                 std::to_string(epoch));
            return;
          }
        }
      }
    }
  }
}

// I5: FAIL needs reports from a majority of the masters serving slots (self included).
void SimCluster::CheckFailQuorum(int i, std::string_view log_text) {
  Result<NodeId> id = NodeId::Parse(log_text.substr(13, 40));
  if (!id) return Fail("I5: unparsable log line");
  const ClusterState& st = nodes_[i]->node->state();
  const NodeRecord* x = st.Find(*id);
  if (x == nullptr) return Fail("I5: unknown failing node");
  int votes = st.myself().IsMaster() ? 1 : 0;
  // Reports are only accepted from masters; the reporter may have become a replica since
  // (Redis counts such a report until it expires too).
  for (const auto& [reporter, at] : x->fail_reports) {
    if (st.Find(reporter) && now_ - at <= 2 * options_.node_timeout_ms) ++votes;
  }
  int masters = 0;
  for (const NodeRecord* n : st.by_index()) {
    if (n->IsMaster() && n->num_slots > 0) ++masters;
  }
  if (votes < masters / 2 + 1) {
    Fail("I5: node " + std::to_string(i) + " marked " + id->str() + " FAIL with " +
         std::to_string(votes) + " of " + std::to_string(masters) + " masters");
  }
}

int SimCluster::IndexOf(const NodeId& id) const {
  for (int i = 0; i < size(); ++i) {
    if (ids_[i] == id) return i;
  }
  return -1;
}

bool SimCluster::IsMaster(int i) const { return nodes_[i]->node->state().myself().IsMaster(); }

int SimCluster::MasterOf(int i) const {
  const NodeRecord& me = nodes_[i]->node->state().myself();
  return me.IsReplica() ? IndexOf(me.master) : -1;
}

int SimCluster::OwnerOf(int slot, int viewer) const {
  const NodeRecord* o = nodes_[viewer]->node->state().SlotOwner(slot);
  return o ? IndexOf(o->id) : -1;
}

bool SimCluster::LogContains(int i, std::string_view text) const {
  for (const std::string& l : nodes_[i]->logs) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

int SimCluster::CountLogs(std::string_view text) const {
  int n = 0;
  for (const auto& sn : nodes_) {
    for (const std::string& l : sn->logs) n += l.find(text) != std::string::npos;
  }
  return n;
}

}  // namespace slotd::sim
