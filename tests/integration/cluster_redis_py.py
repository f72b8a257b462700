#!/usr/bin/env python3
"""redis-py's RedisCluster (Debian's python3-redis) against a running slotd cluster, unchanged.

Discovers the cluster from one node, then: set/get over many keys (every master gets some), a cluster
pipeline, mset/mget across slots, hash-tagged multi-key commands, CROSSSLOT refusal, and CLUSTER
KEYSLOT. Exits non-zero with a message on the first mismatch; prints "ok" at the end.
Usage: cluster_redis_py.py HOST PORT   (run by cluster_clients_test.cc)
"""
import sys

from redis import Redis
from redis.cluster import RedisCluster
from redis.exceptions import ResponseError


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    rc = RedisCluster(host=host, port=port, socket_timeout=5)
    expect(len(rc.get_primaries()), 3, "primaries discovered")
    rc.flushall()
    expect(rc.keyslot("foo"), 12182, "client-side keyslot")
    expect(rc.cluster_keyslot("foo"), 12182, "CLUSTER KEYSLOT")

    for i in range(2000):
        rc.set("py:%d" % i, "v%d" % i)
    for i in range(2000):
        expect(rc.get("py:%d" % i), b"v%d" % i, "get py:%d" % i)
    sizes = [rc.dbsize(target_nodes=node) for node in rc.get_primaries()]
    expect(sum(sizes), 2000, "keys over the primaries")
    if min(sizes) == 0:
        raise AssertionError("a primary holds no key: %r" % sizes)

    pipe = rc.pipeline()
    for i in range(500):
        pipe.set("pipe:%d" % i, i)
    expect(pipe.execute(), [True] * 500, "pipelined sets")
    pipe = rc.pipeline()
    for i in range(500):
        pipe.incr("pipe:%d" % i)
    expect(pipe.execute(), [i + 1 for i in range(500)], "pipelined incr")

    rc.mset_nonatomic({"m:%d" % i: i for i in range(100)})
    expect(rc.mget_nonatomic(["m:%d" % i for i in range(100)]),
           [b"%d" % i for i in range(100)], "mget across slots")

    rc.mset({"{user:1}:name": "ada", "{user:1}:lang": "c"})
    expect(rc.mget("{user:1}:name", "{user:1}:lang"), [b"ada", b"c"], "mget one slot")
    expect(rc.delete("{user:1}:name", "{user:1}:lang"), 2, "del one slot")
    try:  # the client refuses this itself: ask one node directly
        Redis(host=host, port=port).execute_command("MSET", "a", "1", "b", "2")
        raise AssertionError("MSET across slots was accepted")
    except ResponseError as e:
        expect(str(e), "CROSSSLOT Keys in request don't hash to the same slot", "CROSSSLOT")
    rc.close()
    print("ok")


if __name__ == "__main__":
    main()
