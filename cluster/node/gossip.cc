// PING/PONG/MEET: building messages with their gossip sections (clusterSendPing) and applying
// received ones (the ping-family part of clusterProcessPacket, clusterProcessGossipSection).
#include <algorithm>

#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {

bus::GossipEntry GossipFor(const NodeRecord& n, int64_t wall_offset_ms) {
  bus::GossipEntry g;
  g.name = n.id;
  auto secs = [&](int64_t t) {
    return t == 0 ? 0u : static_cast<uint32_t>((t + wall_offset_ms) / 1000);
  };
  g.ping_sent = secs(n.ping_sent_ms);
  g.pong_received = secs(n.pong_received_ms);
  g.ip = n.endpoint.ip;
  g.port = n.endpoint.port;
  g.cport = n.endpoint.cport;
  g.pport = n.endpoint.pport;
  g.flags = n.flags;
  return g;
}

}  // namespace

// wanted = max(3, nodes/10) random healthy entries (at most 3*wanted tries), capped at
// nodes-2, then every PFAIL node so failure reports spread fast.
bus::Message ClusterNode::BuildPing(LinkId link, bus::MessageType type) {
  bus::Message msg;
  msg.header = BuildHeader(type);
  const auto& nodes = state_->by_index();
  int fresh = static_cast<int>(nodes.size()) - 2;
  int wanted = std::max<int>(3, static_cast<int>(nodes.size() / 10));
  wanted = std::min(wanted, fresh);
  int pfail_wanted = pfail_nodes_;
  msg.gossip.reserve(static_cast<size_t>(std::max(0, wanted + pfail_wanted)));
  int tries = wanted * 3;
  std::vector<bool> picked(nodes.size(), false);
  while (fresh > 0 && static_cast<int>(msg.gossip.size()) < wanted && tries-- > 0) {
    const size_t index = rng_.Below(nodes.size());
    const NodeRecord* n = nodes[index];
    if (n->IsMyself() || n->TimedOut()) continue;
    if (n->Has(bus::kFlagHandshake | bus::kFlagNoAddr) || (n->link == 0 && n->num_slots == 0)) {
      --fresh;
      continue;
    }
    if (picked[index]) continue;
    picked[index] = true;
    msg.gossip.push_back(GossipFor(*n, wall_offset_ms_));
    --fresh;
  }
  for (const NodeRecord* n : nodes) {
    if (pfail_wanted <= 0) break;
    if (n->Has(bus::kFlagHandshake | bus::kFlagNoAddr) || !n->TimedOut()) continue;
    msg.gossip.push_back(GossipFor(*n, wall_offset_ms_));
    --pfail_wanted;
  }
  if (!options_.myself.hostname.empty()) {
    msg.extensions.push_back(bus::HostnameExt{options_.myself.hostname});
  }
  // 7.2 gossips the shard id; a node known to be 7.0 does not get it (it would log a warning
  // for every message).
  const NodeRecord* to = LinkNode(link);
  if (to == nullptr || to->shard_ext >= 0) {
    bus::ShardIdExt ext;
    const std::string_view shard = state_->myself().shard_id.view();
    std::copy(shard.begin(), shard.end(), ext.shard_id.begin());
    msg.extensions.push_back(ext);
  }
  if (type == bus::MessageType::kPing) {
    if (NodeRecord* n = LinkNode(link); n && !links_[link].inbound) n->ping_sent_ms = now_;
  }
  return msg;
}

void ClusterNode::SendPing(LinkId link, bus::MessageType type) {
  Send(link, BuildPing(link, type));
}

void ClusterNode::BroadcastPong(bool local_replicas_only) {
  const NodeRecord& me = state_->myself();
  for (NodeRecord* n : state_->by_index()) {
    if (n->link == 0 || n->Has(bus::kFlagMyself | bus::kFlagHandshake)) continue;
    if (local_replicas_only) {
      const bool local = n->IsReplica() && !n->master.IsNull() &&
                         (n->master == me.master || n->master == me.id);
      if (!local) continue;
    }
    SendPing(n->link, bus::MessageType::kPong);
  }
}

void ClusterNode::HandlePingFamily(LinkId link, NodeRecord* sender, const bus::Message& msg) {
  const bus::Header& h = msg.header;
  const bool ping_or_meet = h.type == bus::MessageType::kPing || h.type == bus::MessageType::kMeet;
  if (ping_or_meet) {
    HandleMeetOrPingFromUnknown(link, msg);
    SendPing(link, bus::MessageType::kPong);  // always answered, also for unknown senders
  }
  if (!HandleHandshakeReply(link, sender, msg)) return;
  if (sender) {
    sender->flags = static_cast<uint16_t>((sender->flags & ~bus::kFlagNoFailover) |
                                          (h.flags & bus::kFlagNoFailover));
  }
  if (sender && h.type == bus::MessageType::kPing && !sender->InHandshake() &&
      UpdateAddressIfNeeded(*sender, link, h)) {
    Todo(kTodoSave | kTodoUpdateState);
  }
  if (!links_[link].inbound && h.type == bus::MessageType::kPong) {
    if (NodeRecord* ln = LinkNode(link)) {
      ln->pong_received_ms = now_;
      ln->ping_sent_ms = 0;
      if (ln->TimedOut()) {
        ln->flags &= static_cast<uint16_t>(~bus::kFlagPfail);
        Todo(kTodoUpdateState);
      } else if (ln->Failed()) {
        ClearFailureIfNeeded(*ln);
      }
    }
  }
  if (sender == nullptr || sender->InHandshake()) return;
  UpdateRoleFromHeader(*sender, h);
  NodeRecord* sender_master = sender->IsMaster() ? sender : state_->Find(sender->master);
  const bool dirty = sender_master && state_->SlotsDiffer(*sender_master, h.myslots);
  if (dirty && sender->IsMaster()) UpdateSlotsConfigWith(*sender, h.config_epoch, h.myslots);
  if (dirty) CheckSlotClaims(*sender, h, link);
  const NodeRecord& me = state_->myself();
  if (me.IsMaster() && sender->IsMaster() && h.config_epoch == me.config_epoch) {
    HandleEpochCollision(*sender);
  }
  ProcessGossip(sender, msg);
  ProcessExtensions(*sender, msg);
}

