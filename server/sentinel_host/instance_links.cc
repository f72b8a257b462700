// hiredis async links of the sentinel host (see instance_links.h). Link records outlive their
// contexts: hiredis may call back into a record while freeing it, so closed records wait in a
// graveyard until CollectGarbage runs outside any hiredis callback. Hostnames are looked up on
// libuv's thread pool, so a slow or dead DNS never stalls the sentinel's loop.
#include "server/sentinel_host/instance_links.h"

#include <arpa/inet.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <sys/socket.h>

#include "server/log/logger.h"

namespace slotd {

using sentinel::Address;
using sentinel::Reply;

sentinel::Reply ConvertReply(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STATUS:
      return Reply::Status(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR:
      return Reply::Err(std::string(r.str, r.len));
    case REDIS_REPLY_STRING:
      return Reply::String(std::string(r.str, r.len));
    case REDIS_REPLY_INTEGER:
      return Reply::Integer(r.integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r.elements);
      for (size_t i = 0; i < r.elements; ++i) elements.push_back(ConvertReply(*r.element[i]));
      return Reply::Array(std::move(elements));
    }
    default:
      return Reply{};
  }
}

namespace {

// hiredis's event hooks on a uv_poll_t. Debian's hiredis 0.14 libuv adapter drops polls that end
// with an error status, and libuv reports a refused non-blocking connect (POLLERR) exactly that
// way, after stopping the poll: the context would hang in "connecting" forever. Here an error
// status lets hiredis look at the socket itself (it then reports the failure and frees the
// context).
struct UvEvents {
  redisAsyncContext* ac;
  uv_poll_t handle;
  int events;
};

void UvPoll(uv_poll_t* handle, int status, int events) {
  auto* p = static_cast<UvEvents*>(handle->data);
  if (status != 0) events = UV_READABLE | UV_WRITABLE;
  if (p->ac != nullptr && (events & UV_READABLE)) redisAsyncHandleRead(p->ac);
  if (p->ac != nullptr && (events & UV_WRITABLE)) redisAsyncHandleWrite(p->ac);
  // libuv stopped the poll on error; resume it if hiredis kept the context.
  if (status != 0 && p->ac != nullptr && p->events != 0) {
    uv_poll_start(&p->handle, p->events, UvPoll);
  }
}

void UvUpdate(void* privdata, int add, int remove) {
  auto* p = static_cast<UvEvents*>(privdata);
  p->events = (p->events | add) & ~remove;
  if (p->events != 0) {
    uv_poll_start(&p->handle, p->events, UvPoll);
  } else {
    uv_poll_stop(&p->handle);
  }
}

void UvAddRead(void* privdata) { UvUpdate(privdata, UV_READABLE, 0); }
void UvDelRead(void* privdata) { UvUpdate(privdata, 0, UV_READABLE); }
void UvAddWrite(void* privdata) { UvUpdate(privdata, UV_WRITABLE, 0); }
void UvDelWrite(void* privdata) { UvUpdate(privdata, 0, UV_WRITABLE); }

void UvCleanup(void* privdata) {
  auto* p = static_cast<UvEvents*>(privdata);
  p->ac = nullptr;  // the context is being freed; a poll callback still queued must not use it
  uv_close(reinterpret_cast<uv_handle_t*>(&p->handle),
           [](uv_handle_t* h) { delete static_cast<UvEvents*>(h->data); });
}

bool AttachToLoop(redisAsyncContext* ac, uv_loop_t* loop) {
  if (ac->ev.data != nullptr) return false;
  auto* p = new UvEvents{ac, {}, 0};
  if (uv_poll_init(loop, &p->handle, ac->c.fd) != 0) {
    delete p;
    return false;
  }
  p->handle.data = p;
  ac->ev.addRead = UvAddRead;
  ac->ev.delRead = UvDelRead;
  ac->ev.addWrite = UvAddWrite;
  ac->ev.delWrite = UvDelWrite;
  ac->ev.cleanup = UvCleanup;
  ac->ev.data = p;
  return true;
}

// An IPv4 or IPv6 literal needs no lookup (hiredis's own getaddrinfo on it does not block).
bool IsAddressLiteral(const std::string& host) {
  in6_addr buf;
  return inet_pton(AF_INET, host.c_str(), &buf) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &buf) == 1;
}

// The first address of a lookup as text, as Redis's anetResolve takes it ("" when none).
std::string FirstAddress(const addrinfo* found) {
  char ip[INET6_ADDRSTRLEN] = {0};
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const void* raw = nullptr;
    if (a->ai_family == AF_INET) {
      raw = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      raw = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    }
    if (raw != nullptr && inet_ntop(a->ai_family, raw, ip, sizeof(ip)) != nullptr) return ip;
  }
  return "";
}

}  // namespace

