#!/usr/bin/env python3
"""redis-py (Debian's python3-redis) against a real slotd: the client library works unchanged.

Starts slotd on a free loopback port, runs typical client calls (strings, pipelines, transactions with
WATCH, pub/sub, hashes, sorted sets, scan_iter, RESP3 when the library supports it), and stops the server
it started, by pid. Exits non-zero with a message on the first mismatch.
Usage: redis_py_smoke.py PATH_TO_SLOTD
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def run(r):
    expect(r.ping(), True, "ping")
    expect(r.set("greeting", "hello"), True, "set")
    expect(r.get("greeting"), b"hello", "get")
    expect(r.incrby("counter", 5), 5, "incrby")
    expect(r.mget("greeting", "missing"), [b"hello", None], "mget")

    pipe = r.pipeline(transaction=False)
    for i in range(100):
        pipe.rpush("list", i)
    expect(pipe.execute()[-1], 100, "pipeline")
    expect(r.lrange("list", 0, 2), [b"0", b"1", b"2"], "lrange")

    with r.pipeline() as tx:  # MULTI/EXEC with WATCH
        tx.watch("counter")
        value = int(tx.get("counter"))
        tx.multi()
        tx.set("counter", value + 1)
        expect(tx.execute(), [True], "watch/multi/exec")
    expect(r.get("counter"), b"6", "after transaction")

    r.hset("user:1", mapping={"name": "ada", "lang": "c"})
    expect(r.hgetall("user:1"), {b"name": b"ada", b"lang": b"c"}, "hgetall")
    r.zadd("board", {"a": 1.5, "b": 3})
    expect(r.zrange("board", 0, -1, withscores=True), [(b"a", 1.5), (b"b", 3.0)], "zrange withscores")
    expect(sorted(r.scan_iter(match="user:*")), [b"user:1"], "scan_iter")
    expect(r.blpop(["empty"], timeout=0.05), None, "blpop timeout")

    p = r.pubsub()
    p.subscribe("news")
    deadline = time.time() + 5
    while time.time() < deadline and p.get_message(timeout=0.1) is None:
        pass
    expect(r.publish("news", "hi"), 1, "publish")
    msg = None
    while time.time() < deadline and msg is None:
        msg = p.get_message(timeout=0.1)
    expect(msg and msg["data"], b"hi", "pubsub message")
    p.close()

    r.geoadd("sicily", [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"])
    expect(r.geodist("sicily", "Palermo", "Catania", unit="km"), 166.2742, "geodist")
    expect(r.geosearch("sicily", longitude=15, latitude=37, radius=200, unit="km", sort="ASC"),
           [b"Catania", b"Palermo"], "geosearch")

    r.config_set("notify-keyspace-events", "KEA")  # keyspace notifications through a pattern subscription
    p = r.pubsub()
    p.psubscribe("__keyspace@0__:watched")
    deadline = time.time() + 5
    while time.time() < deadline and p.get_message(timeout=0.1) is None:
        pass
    r.set("watched", "1")
    r.expire("watched", 100)
    r.delete("watched")
    events = []
    while time.time() < deadline and len(events) < 3:
        msg = p.get_message(timeout=0.1)
        if msg is not None:
            events.append(msg["data"])
    expect(events, [b"set", b"expire", b"del"], "keyspace events")
    p.close()
    r.config_set("notify-keyspace-events", "")

    info = r.info()
    expect(info["redis_version"], "7.0.15", "info redis_version")
    expect(r.config_get("maxmemory-policy"), {"maxmemory-policy": "noeviction"}, "config get")
    expect(len(r.command()) > 100, True, "command table size")


def main():
    binary = sys.argv[1]
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="slotd-redispy-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
                            stdout=open(os.path.join(workdir, "log"), "w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("slotd did not start")
                time.sleep(0.05)
        run(redis.Redis(port=port))
        try:
            r3 = redis.Redis(port=port, protocol=3)
        except TypeError:
            r3 = None  # this redis-py predates RESP3 support
        if r3 is not None:
            run(r3)
        print("redis-py smoke: 1 passed, 0 failed")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
