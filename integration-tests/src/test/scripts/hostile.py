#!/usr/bin/env python3
"""Hostile traffic for HostileTrafficIT: malformed frames at every layer, a SYN flood, a port scan.

Runs in the network namespace that holds the kernel's side of Strata's TAP and writes whole
Ethernet frames to it on an AF_PACKET raw socket (python3 standard library only, no scapy), so
nothing in the kernel's own stack vets or repairs them.

  hostile.py --iface TAP --stack IP --stack-mac MAC --kernel IP --kernel-mac MAC list
        print every case: "case NAME LAYER COUNT"
  hostile.py ... send NAME [--count N]
        send case NAME (N times where it takes a count) and print "sent NAME FRAMES", or
        "unsendable NAME REASON" when the kernel refuses such a frame (and exit 0)
  hostile.py ... send NAME --replies
        as send, then listen on the TAP until it is quiet and print
        "replies NAME rst=R synack=S other=O dropped=D" (frames Strata sent back, by kind;
        D = frames the TAP's queue dropped on their way to Strata)
  hostile.py ... serve
        read commands from standard input, one a line, "send NAME COUNT", and answer each as
        "send NAME --count COUNT --replies" does (one process for a whole batch of cases)
  hostile.py ... flood --port P --count N --seconds S
        N SYNs to port P from random ports of spoofed on-link addresses spread over S seconds,
        never completing; answers ARP for the spoofed addresses (with MACs nobody owns, so the
        kernel drops Strata's SYN-ACKs silently) and prints "flood sent=N synack=S rst=R dropped=D"
  hostile.py ... scan --first A --last B
        one SYN to every port A..B from the kernel's address (as nmap -sS), then prints
        "scan sent=N rst=R synack=S open=P1,P2,... dropped=D" (open: the ports that answered SYN-ACK)

Every case is one kind of malformation, named so the test can say which one failed.
"""
import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

from udp_peer import checksum  # RFC 1071 Internet checksum (this script's directory is on sys.path)

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4
PACKET_IGNORE_OUTGOING = 23  # Linux 4.20: no copies of our own frames on the receiving socket
SOL_PACKET = 263  # <linux/socket.h>; the socket module does not name it

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# Spoofed senders: on-link addresses nobody owns, each "at" a MAC nobody owns (locally
# administered), announced to Strata by ARP so that its answers leave the TAP and die in the
# kernel (PACKET_OTHERHOST) where this script still sees them.
SPOOF_HOSTS = 32
SPOOF_BASE = 100  # 198.18.12.100 .. 131 when the stack is 198.18.12.2


def mac_bytes(text):
    return bytes(int(part, 16) for part in text.split(":"))


def ip_bytes(text):
    return socket.inet_aton(text)


