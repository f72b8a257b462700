// BusLink: libuv plumbing of one cluster-bus connection.
#include "server/cluster_host/bus_link.h"

#include <cstring>
#include <utility>


namespace slotd {
namespace {

struct WriteRequest {
  uv_write_t req;
  std::string data;
  BusLink* link;
};

std::string SockIp(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&addr), text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&addr), text, sizeof(text));
  }
  std::string ip = text;
  // IPv4-mapped IPv6 peers are reported in their IPv4 form, as Redis does.
  if (ip.rfind("::ffff:", 0) == 0 && ip.find('.') != std::string::npos) ip = ip.substr(7);
  return ip;
}

}  // namespace

BusLink::BusLink(uv_loop_t* loop, uint64_t id, BusLinkOwner* owner) : id_(id), owner_(owner) {
  uv_tcp_init(loop, &tcp_);
  tcp_.data = this;
  uv_tcp_nodelay(&tcp_, 1);
}

bool BusLink::Accept(uv_stream_t* server) {
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&tcp_)) != 0) {
    Close();
    return false;
  }
  uv_tcp_nodelay(&tcp_, 1);
  connected_ = true;
  StartReading();
  return true;
}

bool BusLink::Connect(const std::string& ip, int port) {
  sockaddr_storage addr;
  std::memset(&addr, 0, sizeof(addr));
  bool v6 = ip.find(':') != std::string::npos;
  int rc = v6 ? uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
              : uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  connect_req_.data = this;
  if (rc == 0) {
    rc = uv_tcp_connect(&connect_req_, &tcp_, reinterpret_cast<const sockaddr*>(&addr),
                        OnConnect);
  }
  return rc == 0;
}

void BusLink::OnConnect(uv_connect_t* req, int status) {
  auto* link = static_cast<BusLink*>(req->data);
  if (link->closing_) return;
  if (status != 0) return link->ReportDown();
  link->connected_ = true;
  link->StartReading();
  if (!link->pending_.empty()) link->Write(std::exchange(link->pending_, {}));
}

void BusLink::Send(std::string bytes) {
  if (closing_) return;
  if (!connected_) {
    pending_.append(bytes);
    return;
  }
  Write(std::move(bytes));
}

void BusLink::Write(std::string bytes) {
  auto* w = new WriteRequest{{}, std::move(bytes), this};
  w->req.data = w;
  in_flight_bytes_ += w->data.size();
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, OnWrite) != 0) {
    in_flight_bytes_ -= w->data.size();
    delete w;
    ReportDown();
  }
}

void BusLink::OnWrite(uv_write_t* req, int status) {
  auto* w = static_cast<WriteRequest*>(req->data);
  BusLink* link = w->link;
  link->in_flight_bytes_ -= w->data.size();
  delete w;
  if (status != 0 && !link->closing_) link->ReportDown();
}

void BusLink::StartReading() {
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), OnAlloc, OnRead);
}

void BusLink::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* link = static_cast<BusLink*>(handle->data);
  *buf = uv_buf_init(link->read_buf_, sizeof(link->read_buf_));
}

void BusLink::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* link = static_cast<BusLink*>(stream->data);
  if (link->closing_) return;
  if (nread < 0) return link->ReportDown();
  if (nread > 0) link->owner_->OnBusData(*link, std::string_view(buf->base, nread));
}

void BusLink::ReportDown() {
  if (closing_) return;
  owner_->OnBusDown(*this);  // the owner closes the link
  Close();
}

void BusLink::Close() {
  if (closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_),
           [](uv_handle_t* handle) { delete static_cast<BusLink*>(handle->data); });
}

size_t BusLink::SendBufferUsed() const {
  return pending_.size() +
         uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_));
}

std::string BusLink::Events() const {
  if (!connected_) return "";
  return SendBufferUsed() > 0 ? "rw" : "r";
}

std::string BusLink::PeerIp() const {
  sockaddr_storage addr;
  int len = sizeof(addr);
  if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return SockIp(addr);
}

std::string BusLink::LocalIp() const {
  sockaddr_storage addr;
  int len = sizeof(addr);
  if (uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return SockIp(addr);
}

}  // namespace slotd
