// Standalone answers of the cluster commands and MIGRATE's argument checks, compared byte for byte with
// redis-server 7.0 (the routing itself needs a cluster and is covered by the unit and integration tests).
#include "tests/compat/compat_fixture.h"

namespace slotd::test {
namespace {

TEST_F(CompatTest, ClusterCommandsWithoutClusterSupport) {
  ExpectSameReplies({{"CLUSTER", "INFO"}, {"CLUSTER", "KEYSLOT", "a"}, {"CLUSTER", "HELP"},
                     {"CLUSTER", "NODES"}, {"CLUSTER", "SLOTS"}, {"CLUSTER", "SETSLOT", "1", "STABLE"},
                     {"CLUSTER", "foo"}, {"CLUSTER", "keyslot"}, {"CLUSTER", "countkeysinslot"},
                     {"CLUSTER"}, {"ASKING"}, {"READONLY"}, {"READWRITE"}, {"ASKING", "x"},
                     {"READONLY", "x"}});
}

TEST_F(CompatTest, MigrateArgumentChecks) {
  ExpectSameReplies({
      {"MIGRATE", "127.0.0.1", "1", "k", "0"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "100"},
      {"MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS"},
      {"MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS", "a", "b"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "100", "KEYS", "a"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH2", "u"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "100", "COPY", "REPLACE", "BOGUS"},
      {"MIGRATE", "127.0.0.1", "1", "k", "x", "100"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "x"},
      {"MIGRATE", "127.0.0.1", "1", "k", "0", "-5", "COPY", "AUTH", "pw"},
      {"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "1", "KEYS", "a", "b"},
      {"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "1"},
      {"COMMAND", "INFO", "ASKING", "READONLY", "READWRITE"},
  });
}

}  // namespace
}  // namespace slotd::test
