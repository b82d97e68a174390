package dev.strata.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Header;

class Ipv4ValidatorTest {

    private final BufferPool pool = new BufferPool();

    private IpCounter validate(byte[] ip) {
        PacketBuffer b = pool.allocate(Math.max(ip.length, 1));
        try {
            b.putBytes(b.append(ip.length), ip, 0, ip.length);
            return Ipv4Validator.validate(b, b.start(), b.length());
        } finally {
            b.release();
        }
    }

    @Test
    void acceptsEveryDatagramLinuxSent() {
        for (String hex : new String[] {LinuxCaptures.ECHO_REQUEST_HEX, LinuxCaptures.FRAGMENT_1_HEX,
                LinuxCaptures.FRAGMENT_2_HEX, LinuxCaptures.FRAGMENT_3_HEX}) {
            assertNull(validate(LinuxCaptures.bytes(hex)));
        }
        assertEquals(0, pool.outstanding());
    }

    @Test
    void readsLinuxFragmentFieldsThroughTheApiHeader() {
        byte[] ip = LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_2_HEX);
        PacketBuffer b = pool.allocate(ip.length);
        b.putBytes(b.append(ip.length), ip, 0, ip.length);
        int at = b.start();
        assertEquals(1500, Ipv4Header.totalLength(b, at));
        assertEquals(LinuxCaptures.FRAGMENTED_ID, Ipv4Header.identification(b, at));
        assertEquals(1480, Ipv4Header.fragmentOffset(b, at));
        assertEquals(true, Ipv4Header.moreFragments(b, at));
        assertEquals(LinuxCaptures.SOURCE, Ipv4Header.source(b, at));
        assertEquals(LinuxCaptures.DESTINATION, Ipv4Header.destination(b, at));
        b.release();
    }

    @Test
    void checksEachFieldOnlyAfterTheLengthsThatGuardIt() {
        // 19 bytes whose first byte would claim a 60-byte header: the length check comes first.
        byte[] ip = new byte[19];
        ip[0] = 0x4f;
        assertEquals(IpCounter.TooShort, validate(ip));
        // A zero first byte: version 0 is refused before IHL 0 is looked at.
        assertEquals(IpCounter.BadVersion, validate(new byte[20]));
    }

    @Test
    void refusesAnEmptyMoreFragmentsFragment() {
        byte[] ip = TestStack.datagram(TestStack.ADDRESS, 1, 3, 0x2000, new byte[0]);
        assertEquals(IpCounter.BadFragmentLength, validate(ip));
    }
}
