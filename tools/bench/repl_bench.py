#!/usr/bin/env python3
"""Replication benchmark, slotd vs redis-server 7.0 side by side: full-sync time and replication lag.

For each implementation a master is filled with --keys keys (DEBUG POPULATE, 16-byte values), then a replica
of the same implementation is started and timed until it reports the link up with every key loaded; this is
done with diskless sync (the 7.0 default, repl-diskless-sync-delay 0) and disk-based sync (the master BGSAVEs
to its file, then streams it). Between the two, with the diskless replica online, redis-benchmark writes SETs at
pipeline 16 into the master while a sentinel-key probe measures the end-to-end replication lag (see lag_run).
Each round measures both servers (alternating which goes first); medians over the rounds and the per-round
ratios slotd/redis are printed as a markdown table.

Usage: tools/bench/repl_bench.py [--keys N] [--writes N] [--rounds R] [--lag-runs N] [--slotd PATH]
"""
import argparse
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402


def call(port, *args):
    payload = "*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(str(a)), a) for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(payload.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if data.startswith((b"+", b"-", b":")) and data.endswith(b"\r\n"):
                break
            if data.startswith(b"$") and b"\r\n" in data:
                length = int(data[1:data.index(b"\r\n")])
                if length < 0 or len(data) >= data.index(b"\r\n") + 2 + length + 2:
                    break
        return data.decode(errors="replace")


def info(port, section="replication"):
    text = call(port, "INFO", section)
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line and not line.startswith("$"))


def start(kind, port, slotd, extra):
    binary = "redis-server" if kind == "redis" else slotd
    workdir = tempfile.mkdtemp(prefix="slotd-replbench-%s-" % kind)
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", workdir, "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"] + extra
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.workdir = workdir
    try:
        compare.wait_ready(port, proc)
    except BaseException:
        stop(proc)
        raise
    return proc


def stop(proc):
    compare.stop(proc)
    shutil.rmtree(proc.workdir, ignore_errors=True)  # the RDB files of 1M keys add up


def full_sync_seconds(kind, master_port, slotd, diskless):
    keys = int(call(master_port, "DBSIZE").strip()[1:])
    port = compare.free_port()
    t0 = time.time()
    proc = start(kind, port, slotd, ["--replicaof", "127.0.0.1", str(master_port)])
    try:
        while True:
            r = info(port)
            if r.get("master_link_status") == "up" and call(port, "DBSIZE").strip() == ":%d" % keys:
                return time.time() - t0, proc, port
            if time.time() - t0 > 300:
                raise RuntimeError("%s replica did not sync (diskless=%s)" % (kind, diskless))
            time.sleep(0.02)
    except Exception:
        stop(proc)
        raise


PROBE_IDS = itertools.count(1)


