// CLIENT TRACKING (server-assisted client-side caching) compared byte for byte with redis-server 7.0: a
// scenario drives a few connections per server (a tracking client, a writer, a redirection target); after
// each step every connection's pending pushes are collected (read up to a PING's reply), so the order of
// replies and invalidation messages is compared too. Client ids differ between the servers; they are
// written as $ID<n> in commands and replaced by that name in what is compared.
#include <memory>
#include <string>
#include <vector>

#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

struct Step {
  int conn;
  std::vector<std::string> command;
  bool quiet = false;  // do not PING the acting connection afterwards (inside MULTI, after CLIENT CACHING)
};

class TrackingScenario {
 public:
  TrackingScenario(int port, int connections) {
    RawClient admin(port);
    admin.Call({"FLUSHALL"});
    admin.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
    for (int i = 0; i < connections; ++i) {
      conns_.push_back(std::make_unique<RawClient>(port));
      std::string reply = conns_.back()->Call({"CLIENT", "ID"});
      ids_.push_back(reply.substr(1, reply.size() - 3));
    }
    admin_port_ = port;
  }
  ~TrackingScenario() {
    RawClient admin(admin_port_);
    admin.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "1"});
  }

  std::string Run(const Step& step) {
    std::vector<std::string> command = step.command;
    for (std::string& arg : command) {
      for (size_t i = 0; i < ids_.size(); ++i) {
        if (arg == "$ID" + std::to_string(i)) arg = ids_[i];
      }
    }
    std::string out = conns_[static_cast<size_t>(step.conn)]->Call(command);
    if (step.command.size() == 1 && step.command[0] == "QUIT") closed_[static_cast<size_t>(step.conn)] = true;
    for (size_t i = 0; i < conns_.size(); ++i) {
      if (step.quiet && static_cast<int>(i) == step.conn) continue;
      if (closed_[i]) continue;
      out += "|" + std::to_string(i) + ":" + ReadPushesUntilPing(*conns_[i]);
    }
    // HELLO's map holds small numbers (proto 3) an id could equal: only its "id" field is rewritten.
    if (step.command[0] != "HELLO") return Normalize(out);
    const std::string field = "$2\r\nid\r\n:";
    size_t at = out.find(field);
    if (at != std::string::npos) out.replace(at + field.size(), out.find('\r', at + field.size()) - at - field.size(), "ID");
    return out;
  }

 private:
  std::string Normalize(std::string s) const {
    for (size_t i = 0; i < ids_.size(); ++i) {
      const std::string needle = ":" + ids_[i] + "\r\n";
      for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at)) {
        s.replace(at, needle.size(), ":$ID" + std::to_string(i) + "\r\n");
      }
    }
    return s;
  }

  std::vector<std::unique_ptr<RawClient>> conns_;
  std::vector<std::string> ids_;
  bool closed_[8] = {};
  int admin_port_ = 0;
};

class ClientTracking : public CompatTest {
 protected:
  void ExpectSame(int connections, const std::vector<Step>& steps) {
    TrackingScenario redis(redis_port_, connections);
    TrackingScenario slotd(slotd_port_, connections);
    for (const Step& step : steps) {
      std::string shown = std::to_string(step.conn) + ">";
      for (const std::string& a : step.command) shown += " " + a;
      ASSERT_EQ(slotd.Run(step), redis.Run(step)) << shown;
    }
  }
};

