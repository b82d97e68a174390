package dev.strata.capture;

/**
 * The classic pcap file format (draft-ietf-opsawg-pcap, "PCAP Capture File Format"; the
 * format of libpcap, tcpdump -w and Wireshark), nanosecond variant, written big-endian: the
 * magic number tells the reader the byte order and the time resolution.
 *
 * <pre>
 * File Header (section 4, Figure 1), 24 octets:
 *  0 Magic Number (0xa1b23c4d: nanosecond timestamps)
 *  4 Major Version (2)   6 Minor Version (4)
 *  8 Reserved1 (0, was thiszone)   12 Reserved2 (0, was sigfigs)
 * 16 SnapLen   20 LinkType and additional information (1 = LINKTYPE_ETHERNET)
 *
 * Packet Record (section 5, Figure 3), 16 octets, then the packet data:
 *  0 Timestamp (Seconds)   4 Timestamp (Nanoseconds)
 *  8 Captured Packet Length (incl_len)   12 Original Packet Length (orig_len)
 * </pre>
 */
final class PcapFormat {

    /** draft-ietf-opsawg-pcap section 4: "0xA1B23C4D ... time stamps in Packet Records are in seconds and nanoseconds". */
    static final int MAGIC_NANOSECONDS = 0xa1b2_3c4d;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    /** The most of one frame kept (tcpdump's default snapshot length before 4.0 was smaller; 65535 keeps any frame whole here). */
    static final int SNAPLEN = 65535;
    /** LINKTYPE_ETHERNET (IEEE 802.3), tcpdump.org/linktypes.html. */
    static final int LINKTYPE_ETHERNET = 1;

    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;

    static final int OFFSET_MAGIC = 0;
    static final int OFFSET_VERSION_MAJOR = 4;
    static final int OFFSET_VERSION_MINOR = 6;
    static final int OFFSET_RESERVED1 = 8;
    static final int OFFSET_RESERVED2 = 12;
    static final int OFFSET_SNAPLEN = 16;
    static final int OFFSET_LINKTYPE = 20;

    static final int OFFSET_TS_SECONDS = 0;
    static final int OFFSET_TS_NANOSECONDS = 4;
    static final int OFFSET_CAPTURED_LENGTH = 8;
    static final int OFFSET_ORIGINAL_LENGTH = 12;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PcapFormat() {
    }

    /** The 24-octet file header. */
    static byte[] fileHeader() {
        byte[] header = new byte[FILE_HEADER_LENGTH];
        putInt(header, OFFSET_MAGIC, MAGIC_NANOSECONDS);
        putShort(header, OFFSET_VERSION_MAJOR, VERSION_MAJOR);
        putShort(header, OFFSET_VERSION_MINOR, VERSION_MINOR);
        putInt(header, OFFSET_RESERVED1, 0);
        putInt(header, OFFSET_RESERVED2, 0);
        putInt(header, OFFSET_SNAPLEN, SNAPLEN);
        putInt(header, OFFSET_LINKTYPE, LINKTYPE_ETHERNET);
        return header;
    }

    /** The bytes of a frame of {@code length} that a record keeps: all of it up to the snapshot length. */
    static int capturedLength(int length) {
        return Math.min(length, SNAPLEN);
    }

    /** Seconds since the epoch, as the record's unsigned 32-bit field holds them. */
    static int seconds(long timestampNanos) {
        return (int) Math.floorDiv(timestampNanos, NANOS_PER_SECOND);
    }

    /** Nanoseconds within the second, 0 to 999,999,999. */
    static int nanoseconds(long timestampNanos) {
        return (int) Math.floorMod(timestampNanos, NANOS_PER_SECOND);
    }

    private static void putInt(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }

    private static void putShort(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 8);
        into[at + 1] = (byte) value;
    }
}
