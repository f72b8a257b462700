// Client pauses: the per-purpose pause table, postponing commands it covers, and resuming them in order.
#include "server/app/client_pause.h"

#include <algorithm>
#include <string>

#include "server/app/server.h"
#include "server/commands/dispatcher.h"
#include "server/net/connection.h"
#include "server/replication/replication.h"

namespace slotd {
namespace {

constexpr uint32_t kReplicatingFlags = kCmdWrite | kCmdMayReplicate;

// The spec a queued or streamed argv will run (the subcommand for containers), null when unknown.
const CommandSpec* SpecOf(const Server& server, ArgList args) {
  if (args.empty()) return nullptr;
  const CommandSpec* spec = server.commands.Find(args[0]);
  if (spec == nullptr || spec->subcommands.empty() || args.size() < 2) return spec;
  const CommandSpec* sub = CommandTable::FindSubcommand(*spec, args[1]);
  return sub != nullptr ? sub : spec;
}

}  // namespace

ClientPause::ClientPause(Server& server) : server_(server) {}

void ClientPause::Pause(PausePurpose purpose, int64_t end_ms, PauseKind kind) {
  Event& event = events_[Index(purpose)];
  if (event.kind == PauseKind::kOff) {
    event = {kind, end_ms};
  } else {
    event.kind = std::max(event.kind, kind);
    event.end_ms = std::max(event.end_ms, end_ms);
  }
  Refresh();
}

void ClientPause::Unpause(PausePurpose purpose) {
  events_[Index(purpose)] = Event{};
  Refresh();
}

void ClientPause::Refresh() {
  PauseKind old_kind = kind_;
  PauseKind kind = PauseKind::kOff;
  for (Event& event : events_) {
    if (event.kind == PauseKind::kOff) continue;
    if (event.end_ms < server_.now_ms) {
      event = Event{};  // its time is up
    } else {
      kind = std::max(kind, event.kind);
    }
  }
  // The furthest end among the strictest pauses is when the current kind lifts.
  int64_t end = 0;
  for (const Event& event : events_) {
    if (event.kind == kind && kind != PauseKind::kOff) end = std::max(end, event.end_ms);
  }
  kind_ = kind;
  end_ms_ = end;
  // A looser pause lets some postponed commands run (the rest are postponed again).
  if (kind < old_kind) resume_due_ = true;
  if ((kind == PauseKind::kOff) != (old_kind == PauseKind::kOff) && server_.replication != nullptr) {
    server_.replication->SetExpiryPaused(kind != PauseKind::kOff);
  }
}

bool ClientPause::Covers(const Client& client, const CommandSpec& spec) const {
  if (kind_ == PauseKind::kAll) return true;
  if (spec.flags & kReplicatingFlags) return true;
  // EXEC is as much a write as the strongest command it would run.
  if (!client.in_multi || spec.name != "exec") return false;
  for (const std::vector<std::string>& queued : client.queued) {
    std::vector<std::string_view> views(queued.begin(), queued.end());
    const CommandSpec* queued_spec = SpecOf(server_, views);
    if (queued_spec != nullptr && (queued_spec->flags & kReplicatingFlags)) return true;
  }
  return false;
}

bool ClientPause::MaybePostpone(Client& client, const CommandSpec& spec, ArgList args) {
  if (!Paused() || !Covers(client, spec)) return false;
  server_.BlockClient(client, args, {}, 0, BlockTimeoutReply::kNullArray);
  postponed_.push_back(client.id());
  return true;
}

bool ClientPause::HoldsMasterCommand(const Client& master, ArgList args) {
  if (!Paused()) return false;
  const CommandSpec* spec = SpecOf(server_, args);
  return spec != nullptr && Covers(master, *spec);
}

bool ClientPause::IsPostponed(const Client& client) const {
  return client.blocked &&
         std::find(postponed_.begin(), postponed_.end(), client.id()) != postponed_.end();
}

void ClientPause::BeforeSleep() {
  if (!resume_due_) return;
  resume_due_ = false;
  std::vector<uint64_t> waiting;
  waiting.swap(postponed_);
  for (uint64_t id : waiting) {
    auto it = server_.clients.find(id);
    if (it == server_.clients.end() || !it->second->blocked) continue;  // gone meanwhile
    ResumeClient(*it->second);
  }
  // The master's stream waited in its buffer; apply what is there now.
  if (server_.replication != nullptr) server_.replication->ResumeStream();
}

void ClientPause::ResumeClient(Client& client) {
  std::vector<std::string> argv = std::move(client.block_argv);
  server_.UnblockClient(client, false);
  std::vector<std::string_view> views(argv.begin(), argv.end());
  Dispatch(server_, client, views);  // postponed again when a pause still covers it
  // Then the requests it pipelined behind the postponed one, before other clients' (as Redis).
  if (!client.blocked && client.connection() != nullptr) client.connection()->ProcessInput();
  if (server_.schedule_flush) server_.schedule_flush(client);
}

}  // namespace slotd
