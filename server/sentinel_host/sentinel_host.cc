// SentinelHost: the node's timer and effect executor (see sentinel_host.h).
#include "server/sentinel_host/sentinel_host.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "cluster/sentinel/hello.h"
#include "cluster/sentinel/sentinel_conf.h"
#include "server/app/server.h"
#include "server/log/logger.h"
#include "server/sentinel_host/instance_links.h"
#include "server/sentinel_host/script_runner.h"
#include "server/sentinel_host/sentinel_config_file.h"
#include "server/sentinel_host/sentinel_toml.h"

namespace slotd {

using sentinel::Outbox;

// SentinelNode::SimulatedCrash's log line.
constexpr std::string_view kSimulatedCrashLine =
    "Sentinel CRASH because of SENTINEL simulate-failure";

// Link events feed the node; its effects wait for the check phase (see Defer).
class HostLinkEvents final : public InstanceLinks::Events {
 public:
  explicit HostLinkEvents(SentinelHost* host) : host_(host) {}
  void LinkUp(const sentinel::Address& addr) override {
    Outbox out;
    host_->node().OnLinkUp(addr, host_->NowMs(), out);
    host_->Defer(out);
  }
  void LinkDown(const sentinel::Address& addr) override {
    Outbox out;
    host_->node().OnLinkDown(addr, host_->NowMs(), out);
    host_->Defer(out);
  }
  void Reply(const sentinel::Address& from, sentinel::RequestKind kind, const std::string& master,
             const sentinel::Reply& reply) override {
    Outbox out;
    host_->node().OnReply(from, kind, master, reply, host_->NowMs(), out);
    host_->Defer(out);
  }
  void Hello(std::string_view payload) override {
    Outbox out;
    host_->node().OnHello(payload, host_->NowMs(), out);
    host_->Defer(out);
  }
  void HostResolved(const std::string& host, const std::string& ip) override {
    host_->node().OnHostResolved(host, ip);
  }

