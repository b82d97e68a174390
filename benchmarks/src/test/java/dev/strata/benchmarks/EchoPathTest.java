package dev.strata.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class EchoPathTest {

    /**
     * The reply Linux sent to {@link EchoPath#LINUX_ECHO_REQUEST} (same capture), minus the
     * IPv4 identification and header checksum, which are the sender's choice.
     */
    private static final String LINUX_ECHO_REPLY = "76ffcc68ddf52e43d5a11c190800" + "45000054" + "XXXX" + "0000" + "4001" + "XXXX"
            + "c6120002c6120001" + "0000c1b81e270001b05f076b000000009e810b0000000000101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f3031323334353637";

    @Test
    void aLinuxEchoRequestThroughEveryLayerGetsTheReplyLinuxSends() {
        EchoPath path = new EchoPath().keepingFrames();

        path.echo();

        assertEquals(1, path.framesSent());
        byte[] reply = path.lastFrame();
        String expected = LINUX_ECHO_REPLY;
        String actual = HexFormat.of().formatHex(reply);
        assertEquals(expected.length(), actual.length());
        // Mask the identification (bytes 18-19) and the header checksum (bytes 24-25).
        String masked = actual.substring(0, 36) + "XXXX" + actual.substring(40, 48) + "XXXX" + actual.substring(52);
        assertEquals(expected, masked);
        assertEquals(0, path.pool().outstanding());
    }

    /**
     * Issue 2's target: no allocation per packet on the echo path. Measured with the JVM's
     * per-thread allocation counter over 20,000 packets after a warm-up; a few hundred bytes
     * of slack allow for the JIT's own bookkeeping, far below one object per packet.
     */
    @Test
    void theEchoPathAllocatesNothingPerPacket() {
        EchoPath path = new EchoPath();
        for (int i = 0; i < 50_000; i++) {
            path.echo();
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20_000; i++) {
            path.echo();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(70_000, path.framesSent());
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes over 20,000 packets");
        assertEquals(0, path.pool().outstanding());
    }

    @Test
    void requestFixtureIsTheCapturedFrame() {
        byte[] request = HexFormat.of().parseHex(EchoPath.LINUX_ECHO_REQUEST);
        assertEquals(98, request.length);
        assertArrayEquals(new byte[] {0x08, 0x00}, Arrays.copyOfRange(request, 12, 14));
    }
}