std::string ResolveHostNow(const std::string& host) {
  if (IsAddressLiteral(host)) return host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return "";
  std::string ip = FirstAddress(found);
  freeaddrinfo(found);
  return ip;
}

// A hostname lookup in flight. It outlives its link when the link closes first: `owner` is then
// cleared and the completion only frees it.
struct InstanceLinks::Resolve {
  uv_getaddrinfo_t req;
  InstanceLinks* owner;
  uint64_t link_id;
  Address addr;
};

// A command's reply route; owned by hiredis's callback list until its callback runs (exactly once,
// with a null reply when the context is freed first).
struct InstanceLinks::Pending {
  InstanceLinks* owner;
  uint64_t link_id;
  Address addr;
  sentinel::RequestKind kind;
  std::string master;
};

InstanceLinks::InstanceLinks(uv_loop_t* loop, Events* events) : loop_(loop), events_(events) {}

InstanceLinks::~InstanceLinks() {
  CloseAll();
  graveyard_.clear();
}

void InstanceLinks::Connect(const sentinel::Connect& c, LinkCommandNames names) {
  auto existing = links_.find(c.addr);
  if (existing != links_.end()) Close(existing);
  auto record = std::make_unique<LinkRecord>();
  LinkRecord* link = record.get();
  link->owner = this;
  link->id = next_id_++;
  link->addr = c.addr;
  link->params = c;
  link->names = std::move(names);
  link->cmd.link = link;
  link->pub.link = link;
  link->pub.pubsub = true;
  links_[c.addr] = std::move(record);
  if (IsAddressLiteral(c.addr.host)) {
    OpenLink(*link, c.addr.host);
  } else {
    StartResolve(*link);
  }
}

void InstanceLinks::StartResolve(LinkRecord& link) {
  auto* r = new Resolve{{}, this, link.id, link.addr};
  r->req.data = r;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = uv_getaddrinfo(loop_, &r->req, OnResolved, link.addr.host.c_str(), nullptr, &hints);
  if (rc != 0) {
    delete r;
    ResolveFailed(link, uv_strerror(rc));
    return;
  }
  link.resolving = r;
}

void InstanceLinks::OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* found) {
  std::unique_ptr<Resolve> r(static_cast<Resolve*>(req->data));
  const std::string ip = status == 0 ? FirstAddress(found) : "";
  uv_freeaddrinfo(found);
  InstanceLinks* self = r->owner;
  if (self == nullptr) return;  // the link closed while the lookup ran
  auto it = self->links_.find(r->addr);
  if (it == self->links_.end() || it->second->id != r->link_id) return;
  LinkRecord& link = *it->second;
  link.resolving = nullptr;
  if (ip.empty()) {
    self->ResolveFailed(link, status != 0 ? uv_strerror(status) : "no usable address");
    return;
  }
  if (self->unresolved_.erase(link.addr.host) != 0) {
    Log(LogLevel::kNotice, "Hostname '%s' resolved to %s", link.addr.host.c_str(), ip.c_str());
  }
  self->events_->HostResolved(link.addr.host, ip);
  self->OpenLink(link, ip);
}

void InstanceLinks::ResolveFailed(LinkRecord& link, const char* why) {
  // Redis's text; repeated failures of the same name (one retry a second) are not logged again.
  if (unresolved_.insert(link.addr.host).second) {
    Log(LogLevel::kWarning, "Failed to resolve hostname '%s' (%s)", link.addr.host.c_str(), why);
  }
  SideLost(link.cmd);
}

void InstanceLinks::OpenLink(LinkRecord& link, const std::string& ip) {
  if (!OpenSide(link.cmd, ip) || (link.params.pubsub && !OpenSide(link.pub, ip))) {
    SideLost(link.cmd);
  }
}

bool InstanceLinks::OpenSide(Side& side, const std::string& ip) {
  redisAsyncContext* ac = redisAsyncConnect(ip.c_str(), side.link->addr.port);
  if (ac == nullptr) return false;
  if (ac->err != 0 || !AttachToLoop(ac, loop_)) {
    redisAsyncFree(ac);
    return false;
  }
  ac->data = &side;
  side.ac = ac;
  redisAsyncSetConnectCallback(ac, OnConnect);
  redisAsyncSetDisconnectCallback(ac, OnDisconnect);
  return true;
}

void InstanceLinks::OnConnect(const redisAsyncContext* ac, int status) {
  Side* side = static_cast<Side*>(ac->data);
  if (side == nullptr || side->link->closing) return;
  if (status != REDIS_OK) {
    side->ac = nullptr;  // hiredis frees the context after this callback
    side->link->owner->SideLost(*side);
    return;
  }
  side->link->owner->SideConnected(*side);
}

