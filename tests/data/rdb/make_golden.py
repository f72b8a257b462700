#!/usr/bin/env python3
"""Regenerates the golden RDB files and DUMP payloads in this directory with a real
redis-server 7.0 (Debian's). Usage: python3 tests/data/rdb/make_golden.py
Each file is saved by its own short-lived server on a free port in a temporary directory."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAR = 4102444800000  # 2100-01-01, so expiring keys stay alive when the tests load them


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind in (b"+", b":"):
            return rest
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise RuntimeError("bad reply " + repr(line))

    def __call__(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._reply()


def run_server(config_args, fill, out_name):
    tmp = tempfile.mkdtemp()
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--dir", tmp, "--save", "",
                             "--appendonly", "no", "--enable-debug-command", "yes"] + config_args,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = Client(port)
                c("PING")
                break
            except OSError:
                time.sleep(0.05)
        c("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        result = fill(c)
        c("SAVE")
        shutil.copy(os.path.join(tmp, "dump.rdb"), os.path.join(HERE, out_name))
        return result
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def fill_small(c):
    """Every type in its compact encoding, strings in every RDB string form, expiries, db 1."""
    c("SET", "str", "hello")
    c("SET", "int8", "100")
    c("SET", "int16", "-3000")
    c("SET", "int32", "70000")
    c("SET", "bigint", "12345678901234")
    c("SET", "lzf", "a" * 100)
    c("SET", "empty", "")
    c("SET", "notint", "007")
    c("SET", "ttl", "v", "PXAT", FAR)
    c("SET", "gone", "x", "PX", 1)  # expires before SAVE: stored, dropped by a master's load
    c("RPUSH", "list", "a", "b", "c", "1", "-2", "300", "70000", "x" * 100)
    c("SADD", "iset", "1", "2", "3", "-100", "70000")
    c("SADD", "sset", "x", "y", "z")
    c("HSET", "hash", "f1", "v1", "f2", "2", "f3", "y" * 30)
    c("ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c", "0.1", "d", "100", "e")
    c("PEXPIREAT", "hash", FAR + 1)
    c("SELECT", "1")
    c("SET", "db1key", "in db 1")
    time.sleep(0.05)


def fill_large(c):
    """The big encodings: hashtable hash and set, skiplist zset, multi-node quicklist."""
    c("HSET", "hash", *[x for i in range(5) for x in ("field%d" % i, "value%d" % i)])
    c("SADD", "set", *["m%d" % i for i in range(5)])
    c("SADD", "iset", *[str(i) for i in range(5)])  # too many for an intset of 2
    c("ZADD", "zset", *[x for i in range(5) for x in (str(i * 1.5), "z%d" % i)])
    c("RPUSH", "list", *["e%d" % i for i in range(7)])


def fill_lfu(c):
    c("SET", "hot", "1")
    for _ in range(50):
        c("GET", "hot")
    c("SET", "cold", "2")


def fill_stream(c):
    c("SET", "before", "1")
    c("XADD", "stream", "1-1", "f", "v")


def fill_function(c):
    c("FUNCTION", "LOAD",
      "#!lua name=golden\nredis.register_function('f', function() return 1 end)")
    c("SET", "k", "v")


def fill_dumps(c):
    """DUMP payloads of values in each encoding, as hex lines `name hex`."""
    fill_small(c)
    c("SELECT", "0")
    c("CONFIG", "SET", "hash-max-listpack-entries", "2")
    c("CONFIG", "SET", "zset-max-listpack-entries", "2")
    c("HSET", "bighash", "a", "1", "b", "2", "c", "3")
    c("ZADD", "bigzset", "1", "a", "2", "b", "3", "c")
    lines = []
    for key in ["str", "int8", "int16", "int32", "bigint", "lzf", "empty", "notint", "list",
                "iset", "sset", "hash", "zset", "bighash", "bigzset"]:
        lines.append("%s %s" % (key, c("DUMP", key).hex()))
    with open(os.path.join(HERE, "dumps.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    run_server([], fill_small, "small_encodings.rdb")
    run_server(["--hash-max-listpack-entries", "2", "--zset-max-listpack-entries", "2",
                "--set-max-intset-entries", "2", "--list-max-listpack-size", "2"],
               fill_large, "large_encodings.rdb")
    run_server(["--rdbcompression", "no", "--rdbchecksum", "no"], fill_small,
               "no_compression_no_checksum.rdb")
    run_server(["--maxmemory-policy", "allkeys-lfu"], fill_lfu, "lfu_hints.rdb")
    run_server([], fill_stream, "stream.rdb")
    run_server([], fill_function, "function.rdb")
    run_server([], fill_dumps, "dump.rdb.tmp")
    os.remove(os.path.join(HERE, "dump.rdb.tmp"))


if __name__ == "__main__":
    main()
