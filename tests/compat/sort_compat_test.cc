// SORT and SORT_RO compared byte for byte with redis-server 7.0: numeric and ALPHA orders, LIMIT
// clamping, BY and GET patterns (strings and hash fields), STORE, and every error text.
#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

TEST_F(CompatTest, SortOrdersLimitsAndErrors) {
  ExpectSameReplies({
      {"RPUSH", "l", "3", "1", "2", "10", "-1.5", "2"},
      {"SORT", "l"}, {"SORT", "l", "DESC"}, {"SORT", "l", "ALPHA"}, {"SORT", "l", "ALPHA", "DESC"},
      {"SORT", "l", "LIMIT", "1", "2"}, {"SORT", "l", "LIMIT", "-5", "2"},
      {"SORT", "l", "LIMIT", "4", "100"}, {"SORT", "l", "LIMIT", "10", "2"},
      {"SORT", "l", "LIMIT", "0", "-1"}, {"SORT", "l", "LIMIT", "0", "0"},
      {"SORT", "l", "LIMIT", "x", "1"}, {"SORT", "l", "LIMIT", "1"},
      {"SORT", "l", "BY", "nosort"}, {"SORT", "l", "BY", "nosort", "DESC"},
      {"SORT", "l", "BY", "nosort", "LIMIT", "1", "3"},
      {"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "3"},
      {"SORT", "l", "FOO"}, {"SORT", "nokey"}, {"SORT", "nokey", "STORE", "dst"}, {"EXISTS", "dst"},
      {"RPUSH", "bad", "1", "x"}, {"SORT", "bad"}, {"SORT", "bad", "ALPHA"},
      {"SORT", "bad", "STORE", "dst"},
      {"SET", "str", "v"}, {"SORT", "str"}, {"SORT_RO", "str"},
      {"SADD", "s", "5", "3", "9", "1"}, {"SORT", "s"}, {"SORT", "s", "DESC", "LIMIT", "1", "2"},
      {"SORT", "s", "BY", "nosort", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"ZADD", "z", "3", "a", "1", "b", "2", "c", "2", "d"},
      {"SORT", "z", "ALPHA"}, {"SORT", "z", "BY", "nosort"}, {"SORT", "z", "BY", "nosort", "DESC"},
      {"SORT", "z", "BY", "nosort", "LIMIT", "1", "2"},
      {"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"},
      {"MSET", "w_a", "30", "w_b", "10", "w_c", "20", "o_a", "A", "o_b", "B"},
      {"HSET", "h_a", "f", "3", "n", "x"}, {"HSET", "h_c", "f", "1"},
      {"SORT", "z", "BY", "w_*"}, {"SORT", "z", "BY", "w_*", "DESC"},
      {"SORT", "z", "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "h_*->n"},
      // Ties (members without a weight) keep the input order: a list's, not a set's hash order.
      {"RPUSH", "names", "d", "c", "b", "a"},
      {"SORT", "names", "BY", "h_*->f", "ALPHA"}, {"SORT", "names", "BY", "h_*->f"},
      {"SORT", "z", "BY", "h_*->f", "DESC"},
      {"SORT", "z", "BY", "o_*", "ALPHA", "GET", "o_*"},
      {"SORT", "z", "BY", "o_*"},
      {"SORT", "z", "BY", "w_*", "GET", "o_*", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"SORT", "z", "ALPHA", "GET", "#", "GET", "nostar"}, {"SORT", "z", "ALPHA", "GET", "h_*->"},
      {"SORT_RO", "z", "ALPHA", "STORE", "dst"}, {"SORT_RO", "z", "ALPHA", "LIMIT", "0", "2"},
      {"SORT", "l", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"SORT", "nokey", "STORE", "dst"}, {"EXISTS", "dst"},
      {"COMMAND", "GETKEYS", "SORT", "l", "LIMIT", "0", "1", "GET", "store", "STORE", "d1"},
      {"COMMAND", "GETKEYS", "SORT", "l", "STORE", "d1", "STORE", "d2"},
      {"COMMAND", "GETKEYS", "SORT_RO", "l", "ALPHA"},
      {"SORT"},
  });
}

}  // namespace
}  // namespace slotd::test
