package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

class OutboxTest {

    private final BufferPool pool = new BufferPool();

    /**
     * Two threads queue segments in turn under one lock (as a connection's writer and its
     * receive thread do under the connection's monitor) and each drains after releasing it:
     * the segments leave in the order they were queued, every one of them.
     */
    @Test
    void segmentsQueuedByTwoThreadsLeaveInTheOrderTheyWereQueued() throws Exception {
        Outbox outbox = new Outbox();
        Object connection = new Object();
        List<Integer> sent = new ArrayList<>();
        Outbox.Transmitter wire = (segment, source, destination) -> {
            Thread.yield(); // between taking a segment and sending it: where another sender could overtake
            synchronized (sent) {
                sent.add(source);
            }
            segment.release();
        };
        int perThread = 20_000;
        int[] next = {0};
        CyclicBarrier start = new CyclicBarrier(2);
        Runnable queueAndDrain = () -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            for (int i = 0; i < perThread; i++) {
                synchronized (connection) {
                    outbox.add(pool.allocate(), next[0]++, 0);
                }
                outbox.drain(wire);
            }
        };
        Thread a = new Thread(queueAndDrain);
        Thread b = new Thread(queueAndDrain);
        a.start();
        b.start();
        a.join();
        b.join();
        outbox.drain(wire); // whatever a drain in progress at the very end left (none: it ends empty)
        assertEquals(2 * perThread, sent.size(), "every segment sent once");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i, sent.get(i), "segment " + i + " left out of order");
        }
        assertEquals(0, outbox.size());
        assertEquals(0, pool.outstanding());
    }

    @Test
    void aTransmitterThatThrowsEndsTheDrainAndTheNextDrainSendsWhatIsLeftInOrder() {
        Outbox outbox = new Outbox();
        outbox.add(pool.allocate(), 1, 0);
        outbox.add(pool.allocate(), 2, 0);
        IllegalStateException broken = new IllegalStateException("broken");
        try {
            outbox.drain((segment, source, destination) -> {
                segment.release();
                throw broken;
            });
        } catch (IllegalStateException e) {
            assertEquals(broken, e);
        }
        outbox.add(pool.allocate(), 3, 0);
        List<Integer> sent = new ArrayList<>();
        outbox.drain((segment, source, destination) -> {
            sent.add(source);
            segment.release();
        });
        assertEquals(List.of(2, 3), sent);
        assertEquals(0, pool.outstanding());
    }
}