// 0 tracks (RESP3), 1 writes.
TEST_F(ClientTracking, DefaultModeInvalidatesWhatWasReadOnce) {
  ExpectSame(2, {
      {0, {"HELLO", "3"}}, {0, {"CLIENT", "TRACKING", "ON"}}, {0, {"GET", "a"}}, {0, {"MGET", "b", "c"}},
      {1, {"SET", "a", "1"}}, {1, {"SET", "a", "2"}}, {1, {"SET", "zzz", "1"}}, {0, {"GET", "a"}},
      {0, {"SET", "a", "3"}}, {0, {"GET", "a"}}, {1, {"MSET", "a", "4", "b", "5", "c", "6"}},
      {0, {"HGET", "h", "f"}}, {1, {"HSET", "h", "f", "v"}}, {0, {"LRANGE", "l", "0", "-1"}},
      {1, {"RPUSH", "l", "x"}}, {0, {"EXISTS", "e"}}, {0, {"STRLEN", "s"}}, {1, {"SELECT", "2"}},
      {1, {"SET", "e", "other db, same name"}}, {0, {"GET", "x"}}, {0, {"GET", "y"}}, {1, {"FLUSHALL"}},
      {1, {"SET", "x", "1"}}, {0, {"CLIENT", "TRACKINGINFO"}}, {0, {"CLIENT", "GETREDIR"}},
      {0, {"CLIENT", "TRACKING", "ON", "NOLOOP"}}, {0, {"GET", "n"}}, {0, {"SET", "n", "self"}},
      {0, {"GET", "n"}}, {1, {"SET", "n", "other"}}, {0, {"GET", "p"}}, {1, {"SWAPDB", "0", "1"}},
      {0, {"GET", "q"}}, {0, {"CLIENT", "TRACKING", "OFF"}}, {1, {"SET", "q", "1"}},
      {0, {"CLIENT", "TRACKINGINFO"}}, {0, {"CLIENT", "GETREDIR"}},
      // RESET ends tracking (and goes back to RESP2).
      {0, {"CLIENT", "TRACKING", "ON"}}, {0, {"GET", "r"}}, {0, {"RESET"}}, {1, {"SET", "r", "1"}},
      {0, {"CLIENT", "TRACKINGINFO"}},
  });
}

TEST_F(ClientTracking, OptInAndOptOutFollowClientCaching) {
  ExpectSame(2, {
      {0, {"HELLO", "3"}}, {0, {"CLIENT", "TRACKING", "ON", "OPTIN"}}, {0, {"GET", "a"}},
      {1, {"SET", "a", "1"}}, {0, {"CLIENT", "CACHING", "YES"}, true}, {0, {"GET", "a"}},
      {0, {"GET", "b"}}, {1, {"MSET", "a", "2", "b", "2"}}, {0, {"CLIENT", "CACHING", "YES"}, true},
      {0, {"CLIENT", "TRACKINGINFO"}, true}, {0, {"MULTI"}, true}, {0, {"GET", "c"}, true},
      {0, {"GET", "d"}, true}, {0, {"EXEC"}}, {1, {"MSET", "c", "1", "d", "1"}},
      {0, {"CLIENT", "CACHING", "NO"}}, {0, {"CLIENT", "TRACKING", "ON", "OPTOUT"}},
      {0, {"CLIENT", "TRACKING", "OFF"}}, {0, {"CLIENT", "TRACKING", "ON", "OPTOUT"}},
      {0, {"CLIENT", "CACHING", "NO"}, true}, {0, {"GET", "e"}}, {0, {"GET", "f"}},
      {1, {"MSET", "e", "1", "f", "1"}}, {0, {"CLIENT", "CACHING", "YES"}},
      {0, {"CLIENT", "TRACKINGINFO"}},
  });
}

