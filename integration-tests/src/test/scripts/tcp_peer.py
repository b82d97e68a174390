#!/usr/bin/env python3
"""The kernel's side of the TCP tests and benchmarks (run inside a network namespace).

  tcp_peer.py send HOST PORT BYTES        connect, send BYTES zero bytes, shut down writing and
                                          read until the peer closes (a discard service closes
                                          only after it read our FIN, so every byte arrived);
                                          print "sent N seconds S gbits G"
  tcp_peer.py echo-check HOST PORT BYTES  connect, send BYTES random bytes while reading the
                                          echo, shut down writing, read to EOF; print
                                          "ok N SHA256 seconds S" when the same bytes came back
                                          (exit 1 otherwise)
  tcp_peer.py sink HOST PORT              listen on HOST:PORT, print "listening" (flushed),
                                          accept one connection, read to EOF, then close; print
                                          "ok N SHA256 seconds S gbits G"
  tcp_peer.py hold HOST PORT SECONDS      connect, send 64 KB, keep the connection open
                                          SECONDS (for `ss -tni` to look at), print "held"
"""
import hashlib
import os
import socket
import sys
import threading
import time

CHUNK = 1 << 20


def send(host, port, total):
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
    print("sent %d seconds %.3f gbits %.3f" % (total, seconds, total * 8 / seconds / 1e9))
    return 0


def echo_check(host, port, total):
    data = os.urandom(total)
    received = hashlib.sha256()
    count = [0]
    with socket.create_connection((host, port), timeout=120) as s:
        start = time.monotonic()

        def reader():
            while True:
                chunk = s.recv(CHUNK)
                if not chunk:
                    return
                received.update(chunk)
                count[0] += len(chunk)

        t = threading.Thread(target=reader)
        t.start()
        view = memoryview(data)
        for at in range(0, total, 65536):
            s.sendall(view[at:at + 65536])
        s.shutdown(socket.SHUT_WR)
        t.join()
        seconds = time.monotonic() - start
    expected = hashlib.sha256(data).hexdigest()
    if count[0] == total and received.hexdigest() == expected:
        print("ok %d %s seconds %.3f" % (total, expected, seconds))
        return 0
    print("differs %d of %d %s %s" % (count[0], total, received.hexdigest(), expected))
    return 1


def sink(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(1)
        print("listening", flush=True)
        listener.settimeout(60)
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(120)
            digest = hashlib.sha256()
            total = 0
            start = time.monotonic()
            buf = bytearray(CHUNK)
            while True:
                n = conn.recv_into(buf)
                if n == 0:
                    break
                digest.update(memoryview(buf)[:n])
                total += n
            seconds = time.monotonic() - start
    print("ok %d %s seconds %.3f gbits %.3f" % (total, digest.hexdigest(), seconds, total * 8 / max(seconds, 1e-9) / 1e9),
          flush=True)
    return 0


def hold(host, port, seconds):
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(bytes(65536))
        print("held", flush=True)
        time.sleep(seconds)
    return 0


def main(argv):
    mode = argv[1]
    if mode == "send":
        return send(argv[2], int(argv[3]), int(argv[4]))
    if mode == "echo-check":
        return echo_check(argv[2], int(argv[3]), int(argv[4]))
    if mode == "sink":
        return sink(argv[2], int(argv[3]))
    if mode == "hold":
        return hold(argv[2], int(argv[3]), float(argv[4]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