class Net:
    def __init__(self, args):
        self.iface = args.iface
        self.stack = ip_bytes(args.stack)
        self.kernel = ip_bytes(args.kernel)
        self.stack_mac = mac_bytes(args.stack_mac)
        self.kernel_mac = mac_bytes(args.kernel_mac)
        prefix = self.stack[:3]
        self.spoofed = [prefix + bytes([SPOOF_BASE + i]) for i in range(SPOOF_HOSTS)]
        self.spoofed_mac = {ip: bytes([0x02, 0x68, 0x78, 0, 0, ip[3]]) for ip in self.spoofed}
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        try:
            self.sock.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        except OSError:
            pass  # older kernel: outgoing copies are filtered by pkttype below
        self.sock.bind((self.iface, 0))
        self.tx_dropped_start = self.tx_dropped()
        # the source ports this run's TCP segments came from: only answers to them are tallied
        # (half-open connections of earlier runs keep retransmitting their SYN-ACKs meanwhile)
        self.ports = set()
        self.any_port = False

    def tx_dropped(self):
        """Frames the TAP's queue dropped on their way to Strata (tun: more than txqueuelen waiting)."""
        try:
            with open("/sys/class/net/%s/statistics/tx_dropped" % self.iface) as f:
                return int(f.read())
        except OSError:
            return -1

    def dropped(self):
        return self.tx_dropped() - self.tx_dropped_start

    def send(self, frame):
        self.sock.send(frame)

    def send_all(self, frames, pace_every=64, pause=0.002):
        """Sends the frames, pausing now and then so that the TAP's queue never overflows."""
        for i, frame in enumerate(frames):
            self.send(frame)
            if pace_every and i % pace_every == pace_every - 1:
                self.drain(pause)
        return len(frames)

    # ---- receive ------------------------------------------------------------------------------

    def drain(self, seconds, tally=None):
        """Reads what Strata sent for `seconds`, answering ARP for the spoofed addresses."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return
            self.read_one(tally)

    def listen_until_quiet(self, tally, quiet=0.2, limit=5.0):
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            ready, _, _ = select.select([self.sock], [], [], 0.05)
            if ready:
                while self.read_one(tally):
                    last = time.monotonic()

    def read_one(self, tally):
        try:
            frame, address = self.sock.recvfrom(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return False
        if address[2] == PACKET_OUTGOING:
            return True
        if frame[6:12] != self.stack_mac or len(frame) < 14:
            return True
        ether_type = struct.unpack("!H", frame[12:14])[0]
        if ether_type == ETH_P_ARP:
            self.answer_arp(frame[14:])
            return True
        if ether_type != ETH_P_IP or tally is None:
            return True
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] == 6 and len(ip) >= ihl + 14:
            flags = ip[ihl + 13]
            port, destination_port = struct.unpack("!HH", ip[ihl:ihl + 4])
            if not self.any_port and destination_port not in self.ports:
                return True
            if flags & RST:
                tally["rst"] = tally.get("rst", 0) + 1
            elif flags & SYN and flags & ACK:
                tally["synack"] = tally.get("synack", 0) + 1
                tally.setdefault("open", set()).add(port)
            else:
                tally["other"] = tally.get("other", 0) + 1
        else:
            tally["other"] = tally.get("other", 0) + 1
        return True

    def answer_arp(self, arp):
        # RFC 826: a request (op 1) for a spoofed address gets a reply from its made-up MAC
        if len(arp) < 28 or arp[6:8] != b"\x00\x01":
            return
        target = arp[24:28]
        mac = self.spoofed_mac.get(target)
        if mac is not None:
            self.send(self.eth(self.stack_mac, ETH_P_ARP, self.arp(2, mac, target, arp[8:14], arp[14:18]), src=mac))

    # ---- frame builders ---------------------------------------------------------------------------

    def eth(self, dst, ether_type, payload, src=None):
        frame = dst + (src or self.kernel_mac) + struct.pack("!H", ether_type) + payload
        return frame

    @staticmethod
    def arp(op, sha, spa, tha, tpa, htype=1, ptype=ETH_P_IP, hlen=6, plen=4):
        # RFC 826 packet format
        return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + spa + tha + tpa

    def ipv4(self, proto, payload, src=None, dst=None, ident=None, frag=0, more=False, ihl=5, version=4,
             total=None, bad_checksum=False, options=b""):
        """RFC 791 3.1 header; frag is the offset in 8-byte units."""
        src = src or self.kernel
        dst = dst or self.stack
        ident = random.randrange(65536) if ident is None else ident
        header_length = 20 + len(options)
        total = header_length + len(payload) if total is None else total
        flags_fragment = (0x2000 if more else 0) | (frag & 0x1FFF)
        header = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, ident, flags_fragment, 64, proto, 0,
                             src, dst) + options
        csum = checksum(header[:min(len(header), max(20, ihl * 4))])
        if bad_checksum:
            csum ^= 0x5A5A
        header = header[:10] + struct.pack("!H", csum) + header[12:]
        return header + payload

    def ip_frame(self, proto, payload, dst_mac=None, **kw):
        return self.eth(dst_mac or self.stack_mac, ETH_P_IP, self.ipv4(proto, payload, **kw))

    @staticmethod
    def icmp_echo(ident=0x6878, seq=1, data=b"strata-hostile!!", bad_checksum=False):
        message = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
        csum = checksum(message) ^ (0x1111 if bad_checksum else 0)
        return message[:2] + struct.pack("!H", csum) + message[4:]

    def udp(self, sport, dport, data, length=None, bad_checksum=False, src=None):
        length = 8 + len(data) if length is None else length
        segment = struct.pack("!HHHH", sport, dport, length, 0) + data
        pseudo = (src or self.kernel) + self.stack + struct.pack("!BBH", 0, 17, len(segment))
        csum = checksum(pseudo + segment) or 0xFFFF
        if bad_checksum:
            csum = csum ^ 0x0F0F or 1
        return segment[:6] + struct.pack("!H", csum) + segment[8:]

    def tcp(self, sport, dport, flags, seq=None, ack=0, doff=5, data=b"", bad_checksum=False, src=None, options=b""):
        seq = random.randrange(1 << 32) if seq is None else seq
        self.ports.add(sport)
        segment = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 64240, 0, 0) + options + data
        pseudo = (src or self.kernel) + self.stack + struct.pack("!BBH", 0, 6, len(segment))
        csum = checksum(pseudo + segment)
        if bad_checksum:
            csum ^= 0x3C3C
        return segment[:16] + struct.pack("!H", csum) + segment[18:]

    def tcp_frame(self, sport, dport, flags, src=None, **kw):
        src = src or self.kernel
        mac = self.spoofed_mac.get(src, self.kernel_mac)
        return self.eth(self.stack_mac, ETH_P_IP, self.ipv4(6, self.tcp(sport, dport, flags, src=src, **kw), src=src), src=mac)

    def announce_spoofed(self):
        """Each spoofed address asks for the stack's MAC, so Strata learns where it 'is' (RFC 826)."""
        for ip in self.spoofed:
            mac = self.spoofed_mac[ip]
            self.send(self.eth(b"\xff" * 6, ETH_P_ARP, self.arp(1, mac, ip, b"\0" * 6, self.stack), src=mac))
        self.drain(0.2)


