package dev.strata.icmp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;

/**
 * The ICMP header (RFC 792) read and written in place: static accessors over a buffer and
 * the index of the message's first byte, like {@link dev.strata.api.ipv4.Ipv4Header}.
 * Accessors trust the bytes; {@link #validate} checks a received message first.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  rest of header: Identifier / Sequence (echo), unused / next-  |
 * |  hop MTU (RFC 1191), pointer (parameter problem)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...   (echo data, or the offending IPv4 header + 8 bytes)
 * </pre>
 */
final class IcmpHeader {

    /** Every ICMP message has at least the 8-byte header (RFC 792). */
    static final int LENGTH = 8;

    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int REST = 4;
    /** Echo and echo reply (RFC 792 p.14): identifier and sequence number in the rest-of-header word. */
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;
    /** Destination unreachable code 4 (RFC 1191 section 4): next-hop MTU in the low half of the word. */
    static final int NEXT_HOP_MTU = 6;
    /** Parameter problem (RFC 792 p.8): pointer to the offending octet. */
    static final int POINTER = 4;
    static final int DATA = 8;

    static final int TYPE_ECHO_REPLY = 0;
    static final int TYPE_DESTINATION_UNREACHABLE = 3;
    static final int TYPE_SOURCE_QUENCH = 4;
    static final int TYPE_REDIRECT = 5;
    static final int TYPE_ECHO_REQUEST = 8;
    static final int TYPE_TIME_EXCEEDED = 11;
    static final int TYPE_PARAMETER_PROBLEM = 12;
    static final int TYPE_TIMESTAMP = 13;
    static final int TYPE_TIMESTAMP_REPLY = 14;
    /** The highest type Linux knows (NR_ICMP_TYPES, address mask reply); anything above is assumed to be an error. */
    static final int TYPE_MAX_KNOWN = 18;

    private IcmpHeader() {
    }

    static int type(PacketBuffer b, int at) {
        return b.getU8(at + TYPE);
    }

    static int code(PacketBuffer b, int at) {
        return b.getU8(at + CODE);
    }

    static int checksum(PacketBuffer b, int at) {
        return b.getU16(at + CHECKSUM);
    }

    static int identifier(PacketBuffer b, int at) {
        return b.getU16(at + IDENTIFIER);
    }

    static int sequence(PacketBuffer b, int at) {
        return b.getU16(at + SEQUENCE);
    }

    static int nextHopMtu(PacketBuffer b, int at) {
        return b.getU16(at + NEXT_HOP_MTU);
    }

    static int pointer(PacketBuffer b, int at) {
        return b.getU8(at + POINTER);
    }

    /** Writes type and code and clears the checksum and the rest-of-header word. */
    static void write(PacketBuffer b, int at, int type, int code) {
        b.putU8(at + TYPE, type);
        b.putU8(at + CODE, code);
        b.putU16(at + CHECKSUM, 0);
        b.putI32(at + REST, 0);
    }

    static void echo(PacketBuffer b, int at, int identifier, int sequence) {
        b.putU16(at + IDENTIFIER, identifier);
        b.putU16(at + SEQUENCE, sequence);
    }

    /** Computes and stores the checksum over the whole message of {@code length} bytes (RFC 792: from the type field on). */
    static void writeChecksum(PacketBuffer b, int at, int length) {
        b.putU16(at + CHECKSUM, 0);
        b.putU16(at + CHECKSUM, InternetChecksum.compute(b, at, length, 0));
    }

    /**
     * Turns an echo request into an echo reply in place (RFC 792 p.14: "the type code changed
     * to 0"), updating the checksum incrementally (RFC 1624) since only the type changed.
     */
    static void echoRequestToReply(PacketBuffer b, int at) {
        int oldWord = b.getU16(at + TYPE);
        int newWord = (TYPE_ECHO_REPLY << 8) | (oldWord & 0xff);
        b.putU16(at + TYPE, newWord);
        int checksum = InternetChecksum.adjust(checksum(b, at), oldWord, newWord);
        // RFC 1624 eqn. 3 gives 0x0000 (-0) when the rest of the message sums to zero, where
        // only 0xffff verifies; 0xffff is also right whenever 0x0000 is (RFC 1624 section 3).
        b.putU16(at + CHECKSUM, checksum == 0 ? 0xffff : checksum);
    }

    /**
     * Checks a received message of {@code length} bytes at {@code at}: long enough for the
     * header, and the checksum over the whole message verifies (RFC 792: "the 16-bit ones's
     * complement of the one's complement sum of the ICMP message"). Returns the drop reason,
     * or null when the message may be read.
     */
    static IcmpStatistic validate(PacketBuffer b, int at, int length) {
        if (length < LENGTH) {
            return IcmpStatistic.TOO_SHORT;
        }
        if (InternetChecksum.compute(b, at, length, 0) != 0) {
            return IcmpStatistic.BAD_CHECKSUM;
        }
        return null;
    }

    /**
     * True for the error messages about which no error is ever sent (RFC 1122 3.2.2): the
     * error types, and like Linux any type it does not know.
     */
    static boolean isError(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM || type > TYPE_MAX_KNOWN;
    }
}
