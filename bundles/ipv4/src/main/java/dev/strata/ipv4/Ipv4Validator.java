package dev.strata.ipv4;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;

/**
 * Checks a received IPv4 header before anyone trusts an accessor of {@link Ipv4Header}
 * (RFC 791 3.1, RFC 1122 3.2.1). Every check reads only bytes already known to be inside
 * the packet, in an order where each one guards the next. Allocates nothing.
 */
final class Ipv4Validator {

    private Ipv4Validator() {
    }

    /**
     * Validates the header at {@code at} of a packet of {@code length} bytes.
     *
     * @return the drop reason, or null when the datagram may be processed
     */
    static IpCounter validate(PacketBuffer b, int at, int length) {
        // RFC 791 3.1: the fixed part of the header is 20 bytes.
        if (length < Ipv4Header.MIN_LENGTH) {
            return IpCounter.TooShort;
        }
        // RFC 1122 3.2.1.1: a datagram whose version is not 4 is silently discarded.
        if (Ipv4Header.version(b, at) != 4) {
            return IpCounter.BadVersion;
        }
        // RFC 791 3.1: IHL counts 32-bit words, the minimum value for a correct header is 5.
        int headerLength = Ipv4Header.headerLength(b, at);
        if (headerLength < Ipv4Header.MIN_LENGTH || headerLength > length) {
            return IpCounter.BadHeaderLength;
        }
        // Total length covers the header and the data; what follows it (Ethernet padding) is not ours.
        int totalLength = Ipv4Header.totalLength(b, at);
        if (totalLength < headerLength || totalLength > length) {
            return IpCounter.BadTotalLength;
        }
        // RFC 1122 3.2.1.2: a datagram with a bad header checksum is silently discarded.
        if (!Ipv4Header.checksumValid(b, at)) {
            return IpCounter.BadChecksum;
        }
        // RFC 1122 3.2.1.3: a broadcast or multicast source address is discarded.
        int source = Ipv4Header.source(b, at);
        if (source == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(source)) {
            return IpCounter.BadSourceAddress;
        }
        int offset = Ipv4Header.fragmentOffset(b, at);
        int payload = totalLength - headerLength;
        // RFC 791 3.2: a datagram is at most 65535 bytes, so no fragment may reach past that.
        if (offset + payload > Ipv4Header.MAX_DATAGRAM - headerLength) {
            return IpCounter.FragmentOverflow;
        }
        // RFC 791 3.2: every fragment but the last carries a multiple of 8 bytes of data (and
        // one that carries none can only waste a reassembly slot).
        if (Ipv4Header.moreFragments(b, at) && (payload == 0 || (payload & 7) != 0)) {
            return IpCounter.BadFragmentLength;
        }
        return null;
    }
}
