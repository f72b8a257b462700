// Same requests to redis-server 7.0 and slotd, replies compared byte for byte.
#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

TEST_F(CompatTest, ConnectionCommands) {
  ExpectSameReplies({{"PING"}, {"PING", "hi"}, {"ECHO", "x"}, {"ECHO"}, {"SELECT", "1"}, {"SELECT", "99"},
                     {"SELECT", "x"}, {"NOSUCHCOMMAND", "a", "b"}, {"CLIENT", "NOSUCH"}, {"GET"}, {"CONFIG"}});
}

// DEBUG DIGEST covers every key present, also one past its time that nothing has deleted yet.
TEST_F(CompatTest, DebugDigestIncludesExpiredKeysNotYetDeleted) {
  ExpectSameReplies({
      {"DEBUG", "SET-ACTIVE-EXPIRE", "0"}, {"SET", "live", "1"}, {"SET", "soon", "2", "PX", "1"},
      {"DEBUG", "SLEEP", "0.01"}, {"DEBUG", "DIGEST"}, {"DBSIZE"}, {"GET", "soon"}, {"DEBUG", "DIGEST"},
      {"DEBUG", "SET-ACTIVE-EXPIRE", "1"},
  });
}

TEST_F(CompatTest, Strings) {
  ExpectSameReplies({
      {"SET", "k", "v"}, {"GET", "k"}, {"GET", "missing"}, {"SET", "k", "v2", "NX"}, {"SET", "k", "v3", "XX", "GET"},
      {"SET", "k", "v", "EX", "0"}, {"SET", "k", "v", "EX", "abc"}, {"SET", "k", "v", "NX", "XX"},
      {"SETNX", "k", "x"}, {"APPEND", "k", "123"}, {"STRLEN", "k"}, {"GETRANGE", "k", "1", "-2"},
      {"SETRANGE", "k", "10", "pad"}, {"GET", "k"}, {"INCR", "k"}, {"SET", "n", "10"}, {"INCR", "n"},
      {"INCRBY", "n", "-20"}, {"DECR", "n"}, {"DECRBY", "n", "5"}, {"INCRBY", "n", "x"},
      {"SET", "big", "9223372036854775807"}, {"INCR", "big"}, {"INCRBYFLOAT", "n", "1.5"},
      {"INCRBYFLOAT", "n", "abc"}, {"SET", "f", "10.5"}, {"INCRBYFLOAT", "f", "0.1"}, {"INCRBYFLOAT", "f", "5.0e3"},
      {"MSET", "a", "1", "b", "2"}, {"MGET", "a", "b", "nope"}, {"MSET", "a"}, {"MSETNX", "a", "1", "z", "2"},
      {"GETSET", "a", "9"}, {"GETDEL", "a"}, {"GETDEL", "a"}, {"GETEX", "b", "PERSIST"}, {"SETEX", "e", "-1", "v"},
      {"PSETEX", "e", "100000", "v"}, {"TTL", "e"}, {"STRLEN", "nope"},
  });
}

TEST_F(CompatTest, Keys) {
  ExpectSameReplies({
      {"SET", "a", "1"}, {"EXISTS", "a", "a", "b"}, {"TYPE", "a"}, {"TYPE", "b"}, {"EXPIRE", "a", "100"},
      {"TTL", "a"}, {"EXPIRE", "a", "200", "NX"}, {"EXPIRE", "a", "50", "GT"}, {"EXPIRE", "a", "50", "LT"},
      {"EXPIRE", "a", "10", "NX", "XX"}, {"EXPIRE", "a", "10", "GT", "LT"}, {"PERSIST", "a"}, {"TTL", "a"},
      {"PTTL", "nokey"}, {"EXPIRETIME", "a"}, {"RENAME", "a", "b"}, {"RENAME", "nokey", "c"}, {"RENAMENX", "b", "b"},
      {"SET", "c", "3"}, {"RENAMENX", "b", "c"}, {"COPY", "b", "d"}, {"COPY", "b", "d"}, {"COPY", "b", "d", "REPLACE"},
      {"DEL", "b", "c", "d", "zz"}, {"UNLINK", "zz"}, {"OBJECT", "ENCODING", "zz"}, {"SET", "i", "123"},
      {"OBJECT", "ENCODING", "i"}, {"SET", "s", "hello"}, {"OBJECT", "ENCODING", "s"}, {"TOUCH", "i", "s", "q"},
      {"DBSIZE"}, {"EXPIRE", "i", "-1"}, {"EXISTS", "i"}, {"EXPIRE", "s", "99999999999999999"},
  });
}

