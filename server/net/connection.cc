#include "server/net/connection.h"

#include <algorithm>

#include "server/app/app.h"
#include "server/commands/dispatcher.h"
#include "server/log/logger.h"
#include "server/resp/errors.h"

namespace slotd {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxPreallocate = 1024 * 1024;  // grow for big bulks at most this much at once

std::string FormatEndpoint(const sockaddr_storage& addr) {
  char ip[64] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    uv_ip6_name(in6, ip, sizeof(ip));
    port = ntohs(in6->sin6_port);
    return "[" + std::string(ip) + "]:" + std::to_string(port);
  }
  const auto* in4 = reinterpret_cast<const sockaddr_in*>(&addr);
  uv_ip4_name(in4, ip, sizeof(ip));
  port = ntohs(in4->sin_port);
  return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

Connection::Connection(App& app, uint64_t id) : app_(app), client_(id, this), parser_(&limits_) {
  uv_tcp_init(app.loop(), &handle_);
  handle_.data = this;
}

Connection::~Connection() = default;

void Connection::Start() {
  const Config& cfg = app_.server().config;
  uv_tcp_nodelay(&handle_, 1);
  if (cfg.tcp_keepalive > 0) uv_tcp_keepalive(&handle_, 1, static_cast<unsigned>(cfg.tcp_keepalive));
  sockaddr_storage addr{};
  int len = sizeof(addr);
  if (uv_tcp_getpeername(&handle_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) client_.addr = FormatEndpoint(addr);
  len = sizeof(addr);
  if (uv_tcp_getsockname(&handle_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) client_.laddr = FormatEndpoint(addr);
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&handle_), &fd) == 0) client_.fd = fd;
  client_.created_ms = app_.server().now_ms;
  client_.last_interaction_ms = client_.created_ms;
  client_.authenticated = cfg.requirepass.empty();
  bool loopback = client_.addr.rfind("127.", 0) == 0 || client_.addr.rfind("[::1]", 0) == 0;
  if (cfg.protected_mode && cfg.requirepass.empty() && !loopback) {
    client_.reply.Error(errors::kProtectedModeDenied);
    Close(true);
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(&handle_), OnAlloc, OnRead);
}

void Connection::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(handle->data);
  size_t want = std::max(kReadChunk, std::min(self->parser_.pending_bulk_bytes(), kMaxPreallocate));
  buf->base = self->input_.Reserve(want);
  buf->len = want;
}

void Connection::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
  auto* self = static_cast<Connection*>(stream->data);
  if (nread < 0) {
    self->Close(false);
    return;
  }
  if (nread == 0) return;
  self->input_.Commit(static_cast<size_t>(nread));
  Server& server = self->app_.server();
  server.stats.total_net_input_bytes += static_cast<uint64_t>(nread);
  self->app_.RefreshClock();
  self->ProcessInput();
  if (!self->closing_ && static_cast<int64_t>(self->input_.unread_size()) > server.config.client_query_buffer_limit) {
    ++server.stats.client_query_buffer_limit_disconnections;
    Log(LogLevel::kWarning, "Closing client that reached max query buffer length (qbuf initial bytes: %zu)",
        self->input_.unread_size());
    self->Close(false);
    return;
  }
  self->Flush();
}

void Connection::ProcessInput() {
  Server& server = app_.server();
  limits_.max_bulk_len = server.config.proto_max_bulk_len;
  while (!closing_ && !client_.blocked && !client_.close_after_reply) {
    limits_.authenticated = client_.authenticated;
    size_t consumed = 0;
    auto status = parser_.Parse(input_.unread(), &consumed);
    if (status == resp::RequestParser::Status::kNeedMore) break;
    if (status == resp::RequestParser::Status::kError) {
      client_.reply.Error(parser_.error());
      Log(LogLevel::kVerbose, "Protocol error (%.*s) from client: id=%llu addr=%s",
          static_cast<int>(parser_.error().size()), parser_.error().data(),
          static_cast<unsigned long long>(client_.id()), client_.addr.c_str());
      client_.close_after_reply = true;
      input_.Consume(input_.unread_size());
      break;
    }
    client_.last_interaction_ms = server.now_ms;
    ReplyMode mode_before = client_.reply_mode;
    size_t output_before = client_.output.size();
    Dispatch(server, client_, parser_.args());
    input_.Consume(consumed);
    if (mode_before != ReplyMode::kOn && client_.reply_mode == mode_before) {
      client_.output.resize(output_before);  // CLIENT REPLY OFF / SKIP: drop this command's reply
      if (mode_before == ReplyMode::kSkip) client_.reply_mode = ReplyMode::kOn;
    }
    if (server.shutdown_requested || server.crash_requested) break;
  }
  input_.Compact();
}

