package dev.strata.capture;

import java.util.HexFormat;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

/**
 * Valid Ethernet frames for the capture tests, built by hand with correct IPv4, ICMP and
 * UDP checksums (RFC 791, 792, 768) between 198.18.0.1 (02:5e:10:00:00:01) and 198.18.0.2
 * (02:5e:10:00:00:02).
 */
final class Frames {

    private static final String MAC_1 = "025e10000001";
    private static final String MAC_2 = "025e10000002";
    private static final String IP_1 = "c6120001";
    private static final String IP_2 = "c6120002";

    private Frames() {
    }

    /** ARP request (RFC 826): who has 198.18.0.2? tell 198.18.0.1; 42 bytes. */
    static byte[] arpRequest() {
        return HexFormat.of().parseHex("ffffffffffff" + MAC_1 + "0806"
                + "0001" + "0800" + "06" + "04" + "0001" + MAC_1 + IP_1 + "000000000000" + IP_2);
    }

    /** ICMP echo request (RFC 792), id 0x1234, seq 1, 56 bytes of data; 98 bytes. */
    static byte[] icmpEchoRequest() {
        byte[] icmp = new byte[8 + 56];
        icmp[0] = 8;
        icmp[4] = 0x12;
        icmp[5] = 0x34;
        icmp[7] = 1;
        for (int i = 8; i < icmp.length; i++) {
            icmp[i] = (byte) i;
        }
        putShort(icmp, 2, checksum(icmp, 0, icmp.length, 0));
        return ethernetIpv4(1, icmp);
    }

    /** UDP datagram (RFC 768) from port 40000 to port 7 with "hello, strata"; checksum over the pseudo-header. */
    static byte[] udpDatagram() {
        byte[] payload = "hello, strata".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] udp = new byte[8 + payload.length];
        putShort(udp, 0, 40000);
        putShort(udp, 2, 7);
        putShort(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, 8, payload.length);
        long pseudo = 0xc612L + 0x0001 + 0xc612 + 0x0002 + 17 + udp.length;
        int sum = checksum(udp, 0, udp.length, pseudo);
        putShort(udp, 6, sum == 0 ? 0xffff : sum);
        return ethernetIpv4(17, udp);
    }

    private static byte[] ethernetIpv4(int protocol, byte[] transport) {
        byte[] ip = new byte[20 + transport.length];
        ip[0] = 0x45;
        putShort(ip, 2, ip.length);
        putShort(ip, 4, 0x0bad);
        ip[6] = 0x40; // DF
        ip[8] = 64;
        ip[9] = (byte) protocol;
        System.arraycopy(HexFormat.of().parseHex(IP_1 + IP_2), 0, ip, 12, 8);
        putShort(ip, 10, checksum(ip, 0, 20, 0));
        System.arraycopy(transport, 0, ip, 20, transport.length);
        byte[] ethernet = HexFormat.of().parseHex(MAC_2 + MAC_1 + "0800");
        byte[] frame = new byte[ethernet.length + ip.length];
        System.arraycopy(ethernet, 0, frame, 0, ethernet.length);
        System.arraycopy(ip, 0, frame, ethernet.length, ip.length);
        return frame;
    }

    /** The Internet checksum (RFC 1071) of {@code bytes[from, from + length)} plus {@code initial}. */
    private static int checksum(byte[] bytes, int from, int length, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((bytes[from + i] & 0xff) << 8) | (bytes[from + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (bytes[from + length - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void putShort(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 8);
        into[at + 1] = (byte) value;
    }

    /** {@code bytes} in a buffer from {@code pool}, as a link hands a frame to the tap. */
    static PacketBuffer buffer(BufferPool pool, byte[] bytes) {
        PacketBuffer buffer = pool.allocate(bytes.length);
        int at = buffer.append(bytes.length);
        buffer.putBytes(at, bytes, 0, bytes.length);
        return buffer;
    }
}
