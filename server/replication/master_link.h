// The replica's TCP connection to its master on libuv: connect, write, deliver received bytes. The
// owner may destroy it at any time (the socket closes asynchronously; no callback fires
// afterwards).
#pragma once
#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

namespace slotd {

class MasterLink {
 public:
  struct Callbacks {
    std::function<void(int status)> on_connected;  // 0 = connected, else a libuv error code
    std::function<void(std::string_view bytes)> on_data;
    std::function<void()> on_closed;  // the peer closed or a read/write failed
  };

  MasterLink(uv_loop_t* loop, Callbacks callbacks);
  ~MasterLink();
  MasterLink(const MasterLink&) = delete;
  MasterLink& operator=(const MasterLink&) = delete;

  // Resolves `host` (synchronously) and starts a non-blocking connect. False with `error` when the
  // address cannot be resolved or the connect cannot start.
  bool Connect(const std::string& host, int port, std::string* error);
  void Write(std::string bytes);
  // Closes the socket; no callback fires afterwards. Idempotent.
  void Close();

 private:
  friend struct WriteRequest;
  struct Socket;
  static void OnConnect(uv_connect_t* req, int status);
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnClose(uv_handle_t* handle);
  void Fail();

  uv_loop_t* loop_;
  Callbacks callbacks_;
  Socket* socket_ = nullptr;  // owned until uv_close completes
};

}  // namespace slotd
