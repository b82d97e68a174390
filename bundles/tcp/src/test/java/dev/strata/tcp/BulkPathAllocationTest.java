package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamOptions;

/**
 * The established bulk path allocates nothing per segment (docs/ARCHITECTURE.md): a long
 * transfer between two whole stacks ({@link BulkLoopback}), measured after a warm-up with
 * ThreadMXBean, allocates fewer bytes than the segments it carries, both ways (data and ACKs).
 */
class BulkPathAllocationTest {

    @Test
    void establishedBulkTransferAllocatesFewerBytesThanSegments() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (StreamOptions options : new StreamOptions[] {StreamOptions.DEFAULTS, StreamOptions.AUTOTUNED}) {
            BulkLoopback loop = new BulkLoopback(options);
            loop.transfer(64L << 20); // warm-up: the JIT, and the auto-tuned buffers at their size
            long before = threads.getThreadAllocatedBytes(thread);
            long segments = loop.transfer(256L << 20);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            System.out.printf("%s: %d segments, %d bytes allocated%n",
                    options == StreamOptions.DEFAULTS ? "fixed buffers" : "auto-tuned buffers", segments, allocated);
            assertTrue(segments > 100_000, "segments " + segments);
            assertTrue(allocated < segments, allocated + " bytes allocated for " + segments + " segments");
            assertEquals(0, loop.retransmissions());
        }
    }
}
