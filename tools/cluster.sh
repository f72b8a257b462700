#!/usr/bin/env bash
# Starts a local six-node cluster (three masters, one replica each) from
# conf/cluster/7001..7006.toml in the background, joins it with `slotctl create --replicas 1`, and
# stops exactly the processes it started. Usage:
#   tools/cluster.sh [start] [--redis]   start (--redis: real redis-server 7.0 nodes, same ports)
#   tools/cluster.sh stop                stop the nodes recorded at start, by pid
#   tools/cluster.sh status              show the recorded nodes and whether they run
# Environment: SLOTD_CLUSTER_DIR (run dir, default /tmp/slotd-cluster), CLUSTER_BASE_PORT (default
# 7001; node i listens on base+i-1 and base+i-1+10000), SLOTD_BUILD_DIR (default ./build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
run_dir=${SLOTD_CLUSTER_DIR:-/tmp/slotd-cluster}
base_port=${CLUSTER_BASE_PORT:-7001}
build_dir=${SLOTD_BUILD_DIR:-$repo/build}
pids_file="$run_dir/pids"
# shellcheck source=lib/processes.sh
source "$repo/tools/lib/processes.sh"
nodes=6

port_of() { echo $((base_port + $1 - 1)); }

status() {
  [ -f "$pids_file" ] || { echo "no cluster recorded in $run_dir"; return 0; }
  list_recorded
}

stop() {
  [ -f "$pids_file" ] || { echo "no cluster recorded in $run_dir"; return 0; }
  stop_recorded
  echo "cluster stopped (data and logs stay in $run_dir)"
}

start_node() {
  local i=$1 mode=$2 port node_dir
  port=$(port_of "$i")
  node_dir="$run_dir/$((7000 + i))"
  mkdir -p "$node_dir"
  if [ "$mode" = redis ]; then
    (cd "$node_dir" && exec redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "nodes-$((7000 + i)).conf" --cluster-node-timeout 5000 \
      --cluster-require-full-coverage no --save '' --appendonly no \
      >"$node_dir/redis.log" 2>&1) &
    echo "$port $! redis-server" >>"$pids_file"
  else
    # The conf names its dir relative to the start directory: run the node from $run_dir.
    (cd "$run_dir" && exec "$build_dir/slotd" "$repo/conf/cluster/$((7000 + i)).toml" \
      --port "$port" >"$node_dir/slotd.log" 2>&1) &
    echo "$port $! $build_dir/slotd" >>"$pids_file"
  fi
}

start() {
  local mode=slotd
  [ "${1:-}" = "--redis" ] && mode=redis
  local recorded=""
  [ -f "$pids_file" ] && recorded=$(status)
  if [[ "$recorded" == *" running "* ]]; then
    echo "a cluster from $run_dir is already running; stop it first: tools/cluster.sh stop" >&2
    exit 1
  fi
  if [ ! -x "$build_dir/slotctl" ] || { [ "$mode" = slotd ] && [ ! -x "$build_dir/slotd" ]; }; then
    tools/build.sh
  fi
  for i in $(seq $nodes); do
    for p in "$(port_of "$i")" "$(($(port_of "$i") + 10000))"; do
      if port_busy "$p"; then
        echo "port $p is in use; set CLUSTER_BASE_PORT to another base" >&2
        exit 1
      fi
    done
  done
  # Stale nodes.conf files would make the new nodes remember an old cluster.
  mkdir -p "$run_dir"
  for i in $(seq $nodes); do rm -rf "${run_dir:?}/$((7000 + i))"; done
  : >"$pids_file"
  for i in $(seq $nodes); do start_node "$i" "$mode"; done
  local addrs=()
  for i in $(seq $nodes); do
    local port
    port=$(port_of "$i")
    for _ in $(seq 100); do port_busy "$port" && break; sleep 0.1; done
    if ! port_busy "$port"; then
      echo "node on port $port did not start; see $run_dir/$((7000 + i))/*.log" >&2
      stop; exit 1
    fi
    addrs+=("127.0.0.1:$port")
  done
  if ! "$build_dir/slotctl" create "${addrs[@]}" --replicas 1 --yes; then
    echo "slotctl create failed; the nodes are still running (tools/cluster.sh stop)" >&2
    exit 1
  fi
  echo
  local first
  first=$(port_of 1)
  echo "Cluster ready on 127.0.0.1:$first..$(port_of $nodes). Connect with: redis-cli -c -p $first"
  echo "Check it with: $build_dir/slotctl check 127.0.0.1:$first"
  echo "Stop it with:  tools/cluster.sh stop"
}

case "${1:-start}" in
  start) shift || true; start "$@" ;;
  --redis) start --redis ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: tools/cluster.sh [start [--redis] | stop | status]" >&2; exit 2 ;;
esac
