// Blocking hiredis connection wrapper for slotctl.
#include "tools/slotctl/node_link.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace slotd::slotctl {
namespace {

constexpr int kConnectTimeoutMs = 5000;
// Generous: CLUSTER ADDSLOTS with thousands of slots or a busy node must not look dead.
constexpr int kCommandTimeoutMs = 60000;

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_ERROR:
      out.kind = Reply::Kind::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = Reply::Kind::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STRING:
      out.kind = Reply::Kind::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = Reply::Kind::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = Reply::Kind::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.kind = Reply::Kind::kNil;
      break;
  }
  return out;
}

timeval Millis(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

}  // namespace

std::unique_ptr<NodeLink> NodeLink::Connect(const HostPort& addr, const std::string& password,
                                            std::string& error) {
  redisContext* ctx =
      redisConnectWithTimeout(addr.host.c_str(), addr.port, Millis(kConnectTimeoutMs));
  if (ctx == nullptr) {
    error = "Cannot allocate redis context";
    return nullptr;
  }
  if (ctx->err != 0) {
    error = ctx->errstr;
    redisFree(ctx);
    return nullptr;
  }
  redisSetTimeout(ctx, Millis(kCommandTimeoutMs));
  std::unique_ptr<NodeLink> link(new NodeLink(ctx));
  if (!password.empty()) {
    Reply r = link->Command({"AUTH", password});
    if (r.failed()) {
      error = r.str;
      return nullptr;
    }
  }
  return link;
}

NodeLink::~NodeLink() { redisFree(ctx_); }

Reply NodeLink::Command(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data());
  if (raw == nullptr) {
    Reply out;
    out.str = ctx_->errstr[0] != '\0' ? ctx_->errstr : "I/O error";
    return out;
  }
  Reply out = Convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return out;
}

bool NodeLink::Text(const std::vector<std::string>& argv, std::string& out, std::string& error) {
  Reply r = Command(argv);
  if (r.failed()) {
    error = r.str;
    return false;
  }
  if (r.kind != Reply::Kind::kString && r.kind != Reply::Kind::kStatus) {
    error = "unexpected reply type to " + argv.front();
    return false;
  }
  out = std::move(r.str);
  return true;
}

}  // namespace slotd::slotctl
