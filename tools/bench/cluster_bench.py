#!/usr/bin/env python3
"""Cluster benchmarks, slotd vs redis-server 7.0 side by side (issue 4 item 11); never a test, it reports.

Each run starts a fresh local cluster of one implementation (own ports, own directories; slotd joined with
`slotctl create`, redis with `redis-cli --cluster create`, both `--replicas 1`) and measures:
  failover  DEBUG SEGFAULT a master of a 3+3 cluster; seconds until its replica shows itself as master in
            CLUSTER NODES, until that replica reports cluster_state:ok, and until the first SET of a key
            of that slot, sent to the replica, answers +OK (probed every 10 ms), at the given
            cluster-node-timeout values;
  bench     `redis-benchmark --cluster -t set,get -P 16` throughput on a 3+3 cluster and the masters'
            CPU (utime+stime) per request;
  bus       cluster-bus traffic of an idle cluster of 6 and of 30 nodes: bytes written per second by all
            nodes (/proc/<pid>/io wchar; the clients are idle, so this is the bus) and messages sent per
            second (CLUSTER INFO cluster_stats_messages_sent).
Every measure runs --rounds times, alternating which implementation goes first; medians and the per-round
ratios slotd/redis are printed as markdown tables.

Usage: tools/bench/cluster_bench.py [--rounds R] [--only failover,bench,bus] [--timeouts 2000,5000]
                                    [--requests N] [--idle-seconds S] [--slotd PATH] [--slotctl PATH]
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
from repl_bench import Conn  # noqa: E402


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def pick_base(count):
    """A base port such that base..base+count-1 and their bus ports (+10000) are all free."""
    for _ in range(200):
        base = random.randrange(20000, 29000)
        if all(port_free(p) and port_free(p + 10000) for p in range(base, base + count)):
            return base
    raise RuntimeError("no free port range")


class Cluster:
    def __init__(self, kind, nodes, node_timeout, args):
        self.kind, self.args = kind, args
        self.dir = tempfile.mkdtemp(prefix="slotd-clusterbench-%s-" % kind)
        self.base = pick_base(nodes)
        self.ports = list(range(self.base, self.base + nodes))
        self.procs = {}
        binary = "redis-server" if kind == "redis" else args.slotd
        for port in self.ports:
            node_dir = os.path.join(self.dir, str(port))
            os.makedirs(node_dir)
            cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                   "--cluster-config-file", "nodes-%d.conf" % port, "--cluster-node-timeout", str(node_timeout),
                   "--save", "", "--appendonly", "no", "--dir", node_dir, "--loglevel", "notice",
                   "--enable-debug-command", "yes"]
            log = open(os.path.join(node_dir, "server.log"), "w")
            self.procs[port] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            for port in self.ports:
                compare.wait_ready(port, self.procs[port])
            addrs = ["127.0.0.1:%d" % p for p in self.ports]
            if kind == "redis":
                create = ["redis-cli", "--cluster", "create"] + addrs + ["--cluster-replicas", "1", "--cluster-yes"]
            else:
                create = [args.slotctl, "create"] + addrs + ["--replicas", "1", "--yes"]
            subprocess.run(create, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.wait_converged()
        except BaseException:
            self.stop()  # never leave the nodes started so far running
            raise

    def call(self, port, *cmd):
        c = Conn(port)
        try:
            return c.call(*cmd)
        finally:
            c.close()

    def nodes_view(self, port):
        """CLUSTER NODES of one node as a list of (id, port, flags, master id, slots text)."""
        out = []
        for line in self.call(port, "CLUSTER", "NODES").splitlines():
            f = line.split()
            out.append((f[0], int(f[1].split("@")[0].rsplit(":", 1)[1]), f[2], f[3], " ".join(f[8:])))
        return out

    def wait_converged(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            ok = True
            for port in self.ports:
                info = self.call(port, "CLUSTER", "INFO")
                if "cluster_state:ok" not in info or "cluster_known_nodes:%d" % len(self.ports) not in info:
                    ok = False
                    break
                view = self.nodes_view(port)
                replicas = sum("slave" in flags for _, _, flags, _, _ in view)
                if replicas != len(self.ports) // 2 or any(
                        "fail" in flags or "handshake" in flags for _, _, flags, _, _ in view):
                    ok = False
                    break
            if ok:
                return
            time.sleep(0.1)
        raise RuntimeError("%s cluster did not converge" % self.kind)

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def key_in_slots(port, slots_text):
    first, last = (int(x) for x in slots_text.split()[0].split("-"))
    conn = Conn(port)
    try:
        for i in range(100000):
            key = "fo:%d" % i
            if first <= int(conn.call("CLUSTER", "KEYSLOT", key)[1:]) <= last:
                return key
    finally:
        conn.close()
    raise RuntimeError("no key found")


def failover_once(kind, node_timeout, args):
    cluster = Cluster(kind, 6, node_timeout, args)
    try:
        view = cluster.nodes_view(cluster.ports[0])
        masters = {nid: (port, slots) for nid, port, flags, _, slots in view if "master" in flags}
        replica = next((port, master) for _, port, flags, master, _ in view if "slave" in flags)
        master_port, slots = masters[replica[1]]
        key = key_in_slots(master_port, slots)
        # A replica that never completed its first sync refuses to fail over (its data age is
        # unbounded): wait for the link (the default repl-diskless-sync-delay is 5 s).
        deadline = time.time() + 60
        while "master_link_status:up" not in cluster.call(replica[0], "INFO", "replication"):
            if time.time() > deadline:
                raise RuntimeError("%s replica never synced" % kind)
            time.sleep(0.05)
        cluster.call(master_port, "SET", key, "before")
        time.sleep(0.5)  # a few pings so every node has fresh PONG times from the master
        probe = Conn(replica[0])
        # The measure: DEBUG SEGFAULT of the master (both servers write a crash report).
        killer = Conn(master_port)
        killer.sock.sendall(b"*2\r\n$5\r\nDEBUG\r\n$8\r\nSEGFAULT\r\n")
        t0 = time.perf_counter()
        cluster.procs[master_port].wait(10)
        killer.close()
        promoted = state_ok = wrote = probe_reply = None
        while None in (promoted, state_ok, wrote) and time.perf_counter() - t0 < 20 * node_timeout / 1000:
            now = time.perf_counter() - t0
            if promoted is None:
                mine = next(v for v in cluster.nodes_view(replica[0]) if "myself" in v[2])
                if "master" in mine[2]:
                    promoted = now
            if promoted is not None and state_ok is None:
                if "cluster_state:ok" in cluster.call(replica[0], "CLUSTER", "INFO"):
                    state_ok = time.perf_counter() - t0
            if wrote is None:
                probe_reply = probe.call("SET", key, "x")
                if probe_reply == "+OK":
                    wrote = time.perf_counter() - t0
            time.sleep(0.01)
        probe.close()
        if None in (promoted, state_ok, wrote):
            raise RuntimeError("%s: no failover within 20 node timeouts (promoted %s, wrote %s, last %s)" % (
                kind, promoted, wrote, probe_reply))
        return {"promoted": promoted, "state_ok": state_ok, "first_write": wrote}
    finally:
        cluster.stop()


def bench_once(kind, args):
    cluster = Cluster(kind, 6, 15000, args)
    try:
        masters = [p for _, p, flags, _, _ in cluster.nodes_view(cluster.ports[0]) if "master" in flags]
        pids = [cluster.procs[p].pid for p in masters]
        result = {}
        for test in ("set", "get"):  # set first: the GETs then find the keys
            before = sum(compare.cpu_seconds(pid) for pid in pids)
            out = subprocess.run(["redis-benchmark", "--cluster", "-p", str(cluster.ports[0]), "-t", test,
                                  "-n", str(args.requests), "-P", "16", "-c", "50", "-r", "100000", "-q", "--csv"],
                                 capture_output=True, text=True, check=True).stdout
            used = sum(compare.cpu_seconds(pid) for pid in pids) - before
            m = re.search(r'"%s","([0-9.]+)"' % test.upper(), out)
            result[test + "_rps"] = float(m.group(1))
            result[test + "_us"] = used / args.requests * 1e6
        return result
    finally:
        cluster.stop()


def read_wchar(pid):
    with open("/proc/%d/io" % pid) as f:
        for line in f:
            if line.startswith("wchar:"):
                return int(line.split()[1])
    return 0


def sent_messages(cluster):
    total = 0
    for port in cluster.ports:
        m = re.search(r"cluster_stats_messages_sent:(\d+)", cluster.call(port, "CLUSTER", "INFO"))
        total += int(m.group(1)) if m else 0
    return total


def bus_once(kind, nodes, args):
    cluster = Cluster(kind, nodes, 15000, args)
    try:
        time.sleep(3)  # let the post-create burst (meets, updates, nodes.conf saves) pass
        pids = [proc.pid for proc in cluster.procs.values()]
        # The CLUSTER INFO replies are written outside the byte-count window.
        msgs0, m0 = sent_messages(cluster), time.time()
        bytes0, t0 = sum(read_wchar(p) for p in pids), time.time()
        time.sleep(args.idle_seconds)
        bytes1, t1 = sum(read_wchar(p) for p in pids), time.time()
        msgs1, m1 = sent_messages(cluster), time.time()
        return {"bytes_per_s": (bytes1 - bytes0) / (t1 - t0), "msgs_per_s": (msgs1 - msgs0) / (m1 - m0)}
    finally:
        cluster.stop()


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def side_by_side(title, rounds, fn, fields):
    """Runs fn(kind) for both implementations `rounds` times; prints per-round lines and a median table."""
    results = []
    for k in range(rounds):
        order = ("redis", "slotd") if k % 2 == 0 else ("slotd", "redis")
        res = {kind: fn(kind) for kind in order}
        results.append(res)
        print("  %s round %d: redis %s | slotd %s" % (title, k + 1, res["redis"], res["slotd"]), flush=True)
    lines = ["", "### " + title, "", "| measure | redis | slotd | ratio | ratio per round |", "|---|---|---|---|---|"]
    for key, label, fmt in fields:
        rv = median(r["redis"][key] for r in results)
        sv = median(r["slotd"][key] for r in results)
        ratios = [r["slotd"][key] / r["redis"][key] for r in results if r["redis"][key]]
        lines.append(("| %s | " + fmt + " | " + fmt + " | %.2f | %s |") % (
            label, rv, sv, median(ratios), ", ".join("%.2f" % x for x in ratios)))
    print("\n".join(lines), flush=True)
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="failover,bench,bus")
    ap.add_argument("--timeouts", default="2000,5000")
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--idle-seconds", type=float, default=20)
    ap.add_argument("--bus-nodes", default="6,30")
    ap.add_argument("--slotd", default=os.path.join(compare.ROOT, "build", "slotd"))
    slotctl = [os.path.join(compare.ROOT, "build", *p) for p in (("slotctl",), ("tools", "slotctl", "slotctl"))]
    ap.add_argument("--slotctl", default=next((p for p in slotctl if os.path.exists(p)), slotctl[0]))
    args = ap.parse_args()
    only = args.only.split(",")
    if "failover" in only:
        for nt in (int(x) for x in args.timeouts.split(",")):
            side_by_side("failover, 3+3 nodes, cluster-node-timeout %d" % nt, args.rounds,
                         lambda kind, nt=nt: failover_once(kind, nt, args),
                         (("promoted", "DEBUG SEGFAULT to replica promoted (s)", "%.2f"),
                          ("state_ok", "DEBUG SEGFAULT to cluster_state:ok on the promoted replica (s)", "%.2f"),
                          ("first_write", "DEBUG SEGFAULT to first SET +OK on the slot (s)", "%.2f")))
    if "bench" in only:
        side_by_side("redis-benchmark --cluster -t set,get -n %d -P 16 -c 50, 3+3 nodes" % args.requests,
                     args.rounds, lambda kind: bench_once(kind, args),
                     (("set_rps", "SET requests/s", "%.0f"), ("get_rps", "GET requests/s", "%.0f"),
                      ("set_us", "SET: masters' CPU per request (us)", "%.2f"),
                      ("get_us", "GET: masters' CPU per request (us)", "%.2f")))
    if "bus" in only:
        for n in (int(x) for x in args.bus_nodes.split(",")):
            side_by_side("idle cluster bus, %d nodes (%d+%d), node timeout 15000, %g s window" % (
                n, n // 2, n // 2, args.idle_seconds), args.rounds, lambda kind, n=n: bus_once(kind, n, args),
                (("bytes_per_s", "bytes written per second, all nodes", "%.0f"),
                 ("msgs_per_s", "bus messages sent per second, all nodes", "%.1f")))


if __name__ == "__main__":
    sys.exit(main())
