// Keyspace notifications compared byte for byte with redis-server 7.0: for every command, its reply and
// every message a PSUBSCRIBEd client receives because of it (channel names, event names, order), under
// several notify-keyspace-events settings, in fixed cases for each command family and in a seeded random
// run. Active expiry is off on both servers so "expired" events come from lookups only, at the same step.
#include <functional>
#include <random>

#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

// One server seen through a command connection and a connection subscribed to every keyspace channel.
class EventProbe {
 public:
  EventProbe(int port, const std::string& classes) : commands_(port), events_(port) {
    commands_.Call({"FLUSHALL"});
    commands_.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
    commands_.Call({"CONFIG", "SET", "notify-keyspace-events", classes});
    events_.Call({"PSUBSCRIBE", "__key*__:*"});
  }
  ~EventProbe() {
    commands_.Call({"CONFIG", "SET", "notify-keyspace-events", ""});
    commands_.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "1"});
  }

  // The command's reply followed by every message it published.
  std::string Run(const std::vector<std::string>& command) {
    std::string out = commands_.Call(command);
    return out + ReadPushesUntilPing(events_);
  }

 private:
  RawClient commands_;
  RawClient events_;
};

class KeyspaceEvents : public CompatTest {
 protected:
  void ExpectSameEvents(const std::string& classes, const Commands& commands) {
    EventProbe redis(redis_port_, classes);
    EventProbe slotd(slotd_port_, classes);
    for (const auto& command : commands) {
      std::string shown;
      for (const std::string& a : command) shown += a + " ";
      ASSERT_EQ(slotd.Run(command), redis.Run(command)) << "classes " << classes << ", command: " << shown;
    }
  }
};

TEST_F(KeyspaceEvents, ConfigAcceptsAndShowsClassesAsRedisDoes) {
  Commands commands;
  for (const char* classes : {"", "K", "E", "KEA", "A", "An", "KEAnm", "g$lshzxetdn", "g$lshzxetd", "Kg", "Ex",
                              "mK", "nE", "KEg$", "AAK", "lKsE", "Ed", "t", "KEz", "B", "KEA ", "KE?"}) {
    commands.push_back({"CONFIG", "SET", "notify-keyspace-events", classes});
    commands.push_back({"CONFIG", "GET", "notify-keyspace-events"});
  }
  commands.push_back({"CONFIG", "SET", "notify-keyspace-events", ""});
  ExpectSameReplies(commands);
}

