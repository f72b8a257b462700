// INFO [section ...]: the Redis 7.0 report (server.c genRedisInfoString) with its section names, field
// names and field order, so that redis-cli, sentinel and monitoring tools parse it unchanged. Figures we
// do not track yet (fork, AOF, defrag, per-command stats) are reported as Redis reports them when idle.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "server/commands/arg_parse.h"
#include "server/commands/command_context.h"
#include "server/commands/command_stats_info.h"
#include "server/commands/command_table.h"
#include "server/commands/server_family.h"
#include "server/persistence/aof/aof.h"
#include "server/persistence/child_process.h"
#include "server/persistence/snapshots.h"
#include "server/replication/replication.h"

namespace slotd {

size_t ProcessRssBytes() {
  size_t rss_pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) rss_pages = resident;
    std::fclose(f);
  }
  return rss_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

namespace {

// Builds "# Section\r\nkey:value\r\n..." blocks separated by an empty line.
class InfoWriter {
 public:
  void Section(std::string_view title) {
    if (!text_.empty()) text_.append("\r\n");
    text_.append("# ");
    text_.append(title);
    text_.append("\r\n");
  }
  void Field(std::string_view key, std::string_view value) {
    text_.append(key);
    text_.push_back(':');
    text_.append(value);
    text_.append("\r\n");
  }
  void Field(std::string_view key, const char* value) { Field(key, std::string_view(value)); }
  void Field(std::string_view key, const std::string& value) { Field(key, std::string_view(value)); }
  void Field(std::string_view key, int64_t value) { Field(key, std::to_string(value)); }
  void Field(std::string_view key, uint64_t value) { Field(key, std::to_string(value)); }
  void Field(std::string_view key, int value) { Field(key, std::to_string(value)); }
  // "%.2f"-style fixed point (ratios, kbps) or "%.6f" (CPU seconds).
  void Fixed(std::string_view key, double value, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
    Field(key, std::string_view(buf));
  }
  // Several fields with the same value (counters we do not track are all zero).
  void Zeros(std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) Field(key, "0");
  }
  // Preformatted "key:value\r\n" lines from a subsystem.
  void Raw(std::string_view lines) { text_.append(lines); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ...
std::string BytesToHuman(uint64_t n) {
  static constexpr const char* kUnits = "KMGTP";
  if (n < 1024) return std::to_string(n) + "B";
  double d = static_cast<double>(n) / 1024;
  int unit = 0;
  while (d >= 1024 && unit < 4) {
    d /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%c", d, kUnits[unit]);
  return buf;
}

std::string_view PolicyName(MaxmemoryPolicy policy) {
  switch (policy) {
    case MaxmemoryPolicy::kVolatileLru: return "volatile-lru";
    case MaxmemoryPolicy::kAllkeysLru: return "allkeys-lru";
    case MaxmemoryPolicy::kVolatileLfu: return "volatile-lfu";
    case MaxmemoryPolicy::kAllkeysLfu: return "allkeys-lfu";
    case MaxmemoryPolicy::kVolatileRandom: return "volatile-random";
    case MaxmemoryPolicy::kAllkeysRandom: return "allkeys-random";
    case MaxmemoryPolicy::kVolatileTtl: return "volatile-ttl";
    case MaxmemoryPolicy::kNoEviction: return "noeviction";
  }
  return "noeviction";
}

int64_t WallClockUs() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
}

void ServerSection(const Server& server, InfoWriter& w, bool sentinel_mode = false) {
  struct utsname name {};
  uname(&name);
  int64_t uptime_s = (server.now_ms - server.start_time_ms) / 1000;
  w.Section("Server");
  w.Field("redis_version", "7.0.15");
  w.Field("slotd_version", "0.1.0");
  w.Field("redis_git_sha1", "00000000");
  w.Field("redis_git_dirty", "0");
  w.Field("redis_build_id", "0");
  w.Field("redis_mode", sentinel_mode ? "sentinel" : server.cluster_mode() ? "cluster" : "standalone");
  w.Field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  w.Field("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.Field("monotonic_clock", "POSIX clock_gettime");
  w.Field("multiplexing_api", "epoll");
  w.Field("atomicvar_api", "c11-builtin");
  w.Field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                             std::to_string(__GNUC_PATCHLEVEL__));
  w.Field("process_id", static_cast<int64_t>(getpid()));
  w.Field("process_supervised", "no");
  w.Field("run_id", server.run_id);
  w.Field("tcp_port", server.config.port);
  w.Field("server_time_usec", WallClockUs());
  w.Field("uptime_in_seconds", uptime_s);
  w.Field("uptime_in_days", uptime_s / (3600 * 24));
  w.Field("hz", server.config.hz);
  w.Field("configured_hz", server.config.hz);
  w.Field("lru_clock", (server.now_ms / 1000) & ((1 << 24) - 1));  // LRU_CLOCK_MAX, 1 s resolution
  w.Field("executable", server.executable);
  w.Field("config_file", server.config_file);
  w.Field("io_threads_active", "0");
}

void ClientsSection(const Server& server, InfoWriter& w) {
  int64_t connected = 0, in_timeout_table = 0;
  for (const auto& [id, c] : server.clients) {
    if (!c->is_replica || c->is_monitor) ++connected;
    if (c->blocked && c->block_deadline_ms != 0) ++in_timeout_table;
  }
  w.Section("Clients");
  w.Field("connected_clients", connected);
  w.Field("cluster_connections", "0");
  w.Field("maxclients", server.config.maxclients);
  w.Zeros({"client_recent_max_input_buffer", "client_recent_max_output_buffer"});
  w.Field("blocked_clients", static_cast<uint64_t>(server.blocked_clients()));
  w.Field("tracking_clients", static_cast<uint64_t>(server.tracking.clients()));
  w.Field("clients_in_timeout_table", in_timeout_table);
}

void MemorySection(const Server& server, InfoWriter& w) {
  uint64_t used = server.UsedMemory();
  uint64_t rss = ProcessRssBytes();
  uint64_t total_system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  double frag = used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0;
  w.Section("Memory");
  w.Field("used_memory", used);
  w.Field("used_memory_human", BytesToHuman(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", BytesToHuman(rss));
  w.Field("used_memory_peak", used);  // the peak is not sampled yet
  w.Field("used_memory_peak_human", BytesToHuman(used));
  w.Field("used_memory_peak_perc", "100.00%");
  w.Zeros({"used_memory_overhead", "used_memory_startup"});
  w.Field("used_memory_dataset", used);
  w.Field("used_memory_dataset_perc", "100.00%");
  for (std::string_view key : {"allocator_allocated", "allocator_active", "allocator_resident"}) {
    w.Field(key, used);
  }
  w.Field("total_system_memory", total_system);
  w.Field("total_system_memory_human", BytesToHuman(total_system));
  w.Zeros({"used_memory_lua", "used_memory_vm_eval"});
  w.Field("used_memory_lua_human", "0B");
  w.Zeros({"used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
           "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total"});
  w.Field("used_memory_vm_total_human", "0B");
  w.Zeros({"used_memory_functions", "used_memory_scripts"});
  w.Field("used_memory_scripts_human", "0B");
  w.Field("maxmemory", server.config.maxmemory);
  w.Field("maxmemory_human", BytesToHuman(server.config.maxmemory));
  w.Field("maxmemory_policy", PolicyName(server.config.maxmemory_policy));
  w.Field("allocator_frag_ratio", "1.00");
  w.Field("allocator_frag_bytes", "0");
  w.Field("allocator_rss_ratio", "1.00");
  w.Field("allocator_rss_bytes", "0");
  w.Fixed("rss_overhead_ratio", frag, 2);
  w.Field("rss_overhead_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  w.Fixed("mem_fragmentation_ratio", frag, 2);
  w.Field("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  w.Zeros({"mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers",
           "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer"});
  w.Field("mem_allocator", "libc");
  w.Zeros({"active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects"});
}

// The rdb_* lines (persistence/snapshots.h); without the subsystem (in-process tests) the idle values.
void RdbFields(const Server& server, InfoWriter& w) {
  const Snapshots* s = server.snapshots;
  w.Field("rdb_changes_since_last_save", server.dirty);
  w.Field("rdb_bgsave_in_progress", s != nullptr && s->background_save_in_progress() ? "1" : "0");
  w.Field("rdb_last_save_time", s != nullptr ? s->last_save_time() : server.start_time_ms / 1000);
  w.Field("rdb_last_bgsave_status", s == nullptr || s->last_bgsave_ok() ? "ok" : "err");
  w.Field("rdb_last_bgsave_time_sec", s != nullptr ? s->last_bgsave_time_sec() : -1);
  w.Field("rdb_current_bgsave_time_sec", s != nullptr ? s->current_bgsave_time_sec() : -1);
  w.Field("rdb_saves", s != nullptr ? s->rdb_saves() : 0);
  w.Field("rdb_last_cow_size", s != nullptr ? s->last_cow_size() : 0);
  w.Field("rdb_last_load_keys_expired", s != nullptr ? s->last_load_keys_expired() : 0);
  w.Field("rdb_last_load_keys_loaded", s != nullptr ? s->last_load_keys_loaded() : 0);
}

void PersistenceSection(const Server& server, InfoWriter& w) {
  w.Section("Persistence");
  w.Zeros({"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"});
  w.Field("current_fork_perc", "0.00");
  w.Zeros({"current_save_keys_processed", "current_save_keys_total"});
  RdbFields(server, w);
  if (server.aof != nullptr) {  // the aof_* lines (persistence/aof/aof.h)
    std::string fields;
    server.aof->AppendInfoFields(fields);
    w.Raw(fields);
    return;
  }
  w.Field("aof_enabled", server.config.appendonly ? "1" : "0");
  w.Zeros({"aof_rewrite_in_progress", "aof_rewrite_scheduled"});
  w.Field("aof_last_rewrite_time_sec", "-1");
  w.Field("aof_current_rewrite_time_sec", "-1");
  w.Field("aof_last_bgrewrite_status", "ok");
  w.Zeros({"aof_rewrites", "aof_rewrites_consecutive_failures"});
  w.Field("aof_last_write_status", "ok");
  w.Zeros({"aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size"});
}

void StatsSection(const Server& server, InfoWriter& w) {
  const ServerStats& s = server.stats;
  uint64_t hits = s.keyspace_hits, misses = s.keyspace_misses;
  for (const auto& db : server.dbs) {
    hits += db->hits;
    misses += db->misses;
  }
  uint64_t errors = s.total_error_replies;  // clients still connected have not folded theirs in yet
  for (const auto& [id, c] : server.clients) errors += c->reply.errors_written();
  w.Section("Stats");
  w.Field("total_connections_received", s.total_connections_received);
  w.Field("total_commands_processed", s.total_commands_processed);
  w.Field("instantaneous_ops_per_sec", "0");
  w.Field("total_net_input_bytes", s.total_net_input_bytes);
  w.Field("total_net_output_bytes", s.total_net_output_bytes);
  const Replication* repl = server.replication;
  w.Field("total_net_repl_input_bytes", repl != nullptr ? repl->repl_input_bytes() : 0);
  w.Field("total_net_repl_output_bytes", repl != nullptr ? repl->repl_output_bytes() : 0);
  for (std::string_view key : {"instantaneous_input_kbps", "instantaneous_output_kbps",
                               "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"}) {
    w.Field(key, "0.00");
  }
  w.Field("rejected_connections", s.rejected_connections);
  w.Field("sync_full", repl != nullptr ? repl->sync_full() : 0);
  w.Field("sync_partial_ok", repl != nullptr ? repl->sync_partial_ok() : 0);
  w.Field("sync_partial_err", repl != nullptr ? repl->sync_partial_err() : 0);
  w.Field("expired_keys", s.expired_keys);
  w.Field("expired_stale_perc", "0.00");
  w.Zeros({"expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds"});
  w.Field("evicted_keys", s.evicted_keys);
  w.Zeros({"evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time"});
  w.Field("keyspace_hits", hits);
  w.Field("keyspace_misses", misses);
  w.Field("pubsub_channels", static_cast<uint64_t>(server.pubsub.Channels("", false).size()));
  w.Field("pubsub_patterns", static_cast<uint64_t>(server.pubsub.NumPat()));
  w.Field("pubsubshard_channels", static_cast<uint64_t>(server.pubsub.Channels("", true).size()));
  w.Field("latest_fork_usec", server.child != nullptr ? server.child->latest_fork_usec() : 0);
  w.Field("total_forks", server.child != nullptr ? server.child->total_forks() : 0);
  w.Zeros({"migrate_cached_sockets", "slave_expires_tracked_keys",
           "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses",
           "total_active_defrag_time", "current_active_defrag_time"});
  w.Field("tracking_total_keys", static_cast<uint64_t>(server.tracking.total_keys()));
  w.Field("tracking_total_items", static_cast<uint64_t>(server.tracking.total_items()));
  w.Field("tracking_total_prefixes", static_cast<uint64_t>(server.tracking.total_prefixes()));
  w.Field("unexpected_error_replies", s.unexpected_error_replies);
  w.Field("total_error_replies", errors);
  w.Zeros({"dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
           "io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks",
           "reply_buffer_expands"});
}

// Field order from Redis 7.0 (reference/PROTOCOLS.md 6.5), from server/replication.
void ReplicationSection(const Server& server, InfoWriter& w) {
  w.Section("Replication");
  InfoFields fields;
  AppendReplicationInfo(server, &fields);
  for (const auto& [key, value] : fields) w.Field(key, value);
}

std::string Seconds(const timeval& tv) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
  return buf;
}

void CpuSection(InfoWriter& w) {
  struct rusage self {}, children {}, thread {};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  w.Section("CPU");
  w.Field("used_cpu_sys", Seconds(self.ru_stime));
  w.Field("used_cpu_user", Seconds(self.ru_utime));
  w.Field("used_cpu_sys_children", Seconds(children.ru_stime));
  w.Field("used_cpu_user_children", Seconds(children.ru_utime));
  w.Field("used_cpu_sys_main_thread", Seconds(thread.ru_stime));
  w.Field("used_cpu_user_main_thread", Seconds(thread.ru_utime));
}

void KeyspaceSection(const Server& server, InfoWriter& w) {
  w.Section("Keyspace");
  for (const auto& db : server.dbs) {
    size_t keys = db->size(), expires = db->expires_size();
    if (keys == 0 && expires == 0) continue;
    w.Field("db" + std::to_string(db->index()),
            "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) +
                ",avg_ttl=" + std::to_string(db->avg_ttl()));
  }
}

// Which sections to print: no argument means "default"; "all" and "everything" mean every section.
struct SectionSet {
  bool all = false;
  std::set<std::string, std::less<>> names;
  bool Has(std::string_view name) const { return all || names.count(name) > 0; }
};

SectionSet ParseSections(ArgList args) {
  static constexpr std::string_view kDefault[] = {"server", "clients",     "memory",     "persistence",
                                                  "stats",  "replication", "cpu",        "module_list",
                                                  "errorstats", "cluster", "keyspace"};
  SectionSet set;
  auto add_defaults = [&set] { set.names.insert(std::begin(kDefault), std::end(kDefault)); };
  if (args.size() == 1) add_defaults();
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "default")) {
      add_defaults();
    } else if (EqualsIgnoreCase(args[i], "all") || EqualsIgnoreCase(args[i], "everything")) {
      set.all = true;
    } else {
      set.names.insert(ToLower(args[i]));
    }
  }
  return set;
}

