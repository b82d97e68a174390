package dev.strata.ethernet;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Flyweight over an Ethernet II header in a {@link PacketBuffer} (IEEE 802.3 clause 3.1.1,
 * "MAC frame format", with the Length/Type field used as an EtherType as RFC 894 does).
 *
 * <pre>
 *  0                   6                   12      14
 * +-------------------+-------------------+-------+-----------------
 * | destination MAC   | source MAC        | type  | payload ...
 * +-------------------+-------------------+-------+-----------------
 * </pre>
 *
 * <p>Static accessors over {@code (buffer, offset)}: reading a header allocates nothing.
 */
public final class EthernetHeader {

    /** Destination hardware address, 6 octets. */
    public static final int DESTINATION = 0;
    /** Source hardware address, 6 octets. */
    public static final int SOURCE = 6;
    /** EtherType (or an IEEE 802.3 length when below {@link #MIN_ETHER_TYPE}), 2 octets. */
    public static final int ETHER_TYPE = 12;
    /** Header length. */
    public static final int LENGTH = 14;
    /** IEEE 802.3 clause 4.4.2: the minimum frame is 64 octets with the 4-octet FCS, 60 without. */
    public static final int MIN_FRAME_LENGTH = 60;
    /** IEEE 802.3 clause 3.2.6: values from 0x0600 up are types; below, a length (802.3/LLC framing). */
    public static final int MIN_ETHER_TYPE = 0x0600;

    private EthernetHeader() {
    }

    public static long destination(PacketBuffer buffer, int offset) {
        return buffer.getU48(offset + DESTINATION);
    }

    public static long source(PacketBuffer buffer, int offset) {
        return buffer.getU48(offset + SOURCE);
    }

    public static int etherType(PacketBuffer buffer, int offset) {
        return buffer.getU16(offset + ETHER_TYPE);
    }

    /** Writes a whole header at {@code offset}. */
    public static void write(PacketBuffer buffer, int offset, long destination, long source, int etherType) {
        buffer.putU48(offset + DESTINATION, destination);
        buffer.putU48(offset + SOURCE, source);
        buffer.putU16(offset + ETHER_TYPE, etherType);
    }
}
