// The option table against Redis 7.0.15: defaults as CONFIG GET shows them, value syntax (memory
// units, yes/no, ranges, enums), the special options, and redis.conf quoting.
#include "server/config/option_table.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace slotd {
namespace {

std::string Get(const Config& config, std::string_view name) {
  const OptionDef* def = OptionTable::Get().Find(name);
  EXPECT_NE(def, nullptr) << name;
  return def == nullptr ? "" : FormatOption(*def, config);
}

// Sets like CONFIG SET; returns "" or the error text.
std::string Set(Config* config, std::string_view name, std::string_view value) {
  const OptionDef* def = OptionTable::Get().Find(name);
  if (def == nullptr) return "unknown";
  std::string error;
  return SetOptionFromString(*def, value, config, &error) ? "" : error;
}

TEST(OptionTable, DefaultsRenderAsRedis70ConfigGet) {
  // From CONFIG GET * on redis-server 7.0.15 started without a config file (port, dir and save
  // differ there only because of how that server was started).
  const std::pair<std::string_view, std::string_view> kExpected[] = {
      {"bind", "* -::*"},
      {"bind-source-addr", ""},
      {"port", "6379"},
      {"tcp-backlog", "511"},
      {"protected-mode", "yes"},
      {"timeout", "0"},
      {"tcp-keepalive", "300"},
      {"maxclients", "10000"},
      {"unixsocket", ""},
      {"unixsocketperm", "0"},
      {"daemonize", "no"},
      {"pidfile", ""},
      {"loglevel", "notice"},
      {"logfile", ""},
      {"databases", "16"},
      {"hz", "10"},
      {"dynamic-hz", "yes"},
      {"enable-debug-command", "no"},
      {"enable-protected-configs", "no"},
      {"enable-module-command", "no"},
      {"activerehashing", "yes"},
      {"active-expire-effort", "1"},
      {"supervised", "no"},
      {"always-show-logo", "no"},
      {"set-proc-title", "yes"},
      {"proc-title-template", "{title} {listen-addr} {server-mode}"},
      {"syslog-enabled", "no"},
      {"syslog-ident", "redis"},
      {"syslog-facility", "local0"},
      {"crash-log-enabled", "yes"},
      {"crash-memcheck-enabled", "yes"},
      {"disable-thp", "yes"},
      {"jemalloc-bg-thread", "yes"},
      {"oom-score-adj", "no"},
      {"oom-score-adj-values", "0 200 800"},
      {"io-threads", "1"},
      {"io-threads-do-reads", "no"},
      {"shutdown-timeout", "10"},
      {"latency-tracking", "yes"},
      {"latency-tracking-info-percentiles", "50 99 99.9"},
      {"tracking-table-max-keys", "1000000"},
      {"busy-reply-threshold", "5000"},
      {"ignore-warnings", ""},
      {"requirepass", ""},
      {"acllog-max-len", "128"},
      {"proto-max-bulk-len", "536870912"},
      {"client-query-buffer-limit", "1073741824"},
      {"client-output-buffer-limit",
       "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
      {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"},
      {"maxmemory-samples", "5"},
      {"maxmemory-eviction-tenacity", "10"},
      {"lfu-log-factor", "10"},
      {"lfu-decay-time", "1"},
      {"lazyfree-lazy-eviction", "no"},
      {"lazyfree-lazy-expire", "no"},
      {"lazyfree-lazy-server-del", "no"},
      {"lazyfree-lazy-user-del", "no"},
      {"lazyfree-lazy-user-flush", "no"},
      {"hash-max-listpack-entries", "512"},
      {"hash-max-listpack-value", "64"},
      {"list-max-listpack-size", "-2"},
      {"list-compress-depth", "0"},
      {"set-max-intset-entries", "512"},
      {"zset-max-listpack-entries", "128"},
      {"zset-max-listpack-value", "64"},
      {"hll-sparse-max-bytes", "3000"},
      {"stream-node-max-bytes", "4096"},
      {"stream-node-max-entries", "100"},
      {"slowlog-log-slower-than", "10000"},
      {"slowlog-max-len", "128"},
      {"latency-monitor-threshold", "0"},
      {"notify-keyspace-events", ""},
      {"dir", "."},
      {"dbfilename", "dump.rdb"},
      {"save", "3600 1 300 100 60 10000"},
      {"stop-writes-on-bgsave-error", "yes"},
      {"rdbcompression", "yes"},
      {"rdbchecksum", "yes"},
      {"rdb-del-sync-files", "no"},
      {"rdb-save-incremental-fsync", "yes"},
      {"rdb-key-save-delay", "0"},  // hidden: CONFIG GET by exact name only
      {"appendonly", "no"},
      {"appendfilename", "appendonly.aof"},
      {"appenddirname", "appendonlydir"},
      {"appendfsync", "everysec"},
      {"no-appendfsync-on-rewrite", "no"},
      {"auto-aof-rewrite-percentage", "100"},
      {"auto-aof-rewrite-min-size", "67108864"},
      {"aof-load-truncated", "yes"},
      {"aof-use-rdb-preamble", "yes"},
      {"aof-timestamp-enabled", "no"},
      {"aof-rewrite-incremental-fsync", "yes"},
      {"replicaof", ""},
      {"masterauth", ""},
      {"masteruser", ""},
      {"replica-read-only", "yes"},
      {"replica-serve-stale-data", "yes"},
      {"repl-backlog-size", "1048576"},
      {"repl-backlog-ttl", "3600"},
      {"replica-priority", "100"},
      {"repl-ping-replica-period", "10"},
      {"repl-timeout", "60"},
      {"repl-diskless-sync", "yes"},
      {"repl-diskless-sync-delay", "5"},
      {"repl-diskless-sync-max-replicas", "0"},
      {"repl-diskless-load", "disabled"},
      {"repl-disable-tcp-nodelay", "no"},
      {"min-replicas-to-write", "0"},
      {"min-replicas-max-lag", "10"},
      {"replica-announce-ip", ""},
      {"replica-announce-port", "0"},
      {"replica-announced", "yes"},
      {"replica-ignore-maxmemory", "yes"},
      {"replica-lazy-flush", "no"},
      {"cluster-enabled", "no"},
      {"cluster-config-file", "nodes.conf"},
      {"cluster-node-timeout", "15000"},
      {"cluster-port", "0"},
      {"cluster-replica-validity-factor", "10"},
      {"cluster-migration-barrier", "1"},
      {"cluster-require-full-coverage", "yes"},
      {"cluster-replica-no-failover", "no"},
      {"cluster-allow-reads-when-down", "no"},
      {"cluster-allow-pubsubshard-when-down", "yes"},
      {"cluster-allow-replica-migration", "yes"},
      {"cluster-preferred-endpoint-type", "ip"},
      {"cluster-announce-ip", ""},
      {"cluster-announce-hostname", ""},
      {"cluster-announce-port", "0"},
      {"cluster-announce-bus-port", "0"},
      {"cluster-announce-tls-port", "0"},
      {"cluster-link-sendbuf-limit", "0"},
      {"lua-time-limit", "5000"},
      {"hash-max-ziplist-entries", "512"},
      {"hash-max-ziplist-value", "64"},
      {"list-max-ziplist-size", "-2"},
      {"zset-max-ziplist-entries", "128"},
      {"zset-max-ziplist-value", "64"},
      {"slaveof", ""},
      {"slave-read-only", "yes"},
      {"slave-serve-stale-data", "yes"},
      {"slave-priority", "100"},
      {"repl-ping-slave-period", "10"},
      {"min-slaves-to-write", "0"},
      {"min-slaves-max-lag", "10"},
      {"slave-announce-ip", ""},
      {"slave-announce-port", "0"},
      {"slave-ignore-maxmemory", "yes"},
      {"slave-lazy-flush", "no"},
      {"cluster-slave-validity-factor", "10"},
      {"cluster-slave-no-failover", "no"},
  };
  Config config;
  std::set<std::string_view> seen;
  for (const auto& [name, value] : kExpected) {
    EXPECT_EQ(Get(config, name), value) << name;
    seen.insert(name);
  }
  for (const OptionDef& def : OptionTable::Get().all()) {
    EXPECT_TRUE(seen.count(def.name)) << def.name << " has no expected default";
    if (!def.alias.empty()) {
      EXPECT_TRUE(seen.count(def.alias)) << def.alias;
    }
  }
}

TEST(OptionTable, FindsNamesAndAliasesCaseInsensitively) {
  const OptionTable& table = OptionTable::Get();
  ASSERT_NE(table.Find("SLAVEOF"), nullptr);
  EXPECT_EQ(table.Find("slaveof")->name, "replicaof");
  EXPECT_EQ(table.Find("Hash-Max-Ziplist-Entries")->name, "hash-max-listpack-entries");
  EXPECT_EQ(table.Find("list-max-ziplist-size")->name, "list-max-listpack-size");
  EXPECT_EQ(table.Find("zset-max-ziplist-value")->name, "zset-max-listpack-value");
  EXPECT_EQ(table.Find("slave-read-only")->name, "replica-read-only");
  EXPECT_EQ(table.Find("nosuchoption"), nullptr);
}

TEST(OptionTable, AliasesShareTheField) {
  Config config;
  EXPECT_EQ(Set(&config, "hash-max-ziplist-entries", "100"), "");
  EXPECT_EQ(config.hash_max_listpack_entries, 100);
  EXPECT_EQ(Get(config, "hash-max-listpack-entries"), "100");
}

TEST(OptionTable, MemoryValuesTakeRedisUnits) {
  Config config;
  const std::pair<std::string_view, uint64_t> kCases[] = {
      {"0", 0},
      {"10b", 10},
      {"1k", 1000},
      {"1kb", 1024},
      {"10KB", 10240},
      {"1m", 1000000},
      {"1mb", 1048576},
      {"1g", 1000000000},
      {"1gb", 1073741824},
      {"", 0},
      {"18446744073709551615", UINT64_MAX},
  };
  for (const auto& [text, bytes] : kCases) {
    EXPECT_EQ(Set(&config, "maxmemory", text), "") << text;
    EXPECT_EQ(config.maxmemory, bytes) << text;
  }
  for (std::string_view bad : {"-1", "1.5mb", "10 ", "0x10", "1e3", "1tb", "abc"}) {
    EXPECT_EQ(Set(&config, "maxmemory", bad), "argument must be a memory value") << bad;
  }
  EXPECT_EQ(Set(&config, "proto-max-bulk-len", "100"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
}

TEST(OptionTable, IntegersFollowString2llAndRanges) {
  Config config;
  for (std::string_view bad : {"+5", " 5", "5.0", "0x10", "010", "-0", "", "abc"}) {
    EXPECT_EQ(Set(&config, "timeout", bad), "argument couldn't be parsed into an integer") << bad;
  }
  EXPECT_EQ(Set(&config, "timeout", "-1"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Set(&config, "maxclients", "0"), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(Set(&config, "slowlog-log-slower-than", "-2"),
            "argument must be between -1 and 9223372036854775807 inclusive");
  EXPECT_EQ(Set(&config, "port", "65536"), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(Set(&config, "list-max-listpack-size", "-6"), "");
  EXPECT_EQ(config.list_max_listpack_size, -6);
}

TEST(OptionTable, HzAndBacklogAreClampedSilently) {
  Config config;
  EXPECT_EQ(Set(&config, "hz", "1000"), "");
  EXPECT_EQ(Get(config, "hz"), "500");
  EXPECT_EQ(Set(&config, "hz", "0"), "");
  EXPECT_EQ(Get(config, "hz"), "1");
  EXPECT_EQ(Set(&config, "repl-backlog-size", "1k"), "");
  EXPECT_EQ(Get(config, "repl-backlog-size"), "16384");
}

TEST(OptionTable, BoolsAndEnumsAreCaseInsensitive) {
  Config config;
  EXPECT_EQ(Set(&config, "protected-mode", "No"), "");
  EXPECT_FALSE(config.protected_mode);
  EXPECT_EQ(Set(&config, "protected-mode", "1"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(Set(&config, "maxmemory-policy", "ALLKEYS-LRU"), "");
  EXPECT_EQ(config.maxmemory_policy, MaxmemoryPolicy::kAllkeysLru);
  EXPECT_EQ(Get(config, "maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(
      Set(&config, "maxmemory-policy", "foo"),
      "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
      "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(Set(&config, "loglevel", "WARNING"), "");
  EXPECT_EQ(config.loglevel, "warning");
  EXPECT_EQ(Set(&config, "appendfsync", "x"),
            "argument(s) must be one of the following: everysec, always, no");
}

TEST(OptionTable, SaveParsesPairsAndEmpty) {
  Config config;
  EXPECT_EQ(Set(&config, "save", "10 1 20 2"), "");
  EXPECT_EQ(Get(config, "save"), "10 1 20 2");
  EXPECT_EQ(Set(&config, "save", "01 +2"), "");
  EXPECT_EQ(Get(config, "save"), "1 2");
  EXPECT_EQ(Set(&config, "save", ""), "");
  EXPECT_TRUE(config.save.empty());
  for (std::string_view bad : {"10 1 20", "10 x", "0 1", "10 -1", "  10   1  "}) {
    EXPECT_EQ(Set(&config, "save", bad), "Invalid save parameters") << bad;
  }
  EXPECT_EQ(Set(&config, "save", "1 0"), "");
  EXPECT_EQ(Get(config, "save"), "1 0");
}

TEST(OptionTable, ClientOutputBufferLimitSetsClassesAndKeepsOthers) {
  Config config;
  EXPECT_EQ(Set(&config, "client-output-buffer-limit", "normal 1mb 2k 3"), "");
  EXPECT_EQ(Get(config, "client-output-buffer-limit"),
            "normal 1048576 2000 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(Set(&config, "client-output-buffer-limit", "slave 1 2 3 replica 4 5 6"), "");
  EXPECT_EQ(config.client_output_buffer_limit_replica.hard_bytes, 4u);
  EXPECT_EQ(Set(&config, "client-output-buffer-limit", "foo 1 2 3"),
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(Set(&config, "client-output-buffer-limit", "master 1 2 3"),
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(Set(&config, "client-output-buffer-limit", "normal 1 2"),
            "Wrong number of arguments in buffer limit configuration.");
  for (std::string_view bad : {"normal -1 2 3", "normal 1 2 -3", "normal 1x 2 3"}) {
    EXPECT_EQ(Set(&config, "client-output-buffer-limit", bad),
              "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        << bad;
  }
}

TEST(OptionTable, BindReplicaofAndNotifyEvents) {
  Config config;
  EXPECT_EQ(Set(&config, "bind", "127.0.0.1 -::1"), "");
  EXPECT_EQ(Get(config, "bind"), "127.0.0.1 -::1");
  EXPECT_EQ(Set(&config, "bind", "a b c d e f g h i j k l m n o p q"),
            "Too many bind addresses specified.");

  const OptionDef& replicaof = *OptionTable::Get().Find("replicaof");
  std::string error;
  std::vector<std::string> args = {"10.0.0.1", "7001"};
  ASSERT_TRUE(ParseOption(replicaof, args, false, &config, &error));
  EXPECT_EQ(Get(config, "slaveof"), "10.0.0.1 7001");
  args = {"host", "abc"};
  EXPECT_FALSE(ParseOption(replicaof, args, false, &config, &error));
  EXPECT_EQ(error, "Invalid master port");
  args = {"no", "one"};
  ASSERT_TRUE(ParseOption(replicaof, args, false, &config, &error));
  EXPECT_EQ(Get(config, "replicaof"), "");

  EXPECT_EQ(Set(&config, "notify-keyspace-events", "KEA"), "");
  EXPECT_EQ(Get(config, "notify-keyspace-events"), "AKE");
  EXPECT_EQ(Set(&config, "notify-keyspace-events", "$lshzxetmdnKE"), "");
  EXPECT_EQ(Get(config, "notify-keyspace-events"), "$lshzxetdnKEm");
  EXPECT_EQ(Set(&config, "notify-keyspace-events", "gn"), "");
  EXPECT_EQ(Get(config, "notify-keyspace-events"), "gn");
  EXPECT_EQ(Set(&config, "notify-keyspace-events", "xyz"),
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
}

TEST(OptionTable, StringValidatorsUseRedisTexts) {
  Config config;
  EXPECT_EQ(Set(&config, "cluster-announce-hostname", "a_b"),
            "Hostnames may only contain alphanumeric characters, hyphens or dots");
  EXPECT_EQ(Set(&config, "cluster-announce-hostname", "ab.c-d"), "");
  EXPECT_EQ(Set(&config, "proc-title-template", "{foo}"),
            "template format is invalid or contains unknown variables");
  EXPECT_EQ(Set(&config, "proc-title-template", ""),
            "template format is invalid or contains unknown variables");
  EXPECT_EQ(Set(&config, "dbfilename", "a/x.rdb"), "dbfilename can't be a path, just a filename");
  EXPECT_EQ(Set(&config, "dir", "/nonexistent-slotd-dir"), "No such file or directory");
  EXPECT_EQ(Set(&config, "oom-score-adj-values", "1 2"), "wrong number of arguments");
  EXPECT_EQ(Set(&config, "oom-score-adj-values", "1 2 3000"),
            "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
}

TEST(OptionTable, SplitArgsFollowsRedisQuoting) {
  std::vector<std::string> args;
  ASSERT_TRUE(SplitArgs("  set  \"a b\" 'c\\'d' \"\\x41\\n\" plain  ", &args));
  EXPECT_EQ(args, (std::vector<std::string>{"set", "a b", "c'd", "A\n", "plain"}));
  ASSERT_TRUE(SplitArgs("save \"\"", &args));
  EXPECT_EQ(args, (std::vector<std::string>{"save", ""}));
  EXPECT_FALSE(SplitArgs("port \"abc", &args));
  EXPECT_FALSE(SplitArgs("port \"abc\"x", &args));
  EXPECT_FALSE(SplitArgs("port 'abc", &args));
  ASSERT_TRUE(SplitArgs("", &args));
  EXPECT_TRUE(args.empty());
}

TEST(OptionTable, QuoteStringEscapesLikeSdscatrepr) {
  EXPECT_EQ(QuoteString("a b\"c"), "\"a b\\\"c\"");
  EXPECT_EQ(QuoteString(std::string("\n\x01\\", 3)), "\"\\n\\x01\\\\\"");
  EXPECT_EQ(FormatMemoryUnits(1073741824), "1gb");
  EXPECT_EQ(FormatMemoryUnits(16384), "16kb");
  EXPECT_EQ(FormatMemoryUnits(3000000), "3000000");
}

}  // namespace
}  // namespace slotd
