package dev.strata.link.tap;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;

/**
 * struct virtio_net_hdr (linux/virtio_net.h, the legacy 10-byte form a TAP with IFF_VNET_HDR
 * uses by default), in the host's byte order:
 *
 * <pre>
 *  0      flags        VIRTIO_NET_HDR_F_NEEDS_CSUM (1), VIRTIO_NET_HDR_F_DATA_VALID (2)
 *  1      gso_type     VIRTIO_NET_HDR_GSO_NONE (0), _TCPV4 (1), _UDP (3), _TCPV6 (4), | _ECN (0x80)
 *  2..3   hdr_len
 *  4..5   gso_size     the segment size of a GSO packet
 *  6..7   csum_start   where the checksummed data starts, from the frame's first byte
 *  8..9   csum_offset  where, from csum_start, the checksum goes
 * </pre>
 */
final class VirtioNetHeader {

    static final int LENGTH = 10;
    static final int FLAGS = 0;
    static final int GSO_TYPE = 1;
    static final int GSO_SIZE = 4;
    static final int CSUM_START = 6;
    static final int CSUM_OFFSET = 8;

    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }

    /**
     * Takes the header off a frame read from the TAP (its region starts at the header) and
     * records what it says: a frame whose checksum the kernel left undone (NEEDS_CSUM, its
     * field holding the pseudo-header's sum) gets it completed here as Linux's
     * skb_checksum_help does, unless it is a TCP GSO packet (there the field's sum has no
     * length; its segments come from the local kernel's TCP and are marked verified, as
     * Linux trusts CHECKSUM_PARTIAL on local delivery); DATA_VALID marks it verified; a
     * TCPV4 GSO packet carries its segment size up (PacketBuffer#gsoSize).
     *
     * @return false for a frame too short for its header or whose checksum position lies outside it
     */
    static boolean apply(PacketBuffer frame) {
        int at = frame.start();
        if (frame.length() < LENGTH) {
            return false;
        }
        int flags = frame.getU8(at + FLAGS);
        int gsoType = frame.getU8(at + GSO_TYPE) & ~GSO_ECN;
        int gsoSize = le16(frame, at + GSO_SIZE);
        int csumStart = le16(frame, at + CSUM_START);
        int csumOffset = le16(frame, at + CSUM_OFFSET);
        frame.advance(LENGTH);
        int start = frame.start();
        int length = frame.length();
        if ((flags & F_NEEDS_CSUM) != 0) {
            if (csumStart + csumOffset + 2 > length) {
                return false;
            }
            if (gsoType == GSO_NONE) {
                int checksum = InternetChecksum.compute(frame, start + csumStart, length - csumStart, 0);
                // CSUM_MANGLED_0: 0xffff is zero too, and UDP reads 0 as "no checksum"
                frame.putU16(start + csumStart + csumOffset, checksum == 0 ? 0xffff : checksum);
            }
            frame.checksumVerified(true);
        } else if ((flags & F_DATA_VALID) != 0) {
            frame.checksumVerified(true);
        }
        if (gsoType == GSO_TCPV4 && gsoSize > 0) {
            frame.gsoSize(gsoSize);
        }
        return true;
    }

    /** Ethernet header before the IPv4 header of a frame being sent. */
    private static final int ETHERNET = 14;

    /**
     * Writes the header at {@code at}, in front of the Ethernet frame that follows it: all
     * zero for an ordinary frame; NEEDS_CSUM with csum_start/csum_offset for a TCP or UDP
     * datagram whose checksum was left to the device ({@link PacketBuffer#checksumPartial()});
     * plus gso_type TCPV4, gso_size and hdr_len for a TCP datagram larger than one segment
     * ({@link PacketBuffer#gsoSize()}): the kernel cuts it up itself (virtio_net_hdr_to_skb).
     *
     * @return false for a frame marked so whose headers do not hold together
     */
    static boolean write(PacketBuffer frame, int at) {
        frame.fill(at, LENGTH, 0);
        if (!frame.checksumPartial()) {
            return true;
        }
        int ip = at + LENGTH + ETHERNET;
        int end = frame.end();
        if (end - ip < 20) {
            return false;
        }
        int ipHeader = (frame.getU8(ip) & 0x0f) * 4;
        int protocol = frame.getU8(ip + 9);
        int transport = ip + ipHeader;
        int csumOffset = protocol == 6 ? 16 : protocol == 17 ? 6 : -1;
        if (csumOffset < 0 || transport + csumOffset + 2 > end) {
            return false;
        }
        frame.putU8(at + FLAGS, F_NEEDS_CSUM);
        putLe16(frame, at + CSUM_START, ETHERNET + ipHeader);
        putLe16(frame, at + CSUM_OFFSET, csumOffset);
        int gsoSize = frame.gsoSize();
        if (protocol == 6 && gsoSize > 0) {
            int tcpHeader = (frame.getU8(transport + 12) >>> 4) * 4;
            if (end - transport - tcpHeader > gsoSize) {
                frame.putU8(at + GSO_TYPE, GSO_TCPV4);
                putLe16(frame, at + 2, ETHERNET + ipHeader + tcpHeader); // hdr_len
                putLe16(frame, at + GSO_SIZE, gsoSize);
            }
        }
        return true;
    }

    /**
     * For a link without offloads: completes the checksum of a frame marked
     * {@link PacketBuffer#checksumPartial()} (its field holds the pseudo-header's sum), as
     * Linux's skb_checksum_help does for a device that cannot. Not for TSO frames: those go
     * only to a link that offloads.
     */
    static boolean completeChecksum(PacketBuffer frame) {
        int ip = frame.start() + ETHERNET;
        int end = frame.end();
        if (end - ip < 20) {
            return false;
        }
        int transport = ip + (frame.getU8(ip) & 0x0f) * 4;
        int protocol = frame.getU8(ip + 9);
        int csumOffset = protocol == 6 ? 16 : protocol == 17 ? 6 : -1;
        if (csumOffset < 0 || transport + csumOffset + 2 > end) {
            return false;
        }
        int checksum = InternetChecksum.compute(frame, transport, end - transport, 0);
        frame.putU16(transport + csumOffset, checksum == 0 && protocol == 17 ? 0xffff : checksum);
        frame.checksumPartial(false);
        return true;
    }

    private static void putLe16(PacketBuffer b, int index, int value) {
        b.putU8(index, value & 0xff);
        b.putU8(index + 1, (value >>> 8) & 0xff);
    }

    /** A 16-bit field in the host's (little-endian x86/arm64) order. */
    private static int le16(PacketBuffer b, int index) {
        return b.getU8(index) | b.getU8(index + 1) << 8;
    }
}
