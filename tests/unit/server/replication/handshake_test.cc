// ReplicaHandshake: every reply path of the replica's handshake with its master (Redis 7.0 rules).
#include "server/replication/handshake.h"

#include <gtest/gtest.h>

namespace slotd {
namespace {

const std::string kId = "8c2a1b44cf5d1f2b0e6b3a9c7d1e2f3a4b5c6d7e";

HandshakeOptions Plain() {
  HandshakeOptions options;
  options.listening_port = 6380;
  return options;
}

// Runs PING/PONG and the REPLCONF replies; returns the PSYNC step.
HandshakeResult ToPsync(ReplicaHandshake& hs, int oks) {
  hs.Start();
  HandshakeResult r = hs.OnReply("+PONG");
  for (int i = 0; i < oks - 1; ++i) EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kWait);
  return hs.OnReply("+OK");
}

// A plain handshake driven to PSYNC, then the master's reply `line` to it.
HandshakeResult PsyncReply(const std::string& line) {
  ReplicaHandshake hs(Plain());
  ToPsync(hs, 2);
  return hs.OnReply(line);
}

TEST(ReplicaHandshake, SendsPingThenPipelinedReplconfsThenPsyncWithoutCachedMaster) {
  ReplicaHandshake hs(Plain());
  EXPECT_EQ(hs.Start(), "*1\r\n$4\r\nPING\r\n");
  HandshakeResult r = hs.OnReply("+PONG");
  EXPECT_EQ(r.action, HandshakeAction::kSend);
  EXPECT_EQ(r.bytes, EncodeCommand({"REPLCONF", "listening-port", "6380"}) +
                         EncodeCommand({"REPLCONF", "capa", "eof", "capa", "psync2"}));
  EXPECT_EQ(r.message, "Master replied to PING, replication can continue...");
  EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kWait);
  r = hs.OnReply("+OK");
  EXPECT_EQ(r.action, HandshakeAction::kSend);
  EXPECT_EQ(r.bytes, "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n");
  EXPECT_EQ(r.message, "Partial resynchronization not possible (no cached master)");
  r = hs.OnReply("+FULLRESYNC " + kId + " 1234");
  EXPECT_EQ(r.action, HandshakeAction::kFullResync);
  EXPECT_EQ(r.replid, kId);
  EXPECT_EQ(r.offset, 1234);
  EXPECT_EQ(r.message, "Full resync from master: " + kId + ":1234");
  EXPECT_EQ(hs.state(), ReplicaHandshake::State::kDone);
}

TEST(ReplicaHandshake, AuthenticatesWithUserAndAnnouncesIp) {
  HandshakeOptions options = Plain();
  options.masteruser = "repl";
  options.masterauth = "secret";
  options.announce_ip = "10.0.0.5";
  ReplicaHandshake hs(options);
  hs.Start();
  HandshakeResult r =
      hs.OnReply("-NOAUTH Authentication required.");  // a password-protected master
  EXPECT_EQ(r.action, HandshakeAction::kSend);
  EXPECT_EQ(r.bytes, EncodeCommand({"AUTH", "repl", "secret"}) +
                         EncodeCommand({"REPLCONF", "listening-port", "6380"}) +
                         EncodeCommand({"REPLCONF", "ip-address", "10.0.0.5"}) +
                         EncodeCommand({"REPLCONF", "capa", "eof", "capa", "psync2"}));
  EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kWait);  // AUTH
  EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kWait);  // listening-port
  EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kWait);  // ip-address
  EXPECT_EQ(hs.OnReply("+OK").action, HandshakeAction::kSend);  // capa -> PSYNC
}

TEST(ReplicaHandshake, AuthWithoutUserSendsOnlyThePassword) {
  HandshakeOptions options = Plain();
  options.masterauth = "pw";
  ReplicaHandshake hs(options);
  hs.Start();
  HandshakeResult r = hs.OnReply("+PONG");
  EXPECT_EQ(r.bytes.substr(0, EncodeCommand({"AUTH", "pw"}).size()), EncodeCommand({"AUTH", "pw"}));
}

TEST(ReplicaHandshake, PingErrorsOtherThanAuthAbort) {
  ReplicaHandshake hs(Plain());
  hs.Start();
  HandshakeResult r = hs.OnReply("-ERR unknown command");
  EXPECT_EQ(r.action, HandshakeAction::kError);
  EXPECT_EQ(r.message, "Error reply to PING from master: '-ERR unknown command'");
  ReplicaHandshake noperm(Plain());
  noperm.Start();
  EXPECT_EQ(noperm.OnReply("-NOPERM this user has no permissions").action, HandshakeAction::kSend);
  ReplicaHandshake not_permitted(Plain());
  not_permitted.Start();
  EXPECT_EQ(not_permitted.OnReply("-ERR operation not permitted").action, HandshakeAction::kSend);
}

