#!/usr/bin/env python3
"""Write throughput and server CPU per request with the AOF on, slotd vs redis-server 7.0 side by side.

Both servers run with `appendonly yes` and the chosen `appendfsync` policy (everysec by default), each in its
own directory; redis-benchmark drives write commands at pipeline 1 and 16, alternating servers every round.
CPU is utime+stime of the whole process (the background fsync thread included). Reuses compare.py's helpers.

Usage: tools/bench/aof_bench.py [--fsync everysec|always|no] [--requests N] [--rounds R] [--slotd PATH]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

WRITE_COMMANDS = ["set", "incr", "lpush", "hset", "mset"]


def start(kind, port, workdir, fsync, slotd):
    binary = "redis-server" if kind == "redis" else slotd
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
           "--appendfsync", fsync, "--dir", workdir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    compare.wait_ready(port, proc)
    return proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fsync", default="everysec", choices=["everysec", "always", "no"])
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--pipeline-scale", type=int, default=3)
    ap.add_argument("--slotd", default=os.path.join(compare.ROOT, "build", "slotd"))
    args = ap.parse_args()

    ports = {"redis": compare.free_port(), "slotd": compare.free_port()}
    procs = {k: start(k, ports[k], tempfile.mkdtemp(prefix="slotd-aofbench-%s-" % k), args.fsync, args.slotd)
             for k in ports}
    print("appendfsync %s, %d requests per run (x%d at P=16), best of %d rounds" % (
        args.fsync, args.requests, args.pipeline_scale, args.rounds))
    try:
        for pipeline in (1, 16):
            for test in WRITE_COMMANDS:
                results = {"redis": [], "slotd": []}
                n = args.requests * (args.pipeline_scale if pipeline > 1 else 1)
                for _ in range(args.rounds):
                    for kind in ("redis", "slotd"):
                        results[kind].append(compare.bench_once(ports[kind], procs[kind].pid, test, pipeline, n))
                best = {k: (max(r[0] for r in v), min(r[1] for r in v)) for k, v in results.items()}
                r, s = best["redis"], best["slotd"]
                print("| %s | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f |" % (
                    test, pipeline, r[0], s[0], s[0] / max(r[0], 1), r[1] * 1e6, s[1] * 1e6,
                    s[1] / max(r[1], 1e-12)), flush=True)
    finally:
        for p in procs.values():
            compare.stop(p)


if __name__ == "__main__":
    sys.exit(main())