TEST_F(CompatTest, Lists) {
  ExpectSameReplies({
      {"RPUSH", "l", "a", "b", "c", "d"}, {"LPUSH", "l", "z"}, {"LRANGE", "l", "0", "-1"}, {"LRANGE", "l", "-2", "100"},
      {"LLEN", "l"}, {"LINDEX", "l", "-1"}, {"LINDEX", "l", "99"}, {"LSET", "l", "0", "y"}, {"LSET", "l", "99", "y"},
      {"LSET", "nokey", "0", "y"}, {"LINSERT", "l", "BEFORE", "b", "x"}, {"LINSERT", "l", "AFTER", "nope", "x"},
      {"LREM", "l", "0", "x"}, {"LPOS", "l", "c"}, {"LPOS", "l", "c", "RANK", "0"}, {"LPOP", "l"}, {"RPOP", "l", "2"},
      {"LPOP", "l", "0"}, {"LPOP", "l", "-1"}, {"LTRIM", "l", "0", "0"}, {"LRANGE", "l", "0", "-1"},
      {"LPUSHX", "nokey", "a"}, {"RPOPLPUSH", "l", "m"}, {"LMOVE", "m", "l", "LEFT", "RIGHT"}, {"EXISTS", "m"},
      {"LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "5"}, {"LMPOP", "0", "l", "LEFT"}, {"SET", "s", "x"},
      {"LPUSH", "s", "a"}, {"BLPOP", "nokey", "0.01"}, {"BLPOP", "nokey", "-1"}, {"BLPOP", "nokey", "abc"}, {"BLPOP", "nokey", "inf"},
      {"BLPOP", "nokey", "1e20"},
  });
}

TEST_F(CompatTest, Hashes) {
  ExpectSameReplies({
      {"HSET", "h", "f1", "v1", "f2", "v2"}, {"HSET", "h", "f1"}, {"HGET", "h", "f1"}, {"HMGET", "h", "f1", "no"},
      {"HLEN", "h"}, {"HSTRLEN", "h", "f2"}, {"HEXISTS", "h", "f2"}, {"HDEL", "h", "f2", "no"}, {"HSETNX", "h", "f1", "x"},
      {"HINCRBY", "h", "n", "5"}, {"HINCRBY", "h", "f1", "1"}, {"HINCRBYFLOAT", "h", "n", "0.5"}, {"HGETALL", "h"},
      {"HKEYS", "h"}, {"HVALS", "h"}, {"OBJECT", "ENCODING", "h"}, {"HMSET", "h", "a", "1"}, {"HGETALL", "nokey"},
  });
}

TEST_F(CompatTest, Sets) {
  ExpectSameReplies({
      {"SADD", "s", "1", "2", "3"}, {"OBJECT", "ENCODING", "s"}, {"SADD", "s", "a"}, {"OBJECT", "ENCODING", "s"},
      {"SCARD", "s"}, {"SISMEMBER", "s", "a"}, {"SMISMEMBER", "s", "a", "z"}, {"SREM", "s", "a", "z"},
      {"SADD", "t", "2", "3", "4"}, {"SINTERCARD", "2", "s", "t"}, {"SINTERCARD", "2", "s", "t", "LIMIT", "1"},
      {"SDIFFSTORE", "d", "s", "t"}, {"SMEMBERS", "d"}, {"SUNIONSTORE", "u", "s", "t"}, {"SCARD", "u"},
      {"SMOVE", "s", "t", "1"}, {"SINTERSTORE", "e", "s", "nokey"}, {"EXISTS", "e"}, {"SINTERCARD", "0", "s"},
  });
}

TEST_F(CompatTest, SortedSets) {
  ExpectSameReplies({
      {"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "NX", "XX", "1", "a"}, {"ZADD", "z", "GT", "LT", "1", "a"},
      {"ZADD", "z", "INCR", "1", "a", "2", "b"}, {"ZADD", "z", "1.5", "d"}, {"ZSCORE", "z", "d"},
      {"ZADD", "z", "0.1", "e"}, {"ZSCORE", "z", "e"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"},
      {"ZRANGE", "z", "(1", "3", "BYSCORE", "LIMIT", "0", "2"}, {"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"},
      {"ZRANK", "z", "c"}, {"ZREVRANK", "z", "c"}, {"ZCOUNT", "z", "-inf", "+inf"}, {"ZCOUNT", "z", "x", "1"},
      {"ZINCRBY", "z", "2", "a"}, {"ZPOPMIN", "z"}, {"ZPOPMAX", "z", "2"}, {"ZCARD", "z"}, {"ZREM", "z", "a", "q"},
      {"ZADD", "lex", "0", "a", "0", "b", "0", "c"}, {"ZRANGEBYLEX", "lex", "[a", "(c"}, {"ZLEXCOUNT", "lex", "-", "+"},
      {"ZRANGEBYLEX", "lex", "a", "c"}, {"ZUNIONSTORE", "u", "2", "z", "lex", "WEIGHTS", "2", "1"},
      {"ZRANGE", "u", "0", "-1", "WITHSCORES"}, {"ZINTER", "2", "z", "lex"}, {"ZMSCORE", "z", "d", "no"},
  });
}

TEST_F(CompatTest, Transactions) {
  ExpectSameReplies({{"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"EXEC"}, {"EXEC"}, {"DISCARD"},
                     {"MULTI"}, {"MULTI"}, {"NOSUCH"}, {"EXEC"}, {"MULTI"}, {"SET", "a"}, {"EXEC"},
                     {"WATCH", "a"}, {"MULTI"}, {"WATCH", "b"}, {"DISCARD"}});
}

TEST_F(CompatTest, ErrorstatsCountErrorRepliesByCode) {
  ExpectSameReplies({{"CONFIG", "RESETSTAT"},
                     {"SET", "a", "1"},
                     {"LPUSH", "a", "x"},
                     {"GET"},
                     {"NOSUCH", "x"},
                     {"INCR", "a", "b"},
                     {"ZADD", "z", "x", "y"},
                     {"CONFIG", "GET"},
                     {"INFO", "errorstats"},
                     {"CONFIG", "RESETSTAT"},
                     {"INFO", "errorstats"}});
}

TEST_F(CompatTest, Resp3Replies) {
  ExpectSameReplies({{"HSET", "h", "a", "1"}, {"HGETALL", "h"}, {"SADD", "s", "x"}, {"SMEMBERS", "s"},
                     {"ZADD", "z", "1.5", "m"}, {"ZSCORE", "z", "m"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"},
                     {"GET", "nokey"}},
                    3);
}

}  // namespace
}  // namespace slotd::test
