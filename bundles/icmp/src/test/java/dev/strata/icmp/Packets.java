package dev.strata.icmp;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;

/** Builders of received packets for the tests, and the golden bytes captured from Linux. */
final class Packets {

    /*
     * Golden bytes, captured from Linux 6.x here as root:
     *   ip netns add icmp-cap-a; ip netns add icmp-cap-b
     *   ip link add icmpva netns icmp-cap-a type veth peer name icmpvb netns icmp-cap-b
     *   ip -n icmp-cap-a addr add 198.18.77.1/24 dev icmpva; ip -n icmp-cap-b addr add 198.18.77.2/24 dev icmpvb
     *   ip -n icmp-cap-a link set icmpva up; ip -n icmp-cap-b link set icmpvb up
     *   ip netns exec icmp-cap-a tcpdump -n -xx -c 2 -i icmpva icmp &
     *   ip netns exec icmp-cap-a ping -c1 198.18.77.2          (iputils ping, 56 data bytes)
     *   ip netns del icmp-cap-a; ip netns del icmp-cap-b
     * The Ethernet header (14 bytes) is cut off; what follows is the IPv4 datagram.
     */

    /** iputils' echo request 198.18.77.1 -> 198.18.77.2, id 0x14cf, seq 1, 16-byte timeval then 0x10, 0x11, ... */
    static final String LINUX_ECHO_REQUEST = ""
            + "4500 0054 a920 4000 4001 6b60 c612 4d01 c612 4d02"
            + "0800 5519 14cf 0001 135f 076b 0000 0000 a779 0d00 0000 0000 1011 1213 1415"
            + "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

    /** The ICMP part of the reply Linux (198.18.77.2) sent to it. */
    static final String LINUX_ECHO_REPLY_ICMP = ""
            + "0000 5d19 14cf 0001 135f 076b 0000 0000 a779 0d00 0000 0000 1011 1213 1415"
            + "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

    /*
     * Same namespaces, then:
     *   ip netns exec icmp-cap-a tcpdump -n -xx -c 2 -i icmpva udp or icmp &
     *   ip netns exec icmp-cap-a bash -c 'exec 3>/dev/udp/198.18.77.2/33434; printf strata >&3'
     * Nothing listens on 198.18.77.2 port 33434, so Linux answers port unreachable.
     */

    /** A UDP datagram 198.18.77.1:38936 -> 198.18.77.2:33434 carrying "strata". */
    static final String LINUX_UDP_DATAGRAM = ""
            + "4500 0022 3e8e 4000 4011 d614 c612 4d01 c612 4d02"
            + "9818 829a 000e 2648 7374 7261 7461";

    /** Linux's port unreachable about it: TOS 0xc0, no DF, the whole datagram quoted. */
    static final String LINUX_PORT_UNREACHABLE = ""
            + "45c0 003e 2caa 0000 4001 272d c612 4d02 c612 4d01"
            + "0303 61bc 0000 0000"
            + "4500 0022 3e8e 4000 4011 d614 c612 4d01 c612 4d02"
            + "9818 829a 000e 2648 7374 7261 7461";

    static final int LINUX_PINGER = Ipv4Address.parse("198.18.77.1");
    static final int LINUX_HOST = Ipv4Address.parse("198.18.77.2");

    private Packets() {
    }

    static byte[] hex(String text) {
        String digits = text.replaceAll("\\s", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    static byte[] ipPayload(byte[] datagram) {
        int headerLength = (datagram[0] & 0x0f) * 4;
        byte[] payload = new byte[datagram.length - headerLength];
        System.arraycopy(datagram, headerLength, payload, 0, payload.length);
        return payload;
    }

    /**
     * A buffer as IPv4 hands it to a protocol: the datagram after 14 bytes of Ethernet
     * header, {@code networkOffset} at the IPv4 header, the region the IP payload.
     */
    static PacketBuffer received(BufferPool pool, byte[] datagram, NetworkInterface input) {
        PacketBuffer packet = pool.allocate();
        int link = packet.append(14);
        packet.fill(link, 14, 0);
        int at = packet.append(datagram.length);
        packet.putBytes(at, datagram, 0, datagram.length);
        packet.linkOffset(link);
        packet.networkOffset(at);
        packet.region(at + (datagram[0] & 0x0f) * 4, at + datagram.length);
        packet.transportOffset(packet.start());
        packet.inputInterface(input);
        return packet;
    }

    /** An IPv4 datagram (20-byte header with a valid checksum) around {@code payload}. */
    static byte[] datagram(int source, int destination, int protocol, int ttl, int flagsFragment, byte[] payload) {
        byte[] d = new byte[20 + payload.length];
        d[0] = 0x45;
        d[2] = (byte) (d.length >>> 8);
        d[3] = (byte) d.length;
        d[6] = (byte) (flagsFragment >>> 8);
        d[7] = (byte) flagsFragment;
        d[8] = (byte) ttl;
        d[9] = (byte) protocol;
        putInt(d, 12, source);
        putInt(d, 16, destination);
        int sum = checksum(d, 0, 20);
        d[10] = (byte) (sum >>> 8);
        d[11] = (byte) sum;
        System.arraycopy(payload, 0, d, 20, payload.length);
        return d;
    }

    /** An ICMP message with a correct checksum: type, code, rest-of-header word, data. */
    static byte[] icmp(int type, int code, int word, byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        putInt(m, 4, word);
        System.arraycopy(data, 0, m, 8, data.length);
        int sum = checksum(m, 0, m.length);
        m[2] = (byte) (sum >>> 8);
        m[3] = (byte) sum;
        return m;
    }

    static int checksum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = b[offset + i] & 0xff;
            int lo = i + 1 < length ? b[offset + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    /** Reads {@code length} bytes of a buffer at {@code index}. */
    static byte[] bytes(PacketBuffer b, int index, int length) {
        byte[] out = new byte[length];
        b.getBytes(index, out, 0, length);
        return out;
    }

    /** An interface with an address; only what ICMP reads. */
    static NetworkInterface iface(String cidr) {
        int[] parsed = Ipv4Address.parseCidr(cidr);
        return new NetworkInterface() {
            @Override
            public int index() {
                return 2;
            }

            @Override
            public String name() {
                return "strata0";
            }

            @Override
            public Link link() {
                return null;
            }

            @Override
            public int ipv4Address() {
                return parsed[0];
            }

            @Override
            public int prefixLength() {
                return parsed[1];
            }

            @Override
            public boolean isUp() {
                return true;
            }
        };
    }
}