void InstanceLinks::OnDisconnect(const redisAsyncContext* ac, int /*status*/) {
  Side* side = static_cast<Side*>(ac->data);
  if (side == nullptr) return;
  side->ac = nullptr;
  side->connected = false;
  if (side->link->closing) return;
  side->link->owner->SideLost(*side);
}

void InstanceLinks::SideConnected(Side& side) {
  side.connected = true;
  LinkRecord& link = *side.link;
  const sentinel::Connect& p = link.params;
  if (!p.auth_pass.empty()) {
    std::vector<std::string> auth = {link.names.auth};
    if (!p.auth_user.empty()) auth.push_back(p.auth_user);
    auth.push_back(p.auth_pass);
    SendOn(side, auth, nullptr, nullptr);
  }
  if (!p.client_name.empty()) {
    std::string name = p.client_name + (side.pubsub ? "-pubsub" : "-cmd");
    SendOn(side, {link.names.client, "SETNAME", std::move(name)}, nullptr, nullptr);
  }
  if (side.pubsub) SendOn(side, {link.names.subscribe, "__sentinel__:hello"}, OnMessage, this);
  if (link.cmd.connected && (!p.pubsub || link.pub.connected)) events_->LinkUp(link.addr);
}

void InstanceLinks::SideLost(Side& side) {
  Address addr = side.link->addr;
  auto it = links_.find(addr);
  if (it == links_.end() || it->second.get() != side.link) return;
  Close(it);
  events_->LinkDown(addr);
}

void InstanceLinks::Close(std::map<Address, std::unique_ptr<LinkRecord>>::iterator it) {
  std::unique_ptr<LinkRecord> record = std::move(it->second);
  links_.erase(it);
  record->closing = true;
  if (Resolve* r = record->resolving) {
    record->resolving = nullptr;
    r->owner = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&r->req));  // completes with UV_EAI_CANCELED, or soon
  }
  for (Side* side : {&record->cmd, &record->pub}) {
    side->connected = false;
    if (redisAsyncContext* ac = side->ac) {
      side->ac = nullptr;
      redisAsyncFree(ac);  // runs pending callbacks with null replies; they see `closing`
    }
  }
  graveyard_.push_back(std::move(record));
}

void InstanceLinks::Disconnect(const Address& addr) {
  auto it = links_.find(addr);
  if (it != links_.end()) Close(it);
}

void InstanceLinks::CloseAll() {
  while (!links_.empty()) Close(links_.begin());
}

bool InstanceLinks::SendOn(Side& side, const std::vector<std::string>& argv, ReplyFn fn,
                           void* privdata) {
  if (side.ac == nullptr || argv.empty()) return false;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  return redisAsyncCommandArgv(side.ac, fn, privdata, static_cast<int>(argv.size()), args.data(),
                               lens.data()) == REDIS_OK;
}

void InstanceLinks::Send(const Address& to, sentinel::RequestKind kind, const std::string& master,
                         const std::vector<std::string>& argv) {
  auto it = links_.find(to);
  if (it == links_.end() || !it->second->cmd.connected) return;
  LinkRecord& link = *it->second;
  auto* pending = new Pending{this, link.id, to, kind, master};
  if (!SendOn(link.cmd, argv, OnReply, pending)) delete pending;
}

void InstanceLinks::OnReply(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  if (reply == nullptr) return;
  InstanceLinks* self = pending->owner;
  auto it = self->links_.find(pending->addr);
  if (it == self->links_.end() || it->second->id != pending->link_id) return;
  self->events_->Reply(pending->addr, pending->kind, pending->master,
                       ConvertReply(*static_cast<redisReply*>(reply)));
}

void InstanceLinks::OnMessage(redisAsyncContext* ac, void* reply, void* privdata) {
  if (reply == nullptr || ac->data == nullptr) return;
  const Side* side = static_cast<const Side*>(ac->data);
  if (side->link->closing) return;
  const auto* r = static_cast<const redisReply*>(reply);
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
  const redisReply* kind = r->element[0];
  const redisReply* payload = r->element[2];
  if (kind->type != REDIS_REPLY_STRING || std::string_view(kind->str, kind->len) != "message")
    return;
  if (payload->type != REDIS_REPLY_STRING) return;
  static_cast<InstanceLinks*>(privdata)->events_->Hello(
      std::string_view(payload->str, payload->len));
}

std::string InstanceLinks::LocalIp(const Address& addr) const {
  auto it = links_.find(addr);
  if (it == links_.end() || it->second->cmd.ac == nullptr) return "";
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getsockname(it->second->cmd.ac->c.fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return "";
  char ip[INET6_ADDRSTRLEN] = {0};
  if (sa.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&sa)->sin_addr, ip, sizeof(ip));
  } else if (sa.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&sa)->sin6_addr, ip, sizeof(ip));
  } else {
    return "";
  }
  return ip;
}

}  // namespace slotd