TEST(ReplicaHandshake, AuthErrorAborts) {
  HandshakeOptions options = Plain();
  options.masterauth = "bad";
  ReplicaHandshake hs(options);
  hs.Start();
  hs.OnReply("+PONG");
  HandshakeResult r = hs.OnReply("-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(r.action, HandshakeAction::kError);
  EXPECT_EQ(
      r.message,
      "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.");
}

TEST(ReplicaHandshake, ReplconfErrorsAreNotCritical) {
  ReplicaHandshake hs(Plain());
  hs.Start();
  hs.OnReply("+PONG");
  HandshakeResult r = hs.OnReply("-ERR Unrecognized REPLCONF option: listening-port");
  EXPECT_EQ(r.action, HandshakeAction::kWait);
  EXPECT_EQ(r.message,
            "(Non critical) Master does not understand REPLCONF listening-port: -ERR Unrecognized "
            "REPLCONF option: "
            "listening-port");
  r = hs.OnReply("-ERR no capa");
  EXPECT_EQ(r.action, HandshakeAction::kSend);
  EXPECT_NE(r.bytes.find("PSYNC"), std::string::npos);
}

TEST(ReplicaHandshake, CachedMasterAsksForTheNextOffset) {
  HandshakeOptions options = Plain();
  options.psync_replid = kId;
  options.psync_offset = 501;
  ReplicaHandshake hs(options);
  HandshakeResult r = ToPsync(hs, 2);
  EXPECT_EQ(r.bytes, EncodeCommand({"PSYNC", kId, "501"}));
  EXPECT_EQ(r.message, "Trying a partial resynchronization (request " + kId + ":501).");
}

TEST(ReplicaHandshake, ContinueWithAndWithoutANewId) {
  HandshakeResult r = PsyncReply("+CONTINUE " + kId);
  EXPECT_EQ(r.action, HandshakeAction::kContinue);
  EXPECT_EQ(r.replid, kId);
  EXPECT_EQ(r.message, "Successful partial resynchronization with master.");
  r = PsyncReply("+CONTINUE");
  EXPECT_EQ(r.action, HandshakeAction::kContinue);
  EXPECT_EQ(r.replid, "");
}

TEST(ReplicaHandshake, KeepaliveNewlinesBeforeThePsyncReplyAreSkipped) {
  ReplicaHandshake hs(Plain());
  ToPsync(hs, 2);
  EXPECT_EQ(hs.OnReply("").action, HandshakeAction::kWait);
  EXPECT_EQ(hs.OnReply("").action, HandshakeAction::kWait);
  EXPECT_EQ(hs.OnReply("+FULLRESYNC " + kId + " 0").action, HandshakeAction::kFullResync);
}

TEST(ReplicaHandshake, MasterWithoutLinkOrLoadingMeansRetryLater) {
  for (const char* reply : {"-NOMASTERLINK Can't SYNC while not connected with my master",
                            "-LOADING Redis is loading the dataset in memory"}) {
    HandshakeResult r = PsyncReply(reply);
    EXPECT_EQ(r.action, HandshakeAction::kRetryLater);
    EXPECT_EQ(
        r.message,
        std::string("Master is currently unable to PSYNC but should be in the future: ") + reply);
  }
}

TEST(ReplicaHandshake, PsyncErrorFallsBackToSync) {
  HandshakeResult r = PsyncReply("-ERR unknown command 'PSYNC'");
  EXPECT_EQ(r.action, HandshakeAction::kSyncFallback);
  EXPECT_EQ(r.bytes, "SYNC\r\n");
  EXPECT_EQ(
      r.message,
      "Master does not support PSYNC or is in error state (reply: -ERR unknown command 'PSYNC')");
  r = PsyncReply("+WHAT");
  EXPECT_EQ(r.action, HandshakeAction::kSyncFallback);
  EXPECT_EQ(r.message, "Unexpected reply to PSYNC from master: +WHAT");
}

TEST(ReplicaHandshake, MalformedFullresyncStillMeansAFullSync) {
  HandshakeResult r = PsyncReply("+FULLRESYNC shortid x");
  EXPECT_EQ(r.action, HandshakeAction::kFullResync);
  EXPECT_EQ(r.replid, "");
  EXPECT_EQ(r.message, "Master replied with wrong +FULLRESYNC syntax.");
}

TEST(ReplicaHandshake, FailoverAsksTheTargetToTakeOverInThePsync) {
  HandshakeOptions options = Plain();
  options.psync_replid = kId;
  options.psync_offset = 77;
  options.failover = true;
  ReplicaHandshake hs(options);
  EXPECT_EQ(ToPsync(hs, 2).bytes, EncodeCommand({"PSYNC", kId, "77", "FAILOVER"}));
}

}  // namespace
}  // namespace slotd
