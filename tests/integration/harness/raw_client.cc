#include "tests/integration/harness/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace slotd::test {

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

RawClient::RawClient(int port, int timeout_ms) : timeout_ms_(timeout_ms) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

void RawClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void RawClient::Send(const std::vector<std::string>& args) { SendRaw(EncodeCommand(args)); }

bool RawClient::Fill() {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms_) <= 0) return false;
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) return false;
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

size_t RawClient::CompleteLength(size_t pos) const {
  if (pos >= buffer_.size()) return 0;
  size_t eol = buffer_.find("\r\n", pos);
  if (eol == std::string::npos) return 0;
  char type = buffer_[pos];
  size_t header = eol + 2 - pos;
  long long n = std::atoll(buffer_.substr(pos + 1, eol - pos - 1).c_str());
  switch (type) {
    case '$': case '=': case '!':
      if (n < 0) return header;
      if (buffer_.size() < eol + 2 + static_cast<size_t>(n) + 2) return 0;
      return header + static_cast<size_t>(n) + 2;
    case '*': case '~': case '>': case '%': case '|': {
      if (n < 0) return header;
      long long elements = (type == '%' || type == '|') ? n * 2 : n;
      size_t total = header;
      for (long long i = 0; i < elements; ++i) {
        size_t len = CompleteLength(pos + total);
        if (len == 0) return 0;
        total += len;
      }
      return total;
    }
    default:
      return header;  // + - : _ # , (
  }
}

std::string RawClient::ReadReply() {
  while (true) {
    size_t len = CompleteLength(0);
    if (len > 0) {
      std::string reply = buffer_.substr(0, len);
      buffer_.erase(0, len);
      return reply;
    }
    if (!Fill()) return "";
  }
}

std::string RawClient::Call(const std::vector<std::string>& args) {
  Send(args);
  return ReadReply();
}

bool RawClient::WaitClosed() {
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms_) <= 0) return false;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return true;
    if (n < 0) return true;
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace slotd::test
