// ReplicaHandshake: PING, the pipelined AUTH/REPLCONFs, then PSYNC and the reading of its reply,
// with Redis 7.0's tolerance rules (which errors abort, which are only logged).
#include "server/replication/handshake.h"

#include <charconv>

namespace slotd {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

HandshakeResult Wait(std::string message = {}) {
  HandshakeResult r;
  r.message = std::move(message);
  return r;
}

HandshakeResult Fail(std::string message) {
  HandshakeResult r;
  r.action = HandshakeAction::kError;
  r.message = std::move(message);
  return r;
}

}  // namespace

std::string EncodeCommand(std::initializer_list<std::string_view> argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (std::string_view arg : argv) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out.append(arg);
    out += "\r\n";
  }
  return out;
}

std::string ReplicaHandshake::Start() {
  state_ = State::kAwaitPong;
  return EncodeCommand({"PING"});
}

HandshakeResult ReplicaHandshake::OnReply(std::string_view line) {
  if (line.empty()) return Wait();  // a keepalive newline
  std::string text(line);
  bool error = line[0] == '-';
  switch (state_) {
    case State::kAwaitPong:
      // A master that wants AUTH answers -NOAUTH (or -NOPERM with ACLs): the AUTH below fixes that.
      if (error && !StartsWith(line, "-NOAUTH") && !StartsWith(line, "-NOPERM") &&
          !StartsWith(line, "-ERR operation not permitted")) {
        return Fail("Error reply to PING from master: '" + text + "'");
      }
      return AfterPong();
    case State::kAwaitAuth:
      if (error) return Fail("Unable to AUTH to MASTER: " + text);
      state_ = State::kAwaitPort;
      return Wait();
    case State::kAwaitPort:
      state_ = options_.announce_ip.empty() ? State::kAwaitCapa : State::kAwaitIp;
      return Wait(error
                      ? "(Non critical) Master does not understand REPLCONF listening-port: " + text
                      : "");
    case State::kAwaitIp:
      state_ = State::kAwaitCapa;
      return Wait(error ? "(Non critical) Master does not understand REPLCONF ip-address: " + text
                        : "");
    case State::kAwaitCapa: {
      HandshakeResult r = SendPsync();
      if (error)
        r.message =
            "(Non critical) Master does not understand REPLCONF capa: " + text + "\n" + r.message;
      return r;
    }
    case State::kAwaitPsync:
      return OnPsyncReply(line);
    case State::kIdle:
    case State::kDone:
      break;
  }
  return Fail("Unexpected reply from master: " + text);
}

HandshakeResult ReplicaHandshake::AfterPong() {
  HandshakeResult r;
  r.action = HandshakeAction::kSend;
  r.message = "Master replied to PING, replication can continue...";
  if (!options_.masterauth.empty()) {
    r.bytes += options_.masteruser.empty()
                   ? EncodeCommand({"AUTH", options_.masterauth})
                   : EncodeCommand({"AUTH", options_.masteruser, options_.masterauth});
  }
  r.bytes += EncodeCommand({"REPLCONF", "listening-port", std::to_string(options_.listening_port)});
  if (!options_.announce_ip.empty())
    r.bytes += EncodeCommand({"REPLCONF", "ip-address", options_.announce_ip});
  r.bytes += EncodeCommand({"REPLCONF", "capa", "eof", "capa", "psync2"});
  state_ = options_.masterauth.empty() ? State::kAwaitPort : State::kAwaitAuth;
  return r;
}

HandshakeResult ReplicaHandshake::SendPsync() {
  HandshakeResult r;
  r.action = HandshakeAction::kSend;
  std::string offset = std::to_string(options_.psync_offset);
  if (options_.psync_replid == "?") {
    offset = "-1";
    r.message = "Partial resynchronization not possible (no cached master)";
  } else {
    r.message = "Trying a partial resynchronization (request " + options_.psync_replid + ":" +
                offset + ").";
  }
  r.bytes = options_.failover ? EncodeCommand({"PSYNC", options_.psync_replid, offset, "FAILOVER"})
                              : EncodeCommand({"PSYNC", options_.psync_replid, offset});
  state_ = State::kAwaitPsync;
  return r;
}

HandshakeResult ReplicaHandshake::OnPsyncReply(std::string_view line) {
  std::string text(line);
  HandshakeResult r;
  if (StartsWith(line, "+FULLRESYNC")) {
    state_ = State::kDone;
    r.action = HandshakeAction::kFullResync;
    // "+FULLRESYNC <40 chars> <offset>"; a malformed line still means a full sync, with unknown
    // ids.
    std::string_view rest = line.substr(11);
    if (rest.size() >= 42 && rest[0] == ' ' && rest[41] == ' ') {
      r.replid = std::string(rest.substr(1, 40));
      std::string_view off = rest.substr(42);
      int64_t value = -1;
      auto [ptr, ec] = std::from_chars(off.data(), off.data() + off.size(), value);
      if (ec == std::errc() && ptr == off.data() + off.size()) r.offset = value;
    }
    if (r.offset < 0) {
      r.replid.clear();
      r.message = "Master replied with wrong +FULLRESYNC syntax.";
    } else {
      r.message = "Full resync from master: " + r.replid + ":" + std::to_string(r.offset);
    }
    return r;
  }
  if (StartsWith(line, "+CONTINUE")) {
    state_ = State::kDone;
    r.action = HandshakeAction::kContinue;
    std::string_view rest = line.substr(9);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\r' || rest.front() == '\n'))
      rest.remove_prefix(1);
    if (rest.size() >= 40) r.replid = std::string(rest.substr(0, 40));
    r.message = "Successful partial resynchronization with master.";
    return r;
  }
  if (StartsWith(line, "-NOMASTERLINK") || StartsWith(line, "-LOADING")) {
    state_ = State::kDone;
    r.action = HandshakeAction::kRetryLater;
    r.message = "Master is currently unable to PSYNC but should be in the future: " + text;
    return r;
  }
  // Anything else means the master does not do PSYNC: fall back to the old SYNC.
  state_ = State::kDone;
  r.action = HandshakeAction::kSyncFallback;
  r.bytes = "SYNC\r\n";
  r.message = StartsWith(line, "-ERR")
                  ? "Master does not support PSYNC or is in error state (reply: " + text + ")"
                  : "Unexpected reply to PSYNC from master: " + text;
  return r;
}

}  // namespace slotd
