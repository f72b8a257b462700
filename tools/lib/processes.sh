# Bookkeeping for the example scripts (tools/cluster.sh, tools/sentinel.sh): processes they start are
# recorded as "port pid executable" lines in $pids_file and stopped by pid, never by name.
# Sourced; the caller sets pids_file.

# True when something accepts connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A recorded pid still belongs to the binary we started (pids can be reused after a crash).
ours() {
  local pid=$1 exe=$2
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$exe"
}

# Prints each recorded process and whether it still runs.
list_recorded() {
  local port pid exe state
  while read -r port pid exe; do
    if ours "$pid" "$exe"; then state=running; else state=stopped; fi
    echo "127.0.0.1:$port pid $pid $state ($exe)"
  done <"$pids_file"
}

# SIGTERMs every recorded process that is still ours, waits up to 10 s for each, then forgets them.
stop_recorded() {
  local port pid exe pids=()
  while read -r port pid exe; do
    if ours "$pid" "$exe"; then
      kill "$pid" && pids+=("$pid") && echo "stopping 127.0.0.1:$port (pid $pid)"
    fi
  done <"$pids_file"
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    if [ -d "/proc/$pid" ]; then echo "pid $pid did not stop in 10 s" >&2; return 1; fi
  done
  rm -f "$pids_file"
}