# ---- the cases: name -> (layer, default count, builder(net, count) -> frames) ----------------------

CASES = {}


def case(name, layer, count=20):
    def register(builder):
        CASES[name] = (layer, count, builder)
        return builder
    return register


def repeat(count, make):
    return [make(i) for i in range(count)]


# Ethernet (IEEE 802.3)
@case("eth_runt", "Ethernet")
def eth_runt(net, n):
    return repeat(n, lambda i: net.stack_mac + net.kernel_mac[:4])  # 10 bytes: no EtherType


@case("eth_unknown_ethertype", "Ethernet")
def eth_unknown_ethertype(net, n):
    return repeat(n, lambda i: net.eth(net.stack_mac, 0x88B5, b"\0" * 46))  # IEEE local experimental


@case("eth_not_for_us", "Ethernet")
def eth_not_for_us(net, n):
    return repeat(n, lambda i: net.eth(b"\x02\x68\x78\x99\x99\x99", ETH_P_IP, net.ipv4(1, net.icmp_echo(seq=i))))


# ARP (RFC 826)
def arp_frame(net, **kw):
    args = dict(op=1, sha=net.kernel_mac, spa=net.kernel, tha=b"\0" * 6, tpa=net.stack)
    args.update(kw)
    return net.eth(b"\xff" * 6, ETH_P_ARP, Net.arp(**args))


@case("arp_bad_hardware_type", "ARP")
def arp_bad_hardware_type(net, n):
    return repeat(n, lambda i: arp_frame(net, htype=6))  # IEEE 802 networks, not Ethernet


@case("arp_bad_protocol_type", "ARP")
def arp_bad_protocol_type(net, n):
    return repeat(n, lambda i: arp_frame(net, ptype=0x86DD))


@case("arp_bad_lengths", "ARP")
def arp_bad_lengths(net, n):
    # half with a hardware address length of 8, half with a protocol address length of 16
    return repeat(n, lambda i: arp_frame(net, hlen=8) if i % 2 else arp_frame(net, plen=16))


@case("arp_truncated", "ARP")
def arp_truncated(net, n):
    return repeat(n, lambda i: arp_frame(net)[:14 + 20])


