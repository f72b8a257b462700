// A blocking loopback client that sends requests and returns each reply's exact bytes, for comparing slotd
// with redis-server byte for byte (compat tests) and for protocol-level tests.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace slotd::test {

class RawClient {
 public:
  explicit RawClient(int port, int timeout_ms = 5000);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  void SendRaw(std::string_view bytes);
  // Encodes args as a RESP multibulk request and sends it.
  void Send(const std::vector<std::string>& args);
  // The exact bytes of the next complete reply; "" on timeout or closed connection.
  std::string ReadReply();
  // Send + ReadReply.
  std::string Call(const std::vector<std::string>& args);
  // True when the server closed the connection (reads return EOF) within the timeout.
  bool WaitClosed();

 private:
  bool Fill();
  // Length of one complete RESP value at buffer_[pos...], or 0 when incomplete.
  size_t CompleteLength(size_t pos) const;

  int fd_ = -1;
  int timeout_ms_;
  std::string buffer_;
};

std::string EncodeCommand(const std::vector<std::string>& args);

}  // namespace slotd::test
