package dev.strata.ipv4;

import static dev.strata.ipv4.TestStack.ADDRESS;
import static dev.strata.ipv4.TestStack.datagram;
import static dev.strata.ipv4.TestStack.fixChecksum;
import static dev.strata.ipv4.TestStack.getU16;
import static dev.strata.ipv4.TestStack.putI32;
import static dev.strata.ipv4.TestStack.putU16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.ipv4.Fakes.IcmpCall;

class Ipv4ReassemblyTest {

    private TestStack stack = new TestStack();

    @AfterEach
    void noBufferLeaks() {
        assertEquals(stack.outstandingAtStart, stack.pool.outstanding(), "buffers outstanding");
        assertEquals(0, stack.layer.reassembler().bytesHeld());
    }

    private static byte[][] linuxFragments() {
        return new byte[][] {
            LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_1_HEX),
            LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_2_HEX),
            LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_3_HEX),
        };
    }

    /** The datagram Linux fragmented: the first fragment's header, total length 4028, no MF, data concatenated. */
    static byte[] linuxOriginal() {
        byte[][] f = linuxFragments();
        byte[] whole = new byte[20 + 1480 + 1480 + 1048];
        System.arraycopy(f[0], 0, whole, 0, 1500);
        System.arraycopy(f[1], 20, whole, 1500, 1480);
        System.arraycopy(f[2], 20, whole, 2980, 1048);
        putU16(whole, 2, whole.length);
        putU16(whole, 6, 0);
        return fixChecksum(whole);
    }

    private void assertLinuxDatagramDeliveredOnce() {
        assertEquals(1, stack.handler.delivered.size(), "delivered once");
        byte[] expected = linuxOriginal();
        assertArrayEquals(expected, stack.handler.delivered.get(0).datagram());
        assertArrayEquals(Arrays.copyOfRange(expected, 20, expected.length), stack.handler.delivered.get(0).payload());
        // The ICMP checksum covers all 4008 bytes: it verifies only if every byte is in place.
        assertEquals(0, icmpChecksum(stack.handler.delivered.get(0).payload()));
        assertEquals(1, stack.count(IpCounter.ReasmOKs));
        assertEquals(0, stack.layer.reassembler().inProgress());
        assertEquals(0, stack.scheduler.pending(), "the timeout is cancelled");
    }

    private static int icmpChecksum(byte[] message) {
        long sum = 0;
        for (int i = 0; i < message.length; i += 2) {
            sum += ((message[i] & 0xff) << 8) | (i + 1 < message.length ? message[i + 1] & 0xff : 0);
        }
        return dev.strata.api.ipv4.InternetChecksum.finish(sum);
    }

    @Test
    void reassemblesLinuxFragmentsToTheOriginalDatagram() {
        byte[][] f = linuxFragments();
        for (byte[] fragment : f) {
            stack.receive(fragment);
        }
        assertLinuxDatagramDeliveredOnce();
        assertEquals(3, stack.count(IpCounter.ReasmReqds));
        assertEquals(3, stack.count(IpCounter.InReceives));
        assertEquals(1, stack.count(IpCounter.InDelivers));
    }

    @Test
    void reassemblesFragmentsArrivingOutOfOrder() {
        byte[][] f = linuxFragments();
        stack.receive(f[2]);
        stack.receive(f[0]);
        stack.receive(f[1]);
        assertLinuxDatagramDeliveredOnce();
    }

    @Test
    void reassemblesFragmentsArrivingLastFirstAndMiddleLast() {
        byte[][] f = linuxFragments();
        stack.receive(f[1]);
        stack.receive(f[2]);
        stack.receive(f[0]);
        assertLinuxDatagramDeliveredOnce();
    }

    @Test
    void ignoresDuplicateFragments() {
        byte[][] f = linuxFragments();
        stack.receive(f[0]);
        stack.receive(f[0]);
        stack.receive(f[2]);
        stack.receive(f[2]);
        stack.receive(f[1]);
        assertLinuxDatagramDeliveredOnce();
        assertEquals(2, stack.count(IpCounter.ReasmOverlaps));
    }

    @Test
    void duplicateAfterCompletionStartsANewDatagramThatTimesOut() {
        byte[][] f = linuxFragments();
        for (byte[] fragment : f) {
            stack.receive(fragment);
        }
        stack.receive(f[1]);
        assertEquals(1, stack.handler.delivered.size());
        assertEquals(1, stack.layer.reassembler().inProgress());
        stack.scheduler.advance(30, TimeUnit.SECONDS);
        assertEquals(1, stack.count(IpCounter.ReasmTimeout));
        assertEquals(0, stack.icmp.calls.size(), "no time exceeded without fragment zero");
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void overlappingFragmentKeepsTheFirstDataReceived() {
        // A: offset 0, 24 bytes of 'A', more to come. B: offset 16, 32 bytes of 'B', last.
        stack.receive(datagram(ADDRESS, 1, 77, 0x2000, filled(24, 'A')));
        stack.receive(datagram(ADDRESS, 1, 77, 2, filled(32, 'B')));
        assertEquals(1, stack.handler.delivered.size());
        byte[] payload = stack.handler.delivered.get(0).payload();
        assertEquals(48, payload.length);
        byte[] expected = new byte[48];
        Arrays.fill(expected, 0, 24, (byte) 'A');
        Arrays.fill(expected, 24, 48, (byte) 'B');
        assertArrayEquals(expected, payload);
        assertEquals(1, stack.count(IpCounter.ReasmOverlaps));
    }

    @Test
    void overlappingFragmentArrivingFirstKeepsItsData() {
        stack.receive(datagram(ADDRESS, 1, 78, 2, filled(32, 'B')));
        stack.receive(datagram(ADDRESS, 1, 78, 0x2000, filled(24, 'A')));
        byte[] payload = stack.handler.delivered.get(0).payload();
        byte[] expected = new byte[48];
        Arrays.fill(expected, 0, 16, (byte) 'A');
        Arrays.fill(expected, 16, 48, (byte) 'B');
        assertArrayEquals(expected, payload);
    }

    @Test
    void fragmentSpanningSeveralHolesFillsOnlyTheHoles() {
        // Held: [8,16) 'x', [24,32) 'y' and the last, [40,48) 'w'; then [0,40) 'z' fills [0,8), [16,24), [32,40).
        stack.receive(datagram(ADDRESS, 17, 79, 0x2000 | 1, filled(8, 'x')));
        stack.receive(datagram(ADDRESS, 17, 79, 0x2000 | 3, filled(8, 'y')));
        stack.receive(datagram(ADDRESS, 17, 79, 5, filled(8, 'w')));
        stack.receive(datagram(ADDRESS, 17, 79, 0x2000, filled(40, 'z')));
        // Not an ICMP datagram: protocol 17 has no handler, so it goes to the ICMP error.
        assertEquals(1, stack.count(IpCounter.ReasmOKs));
        assertEquals(1, stack.icmp.calls.size());
        byte[] quoted = stack.icmp.calls.get(0).quoted();
        assertEquals(68, quoted.length);
        assertEquals(68, getU16(quoted, 2), "total length fixed");
        assertEquals(0, getU16(quoted, 6), "MF and offset cleared");
        assertEquals("zzzzzzzzxxxxxxxxzzzzzzzzyyyyyyyyzzzzzzzzwwwwwwww", new String(quoted, 20, 48, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void keepsFragmentsOfDifferentDatagramsApart() {
        byte[] a1 = datagram(ADDRESS, 1, 5, 0x2000, filled(8, 'a'));
        byte[] b1 = datagram(ADDRESS, 1, 5, 0x2000, filled(8, 'b'));
        putI32(b1, 12, Ipv4Address.parse("198.18.7.9")); // same id, other source
        fixChecksum(b1);
        stack.receive(a1);
        stack.receive(b1);
        assertEquals(2, stack.layer.reassembler().inProgress());
        stack.receive(datagram(ADDRESS, 1, 5, 1, filled(8, 'A')));
        assertEquals(1, stack.handler.delivered.size());
        assertEquals("aaaaaaaaAAAAAAAA", new String(stack.handler.delivered.get(0).payload(), java.nio.charset.StandardCharsets.US_ASCII));
        stack.scheduler.advance(30, TimeUnit.SECONDS);
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void timeoutSendsTimeExceededAndReleasesBuffers() {
        byte[][] f = linuxFragments();
        stack.receive(f[0]);
        stack.receive(f[2]);
        assertEquals(1, stack.layer.reassembler().inProgress());
        assertTrue(stack.pool.outstanding() > stack.outstandingAtStart, "the reassembly buffer is held");

        stack.scheduler.advance(29, TimeUnit.SECONDS);
        assertEquals(0, stack.icmp.calls.size());
        stack.scheduler.advance(1, TimeUnit.SECONDS);

        assertEquals(1, stack.count(IpCounter.ReasmTimeout));
        assertEquals(1, stack.count(IpCounter.ReasmFails));
        assertEquals(1, stack.icmp.calls.size());
        IcmpCall call = stack.icmp.calls.get(0);
        assertEquals("timeExceeded", call.kind());
        assertEquals(1, call.code(), "fragment reassembly time exceeded");
        // The quoted datagram is the first fragment: its header and the data after it.
        assertArrayEquals(Arrays.copyOf(f[0], 28), Arrays.copyOf(call.quoted(), 28));
        assertEquals(0, stack.handler.delivered.size());
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void timeoutWithoutTheFirstFragmentSendsNoError() {
        byte[][] f = linuxFragments();
        stack.receive(f[1]);
        stack.receive(f[2]);
        stack.scheduler.advance(30, TimeUnit.SECONDS);
        assertEquals(1, stack.count(IpCounter.ReasmTimeout));
        assertEquals(0, stack.icmp.calls.size());
    }

    @Test
    void memoryBoundEvictsTheOldestDatagram() {
        stack = new TestStack(new BufferPool(), 64, 4000);
        byte[] data = filled(1480, 'q');
        stack.receive(datagram(ADDRESS, 1, 1, 0x2000, data));
        stack.scheduler.advance(1, TimeUnit.SECONDS);
        stack.receive(datagram(ADDRESS, 1, 2, 0x2000, data));
        assertEquals(2, stack.layer.reassembler().inProgress());
        stack.receive(datagram(ADDRESS, 1, 3, 0x2000, data)); // 4440 bytes would exceed 4000: id 1 goes

        assertEquals(1, stack.count(IpCounter.ReassemblyMemory));
        assertEquals(1, stack.count(IpCounter.ReasmFails));
        assertEquals(2, stack.layer.reassembler().inProgress());
        assertEquals(2960, stack.layer.reassembler().bytesHeld());
        // Datagram 2 was kept and still completes.
        stack.receive(datagram(ADDRESS, 1, 2, 185, filled(8, 'r')));
        assertEquals(1, stack.handler.delivered.size());
        assertEquals(1488, stack.handler.delivered.get(0).payload().length);
        stack.scheduler.advance(30, TimeUnit.SECONDS);
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void fragmentLargerThanTheWholeMemoryBoundIsDropped() {
        stack = new TestStack(new BufferPool(), 64, 1000);
        stack.receive(datagram(ADDRESS, 1, 1, 0x2000, filled(1480, 'q')));
        assertEquals(1, stack.count(IpCounter.ReassemblyMemory));
        assertEquals(0, stack.layer.reassembler().inProgress());
        assertEquals(0, stack.scheduler.pending());
    }

    @Test
    void datagramCountBoundEvictsTheOldest() {
        stack = new TestStack(new BufferPool(), 2, 1 << 20);
        for (int id = 1; id <= 3; id++) {
            stack.receive(datagram(ADDRESS, 1, id, 0x2000, filled(8, id)));
        }
        assertEquals(2, stack.layer.reassembler().inProgress());
        assertEquals(1, stack.count(IpCounter.ReassemblyMemory));
        stack.receive(datagram(ADDRESS, 1, 3, 1, filled(8, 'z')));
        assertEquals(1, stack.handler.delivered.size());
        stack.scheduler.advance(30, TimeUnit.SECONDS);
    }

    @Test
    void contradictoryLastFragmentsDropTheDatagram() {
        stack.receive(datagram(ADDRESS, 1, 6, 0x2000, filled(16, 'a')));
        stack.receive(datagram(ADDRESS, 1, 6, 4, filled(8, 'b'))); // ends at 40, but [16,32) missing
        stack.receive(datagram(ADDRESS, 1, 6, 6, filled(8, 'c'))); // claims to end at 56
        assertEquals(1, stack.count(IpCounter.ReassemblyInconsistent));
        assertEquals(0, stack.layer.reassembler().inProgress());
        assertEquals(0, stack.handler.delivered.size());
        assertEquals(0, stack.scheduler.pending());
    }

    @Test
    void dataBeyondTheKnownEndDropsTheDatagram() {
        stack.receive(datagram(ADDRESS, 1, 6, 1, filled(8, 'a'))); // last: ends at 16
        stack.receive(datagram(ADDRESS, 1, 6, 0x2000 | 2, filled(8, 'b'))); // [16,24) with MF
        assertEquals(1, stack.count(IpCounter.ReassemblyInconsistent));
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void firstFragmentWithLongOptionsCannotMakeADatagramOver65535() {
        // Last fragment (20-byte header) ends at 65512 + 3 = 65515: legal on its own.
        stack.receive(datagram(ADDRESS, 1, 8, 8189, filled(3, 'e')));
        // First fragment with a 60-byte header would make 60 + 65515 > 65535.
        byte[] plain = datagram(ADDRESS, 1, 8, 0x2000, filled(65512, 'f'));
        byte[] first = new byte[plain.length + 40];
        System.arraycopy(plain, 0, first, 0, 20);
        first[0] = 0x4f;
        System.arraycopy(plain, 20, first, 60, 65512 - 40);
        // Keep the frame legal (total <= 65535): send only the first 1480 bytes at offset 0, then the middle.
        byte[] head = Arrays.copyOf(first, 60 + 1480);
        putU16(head, 2, head.length);
        stack.receive(fixChecksum(head));
        for (int offset = 1480; offset < 65512; offset += 1480) {
            int length = Math.min(1480, 65512 - offset);
            stack.receive(datagram(ADDRESS, 1, 8, 0x2000 | offset / 8, filled(length, 'm')));
        }
        assertEquals(1, stack.count(IpCounter.FragmentOverflow));
        assertEquals(0, stack.handler.delivered.size());
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void tooManyHolesDropsTheDatagram() {
        // Every other 8-byte block, more than MAX_RANGES of them.
        for (int i = 0; i <= Reassembler.MAX_RANGES; i++) {
            stack.receive(datagram(ADDRESS, 1, 4, 0x2000 | (2 * i), filled(8, 'h')));
        }
        assertEquals(1, stack.count(IpCounter.ReassemblyMemory));
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void stoppingTheLayerReleasesDatagramsInProgress() {
        stack.receive(linuxFragments()[0]);
        stack.layer.deactivate();
        assertEquals(0, stack.layer.reassembler().inProgress());
        assertEquals(0, stack.scheduler.pending());
    }
}
