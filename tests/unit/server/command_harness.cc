#include "tests/unit/server/command_harness.h"

#include "server/commands/dispatcher.h"

namespace slotd::test {

CommandHarness::CommandHarness(Config config) {
  server_ = std::make_unique<Server>(std::move(config));
  server_->now_ms = 1700000000000;  // a fixed, realistic wall-clock time
  server_->start_time_ms = server_->now_ms;
  server_->execute = [this](Client& c, std::span<const std::string_view> args) {
    const CommandSpec* spec = ResolveCommand(*server_, c, args);
    if (spec != nullptr) Execute(*server_, c, *spec, args, false);
  };
  server_->schedule_flush = [](Client&) {};
  server_->close_client = [](Client& c) { c.close_after_reply = true; };
  server_->pubsub.on_output = [](Client&) {};
  NewClient();
}

CommandHarness::~CommandHarness() {
  for (auto& c : clients_) server_->ForgetClient(*c);
}

Client& CommandHarness::NewClient() {
  auto client = std::make_unique<Client>(next_id_++, nullptr);
  client->addr = "127.0.0.1:50000";
  client->laddr = "127.0.0.1:6379";
  client->created_ms = server_->now_ms;
  client->authenticated = server_->config.requirepass.empty();
  server_->RegisterClient(*client);
  clients_.push_back(std::move(client));
  return *clients_.back();
}

std::string CommandHarness::RunAs(Client& c, std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> argv(args);
  Dispatch(*server_, c, argv);
  return TakeOutput(c);
}

std::string CommandHarness::RunAs(Client& c, const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  Dispatch(*server_, c, argv);
  return TakeOutput(c);
}

std::string CommandHarness::TakeOutput(Client& c) {
  std::string out;
  out.swap(c.output);
  return out;
}

void CommandHarness::SetTime(int64_t now_ms) { server_->now_ms = now_ms; }

void CommandHarness::AdvanceTime(int64_t ms) {
  server_->now_ms += ms;
  server_->TimeoutBlockedClients();
}

void CommandHarness::CapturePropagation() {
  server_->on_propagate = [this](int db, std::span<const std::string> argv,
                                 Server::PropagationTarget to) {
    std::string line = std::to_string(db) + ":";
    for (size_t i = 0; i < argv.size(); ++i) {
      if (i > 0) line.push_back(' ');
      line += argv[i];
    }
    if (to == Server::kToReplicas) line += " (replicas only)";
    if (to == Server::kToAof) line += " (aof only)";
    propagated_.push_back(std::move(line));
  };
}

std::vector<std::string> CommandHarness::TakePropagated() {
  std::vector<std::string> out;
  out.swap(propagated_);
  return out;
}

std::string Simple(std::string_view s) { return "+" + std::string(s) + "\r\n"; }
std::string Err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string Bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }
std::string NullBulk() { return "$-1\r\n"; }
std::string NullArray() { return "*-1\r\n"; }

std::string Arr(std::initializer_list<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& item : items) out += item;
  return out;
}

std::string BulkArr(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::string_view item : items) out += Bulk(item);
  return out;
}

}  // namespace slotd::test
