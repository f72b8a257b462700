// Listening TCP sockets for the configured bind addresses ("*" = all IPv4, "::*" = all IPv6, a leading
// "-" marks an address whose failure is tolerated, as in Redis).
#pragma once
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

namespace slotd {

class Listener {
 public:
  using AcceptFn = void (*)(uv_stream_t* server, int status);

  // Binds every address; returns false with `error` set ("Could not create server TCP listening socket
  // 127.0.0.1:7001: address already in use") when a required one fails.
  bool Open(uv_loop_t* loop, const std::vector<std::string>& addresses, int port, int backlog, AcceptFn on_accept,
            void* data, std::string* error);
  void Close();
  Listener() = default;
  Listener(Listener&& other) noexcept : sockets_(std::move(other.sockets_)), bound_port_(other.bound_port_) {
    other.sockets_.clear();
  }
  Listener& operator=(Listener&& other) noexcept {
    sockets_ = std::move(other.sockets_);
    other.sockets_.clear();
    bound_port_ = other.bound_port_;
    return *this;
  }
  // The port actually bound (useful with port 0).
  int bound_port() const { return bound_port_; }

 private:
  std::vector<uv_tcp_t*> sockets_;
  int bound_port_ = 0;
};

}  // namespace slotd
