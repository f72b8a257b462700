// ClusterNode plumbing: construction, the cron (clusterCron), message dispatch, links, headers
// and the end-of-input bookkeeping that saves the config before any effect can reach a peer.
#include "cluster/node/cluster_node.h"

#include <algorithm>

namespace slotd {

ClusterNode::ClusterNode(const NodeOptions& options, uint64_t seed)
    : ClusterNode(options, nullptr, seed) {}

ClusterNode::ClusterNode(const NodeOptions& options, std::unique_ptr<ClusterState> state,
                         uint64_t seed)
    : options_(options), state_(std::move(state)), rng_(seed) {
  if (!state_) state_ = std::make_unique<ClusterState>(NodeId::Generate(rng_), options_.myself);
  // Our own ports always come from the configuration, not from the saved file.
  ApplyOwnEndpoint();
  NodeRecord& me = state_->myself();
  // A file from 7.0 (or a fresh node) has no shard id: a replica shares its master's, a master
  // starts a new shard.
  if (me.shard_id.IsNull()) {
    const NodeRecord* master = me.IsReplica() ? state_->Find(me.master) : nullptr;
    me.shard_id = master != nullptr && !master->shard_id.IsNull() ? master->shard_id
                                                                  : NodeId::Generate(rng_);
  }
}

// Copies the announced endpoint and the no-failover flag from options_ into our own record.
// True when something peers see changed.
bool ClusterNode::ApplyOwnEndpoint() {
  NodeRecord& me = state_->myself();
  const Endpoint before = me.endpoint;
  const uint16_t flags_before = me.flags;
  me.endpoint.port = options_.myself.port;
  me.endpoint.cport = options_.myself.cport;
  me.endpoint.pport = options_.myself.pport;
  me.endpoint.hostname = options_.myself.hostname;
  if (options_.announce_ip) me.endpoint.ip = options_.myself.ip;
  if (options_.replica_no_failover) {
    me.flags |= bus::kFlagNoFailover;
  } else {
    me.flags &= static_cast<uint16_t>(~bus::kFlagNoFailover);
  }
  return !(me.endpoint == before) || me.flags != flags_before;
}

// CONFIG SET of a cluster option at run time, as Redis applies them live: timeouts and policies
// take effect on the next tick; a changed announced address, port or hostname reaches peers in
// our next headers and is saved to nodes.conf.
void ClusterNode::UpdateOptions(const NodeOptions& options, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  options_ = options;
  if (ApplyOwnEndpoint()) Todo(kTodoSave | kTodoTopology);
  Todo(kTodoUpdateState);
  Finish();
}

Result<std::unique_ptr<ClusterNode>> ClusterNode::Restore(const NodeOptions& options,
                                                          std::string_view nodes_conf,
                                                          uint64_t seed, int64_t now_ms) {
  Result<NodesConf> conf = ParseNodesConf(nodes_conf);
  if (!conf) return Error{conf.error()};
  Result<std::unique_ptr<ClusterState>> state = ClusterState::FromConf(*conf, now_ms);
  if (!state) return Error{state.error()};
  return std::unique_ptr<ClusterNode>(new ClusterNode(options, std::move(*state), seed));
}

std::string ClusterNode::ConfigText() const {
  return RenderNodesConf(state_->ToConf(wall_offset_ms_, false));
}

void ClusterNode::Begin(int64_t now_ms, Outbox& out) {
  now_ = now_ms;
  out_ = &out;
  out_mark_ = out.size();
}

// The equivalent of clusterBeforeSleep: pending failover and state work, then the config
// save, placed before every other effect of this input (Redis saves before its writes flush).
void ClusterNode::Finish() {
  // A manual failover can advance several steps in one input (Redis loops through
  // beforeSleep); three rounds cover schedule -> request.
  for (int round = 0; round < 3 && (todo_ & kTodoHandleFailover); ++round) {
    todo_ &= ~static_cast<unsigned>(kTodoHandleFailover);
    if (!state_->myself().IsReplica()) break;
    HandleManualFailover();
    HandleReplicaFailover();
  }
  if (todo_ & kTodoUpdateState) UpdateState();
  if (todo_ & (kTodoSave | kTodoUpdateState | kTodoTopology)) {
    out_->push_back(TopologyChangedEffect{});
  }
  // Changes that must be durable before a peer can see them (votes, epochs) are fsynced
  // now; the rest are written once per tick, as Redis writes once per event-loop pass.
  if ((todo_ & kTodoFsync) || ((todo_ & kTodoSave) && in_tick_) ||
      (save_deferred_ && in_tick_)) {
    SaveConfigEffect save{ConfigText(), (todo_ & kTodoFsync) != 0};
    out_->insert(out_->begin() + static_cast<ptrdiff_t>(out_mark_), std::move(save));
    save_deferred_ = false;
  } else if (todo_ & kTodoSave) {
    save_deferred_ = true;
  }
  todo_ = 0;
  in_tick_ = false;
  out_ = nullptr;
}

void ClusterNode::Log(EffectLogLevel level, std::string text) {
  out_->push_back(LogEffect{level, std::move(text)});
}

bus::Header ClusterNode::BuildHeader(bus::MessageType type) const {
  const NodeRecord& me = state_->myself();
  const NodeRecord* master = &me;
  if (me.IsReplica() && !me.master.IsNull()) {
    if (const NodeRecord* m = state_->Find(me.master)) master = m;
  }
  bus::Header h;
  h.type = type;
  h.port = options_.myself.port;
  h.pport = options_.myself.pport;
  h.cport = options_.myself.cport;
  h.current_epoch = state_->current_epoch;
  h.config_epoch = master->config_epoch;
  h.offset = repl_.offset;
  h.sender = me.id;
  if (header_slots_version_ != state_->slot_version() || header_slots_node_ != master->id) {
    header_slots_ = state_->SlotsOf(*master);
    header_slots_version_ = state_->slot_version();
    header_slots_node_ = master->id;
  }
  h.myslots = header_slots_;
  if (me.IsReplica()) h.slaveof = me.master;
  if (options_.announce_ip) h.myip = options_.myself.ip;
  h.flags = me.flags;
  h.state = state_->state_ok ? 0 : 1;
  if (me.IsMaster() && mf_.end_ms != 0) h.mflags[0] |= bus::kMflagPaused;
  return h;
}

void ClusterNode::Send(LinkId link, bus::Message msg) {
  const auto type = static_cast<uint16_t>(msg.header.type);
  if (type < bus::kTypeCount) ++sent_by_type_[type];
  out_->push_back(SendEffect{link, std::move(msg)});
}

void ClusterNode::Broadcast(const bus::Message& msg) {
  for (NodeRecord* n : state_->by_index()) {
    if (n->link == 0 || n->Has(bus::kFlagMyself | bus::kFlagHandshake)) continue;
    Send(n->link, msg);
  }
}

LinkId ClusterNode::NewLink(const NodeId& node, bool inbound) {
  const LinkId id = next_link_++;
  LinkInfo& li = links_[id];
  li.node = node;
  li.inbound = inbound;
  li.ctime_ms = now_;
  return id;
}

NodeRecord* ClusterNode::LinkNode(LinkId link) {
  auto it = links_.find(link);
  if (it == links_.end() || it->second.node.IsNull()) return nullptr;
  return state_->Find(it->second.node);
}

void ClusterNode::ClearLinkOf(NodeRecord& n) {
  if (n.link) {
    out_->push_back(CloseLinkEffect{n.link});
    links_.erase(n.link);
    n.link = 0;
  }
}

void ClusterNode::FreeLink(LinkId link) {
  auto it = links_.find(link);
  if (it == links_.end()) return;
  if (NodeRecord* n = LinkNode(link)) {
    if (n->link == link) n->link = 0;
    if (n->inbound_link == link) n->inbound_link = 0;
  }
  links_.erase(it);
  out_->push_back(CloseLinkEffect{link});
}

std::vector<LinkSummary> ClusterNode::Links() const {
  std::vector<LinkSummary> out;
  for (const NodeRecord* n : state_->by_index()) {
    for (LinkId id : {n->link, n->inbound_link}) {
      auto it = links_.find(id);
      if (id == 0 || it == links_.end()) continue;
      out.push_back(LinkSummary{id, n->id, it->second.inbound, it->second.ctime_ms});
    }
  }
  return out;
}

LinkId ClusterNode::OnAccept(std::string_view peer_ip, std::string_view local_ip,
                             int64_t now_ms) {
  now_ = now_ms;
  const LinkId id = NewLink(NodeId(), true);
  links_[id].peer_ip = std::string(peer_ip);
  links_[id].local_ip = std::string(local_ip);
  return id;
}

void ClusterNode::OnLinkDown(LinkId link, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  auto it = links_.find(link);
  if (it != links_.end()) {
    if (NodeRecord* n = LinkNode(link)) {
      if (n->link == link) n->link = 0;
      if (n->inbound_link == link) n->inbound_link = 0;
    }
    links_.erase(it);
  }
  Finish();
}

void ClusterNode::Tick(const TickInput& in, Outbox& out) {
  Begin(in.now_ms, out);
  in_tick_ = true;
  wall_offset_ms_ = in.wall_ms - in.now_ms;
  repl_ = in.repl;
  ++iteration_;
  CronLinks();
  if (iteration_ % 10 == 0) CronRandomPing();
  int orphaned = 0, max_replicas = 0, my_master_replicas = 0;
  const bool update_state = CronTimers(&orphaned, &max_replicas, &my_master_replicas);
  NodeRecord& me = state_->myself();
  if (me.IsReplica() && !replicating_ && !me.master.IsNull()) {
    const NodeRecord* m = state_->Find(me.master);
    if (m && m->HasAddr()) StartReplication(*m);
  }
  CheckManualFailoverTimeout();
  if (me.IsReplica()) {
    HandleManualFailover();
    HandleReplicaFailover();
    if (orphaned > 0 && max_replicas >= 2 && my_master_replicas == max_replicas &&
        options_.allow_replica_migration) {
      HandleReplicaMigration(max_replicas);
    }
  }
  if (update_state || !state_->state_ok) UpdateState();
  for (auto it = blacklist_.begin(); it != blacklist_.end();) {
    it = it->second < now_ ? blacklist_.erase(it) : std::next(it);
  }
  Finish();
}

// Reconnects links and expires handshakes (clusterNodeCronHandleReconnect).
void ClusterNode::CronLinks() {
  pfail_nodes_ = 0;
  const int64_t handshake_timeout = std::max<int64_t>(options_.node_timeout_ms, 1000);
  std::vector<NodeId> expired;
  for (NodeRecord* n : state_->by_index()) {  // reconnecting adds or removes no node
    if (n->Has(bus::kFlagMyself | bus::kFlagNoAddr)) continue;
    if (n->TimedOut()) ++pfail_nodes_;
    if (n->InHandshake() && now_ - n->ctime_ms > handshake_timeout) {
      expired.push_back(n->id);
      continue;
    }
    if (n->link == 0) CronReconnect(*n);
  }
  for (const NodeId& id : expired) DeleteNode(id);
}

// About once a second, PING the node with the oldest PONG among five random ones.
void ClusterNode::CronRandomPing() {
  const auto& nodes = state_->by_index();
  NodeRecord* best = nullptr;
  for (int j = 0; j < 5 && !nodes.empty(); ++j) {
    NodeRecord* n = nodes[rng_.Below(nodes.size())];
    if (n->link == 0 || n->ping_sent_ms != 0) continue;
    if (n->Has(bus::kFlagMyself | bus::kFlagHandshake)) continue;
    if (best == nullptr || n->pong_received_ms < best->pong_received_ms) best = n;
  }
  if (best) SendPing(best->link, bus::MessageType::kPing);
}

bool ClusterNode::CronTimers(int* orphaned, int* max_replicas, int* my_master_replicas) {
  const NodeRecord& me = state_->myself();
  const int64_t nt = options_.node_timeout_ms;
  bool update_state = false;
  auto has_ok_replica = [this](const NodeRecord& master) {
    for (const NodeId& r : master.replicas) {
      const NodeRecord* rep = state_->Find(r);
      if (rep && !rep->Failed()) return true;
    }
    return false;
  };
  for (NodeRecord* n : state_->by_index()) {
    if (n->Has(bus::kFlagMyself | bus::kFlagNoAddr | bus::kFlagHandshake)) continue;
    // Only whether a serving master has any healthy replica is needed on every tick; the full
    // counts (a lookup per replica of every master) are taken below when some master is orphaned.
    if (me.IsReplica() && n->IsMaster() && !n->Failed() && n->num_slots > 0 &&
        n->Has(bus::kFlagMigrateTo) && !has_ok_replica(*n)) {
      ++*orphaned;
    }
    const int64_t ping_delay = now_ - n->ping_sent_ms;
    const int64_t data_delay = now_ - n->data_received_ms;
    // A link that gets no data while a ping is pending is recreated (it may be stuck).
    if (n->link && now_ - n->link_ctime_ms > nt && n->ping_sent_ms && ping_delay > nt / 2 &&
        data_delay > nt / 2) {
      FreeLink(n->link);
    }
    if (n->link && n->ping_sent_ms == 0 && now_ - n->pong_received_ms > nt / 2) {
      SendPing(n->link, bus::MessageType::kPing);
      continue;
    }
    if (mf_.end_ms && me.IsMaster() && mf_.replica == n->id && n->link) {
      SendPing(n->link, bus::MessageType::kPing);
      continue;
    }
    if (n->ping_sent_ms == 0) continue;
    if (std::min(ping_delay, data_delay) > nt && !n->Has(bus::kFlagPfail | bus::kFlagFail)) {
      Log(EffectLogLevel::kDebug, "*** NODE " + n->id.str() + " possibly failing");
      n->flags |= bus::kFlagPfail;
      update_state = true;
    }
  }
  if (*orphaned == 0) return update_state;
  for (const NodeRecord* n : state_->by_index()) {  // the loop above changes no FAIL flag
    if (n->Has(bus::kFlagMyself | bus::kFlagNoAddr | bus::kFlagHandshake)) continue;
    if (!n->IsMaster() || n->Failed()) continue;
    const int ok_replicas = CountNonFailingReplicas(*n);
    *max_replicas = std::max(*max_replicas, ok_replicas);
    if (me.master == n->id) *my_master_replicas = ok_replicas;
  }
  return update_state;
}

void ClusterNode::OnFrame(LinkId link, const bus::Message& msg, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  auto it = links_.find(link);
  if (it == links_.end()) return Finish();
  const bus::Header& h = msg.header;
  const auto type = static_cast<uint16_t>(h.type);
  if (type < bus::kTypeCount) ++received_by_type_[type];
  NodeRecord* sender = LinkNode(link);
  if (sender == nullptr || sender->InHandshake()) sender = state_->Find(h.sender);
  if (sender) {
    sender->data_received_ms = now_;
    if (it->second.inbound && it->second.node.IsNull()) {
      it->second.node = sender->id;
      sender->inbound_link = link;
    }
  }
  if (sender && !sender->InHandshake()) {
    if (h.current_epoch > state_->current_epoch) {
      state_->current_epoch = h.current_epoch;
      Todo(kTodoSave | kTodoFsync);
    }
    if (h.config_epoch > sender->config_epoch) {
      // Redis fsyncs here too; another node's epoch is re-learned from its next message, so
      // the tick's write is enough (ours and currentEpoch are always fsynced).
      sender->config_epoch = h.config_epoch;
      Todo(kTodoSave);
    }
    sender->repl_offset = h.offset;
    sender->repl_offset_time_ms = now_;
    const NodeRecord& me = state_->myself();
    if (mf_.end_ms && me.IsReplica() && me.master == sender->id &&
        (h.mflags[0] & bus::kMflagPaused) && mf_.master_offset == -1) {
      mf_.master_offset = static_cast<int64_t>(sender->repl_offset);
      Todo(kTodoHandleFailover);
      Log(EffectLogLevel::kWarning,
          "Received replication offset for paused master manual failover: " +
              std::to_string(mf_.master_offset));
    }
  }
  switch (h.type) {
    case bus::MessageType::kPing:
    case bus::MessageType::kPong:
    case bus::MessageType::kMeet: HandlePingFamily(link, sender, msg); break;
    case bus::MessageType::kFail: HandleFail(sender, msg); break;
    case bus::MessageType::kAuthRequest: HandleAuthRequest(sender, msg); break;
    case bus::MessageType::kAuthAck: HandleAuthAck(sender, h); break;
    case bus::MessageType::kUpdate: HandleUpdate(sender, msg); break;
    case bus::MessageType::kMfStart: HandleMfStart(link, sender); break;
    case bus::MessageType::kPublish:
    case bus::MessageType::kPublishShard: {
      const auto* body = std::get_if<bus::PublishBody>(&msg.body);
      if (sender && body) {  // messages from unknown nodes are ignored, as in Redis
        out.push_back(DeliverPublishEffect{body->channel, body->message,
                                           h.type == bus::MessageType::kPublishShard});
      }
      break;
    }
    default: break;  // MODULE and unknown types are ignored
  }
  Finish();
}

void ClusterNode::Publish(std::string_view channel, std::string_view message, bool shard,
                          int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  bus::Message msg;
  msg.header = BuildHeader(shard ? bus::MessageType::kPublishShard : bus::MessageType::kPublish);
  msg.body = bus::PublishBody{std::string(channel), std::string(message)};
  if (!shard) {
    Broadcast(msg);
    return Finish();
  }
  // clusterGetNodesServingMySlots: my master (or me) and its replicas.
  const NodeRecord& me = state_->myself();
  const NodeRecord* master = me.IsReplica() ? state_->Find(me.master) : &me;
  if (master != nullptr) {
    if (!master->IsMyself() && master->link != 0) Send(master->link, msg);
    for (const NodeId& id : master->replicas) {
      const NodeRecord* r = state_->Find(id);
      if (r != nullptr && !r->IsMyself() && r->link != 0) Send(r->link, msg);
    }
  }
  Finish();
}

}  // namespace slotd