TEST_F(KeyspaceEvents, StringAndGenericCommands) {
  ExpectSameEvents("KEA", {
      {"SET", "s", "1"}, {"SET", "s", "2", "EX", "100"}, {"SET", "s", "3", "KEEPTTL"}, {"SETNX", "s", "x"},
      {"SETNX", "n", "x"}, {"SETEX", "e", "100", "v"}, {"PSETEX", "e", "100000", "v"}, {"GETSET", "s", "4"},
      {"MSET", "a", "1", "b", "2"}, {"MSETNX", "a", "1", "c", "3"}, {"MSETNX", "c", "3", "d", "4"},
      {"APPEND", "a", "x"}, {"APPEND", "new", "x"}, {"SETRANGE", "a", "5", "y"}, {"SETRANGE", "a", "0", ""},
      {"INCR", "i"}, {"INCRBY", "i", "5"}, {"DECR", "i"}, {"DECRBY", "i", "2"}, {"INCRBYFLOAT", "f", "1.5"},
      {"INCR", "a"}, {"GETDEL", "b"}, {"GETDEL", "b"}, {"GETEX", "c", "EX", "100"}, {"GETEX", "c", "PERSIST"},
      {"GETEX", "c", "PERSIST"}, {"GETEX", "d", "PXAT", "1"}, {"GET", "s"}, {"SET", "k", "v", "GET"},
      {"SET", "k", "w", "NX"}, {"SET", "k", "w", "XX", "PX", "50000"},
      {"EXPIRE", "k", "100"}, {"PEXPIRE", "k", "100000"}, {"EXPIREAT", "k", "4000000000"},
      {"EXPIRE", "k", "100", "NX"}, {"PERSIST", "k"}, {"PERSIST", "k"}, {"EXPIRE", "nokey", "10"},
      {"EXPIRE", "k", "-1"}, {"SET", "r", "1"}, {"RENAME", "r", "r2"}, {"SET", "r3", "x"},
      {"RENAME", "r2", "r3"}, {"RENAMENX", "r3", "a"}, {"RENAMENX", "r3", "r4"}, {"RENAME", "r4", "r4"},
      {"COPY", "r4", "c1"}, {"COPY", "r4", "c1"}, {"COPY", "r4", "c1", "REPLACE"}, {"COPY", "r4", "c2", "DB", "3"},
      {"MOVE", "c1", "2"}, {"MOVE", "c1", "2"}, {"DEL", "a", "nokey", "i", "f"}, {"UNLINK", "s", "e"},
      {"SETBIT", "bits", "7", "1"}, {"SETBIT", "bits", "7", "1"}, {"SETBIT", "bits", "100", "0"},
      {"BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0"}, {"BITFIELD", "bf", "INCRBY", "u8", "0", "0"},
      {"BITOP", "OR", "dest", "bits", "bf"}, {"BITOP", "AND", "dest", "none1", "none2"},
      {"PFADD", "hll", "a", "b"}, {"PFADD", "hll", "a"}, {"PFCOUNT", "hll"}, {"PFMERGE", "hll2", "hll"},
      {"DUMP", "r4"}, {"SET", "px", "v", "PX", "1"}, {"DEBUG", "SLEEP", "0.01"}, {"GET", "px"},
      {"SET", "px", "v", "PX", "1"}, {"DEBUG", "SLEEP", "0.01"}, {"SET", "px", "w"},
      {"SET", "px2", "v", "PX", "1"}, {"DEBUG", "SLEEP", "0.01"}, {"DEL", "px2"},
      {"SET", "x", "1"}, {"SELECT", "5"}, {"SET", "x", "1"}, {"DEL", "x"}, {"SELECT", "0"}, {"FLUSHDB"},
  });
}

TEST_F(KeyspaceEvents, RestoreAndSortStore) {
  // DUMP's payload is version-stamped identically by both servers (RDB 10).
  RawClient redis(redis_port_);
  redis.Call({"SET", "src", "value"});
  std::string dump = redis.Call({"DUMP", "src"});
  size_t body = dump.find("\r\n") + 2;
  std::string payload = dump.substr(body, dump.size() - body - 2);
  ExpectSameEvents("KEA", {
      {"RESTORE", "r", "0", payload}, {"RESTORE", "r", "0", payload}, {"RESTORE", "r", "0", payload, "REPLACE"},
      {"RESTORE", "t", "100000", payload}, {"RESTORE", "t", "1", payload, "REPLACE", "ABSTTL"},
      {"RPUSH", "l", "3", "1", "2"}, {"SORT", "l", "STORE", "sorted"}, {"SORT", "none", "STORE", "sorted"},
      {"SORT", "none", "STORE", "sorted"},
  });
}

TEST_F(KeyspaceEvents, ListCommands) {
  ExpectSameEvents("KEA", {
      {"LPUSH", "l", "a", "b"}, {"RPUSH", "l", "c"}, {"LPUSHX", "none", "x"}, {"RPUSHX", "l", "d"},
      {"LPOP", "l"}, {"RPOP", "l"}, {"LPOP", "l", "0"}, {"LSET", "l", "0", "z"}, {"LINSERT", "l", "BEFORE", "z", "y"},
      {"LINSERT", "l", "BEFORE", "nope", "y"}, {"LREM", "l", "0", "nope"}, {"LREM", "l", "0", "y"},
      {"LTRIM", "l", "0", "-1"}, {"RPUSH", "l", "p", "q"}, {"LTRIM", "l", "1", "0"}, {"RPUSH", "m", "1", "2"},
      {"LMOVE", "m", "n", "LEFT", "RIGHT"}, {"LMOVE", "m", "n", "RIGHT", "LEFT"}, {"LMOVE", "n", "n", "LEFT", "RIGHT"},
      {"RPOPLPUSH", "n", "o"}, {"RPUSH", "p", "1", "2", "3"}, {"LPOP", "p", "5"}, {"RPUSH", "p", "1", "2"},
      {"LMPOP", "2", "none", "p", "RIGHT", "COUNT", "1"}, {"BLMPOP", "0", "1", "p", "LEFT"}, {"RPUSH", "p", "x"},
      {"BLPOP", "none", "p", "0"}, {"RPUSH", "q", "x"}, {"BRPOPLPUSH", "q", "q2", "0"},
      {"BLMOVE", "q2", "q3", "LEFT", "LEFT", "0"}, {"LRANGE", "q3", "0", "-1"},
  });
}