TEST_F(ClientTracking, BroadcastSendsModifiedKeysUnderPrefixes) {
  ExpectSame(2, {
      {0, {"HELLO", "3"}}, {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"}},
      {1, {"SET", "user:1", "x"}}, {1, {"SET", "other", "1"}},
      {1, {"MSET", "obj:2", "a", "obj:1", "b", "user:2", "c", "zz", "d"}}, {1, {"DEL", "user:1", "user:9"}},
      {0, {"CLIENT", "TRACKINGINFO"}}, {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "u"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x:", "NOLOOP"}}, {0, {"SET", "x:self", "1"}},
      {1, {"SET", "x:other", "1"}}, {0, {"CLIENT", "TRACKINGINFO"}}, {1, {"FLUSHDB"}},
      {0, {"CLIENT", "TRACKING", "OFF"}}, {0, {"CLIENT", "TRACKING", "ON", "BCAST"}}, {1, {"SET", "any", "1"}},
      {0, {"CLIENT", "TRACKINGINFO"}},
  });
}

// 0 tracks over RESP2 and redirects to 2, a RESP2 subscriber (or, later, a RESP3 client).
TEST_F(ClientTracking, RedirectionToASubscriberAndWhenItIsGone) {
  ExpectSame(3, {
      {2, {"SUBSCRIBE", "__redis__:invalidate"}}, {0, {"CLIENT", "TRACKING", "ON", "REDIRECT", "$ID2"}},
      {0, {"GET", "a"}}, {1, {"SET", "a", "1"}}, {0, {"GET", "a"}}, {1, {"FLUSHALL"}},
      {0, {"CLIENT", "GETREDIR"}}, {0, {"CLIENT", "TRACKINGINFO"}}, {0, {"GET", "b"}}, {2, {"QUIT"}},
      {1, {"SET", "b", "1"}}, {0, {"CLIENT", "TRACKINGINFO"}}, {0, {"HELLO", "3"}}, {0, {"GET", "c"}},
      {1, {"SET", "c", "1"}}, {0, {"CLIENT", "TRACKING", "OFF"}}, {0, {"CLIENT", "TRACKINGINFO"}},
  });
}

TEST_F(ClientTracking, ExpiredKeysAreInvalidated) {
  ExpectSame(2, {
      {0, {"HELLO", "3"}}, {1, {"SET", "k", "v", "PX", "1"}}, {0, {"CLIENT", "TRACKING", "ON"}},
      {0, {"DEBUG", "SLEEP", "0.01"}}, {0, {"GET", "k"}},
      // Read while alive (a second is ample between two steps), then expired by another client's read.
      {1, {"SET", "k2", "v", "PX", "1000"}}, {0, {"GET", "k2"}}, {1, {"DEBUG", "SLEEP", "1.1"}},
      {1, {"GET", "k2"}},
  });
}

TEST_F(ClientTracking, RefusesWhatRedisRefuses) {
  ExpectSame(2, {
      {0, {"CLIENT", "TRACKING"}}, {0, {"CLIENT", "TRACKING", "MAYBE"}}, {0, {"CLIENT", "TRACKING", "ON", "FOO"}},
      {0, {"CLIENT", "TRACKING", "ON", "PREFIX", "a"}}, {0, {"CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"}},
      {0, {"CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"}}, {0, {"CLIENT", "TRACKING", "ON", "REDIRECT", "x"}},
      {0, {"CLIENT", "TRACKING", "ON", "REDIRECT", "999999"}},
      {0, {"CLIENT", "TRACKING", "ON", "REDIRECT", "$ID1", "REDIRECT", "$ID1"}},
      {0, {"CLIENT", "TRACKING", "ON", "REDIRECT"}}, {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"}},
      {0, {"CLIENT", "CACHING", "YES"}}, {0, {"CLIENT", "CACHING"}}, {0, {"CLIENT", "TRACKINGINFO", "x"}},
      {0, {"CLIENT", "TRACKING", "ON", "OPTIN"}}, {0, {"CLIENT", "CACHING", "NO"}},
      {0, {"CLIENT", "CACHING", "MAYBE"}}, {0, {"CLIENT", "TRACKING", "ON", "OPTOUT"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST"}}, {0, {"CLIENT", "TRACKING", "OFF"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "abc"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"}}, {0, {"CLIENT", "TRACKING", "ON"}},
      {0, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "xy"}}, {0, {"CLIENT", "TRACKINGINFO"}},
      {0, {"CLIENT", "GETREDIR", "x"}},
  });
}

TEST_F(ClientTracking, TableLimitIsRedisOption) {
  ExpectSameReplies({{"CONFIG", "GET", "tracking-table-max-keys"}, {"CONFIG", "SET", "tracking-table-max-keys", "-1"},
                     {"CONFIG", "SET", "tracking-table-max-keys", "10"}, {"CONFIG", "GET", "tracking-table-max-keys"},
                     {"CONFIG", "SET", "tracking-table-max-keys", "1000000"}});
}

}  // namespace
}  // namespace slotd::test
