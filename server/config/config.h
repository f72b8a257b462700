// The server's configuration values, with Redis 7.0's defaults. Field names are Redis directive
// names with '-' -> '_'. The option table (config/option_table.*) maps names and aliases to these
// fields, parses files/arguments into them and implements CONFIG GET/SET/REWRITE.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slotd {

enum class MaxmemoryPolicy {
  kVolatileLru,
  kAllkeysLru,
  kVolatileLfu,
  kAllkeysLfu,
  kVolatileRandom,
  kAllkeysRandom,
  kVolatileTtl,
  kNoEviction,
};

enum class DebugCommandPolicy {
  kNo,
  kYes,
  kLocal
};  // also enable-protected-configs, enable-module-command

enum class ReplDisklessLoad { kDisabled, kOnEmptyDb, kSwapDb };
enum class ClusterEndpointType { kIp, kHostname, kUnknownEndpoint };
enum class OomScoreAdj { kNo, kYes, kRelative, kAbsolute };
enum class SupervisedMode { kNo, kUpstart, kSystemd, kAuto };

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};

struct SavePoint {
  int64_t seconds;
  int64_t changes;
};

struct Config {
  // Network.
  std::vector<std::string> bind = {"*", "-::*"};
  int port = 6379;
  int tcp_backlog = 511;
  bool protected_mode = true;
  int64_t timeout = 0;          // seconds idle before closing a client, 0 = never
  int64_t tcp_keepalive = 300;  // seconds
  int64_t maxclients = 10000;
  std::string unixsocket;
  int unixsocketperm = 0;  // octal in files; CONFIG GET shows it in decimal, like Redis
  std::string bind_source_addr;

  // General.
  bool daemonize = false;
  std::string pidfile;
  std::string loglevel = "notice";  // debug verbose notice warning
  std::string logfile;              // "" = stdout
  int databases = 16;
  int hz = 10;
  DebugCommandPolicy enable_debug_command = DebugCommandPolicy::kNo;
  DebugCommandPolicy enable_protected_configs =
      DebugCommandPolicy::kNo;  // dir, dbfilename via CONFIG SET
  DebugCommandPolicy enable_module_command = DebugCommandPolicy::kNo;
  bool dynamic_hz = true;
  bool activerehashing = true;
  int active_expire_effort = 1;  // 1..10
  SupervisedMode supervised = SupervisedMode::kNo;
  bool always_show_logo = false;
  bool set_proc_title = true;
  std::string proc_title_template = "{title} {listen-addr} {server-mode}";
  bool syslog_enabled = false;
  std::string syslog_ident = "redis";
  std::string syslog_facility = "local0";
  bool crash_log_enabled = true;
  bool crash_memcheck_enabled = true;
  bool disable_thp = true;
  bool jemalloc_bg_thread = true;
  OomScoreAdj oom_score_adj = OomScoreAdj::kNo;
  std::vector<int> oom_score_adj_values = {0, 200, 800};
  int io_threads = 1;
  bool io_threads_do_reads = false;
  int64_t shutdown_timeout = 10;  // seconds to wait for replicas on SHUTDOWN
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  int64_t busy_reply_threshold = 5000;  // ms (alias lua-time-limit)
  std::string ignore_warnings;

  // Security.
  std::string requirepass;
  int64_t acllog_max_len = 128;

  // Limits.
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  OutputBufferLimit client_output_buffer_limit_normal{0, 0, 0};
  OutputBufferLimit client_output_buffer_limit_replica{256ULL << 20, 64ULL << 20, 60};
  OutputBufferLimit client_output_buffer_limit_pubsub{32ULL << 20, 8ULL << 20, 60};

  // Memory.
  uint64_t maxmemory = 0;
  MaxmemoryPolicy maxmemory_policy = MaxmemoryPolicy::kNoEviction;
  int maxmemory_samples = 5;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  int maxmemory_eviction_tenacity = 10;
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE (not a config directive)
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;

  // Encodings.
  int64_t hash_max_listpack_entries = 512;  // Redis 7.0.15's compiled default
  int64_t hash_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;  // negative: -1..-5 = 4..64 KiB per node; positive: entries
  int64_t list_compress_depth = 0;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t hll_sparse_max_bytes = 3000;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;

  // Persistence (used by the persistence issue; parsed and reported now).
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appendfsync = "everysec";  // always everysec no
  std::string appenddirname = "appendonlydir";
  bool stop_writes_on_bgsave_error = true;
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool rdb_del_sync_files = false;
  bool rdb_save_incremental_fsync = true;
  int rdb_key_save_delay = 0;  // microseconds slept per key while saving (a hidden option tests use)
  bool no_appendfsync_on_rewrite = false;
  int auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_timestamp_enabled = false;
  bool aof_rewrite_incremental_fsync = true;

  // Replication.
  std::string replicaof_host;
  int replicaof_port = 0;
  std::string masterauth;
  bool replica_read_only = true;
  bool replica_serve_stale_data = true;
  int64_t repl_backlog_size = 1024 * 1024;
  int replica_priority = 100;
  std::string masteruser;
  int64_t repl_backlog_ttl = 3600;    // seconds
  int repl_ping_replica_period = 10;  // seconds
  int repl_timeout = 60;              // seconds
  bool repl_diskless_sync = true;
  int repl_diskless_sync_delay = 5;  // seconds
  int repl_diskless_sync_max_replicas = 0;
  ReplDisklessLoad repl_diskless_load = ReplDisklessLoad::kDisabled;
  bool repl_disable_tcp_nodelay = false;
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;  // seconds
  std::string replica_announce_ip;
  int replica_announce_port = 0;
  bool replica_announced = true;
  bool replica_ignore_maxmemory = true;
  bool replica_lazy_flush = false;

  // Slow log, latency.
  int64_t slowlog_log_slower_than = 10000;  // microseconds
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;

  // Client-side caching: keys the tracking table may remember before it invalidates some (0 = no limit).
  int64_t tracking_table_max_keys = 1000000;

  // Keyspace notifications: notify::Class bits (server/pubsub/keyspace_events.h), 0 = off.
  uint32_t notify_keyspace_events = 0;

  // Cluster.
  bool cluster_enabled = false;
  std::string cluster_config_file = "nodes.conf";
  int64_t cluster_node_timeout = 15000;  // ms
  int cluster_port = 0;                  // 0 = port + 10000
  int cluster_replica_validity_factor = 10;
  int cluster_migration_barrier = 1;
  bool cluster_require_full_coverage = true;
  bool cluster_replica_no_failover = false;
  bool cluster_allow_reads_when_down = false;
  bool cluster_allow_pubsubshard_when_down = true;
  bool cluster_allow_replica_migration = true;
  ClusterEndpointType cluster_preferred_endpoint_type = ClusterEndpointType::kIp;
  std::string cluster_announce_ip;
  std::string cluster_announce_hostname;
  int cluster_announce_port = 0;
  int cluster_announce_bus_port = 0;
  int cluster_announce_tls_port = 0;
  uint64_t cluster_link_sendbuf_limit = 0;  // bytes, 0 = unlimited
};

}  // namespace slotd
