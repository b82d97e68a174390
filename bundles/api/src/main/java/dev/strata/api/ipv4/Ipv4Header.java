package dev.strata.api.ipv4;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The IPv4 header (RFC 791 section 3.1) read in place: static accessors over a buffer and
 * the index of the header's first byte. Shared by IPv4 and the protocols above it (ICMP
 * reads the quoted header of an error, transports read addresses for their pseudo-header).
 * Accessors trust the bytes: the IPv4 layer validates before anyone else reads.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * |         Identification        |Flags|      Fragment Offset    |
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * |                       Source Address                          |
 * |                    Destination Address                        |
 * </pre>
 */
public final class Ipv4Header {

    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int MAX_DATAGRAM = 65535;

    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;

    /** Flags (RFC 791 3.1): don't fragment, more fragments; the rest of the word is the offset in 8-byte units. */
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int OFFSET_MASK = 0x1fff;

    private Ipv4Header() {
    }

    public static int version(PacketBuffer b, int at) {
        return b.getU8(at + VERSION_IHL) >>> 4;
    }

    /** Header length in bytes (IHL times 4). */
    public static int headerLength(PacketBuffer b, int at) {
        return (b.getU8(at + VERSION_IHL) & 0x0f) * 4;
    }

    public static int tos(PacketBuffer b, int at) {
        return b.getU8(at + TOS);
    }

    public static int totalLength(PacketBuffer b, int at) {
        return b.getU16(at + TOTAL_LENGTH);
    }

    public static int identification(PacketBuffer b, int at) {
        return b.getU16(at + IDENTIFICATION);
    }

    public static boolean dontFragment(PacketBuffer b, int at) {
        return (b.getU16(at + FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    public static boolean moreFragments(PacketBuffer b, int at) {
        return (b.getU16(at + FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment offset in bytes. */
    public static int fragmentOffset(PacketBuffer b, int at) {
        return (b.getU16(at + FLAGS_FRAGMENT) & OFFSET_MASK) * 8;
    }

    public static int ttl(PacketBuffer b, int at) {
        return b.getU8(at + TTL);
    }

    public static int protocol(PacketBuffer b, int at) {
        return b.getU8(at + PROTOCOL);
    }

    public static int checksum(PacketBuffer b, int at) {
        return b.getU16(at + CHECKSUM);
    }

    public static int source(PacketBuffer b, int at) {
        return b.getI32(at + SOURCE);
    }

    public static int destination(PacketBuffer b, int at) {
        return b.getI32(at + DESTINATION);
    }

    /** True when the header's checksum verifies (RFC 791: the one's complement sum is all ones). */
    public static boolean checksumValid(PacketBuffer b, int at) {
        return InternetChecksum.compute(b, at, headerLength(b, at), 0) == 0;
    }
}
