// BusLink: one cluster-bus TCP connection on libuv (inbound or outbound), buffering sends until
// an outbound connect completes. Bytes and failures go to a BusLinkOwner.
#pragma once
#include <uv.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace slotd {

class BusLink;

class BusLinkOwner {
 public:
  virtual ~BusLinkOwner() = default;
  virtual void OnBusData(BusLink& link, std::string_view bytes) = 0;
  // Connect failure, read/write error or peer close. Not called after Close().
  virtual void OnBusDown(BusLink& link) = 0;
};

class BusLink {
 public:
  BusLink(uv_loop_t* loop, uint64_t id, BusLinkOwner* owner);
  BusLink(const BusLink&) = delete;
  BusLink& operator=(const BusLink&) = delete;

  // Accepts a pending connection of `server`; false when it failed (the link is closed then).
  bool Accept(uv_stream_t* server);
  // Starts an outbound connection; a later failure is reported through OnBusDown, an immediate
  // one (bad address) by returning false.
  bool Connect(const std::string& ip, int port);
  void Send(std::string bytes);
  // Closes the socket; the object deletes itself once libuv is done with it.
  void Close();

  uint64_t id() const { return id_; }
  void set_id(uint64_t id) { id_ = id; }
  bool closing() const { return closing_; }
  // Bytes waiting to reach the kernel (queued before the connect, or behind a slow peer).
  size_t SendBufferUsed() const;
  // Bytes the link holds in memory for sends not yet completed.
  size_t SendBufferAllocated() const { return pending_.capacity() + in_flight_bytes_; }
  // CLUSTER LINKS "events": "r" while reading, plus "w" while a write is pending.
  std::string Events() const;
  std::string PeerIp() const;
  std::string LocalIp() const;

 private:
  static void OnConnect(uv_connect_t* req, int status);
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  void StartReading();
  void Write(std::string bytes);
  void ReportDown();

  uv_tcp_t tcp_;
  uv_connect_t connect_req_;
  uint64_t id_;
  BusLinkOwner* owner_;
  bool connected_ = false;
  bool closing_ = false;
  std::string pending_;  // sends issued before the connect completed
  size_t in_flight_bytes_ = 0;  // handed to uv_write, not yet completed
  char read_buf_[16 * 1024];
};

}  // namespace slotd
