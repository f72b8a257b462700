#include "server/net/listener.h"

namespace slotd {
namespace {

int ResolveAddress(const std::string& host, int port, sockaddr_storage* out, bool* ipv6) {
  *ipv6 = host.find(':') != std::string::npos;
  std::string ip = host;
  if (ip == "*") ip = "0.0.0.0";
  if (ip == "::*") ip = "::";
  if (*ipv6 || ip == "::") {
    *ipv6 = true;
    return uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(out));
  }
  return uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(out));
}

void FreeHandle(uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); }

}  // namespace

bool Listener::Open(uv_loop_t* loop, const std::vector<std::string>& addresses, int port, int backlog,
                    AcceptFn on_accept, void* data, std::string* error) {
  for (const std::string& entry : addresses) {
    bool optional = !entry.empty() && entry[0] == '-';
    std::string host = optional ? entry.substr(1) : entry;
    sockaddr_storage addr{};
    bool ipv6 = false;
    int rc = ResolveAddress(host, port, &addr, &ipv6);
    auto* socket = new uv_tcp_t;
    uv_tcp_init(loop, socket);
    socket->data = data;
    if (rc == 0) rc = uv_tcp_bind(socket, reinterpret_cast<const sockaddr*>(&addr), ipv6 ? UV_TCP_IPV6ONLY : 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(socket), backlog, on_accept);
    if (rc != 0) {
      uv_close(reinterpret_cast<uv_handle_t*>(socket), FreeHandle);
      if (optional) continue;
      *error = "Could not create server TCP listening socket " + host + ":" + std::to_string(port) + ": " +
               uv_strerror(rc);
      return false;
    }
    if (bound_port_ == 0) {
      sockaddr_storage bound{};
      int len = sizeof(bound);
      uv_tcp_getsockname(socket, reinterpret_cast<sockaddr*>(&bound), &len);
      bound_port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
    sockets_.push_back(socket);
  }
  if (sockets_.empty()) {
    *error = "Failed listening on port " + std::to_string(port) + " (tcp), aborting.";
    return false;
  }
  return true;
}

void Listener::Close() {
  for (uv_tcp_t* socket : sockets_) uv_close(reinterpret_cast<uv_handle_t*>(socket), FreeHandle);
  sockets_.clear();
}

}  // namespace slotd
