#!/usr/bin/env python3
"""The kernel's side of the TCP benchmarks (TcpBenchPaxIT; run inside a network namespace).
Complements tcp_peer.py (send, echo-check, sink, hold), which it does not change.

  tcp-bench-peer.py source HOST PORT BYTES   connect, send BYTES zero bytes, shut down writing,
                                             read until the peer closes; print
                                             "sent N seconds S gbits G" (the client of the
                                             kernel reference for stack -> kernel, against
                                             tcp_peer.py sink)
  tcp-bench-peer.py connrate HOST PORT N     one thread: N times connect, then close at once
                                             (after WARMUP connections not counted); print
                                             "connections N seconds S per_second R"
  tcp-bench-peer.py accept-server HOST PORT  listen (backlog 4096), print "listening", accept
                                             and close each connection at once, until killed
  tcp-bench-peer.py rr HOST PORT COUNT       one connection, TCP_NODELAY: COUNT times send one
                                             byte and read it back (after WARMUP round trips not
                                             counted); print "rr N median_us M p99_us P mean_us A
                                             p90_us Q max_us X over_1ms K"
  tcp-bench-peer.py echo-server HOST PORT    listen, print "listening", echo every connection
                                             (one at a time, TCP_NODELAY) until killed
"""
import socket
import sys
import time

CHUNK = 1 << 20
WARMUP_CONNECTIONS = 500
WARMUP_ROUND_TRIPS = 1000


def source(host, port, total):
    zeros = memoryview(bytes(CHUNK))
    with socket.create_connection((host, port), timeout=60) as s:
        start = time.monotonic()
        left = total
        while left > 0:
            n = min(left, CHUNK)
            s.sendall(zeros[:n])
            left -= n
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        seconds = time.monotonic() - start
    print("sent %d seconds %.3f gbits %.3f" % (total, seconds, total * 8 / seconds / 1e9), flush=True)
    return 0


def connect_close(host, port):
    s = socket.create_connection((host, port), timeout=10)
    s.close()


def connrate(host, port, count):
    for _ in range(WARMUP_CONNECTIONS):
        connect_close(host, port)
    start = time.monotonic()
    for _ in range(count):
        connect_close(host, port)
    seconds = time.monotonic() - start
    print("connections %d seconds %.3f per_second %.0f" % (count, seconds, count / seconds), flush=True)
    return 0


def listener(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(4096)
    print("listening", flush=True)
    return s


def accept_server(host, port):
    with listener(host, port) as s:
        while True:
            conn, _ = s.accept()
            conn.close()


def rr(host, port, count):
    one = b"x"
    with socket.create_connection((host, port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        samples = []
        for i in range(WARMUP_ROUND_TRIPS + count):
            start = time.perf_counter_ns()
            s.sendall(one)
            if len(s.recv(1)) != 1:
                print("closed after %d round trips" % i, flush=True)
                return 1
            if i >= WARMUP_ROUND_TRIPS:
                samples.append(time.perf_counter_ns() - start)
    samples.sort()
    median = samples[len(samples) // 2] / 1000
    p99 = samples[min(len(samples) - 1, (len(samples) * 99) // 100)] / 1000
    mean = sum(samples) / len(samples) / 1000
    p90 = samples[(len(samples) * 90) // 100] / 1000
    slow = sum(1 for x in samples if x > 1_000_000)
    print("rr %d median_us %.1f p99_us %.1f mean_us %.1f p90_us %.1f max_us %.1f over_1ms %d"
          % (count, median, p99, mean, p90, samples[-1] / 1000, slow), flush=True)
    return 0


def echo_server(host, port):
    with listener(host, port) as s:
        while True:
            conn, _ = s.accept()
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    conn.sendall(data)


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "source":
        return source(argv[2], int(argv[3]), int(argv[4]))
    if mode == "connrate":
        return connrate(argv[2], int(argv[3]), int(argv[4]))
    if mode == "accept-server":
        return accept_server(argv[2], int(argv[3]))
    if mode == "rr":
        return rr(argv[2], int(argv[3]), int(argv[4]))
    if mode == "echo-server":
        return echo_server(argv[2], int(argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
