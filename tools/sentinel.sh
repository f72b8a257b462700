#!/usr/bin/env bash
# Runs the local sentinel example from conf/sentinel: a master (6379), two replicas (6380, 6381) and
# three sentinels (26379..26381) watching them as "mymaster", and demonstrates a failover. Usage:
#   tools/sentinel.sh [start] [--redis]   start in the background (--redis: redis-server 7.0 and
#                                         redis-sentinel 7.0 instead of slotd, same ports)
#   tools/sentinel.sh demo [--redis]      start if needed, write through a redis-py Sentinel client,
#                                         crash the master with DEBUG SEGFAULT, show +switch-master,
#                                         the promotion and the rewritten sentinel configs
#   tools/sentinel.sh stop                stop the processes recorded at start, by pid
#   tools/sentinel.sh status              show the recorded processes and who is master
# Environment: SLOTD_SENTINEL_DIR (run dir, default /tmp/slotd-sentinel; conf/sentinel is copied
# there so the sentinels' config rewrites never touch conf/), SENTINEL_DATA_PORT (default 6379; the
# replicas use +1 and +2), SENTINEL_PORT (default 26379; +1, +2), SLOTD_BUILD_DIR (default ./build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
run_dir=${SLOTD_SENTINEL_DIR:-/tmp/slotd-sentinel}
data_port=${SENTINEL_DATA_PORT:-6379}
sentinel_port=${SENTINEL_PORT:-26379}
build_dir=${SLOTD_BUILD_DIR:-$repo/build}
pids_file="$run_dir/pids"
# shellcheck source=lib/processes.sh
source "$repo/tools/lib/processes.sh"
python=/usr/bin/python3  # Debian's python3-redis lives there

master_addr() {
  redis-cli -p "$sentinel_port" --raw sentinel get-master-addr-by-name mymaster 2>/dev/null |
    paste -sd: -
}

status() {
  [ -f "$pids_file" ] || { echo "no sentinel example recorded in $run_dir"; return 0; }
  list_recorded
  echo "sentinel $sentinel_port says the master of mymaster is: $(master_addr)"
}

stop() {
  [ -f "$pids_file" ] || { echo "no sentinel example recorded in $run_dir"; return 0; }
  stop_recorded
  echo "stopped (configs and logs stay in $run_dir)"
}

