package dev.strata.testsupport;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.netif.NetworkInterface;

/**
 * Builders of packet bytes for the protocol tests (ICMP, UDP, TCP), written once here: hex
 * parsing of captured golden bytes, IPv4 datagrams, ICMP messages and UDP datagrams with correct
 * checksums (RFC 1071), and buffers laid out as IPv4 hands a datagram to a protocol. Golden
 * bytes and what only one protocol needs stay in that protocol's tests.
 */
public final class TestPackets {

    private TestPackets() {
    }

    /** The bytes of a hex string; white space between the digits is ignored. */
    public static byte[] hex(String text) {
        String digits = text.replaceAll("\\s", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    /** The IP payload of an IPv4 datagram (what follows its header, options included). */
    public static byte[] ipPayload(byte[] datagram) {
        int headerLength = (datagram[0] & 0x0f) * 4;
        byte[] payload = new byte[datagram.length - headerLength];
        System.arraycopy(datagram, headerLength, payload, 0, payload.length);
        return payload;
    }

    /**
     * A buffer as IPv4 hands it to a protocol: the datagram after 14 bytes of Ethernet
     * header, {@code networkOffset} at the IPv4 header, the region the IP payload.
     */
    public static PacketBuffer received(BufferPool pool, byte[] datagram) {
        PacketBuffer packet = pool.allocate();
        int link = packet.append(14);
        packet.fill(link, 14, 0);
        int at = packet.append(datagram.length);
        packet.putBytes(at, datagram, 0, datagram.length);
        packet.linkOffset(link);
        packet.networkOffset(at);
        packet.region(at + (datagram[0] & 0x0f) * 4, at + datagram.length);
        packet.transportOffset(packet.start());
        return packet;
    }

    /** {@link #received(BufferPool, byte[])}, received on {@code input}. */
    public static PacketBuffer received(BufferPool pool, byte[] datagram, NetworkInterface input) {
        PacketBuffer packet = received(pool, datagram);
        packet.inputInterface(input);
        return packet;
    }

    /** An IPv4 datagram (20-byte header with a valid checksum) around {@code payload}. */
    public static byte[] datagram(int source, int destination, int protocol, int ttl, int flagsFragment, byte[] payload) {
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

    /** An IPv4 datagram as Linux sends UDP: TTL 64, DF, not a fragment. */
    public static byte[] datagram(int source, int destination, int protocol, byte[] payload) {
        return datagram(source, destination, protocol, 64, 0x4000, payload);
    }

    /** An ICMP message with a correct checksum: type, code, rest-of-header word, data. */
    public static byte[] icmp(int type, int code, int word, byte[] data) {
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

    /** A UDP datagram with a correct checksum over the pseudo-header (0 sent as 0xffff). */
    public static byte[] udp(int source, int sourcePort, int destination, int destinationPort, byte[] data) {
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
    public static byte[] udpNoChecksum(int sourcePort, int destinationPort, byte[] data) {
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

    /** A whole IPv4 datagram (TTL 64, DF) carrying a checksummed UDP datagram. */
    public static byte[] udpDatagram(int source, int sourcePort, int destination, int destinationPort, byte[] data) {
        return datagram(source, destination, 17, udp(source, sourcePort, destination, destinationPort, data));
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes at {@code offset}. */
    public static int checksum(byte[] b, int offset, int length) {
        return checksum(b, offset, length, 0);
    }

    /** The Internet checksum of the bytes, starting from a partial sum (a pseudo-header's). */
    public static int checksum(byte[] b, int offset, int length, long initial) {
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

    /** Writes a 32-bit big-endian value. */
    public static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    /** Reads {@code length} bytes of a buffer at {@code index}. */
    public static byte[] bytes(PacketBuffer b, int index, int length) {
        byte[] out = new byte[length];
        b.getBytes(index, out, 0, length);
        return out;
    }
}
