// The replica's handshake with its master as a pure state machine (Redis's syncWithMaster and
// slaveTryPartialResynchronization): it takes the master's reply lines and says what to send next
// and how the PSYNC ended. No I/O, so every reply path is unit-tested without sockets.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace slotd {

struct HandshakeOptions {
  std::string masteruser;          // "" = AUTH <masterauth>
  std::string masterauth;          // "" = no AUTH
  int listening_port = 0;          // REPLCONF listening-port
  std::string announce_ip;         // REPLCONF ip-address when set
  std::string psync_replid = "?";  // cached master's replid, "?" for none
  int64_t psync_offset = -1;       // its processed offset + 1
  bool failover = false;           // PSYNC ... FAILOVER: ask the master to hand over to us (FAILOVER)
};

enum class HandshakeAction {
  kWait,        // nothing to do (keepalive or a non-critical reply); read the next line
  kSend,        // write `bytes`, then read the next line
  kFullResync,  // +FULLRESYNC: `replid` and `offset`; the RDB payload follows
  kContinue,  // +CONTINUE: partial resync; `replid` is the master's new id ("" when none was sent)
  kSyncFallback,  // the master does not know PSYNC: `bytes` is SYNC, the RDB payload follows
  kRetryLater,    // the master cannot sync now (-NOMASTERLINK, -LOADING): drop the link, retry
  kError,         // abort the attempt; `message` says why
};

struct HandshakeResult {
  HandshakeAction action = HandshakeAction::kWait;
  std::string bytes;
  std::string replid;
  int64_t offset = -1;
  std::string message;  // a log line for the step (may be empty)
};

class ReplicaHandshake {
 public:
  enum class State {
    kIdle,
    kAwaitPong,
    kAwaitAuth,
    kAwaitPort,
    kAwaitIp,
    kAwaitCapa,
    kAwaitPsync,
    kDone
  };

  explicit ReplicaHandshake(HandshakeOptions options) : options_(std::move(options)) {}

  // The first bytes to send (PING).
  std::string Start();
  // Feeds one reply line (without its CRLF).
  HandshakeResult OnReply(std::string_view line);
  State state() const { return state_; }

 private:
  HandshakeResult AfterPong();
  HandshakeResult SendPsync();
  HandshakeResult OnPsyncReply(std::string_view line);

  HandshakeOptions options_;
  State state_ = State::kIdle;
};

// Encodes argv as a RESP multibulk request.
std::string EncodeCommand(std::initializer_list<std::string_view> argv);

}  // namespace slotd