TEST_F(KeyspaceEvents, HashSetAndSortedSetCommands) {
  ExpectSameEvents("KEA", {
      {"HSET", "h", "a", "1", "b", "2"}, {"HMSET", "h", "c", "3"}, {"HSETNX", "h", "a", "x"}, {"HSETNX", "h", "d", "4"},
      {"HINCRBY", "h", "a", "5"}, {"HINCRBYFLOAT", "h", "b", "0.5"}, {"HDEL", "h", "nope"}, {"HDEL", "h", "a", "b"},
      {"HDEL", "h", "c", "d"}, {"SADD", "s", "1", "2", "3"}, {"SADD", "s", "1"}, {"SREM", "s", "9"},
      {"SREM", "s", "1"}, {"SMOVE", "s", "t", "2"}, {"SMOVE", "s", "t", "3"}, {"SMOVE", "t", "t", "2"},
      {"SPOP", "t", "0"}, {"SPOP", "t", "5"}, {"SADD", "u", "x"}, {"SPOP", "u"}, {"SADD", "a", "1", "2"},
      {"SADD", "b", "2", "3"}, {"SINTERSTORE", "d", "a", "b"}, {"SUNIONSTORE", "d", "a", "b"},
      {"SDIFFSTORE", "d", "a", "b"}, {"SINTERSTORE", "d", "a", "none"}, {"SINTERSTORE", "d", "a", "none"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "1", "a"}, {"ZADD", "z", "XX", "5", "a"},
      {"ZINCRBY", "z", "1", "b"}, {"ZADD", "z", "INCR", "1", "c"}, {"ZREM", "z", "nope"}, {"ZREM", "z", "a"},
      {"ZADD", "z", "1", "a", "2", "x", "3", "y", "4", "w"}, {"ZREMRANGEBYRANK", "z", "0", "0"},
      {"ZREMRANGEBYSCORE", "z", "2", "2"}, {"ZREMRANGEBYLEX", "z", "[a", "[a"}, {"ZPOPMIN", "z"},
      {"ZPOPMAX", "z", "2"}, {"ZADD", "y", "1", "a", "2", "b"}, {"ZADD", "x", "2", "b", "3", "c"},
      {"ZUNIONSTORE", "out", "2", "x", "y"}, {"ZINTERSTORE", "out", "2", "x", "y"}, {"ZDIFFSTORE", "out", "2", "x", "y"},
      {"ZINTERSTORE", "out", "2", "x", "none"}, {"ZRANGESTORE", "out2", "x", "0", "-1"},
      {"ZRANGESTORE", "out2", "x", "5", "6"}, {"ZMPOP", "1", "x", "MIN"}, {"BZPOPMAX", "x", "0"},
      {"BZMPOP", "0", "1", "y", "MAX", "COUNT", "5"}, {"ZPOPMIN", "z", "10"},
  });
}

