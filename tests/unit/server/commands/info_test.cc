// INFO: sections, their order and every field name and position of Redis 7.0.15's default INFO (taken
// from a live redis-server 7.0.15), plus slotd_version; section selection and values we can check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/server/command_harness.h"

namespace slotd::test {
namespace {

struct Section {
  std::string name;
  std::vector<std::string> keys;
  std::map<std::string, std::string> values;
};

// The text of an INFO bulk reply split into sections (CRLF lines, "# Name" headers).
std::vector<Section> ParseInfo(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  std::string text = reply.substr(start, reply.size() - start - 2);
  std::vector<Section> sections;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos) << "line without CRLF";
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.rfind("# ", 0) == 0) {
      sections.push_back({line.substr(2), {}, {}});
    } else if (!line.empty()) {
      size_t colon = line.find(':');
      sections.back().keys.push_back(line.substr(0, colon));
      sections.back().values[line.substr(0, colon)] = line.substr(colon + 1);
    }
  }
  return sections;
}

std::vector<std::string> Names(const std::vector<Section>& sections) {
  std::vector<std::string> names;
  for (const Section& s : sections) names.push_back(s.name);
  return names;
}

const std::vector<std::pair<std::string, std::vector<std::string>>> kRedisKeys = {
    {"Server",
     {"redis_version", "slotd_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id",
      "redis_mode", "os", "arch_bits", "monotonic_clock", "multiplexing_api", "atomicvar_api",
      "gcc_version", "process_id", "process_supervised", "run_id", "tcp_port", "server_time_usec",
      "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable",
      "config_file", "io_threads_active"}},
    {"Clients",
     {"connected_clients", "cluster_connections", "maxclients", "client_recent_max_input_buffer",
      "client_recent_max_output_buffer", "blocked_clients", "tracking_clients", "clients_in_timeout_table"}},
    {"Memory",
     {"used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human", "used_memory_peak",
      "used_memory_peak_human", "used_memory_peak_perc", "used_memory_overhead", "used_memory_startup",
      "used_memory_dataset", "used_memory_dataset_perc", "allocator_allocated", "allocator_active",
      "allocator_resident", "total_system_memory", "total_system_memory_human", "used_memory_lua",
      "used_memory_vm_eval", "used_memory_lua_human", "used_memory_scripts_eval",
      "number_of_cached_scripts", "number_of_functions", "number_of_libraries",
      "used_memory_vm_functions", "used_memory_vm_total", "used_memory_vm_total_human",
      "used_memory_functions", "used_memory_scripts", "used_memory_scripts_human", "maxmemory",
      "maxmemory_human", "maxmemory_policy", "allocator_frag_ratio", "allocator_frag_bytes",
      "allocator_rss_ratio", "allocator_rss_bytes", "rss_overhead_ratio", "rss_overhead_bytes",
      "mem_fragmentation_ratio", "mem_fragmentation_bytes", "mem_not_counted_for_evict",
      "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves",
      "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer", "mem_allocator",
      "active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects"}},
    {"Persistence",
     {"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age",
      "current_fork_perc", "current_save_keys_processed", "current_save_keys_total",
      "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
      "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves",
      "rdb_last_cow_size", "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled",
      "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
      "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
      "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size",
      "module_fork_in_progress", "module_fork_last_cow_size"}},
    {"Stats",
     {"total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
      "total_net_input_bytes", "total_net_output_bytes", "total_net_repl_input_bytes",
      "total_net_repl_output_bytes", "instantaneous_input_kbps", "instantaneous_output_kbps",
      "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps", "rejected_connections",
      "sync_full", "sync_partial_ok", "sync_partial_err", "expired_keys", "expired_stale_perc",
      "expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds", "evicted_keys",
      "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time",
      "keyspace_hits", "keyspace_misses", "pubsub_channels", "pubsub_patterns", "pubsubshard_channels",
      "latest_fork_usec", "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
      "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses",
      "total_active_defrag_time", "current_active_defrag_time", "tracking_total_keys",
      "tracking_total_items", "tracking_total_prefixes", "unexpected_error_replies",
      "total_error_replies", "dump_payload_sanitizations", "total_reads_processed",
      "total_writes_processed", "io_threaded_reads_processed", "io_threaded_writes_processed",
      "reply_buffer_shrinks", "reply_buffer_expands"}},
    {"Replication",
     {"role", "connected_slaves", "master_failover_state", "master_replid", "master_replid2",
      "master_repl_offset", "second_repl_offset", "repl_backlog_active", "repl_backlog_size",
      "repl_backlog_first_byte_offset", "repl_backlog_histlen"}},
    {"CPU",
     {"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
      "used_cpu_sys_main_thread", "used_cpu_user_main_thread"}},
};

TEST(Info, DefaultSectionsInRedisOrder) {
  CommandHarness h;
  std::vector<Section> sections = ParseInfo(h.Run({"INFO"}));
  EXPECT_EQ(Names(sections), (std::vector<std::string>{"Server", "Clients", "Memory", "Persistence", "Stats",
                                                        "Replication", "CPU", "Modules", "Errorstats", "Cluster",
                                                        "Keyspace"}));
}

TEST(Info, FieldNamesAndOrderMatchRedis) {
  CommandHarness h;
  std::vector<Section> sections = ParseInfo(h.Run({"INFO"}));
  for (const auto& [name, keys] : kRedisKeys) {
    auto it = std::find_if(sections.begin(), sections.end(), [&](const Section& s) { return s.name == name; });
    ASSERT_NE(it, sections.end()) << name;
    EXPECT_EQ(it->keys, keys) << name;
  }
}

