package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

class BuffersTest {

    private final BufferPool pool = new BufferPool();

    @AfterEach
    void noLeaks() {
        assertEquals(0, pool.outstanding());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Stores the bytes of {@code text} at {@code offset} after RCV.NXT. */
    private int store(ReceiveBuffer r, long offset, String text) {
        PacketBuffer b = Golden.buffer(pool, ascii(text));
        try {
            return r.store(offset, b, b.start(), b.length());
        } finally {
            b.release();
        }
    }

    private static String readAll(ReceiveBuffer r) {
        ByteBuffer into = ByteBuffer.allocate(1024);
        r.read(into);
        into.flip();
        return StandardCharsets.US_ASCII.decode(into).toString();
    }

    /** A request of a few hundred bytes must not cost a 128 KiB ring per connection (HTTP without keep-alive). */
    @Test
    void ringsStartSmallAndDoubleAsTheBytesHeldNeedKeepingEveryByteInPlace() {
        ReceiveBuffer r = new ReceiveBuffer(131_072);
        assertEquals(5, store(r, 0, "hello"));
        assertEquals(ReceiveBuffer.MIN_RING, r.ring.length);
        String x = "x".repeat(1500);
        String y = "y".repeat(1500);
        assertEquals(0, store(r, 5, x));
        assertEquals(ReceiveBuffer.MIN_RING, r.ring.length);
        // out of order beyond the small ring: it grows, and the bytes held keep their places
        assertEquals(0, store(r, 3000, y));
        assertEquals(8192, r.ring.length);
        assertEquals(1505, store(r, 0, "12345"), "the gap fills and the first range joins");
        assertEquals("hello12345" + x.substring(0, 1024 - 10), readAll(r));
        assertEquals(1510 - 1024, r.readable());
        assertEquals(1, r.rangeCount, "the second range waits for its gap");
        assertEquals(131_072, r.window() + r.readable(), "the window offered is the capacity, not the ring");
        assertEquals(131_072, ReceiveBuffer.ringSize(65_536, 100_000, 131_072));
        assertEquals(1000, ReceiveBuffer.ringSize(0, 10, 1000), "never above the capacity");

        SendBuffer s = new SendBuffer(65_536);
        assertEquals(3, s.write(ByteBuffer.wrap(ascii("abc"))));
        assertEquals(ReceiveBuffer.MIN_RING, s.ring.length);
        s.acknowledge(2); // head moves: the growth must unwrap the ring
        byte[] more = new byte[6000];
        java.util.Arrays.fill(more, (byte) 'm');
        assertEquals(6000, s.write(ByteBuffer.wrap(more)));
        assertEquals(8192, s.ring.length);
        PacketBuffer b = pool.allocate();
        int at = b.append(4);
        s.copyOut(0, 4, b, at);
        assertArrayEquals(ascii("cmmm"), b.toByteArray());
        b.release();
    }

    /** 10,000 idle connections must not hold 10,000 empty rings (issue 4: under 512 MB of heap). */
    @Test
    void ringsAreAllocatedByTheFirstByteAndDroppedByAResizeOfAnEmptyBuffer() {
        ReceiveBuffer r = new ReceiveBuffer(131_072);
        assertFalse(r.allocated());
        assertEquals(131_072, r.window());
        assertEquals(5, store(r, 0, "hello"));
        assertTrue(r.allocated());
        assertEquals("hello", readAll(r));
        r.resize(4096);
        assertFalse(r.allocated(), "an empty receive buffer trimmed holds no ring");
        assertEquals(4096, r.capacity());
        assertEquals(0, store(r, 3, "later"));
        assertTrue(r.allocated(), "out-of-order data allocates too");
        assertEquals(8, store(r, 0, "now"));
        assertEquals("nowlater", readAll(r));

        SendBuffer s = new SendBuffer(16_384);
        assertFalse(s.allocated());
        assertEquals(16_384, s.free());
        assertEquals(0, s.write(ByteBuffer.allocate(0)));
        assertFalse(s.allocated(), "an empty write allocates nothing");
        assertEquals(3, s.write(ByteBuffer.wrap(ascii("abc"))));
        assertTrue(s.allocated());
        s.acknowledge(3);
        s.resize(4096);
        assertFalse(s.allocated(), "an empty send buffer trimmed holds no ring");
        assertEquals(4096, s.free());
        assertEquals(2, s.write(ByteBuffer.wrap(ascii("de"))));
        PacketBuffer b = pool.allocate();
        int at = b.append(2);
        s.copyOut(0, 2, b, at);
        assertArrayEquals(ascii("de"), b.toByteArray());
        b.release();
    }

    @Test
    void sendBufferWrapsAroundItsRing() {
        SendBuffer s = new SendBuffer(8);
        assertEquals(6, s.write(ByteBuffer.wrap(ascii("abcdef"))));
        s.acknowledge(4);
        assertEquals(6, s.write(ByteBuffer.wrap(ascii("ghijklmn"))));
        assertEquals(0, s.free());
        PacketBuffer b = pool.allocate();
        int at = b.append(6);
        s.copyOut(2, 6, b, at);
        assertArrayEquals(ascii("ghijkl"), b.toByteArray());
        b.release();
    }

    @Test
    void inOrderDataIsReadable() {
        ReceiveBuffer r = new ReceiveBuffer(16);
        assertEquals(5, store(r, 0, "hello"));
        assertEquals(5, r.readable());
        assertEquals(11, r.window());
        assertEquals("hello", readAll(r));
        assertEquals(16, r.window());
    }

    @Test
    void outOfOrderDataJoinsWhenTheGapFills() {
        ReceiveBuffer r = new ReceiveBuffer(32);
        assertEquals(0, store(r, 5, "world"));
        assertEquals(0, store(r, 12, "!!"));
        assertEquals(2, r.rangeCount);
        assertEquals(0, r.readable());
        assertEquals(10, store(r, 0, "hello"));
        assertEquals(1, r.rangeCount);
        assertEquals(4, store(r, 0, "xy"));
        // "hello" "world" "xy" "!!": the gap of 2 filled, the last range joined
        assertEquals("helloworldxy!!", readAll(r));
        assertEquals(0, r.rangeCount);
    }

    @Test
    void duplicatesAndOverlapsNeverRewriteDeliveredBytes() {
        ReceiveBuffer r = new ReceiveBuffer(32);
        store(r, 0, "abcdef");
        // a retransmission overlapping RCV.NXT with different bytes: only the new tail counts
        assertEquals(2, store(r, -4, "XXXXgh"));
        assertEquals("abcdefgh", readAll(r));
        // overlapping out-of-order ranges merge into one
        store(r, 2, "kl");
        store(r, 3, "lmn");
        store(r, 8, "qr");
        store(r, 4, "mnopqrs");
        assertEquals(1, r.rangeCount);
        assertEquals(11, store(r, 0, "ij"));
        assertEquals("ijklmnopqrs", readAll(r));
    }

    @Test
    void dataBeyondTheWindowIsCutOff() {
        ReceiveBuffer r = new ReceiveBuffer(8);
        assertEquals(8, store(r, 0, "0123456789"));
        assertEquals(0, r.window());
        assertEquals(0, store(r, 0, "x"));
        assertEquals("01234567", readAll(r));
    }

    @Test
    void outOfOrderQueueIsBounded() {
        ReceiveBuffer r = new ReceiveBuffer(1024);
        for (int i = 0; i < ReceiveBuffer.MAX_RANGES; i++) {
            assertEquals(0, store(r, 2 + 2L * i, "x"));
        }
        assertEquals(-1, store(r, 200, "y"));
        assertEquals(ReceiveBuffer.MAX_RANGES, r.rangeCount);
        // touching an existing range still merges
        assertEquals(0, store(r, 3, "z"));
    }

    @Test
    void ringWrapsForInOrderAndOutOfOrderData() {
        ReceiveBuffer r = new ReceiveBuffer(8);
        store(r, 0, "abcdef");
        readAll(r);
        assertEquals(0, store(r, 3, "jkl"));
        assertEquals(6, store(r, 0, "ghi"));
        assertEquals("ghijkl", readAll(r));
    }
}
