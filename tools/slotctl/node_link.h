// NodeLink: one blocking hiredis connection to a cluster node, with replies copied into plain
// values so callers never handle redisReply memory. RESP2, like redis-cli --cluster.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/slotctl/cluster_text.h"

struct redisContext;

namespace slotd::slotctl {

struct Reply {
  enum class Kind { kIoError, kError, kStatus, kString, kInteger, kArray, kNil };
  Kind kind = Kind::kIoError;
  std::string str;  // text of status/string/error replies, or the I/O error
  long long integer = 0;
  std::vector<Reply> elements;

  bool failed() const { return kind == Kind::kIoError || kind == Kind::kError; }
};

class NodeLink {
 public:
  // Connects with a timeout; on failure returns null and sets `error` to hiredis's text
  // (e.g. "Connection refused"). Sends AUTH when `password` is not empty.
  static std::unique_ptr<NodeLink> Connect(const HostPort& addr, const std::string& password,
                                           std::string& error);
  ~NodeLink();
  NodeLink(const NodeLink&) = delete;
  NodeLink& operator=(const NodeLink&) = delete;

  Reply Command(const std::vector<std::string>& argv);
  // Runs a command whose reply is text (bulk or status) into `out`; false with `error` set on an
  // error reply, a lost connection or another reply type.
  bool Text(const std::vector<std::string>& argv, std::string& out, std::string& error);

 private:
  explicit NodeLink(redisContext* ctx) : ctx_(ctx) {}
  redisContext* ctx_;
};

}  // namespace slotd::slotctl
