package dev.strata.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Route;
import dev.strata.api.time.Cancellable;
import dev.strata.api.time.ManualScheduler;

class ApiValueTypesTest {

    /**
     * The IPv4 header of an echo request sent by the Linux kernel: `ping -c1 198.18.0.2` from
     * 198.18.0.1 across a veth pair between two network namespaces, captured on the receiving
     * side with `tcpdump -i vb -xx icmp`. Its checksum is 0xeeea.
     */
    private static final String LINUX_IPV4_HEADER = "45000054bf9640004001eeeac6120001c6120002";

    @Test
    void prependWritesHeadersInTheHeadroomWithoutMovingThePayload() {
        BufferPool pool = new BufferPool();
        PacketBuffer buffer = pool.allocate();
        int payload = buffer.append(4);
        buffer.putI32(payload, 0xcafebabe);

        int header = buffer.prepend(20);

        assertEquals(payload - 20, header);
        assertEquals(24, buffer.length());
        assertEquals(0xcafebabeL, buffer.getU32(payload));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.prepend(BufferPool.DEFAULT_HEADROOM));
        buffer.release();
    }

    @Test
    void poolReusesReleasedBuffersAndCountsOutstanding() {
        BufferPool pool = new BufferPool();
        PacketBuffer first = pool.allocate();
        first.append(100);
        first.networkOffset(7);
        assertEquals(1, pool.outstanding());
        first.release();
        assertEquals(0, pool.outstanding());

        PacketBuffer second = pool.allocate();

        assertSame(first, second);
        assertEquals(0, second.length());
        assertEquals(-1, second.networkOffset());
        assertEquals(1, pool.created());
        second.release();
    }

    @Test
    void releasingTwiceIsCaught() {
        BufferPool pool = new BufferPool();
        PacketBuffer buffer = pool.allocate();
        buffer.release();
        assertThrows(IllegalStateException.class, buffer::release);
    }

    @Test
    void largeRequestsGetLargeBuffers() {
        BufferPool pool = new BufferPool();
        PacketBuffer small = pool.allocate(1500);
        PacketBuffer large = pool.allocate(65535 + 14);
        assertEquals(BufferPool.FRAME_BUFFER_SIZE, small.capacity());
        assertEquals(BufferPool.LARGE_BUFFER_SIZE, large.capacity());
        assertNotSame(small, large);
        assertThrows(IllegalArgumentException.class, () -> pool.allocate(BufferPool.LARGE_BUFFER_SIZE));
        small.release();
        large.release();
        assertEquals(0, pool.outstanding());
    }

    @Test
    void checksumOfALinuxHeaderVerifiesAndRecomputes() {
        PacketBuffer buffer = bufferOf(LINUX_IPV4_HEADER);
        int at = buffer.start();
        assertTrue(Ipv4Header.checksumValid(buffer, at));
        assertEquals(Ipv4Address.parse("198.18.0.1"), Ipv4Header.source(buffer, at));
        assertEquals(Ipv4Address.parse("198.18.0.2"), Ipv4Header.destination(buffer, at));

        buffer.putU16(at + Ipv4Header.CHECKSUM, 0);
        assertEquals(0xeeea, InternetChecksum.compute(buffer, at, 20, 0));
        buffer.putU8(at + Ipv4Header.TTL, 63);
        assertFalse(Ipv4Header.checksumValid(buffer, at));
        assertEquals(84, Ipv4Header.totalLength(buffer, at));
        assertTrue(Ipv4Header.dontFragment(buffer, at));
        assertEquals(1, Ipv4Header.protocol(buffer, at));
    }

    @Test
    void checksumHandlesOddLengthsAndIncrementalUpdates() {
        PacketBuffer buffer = bufferOf("0001f203f4f5f6f7" + "ff");
        // RFC 1071 section 3's example words 0001 f203 f4f5 f6f7 sum to ddf2 (with carries); the odd byte pads with zero.
        long sum = InternetChecksum.sum(buffer, buffer.start(), 8, 0);
        assertEquals(0xddf2, ~InternetChecksum.finish(sum) & 0xffff);
        int odd = InternetChecksum.compute(buffer, buffer.start(), 9, 0);
        assertEquals(InternetChecksum.finish(sum + 0xff00), odd);

        int before = InternetChecksum.compute(buffer, buffer.start(), 8, 0);
        buffer.putU16(buffer.start() + 2, 0x1234);
        int recomputed = InternetChecksum.compute(buffer, buffer.start(), 8, 0);
        assertEquals(recomputed, InternetChecksum.adjust(before, 0xf203, 0x1234));
    }

    @Test
    void anAdjustedChecksumVerifiesEvenWhenTheRestSumsToZero() {
        // An ICMP echo request with id 0, seq 0 and no data: type 8 -> 0 makes every word zero.
        PacketBuffer buffer = bufferOf("0800f7ff00000000");
        int at = buffer.start();
        assertEquals(0, InternetChecksum.compute(buffer, at, 8, 0), "the request verifies");
        int adjusted = InternetChecksum.adjust(buffer.getU16(at + 2), 0x0800, 0x0000);
        buffer.putU16(at, 0x0000);
        buffer.putU16(at + 2, adjusted);
        assertEquals(0xffff, adjusted);
        assertEquals(0, InternetChecksum.compute(buffer, at, 8, 0), "the reply verifies");
    }

    @Test
    void addressesParseAndFormat() {
        assertEquals(0xc6120002, Ipv4Address.parse("198.18.0.2"));
        assertEquals("198.18.0.2", Ipv4Address.format(0xc6120002));
        assertArrayEquals(new int[] {0xc6120000, 15}, Ipv4Address.parseCidr("198.18.0.0/15"));
        assertEquals(0xffffff00, Ipv4Address.netmask(24));
        assertEquals(0, Ipv4Address.netmask(0));
        for (String bad : List.of("1.2.3", "1.2.3.256", "a.b.c.d", "1..2.3", "1.2.3.4.5", "-1.2.3.4")) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parseCidr("1.2.3.4/33"));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("224.0.0.1")));
        assertFalse(Ipv4Address.isMulticast(Ipv4Address.parse("198.18.0.1")));
    }

    @Test
    void macAddressesParseFormatAndClassify() {
        long mac = MacAddress.parse("02:5a:3c:11:22:33");
        assertEquals(0x025a3c112233L, mac);
        assertEquals("02:5a:3c:11:22:33", MacAddress.format(mac));
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertTrue(MacAddress.isBroadcast(0xffff_ffff_ffffL));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:5a:3c:11:22"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:5a:3c:11:22:zz"));
        for (int i = 0; i < 100; i++) {
            long random = MacAddress.randomLocal();
            assertFalse(MacAddress.isMulticast(random));
            assertEquals(0x0200_0000_0000L, random & 0x0200_0000_0000L);
        }
    }

    @Test
    void routesNormaliseTheirDestinationAndMatchByPrefix() {
        Route route = new Route(Ipv4Address.parse("198.18.0.77"), 24, 0, "strata0", 0, true);
        assertEquals(Ipv4Address.parse("198.18.0.0"), route.destination());
        assertTrue(route.matches(Ipv4Address.parse("198.18.0.200")));
        assertFalse(route.matches(Ipv4Address.parse("198.18.1.1")));
        assertEquals("U", route.flags());
        assertEquals("UG", new Route(0, 0, Ipv4Address.parse("198.18.0.1"), "strata0", 0, false).flags());
    }

    @Test
    void manualSchedulerRunsTasksInTimeOrderOnlyWhenAdvanced() {
        ManualScheduler scheduler = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("b"), 2, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("a"), 1, TimeUnit.SECONDS);
        Cancellable c = scheduler.schedule(() -> ran.add("cancelled"), 1500, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> scheduler.schedule(() -> ran.add("chained"), 1, TimeUnit.SECONDS), 1, TimeUnit.SECONDS);
        c.cancel();

        scheduler.advance(999, TimeUnit.MILLISECONDS);
        assertTrue(ran.isEmpty());
        scheduler.advance(1001, TimeUnit.MILLISECONDS);

        assertEquals(List.of("a", "b", "chained"), ran);
        assertEquals(TimeUnit.SECONDS.toNanos(2), scheduler.nanoTime());
        assertEquals(0, scheduler.pending());
    }

    private static PacketBuffer bufferOf(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        PacketBuffer buffer = new BufferPool().allocate();
        buffer.putBytes(buffer.append(bytes.length), bytes, 0, bytes.length);
        return buffer;
    }
}
