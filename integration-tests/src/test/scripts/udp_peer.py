#!/usr/bin/env python3
"""The kernel's side of the UDP tests and benchmarks (run inside a network namespace).

  udp_peer.py echo-check HOST PORT SIZE...   send one datagram of each SIZE (random bytes) to an
                                             echo service; print "ok SIZE SHA256" when the same
                                             bytes come back, exit 1 otherwise
  udp_peer.py refused HOST PORT              a connected socket sends to a closed port; prints
                                             "refused" when the kernel reports the ICMP port
                                             unreachable (ECONNREFUSED), exit 1 otherwise
  udp_peer.py raw-send SRC SPORT DST DPORT TEXT
                                             send TEXT in a UDP datagram from SRC:SPORT built on a
                                             raw socket, so that no kernel socket owns SPORT (a
                                             separate listener, e.g. socat UDP-RECV:SPORT, does)
  udp_peer.py rate HOST PORT SECONDS WINDOW SIZE
                                             echo load generator: keep WINDOW datagrams of SIZE
                                             bytes outstanding for SECONDS; print "rate N/s sent S
                                             received R lost L"
  udp_peer.py echo-server HOST PORT          a UDP echo server (the kernel reference)
"""
import hashlib
import os
import select
import socket
import struct
import sys
import time


def echo_check(host, port, sizes):
    status = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        for size in sizes:
            payload = os.urandom(size)
            s.sendto(payload, (host, port))
            try:
                reply, sender = s.recvfrom(65535)
            except socket.timeout:
                print("timeout", size)
                status = 1
                continue
            if reply == payload and sender == (host, port):
                print("ok", size, hashlib.sha256(reply).hexdigest())
            else:
                print("differs", size, len(reply), sender, hashlib.sha256(reply).hexdigest(), hashlib.sha256(payload).hexdigest())
                status = 1
    return status


def refused(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect((host, port))
        for attempt in range(2):
            try:
                s.send(b"anyone there?")
                s.recv(100)
                print("answered")
                return 1
            except ConnectionRefusedError:
                print("refused")
                return 0
            except socket.timeout:
                print("timeout")
    return 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def raw_send(src, sport, dst, dport, text):
    payload = text.encode()
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_UDP, length)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    value = checksum(pseudo + header + payload) or 0xFFFF  # RFC 768: a computed 0 is sent as all ones
    datagram = struct.pack("!HHHH", sport, dport, length, value) + payload
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP) as s:
        s.bind((src, 0))
        s.sendto(datagram, (dst, 0))
    print("sent", len(payload))
    return 0


def rate(host, port, seconds, window, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.connect((host, port))
    s.setblocking(False)
    payload = b"\x5a" * size
    sent = received = 0
    outstanding = 0
    start = time.perf_counter()
    end = start + seconds
    last = start
    poller = select.poll()
    poller.register(s, select.POLLIN)
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        while outstanding < window:
            try:
                s.send(payload)
            except (BlockingIOError, ConnectionRefusedError):
                break
            sent += 1
            outstanding += 1
        if poller.poll(50):
            while True:
                try:
                    s.recv(65535)
                except (BlockingIOError, ConnectionRefusedError):
                    break
                received += 1
                outstanding -= 1
            last = now
        elif now - last > 0.2:
            outstanding = 0  # lost: reopen the window
            last = now
    elapsed = time.perf_counter() - start
    measured = received
    # the datagrams still in flight are not lost: wait for them before counting losses
    while poller.poll(200):
        try:
            s.recv(65535)
            received += 1
        except (BlockingIOError, ConnectionRefusedError):
            pass
    print("rate %.0f/s sent %d received %d lost %d" % (measured / elapsed, sent, received, sent - received))
    return 0


def echo_server(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((host, port))
    while True:
        data, sender = s.recvfrom(65535)
        s.sendto(data, sender)


def main(argv):
    command = argv[1]
    if command == "echo-check":
        return echo_check(argv[2], int(argv[3]), [int(a) for a in argv[4:]])
    if command == "refused":
        return refused(argv[2], int(argv[3]))
    if command == "raw-send":
        return raw_send(argv[2], int(argv[3]), argv[4], int(argv[5]), argv[6])
    if command == "rate":
        return rate(argv[2], int(argv[3]), float(argv[4]), int(argv[5]), int(argv[6]))
    if command == "echo-server":
        return echo_server(argv[2], int(argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
