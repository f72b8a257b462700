#!/usr/bin/python3
"""Sentinel failover time, slotd vs Redis 7.0 side by side (never a test: it only reports).

For each implementation (slotd: slotd data nodes + `slotd --sentinel`; redis: redis-server + redis-sentinel)
and each down-after-milliseconds (default 2000 and 5000), a master, two replicas and three sentinels (quorum 2)
start on free loopback ports; once every sentinel knows both replicas and both other sentinels, the master is
killed with SIGKILL while a client keeps writing (SET) to whatever master the sentinels name. Measured from the
kill: seconds until all three sentinels answer the new address to SENTINEL GET-MASTER-ADDR-BY-NAME, and seconds
until the first acknowledged client write on the new master. Implementations alternate within each round;
medians over the rounds and the ratio slotd/redis are printed as a markdown table. Uses /usr/bin/python3 for
Debian's python3-redis. Stops only the processes it started, by pid.

Usage: tools/bench/sentinel_failover_bench.py [--rounds R] [--down-after MS ...] [--kinds slotd redis]
       [--announce-port] [--slotd PATH]
"""
import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import redis

REDIS_SENTINEL = "/usr/bin/redis-sentinel"


def free_port():
    # Not from the ephemeral range: the kernel may hand those to the next outgoing connection.
    while True:
        port = random.randint(20000, 29999)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue


def wait_until(ready, timeout, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if ready():
                return True
        except (redis.RedisError, OSError):
            pass
        time.sleep(step)
    return False


class Group:
    def __init__(self, kind, slotd, down_after, announce_port=False):
        self.kind, self.slotd, self.down_after = kind, slotd, down_after
        self.announce_port = announce_port
        self.workdir = tempfile.mkdtemp(prefix="slotd-sentinel-bench-%s-" % kind)
        self.procs, self.data, self.sentinels = [], [], []

    def spawn(self, argv, port):
        log = open(os.path.join(self.workdir, "%d.log" % port), "w")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.procs.append(proc)
        up = wait_until(lambda: socket.create_connection(("127.0.0.1", port), 0.2).close() or True, 10)
        if not up:
            raise RuntimeError("port %d did not open; see %s" % (port, self.workdir))
        return proc

    def start(self):
        server = self.slotd if self.kind == "slotd" else "redis-server"
        for i in range(3):
            port = free_port()
            argv = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", self.workdir, "--dbfilename", "dump-%d.rdb" % port,
                    "--repl-diskless-sync-delay", "0"]
            if i > 0:
                argv += ["--replicaof", "127.0.0.1", str(self.data[0][0])]
            self.data.append((port, self.spawn(argv, port)))
        for _ in range(3):
            port = free_port()
            conf = os.path.join(self.workdir, "sentinel-%d.conf" % port)
            with open(conf, "w") as f:
                f.write("port %d\nbind 127.0.0.1\ndir %s\n" % (port, self.workdir))
                f.write("sentinel monitor mymaster 127.0.0.1 %d 2\n" % self.data[0][0])
                f.write("sentinel down-after-milliseconds mymaster %d\n" % self.down_after)
                f.write("sentinel failover-timeout mymaster 60000\n")
                if self.announce_port:
                    f.write("sentinel announce-port %d\n" % port)
            argv = [self.slotd, conf, "--sentinel"] if self.kind == "slotd" else [REDIS_SENTINEL, conf]
            self.spawn(argv, port)
            self.sentinels.append(port)

    def ready(self):
        for port, _ in self.data[1:]:
            if redis.Redis(port=port).info("replication")["master_link_status"] != "up":
                return False
        for port in self.sentinels:
            m = redis.Redis(port=port, socket_timeout=1).sentinel_master("mymaster")
            if m["num-slaves"] != 2 or m["num-other-sentinels"] != 2:
                return False
        return True

    def master_port(self, sentinel_port):
        addr = redis.Redis(port=sentinel_port, socket_timeout=0.5).sentinel_get_master_addr_by_name("mymaster")
        return int(addr[1]) if addr else 0

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def writer(group, old_port, killed_at, result, stop):
    """Writes through the sentinels' current master; records the first acknowledged write after the kill."""
    n = 0
    while not stop.is_set():
        try:
            port = group.master_port(group.sentinels[n % 3])
            redis.Redis(port=port, socket_timeout=0.5).set("bench:%d" % n, n)
            if killed_at[0] is not None and port != old_port and "write" not in result:
                result["write"] = time.time() - killed_at[0]
        except (redis.RedisError, OSError, ValueError):
            time.sleep(0.01)
        n += 1
        time.sleep(0.005)


def one_run(kind, slotd, down_after, announce_port):
    """{'sentinels': s, 'write': s} or None when the group did not come up or fail over in 60 s."""
    group = Group(kind, slotd, down_after, announce_port)
    result, killed_at, stop = {}, [None], threading.Event()
    try:
        group.start()
        if not wait_until(group.ready, 30, 0.1):
            print("  %s: the group did not come up (logs in %s)" % (kind, group.workdir), file=sys.stderr)
            return None
        old_port = group.data[0][0]
        thread = threading.Thread(target=writer, args=(group, old_port, killed_at, result, stop))
        thread.start()
        time.sleep(0.5)
        killed_at[0] = time.time()
        group.data[0][1].send_signal(signal.SIGKILL)

        def switched():
            ports = {group.master_port(p) for p in group.sentinels}
            return len(ports) == 1 and 0 not in ports and old_port not in ports

        if wait_until(switched, 60):
            result["sentinels"] = time.time() - killed_at[0]
        wait_until(lambda: "write" in result, 10)
        stop.set()
        thread.join()
        if "sentinels" not in result or "write" not in result:
            print("  %s: no failover within 60 s (logs in %s)" % (kind, group.workdir), file=sys.stderr)
            return None
        return result
    finally:
        stop.set()
        group.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--down-after", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--announce-port", action="store_true",
                        help="write `sentinel announce-port <own port>` into every sentinel config")
    parser.add_argument("--kinds", nargs="+", default=["slotd", "redis"], choices=["slotd", "redis"])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--slotd", default=os.path.join(here, "..", "..", "build", "slotd"))
    args = parser.parse_args()
    if not os.access(REDIS_SENTINEL, os.X_OK):
        sys.exit("redis-sentinel 7.0 is not installed (apt-get install redis-sentinel)")
    rows = []
    for down_after in args.down_after:
        samples = {"slotd": [], "redis": []}
        for r in range(args.rounds):
            order = ("slotd", "redis") if r % 2 == 0 else ("redis", "slotd")
            for kind in (k for k in order if k in args.kinds):
                res = one_run(kind, os.path.abspath(args.slotd), down_after, args.announce_port)
                print("down-after %d round %d %s: %s" % (down_after, r + 1, kind, res), file=sys.stderr)
                if res:
                    samples[kind].append(res)
        for measure, label in (("sentinels", "all 3 sentinels name the new master"),
                               ("write", "first acknowledged client write")):
            med = {}
            for kind in ("redis", "slotd"):
                values = [s[measure] for s in samples[kind]]
                med[kind] = statistics.median(values) if values else None
            ratio = "%.2f" % (med["slotd"] / med["redis"]) if med["slotd"] and med["redis"] else "n/a"
            fmt = lambda v: "%.2f" % v if v is not None else "failed"
            rows.append("| %d | %s | %s | %s | %s |" % (down_after, label, fmt(med["redis"]),
                                                        fmt(med["slotd"]), ratio))
    print("| down-after-ms | seconds from SIGKILL of the master until | redis | slotd | ratio slotd/redis |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
