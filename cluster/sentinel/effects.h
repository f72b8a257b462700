// What a SentinelNode asks of its host (server/sentinel_host or the simulator): links, commands,
// hello messages, events on its own pub/sub channels, log lines, config saves and scripts.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cluster/sentinel/hello.h"
#include "cluster/sentinel/sentinel_state.h"

namespace slotd::sentinel {

enum class LogLevel { kDebug, kVerbose, kNotice, kWarning };

// Tags a command so its reply can be routed back to OnReply.
enum class RequestKind { kPing, kInfo, kHello, kIsMasterDown, kReconfigure, kScriptKill };

// Open the command link (and, when `pubsub`, the pub/sub link subscribed to __sentinel__:hello) to
// `addr`. On connect the host sends AUTH (when credentials are set) and
// CLIENT SETNAME <client_name>-cmd|-pubsub, then reports OnLinkUp or OnLinkDown. For links to
// sentinels without sentinel-pass, the host authenticates with its own requirepass, as Redis does.
struct Connect {
  Address addr;
  bool pubsub = false;
  std::string auth_user;
  std::string auth_pass;
  std::string client_name;  // "sentinel-<first 8 chars of myid>"
};

struct Disconnect {
  Address addr;
};

// Send argv on the command link; the reply comes back through OnReply(to, kind, master, reply).
struct SendCommand {
  Address to;
  RequestKind kind = RequestKind::kPing;
  std::string master;
  std::vector<std::string> argv;
};

// `<publish_command> __sentinel__:hello <FormatHello(hello)>` on the command link. An empty
// hello.sentinel_ip means "the local address of that link" (no announce-ip set), filled by the
// host.
struct SendHello {
  Address to;
  std::string master;
  std::string publish_command;
  Hello hello;
};

// Publish on this sentinel's own pub/sub channels (event name -> payload).
struct Publish {
  std::string channel;
  std::string payload;
};

struct LogLine {
  LogLevel level = LogLevel::kNotice;
  std::string text;
};

// The sentinel directives to write into the config file (the host keeps the other lines and
// writes the file atomically with fsync).
struct SaveConfig {
  std::string sentinel_lines;
};

struct RunScript {
  std::string path;
  std::vector<std::string> args;
};

using Effect = std::variant<Connect, Disconnect, SendCommand, SendHello, Publish, LogLine,
                            SaveConfig, RunScript>;
using Outbox = std::vector<Effect>;

// A reply from a monitored instance or sentinel, in hiredis's shape.
struct Reply {
  enum class Type { kStatus, kError, kString, kInteger, kArray, kNil };
  Type type = Type::kNil;
  std::string str;
  int64_t integer = 0;
  std::vector<Reply> elements;

  static Reply Status(std::string s) { return {Type::kStatus, std::move(s), 0, {}}; }
  static Reply Err(std::string s) { return {Type::kError, std::move(s), 0, {}}; }
  static Reply String(std::string s) { return {Type::kString, std::move(s), 0, {}}; }
  static Reply Integer(int64_t v) { return {Type::kInteger, {}, v, {}}; }
  static Reply Array(std::vector<Reply> v) { return {Type::kArray, {}, 0, std::move(v)}; }
};

}  // namespace slotd::sentinel
