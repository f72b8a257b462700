// SentinelRuntime over the process's SentinelHost (server.sentinel): what sentinel-mode commands
// call in a running `slotd --sentinel`.
#include "server/app/server.h"
#include "server/commands/sentinel_runtime.h"
#include "server/sentinel_host/sentinel_host.h"

namespace slotd {
namespace {

class HostRuntime : public SentinelRuntime {
 public:
  explicit HostRuntime(SentinelHost* host) : host_(host) {}
  void set_host(SentinelHost* host) { host_ = host; }

  sentinel::SentinelNode& node() override { return host_->node(); }
  int64_t NowMs() const override { return host_->NowMs(); }
  bool Execute(sentinel::Outbox& out) override {
    bool saves = false;
    for (const sentinel::Effect& effect : out) {
      saves = saves || std::holds_alternative<sentinel::SaveConfig>(effect);
    }
    host_->Execute(out);
    return !saves || host_->last_save_ok();
  }
  int running_scripts() const override { return host_->running_scripts(); }
  int queued_scripts() const override { return host_->queued_scripts(); }
  std::vector<Script> PendingScripts() const override {
    std::vector<Script> scripts;
    const int64_t now = host_->NowMs();
    for (const ScriptJob& job : host_->pending_scripts()) {
      Script s;
      s.argv = job.argv;
      s.running = job.running;
      s.pid = job.pid;
      if (job.running) {
        s.run_time_ms = now - job.start_time;
      } else if (job.start_time != 0 && job.start_time > now) {
        s.run_delay_ms = job.start_time - now;
      }
      s.retry_num = job.retry_num;
      scripts.push_back(std::move(s));
    }
    return scripts;
  }
  void OnHelloPublished(std::string_view payload) override { host_->OnHelloPublished(payload); }
  void TimingsChanged() override {
    const sentinel::Timings& t = host_->node().timings();
    host_->SetScriptLimits(t.script_max_runtime, t.script_retry_delay);
  }

 private:
  SentinelHost* host_;
};

}  // namespace

SentinelRuntime* HostSentinelRuntime(Server& server) {
  if (server.sentinel == nullptr) return nullptr;
  static HostRuntime runtime(nullptr);  // one process, one event-loop thread
  runtime.set_host(server.sentinel);
  return &runtime;
}

}  // namespace slotd
