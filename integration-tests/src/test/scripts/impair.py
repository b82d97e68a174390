#!/usr/bin/env python3
"""A lossy wire between Strata's TAP device and the kernel, for kernels without netem.

  impair.py STRATA_DEV KERNEL_TAP LOSS REORDER DUPLICATE SEED

Run inside a network namespace that holds STRATA_DEV (the kernel's end of Strata's TAP
device, with no address). Creates the TAP device KERNEL_TAP (give it the kernel's address
and bring it up after "ready" is printed) and relays Ethernet frames both ways between the
two: frames Strata sends (read from a packet socket on STRATA_DEV) go to KERNEL_TAP, frames
the kernel sends (read from KERNEL_TAP) go out of STRATA_DEV to Strata. IPv4 frames each way
are dropped with probability LOSS, duplicated with DUPLICATE, and held back behind the next
frame (reordered) with REORDER, as `tc qdisc ... netem loss L reorder R duplicate D` would on
both sides; ARP passes untouched. The random choices are seeded. Prints the counts per
direction when it receives SIGTERM.

The test kernel (Firecracker's, CONFIG_NET_SCH_NETEM not set) has neither netem nor ifb,
hence this relay.
"""
import fcntl
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
HOLD_SECONDS = 0.002


class Direction:
    def __init__(self, name, send, rng, loss, reorder, duplicate):
        self.name = name
        self.send = send
        self.rng = rng
        self.loss = loss
        self.reorder = reorder
        self.duplicate = duplicate
        self.held = None
        self.held_at = 0.0
        self.counts = {"in": 0, "dropped": 0, "duplicated": 0, "reordered": 0, "out": 0}

    def emit(self, frame):
        try:
            self.send(frame)
            self.counts["out"] += 1
        except OSError:
            pass

    def frame(self, frame):
        self.counts["in"] += 1
        ipv4 = len(frame) >= 14 and frame[12:14] == b"\x08\x00"
        if ipv4 and self.rng.random() < self.loss:
            self.counts["dropped"] += 1
            return
        copies = 2 if ipv4 and self.rng.random() < self.duplicate else 1
        if copies == 2:
            self.counts["duplicated"] += 1
        if ipv4 and self.held is None and self.rng.random() < self.reorder:
            # netem's reorder: this frame goes after the next one
            self.counts["reordered"] += 1
            self.held = frame
            self.held_at = time.monotonic()
            if copies == 2:
                self.emit(frame)
            return
        for _ in range(copies):
            self.emit(frame)
        self.release()

    def release(self):
        if self.held is not None:
            held, self.held = self.held, None
            self.emit(held)

    def tick(self, now):
        if self.held is not None and now - self.held_at > HOLD_SECONDS:
            self.release()


def main(argv):
    strata_dev, kernel_tap = argv[1], argv[2]
    loss, reorder, duplicate, seed = float(argv[3]), float(argv[4]), float(argv[5]), int(argv[6])

    tap = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH", kernel_tap.encode(), IFF_TAP | IFF_NO_PI))
    packet = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    packet.bind((strata_dev, 0))
    packet.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

    rng = random.Random(seed)
    to_kernel = Direction("strata->kernel", lambda f: os.write(tap, f), rng, loss, reorder, duplicate)
    to_strata = Direction("kernel->strata", packet.send, rng, loss, reorder, duplicate)

    def report(*_):
        for d in (to_kernel, to_strata):
            print(d.name, " ".join("%s %d" % kv for kv in d.counts.items()), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([packet, tap], [], [], HOLD_SECONDS)
        if packet in readable:
            frame, address = packet.recvfrom(65536)
            if address[2] != PACKET_OUTGOING:  # not our own frames going out to Strata
                to_kernel.frame(frame)
        if tap in readable:
            to_strata.frame(os.read(tap, 65536))
        now = time.monotonic()
        to_kernel.tick(now)
        to_strata.tick(now)


if __name__ == "__main__":
    main(sys.argv)