@case("arp_bad_operation", "ARP")
def arp_bad_operation(net, n):
    return repeat(n, lambda i: arp_frame(net, op=3))  # RARP request, not ARP's


@case("arp_broadcast_sender", "ARP")
def arp_broadcast_sender(net, n):
    return repeat(n, lambda i: arp_frame(net, sha=b"\xff" * 6))


# IPv4 (RFC 791, RFC 1122 3.2.1)
@case("ip_too_short", "IPv4")
def ip_too_short(net, n):
    return repeat(n, lambda i: net.eth(net.stack_mac, ETH_P_IP, net.ipv4(1, b"")[:16]))


@case("ip_version_6_in_v4_frame", "IPv4")
def ip_version_6(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), version=6))


@case("ip_ihl_below_5", "IPv4")
def ip_ihl_below_5(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), ihl=4))


@case("ip_ihl_beyond_frame", "IPv4")
def ip_ihl_beyond_frame(net, n):
    # IHL 15 = 60 bytes of header in a 36-byte datagram
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), ihl=15))


@case("ip_total_length_above_frame", "IPv4")
def ip_total_length_above_frame(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), total=20 + 24 + 100))


@case("ip_total_length_below_header", "IPv4")
def ip_total_length_below_header(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), total=12))


@case("ip_bad_header_checksum", "IPv4")
def ip_bad_header_checksum(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), bad_checksum=True))


@case("ip_source_broadcast", "IPv4")
def ip_source_broadcast(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), src=b"\xff" * 4))


@case("ip_source_multicast", "IPv4")
def ip_source_multicast(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), src=ip_bytes("224.0.0.9")))


@case("ip_source_subnet_broadcast", "IPv4")
def ip_source_subnet_broadcast(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), src=net.stack[:3] + b"\xff"))


@case("ip_source_loopback", "IPv4")
def ip_source_loopback(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), src=ip_bytes("127.0.0.1")))


def fragments(net, proto, payload, pieces, ident):
    """pieces: (byte offset, byte length, more) of payload; each a frame of its own."""
    return [net.ip_frame(proto, payload[start:start + length], ident=ident, frag=start // 8, more=more)
            for start, length, more in pieces]


@case("ip_fragments_overlapping", "IPv4")
def ip_fragments_overlapping(net, n):
    # an echo request of 32 bytes in three fragments, the second overlapping the first by 8
    frames = []
    for i in range(n):
        echo = net.icmp_echo(seq=1000 + i, data=bytes(range(24)))
        frames += fragments(net, 1, echo, [(0, 16, True), (8, 16, True), (24, 8, False)], 0x4800 + i)
    return frames


@case("ip_fragments_tiny_first", "IPv4")
def ip_fragments_tiny_first(net, n):
    # RFC 1858 2: a SYN whose first fragment holds 8 bytes of TCP header (ports and sequence
    # number), the flags in the second; to a closed port, so that the reassembled SYN gets a RST
    frames = []
    for i in range(n):
        syn = net.tcp(40000 + i, 1, SYN)
        frames += fragments(net, 6, syn, [(0, 8, True), (8, 12, False)], 0x4900 + i)
    return frames


@case("ip_fragment_offset_past_65535", "IPv4")
def ip_fragment_offset_past_65535(net, n):
    # RFC 791 3.2: offset 8191 * 8 = 65528 plus 16 bytes reaches past a 65535-byte datagram
    return repeat(n, lambda i: net.ip_frame(1, b"\0" * 16, ident=0x4A00 + i, frag=8191, more=False))


@case("ip_fragment_length_not_multiple_of_8", "IPv4")
def ip_fragment_length_not_multiple_of_8(net, n):
    return repeat(n, lambda i: net.ip_frame(1, b"\0" * 12, ident=0x4B00 + i, frag=0, more=True))


@case("ip_fragments_inconsistent_end", "IPv4")
def ip_fragments_inconsistent_end(net, n):
    # the last fragment says the datagram ends at 16, then a middle one reaches to 24
    frames = []
    for i in range(n):
        frames.append(net.ip_frame(1, b"\0" * 8, ident=0x4C00 + i, frag=1, more=False))
        frames.append(net.ip_frame(1, b"\0" * 8, ident=0x4C00 + i, frag=2, more=True))
    return frames


@case("ip_reassembly_exhaustion", "IPv4", count=300)
def ip_reassembly_exhaustion(net, n):
    # one middle fragment each of n datagrams that never complete (and, not being first
    # fragments, never cause a time exceeded)
    return repeat(n, lambda i: net.ip_frame(1, b"\0" * 8, ident=0x5000 + i, frag=1, more=True))


# ICMP (RFC 792)
@case("icmp_bad_checksum", "ICMP")
def icmp_bad_checksum(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i, bad_checksum=True)))


