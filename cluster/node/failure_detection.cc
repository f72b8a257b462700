// Failure detection: failure reports and their validity window, PFAIL -> FAIL on a majority of
// masters, the FAIL broadcast and clearing FAIL (markNodeAsFailingIfNeeded,
// clearNodeFailureIfNeeded, clusterNode*FailureReport*).
#include "cluster/node/cluster_node.h"

namespace slotd {

namespace {
constexpr int64_t kFailReportValidityMult = 2;  // CLUSTER_FAIL_REPORT_VALIDITY_MULT
constexpr int64_t kFailUndoTimeMult = 2;        // CLUSTER_FAIL_UNDO_TIME_MULT
}  // namespace

// Reports older than 2 * node_timeout are dropped whenever they are counted.
int ClusterNode::CountFailureReportsOf(NodeRecord& n) {
  const int64_t max_age = options_.node_timeout_ms * kFailReportValidityMult;
  for (auto it = n.fail_reports.begin(); it != n.fail_reports.end();) {
    it = now_ - it->second > max_age ? n.fail_reports.erase(it) : std::next(it);
  }
  return static_cast<int>(n.fail_reports.size());
}

void ClusterNode::MarkFailingIfNeeded(NodeRecord& n) {
  const int needed_quorum = state_->cluster_size / 2 + 1;
  if (!n.TimedOut() || n.Failed()) return;
  int failures = CountFailureReportsOf(n);
  if (state_->myself().IsMaster()) ++failures;
  if (failures < needed_quorum) return;
  Log(EffectLogLevel::kNotice, "Marking node " + n.id.str() + " as failing (quorum reached).");
  n.flags = static_cast<uint16_t>((n.flags & ~bus::kFlagPfail) | bus::kFlagFail);
  n.fail_time_ms = now_;
  // Replicas broadcast too: the reports were collected from masters, they only spread it.
  SendFail(n.id);
  Todo(kTodoUpdateState | kTodoSave);
}

void ClusterNode::SendFail(const NodeId& failing) {
  bus::Message msg;
  msg.header = BuildHeader(bus::MessageType::kFail);
  msg.body = bus::FailBody{failing};
  Broadcast(msg);
}

// Called on a PONG from a FAIL node over our own link. A master with slots stays FAIL until
// 2 * node_timeout passed, giving its replicas time to take over.
void ClusterNode::ClearFailureIfNeeded(NodeRecord& n) {
  if (n.IsReplica() || n.num_slots == 0) {
    Log(EffectLogLevel::kNotice, "Clear FAIL state for node " + n.id.str() + ": " +
                               (n.IsReplica() ? "replica" : "master without slots") +
                               " is reachable again.");
    n.flags &= static_cast<uint16_t>(~bus::kFlagFail);
    Todo(kTodoUpdateState | kTodoSave);
  }
  if (n.IsMaster() && n.num_slots > 0 &&
      now_ - n.fail_time_ms > options_.node_timeout_ms * kFailUndoTimeMult) {
    Log(EffectLogLevel::kNotice, "Clear FAIL state for node " + n.id.str() +
                               ": is reachable again and nobody is serving its slots after "
                               "some time.");
    n.flags &= static_cast<uint16_t>(~bus::kFlagFail);
    Todo(kTodoUpdateState | kTodoSave);
  }
}

void ClusterNode::HandleFail(NodeRecord* sender, const bus::Message& msg) {
  const auto* body = std::get_if<bus::FailBody>(&msg.body);
  if (body == nullptr) return;
  if (sender == nullptr) {
    Log(EffectLogLevel::kNotice, "Ignoring FAIL message from unknown node " +
                               msg.header.sender.str().substr(0, 40) + " about " +
                               body->failing.str());
    return;
  }
  NodeRecord* failing = state_->Find(body->failing);
  if (failing == nullptr || failing->Has(bus::kFlagFail | bus::kFlagMyself)) return;
  Log(EffectLogLevel::kNotice, "FAIL message received from " + sender->id.str() + " about " +
                             failing->id.str());
  failing->flags = static_cast<uint16_t>((failing->flags & ~bus::kFlagPfail) | bus::kFlagFail);
  failing->fail_time_ms = now_;
  Todo(kTodoSave | kTodoUpdateState);
}

Result<int64_t> ClusterNode::CountFailureReports(std::string_view node_id, int64_t now_ms) {
  now_ = now_ms;
  Result<NodeId> id = NodeId::Parse(node_id);
  NodeRecord* n = id ? state_->Find(*id) : nullptr;
  if (n == nullptr) return Error{"Unknown node " + std::string(node_id)};
  return static_cast<int64_t>(CountFailureReportsOf(*n));
}

}  // namespace slotd