void Info(CommandContext& ctx, ArgList args) {
  const Server& server = ctx.server();
  SectionSet sections = ParseSections(args);
  InfoWriter w;
  if (sections.Has("server")) ServerSection(server, w);
  if (sections.Has("clients")) ClientsSection(server, w);
  if (sections.Has("memory")) MemorySection(server, w);
  if (sections.Has("persistence")) PersistenceSection(server, w);
  if (sections.Has("stats")) StatsSection(server, w);
  if (sections.Has("replication")) ReplicationSection(server, w);
  if (sections.Has("cpu")) CpuSection(w);
  if (sections.Has("module_list") || sections.Has("modules")) w.Section("Modules");
  if (sections.Has("commandstats")) {
    w.Section("Commandstats");
    w.Raw(CommandStatsLines(server.commands));
  }
  if (sections.Has("errorstats")) {
    w.Section("Errorstats");
    for (const auto& [code, count] : server.stats.error_codes) {
      w.Field("errorstat_" + code, "count=" + std::to_string(count));
    }
  }
  if (sections.Has("latencystats")) {
    w.Section("Latencystats");
    w.Raw(LatencyStatsLines(server.commands, server.config.latency_tracking_info_percentiles));
  }
  if (sections.Has("cluster")) {
    w.Section("Cluster");
    w.Field("cluster_enabled", server.cluster_mode() ? "1" : "0");
  }
  if (sections.Has("keyspace")) KeyspaceSection(server, w);
  ctx.reply().Verbatim(w.text());
}

}  // namespace

std::string InfoSectionText(const Server& server, std::string_view section, bool sentinel_mode) {
  InfoWriter w;
  if (section == "server") ServerSection(server, w, sentinel_mode);
  if (section == "clients") ClientsSection(server, w);
  if (section == "stats") StatsSection(server, w);
  if (section == "cpu") CpuSection(w);
  return w.text();
}

void RegisterInfoCommand(CommandTable& table) {
  table.Register(MakeSpec("info", -1, kCmdLoading | kCmdStale | kCmdSentinel, Info, "@slow @dangerous", "server",
                          "Get information and statistics about the server", "1.0.0", "O(1)"));
}

}  // namespace slotd