@case("icmp_truncated_echo", "ICMP")
def icmp_truncated_echo(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i)[:4]))


@case("icmp_echo_to_broadcast", "ICMP")
def icmp_echo_to_broadcast(net, n):
    return repeat(n, lambda i: net.ip_frame(1, net.icmp_echo(seq=i), dst_mac=b"\xff" * 6, dst=net.stack[:3] + b"\xff"))


# UDP (RFC 768), to the echo service
@case("udp_truncated_header", "UDP")
def udp_truncated_header(net, n):
    return repeat(n, lambda i: net.ip_frame(17, net.udp(40000 + i, 7, b"")[:4]))


@case("udp_length_above_datagram", "UDP")
def udp_length_above_datagram(net, n):
    return repeat(n, lambda i: net.ip_frame(17, net.udp(40000 + i, 7, b"hostile", length=8 + 7 + 50)))


@case("udp_length_below_8", "UDP")
def udp_length_below_8(net, n):
    return repeat(n, lambda i: net.ip_frame(17, net.udp(40000 + i, 7, b"hostile", length=4)))


@case("udp_bad_checksum", "UDP")
def udp_bad_checksum(net, n):
    return repeat(n, lambda i: net.ip_frame(17, net.udp(40000 + i, 7, b"hostile", bad_checksum=True)))


# TCP (RFC 9293)
@case("tcp_truncated_header", "TCP")
def tcp_truncated_header(net, n):
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(40000 + i, 80, SYN)[:12]))


@case("tcp_data_offset_below_5", "TCP")
def tcp_data_offset_below_5(net, n):
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(40000 + i, 80, SYN, doff=4)))


@case("tcp_data_offset_beyond_segment", "TCP")
def tcp_data_offset_beyond_segment(net, n):
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(40000 + i, 80, SYN, doff=15)))


@case("tcp_bad_checksum", "TCP")
def tcp_bad_checksum(net, n):
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(40000 + i, 80, SYN, bad_checksum=True)))


@case("tcp_bad_option_length", "TCP")
def tcp_bad_option_length(net, n):
    # MSS option (kind 2) claiming 40 bytes in a 4-byte option space
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(40000 + i, 80, SYN, doff=6, options=b"\x02\x28\x05\xb4")))


@case("tcp_port_zero", "TCP")
def tcp_port_zero(net, n):
    return repeat(n, lambda i: net.ip_frame(6, net.tcp(0, 80, SYN)))


@case("tcp_syn_fin_to_listener", "TCP")
def tcp_syn_fin_to_listener(net, n):
    # from spoofed hosts, so the kernel does not reset what Strata answers
    return repeat(n, lambda i: net.tcp_frame(41000 + i, 80, SYN | FIN, src=net.spoofed[i % SPOOF_HOSTS]))


@case("tcp_ack_for_no_connection", "TCP")
def tcp_ack_for_no_connection(net, n):
    # RFC 9293 3.10.7.2: an ACK to a listener is answered <SEQ=SEG.ACK><CTL=RST>
    return repeat(n, lambda i: net.tcp_frame(42000 + i, 80, ACK, ack=random.randrange(1 << 32)))


@case("tcp_data_for_no_connection", "TCP")
def tcp_data_for_no_connection(net, n):
    # RFC 9293 3.10.7.1: to a closed port, anything but a RST gets a RST
    return repeat(n, lambda i: net.tcp_frame(43000 + i, 5555, PSH | ACK, ack=random.randrange(1 << 32), data=b"hostile"))


