package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.IpProtocol;

/**
 * The TCP header (RFC 9293 3.1) read and written in place: static accessors over a buffer
 * and the index of the header's first byte, like {@link dev.strata.api.ipv4.Ipv4Header}.
 * Accessors trust the bytes; {@link #validate} checks a received segment first. Options are
 * {@link TcpOptions}' business.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * (RFC 9293 Figure 1, "TCP Header Format")
 */
final class TcpHeader {

    /** The header without options: 5 words (RFC 9293 3.1, "Data Offset"). */
    static final int MIN_LENGTH = 20;
    /** The data offset is 4 bits of words: at most 15 * 4. */
    static final int MAX_LENGTH = 60;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int SEQUENCE = 4;
    static final int ACKNOWLEDGMENT = 8;
    static final int DATA_OFFSET = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT_POINTER = 18;
    static final int OPTIONS = 20;

    // RFC 9293 3.1 control bits, in the byte at FLAGS.
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    /** ECN-Echo (RFC 3168). */
    static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168). */
    static final int CWR = 0x80;

    private TcpHeader() {
    }

    static int sourcePort(PacketBuffer b, int at) {
        return b.getU16(at + SOURCE_PORT);
    }

    static int destinationPort(PacketBuffer b, int at) {
        return b.getU16(at + DESTINATION_PORT);
    }

    /** The sequence number, as an int compared with {@link Seq}. */
    static int sequence(PacketBuffer b, int at) {
        return b.getI32(at + SEQUENCE);
    }

    static int acknowledgment(PacketBuffer b, int at) {
        return b.getI32(at + ACKNOWLEDGMENT);
    }

    /** Header length in bytes: the data offset field (words) times 4. */
    static int headerLength(PacketBuffer b, int at) {
        return (b.getU8(at + DATA_OFFSET) >>> 4) * 4;
    }

    /** The eight control bits (CWR..FIN); the reserved bits are not included. */
    static int flags(PacketBuffer b, int at) {
        return b.getU8(at + FLAGS);
    }

    /** The window field, unscaled. */
    static int window(PacketBuffer b, int at) {
        return b.getU16(at + WINDOW);
    }

    static int checksum(PacketBuffer b, int at) {
        return b.getU16(at + CHECKSUM);
    }

    static int urgentPointer(PacketBuffer b, int at) {
        return b.getU16(at + URGENT_POINTER);
    }

    /**
     * Checks a received segment of {@code available} bytes (the IP payload) at {@code at}:
     * room for the fixed header, a data offset of at least 5 words and no more than what
     * arrived (RFC 9293 3.1). Returns the drop reason, or null when the header may be read
     * and {@link #headerLength} trusted.
     */
    static TcpStatistic validate(PacketBuffer b, int at, int available) {
        if (available < MIN_LENGTH) {
            return TcpStatistic.TOO_SHORT;
        }
        int headerLength = headerLength(b, at);
        if (headerLength < MIN_LENGTH || headerLength > available) {
            return TcpStatistic.BAD_DATA_OFFSET;
        }
        return null;
    }

    /**
     * True when the checksum of the {@code length}-byte segment at {@code at} verifies against
     * the pseudo-header (RFC 9293 3.1: source, destination, zero, PTCL, TCP length).
     */
    static boolean checksumValid(PacketBuffer b, int at, int length, int source, int destination) {
        long pseudo = InternetChecksum.pseudoHeader(source, destination, IpProtocol.TCP, length);
        return InternetChecksum.compute(b, at, length, pseudo) == 0;
    }

    /**
     * Writes the fixed header with a data offset of {@code headerLength} bytes (a multiple of
     * 4, options written by the caller after it) and clears the checksum and urgent pointer.
     */
    static void write(PacketBuffer b, int at, int sourcePort, int destinationPort, int sequence, int acknowledgment,
            int headerLength, int flags, int window) {
        b.putU16(at + SOURCE_PORT, sourcePort);
        b.putU16(at + DESTINATION_PORT, destinationPort);
        b.putI32(at + SEQUENCE, sequence);
        b.putI32(at + ACKNOWLEDGMENT, acknowledgment);
        b.putU8(at + DATA_OFFSET, (headerLength / 4) << 4);
        b.putU8(at + FLAGS, flags);
        b.putU16(at + WINDOW, window);
        b.putU16(at + CHECKSUM, 0);
        b.putU16(at + URGENT_POINTER, 0);
    }

    /**
     * Stores the folded, uncomplemented sum of the pseudo-header of a {@code length}-byte
     * segment (RFC 9293 3.1) for the link to complete over the segment (Linux's
     * CHECKSUM_PARTIAL, {@code ~tcp_v4_check(len, saddr, daddr, 0)}).
     */
    static void writePartialChecksum(PacketBuffer b, int at, int length, int source, int destination) {
        long pseudo = InternetChecksum.pseudoHeader(source, destination, IpProtocol.TCP, length);
        b.putU16(at + CHECKSUM, ~InternetChecksum.finish(pseudo) & 0xffff);
    }

    /** Computes and stores the checksum of the {@code length}-byte segment at {@code at} (field 0 beforehand). */
    static void writeChecksum(PacketBuffer b, int at, int length, int source, int destination) {
        long pseudo = InternetChecksum.pseudoHeader(source, destination, IpProtocol.TCP, length);
        b.putU16(at + CHECKSUM, InternetChecksum.compute(b, at, length, pseudo));
    }
}
