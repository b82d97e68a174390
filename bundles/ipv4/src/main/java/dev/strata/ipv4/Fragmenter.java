package dev.strata.ipv4;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.Ipv4Header;

/**
 * The fragmentation procedure of RFC 791 section 3.2, one fragment at a time: each
 * fragment is a fresh buffer with a copy of the header, a slice of the payload whose length
 * is a multiple of 8 bytes (all but the last), MF on all but the last, the offset in 8-byte
 * units and its own checksum. The original datagram stays the caller's.
 */
final class Fragmenter {

    private Fragmenter() {
    }

    /** Payload bytes per fragment for an MTU: the largest multiple of 8 that fits after the header, or 0. */
    static int chunk(int mtu, int headerLength) {
        int room = mtu - headerLength;
        return room < 8 ? 0 : room & ~7;
    }

    /** How many fragments a payload of {@code payloadLength} makes at {@code chunk} bytes each. */
    static int count(int payloadLength, int chunk) {
        return (payloadLength + chunk - 1) / chunk;
    }

    /**
     * Builds fragment number {@code index} of the datagram in {@code datagram}'s region
     * (header at its start, our own header without options).
     *
     * @return a new buffer owned by the caller
     * @throws IllegalArgumentException if the pool has no buffer that large
     */
    static PacketBuffer fragment(BufferPool pool, PacketBuffer datagram, int chunk, int index) {
        int header = datagram.start();
        int headerLength = Ipv4Header.headerLength(datagram, header);
        int payloadLength = datagram.length() - headerLength;
        int offset = index * chunk;
        int length = Math.min(chunk, payloadLength - offset);
        boolean last = offset + length >= payloadLength;

        PacketBuffer fragment = pool.allocate(headerLength + length);
        int data = fragment.append(length);
        fragment.copyFrom(datagram, header + headerLength + offset, data, length);
        int at = fragment.prepend(headerLength);
        fragment.copyFrom(datagram, header, at, headerLength);

        int flags = datagram.getU16(header + Ipv4Header.FLAGS_FRAGMENT);
        // RFC 791 3.2: a fragment of a fragment keeps the original's MF on its last piece,
        // and offsets add up.
        boolean more = !last || (flags & Ipv4Header.FLAG_MF) != 0;
        int units = (flags & Ipv4Header.OFFSET_MASK) + offset / 8;
        fragment.putU16(at + Ipv4Header.TOTAL_LENGTH, headerLength + length);
        fragment.putU16(at + Ipv4Header.FLAGS_FRAGMENT, (flags & Ipv4Header.FLAG_DF) | (more ? Ipv4Header.FLAG_MF : 0) | units);
        fragment.putU16(at + Ipv4Header.CHECKSUM, 0);
        fragment.putU16(at + Ipv4Header.CHECKSUM, InternetChecksum.compute(fragment, at, headerLength, 0));
        fragment.networkOffset(at);
        return fragment;
    }
}
