// ClusterHost: runs one ClusterNode inside the server: nodes.conf (load, lock, atomic saves), the
// cluster bus (listener and links on libuv), the 100 ms tick, and the execution of the node's
// effects (replication, routing view, logging). The CLUSTER commands call into it.
#pragma once
#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/bus/frame_reader.h"
#include "cluster/node/cluster_node.h"
#include "server/app/server.h"
#include "server/cluster_host/bus_link.h"
#include "server/cluster_host/cluster_host_start.h"
#include "server/net/listener.h"

namespace slotd {

struct ClusterView;

class ClusterHost : public BusLinkOwner {
 public:
  ClusterHost(Server& server, uv_loop_t* loop);
  ~ClusterHost() override;
  ClusterHost(const ClusterHost&) = delete;
  ClusterHost& operator=(const ClusterHost&) = delete;

  // Loads or creates the node, locks nodes.conf and opens the bus port. False (logged) when the
  // server must exit with status 1. Call inside `dir`, before serving clients.
  bool Start();
  // Closes the bus and the timer (server shutdown).
  void Shutdown();

  ClusterNode& node() { return *node_; }
  Server& server() { return server_; }
  int64_t MonotonicMs() const;
  // Unix ms now (CLUSTER LINKS create-time).
  static int64_t WallNowMs();
  // This node's replication offset (CLUSTER SHARDS, the tick's input).
  uint64_t ReplicationOffset() const;
  // Runs one admin call with a fresh outbox and executes the effects it produced.
  AdminResult Admin(const std::function<AdminResult(ClusterNode&, int64_t, Outbox&)>& call);

  // CLUSTER LINKS: one entry per link bound to a node, in the node's order.
  struct LinkReport {
    LinkSummary summary;
    int64_t create_time_ms = 0;  // Unix ms
    std::string events;
    size_t send_allocated = 0;
    size_t send_used = 0;
  };
  std::vector<LinkReport> LinkReports() const;
  // Links freed for exceeding cluster-link-sendbuf-limit (CLUSTER INFO).
  uint64_t links_over_limit() const { return links_over_limit_; }
  // PUBLISH / SPUBLISH in cluster mode: relay the message over the bus.
  void PropagatePublish(std::string_view channel, std::string_view message, bool shard);
  // Re-reads the cluster options from the live config (CONFIG SET) into the node and the view.
  void ApplyConfig();

  void OnBusData(BusLink& link, std::string_view bytes) override;
  void OnBusDown(BusLink& link) override;

 private:
  // Reports the link down to the node and closes it (malformed input, send buffer over limit).
  void DropLink(BusLink& link);
  struct LinkState {
    BusLink* link = nullptr;
    bus::FrameReader reader;
  };

  static void OnBusAccept(uv_stream_t* server, int status);
  static void OnTimer(uv_timer_t* timer);
  NodeOptions BuildOptions() const;
  bool LoadOrCreate(const NodeOptions& options);
  bool LockConfig(const std::string& path);
  void Tick();
  // clusterNodeCronFreeLinkOnBufferLimitReached for every link.
  void FreeLinksOverSendLimit();
  void Execute(Outbox& out);
  void ExecuteOne(Effect& effect);
  void Connect(const ConnectEffect& e);
  void CloseLink(LinkId id);
  void PauseWrites(int64_t until_ms);
  void SaveConfig(const SaveConfigEffect& e);
  void DeleteSlotKeys(int slot);
  void PublishView();
  ReplicationStatus SampleReplication();

  Server& server_;
  uv_loop_t* loop_;
  std::unique_ptr<ClusterNode> node_;
  Listener bus_listener_;
  uv_timer_t timer_;
  bool timer_started_ = false;
  std::map<LinkId, std::unique_ptr<LinkState>> links_;
  std::vector<LinkId> failed_connects_;  // reported to the node after the current effects
  // The published view and its predecessor (a command may still read the old one).
  std::unique_ptr<ClusterView> view_;
  std::unique_ptr<ClusterView> previous_view_;
  std::string config_path_;
  int lock_fd_ = -1;
  bool executing_ = false;
  bool repl_was_up_ = false;
  uint64_t links_over_limit_ = 0;
  int64_t repl_down_since_ms_ = 0;
};

}  // namespace slotd