# Copies conf/sentinel to the run dir, moving the ports when SENTINEL_*PORT ask for it.
copy_configs() {
  mkdir -p "$run_dir"
  local f
  for f in conf/sentinel/*; do
    sed -e "s/\b6379\b/$data_port/g" -e "s/\b6380\b/$((data_port + 1))/g" \
      -e "s/\b6381\b/$((data_port + 2))/g" \
      -e "s/\b26379\b/$sentinel_port/g; s/\b26380\b/$((sentinel_port + 1))/g" \
      -e "s/\b26381\b/$((sentinel_port + 2))/g" "$f" >"$run_dir/$(basename "$f")"
  done
}

start_data() {
  local i=$1 mode=$2 port=$(($1 + data_port)) node_dir
  node_dir="$run_dir/$port"  # the copied toml's `dir`
  mkdir -p "$node_dir"
  if [ "$mode" = redis ]; then
    local replica=()
    [ "$i" -gt 0 ] && replica=(--replicaof 127.0.0.1 "$data_port")
    (cd "$node_dir" && exec redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --repl-diskless-sync-delay 0 --enable-debug-command local "${replica[@]}" \
      >"$node_dir/redis.log" 2>&1) &
    echo "$port $! redis-server" >>"$pids_file"
    disown $!
  else
    # The toml names its dir relative to the start directory: run the node from $run_dir.
    (cd "$run_dir" && exec "$build_dir/slotd" "$run_dir/$((6379 + i)).toml" \
      >"$node_dir/slotd.log" 2>&1) &
    echo "$port $! $build_dir/slotd" >>"$pids_file"
    disown $!
  fi
}

start_sentinel() {
  local i=$1 mode=$2 port=$(($1 + sentinel_port)) conf
  conf="$run_dir/sentinel-$((26379 + i)).conf"
  if [ "$mode" = redis ]; then
    (cd "$run_dir" && exec redis-sentinel "$conf" >"$run_dir/sentinel-$((26379 + i)).log" 2>&1) &
    echo "$port $! redis-sentinel" >>"$pids_file"
  else
    (cd "$run_dir" && exec "$build_dir/slotd" "$conf" --sentinel \
      >"$run_dir/sentinel-$((26379 + i)).log" 2>&1) &
    echo "$port $! $build_dir/slotd" >>"$pids_file"
  fi
}

wait_port() {
  for _ in $(seq 100); do port_busy "$1" && return 0; sleep 0.1; done
  echo "nothing listens on port $1; see the logs in $run_dir" >&2
  return 1
}

start() {
  local mode=slotd
  [ "${1:-}" = "--redis" ] && mode=redis
  if [ -f "$pids_file" ] && [[ "$(status)" == *" running "* ]]; then
    echo "a sentinel example from $run_dir is already running; stop it first:" \
      "tools/sentinel.sh stop" >&2
    exit 1
  fi
  [ "$mode" = slotd ] && [ ! -x "$build_dir/slotd" ] && tools/build.sh
  local p
  for p in $data_port $((data_port + 1)) $((data_port + 2)) \
    $sentinel_port $((sentinel_port + 1)) $((sentinel_port + 2)); do
    if port_busy "$p"; then
      echo "port $p is in use; set SENTINEL_DATA_PORT / SENTINEL_PORT to other bases" >&2
      exit 1
    fi
  done
  # Old rewritten configs would make the sentinels remember an old failover.
  local d
  for d in "$data_port" $((data_port + 1)) $((data_port + 2)); do rm -rf "${run_dir:?}/$d"; done
  rm -f "$run_dir"/sentinel-*
  copy_configs
  : >"$pids_file"
  for i in 0 1 2; do start_data "$i" "$mode"; done
  for i in 0 1 2; do wait_port $((data_port + i)) || { stop; exit 1; }; done
  for i in 0 1 2; do start_sentinel "$i" "$mode"; done
  for i in 0 1 2; do wait_port $((sentinel_port + i)) || { stop; exit 1; }; done
  echo
  echo "Master 127.0.0.1:$data_port, replicas :$((data_port + 1)) :$((data_port + 2)); sentinels" \
    ":$sentinel_port..$((sentinel_port + 2)) (run dir $run_dir)."
  echo "Ask a sentinel: redis-cli -p $sentinel_port sentinel get-master-addr-by-name mymaster"
  echo "Stop it with:   tools/sentinel.sh stop"
}

# Waits until every sentinel knows both replicas and the two other sentinels.
wait_discovery() {
  local i n
  for _ in $(seq 300); do
    n=0
    for i in 0 1 2; do
      redis-cli -p $((sentinel_port + i)) sentinel master mymaster 2>/dev/null |
        paste - - | grep -qP '^num-other-sentinels\t2$' && n=$((n + 1))
    done
    [ "$n" = 3 ] && return 0
    sleep 0.1
  done
  echo "the sentinels did not discover each other within 30 s" >&2
  return 1
}

# A redis-py client that asks the sentinels for the master and keeps writing for $1 seconds,
# retrying on the errors a failover produces; prints one line per second.
write_through_sentinel() {
  "$python" - "$sentinel_port" "$1" <<'PY'
import sys, time
import redis
from redis.sentinel import Sentinel
base, seconds = int(sys.argv[1]), float(sys.argv[2])
sentinel = Sentinel([("127.0.0.1", base + i) for i in range(3)], socket_timeout=0.5)
master = sentinel.master_for("mymaster", socket_timeout=0.5)
ok = failed = n = 0
start = last = time.time()
while time.time() - start < seconds:
    try:
        master.set("demo:%d" % n, n)
        ok += 1
    except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
        failed += 1
        time.sleep(0.1)
    n += 1
    if time.time() - last >= 1:
        last = time.time()
        try:
            addr = "%s:%d" % sentinel.discover_master("mymaster")
        except redis.RedisError:
            addr = "?"
        print("t=%4.1fs  writes ok %6d  failed %4d  master %s" % (last - start, ok, failed, addr),
              flush=True)
    time.sleep(0.002)
print("done: %d writes acknowledged, %d failed while the master was down" % (ok, failed))
PY
}

demo() {
  if ! [ -f "$pids_file" ] || [[ "$(status)" != *" running "* ]]; then start "$@"; fi
  echo "== waiting for the sentinels to discover the replicas and each other"
  wait_discovery
  local old new
  old=$(master_addr)
  echo "== master of mymaster: $old"
  redis-cli -p "$sentinel_port" subscribe +sdown +odown +try-failover +elected-leader \
    +selected-slave +promoted-slave +failover-end +switch-master >"$run_dir/events.txt" 2>&1 &
  local events_pid=$!
  write_through_sentinel 20 >"$run_dir/writer.txt" 2>&1 &
  local writer_pid=$!
  sleep 2
  echo "== crashing the master with DEBUG SEGFAULT"
  redis-cli -p "${old##*:}" debug segfault >/dev/null 2>&1 || true
  for _ in $(seq 600); do
    new=$(master_addr)
    [ -n "$new" ] && [ "$new" != "$old" ] && break
    sleep 0.1
  done
  echo "== sentinels now name: $new (was $old)"
  sleep 2
  echo "== events received by a client of sentinel $sentinel_port (SUBSCRIBE +sdown ...):"
  grep -A2 '^message$' "$run_dir/events.txt" | grep -v -e '^message$' -e '^--$' | paste - - |
    sed 's/^/   /' || true
  kill "$events_pid" 2>/dev/null || true
  local leader
  leader=$(grep -l '+elected-leader' "$run_dir"/sentinel-*.log | head -1 || true)
  if [ -n "$leader" ]; then
    echo "== the failover as logged by the elected leader ($(basename "$leader")):"
    grep -E ' [#*] [-+][a-z-]+ ' "$leader" | sed -n '/+sdown master/,$p' | head -n 25 |
      sed 's/^/   /'
  fi
  local role
  role=$(redis-cli -p "${new##*:}" info replication | grep -E '^(role|connected_slaves)' |
    tr -d '\r' | paste -sd' ' -)
  echo "== the promoted replica: $role"
  echo "== rewritten config of sentinel $sentinel_port (sentinel lines):"
  grep '^sentinel ' "$run_dir/sentinel-26379.conf" | sed 's/^/   /'
  wait "$writer_pid" || true
  echo "== client writing through redis-py Sentinel.master_for('mymaster'):"
  sed 's/^/   /' "$run_dir/writer.txt"
  echo "The crashed master stays down; the example keeps running: tools/sentinel.sh status | stop"
}

case "${1:-start}" in
  start) shift || true; start "$@" ;;
  --redis) start --redis ;;
  demo) shift; demo "$@" ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: tools/sentinel.sh [start [--redis] | demo [--redis] | stop | status]" >&2
    exit 2
    ;;
esac
