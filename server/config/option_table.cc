// The rows of the option table: every configurable field of Config with its Redis name, aliases,
// type, range and mutability (ranges and texts as in Redis 7.0's config.c), and the lookup by name.
#include "server/config/option_table.h"

#include <climits>
#include <type_traits>

#include "server/commands/arg_parse.h"
#include "server/config/option_specials.h"

namespace slotd {
namespace {

namespace sp = config_specials;

// Builds one row; the chained calls add what most rows do not need.
struct Row {
  OptionDef def;
  Row Alias(std::string_view alias) const {
    Row r = *this;
    r.def.alias = alias;
    return r;
  }
  Row Flags(uint32_t flags) const {
    Row r = *this;
    r.def.flags |= flags;
    return r;
  }
  Row Immutable() const { return Flags(kOptImmutable); }
  Row Protected() const { return Flags(kOptProtected); }
  Row Validate(StringValidator validate) const {
    Row r = *this;
    r.def.validate = validate;
    return r;
  }
  Row Normalize(void (*normalize)(Config&)) const {
    Row r = *this;
    r.def.normalize = normalize;
    return r;
  }
};

Row Make(std::string_view name, OptionType type) {
  Row r;
  r.def.name = name;
  r.def.type = type;
  return r;
}

Row Bool(std::string_view name, bool Config::*field) {
  Row r = Make(name, OptionType::kBool);
  r.def.bool_field = field;
  return r;
}

template <typename Field>
Row Numeric(std::string_view name, OptionType type, Field Config::*field, int64_t min,
            int64_t max) {
  Row r = Make(name, type);
  if constexpr (std::is_same_v<Field, int>) {
    r.def.int_field = field;
  } else {
    r.def.int64_field = field;
  }
  r.def.min = min;
  r.def.max = max;
  return r;
}

template <typename Field>
Row Int(std::string_view name, Field Config::*field, int64_t min, int64_t max) {
  return Numeric(name, OptionType::kInt, field, min, max);
}

Row Memory(std::string_view name, int64_t Config::*field, int64_t min, int64_t max) {
  return Numeric(name, OptionType::kMemory, field, min, max);
}

Row Memory(std::string_view name, uint64_t Config::*field) {
  Row r = Make(name, OptionType::kMemory);
  r.def.uint64_field = field;
  r.def.flags = kOptUnsigned;
  return r;
}

Row String(std::string_view name, std::string Config::*field) {
  Row r = Make(name, OptionType::kString);
  r.def.string_field = field;
  return r;
}

Row Enum(std::string_view name, std::string Config::*field, std::span<const EnumChoice> choices) {
  Row r = Make(name, OptionType::kEnum);
  r.def.string_field = field;
  r.def.choices = choices;
  return r;
}

// An enum stored as an enum class member: the accessors are instantiated per member.
template <auto Field>
Row Enum(std::string_view name, std::span<const EnumChoice> choices) {
  Row r = Make(name, OptionType::kEnum);
  r.def.choices = choices;
  r.def.get_enum = [](const Config& c) { return static_cast<int>(c.*Field); };
  r.def.set_enum = [](Config& c, int v) {
    using Value = std::remove_reference_t<decltype(c.*Field)>;
    c.*Field = static_cast<Value>(v);
  };
  return r;
}

Row Special(std::string_view name, OptionParser parse, OptionFormatter format, OptionLines lines) {
  Row r = Make(name, OptionType::kSpecial);
  r.def.parse = parse;
  r.def.format = format;
  r.def.rewrite_lines = lines;
  return r;
}

template <typename E>
constexpr EnumChoice C(std::string_view name, E value) {
  return {name, static_cast<int>(value)};
}

using MP = MaxmemoryPolicy;
constexpr EnumChoice kPolicyChoices[] = {
    C("volatile-lru", MP::kVolatileLru),       C("volatile-lfu", MP::kVolatileLfu),
    C("volatile-random", MP::kVolatileRandom), C("volatile-ttl", MP::kVolatileTtl),
    C("allkeys-lru", MP::kAllkeysLru),         C("allkeys-lfu", MP::kAllkeysLfu),
    C("allkeys-random", MP::kAllkeysRandom),   C("noeviction", MP::kNoEviction),
};
constexpr EnumChoice kProtectedAction[] = {C("no", DebugCommandPolicy::kNo),
                                           C("yes", DebugCommandPolicy::kYes),
                                           C("local", DebugCommandPolicy::kLocal)};
constexpr EnumChoice kLogLevels[] = {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
constexpr EnumChoice kAppendFsync[] = {{"everysec", 0}, {"always", 1}, {"no", 2}};
constexpr EnumChoice kSyslogFacility[] = {{"user", 0},   {"local0", 1}, {"local1", 2},
                                          {"local2", 3}, {"local3", 4}, {"local4", 5},
                                          {"local5", 6}, {"local6", 7}, {"local7", 8}};
constexpr EnumChoice kSupervised[] = {
    C("upstart", SupervisedMode::kUpstart), C("systemd", SupervisedMode::kSystemd),
    C("auto", SupervisedMode::kAuto), C("no", SupervisedMode::kNo)};
constexpr EnumChoice kDisklessLoad[] = {C("disabled", ReplDisklessLoad::kDisabled),
                                        C("on-empty-db", ReplDisklessLoad::kOnEmptyDb),
                                        C("swapdb", ReplDisklessLoad::kSwapDb)};
constexpr EnumChoice kEndpointType[] = {
    C("ip", ClusterEndpointType::kIp), C("hostname", ClusterEndpointType::kHostname),
    C("unknown-endpoint", ClusterEndpointType::kUnknownEndpoint)};
constexpr EnumChoice kOomScoreAdj[] = {C("no", OomScoreAdj::kNo), C("yes", OomScoreAdj::kYes),
                                       C("relative", OomScoreAdj::kRelative),
                                       C("absolute", OomScoreAdj::kAbsolute)};

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kLongMax = LLONG_MAX;
constexpr int64_t kMiB = 1024 * 1024;
using Cfg = Config;

std::vector<Row> NetworkAndGeneralRows() {
  return {
      Special("bind", sp::ParseBind, sp::FormatBind, sp::BindLines).Flags(kOptMultiArg),
      String("bind-source-addr", &Cfg::bind_source_addr),
      Int("port", &Cfg::port, 0, 65535),
      Int("tcp-backlog", &Cfg::tcp_backlog, 0, kIntMax).Immutable(),
      Bool("protected-mode", &Cfg::protected_mode),
      Int("timeout", &Cfg::timeout, 0, kIntMax),
      Int("tcp-keepalive", &Cfg::tcp_keepalive, 0, kIntMax),
      Int("maxclients", &Cfg::maxclients, 1, UINT_MAX),
      String("unixsocket", &Cfg::unixsocket).Immutable(),
      Int("unixsocketperm", &Cfg::unixsocketperm, 0, 0777).Flags(kOptOctal | kOptImmutable),
      Bool("daemonize", &Cfg::daemonize).Immutable(),
      String("pidfile", &Cfg::pidfile).Immutable(),
      Enum("loglevel", &Cfg::loglevel, kLogLevels),
      String("logfile", &Cfg::logfile).Immutable(),
      Int("databases", &Cfg::databases, 1, kIntMax).Immutable(),
      Int("hz", &Cfg::hz, 0, kIntMax).Normalize(sp::ClampHz),
      Bool("dynamic-hz", &Cfg::dynamic_hz),
      Enum<&Cfg::enable_debug_command>("enable-debug-command", kProtectedAction).Immutable(),
      Enum<&Cfg::enable_protected_configs>("enable-protected-configs", kProtectedAction)
          .Immutable(),
      Enum<&Cfg::enable_module_command>("enable-module-command", kProtectedAction).Immutable(),
      Bool("activerehashing", &Cfg::activerehashing),
      Int("active-expire-effort", &Cfg::active_expire_effort, 1, 10),
      Enum<&Cfg::supervised>("supervised", kSupervised).Immutable(),
      Bool("always-show-logo", &Cfg::always_show_logo).Immutable(),
      Bool("set-proc-title", &Cfg::set_proc_title).Immutable(),
      String("proc-title-template", &Cfg::proc_title_template)
          .Validate(sp::ValidateProcTitleTemplate),
      Bool("syslog-enabled", &Cfg::syslog_enabled).Immutable(),
      String("syslog-ident", &Cfg::syslog_ident).Immutable(),
      Enum("syslog-facility", &Cfg::syslog_facility, kSyslogFacility).Immutable(),
      Bool("crash-log-enabled", &Cfg::crash_log_enabled),
      Bool("crash-memcheck-enabled", &Cfg::crash_memcheck_enabled),
      Bool("disable-thp", &Cfg::disable_thp).Immutable(),
      Bool("jemalloc-bg-thread", &Cfg::jemalloc_bg_thread),
      Enum<&Cfg::oom_score_adj>("oom-score-adj", kOomScoreAdj),
      Special("oom-score-adj-values", sp::ParseOomScoreAdjValues, sp::FormatOomScoreAdjValues,
              sp::OomScoreAdjValuesLines)
          .Flags(kOptMultiArg),
      Int("io-threads", &Cfg::io_threads, 1, 128).Immutable(),
      Bool("io-threads-do-reads", &Cfg::io_threads_do_reads).Immutable(),
      Int("shutdown-timeout", &Cfg::shutdown_timeout, 0, kIntMax),
      Bool("latency-tracking", &Cfg::latency_tracking),
      Special("latency-tracking-info-percentiles", sp::ParsePercentiles, sp::FormatPercentiles,
              sp::PercentilesLines)
          .Flags(kOptMultiArg),
      Int("tracking-table-max-keys", &Cfg::tracking_table_max_keys, 0, kLongMax),
      Int("busy-reply-threshold", &Cfg::busy_reply_threshold, 0, kLongMax).Alias("lua-time-limit"),
      String("ignore-warnings", &Cfg::ignore_warnings),
      String("requirepass", &Cfg::requirepass),
      Int("acllog-max-len", &Cfg::acllog_max_len, 0, kLongMax),
      Memory("proto-max-bulk-len", &Cfg::proto_max_bulk_len, kMiB, kLongMax),
      Memory("client-query-buffer-limit", &Cfg::client_query_buffer_limit, kMiB, kLongMax),
      Special("client-output-buffer-limit", sp::ParseOutputBufferLimit, sp::FormatOutputBufferLimit,
              sp::OutputBufferLimitLines)
          .Flags(kOptMultiArg),
  };
}

std::vector<Row> MemoryAndEncodingRows() {
  return {
      Memory("maxmemory", &Cfg::maxmemory),
      Enum<&Cfg::maxmemory_policy>("maxmemory-policy", kPolicyChoices),
      Int("maxmemory-samples", &Cfg::maxmemory_samples, 1, kIntMax),
      Int("maxmemory-eviction-tenacity", &Cfg::maxmemory_eviction_tenacity, 0, 100),
      Int("lfu-log-factor", &Cfg::lfu_log_factor, 0, kIntMax),
      Int("lfu-decay-time", &Cfg::lfu_decay_time, 0, kIntMax),
      Bool("lazyfree-lazy-eviction", &Cfg::lazyfree_lazy_eviction),
      Bool("lazyfree-lazy-expire", &Cfg::lazyfree_lazy_expire),
      Bool("lazyfree-lazy-server-del", &Cfg::lazyfree_lazy_server_del),
      Bool("lazyfree-lazy-user-del", &Cfg::lazyfree_lazy_user_del),
      Bool("lazyfree-lazy-user-flush", &Cfg::lazyfree_lazy_user_flush),
      Int("hash-max-listpack-entries", &Cfg::hash_max_listpack_entries, 0, kLongMax)
          .Alias("hash-max-ziplist-entries"),
      Memory("hash-max-listpack-value", &Cfg::hash_max_listpack_value, 0, kLongMax)
          .Alias("hash-max-ziplist-value"),
      Int("list-max-listpack-size", &Cfg::list_max_listpack_size, INT_MIN, kIntMax)
          .Alias("list-max-ziplist-size"),
      Int("list-compress-depth", &Cfg::list_compress_depth, 0, kIntMax),
      Int("set-max-intset-entries", &Cfg::set_max_intset_entries, 0, kLongMax),
      Int("zset-max-listpack-entries", &Cfg::zset_max_listpack_entries, 0, kLongMax)
          .Alias("zset-max-ziplist-entries"),
      Memory("zset-max-listpack-value", &Cfg::zset_max_listpack_value, 0, kLongMax)
          .Alias("zset-max-ziplist-value"),
      Memory("hll-sparse-max-bytes", &Cfg::hll_sparse_max_bytes, 0, kLongMax),
      Memory("stream-node-max-bytes", &Cfg::stream_node_max_bytes, 0, kLongMax),
      Int("stream-node-max-entries", &Cfg::stream_node_max_entries, 0, kLongMax),
      Int("slowlog-log-slower-than", &Cfg::slowlog_log_slower_than, -1, kLongMax),
      Int("slowlog-max-len", &Cfg::slowlog_max_len, 0, kLongMax),
      Int("latency-monitor-threshold", &Cfg::latency_monitor_threshold, 0, kLongMax),
      Special("notify-keyspace-events", sp::ParseNotifyEvents, sp::FormatNotifyEvents,
              sp::NotifyEventsLines),
  };
}

std::vector<Row> PersistenceAndReplicationRows() {
  return {
      String("dir", &Cfg::dir)
          .Protected()
          .Validate(sp::ValidateDirectory)
          .Normalize(sp::AbsoluteDir)
          .Flags(kOptAlwaysRewrite),
      String("dbfilename", &Cfg::dbfilename).Protected().Validate(sp::ValidateDbFilename),
      Special("save", sp::ParseSave, sp::FormatSave, sp::SaveLines)
          .Flags(kOptMultiArg | kOptAlwaysRewrite),
      Bool("stop-writes-on-bgsave-error", &Cfg::stop_writes_on_bgsave_error),
      Bool("rdbcompression", &Cfg::rdbcompression),
      Bool("rdbchecksum", &Cfg::rdbchecksum),
      Bool("rdb-del-sync-files", &Cfg::rdb_del_sync_files),
      Bool("rdb-save-incremental-fsync", &Cfg::rdb_save_incremental_fsync),
      Int("rdb-key-save-delay", &Cfg::rdb_key_save_delay, INT_MIN, kIntMax).Flags(kOptHidden),
      Bool("appendonly", &Cfg::appendonly),
      String("appendfilename", &Cfg::appendfilename)
          .Immutable()
          .Validate(sp::ValidateAppendFilename),
      String("appenddirname", &Cfg::appenddirname).Immutable().Validate(sp::ValidateAppendDirname),
      Enum("appendfsync", &Cfg::appendfsync, kAppendFsync),
      Bool("no-appendfsync-on-rewrite", &Cfg::no_appendfsync_on_rewrite),
      Int("auto-aof-rewrite-percentage", &Cfg::auto_aof_rewrite_percentage, 0, kIntMax),
      Memory("auto-aof-rewrite-min-size", &Cfg::auto_aof_rewrite_min_size, 0, kLongMax),
      Bool("aof-load-truncated", &Cfg::aof_load_truncated),
      Bool("aof-use-rdb-preamble", &Cfg::aof_use_rdb_preamble),
      Bool("aof-timestamp-enabled", &Cfg::aof_timestamp_enabled),
      Bool("aof-rewrite-incremental-fsync", &Cfg::aof_rewrite_incremental_fsync),
      Special("replicaof", sp::ParseReplicaOf, sp::FormatReplicaOf, sp::ReplicaOfLines)
          .Alias("slaveof")
          .Flags(kOptMultiArg | kOptImmutable),
      String("masterauth", &Cfg::masterauth),
      String("masteruser", &Cfg::masteruser),
      Bool("replica-read-only", &Cfg::replica_read_only).Alias("slave-read-only"),
      Bool("replica-serve-stale-data", &Cfg::replica_serve_stale_data)
          .Alias("slave-serve-stale-data"),
      Memory("repl-backlog-size", &Cfg::repl_backlog_size, 1, kLongMax).Normalize(sp::ClampBacklog),
      Int("repl-backlog-ttl", &Cfg::repl_backlog_ttl, 0, kLongMax),
      Int("replica-priority", &Cfg::replica_priority, 0, kIntMax).Alias("slave-priority"),
      Int("repl-ping-replica-period", &Cfg::repl_ping_replica_period, 1, kIntMax)
          .Alias("repl-ping-slave-period"),
      Int("repl-timeout", &Cfg::repl_timeout, 1, kIntMax),
      Bool("repl-diskless-sync", &Cfg::repl_diskless_sync),
      Int("repl-diskless-sync-delay", &Cfg::repl_diskless_sync_delay, 0, kIntMax),
      Int("repl-diskless-sync-max-replicas", &Cfg::repl_diskless_sync_max_replicas, 0, kIntMax),
      Enum<&Cfg::repl_diskless_load>("repl-diskless-load", kDisklessLoad),
      Bool("repl-disable-tcp-nodelay", &Cfg::repl_disable_tcp_nodelay),
      Int("min-replicas-to-write", &Cfg::min_replicas_to_write, 0, kIntMax)
          .Alias("min-slaves-to-write"),
      Int("min-replicas-max-lag", &Cfg::min_replicas_max_lag, 0, kIntMax)
          .Alias("min-slaves-max-lag"),
      String("replica-announce-ip", &Cfg::replica_announce_ip).Alias("slave-announce-ip"),
      Int("replica-announce-port", &Cfg::replica_announce_port, 0, 65535)
          .Alias("slave-announce-port"),
      Bool("replica-announced", &Cfg::replica_announced),
      Bool("replica-ignore-maxmemory", &Cfg::replica_ignore_maxmemory)
          .Alias("slave-ignore-maxmemory"),
      Bool("replica-lazy-flush", &Cfg::replica_lazy_flush).Alias("slave-lazy-flush"),
  };
}

std::vector<Row> ClusterRows() {
  return {
      Bool("cluster-enabled", &Cfg::cluster_enabled).Immutable(),
      String("cluster-config-file", &Cfg::cluster_config_file).Immutable(),
      Int("cluster-node-timeout", &Cfg::cluster_node_timeout, 0, kLongMax),
      Int("cluster-port", &Cfg::cluster_port, 0, 65535).Immutable(),
      Int("cluster-replica-validity-factor", &Cfg::cluster_replica_validity_factor, 0, kIntMax)
          .Alias("cluster-slave-validity-factor"),
      Int("cluster-migration-barrier", &Cfg::cluster_migration_barrier, 0, kIntMax),
      Bool("cluster-require-full-coverage", &Cfg::cluster_require_full_coverage),
      Bool("cluster-replica-no-failover", &Cfg::cluster_replica_no_failover)
          .Alias("cluster-slave-no-failover"),
      Bool("cluster-allow-reads-when-down", &Cfg::cluster_allow_reads_when_down),
      Bool("cluster-allow-pubsubshard-when-down", &Cfg::cluster_allow_pubsubshard_when_down),
      Bool("cluster-allow-replica-migration", &Cfg::cluster_allow_replica_migration),
      Enum<&Cfg::cluster_preferred_endpoint_type>("cluster-preferred-endpoint-type", kEndpointType),
      String("cluster-announce-ip", &Cfg::cluster_announce_ip),
      String("cluster-announce-hostname", &Cfg::cluster_announce_hostname)
          .Validate(sp::ValidateHostname),
      Int("cluster-announce-port", &Cfg::cluster_announce_port, 0, 65535),
      Int("cluster-announce-bus-port", &Cfg::cluster_announce_bus_port, 0, 65535),
      Int("cluster-announce-tls-port", &Cfg::cluster_announce_tls_port, 0, 65535),
      Memory("cluster-link-sendbuf-limit", &Cfg::cluster_link_sendbuf_limit),
  };
}

}  // namespace

OptionTable::OptionTable() {
  for (auto rows :
       {NetworkAndGeneralRows, MemoryAndEncodingRows, PersistenceAndReplicationRows, ClusterRows}) {
    for (const Row& row : rows()) options_.push_back(row.def);
  }
}

const OptionTable& OptionTable::Get() {
  static const OptionTable* table = new OptionTable();
  return *table;
}

const OptionDef* OptionTable::Find(std::string_view name) const {
  for (const OptionDef& def : options_) {
    if (EqualsIgnoreCase(def.name, name) ||
        (!def.alias.empty() && EqualsIgnoreCase(def.alias, name))) {
      return &def;
    }
  }
  return nullptr;
}

}  // namespace slotd
