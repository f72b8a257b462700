// Outbound links of a sentinel to monitored masters, replicas and fellow sentinels: hiredis async
// contexts on the libuv loop, a command link per address plus a pub/sub link subscribed to
// `__sentinel__:hello` for data instances. Reports link changes, replies and hellos to its owner.
// A hostname address (resolve-hostnames yes) is resolved with uv_getaddrinfo before each connect.
#pragma once
#include <uv.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/sentinel/effects.h"

struct redisAsyncContext;
struct redisReply;

namespace slotd {

// hiredis's reply tree as the node's Reply (RESP2 shapes only, as hiredis 0.14 parses).
sentinel::Reply ConvertReply(const redisReply& reply);

// Resolves `host` at once with getaddrinfo, as Redis's anetResolve: the first address as text, ""
// when there is none. It blocks the loop for the lookup; the node calls it only where Redis does
// (a new address from MONITOR, the config, INFO or a hello; a hostname compared with an address).
std::string ResolveHostNow(const std::string& host);

// The names AUTH, CLIENT and SUBSCRIBE go out as on a link (its master's rename-command).
struct LinkCommandNames {
  std::string auth = "AUTH";
  std::string client = "CLIENT";
  std::string subscribe = "SUBSCRIBE";
};

class InstanceLinks {
 public:
  // Receives what happens on the links. Calls come from inside hiredis callbacks: the receiver must
  // not close links synchronously (the host defers the resulting effects).
  class Events {
   public:
    virtual ~Events() = default;
    virtual void LinkUp(const sentinel::Address& addr) = 0;
    virtual void LinkDown(const sentinel::Address& addr) = 0;
    virtual void Reply(const sentinel::Address& from, sentinel::RequestKind kind,
                       const std::string& master, const sentinel::Reply& reply) = 0;
    virtual void Hello(std::string_view payload) = 0;
    // The lookup before a connect found `ip` for `host`.
    virtual void HostResolved(const std::string& host, const std::string& ip) = 0;
  };

  InstanceLinks(uv_loop_t* loop, Events* events);
  ~InstanceLinks();
  InstanceLinks(const InstanceLinks&) = delete;
  InstanceLinks& operator=(const InstanceLinks&) = delete;

  // Opens the links to c.addr (replacing any existing ones). Exactly one LinkUp or LinkDown
  // follows (possibly from inside this call when the connect fails at once). A hostname is
  // resolved first, off the loop thread and afresh on every call; the links stay keyed by it.
  void Connect(const sentinel::Connect& c, LinkCommandNames names = {});
  // Closes the links to `addr` without reporting LinkDown (the node asked for it).
  void Disconnect(const sentinel::Address& addr);
  // Sends argv on the command link; dropped when it is not connected.
  void Send(const sentinel::Address& to, sentinel::RequestKind kind, const std::string& master,
            const std::vector<std::string>& argv);
  // The local IP of the command link to `addr` ("" when unknown), for hello messages.
  std::string LocalIp(const sentinel::Address& addr) const;
  // Closes every link (shutdown).
  void CloseAll();
  // Frees link records hiredis is done with; call outside hiredis callbacks.
  void CollectGarbage() { graveyard_.clear(); }
  size_t size() const { return links_.size(); }

 private:
  struct LinkRecord;
  struct Resolve;
  struct Side {
    LinkRecord* link = nullptr;
    bool pubsub = false;
    redisAsyncContext* ac = nullptr;
    bool connected = false;
  };
  struct LinkRecord {
    InstanceLinks* owner = nullptr;
    uint64_t id = 0;
    sentinel::Address addr;
    sentinel::Connect params;
    LinkCommandNames names;
    Side cmd;
    Side pub;
    bool closing = false;
    Resolve* resolving = nullptr;  // the lookup in flight for a hostname address
  };
  struct Pending;

  static void OnConnect(const redisAsyncContext* ac, int status);
  static void OnDisconnect(const redisAsyncContext* ac, int status);
  static void OnReply(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnMessage(redisAsyncContext* ac, void* reply, void* privdata);

  // Starts the lookup of link.addr.host; its result opens the link or reports LinkDown.
  void StartResolve(LinkRecord& link);
  static void OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* found);
  void ResolveFailed(LinkRecord& link, const char* why);
  // Dials both sides at `ip` (an address literal).
  void OpenLink(LinkRecord& link, const std::string& ip);
  bool OpenSide(Side& side, const std::string& ip);
  void SideConnected(Side& side);
  // One side failed or closed: closes the rest of the link and reports LinkDown.
  void SideLost(Side& side);
  // Frees both contexts (their callbacks see `closing`) and moves the record to the graveyard.
  void Close(std::map<sentinel::Address, std::unique_ptr<LinkRecord>>::iterator it);
  using ReplyFn = void (*)(redisAsyncContext*, void*, void*);
  // False when hiredis refused the command (context closing); the caller still owns `privdata`.
  bool SendOn(Side& side, const std::vector<std::string>& argv, ReplyFn fn, void* privdata);

  uv_loop_t* loop_;
  Events* events_;
  uint64_t next_id_ = 1;
  std::map<sentinel::Address, std::unique_ptr<LinkRecord>> links_;
  std::vector<std::unique_ptr<LinkRecord>> graveyard_;
  // Hostnames whose last lookup failed: the warning is logged once, not on every retry.
  std::set<std::string> unresolved_;
};

}  // namespace slotd
