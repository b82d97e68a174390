package dev.strata.udp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.IpProtocol;

/**
 * The UDP header (RFC 768) read and written in place: static accessors over a buffer and the
 * index of the header's first byte, like {@link dev.strata.api.ipv4.Ipv4Header}. Accessors
 * trust the bytes; {@link #validate} checks a received datagram first.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * </pre>
 * (RFC 768, "User Datagram Header Format")
 */
final class UdpHeader {

    /** The header is 8 bytes; the length field counts it (RFC 768: "the minimum value of the length is eight"). */
    static final int LENGTH = 8;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int TOTAL_LENGTH = 4;
    static final int CHECKSUM = 6;

    /** The largest payload over IPv4: 65535 minus a 20-byte IPv4 header and this header. */
    static final int MAX_PAYLOAD = 65535 - 20 - LENGTH;

    /** RFC 768: "An all zero transmitted checksum value means that the transmitter generated no checksum". */
    static final int NO_CHECKSUM = 0;

    private UdpHeader() {
    }

    static int sourcePort(PacketBuffer b, int at) {
        return b.getU16(at + SOURCE_PORT);
    }

    static int destinationPort(PacketBuffer b, int at) {
        return b.getU16(at + DESTINATION_PORT);
    }

    /** The length field: header plus data, in bytes. */
    static int length(PacketBuffer b, int at) {
        return b.getU16(at + TOTAL_LENGTH);
    }

    static int checksum(PacketBuffer b, int at) {
        return b.getU16(at + CHECKSUM);
    }

    /**
     * Checks a received datagram of {@code available} bytes (the IP payload) at {@code at}:
     * room for the header, a length field of at least 8 and at most what arrived. Returns the
     * drop reason, or null when the header may be read and {@link #length} trusted.
     */
    static UdpStatistic validate(PacketBuffer b, int at, int available) {
        if (available < LENGTH) {
            return UdpStatistic.TOO_SHORT;
        }
        int length = length(b, at);
        // RFC 768: the length includes the header, so at least 8; more than IP carried is a lie.
        if (length < LENGTH || length > available) {
            return UdpStatistic.BAD_LENGTH;
        }
        return null;
    }

    /**
     * True when the checksum of the {@code length}-byte datagram at {@code at} verifies
     * against the pseudo-header (RFC 768: source, destination, zero, protocol, UDP length):
     * the one's complement sum over all of it, checksum field included, is all ones.
     */
    static boolean checksumValid(PacketBuffer b, int at, int length, int source, int destination) {
        long pseudo = InternetChecksum.pseudoHeader(source, destination, IpProtocol.UDP, length);
        return InternetChecksum.compute(b, at, length, pseudo) == 0;
    }

    /** Writes ports and length, and clears the checksum. */
    static void write(PacketBuffer b, int at, int sourcePort, int destinationPort, int length) {
        b.putU16(at + SOURCE_PORT, sourcePort);
        b.putU16(at + DESTINATION_PORT, destinationPort);
        b.putU16(at + TOTAL_LENGTH, length);
        b.putU16(at + CHECKSUM, 0);
    }

    /**
     * Computes and stores the checksum of the {@code length}-byte datagram at {@code at}
     * (checksum field 0 beforehand) over the pseudo-header. RFC 768: "If the computed
     * checksum is zero, it is transmitted as all ones", since all zeros means none.
     */
    static void writeChecksum(PacketBuffer b, int at, int length, int source, int destination) {
        long pseudo = InternetChecksum.pseudoHeader(source, destination, IpProtocol.UDP, length);
        int checksum = InternetChecksum.compute(b, at, length, pseudo);
        b.putU16(at + CHECKSUM, checksum == 0 ? 0xffff : checksum);
    }
}
