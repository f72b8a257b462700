// ClusterHost's bus side: accepted and outbound links, frames decoded from received bytes (a
// malformed frame frees its link), the send-buffer limit, CLUSTER LINKS and the PUBLISH relay.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/bus/codec.h"
#include "server/cluster_host/cluster_host.h"
#include "server/log/logger.h"

namespace slotd {
namespace {

void BusLog(const std::string& text) { Log(LogLevel::kWarning, "%s", text.c_str()); }

// The message type named in a frame's header (the frame holds at least the 8-byte preamble).
std::string FrameTypeName(std::string_view frame) {
  if (frame.size() < bus::kOffType + 2) return "short";
  auto type = static_cast<uint16_t>(static_cast<uint8_t>(frame[bus::kOffType]) << 8 |
                                    static_cast<uint8_t>(frame[bus::kOffType + 1]));
  std::string name = bus::TypeName(type);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;  // Redis logs type names in lower case ("ping")
}

}  // namespace

void ClusterHost::FreeLinksOverSendLimit() {
  const uint64_t limit = server_.config.cluster_link_sendbuf_limit;
  if (limit == 0) return;
  for (const LinkSummary& ls : node_->Links()) {
    auto it = links_.find(ls.link);
    if (it == links_.end()) continue;
    BusLink* link = it->second->link;
    const size_t used = link->SendBufferAllocated();
    if (used <= limit) continue;
    BusLog(std::string("Freeing cluster link(") + (ls.inbound ? "from" : "to") + " node " +
           ls.node.str() + ", used memory: " + std::to_string(used) +
           ") due to exceeding send buffer memory limit.");
    ++links_over_limit_;
    DropLink(*link);
  }
}

std::vector<ClusterHost::LinkReport> ClusterHost::LinkReports() const {
  std::vector<LinkReport> out;
  const int64_t wall_offset = WallNowMs() - MonotonicMs();
  for (const LinkSummary& ls : node_->Links()) {
    auto it = links_.find(ls.link);
    if (it == links_.end()) continue;
    const BusLink& link = *it->second->link;
    out.push_back(LinkReport{ls, ls.ctime_ms + wall_offset, link.Events(),
                             link.SendBufferAllocated(), link.SendBufferUsed()});
  }
  return out;
}

void ClusterHost::PropagatePublish(std::string_view channel, std::string_view message, bool shard) {
  Outbox out;
  node_->Publish(channel, message, shard, MonotonicMs(), out);
  Execute(out);
}

void ClusterHost::OnBusAccept(uv_stream_t* server, int status) {
  auto* host = static_cast<ClusterHost*>(server->data);
  if (status < 0) return;
  // The id is only known once the node registers the link, so accept under a placeholder.
  auto* link = new BusLink(host->loop_, 0, host);
  if (!link->Accept(server)) return;
  LinkId id = host->node_->OnAccept(link->PeerIp(), link->LocalIp(), host->MonotonicMs());
  link->set_id(id);
  auto state = std::make_unique<LinkState>();
  state->link = link;
  host->links_[id] = std::move(state);
}

void ClusterHost::OnBusData(BusLink& link, std::string_view bytes) {
  LinkId id = link.id();
  auto it = links_.find(id);
  if (it == links_.end()) return;
  LinkState* state = it->second.get();
  state->reader.Append(bytes);
  std::string_view frame;
  while (!link.closing()) {
    bus::FrameReader::Status st = state->reader.Next(&frame);
    if (st == bus::FrameReader::Status::kNeedMore) break;
    if (st == bus::FrameReader::Status::kError) {
      // clusterReadHandler's words; the detail says which check failed.
      BusLog("Bad message length or signature received from Cluster bus. (" +
             state->reader.error() + ")");
      return DropLink(link);
    }
    Result<bus::Message> msg = bus::Decode(frame);
    if (!msg) {
      // A peer that sends a frame of the wrong length or version is broken or hostile: free the
      // link (a real peer reconnects and resends), never guess where the next frame starts.
      BusLog("Received invalid " + FrameTypeName(frame) + " packet of length " +
             std::to_string(frame.size()) + ", freeing the link: " + msg.error());
      return DropLink(link);
    }
    Outbox out;
    // A paused master's reply to MFSTART must carry its offset as of now, not of the last tick.
    node_->set_repl_offset(ReplicationOffset());
    node_->OnFrame(id, msg.value(), MonotonicMs(), out);
    Execute(out);
  }
}

void ClusterHost::DropLink(BusLink& link) {
  OnBusDown(link);
  link.Close();
}

void ClusterHost::OnBusDown(BusLink& link) {
  auto it = links_.find(link.id());
  if (it == links_.end() || it->second->link != &link) return;
  links_.erase(it);
  Outbox out;
  node_->OnLinkDown(link.id(), MonotonicMs(), out);
  Execute(out);
}

void ClusterHost::Connect(const ConnectEffect& e) {
  auto* link = new BusLink(loop_, e.link, this);
  auto state = std::make_unique<LinkState>();
  state->link = link;
  links_[e.link] = std::move(state);
  if (!link->Connect(e.endpoint.ip, e.endpoint.cport)) {
    links_.erase(e.link);
    link->Close();
    failed_connects_.push_back(e.link);
  }
}

void ClusterHost::CloseLink(LinkId id) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  it->second->link->Close();
  links_.erase(it);
}

}  // namespace slotd
