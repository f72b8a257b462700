#!/usr/bin/env python3
"""Side-by-side benchmark of slotd and redis-server 7.0 on loopback (never a test: it only reports).

For each command and pipeline depth it runs redis-benchmark against each server in alternation and reports
the ratios slotd/redis of requests per second and of server CPU time per request (utime+stime read from
/proc/PID/stat around each run, which stays meaningful on a busy 2-core machine). A memory run loads
1,000,000 SETs (16-byte keys and values) through `redis-cli --pipe` into each server and compares RSS.

Usage: tools/bench/compare.py [--requests N] [--rounds R] [--keys K] [--pipeline-scale S] [--markdown FILE]
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMANDS = ["set", "get", "incr", "lpush", "rpop", "sadd", "hset", "zadd", "lrange_100", "mset"]
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server not ready on port %d" % port)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def start(kind, port, workdir):
    if kind == "redis":
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", workdir]
    else:
        cmd = [os.path.join(ROOT, "build", "slotd"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", workdir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port, proc)
    return proc


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bench_once(port, pid, test, pipeline, requests):
    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], stdout=subprocess.DEVNULL, check=False)
    before = cpu_seconds(pid)
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P", str(pipeline),
                          "-t", test, "-q", "--csv"], capture_output=True, text=True, check=False).stdout
    used = cpu_seconds(pid) - before
    rps = 0.0
    for line in out.splitlines():
        m = re.match(r'"([^"]+)","([0-9.]+)"', line)
        if m:
            rps = float(m.group(2))
    return rps, used / requests


def memory_run(port, pid, keys):
    base = rss_bytes(pid)
    payload = bytearray()
    for i in range(keys):
        key = b"key:%012d" % i      # 16 bytes
        val = b"val:%012d" % i      # 16 bytes
        payload += b"*3\r\n$3\r\nSET\r\n$16\r\n" + key + b"\r\n$16\r\n" + val + b"\r\n"
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(payload), stdout=subprocess.DEVNULL,
                   check=False)
    time.sleep(0.5)
    return rss_bytes(pid), base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--pipeline-scale", type=int, default=5,
                    help="requests multiplier for pipeline 16, so CPU ticks (10 ms) stay a small error")
    ap.add_argument("--markdown", default="")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="slotd-bench-")
    ports = {"redis": free_port(), "slotd": free_port()}
    procs = {k: start(k, ports[k], workdir) for k in ports}
    rows = []
    try:
        for pipeline in (1, 16):
            for test in COMMANDS:
                results = {"redis": [], "slotd": []}
                for _ in range(args.rounds):
                    for kind in ("redis", "slotd"):  # alternate so drift hits both
                        n = args.requests * (args.pipeline_scale if pipeline > 1 else 1)
                        results[kind].append(bench_once(ports[kind], procs[kind].pid, test, pipeline, n))
                best = {k: (max(r[0] for r in v), min(r[1] for r in v)) for k, v in results.items()}
                rows.append((test, pipeline, best["redis"], best["slotd"]))
                print("%-11s P=%-2d redis %10.0f rps %6.2f us/req | slotd %10.0f rps %6.2f us/req | "
                      "rps x%.2f cpu x%.2f" % (test, pipeline, best["redis"][0], best["redis"][1] * 1e6,
                                               best["slotd"][0], best["slotd"][1] * 1e6,
                                               best["slotd"][0] / max(best["redis"][0], 1),
                                               best["slotd"][1] / max(best["redis"][1], 1e-12)), flush=True)
        mem = {}
        for kind in ("redis", "slotd"):
            subprocess.run(["redis-cli", "-p", str(ports[kind]), "FLUSHALL"], stdout=subprocess.DEVNULL)
            stop(procs[kind])
            procs[kind] = start(kind, ports[kind], workdir)
            mem[kind] = memory_run(ports[kind], procs[kind].pid, args.keys)
        print("memory %d keys: redis RSS %.1f MiB, slotd RSS %.1f MiB, ratio x%.2f" % (
            args.keys, mem["redis"][0] / 2**20, mem["slotd"][0] / 2**20, mem["slotd"][0] / mem["redis"][0]))
    finally:
        for p in procs.values():
            stop(p)

    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("| command | pipeline | redis rps | slotd rps | rps ratio | redis us/req | slotd us/req | CPU/req ratio |\n")
            f.write("|---|---|---|---|---|---|---|---|\n")
            for test, pipeline, r, s in rows:
                f.write("| %s | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f |\n" % (
                    test, pipeline, r[0], s[0], s[0] / max(r[0], 1), r[1] * 1e6, s[1] * 1e6, s[1] / max(r[1], 1e-12)))
            f.write("\nMemory, %d SETs of 16-byte keys and values: redis RSS %.1f MiB, slotd RSS %.1f MiB, "
                    "ratio %.2f\n" % (args.keys, mem["redis"][0] / 2**20, mem["slotd"][0] / 2**20,
                                      mem["slotd"][0] / mem["redis"][0]))


if __name__ == "__main__":
    sys.exit(main())
