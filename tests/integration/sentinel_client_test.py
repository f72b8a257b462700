#!/usr/bin/env python3
"""Sentinel clients, unchanged: redis-py's Sentinel(...).master_for(...) keeps writing through a failover,
and `redis-cli -p <sentinel> sentinel get-master-addr-by-name mymaster` answers the new master.

Starts 1 slotd master + 2 slotd replicas and 3 sentinels (slotd --sentinel, or redis-sentinel 7.0 with
--redis-sentinel, which validates this test against the reference), writes through master_for while the
master is killed with SIGKILL, and stops exactly the processes it started, by pid.
Usage: sentinel_client_test.py PATH_TO_SLOTD [--redis-sentinel] [--redis-server (data nodes)]
Exit codes: 0 passed, 1 failed, 77 skipped (redis-sentinel missing for --redis-sentinel).
"""
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import redis
from redis.sentinel import Sentinel

REDIS_SENTINEL = "/usr/bin/redis-sentinel"
NAME = "mymaster"


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


def wait_until(what, ready, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if ready():
                return
        except (redis.RedisError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class Group:
    """Processes started by this test, stopped by pid in stop()."""

    def __init__(self, slotd, sentinel_binary, data_binary):
        self.slotd = slotd
        self.data_binary = data_binary
        self.sentinel_binary = sentinel_binary
        self.workdir = tempfile.mkdtemp(prefix="slotd-sentinel-client-")
        self.procs = []
        self.data_ports = []
        self.sentinel_ports = []

    def spawn(self, argv, port, tag):
        log = open(os.path.join(self.workdir, "%s-%d.log" % (tag, port)), "w")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.procs.append(proc)

        def up():
            if proc.poll() is not None:
                raise RuntimeError("%s on port %d exited; see %s" % (tag, port, self.workdir))
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True

        wait_until("%s on port %d" % (tag, port), up, 10)
        return proc

    def start(self):
        for i in range(3):
            port = free_port()
            argv = [self.data_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                    "--dir", self.workdir, "--dbfilename", "dump-%d.rdb" % port, "--repl-diskless-sync-delay", "0"]
            if i > 0:
                argv += ["--replicaof", "127.0.0.1", str(self.data_ports[0])]
            self.spawn(argv, port, "data")
            self.data_ports.append(port)
        for port in self.data_ports[1:]:
            wait_until("replica %d to sync" % port, lambda: redis.Redis(port=port).info(
                "replication")["master_link_status"] == "up", 15)
        for _ in range(3):
            port = free_port()
            conf = os.path.join(self.workdir, "sentinel-%d.conf" % port)
            with open(conf, "w") as f:
                f.write("port %d\nbind 127.0.0.1\ndir %s\n" % (port, self.workdir))
                f.write("sentinel monitor %s 127.0.0.1 %d 2\n" % (NAME, self.data_ports[0]))
                f.write("sentinel down-after-milliseconds %s 1500\n" % NAME)
                f.write("sentinel failover-timeout %s 6000\n" % NAME)
            argv = [self.sentinel_binary, conf]
            if self.sentinel_binary == self.slotd:
                argv.append("--sentinel")
            self.spawn(argv, port, "sentinel")
            self.sentinel_ports.append(port)

    def wait_discovery(self):
        def known():
            for port in self.sentinel_ports:
                m = redis.Redis(port=port, socket_timeout=1).sentinel_master(NAME)
                if m["num-slaves"] != 2 or m["num-other-sentinels"] != 2:
                    return False
            return True

        wait_until("sentinels to discover replicas and each other", known, 20)

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


def cli_master_port(sentinel_port):
    out = subprocess.run(["redis-cli", "-p", str(sentinel_port), "sentinel",
                          "get-master-addr-by-name", NAME],
                         capture_output=True, text=True, timeout=5).stdout.split()
    return int(out[1]) if len(out) == 2 else 0


def write_through_failover(group):
    sentinel = Sentinel([("127.0.0.1", p) for p in group.sentinel_ports], socket_timeout=0.5)
    master = sentinel.master_for(NAME, socket_timeout=0.5)
    old_port = group.data_ports[0]
    acked, failures, n = [], 0, 0
    killed_at = None
    deadline = time.time() + 40
    while time.time() < deadline:
        try:
            master.set("k:%d" % n, n)
            acked.append(n)
        except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
            failures += 1
            time.sleep(0.05)
        n += 1
        if killed_at is None and len(acked) >= 100:
            group.procs[0].send_signal(signal.SIGKILL)  # the master
            group.procs[0].wait()
            killed_at = len(acked)
        if killed_at is not None and len(acked) >= killed_at + 100:
            break
        time.sleep(0.005)
    if killed_at is None or len(acked) < killed_at + 100:
        raise AssertionError("writes did not resume after the failover (%d acked, %d failed)"
                             % (len(acked), failures))
    host, port = sentinel.discover_master(NAME)
    if port == old_port:
        raise AssertionError("Sentinel.discover_master still names the killed master")
    for sp in group.sentinel_ports:
        wait_until("redis-cli on sentinel %d to name the new master" % sp,
                   lambda: cli_master_port(sp) == port, 15)
    new_master = redis.Redis(host=host, port=port)
    missing = sum(1 for i in acked if not new_master.exists("k:%d" % i))
    print("sentinel client: %d writes acknowledged, %d failed attempts during the failover, %d lost; "
          "new master %s:%d" % (len(acked), failures, missing, host, port))
    if missing >= killed_at:
        raise AssertionError("the new master holds none of the writes made before the kill")


def main():
    slotd = sys.argv[1]
    sentinel_binary = slotd
    if "--redis-sentinel" in sys.argv[2:]:
        if not os.access(REDIS_SENTINEL, os.X_OK):
            print("redis-sentinel is not installed; skipped")
            return 77
        sentinel_binary = REDIS_SENTINEL
    data_binary = slotd
    if "--redis-server" in sys.argv[2:]:  # validates this test against Redis alone
        data_binary = "/usr/bin/redis-server"
    group = Group(slotd, sentinel_binary, data_binary)
    try:
        group.start()
        group.wait_discovery()
        write_through_failover(group)
        print("sentinel client test: 1 passed, 0 failed")
        return 0
    except Exception as e:  # noqa: BLE001 -- any failure fails the test, with its traceback
        traceback.print_exc()
        print("sentinel client test FAILED: %s (logs in %s)" % (e, group.workdir))
        return 1
    finally:
        group.stop()


if __name__ == "__main__":
    sys.exit(main())
