package dev.strata.link.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;

/** The virtio_net_hdr a TAP with IFF_VNET_HDR puts before each frame (linux/virtio_net.h). */
class VirtioNetHeaderTest {

    private final BufferPool pool = new BufferPool();

    /** A frame: header, then 14 bytes of Ethernet, 20 of IPv4, 8 of UDP and 4 of data. */
    private PacketBuffer frame(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        PacketBuffer b = pool.allocate();
        int at = b.append(VirtioNetHeader.LENGTH + 46);
        b.fill(at, VirtioNetHeader.LENGTH + 46, 0);
        b.putU8(at, flags);
        b.putU8(at + 1, gsoType);
        b.putU8(at + 4, gsoSize & 0xff); // host order: little-endian
        b.putU8(at + 5, gsoSize >>> 8);
        b.putU8(at + 6, csumStart);
        b.putU8(at + 8, csumOffset);
        int udp = at + VirtioNetHeader.LENGTH + 34;
        b.putU16(udp + 6, 0x1234); // the pseudo-header's sum the kernel left in the field
        b.putI32(udp + 8, 0x61626364);
        return b;
    }

    @Test
    void completesAChecksumTheKernelLeftUndoneAsSkbChecksumHelp() {
        PacketBuffer b = frame(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 34, 6);
        assertTrue(VirtioNetHeader.apply(b));
        assertEquals(56 - VirtioNetHeader.LENGTH, b.length(), "the header is off");
        int udp = b.start() + 34;
        // the receiver's check: the pseudo-header's sum (0x1234 here) plus header and data folds to zero
        assertEquals(0, InternetChecksum.compute(b, udp, 12, 0x1234));
        assertTrue(b.checksumVerified());
        assertEquals(0, b.gsoSize());
        b.release();
    }

    @Test
    void marksATcpGsoPacketVerifiedWithItsSegmentSize() {
        PacketBuffer b = frame(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN, 1448, 34, 16 - 10);
        int field = b.start() + VirtioNetHeader.LENGTH + 34 + 6;
        assertTrue(VirtioNetHeader.apply(b));
        assertEquals(1448, b.gsoSize());
        assertTrue(b.checksumVerified());
        assertEquals(0x1234, b.getU16(field), "a GSO packet's field is left as it is");
        b.release();
    }

    @Test
    void dataValidMarksVerifiedAndNoFlagsMarkNothing() {
        PacketBuffer valid = frame(VirtioNetHeader.F_DATA_VALID, 0, 0, 0, 0);
        assertTrue(VirtioNetHeader.apply(valid));
        assertTrue(valid.checksumVerified());
        valid.release();
        PacketBuffer plain = frame(0, 0, 0, 0, 0);
        assertTrue(VirtioNetHeader.apply(plain));
        assertFalse(plain.checksumVerified());
        plain.release();
    }

    @Test
    void refusesAChecksumPositionOutsideTheFrameAndAShortFrame() {
        PacketBuffer b = frame(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 40, 6);
        assertFalse(VirtioNetHeader.apply(b));
        b.release();
        PacketBuffer shortOne = pool.allocate();
        shortOne.append(4);
        assertFalse(VirtioNetHeader.apply(shortOne));
        shortOne.release();
    }
}