void ClusterNode::ProcessGossip(NodeRecord* sender, const bus::Message& msg) {
  for (const bus::GossipEntry& g : msg.gossip) {
    NodeRecord* n = state_->Find(g.name);
    const bool reported_down = (g.flags & (bus::kFlagFail | bus::kFlagPfail)) != 0;
    if (n == nullptr) {
      // Only a known sender may introduce nodes: a handshake could join another cluster.
      if (sender && !(g.flags & bus::kFlagNoAddr) && !Blacklisted(g.name) &&
          NodeId::IsValid(g.name.view())) {
        NodeRecord rec;
        rec.id = g.name;
        rec.flags = g.flags & static_cast<uint16_t>(~(bus::kFlagMyself | bus::kFlagMeet));
        rec.endpoint.ip = g.ip;
        rec.endpoint.port = g.port;
        rec.endpoint.cport = g.cport;
        rec.endpoint.pport = g.pport;
        rec.ctime_ms = now_;
        state_->Add(std::move(rec));
      }
      continue;
    }
    if (sender && sender->IsMaster() && !n->IsMyself()) {
      if (reported_down) {
        if (n->fail_reports.count(sender->id) == 0) {
          Log(EffectLogLevel::kVerbose,
              "Node " + sender->id.str() + " reported node " + n->id.str() + " as not reachable.");
        }
        n->fail_reports[sender->id] = now_;
        MarkFailingIfNeeded(*n);
      } else if (n->fail_reports.erase(sender->id) > 0) {
        Log(EffectLogLevel::kVerbose, "Node " + sender->id.str() + " reported node " + n->id.str() +
                                    " is back online.");
      }
    }
    // Adopt a fresher PONG time seen by others, so we do not ping a healthy node needlessly.
    if (!reported_down && n->ping_sent_ms == 0 && CountFailureReportsOf(*n) == 0) {
      const int64_t pong = static_cast<int64_t>(g.pong_received) * 1000 - wall_offset_ms_;
      if (g.pong_received != 0 && pong <= now_ + 500 && pong > n->pong_received_ms) {
        n->pong_received_ms = pong;
      }
    }
    // An unreachable node seen healthy elsewhere at another address has moved.
    if (n->Has(bus::kFlagFail | bus::kFlagPfail) && !(g.flags & bus::kFlagNoAddr) &&
        !reported_down &&
        (n->endpoint.ip != g.ip || n->endpoint.port != g.port || n->endpoint.cport != g.cport ||
         n->endpoint.pport != g.pport)) {
      ClearLinkOf(*n);
      n->endpoint.ip = g.ip;
      n->endpoint.port = g.port;
      n->endpoint.cport = g.cport;
      n->endpoint.pport = g.pport;
      n->flags &= static_cast<uint16_t>(~bus::kFlagNoAddr);
    }
  }
}

void ClusterNode::ProcessExtensions(NodeRecord& sender, const bus::Message& msg) {
  std::string hostname;
  const bus::ShardIdExt* shard = nullptr;
  for (const bus::PingExt& ext : msg.extensions) {
    if (const auto* h = std::get_if<bus::HostnameExt>(&ext)) hostname = h->hostname;
    if (const auto* s = std::get_if<bus::ShardIdExt>(&ext)) shard = s;
  }
  sender.shard_ext = shard != nullptr ? 1 : -1;
  if (shard != nullptr &&
      NodeId::IsValid(std::string_view(shard->shard_id.data(), bus::kNameLen))) {
    UpdateShardId(sender, NodeId::FromWire(shard->shard_id.data()));
  }
  // A ping without the extension means the sender has no announced hostname (7.0).
  if (sender.endpoint.hostname != hostname) {
    sender.endpoint.hostname = hostname;
    Todo(kTodoSave);
  }
}

// updateShardId: the sender's shard id, and ours when the sender is our master (shard ids of
// a 7.2 upgrade can diverge until the replica hears its master).
void ClusterNode::UpdateShardId(NodeRecord& n, const NodeId& shard_id) {
  if (n.shard_id != shard_id) {
    n.shard_id = shard_id;
    Todo(kTodoSave);
  }
  NodeRecord& me = state_->myself();
  if (&n != &me && me.master == n.id && me.shard_id != shard_id) {
    me.shard_id = shard_id;
    Todo(kTodoSave | kTodoFsync);
  }
}

}  // namespace slotd
