#!/usr/bin/env python3
"""Replication benchmark, slotd vs redis-server 7.0 side by side: full-sync time and replication lag.

For each implementation a master is filled with --keys keys (DEBUG POPULATE, 16-byte values), then a replica
of the same implementation is started and timed until it reports the link up with every key loaded; this is
done with diskless sync (the 7.0 default, repl-diskless-sync-delay 0) and disk-based sync. Then, with the
replica online, redis-benchmark writes SETs at pipeline 16 into the master while the master/replica offset gap
is sampled every 20 ms, three times; reported are the largest gap seen (bytes) and the median catch-up time
after the last write.

Usage: tools/bench/repl_bench.py [--keys N] [--writes N] [--slotd PATH]
"""
import argparse
import os
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
    compare.wait_ready(port, proc)
    return proc


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
        compare.stop(proc)
        raise


def lag_run(master_port, replica_port, writes):
    gaps = []
    done = threading.Event()

    def sample():
        while not done.is_set():
            m = int(info(master_port)["master_repl_offset"])
            r = int(info(replica_port)["slave_repl_offset"])
            gaps.append(max(0, m - r))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    subprocess.run(["redis-benchmark", "-p", str(master_port), "-t", "set", "-n", str(writes), "-P", "16",
                    "-r", "1000000", "-q"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t_end = time.time()
    target = int(info(master_port)["master_repl_offset"])
    while int(info(replica_port)["slave_repl_offset"]) < target:
        time.sleep(0.001)
    catch_up = time.time() - t_end
    done.set()
    sampler.join()
    return max(gaps) if gaps else 0, catch_up


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
                runs = sorted(lag_run(master_port, replica_port, args.writes) for _ in range(3))
                results["max_gap"] = max(run[0] for run in runs)
                results["catch_up"] = sorted(run[1] for run in runs)[1]  # median of 3: the box is shared
            compare.stop(replica)
    finally:
        compare.stop(master)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--writes", type=int, default=500000)
    ap.add_argument("--slotd", default=os.path.join(compare.ROOT, "build", "slotd"))
    args = ap.parse_args()
    res = {kind: measure(kind, args) for kind in ("redis", "slotd")}
    r, s = res["redis"], res["slotd"]
    print("%d keys, %d SETs at pipeline 16 for the lag run" % (args.keys, args.writes))
    print("| measure | redis | slotd | ratio |")
    print("|---|---|---|---|")
    for key, label, fmt in (("sync_yes", "full sync, diskless (s)", "%.2f"),
                            ("sync_no", "full sync, disk-based (s)", "%.2f"),
                            ("max_gap", "largest offset gap while writing (bytes)", "%d"),
                            ("catch_up", "catch-up after the last write (ms)", "%.1f")):
        rv, sv = r[key], s[key]
        if key == "catch_up":
            rv, sv = rv * 1000, sv * 1000
        print(("| %s | " + fmt + " | " + fmt + " | %.2f |") % (label, rv, sv, sv / rv if rv else float("nan")))


if __name__ == "__main__":
    main()