bool Connection::OverOutputLimit() {
  const Config& cfg = app_.server().config;
  const OutputBufferLimit& limit = client_.subscription_count() > 0 ? cfg.client_output_buffer_limit_pubsub
                                   : client_.is_replica               ? cfg.client_output_buffer_limit_replica
                                                                      : cfg.client_output_buffer_limit_normal;
  size_t pending = client_.output.size() + in_flight_.size();
  if (limit.hard_bytes > 0 && pending > limit.hard_bytes) return true;
  // Soft limit: over it continuously for soft_seconds.
  if (limit.soft_bytes == 0 || pending <= limit.soft_bytes) {
    soft_limit_since_ms_ = 0;
    return false;
  }
  int64_t now = app_.server().now_ms;
  if (soft_limit_since_ms_ == 0) soft_limit_since_ms_ = now;
  return now - soft_limit_since_ms_ >= limit.soft_seconds * 1000;
}

void Connection::Flush() {
  if (closing_) return;
  if (app_.HoldReplies()) {  // the AOF is written first, before sleeping (App::FlushPending)
    app_.ScheduleFlush(client_);
    return;
  }
  if (OverOutputLimit()) {
    ++app_.server().stats.client_output_buffer_limit_disconnections;
    Log(LogLevel::kWarning, "Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
        static_cast<unsigned long long>(client_.id()), client_.addr.c_str());
    Close(false);
    return;
  }
  if (writing_) return;  // OnWritten flushes again
  if (client_.output.empty()) {
    if (client_.close_after_reply) Close(false);
    return;
  }
  uv_buf_t buf = uv_buf_init(client_.output.data(), static_cast<unsigned>(client_.output.size()));
  int written = uv_try_write(reinterpret_cast<uv_stream_t*>(&handle_), &buf, 1);
  if (written == UV_EAGAIN) written = 0;
  if (written < 0) {
    Close(false);
    return;
  }
  app_.server().stats.total_net_output_bytes += static_cast<uint64_t>(written);
  if (static_cast<size_t>(written) == client_.output.size()) {
    client_.output.clear();
    if (client_.output.capacity() > 64 * 1024) client_.output.shrink_to_fit();
    if (client_.close_after_reply) Close(false);
    return;
  }
  // The socket is full: hand the rest to libuv and keep collecting new replies in `output`.
  in_flight_.assign(client_.output, static_cast<size_t>(written));
  client_.output.clear();
  writing_ = true;
  write_req_.data = this;
  buf = uv_buf_init(in_flight_.data(), static_cast<unsigned>(in_flight_.size()));
  uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&handle_), &buf, 1, OnWritten);
}

void Connection::OnWritten(uv_write_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  self->writing_ = false;
  if (status < 0) {
    self->Close(false);
    return;
  }
  self->app_.server().stats.total_net_output_bytes += self->in_flight_.size();
  self->in_flight_.clear();
  self->Flush();
}

void Connection::Close(bool flush_first) {
  if (closing_) return;
  if (flush_first && (!client_.output.empty() || writing_)) {
    client_.close_after_reply = true;
    Flush();
    return;
  }
  closing_ = true;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_));
  app_.OnConnectionClosed(this);
  client_.detach_connection();
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), OnClosed);
}

void Connection::OnClosed(uv_handle_t* handle) { delete static_cast<Connection*>(handle->data); }

}  // namespace slotd
