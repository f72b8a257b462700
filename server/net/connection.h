// One client connection on libuv: reads into a buffer, parses requests, dispatches them, and writes the
// replies with one write per batch. Enforces the query-buffer and output-buffer limits.
#pragma once
#include <uv.h>

#include <cstdint>
#include <string>

#include "server/app/client.h"
#include "server/net/byte_buffer.h"
#include "server/resp/request_parser.h"

namespace slotd {

class App;

class Connection {
 public:
  Connection(App& app, uint64_t id);
  ~Connection();

  // Starts reading; `handle()` must already be accepted.
  void Start();
  uv_tcp_t* handle() { return &handle_; }
  Client& client() { return client_; }

  // Writes pending output; called after each batch and for clients other commands wrote to.
  void Flush();
  // Closes the socket (after flushing pending output when `flush_first`).
  void Close(bool flush_first);
  // Resumes parsing buffered requests (after the client was unblocked).
  void ProcessInput();
  bool closing() const { return closing_; }
  size_t query_buffer_size() const { return input_.unread_size(); }
  size_t query_buffer_capacity() const { return input_.capacity(); }

 private:
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWritten(uv_write_t* req, int status);
  static void OnClosed(uv_handle_t* handle);
  bool OverOutputLimit();

  App& app_;
  uv_tcp_t handle_;
  Client client_;
  ByteBuffer input_;
  resp::ParserLimits limits_;
  resp::RequestParser parser_;
  std::string in_flight_;  // bytes handed to uv_write, alive until OnWritten
  uv_write_t write_req_;
  bool writing_ = false;
  bool closing_ = false;
  int64_t soft_limit_since_ms_ = 0;  // when the output first went over the soft limit, 0 = under it
};

}  // namespace slotd