// "new" (n) and "keymiss" (m) are outside 'A': they come only when named, in Redis's order.
TEST_F(KeyspaceEvents, NewKeysAndKeyMissesWhenAsked) {
  Commands commands = {
      {"GET", "a"}, {"SET", "a", "1"}, {"SET", "a", "2"}, {"MGET", "a", "b", "c"}, {"EXISTS", "b"}, {"TYPE", "b"},
      {"OBJECT", "ENCODING", "b"}, {"LPUSH", "l", "x"}, {"LRANGE", "none", "0", "-1"}, {"HGET", "h", "f"},
      {"HSET", "h", "f", "v"}, {"SADD", "s", "m"}, {"SMEMBERS", "none"}, {"ZADD", "z", "1", "m"},
      {"ZSCORE", "none", "m"}, {"RENAME", "a", "b"}, {"COPY", "b", "c"}, {"INCR", "i"}, {"APPEND", "ap", "x"},
      {"SETRANGE", "sr", "2", "x"}, {"SINTERSTORE", "dst", "s", "s"}, {"DEBUG", "POPULATE", "2", "pop"},
      {"RPOPLPUSH", "l", "l2"}, {"PFADD", "hll", "x"}, {"TTL", "none"}, {"STRLEN", "none"}, {"DUMP", "none"},
      {"SET", "px", "v", "PX", "1"}, {"DEBUG", "SLEEP", "0.01"}, {"GET", "px"}, {"SCARD", "none"},
  };
  ExpectSameEvents("KEAnm", commands);
  ExpectSameEvents("Knm", commands);
  ExpectSameEvents("En", commands);
  ExpectSameEvents("Em", commands);
  ExpectSameEvents("Kx", commands);
  ExpectSameEvents("Kg$", commands);
}

TEST_F(KeyspaceEvents, TransactionsPublishInCommandOrder) {
  ExpectSameEvents("KEA", {
      {"MULTI"}, {"SET", "a", "1"}, {"LPUSH", "l", "x"}, {"DEL", "a"}, {"EXEC"},
      {"WATCH", "b"}, {"MULTI"}, {"SET", "b", "1"}, {"EXEC"},
  });
}

// A seeded random walk over every type on three keys: replies and events must match at every step.
TEST_F(KeyspaceEvents, RandomCommandsPublishTheSameEvents) {
  std::mt19937 rng(20261122);
  const std::vector<std::string> keys = {"k1", "k2", "{k}3"};
  auto key = [&] { return keys[rng() % keys.size()]; };
  auto small = [&] { return std::to_string(rng() % 4); };
  std::vector<std::function<std::vector<std::string>()>> makers = {
      [&] { return std::vector<std::string>{"SET", key(), small()}; },
      [&] { return std::vector<std::string>{"APPEND", key(), small()}; },
      [&] { return std::vector<std::string>{"INCR", key()}; },
      [&] { return std::vector<std::string>{"DEL", key(), key()}; },
      [&] { return std::vector<std::string>{"EXPIRE", key(), "100"}; },
      [&] { return std::vector<std::string>{"PERSIST", key()}; },
      [&] { return std::vector<std::string>{"RENAME", key(), key()}; },
      [&] { return std::vector<std::string>{"COPY", key(), key(), "REPLACE"}; },
      [&] { return std::vector<std::string>{"LPUSH", key(), small(), small()}; },
      [&] { return std::vector<std::string>{"RPOP", key()}; },
      [&] { return std::vector<std::string>{"LMOVE", key(), key(), "LEFT", "RIGHT"}; },
      [&] { return std::vector<std::string>{"LREM", key(), "0", small()}; },
      [&] { return std::vector<std::string>{"SADD", key(), small(), small()}; },
      [&] { return std::vector<std::string>{"SREM", key(), small()}; },
      [&] { return std::vector<std::string>{"SMOVE", key(), key(), small()}; },
      [&] { return std::vector<std::string>{"SUNIONSTORE", key(), key(), key()}; },
      [&] { return std::vector<std::string>{"HSET", key(), small(), small()}; },
      [&] { return std::vector<std::string>{"HDEL", key(), small()}; },
      [&] { return std::vector<std::string>{"HINCRBY", key(), small(), "1"}; },
      [&] { return std::vector<std::string>{"ZADD", key(), small(), small()}; },
      [&] { return std::vector<std::string>{"ZREM", key(), small()}; },
      [&] { return std::vector<std::string>{"ZPOPMIN", key()}; },
      [&] { return std::vector<std::string>{"ZINTERSTORE", key(), "2", key(), key()}; },
      [&] { return std::vector<std::string>{"GET", key()}; },
      [&] { return std::vector<std::string>{"SCARD", key()}; },
      [&] { return std::vector<std::string>{"EXISTS", key()}; },
  };
  Commands commands;
  for (int i = 0; i < 1500; ++i) commands.push_back(makers[rng() % makers.size()]());
  ExpectSameEvents("KEAnm", commands);
}

}  // namespace
}  // namespace slotd::test
