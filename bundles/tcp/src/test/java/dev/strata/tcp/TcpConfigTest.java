package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;

/** PID dev.strata.tcp: the typed configuration, its fallbacks, and a change applied without a restart. */
class TcpConfigTest {

    private final TcpHarness h = new TcpHarness();

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    /** A Config as ConfigAdmin would hand it, every value given. */
    record Values(long minRtoMillis, long maxRtoMillis, long timeWaitSeconds, long finTimeoutSeconds, int synRetries,
            int synAckRetries, int retries2, int ephemeralLow, int ephemeralHigh, String defaultCongestionControl,
            int syncookies, int maxSynBacklog) implements TcpLayer.Config {

        static Values defaults() {
            return new Values(200, 120_000, 60, 60, 6, 5, 15, 32768, 60999, "cubic", 1, 1024);
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return TcpLayer.Config.class;
        }
    }

    @Test
    void annotationDefaultsAreLinuxsValues() {
        assertEquals(TcpConfig.DEFAULTS, TcpConfig.of(Values.defaults()));
    }

    @Test
    void valuesAreConvertedToNanoseconds() {
        TcpConfig c = TcpConfig.of(new Values(1000, 60_000, 30, 10, 3, 2, 8, 40000, 40009, "reno", 2, 64));
        assertEquals(1_000_000_000L, c.minRtoNanos());
        assertEquals(60_000_000_000L, c.maxRtoNanos());
        assertEquals(30_000_000_000L, c.timeWaitNanos());
        assertEquals(10_000_000_000L, c.finTimeoutNanos());
        assertEquals(3, c.synRetries());
        assertEquals(2, c.synAckRetries());
        assertEquals(8, c.retries());
        assertEquals(40000, c.ephemeralLow());
        assertEquals(40009, c.ephemeralHigh());
        assertEquals("reno", c.defaultCongestionControl());
        assertEquals(2, c.syncookies());
        assertEquals(64, c.maxSynBacklog());
    }

    @Test
    void outOfRangeValuesFallBackToTheDefaults() {
        // a max RTO under RFC 6298's 60 s, a min above the max, an inverted port range, syncookies 3...
        TcpConfig c = TcpConfig.of(new Values(0, 1000, 0, -5, 0, 500, -1, 50000, 40000, " ", 3, 0));
        assertEquals(TcpConfig.DEFAULTS, c);
    }

    @Test
    void aModifiedConfigurationAppliesToConnectionsOpenedAfterwards() throws Exception {
        TcpHarness.Endpoint first = new TcpHarness.Endpoint();
        StreamConnection before = h.connect(first, 0, 80);
        h.next();
        assertEquals(32768, before.localPort());

        h.stack.configure(TcpConfig.of(new Values(1000, 60_000, 60, 60, 1, 5, 15, 50000, 50010, "cubic", 1, 1024)));
        TcpHarness.Endpoint second = new TcpHarness.Endpoint();
        StreamConnection after = h.connect(second, 0, 80);
        h.next();
        // the new ephemeral range, and one SYN retransmission only
        assertEquals(50000, after.localPort());
        h.advance(1000);
        h.next();
        h.next();
        h.advance(2000);
        assertEquals(SocketError.ETIMEDOUT, second.error);
        assertEquals("CLOSED", after.state());
        // the new min RTO: an established connection opened now times out no earlier than 1 s
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        h.listen(acceptor, 8080);
        h.ip.sent.clear();
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        h.advance(10);
        h.inject(seg(".").seq(5001).ack(1_000_001));
        TcpHarness.write(acceptor.accepted.get(0), "x");
        h.next();
        h.advance(999);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq 1000001 ack 5001 win 65535 len 1");
        before.abort();
        h.ip.sent.clear();
    }
}