 private:
  SentinelHost* host_;
};

SentinelHost::SentinelHost(Server& server, uv_loop_t* loop) : server_(server), loop_(loop) {
  events_ = std::make_unique<HostLinkEvents>(this);
  links_ = std::make_unique<InstanceLinks>(loop, events_.get());
  scripts_ =
      std::make_unique<ScriptRunner>([this](const std::string& type, const std::string& payload) {
        Log(LogLevel::kWarning, "%s %s", type.c_str(), payload.c_str());
        server_.pubsub.Publish(type, payload);
      });
}

SentinelHost::~SentinelHost() {
  links_.reset();  // frees the hiredis contexts while the node and events still exist
  if (server_.sentinel == this) server_.sentinel = nullptr;
}

int64_t SentinelHost::NowMs() const {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

int SentinelHost::running_scripts() const { return scripts_->running(); }
void SentinelHost::SetScriptLimits(int64_t max_runtime_ms, int64_t retry_delay_ms) {
  scripts_->SetLimits(max_runtime_ms, retry_delay_ms);
}
int SentinelHost::queued_scripts() const { return scripts_->queued(); }
const std::list<ScriptJob>& SentinelHost::pending_scripts() const { return scripts_->jobs(); }

bool SentinelHost::Load(const std::vector<SentinelDirective>& directives, std::string* error) {
  const std::string& file = server_.config_file;
  toml_ = ConfigFormatForPath(file) == ConfigFormat::kToml;
  state_file_ = toml_ ? SentinelStateFileFor(file) : file;
  std::vector<std::vector<std::string>> lines;
  std::vector<int> numbers;
  if (toml_) {
    if (!LoadTomlSentinelState(file, state_file_, &lines, &numbers, error)) return false;
  } else {
    for (const SentinelDirective& d : directives) {
      lines.emplace_back(d.args.begin() + 1, d.args.end());
      numbers.push_back(d.line);
    }
  }
  const int64_t now = NowMs();
  sentinel::SentinelState state;
  size_t failed = 0;
  auto applied = sentinel::ApplySentinelConfigLines(state, lines, now, &failed);
  if (!applied) {
    std::string text = "sentinel";
    for (const std::string& a : lines[failed]) text += " " + a;
    *error = FatalConfigError(numbers[failed], text, applied.error());
    return false;
  }
  // Like Redis, refuse to run when the state cannot be saved.
  std::string probe = toml_ && access(state_file_.c_str(), F_OK) != 0 ? file : state_file_;
  if (access(probe.c_str(), W_OK) != 0) {
    *error = "Sentinel config file " + state_file_ + " is not writable: " + std::strerror(errno) +
             ". Exiting...";
    return false;
  }
  std::random_device random;
  uint64_t seed = (static_cast<uint64_t>(random()) << 32) ^ random() ^ static_cast<uint64_t>(now);
  node_ = std::make_unique<sentinel::SentinelNode>(std::move(state), seed, now);
  node_->SetResolver(ResolveHostNow);
  tick_rng_.seed(static_cast<std::minstd_rand::result_type>(random()));
  return true;
}

void SentinelHost::Start() {
  SetLogRole('X');
  Outbox out;
  node_->Start(NowMs(), out);
  Execute(out);
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  ScheduleTick();
  uv_check_init(loop_, &drain_);
  drain_.data = this;
  uv_check_start(&drain_, OnDrain);
  started_ = true;
}

void SentinelHost::Shutdown() {
  if (!started_ || stopping_) return;
  stopping_ = true;
  links_->CloseAll();
  scripts_->KillAll();
  uv_timer_stop(&timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  uv_check_stop(&drain_);
  uv_close(reinterpret_cast<uv_handle_t*>(&drain_), nullptr);
  deferred_.clear();
}

void SentinelHost::OnTimer(uv_timer_t* timer) { static_cast<SentinelHost*>(timer->data)->Tick(); }

void SentinelHost::Tick() {
  if (stopping_) return;
  const int64_t now = NowMs();
  Outbox out;
  node_->Tick(now, out);
  Execute(out);
  scripts_->Tick(now);
  links_->CollectGarbage();
  if (!stopping_) ScheduleTick();
}

void SentinelHost::ScheduleTick() {
  // Sentinels started together would otherwise stay in step and keep splitting the votes of
  // their leader elections.
  const uint64_t hz = 10 + tick_rng_() % 10;
  uv_timer_start(&timer_, OnTimer, 1000 / hz, 0);
}

void SentinelHost::OnDrain(uv_check_t* check) {
  auto* host = static_cast<SentinelHost*>(check->data);
  // Effects may produce more deferred work (a connect failing at once); run until it settles.
  for (int round = 0; round < 8 && !host->deferred_.empty() && !host->stopping_; ++round) {
    Outbox batch;
    batch.swap(host->deferred_);
    host->Execute(batch);
  }
  host->links_->CollectGarbage();
}

void SentinelHost::Defer(Outbox& out) {
  if (stopping_) return;
  for (sentinel::Effect& e : out) deferred_.push_back(std::move(e));
  out.clear();
}

void SentinelHost::OnHelloPublished(std::string_view payload) {
  Outbox out;
  node_->OnHello(payload, NowMs(), out);
  Execute(out);
}

void SentinelHost::Execute(Outbox& out) {
  const bool crashed = node_ != nullptr && node_->crashed();
  for (sentinel::Effect& effect : out) {
    if (stopping_) break;
    RunEffect(effect);
    // SENTINEL SIMULATE-FAILURE: Redis exits at the crash point, so nothing after its log line
    // runs.
    auto* line = std::get_if<sentinel::LogLine>(&effect);
    if (crashed && line != nullptr && line->text.starts_with(kSimulatedCrashLine)) std::exit(99);
  }
  out.clear();
  if (crashed) std::exit(99);
}

namespace {

LogLevel ServerLevel(sentinel::LogLevel level) {
  switch (level) {
    case sentinel::LogLevel::kDebug:
      return LogLevel::kDebug;
    case sentinel::LogLevel::kVerbose:
      return LogLevel::kVerbose;
    case sentinel::LogLevel::kNotice:
      return LogLevel::kNotice;
    case sentinel::LogLevel::kWarning:
      break;
  }
  return LogLevel::kWarning;
}

}  // namespace

void SentinelHost::RunEffect(sentinel::Effect& effect) {
  if (auto* c = std::get_if<sentinel::Connect>(&effect)) {
    // Links to sentinels without sentinel-pass authenticate with our own requirepass (as Redis).
    if (!c->pubsub && c->auth_pass.empty() && !server_.config.requirepass.empty()) {
      c->auth_pass = server_.config.requirepass;
      c->auth_user.clear();
    }
    links_->Connect(*c, CommandNamesFor(*c));
  } else if (auto* d = std::get_if<sentinel::Disconnect>(&effect)) {
    links_->Disconnect(d->addr);
  } else if (auto* s = std::get_if<sentinel::SendCommand>(&effect)) {
    links_->Send(s->to, s->kind, s->master, s->argv);
  } else if (auto* h = std::get_if<sentinel::SendHello>(&effect)) {
    if (h->hello.sentinel_ip.empty()) h->hello.sentinel_ip = links_->LocalIp(h->to);
    if (h->hello.sentinel_ip.empty()) return;  // Redis skips the hello when the address is unknown
    if (h->hello.sentinel_port == 0)
      h->hello.sentinel_port = server_.config.port;  // no announce-port
    links_->Send(h->to, sentinel::RequestKind::kHello, h->master,
                 {h->publish_command, "__sentinel__:hello", sentinel::FormatHello(h->hello)});
  } else if (auto* p = std::get_if<sentinel::Publish>(&effect)) {
    server_.pubsub.Publish(p->channel, p->payload);
  } else if (auto* l = std::get_if<sentinel::LogLine>(&effect)) {
    Log(ServerLevel(l->level), "%s", l->text.c_str());
  } else if (auto* save = std::get_if<sentinel::SaveConfig>(&effect)) {
    SaveConfig(save->sentinel_lines);
  } else if (auto* r = std::get_if<sentinel::RunScript>(&effect)) {
    scripts_->Enqueue(r->path, r->args);
  }
}

LinkCommandNames SentinelHost::CommandNamesFor(const sentinel::Connect& c) const {
  // Like Redis, a master's rename-command covers its replicas' and its sentinels' links too.
  LinkCommandNames names;
  for (const auto& [name, m] : node_->state().masters) {
    bool ours = m.addr == c.addr;
    for (auto it = m.replicas.begin(); !ours && it != m.replicas.end(); ++it) {
      ours = it->second.addr == c.addr;
    }
    for (auto it = m.sentinels.begin(); !ours && it != m.sentinels.end(); ++it) {
      ours = it->second.addr == c.addr;
    }
    if (!ours) continue;
    names.auth = m.Command("AUTH");
    names.client = m.Command("CLIENT");
    names.subscribe = m.Command("SUBSCRIBE");
    break;
  }
  return names;
}

void SentinelHost::SaveConfig(const std::string& sentinel_lines) {
  std::string old_text;
  if (!toml_ && !ReadWholeFile(state_file_, &old_text)) {
    Log(LogLevel::kWarning,
        "WARNING: Sentinel was not able to save the new configuration on disk!!!: %s",
        std::strerror(errno));
    last_save_ok_ = false;
    return;
  }
  std::string text;
  if (toml_) {
    text = RenderTomlSentinelState(server_.config_file, sentinel_lines);
  } else {
    // Like redis-sentinel, the other options are brought up to date too (a --port given on the
    // command line survives a restart).
    text = RewriteSentinelConfigText(old_text, server_.config, sentinel_lines);
  }
  std::string error;
  last_save_ok_ = WriteFileAtomically(state_file_, text, &error);
  if (!last_save_ok_) {
    Log(LogLevel::kWarning,
        "WARNING: Sentinel was not able to save the new configuration on disk!!!: %s",
        error.c_str());
    return;
  }
  Log(LogLevel::kNotice, "Sentinel new configuration saved on disk");
}

std::unique_ptr<SentinelHost> StartSentinelHost(Server& server, uv_loop_t* loop,
                                                const std::vector<SentinelDirective>& directives,
                                                std::string* error) {
  auto host = std::make_unique<SentinelHost>(server, loop);
  if (!host->Load(directives, error)) return nullptr;
  server.sentinel = host.get();
  host->Start();
  return host;
}

}  // namespace slotd