@case("tcp_rst_for_no_connection", "TCP")
def tcp_rst_for_no_connection(net, n):
    # RFC 9293 3.10.7.1: a RST is never answered
    return repeat(n, lambda i: net.tcp_frame(44000 + i, 5555, RST))


# ---- commands ---------------------------------------------------------------------------------------


def send_case(net, name, count, replies):
    layer, default, builder = CASES[name]
    net.tx_dropped_start = net.tx_dropped()
    net.ports.clear()
    if name == "tcp_syn_fin_to_listener":
        net.announce_spoofed()
    frames = builder(net, default if count is None else count)
    try:
        net.send_all(frames)
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.EMSGSIZE):
            print("unsendable %s %s" % (name, os.strerror(e.errno)), flush=True)
            return
        raise
    print("sent %s %d" % (name, len(frames)), flush=True)
    if replies:
        tally = {}
        net.listen_until_quiet(tally)
        print("replies %s rst=%d synack=%d other=%d dropped=%d" % (
            name, tally.get("rst", 0), tally.get("synack", 0), tally.get("other", 0), net.dropped()), flush=True)


def flood(net, port, count, seconds):
    net.any_port = True  # random source ports: every SYN-ACK counts
    net.announce_spoofed()
    tally = {}
    start = time.monotonic()
    batch = 50
    # every SYN a distinct 4-tuple (hosts in turn, ports counting up from a random start): a repeated
    # one would be a retransmission to a connection in SYN-RECEIVED, not a new SYN, and the test
    # counts exactly the SYNs beyond the queue
    first_port = random.randrange(1024, 65536 - count // SPOOF_HOSTS - 1)
    for sent in range(0, count, batch):
        for i in range(sent, min(count, sent + batch)):
            src = net.spoofed[i % SPOOF_HOSTS]
            net.send(net.tcp_frame(first_port + i // SPOOF_HOSTS, port, SYN, src=src))
        # spread the SYNs over the time asked for, reading Strata's answers meanwhile
        due = start + seconds * min(count, sent + batch) / count
        net.drain(max(0.001, due - time.monotonic()), tally)
    net.listen_until_quiet(tally, quiet=0.3, limit=0.5)  # the half-open connections never go quiet
    print("flood sent=%d synack=%d rst=%d dropped=%d" % (count, tally.get("synack", 0), tally.get("rst", 0), net.dropped()))


def scan(net, first, last):
    tally = {}
    sport = random.randrange(20000, 30000)
    ports = list(range(first, last + 1))
    for i, port in enumerate(ports):
        net.send(net.tcp_frame(sport, port, SYN, seq=0x6878 + port))
        if i % 64 == 63:
            net.drain(0.002, tally)
    net.listen_until_quiet(tally)
    print("scan sent=%d rst=%d synack=%d open=%s dropped=%d" % (
        len(ports), tally.get("rst", 0), tally.get("synack", 0),
        ",".join(str(p) for p in sorted(tally.get("open", ()))), net.dropped()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iface", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--stack-mac", required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--kernel-mac", required=True)
    parser.add_argument("command", choices=["list", "send", "serve", "flood", "scan"])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--count", type=int)
    parser.add_argument("--replies", action="store_true")
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, default=1024)
    args = parser.parse_args()
    if args.command == "list":
        for name, (layer, count, _) in CASES.items():
            print("case %s %s %d" % (name, layer, count))
        return 0
    net = Net(args)
    if args.command == "send":
        for name in args.names:
            if name not in CASES:
                print("no case %s" % name, file=sys.stderr)
                return 2
            send_case(net, name, args.count, args.replies)
    elif args.command == "serve":
        for line in sys.stdin:
            words = line.split()
            if len(words) == 3 and words[0] == "send" and words[1] in CASES:
                send_case(net, words[1], int(words[2]), True)
            else:
                print("bad command %r" % line.strip(), flush=True)
    elif args.command == "flood":
        flood(net, args.port, args.count or 3000, args.seconds)
    else:
        scan(net, args.first, args.last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