class Conn:
    """One persistent RESP connection (the lag probes must not pay a TCP handshake each)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def call(self, *args):
        payload = "*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(str(a)), a) for a in args)
        self.sock.sendall(payload.encode())
        line = self._line()
        if line[:1] != b"$":
            return line.decode()
        length = int(line[1:])
        if length < 0:
            return None
        while len(self.buf) < length + 2:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:length], self.buf[length + 2:]
        return data.decode()

    def close(self):
        self.sock.close()


def lag_run(master_port, replica_port, writes):
    """Replication lag under load, measured end to end with a sentinel key.

    Every 20 ms, while redis-benchmark writes into the master, a probe SETs a fresh value on the master
    (through its own connection, so it queues behind the load like any client) and polls GET on the replica
    until the value arrives; the lag is the time from the master's reply to the replica showing it. Then,
    after the load ends, the catch-up time is the same probe once more (the last acknowledged write reaching
    the replica). Earlier versions compared INFO offsets read one after the other on fresh connections: the
    replica was read after the master had already flushed that batch, so the sampled gap was one event-loop
    batch (50 clients x 16 commands x 45 bytes = 36000 bytes) regardless of the replica.
    """
    lags = []
    done = threading.Event()
    master, replica = Conn(master_port), Conn(replica_port)

    def probe():
        value = "v%d" % next(PROBE_IDS)
        master.call("SET", "__lag_probe", value)
        t0 = time.perf_counter()
        while replica.call("GET", "__lag_probe") != value:
            if time.perf_counter() - t0 > 30:
                raise RuntimeError("replica never saw the probe")
        return time.perf_counter() - t0

    def sample():
        while not done.is_set():
            lags.append(probe())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        subprocess.run(["redis-benchmark", "-p", str(master_port), "-t", "set", "-n", str(writes), "-P", "16",
                        "-r", "1000000", "-q"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        done.set()
        sampler.join()
    catch_up = probe()
    master.close()
    replica.close()
    lags.sort()
    return lags[len(lags) // 2], lags[min(len(lags) - 1, int(len(lags) * 0.99))], catch_up, len(lags)


def measure(kind, args):
    master_port = compare.free_port()
    master = start(kind, master_port, args.slotd, [])
    results = {}
    try:
        call(master_port, "DEBUG", "POPULATE", args.keys, "key", 16)
        for diskless in ("yes", "no"):
            call(master_port, "CONFIG", "SET", "repl-diskless-sync", diskless)
            seconds, replica, replica_port = full_sync_seconds(kind, master_port, args.slotd, diskless)
            results["sync_" + diskless] = seconds
            if diskless == "yes":
                runs = [lag_run(master_port, replica_port, args.writes) for _ in range(args.lag_runs)]
                mid = len(runs) // 2  # medians over the runs: the box is shared
                results["lag_p50"] = sorted(run[0] for run in runs)[mid]
                results["lag_p99"] = sorted(run[1] for run in runs)[mid]
                results["catch_up"] = sorted(run[2] for run in runs)[mid]
                results["probes"] = sum(run[3] for run in runs)
            stop(replica)
    finally:
        stop(master)
    return results


ROWS = (("sync_yes", "full sync, diskless (s)", 1, "%.2f"),
        ("sync_no", "full sync, disk-based (s)", 1, "%.2f"),
        ("lag_p50", "replication lag under load, median probe (ms)", 1000, "%.2f"),
        ("lag_p99", "replication lag under load, p99 probe (ms)", 1000, "%.2f"),
        ("catch_up", "catch-up of the last write after the load (ms)", 1000, "%.2f"))


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--writes", type=int, default=500000)
    ap.add_argument("--rounds", type=int, default=3, help="side-by-side rounds; medians are reported")
    ap.add_argument("--lag-runs", type=int, default=3, help="lag runs per round (median taken)")
    ap.add_argument("--slotd", default=os.path.join(compare.ROOT, "build", "slotd"))
    args = ap.parse_args()
    rounds = []
    for k in range(args.rounds):
        order = ("redis", "slotd") if k % 2 == 0 else ("slotd", "redis")  # alternate who goes first
        res = {kind: measure(kind, args) for kind in order}
        rounds.append(res)
        print("round %d: " % (k + 1) + "; ".join(
            "%s redis %s slotd %s" % (key, fmt % (res["redis"][key] * scale), fmt % (res["slotd"][key] * scale))
            for key, _, scale, fmt in ROWS), flush=True)
    print("%d keys, %d SETs at pipeline 16 per lag run, %d rounds (medians)" % (args.keys, args.writes, args.rounds))
    print("| measure | redis | slotd | ratio | ratio per round |")
    print("|---|---|---|---|---|")
    for key, label, scale, fmt in ROWS:
        rv = median(r["redis"][key] for r in rounds) * scale
        sv = median(r["slotd"][key] for r in rounds) * scale
        per_round = ", ".join("%.2f" % (r["slotd"][key] / r["redis"][key]) if r["redis"][key] else "nan"
                              for r in rounds)
        ratio = median(r["slotd"][key] / r["redis"][key] for r in rounds if r["redis"][key])
        print(("| %s | " + fmt + " | " + fmt + " | %.2f | %s |") % (label, rv, sv, ratio, per_round))


if __name__ == "__main__":
    main()
