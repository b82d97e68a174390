package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

class ReceiveQueueTest {

    private final BufferPool pool = new BufferPool();

    private PacketBuffer datagram(int length) {
        PacketBuffer buffer = pool.allocate();
        buffer.append(length);
        return buffer;
    }

    @Test
    void keepsArrivalOrderAcrossGrowthAndWrapAround() {
        ReceiveQueue queue = new ReceiveQueue();
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 7; i++) {
                assertTrue(queue.offer(datagram(1), next, next + 1, Integer.MAX_VALUE));
                next++;
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(expected, queue.peekSource());
                assertEquals(expected + 1, queue.peekSourcePort());
                queue.poll().release();
                expected++;
            }
        }
        assertEquals(100, queue.size());
        assertEquals(128, queue.capacity(), "grown by doubling from 16");
        assertEquals(100, queue.clear());
        assertEquals(0, pool.outstanding());
    }

    @Test
    void boundsBytesAndDatagrams() {
        ReceiveQueue queue = new ReceiveQueue();
        assertTrue(queue.offer(datagram(300), 1, 1, 100), "an empty queue takes one datagram, however large");
        PacketBuffer more = datagram(1);
        assertFalse(queue.offer(more, 1, 1, 100));
        more.release();
        PacketBuffer first = queue.poll();
        assertEquals(300, first.length());
        first.release();
        for (int i = 0; i < ReceiveQueue.MAX_SLOTS; i++) {
            assertTrue(queue.offer(datagram(0), 1, 1, 100), "empty datagrams cost no bytes");
        }
        PacketBuffer oneTooMany = datagram(0);
        assertFalse(queue.offer(oneTooMany, 1, 1, 100), "but a slot each");
        oneTooMany.release();
        assertEquals(ReceiveQueue.MAX_SLOTS, queue.clear());
        assertEquals(0, pool.outstanding());
    }
}