TEST(Info, SectionsJoinedByAnEmptyLineWithCrlfEndings) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"INFO", "cluster"}), Bulk("# Cluster\r\ncluster_enabled:0\r\n"));
  EXPECT_EQ(h.Run({"INFO", "keyspace"}), Bulk("# Keyspace\r\n"));
  EXPECT_EQ(h.Run({"INFO", "nosuch"}), Bulk(""));
  std::string two = h.Run({"INFO", "CLUSTER", "keyspace"});
  EXPECT_EQ(two, Bulk("# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n"));
  h.client().reply.set_protocol(3);
  EXPECT_EQ(h.Run({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(Info, AllAndEverythingAddTheStatsSections) {
  CommandHarness h;
  std::vector<std::string> all = Names(ParseInfo(h.Run({"INFO", "all"})));
  EXPECT_EQ(all, (std::vector<std::string>{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                                           "CPU", "Modules", "Commandstats", "Errorstats", "Latencystats",
                                           "Cluster", "Keyspace"}));
  EXPECT_EQ(Names(ParseInfo(h.Run({"INFO", "everything"}))), all);
  EXPECT_EQ(Names(ParseInfo(h.Run({"INFO", "default", "commandstats"}))).size(), 12u);
}

TEST(Info, KeyspaceListsNonEmptyDatabases) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SET", "a", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "b", "1", "EX", "100"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SELECT", "3"}), Simple("OK"));
  EXPECT_EQ(h.Run({"SET", "c", "1"}), Simple("OK"));
  EXPECT_EQ(h.Run({"INFO", "keyspace"}),
            Bulk("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"));
}

TEST(Info, ServerValues) {
  CommandHarness h;
  h.AdvanceTime(90000);
  Section server = ParseInfo(h.Run({"INFO", "server"}))[0];
  EXPECT_EQ(server.values["redis_version"], "7.0.15");
  EXPECT_EQ(server.values["slotd_version"], "0.1.0");
  EXPECT_EQ(server.values["redis_mode"], "standalone");
  EXPECT_EQ(server.values["arch_bits"], "64");
  EXPECT_EQ(server.values["run_id"], h.server().run_id);
  EXPECT_EQ(server.values["run_id"].size(), 40u);
  EXPECT_EQ(server.values["tcp_port"], "6379");
  EXPECT_EQ(server.values["uptime_in_seconds"], "90");
  EXPECT_EQ(server.values["uptime_in_days"], "0");
  EXPECT_EQ(server.values["hz"], "10");
  EXPECT_EQ(server.values["process_id"], std::to_string(getpid()));
}

TEST(Info, ClusterModeIsReported) {
  Config config;
  config.cluster_enabled = true;
  CommandHarness h(config);
  EXPECT_EQ(ParseInfo(h.Run({"INFO", "server"}))[0].values["redis_mode"], "cluster");
  EXPECT_EQ(h.Run({"INFO", "cluster"}), Bulk("# Cluster\r\ncluster_enabled:1\r\n"));
}

TEST(Info, ClientsMemoryAndStatsValues) {
  Config config;
  config.maxmemory = 1536ULL << 20;
  CommandHarness h(config);
  h.NewClient();
  EXPECT_EQ(h.Run({"SET", "k", "v"}), Simple("OK"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"GET", "nokey"}), NullBulk());
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  std::vector<Section> s = ParseInfo(h.Run({"INFO", "clients", "memory", "stats", "persistence"}));
  EXPECT_EQ(s[0].values["connected_clients"], "2");
  EXPECT_EQ(s[0].values["blocked_clients"], "0");
  EXPECT_EQ(s[0].values["maxclients"], "10000");
  EXPECT_GT(std::stoll(s[1].values["used_memory"]), 0);
  EXPECT_GT(std::stoll(s[1].values["used_memory_rss"]), 0);
  EXPECT_EQ(s[1].values["maxmemory"], "1610612736");
  EXPECT_EQ(s[1].values["maxmemory_human"], "1.50G");
  EXPECT_EQ(s[1].values["maxmemory_policy"], "noeviction");
  EXPECT_EQ(s[2].values["rdb_changes_since_last_save"], "1");
  EXPECT_EQ(s[2].values["aof_enabled"], "0");
  EXPECT_EQ(s[3].values["keyspace_hits"], "1");
  EXPECT_EQ(s[3].values["keyspace_misses"], "1");
  EXPECT_EQ(s[3].values["total_error_replies"], "1");
  EXPECT_EQ(s[3].values["total_commands_processed"], "3");
}

TEST(Info, ReplicationOfAMaster) {
  CommandHarness h;
  Section repl = ParseInfo(h.Run({"INFO", "replication"}))[0];
  EXPECT_EQ(repl.values["role"], "master");
  EXPECT_EQ(repl.values["connected_slaves"], "0");
  EXPECT_EQ(repl.values["master_replid"].size(), 40u);
  EXPECT_EQ(repl.values["master_replid2"], std::string(40, '0'));
  EXPECT_EQ(repl.values["master_repl_offset"], "0");
  EXPECT_EQ(repl.values["repl_backlog_size"], "1048576");
}

TEST(Info, CpuTimesAreSecondsWithMicroseconds) {
  CommandHarness h;
  Section cpu = ParseInfo(h.Run({"INFO", "cpu"}))[0];
  const std::string& sys = cpu.values["used_cpu_sys"];
  ASSERT_GE(sys.size(), 8u);
  EXPECT_EQ(sys[sys.size() - 7], '.');
}

}  // namespace
}  // namespace slotd::test
