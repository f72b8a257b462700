// MasterLink: the socket lives in a heap block that outlives the MasterLink until libuv closes it.
#include "server/replication/master_link.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace slotd {

struct MasterLink::Socket {
  uv_tcp_t tcp;
  uv_connect_t connect;
  MasterLink* owner;  // null once the owner let go
  char read_buf[64 * 1024];
};

struct WriteRequest {
  uv_write_t req;
  MasterLink::Socket* socket;
  std::string bytes;
};

MasterLink::MasterLink(uv_loop_t* loop, Callbacks callbacks)
    : loop_(loop), callbacks_(std::move(callbacks)) {}

MasterLink::~MasterLink() { Close(); }

void MasterLink::Close() {
  if (socket_ == nullptr) return;
  socket_->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&socket_->tcp), OnClose);
  socket_ = nullptr;
}

bool MasterLink::Connect(const std::string& host, int port, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    *error = gai_strerror(rc);
    return false;
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  socket_ = new Socket();
  socket_->owner = this;
  uv_tcp_init(loop_, &socket_->tcp);
  socket_->tcp.data = socket_;
  socket_->connect.data = socket_;
  rc = uv_tcp_connect(&socket_->connect, &socket_->tcp, reinterpret_cast<const sockaddr*>(&addr),
                      OnConnect);
  if (rc != 0) {
    *error = uv_strerror(rc);
    Close();
    return false;
  }
  return true;
}

void MasterLink::OnConnect(uv_connect_t* req, int status) {
  auto* socket = static_cast<Socket*>(req->data);
  MasterLink* self = socket->owner;
  if (self == nullptr || status == UV_ECANCELED) return;
  if (status == 0) {
    uv_tcp_nodelay(&socket->tcp, 1);
    uv_read_start(reinterpret_cast<uv_stream_t*>(&socket->tcp), OnAlloc, OnRead);
  }
  auto on_connected = self->callbacks_.on_connected;
  on_connected(status);
}

void MasterLink::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* socket = static_cast<Socket*>(handle->data);
  *buf = uv_buf_init(socket->read_buf, sizeof(socket->read_buf));
}

void MasterLink::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* socket = static_cast<Socket*>(stream->data);
  MasterLink* self = socket->owner;
  if (self == nullptr) return;
  if (nread < 0) {
    self->Fail();
    return;
  }
  if (nread > 0) {
    auto on_data =
        self->callbacks_.on_data;  // the owner may destroy this link while handling the bytes
    on_data(std::string_view(buf->base, static_cast<size_t>(nread)));
  }
}

void MasterLink::Write(std::string bytes) {
  if (socket_ == nullptr || bytes.empty()) return;
  auto* request = new WriteRequest{{}, socket_, std::move(bytes)};
  request->req.data = request;
  uv_buf_t buf = uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
  if (uv_write(&request->req, reinterpret_cast<uv_stream_t*>(&socket_->tcp), &buf, 1, OnWrite) !=
      0) {
    delete request;
  }
}

void MasterLink::OnWrite(uv_write_t* req, int status) {
  auto* request = static_cast<WriteRequest*>(req->data);
  Socket* socket = request->socket;
  delete request;
  if (status < 0 && status != UV_ECANCELED && socket->owner != nullptr) socket->owner->Fail();
}

void MasterLink::Fail() {
  Close();
  // The owner may destroy this link from on_closed: call a copy, touch nothing afterwards.
  auto on_closed = callbacks_.on_closed;
  on_closed();
}

void MasterLink::OnClose(uv_handle_t* handle) { delete static_cast<Socket*>(handle->data); }

}  // namespace slotd
