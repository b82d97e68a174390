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

Strata's TAP offloads checksums and segmentation to the kernel (IFF_VNET_HDR): what it writes
may be a 64 KB TCP segment to be cut at gso_size, or carry a checksum still to complete. The
relay reads STRATA_DEV with PACKET_VNET_HDR and does what a NIC would before the wire: it
completes partial checksums and cuts TCP GSO packets into MSS-sized segments (new IPv4 total
length, identification and checksum; sequence numbers advanced; FIN and PSH on the last
segment only, CWR on the first), so that the impairment applies to each wire segment as netem's
would.
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
from array import array

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_VNET_HDR = 15
VNET_HDR = struct.Struct("<BBHHHH")  # flags, gso_type, hdr_len, gso_size, csum_start, csum_offset
VNET_NEEDS_CSUM = 1
GSO_TCPV4 = 1
PLAIN = bytes(VNET_HDR.size)
HOLD_SECONDS = 0.002


def ones_complement(data):
    """The Internet checksum's 16-bit ones' complement sum (RFC 1071), in host byte order."""
    if len(data) % 2:
        data = data + b"\0"
    total = sum(array("H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def ip_checksum(frame, ip, ihl):
    frame[ip + 10:ip + 12] = b"\0\0"
    frame[ip + 10:ip + 12] = struct.pack("=H", ~ones_complement(bytes(frame[ip:ip + ihl])) & 0xFFFF)


def tcp_checksum(frame, ip, tcp):
    length = len(frame) - tcp
    pseudo = bytes(frame[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, length)
    frame[tcp + 16:tcp + 18] = b"\0\0"
    frame[tcp + 16:tcp + 18] = struct.pack("=H", ~ones_complement(pseudo + bytes(frame[tcp:])) & 0xFFFF)


def wire_frames(packet):
    """What a NIC would put on the wire for one frame Strata wrote (vnet header first)."""
    flags, gso_type, hdr_len, gso_size, csum_start, csum_offset = VNET_HDR.unpack_from(packet)
    frame = bytearray(packet[VNET_HDR.size:])
    if gso_type & 0x7F != GSO_TCPV4:
        if flags & VNET_NEEDS_CSUM:
            # the partial sum (the pseudo-header's) is already in place: sum from csum_start on
            at = csum_start + csum_offset
            total = ones_complement(bytes(frame[csum_start:]))
            frame[at:at + 2] = struct.pack("=H", ~total & 0xFFFF)
        return [bytes(frame)]
    ip = 14
    ihl = (frame[ip] & 0x0F) * 4
    tcp = ip + ihl
    doff = (frame[tcp + 12] >> 4) * 4
    header = tcp + doff
    payload = frame[header:]
    ident = struct.unpack_from("!H", frame, ip + 4)[0]
    seq = struct.unpack_from("!I", frame, tcp + 4)[0]
    tcp_flags = frame[tcp + 13]
    segments = []
    for i, at in enumerate(range(0, len(payload), gso_size)):
        chunk = payload[at:at + gso_size]
        last = at + gso_size >= len(payload)
        segment = bytearray(frame[:header]) + chunk
        struct.pack_into("!H", segment, ip + 2, ihl + doff + len(chunk))
        struct.pack_into("!H", segment, ip + 4, (ident + i) & 0xFFFF)
        ip_checksum(segment, ip, ihl)
        struct.pack_into("!I", segment, tcp + 4, (seq + at) & 0xFFFFFFFF)
        keep = tcp_flags if last else tcp_flags & ~0x09  # FIN, PSH only on the last
        if i > 0:
            keep &= ~0x80  # CWR only on the first
        segment[tcp + 13] = keep
        tcp_checksum(segment, ip, tcp)
        segments.append(bytes(segment))
    return segments


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
    packet.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    packet.bind((strata_dev, 0))
    packet.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

    rng = random.Random(seed)
    to_kernel = Direction("strata->kernel", lambda f: os.write(tap, f), rng, loss, reorder, duplicate)
    to_strata = Direction("kernel->strata", lambda f: packet.send(PLAIN + f), rng, loss, reorder, duplicate)

    def report(*_):
        for d in (to_kernel, to_strata):
            print(d.name, " ".join("%s %d" % kv for kv in d.counts.items()), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([packet, tap], [], [], HOLD_SECONDS)
        if packet in readable:
            frame, address = packet.recvfrom(65536 + VNET_HDR.size)
            if address[2] != PACKET_OUTGOING:  # not our own frames going out to Strata
                for segment in wire_frames(frame):
                    to_kernel.frame(segment)
        if tap in readable:
            to_strata.frame(os.read(tap, 65536))
        now = time.monotonic()
        to_kernel.tick(now)
        to_strata.tick(now)


if __name__ == "__main__":
    main(sys.argv)
