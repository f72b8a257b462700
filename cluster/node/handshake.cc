// Membership: CLUSTER MEET and handshake nodes, link (re)creation, renames, address updates,
// node deletion and the CLUSTER FORGET ban list (clusterStartHandshake, nodeUpdateAddressIfNeeded,
// the handshake part of clusterProcessPacket, clusterBlacklist*).
#include <algorithm>
#include <cctype>

#include "cluster/node/cluster_node.h"

namespace slotd {
namespace {

constexpr int64_t kBlacklistTtlMs = 60000;  // CLUSTER_BLACKLIST_TTL (60 s)

// Dotted quad, each part 0-255 without leading zeros (inet_pton's rules).
bool ValidIpv4(std::string_view ip) {
  int parts = 0;
  size_t i = 0;
  while (i <= ip.size()) {
    size_t j = i;
    while (j < ip.size() && std::isdigit(static_cast<unsigned char>(ip[j]))) ++j;
    const size_t len = j - i;
    if (len == 0 || len > 3 || (len > 1 && ip[i] == '0')) return false;
    if (std::stoi(std::string(ip.substr(i, len))) > 255) return false;
    ++parts;
    if (j == ip.size()) break;
    if (ip[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool ValidIpv6(std::string_view ip) {
  if (ip.size() < 2 || ip.size() > 45) return false;
  int colons = 0;
  for (char c : ip) {
    if (c == ':') ++colons;
    else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return colons >= 2;
}

}  // namespace

AdminResult ClusterNode::Meet(std::string_view ip, int port, int cport, int64_t now_ms,
                              Outbox& out) {
  Begin(now_ms, out);
  const bool valid_ip = ValidIpv4(ip) || ValidIpv6(ip);
  const bool valid_ports = port > 0 && port <= 65535 && cport > 0 && cport <= 65535;
  if (!valid_ip || !valid_ports) {
    Finish();
    return Error{"Invalid node address specified: " + std::string(ip) + ":" +
                 std::to_string(port)};
  }
  StartHandshake(std::string(ip), port, cport);
  Finish();
  return std::string("OK");
}

bool ClusterNode::StartHandshake(const std::string& ip, int port, int cport) {
  for (const NodeRecord* n : state_->by_index()) {
    if (n->InHandshake() && n->endpoint.ip == ip && n->endpoint.port == port &&
        n->endpoint.cport == cport) {
      return false;  // already in progress (EAGAIN: still +OK)
    }
  }
  NodeRecord n;
  n.id = NodeId::Generate(rng_);
  n.flags = bus::kFlagHandshake | bus::kFlagMeet;
  n.endpoint.ip = ip;
  n.endpoint.port = static_cast<uint16_t>(port);
  n.endpoint.cport = static_cast<uint16_t>(cport);
  n.ctime_ms = now_;
  state_->Add(std::move(n));
  return true;
}

// The first packet on a new link is MEET for nodes we were told to meet, else PING; a ping
// pending from before the reconnect keeps its time so failure detection is not reset.
void ClusterNode::CronReconnect(NodeRecord& n) {
  const LinkId link = NewLink(n.id, false);
  n.link = link;
  n.link_ctime_ms = now_;
  out_->push_back(ConnectEffect{link, n.id, n.endpoint});
  const int64_t old_ping_sent = n.ping_sent_ms;
  SendPing(link, n.Has(bus::kFlagMeet) ? bus::MessageType::kMeet : bus::MessageType::kPing);
  if (old_ping_sent) n.ping_sent_ms = old_ping_sent;
  n.flags &= static_cast<uint16_t>(~bus::kFlagMeet);
}

std::string ClusterNode::PeerIp(LinkId link, const bus::Header& h) const {
  if (!h.myip.empty()) return h.myip;
  auto it = links_.find(link);
  if (it != links_.end() && !it->second.peer_ip.empty()) return it->second.peer_ip;
  if (it != links_.end()) {
    if (const NodeRecord* n = state_->Find(it->second.node)) return n->endpoint.ip;
  }
  return "";
}

// A MEET from an unknown node creates a handshake node for it; ours learns our own IP from
// the socket the MEET arrived on unless cluster-announce-ip is set.
void ClusterNode::HandleMeetOrPingFromUnknown(LinkId link, const bus::Message& msg) {
  const bus::Header& h = msg.header;
  NodeRecord& me = state_->myself();
  auto it = links_.find(link);
  if ((h.type == bus::MessageType::kMeet || me.endpoint.ip.empty()) && !options_.announce_ip &&
      it != links_.end() && !it->second.local_ip.empty() &&
      me.endpoint.ip != it->second.local_ip) {
    me.endpoint.ip = it->second.local_ip;
    Log(EffectLogLevel::kWarning, "IP address for this node updated to " + me.endpoint.ip);
    Todo(kTodoSave);
  }
  if (h.type == bus::MessageType::kMeet && state_->Find(h.sender) == nullptr) {
    NodeRecord n;
    n.id = NodeId::Generate(rng_);
    n.flags = bus::kFlagHandshake;
    n.endpoint.ip = PeerIp(link, h);
    n.endpoint.port = h.port;
    n.endpoint.pport = h.pport;
    n.endpoint.cport = h.cport;
    n.ctime_ms = now_;
    state_->Add(std::move(n));
    Todo(kTodoSave);
  }
}

bool ClusterNode::HandleHandshakeReply(LinkId link, NodeRecord* sender, const bus::Message& msg) {
  auto it = links_.find(link);
  if (it == links_.end() || it->second.inbound) return true;
  NodeRecord* ln = LinkNode(link);
  if (ln == nullptr) return true;
  const bus::Header& h = msg.header;
  if (ln->InHandshake()) {
    if (sender) {  // we already know it under its real name: drop the handshake node
      if (UpdateAddressIfNeeded(*sender, link, h)) Todo(kTodoSave | kTodoUpdateState);
      DeleteNode(ln->id);
      return false;
    }
    if (!NodeId::IsValid(h.sender.view())) return false;
    ln = &state_->Rename(ln->id, h.sender);
    it->second.node = ln->id;
    ln->flags &= static_cast<uint16_t>(~bus::kFlagHandshake);
    ln->flags |= h.flags & (bus::kFlagMaster | bus::kFlagSlave);
    Log(EffectLogLevel::kDebug, "Handshake with node " + ln->id.str() + " completed.");
    Todo(kTodoSave);
    return true;
  }
  if (ln->id != h.sender) {  // the address now belongs to someone else
    Log(EffectLogLevel::kDebug, "PONG contains mismatching sender ID. About node " + ln->id.str());
    ln->flags |= bus::kFlagNoAddr;
    ln->endpoint.ip.clear();
    ln->endpoint.port = ln->endpoint.pport = ln->endpoint.cport = 0;
    FreeLink(link);
    Todo(kTodoSave);
    return false;
  }
  return true;
}

bool ClusterNode::UpdateAddressIfNeeded(NodeRecord& n, LinkId link, const bus::Header& h) {
  if (link == n.link) return false;  // our own outbound link tells us nothing new
  const std::string ip = PeerIp(link, h);
  if (n.endpoint.port == h.port && n.endpoint.cport == h.cport && n.endpoint.pport == h.pport &&
      n.endpoint.ip == ip) {
    return false;
  }
  n.endpoint.ip = ip;
  n.endpoint.port = h.port;
  n.endpoint.pport = h.pport;
  n.endpoint.cport = h.cport;
  ClearLinkOf(n);
  n.flags &= static_cast<uint16_t>(~bus::kFlagNoAddr);
  Log(EffectLogLevel::kWarning, "Address updated for node " + n.id.str() + ", now " + ip + ":" +
                              std::to_string(h.port));
  const NodeRecord& me = state_->myself();
  if (me.IsReplica() && me.master == n.id) StartReplication(n);
  return true;
}

bool ClusterNode::Blacklisted(const NodeId& id) const {
  auto it = blacklist_.find(id);
  return it != blacklist_.end() && it->second >= now_;
}

void ClusterNode::DeleteNode(const NodeId& id) {
  NodeRecord* n = state_->Find(id);
  if (n == nullptr || n->IsMyself()) return;
  if (n->link) FreeLink(n->link);
  if (n->inbound_link) FreeLink(n->inbound_link);
  for (auto& [lid, li] : links_) {
    if (li.node == id) li.node = NodeId();
  }
  state_->Remove(id);
}

AdminResult ClusterNode::Forget(std::string_view node_id, int64_t now_ms, Outbox& out) {
  Begin(now_ms, out);
  Result<NodeId> id = NodeId::Parse(node_id);
  NodeRecord* n = id ? state_->Find(*id) : nullptr;
  AdminResult result = std::string("OK");
  if (n == nullptr) {
    result = Error{"Unknown node " + std::string(node_id)};
  } else if (n->IsMyself()) {
    result = Error{"I tried hard but I can't forget myself..."};
  } else if (state_->myself().IsReplica() && state_->myself().master == n->id) {
    result = Error{"Can't forget my master!"};
  } else {
    blacklist_[n->id] = now_ + kBlacklistTtlMs;
    DeleteNode(n->id);
    Todo(kTodoUpdateState | kTodoSave);
  }
  Finish();
  return result;
}

}  // namespace slotd
