package dev.strata.udp;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;

/** Builders of received packets for the tests, and the golden bytes captured from Linux. */
final class Packets {

    /*
     * Golden bytes, captured from Linux 6.18 here as root:
     *   ip netns add udpcap-a; ip netns add udpcap-b
     *   ip link add udpva netns udpcap-a type veth peer name udpvb netns udpcap-b
     *   ip -n udpcap-a addr add 198.18.66.1/24 dev udpva; ip -n udpcap-b addr add 198.18.66.2/24 dev udpvb
     *   ip netns exec udpcap-a ethtool -K udpva tx off   # else veth leaves CHECKSUM_PARTIAL: tcpdump
     *                                                    # shows only the pseudo-header sum
     *   ip -n udpcap-a link set udpva up; ip -n udpcap-b link set udpvb up
     *   ip netns exec udpcap-b socat -u UDP4-RECV:7777 /dev/null &
     *   ip netns exec udpcap-a tcpdump -n -xx -c 2 -i udpva udp &
     *   printf 'hello strata' | ip netns exec udpcap-a socat -u - UDP4-SENDTO:198.18.66.2:7777,sourceport=40001
     *   printf 'odd'          | ip netns exec udpcap-a socat -u - UDP4-SENDTO:198.18.66.2:7777,sourceport=40001
     *   ip netns del udpcap-a; ip netns del udpcap-b
     * The Ethernet header (14 bytes) is cut off; what follows is the IPv4 datagram. Both
     * checksums were checked independently (one's complement sum over pseudo-header and
     * datagram is 0xffff).
     */

    /** 198.18.66.1:40001 -> 198.18.66.2:7777 carrying "hello strata" (12 bytes), checksum 0x96d1. */
    static final String LINUX_HELLO = ""
            + "4500 0028 113d 4000 4011 1960 c612 4201 c612 4202"
            + "9c41 1e61 0014 96d1 6865 6c6c 6f20 7374 7261 7461";

    /** The same socket sending "odd" (3 bytes: the checksum pads the odd byte with zero), checksum 0x61a8. */
    static final String LINUX_ODD = ""
            + "4500 001f 113e 4000 4011 1968 c612 4201 c612 4202"
            + "9c41 1e61 000b 61a8 6f64 64";

    static final int LINUX_SENDER = Ipv4Address.parse("198.18.66.1");
    static final int LINUX_RECEIVER = Ipv4Address.parse("198.18.66.2");
    static final int SENDER_PORT = 40001;
    static final int RECEIVER_PORT = 7777;

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
    static byte[] datagram(int source, int destination, int protocol, byte[] payload) {
        byte[] d = new byte[20 + payload.length];
        d[0] = 0x45;
        d[2] = (byte) (d.length >>> 8);
        d[3] = (byte) d.length;
        d[6] = 0x40; // DF, as Linux sends UDP
        d[8] = 64;
        d[9] = (byte) protocol;
        putInt(d, 12, source);
        putInt(d, 16, destination);
        int sum = checksum(d, 0, 20, 0);
        d[10] = (byte) (sum >>> 8);
        d[11] = (byte) sum;
        System.arraycopy(payload, 0, d, 20, payload.length);
        return d;
    }

    /** A UDP datagram with a correct checksum over the pseudo-header (0 sent as 0xffff). */
    static byte[] udp(int source, int sourcePort, int destination, int destinationPort, byte[] data) {
        byte[] u = udpNoChecksum(sourcePort, destinationPort, data);
        long pseudo = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + 17 + u.length;
        int sum = checksum(u, 0, u.length, pseudo);
        if (sum == 0) {
            sum = 0xffff;
        }
        u[6] = (byte) (sum >>> 8);
        u[7] = (byte) sum;
        return u;
    }

    /** A UDP datagram with checksum field 0 ("none", RFC 768). */
    static byte[] udpNoChecksum(int sourcePort, int destinationPort, byte[] data) {
        byte[] u = new byte[8 + data.length];
        u[0] = (byte) (sourcePort >>> 8);
        u[1] = (byte) sourcePort;
        u[2] = (byte) (destinationPort >>> 8);
        u[3] = (byte) destinationPort;
        u[4] = (byte) (u.length >>> 8);
        u[5] = (byte) u.length;
        System.arraycopy(data, 0, u, 8, data.length);
        return u;
    }

    /** A whole IPv4 datagram carrying a checksummed UDP datagram. */
    static byte[] udpDatagram(int source, int sourcePort, int destination, int destinationPort, byte[] data) {
        return datagram(source, destination, 17, udp(source, sourcePort, destination, destinationPort, data));
    }

    static int checksum(byte[] b, int offset, int length, long initial) {
        long sum = initial;
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

    /** A payload buffer as the socket layer builds it: the data after the pool's headroom. */
    static PacketBuffer payload(BufferPool pool, byte[] data) {
        PacketBuffer buffer = pool.allocate(data.length);
        int at = buffer.append(data.length);
        buffer.putBytes(at, data, 0, data.length);
        return buffer;
    }

    /** An interface that is up with an address; only what UDP reads. */
    static FakeInterface iface(String cidr) {
        return new FakeInterface(cidr);
    }

    /** A mutable fake interface. */
    static final class FakeInterface implements NetworkInterface {
        int address;
        int prefix;
        boolean up = true;

        FakeInterface(String cidr) {
            int[] parsed = Ipv4Address.parseCidr(cidr);
            address = parsed[0];
            prefix = parsed[1];
        }

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
            return address;
        }

        @Override
        public int prefixLength() {
            return prefix;
        }

        @Override
        public boolean isUp() {
            return up;
        }
    }
}
