package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;

/**
 * The end of connections: the FIN-WAIT-2 timeout of connections the application closed
 * (tcp_fin_timeout) and TIME-WAIT reopened by a newer SYN (RFC 6191).
 */
class ClosingTest {

    private TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();

    @AfterEach
    void noLeaks() {
        h.ip.sent.clear();
        assertEquals(0, h.pool.outstanding());
    }

    /** Passive open without options; the peer at 5001, we at 1000001. */
    private StreamConnection established() throws Exception {
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        h.inject(seg(".").seq(5001).ack(1_000_001));
        return acceptor.accepted.get(0);
    }

    /** Passive open with timestamps (TS.Recent 701). */
    private StreamConnection establishedWithTimestamps() throws Exception {
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460).ts(700, 0));
        TcpHarness.Sent synAck = h.next();
        h.inject(seg(".").seq(5001).ack(1_000_001).ts(701, synAck.tsVal()));
        return acceptor.accepted.get(0);
    }

    @Test
    void closedConnectionLeavesFinWait2AfterTcpFinTimeoutWithoutASegment() throws Exception {
        StreamConnection c = established();
        c.close();
        h.expect("F. seq 1000001 ack 5001 win 65535");
        h.inject(seg(".").seq(5001).ack(1_000_002));
        assertEquals("FIN_WAIT_2", c.state());
        h.advance(59_999);
        assertEquals("FIN_WAIT_2", c.state());
        h.advance(1);
        assertEquals("CLOSED", c.state());
        h.expectNothing();
        assertEquals(0, h.stack.connections().length);
        assertEquals(1, h.counter(TcpStatistic.FIN_WAIT2_TIMEOUTS));
        // the peer's late FIN now meets no connection: a reset, as Linux answers
        h.inject(seg("F.").seq(5001).ack(1_000_002));
        h.expect("R seq 1000002 win 0");
    }

    @Test
    void halfClosedConnectionWaitsInFinWait2ForAsLongAsThePeerSends() throws Exception {
        StreamConnection c = established();
        c.shutdownOutput();
        h.next();
        h.inject(seg(".").seq(5001).ack(1_000_002));
        h.advance(600_000);
        assertEquals("FIN_WAIT_2", c.state());
        h.inject(seg("P.").seq(5001).ack(1_000_002).data("late"));
        assertEquals("late", TcpHarness.read(c));
        assertEquals(0, h.counter(TcpStatistic.FIN_WAIT2_TIMEOUTS));
    }

    @Test
    void closeAfterShutdownStartsTheFinTimeoutThen() throws Exception {
        StreamConnection c = established();
        c.shutdownOutput();
        h.next();
        h.inject(seg(".").seq(5001).ack(1_000_002));
        h.advance(100_000);
        c.close();
        h.advance(59_999);
        assertEquals("FIN_WAIT_2", c.state());
        h.advance(1);
        assertEquals("CLOSED", c.state());
    }

    @Test
    void finTimeoutIsConfigurable() throws Exception {
        h = new TcpHarness(TcpConfig.DEFAULTS.withFinTimeout(5_000_000_000L));
        StreamConnection c = established();
        c.close();
        h.next();
        h.inject(seg(".").seq(5001).ack(1_000_002));
        h.advance(5_000);
        assertEquals("CLOSED", c.state());
    }

    @Test
    void peersFinBeforeTheTimeoutLeadsToAFullTimeWait() throws Exception {
        StreamConnection c = established();
        c.close();
        h.next();
        h.inject(seg(".").seq(5001).ack(1_000_002));
        h.advance(30_000);
        h.inject(seg("F.").seq(5001).ack(1_000_002));
        h.expect(". seq 1000002 ack 5002 win 65535");
        assertEquals("TIME_WAIT", c.state());
        h.advance(59_999); // 2 MSL from the FIN, not the rest of the FIN-WAIT-2 timeout
        assertEquals("TIME_WAIT", c.state());
        h.advance(1);
        assertEquals("CLOSED", c.state());
        assertEquals(0, h.counter(TcpStatistic.FIN_WAIT2_TIMEOUTS));
    }

    private void toTimeWait(StreamConnection c, boolean timestamps) throws Exception {
        c.close();
        h.next();
        TcpHarness.In fin = seg("F.").seq(5001).ack(1_000_002);
        h.inject(timestamps ? fin.ts(702, 0) : fin);
        h.next();
        assertEquals("TIME_WAIT", c.state());
        h.advance(10_000);
    }

    @Test
    void synWithANewerTimestampReopensATimeWaitConnection() throws Exception {
        StreamConnection old = establishedWithTimestamps();
        toTimeWait(old, true);
        // RFC 6191: the new incarnation's SYN may even reuse an old sequence number
        h.inject(seg("S").seq(3000).mss(1460).ts(800, 0));
        // the new ISS lies beyond the old SND.NXT (1000002 + 65537), as Linux picks it
        TcpHarness.Sent synAck = h.expect("S. seq 1065539 ack 3001 win 65535 <mss 1460,TS ecr 800>");
        assertEquals("CLOSED", old.state());
        assertEquals(1, h.counter(TcpStatistic.TIME_WAIT_REUSED));
        h.inject(seg(".").seq(3001).ack(1_065_540).ts(801, synAck.tsVal()));
        assertEquals(2, acceptor.accepted.size());
        StreamConnection fresh = acceptor.accepted.get(1);
        assertEquals("ESTABLISHED", fresh.state());
        assertSame(fresh, h.stack.find(TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40000));
    }

    @Test
    void synWithAnOlderTimestampLeavesTimeWaitInPlace() throws Exception {
        StreamConnection old = establishedWithTimestamps();
        toTimeWait(old, true);
        h.inject(seg("S").seq(9000).mss(1460).ts(701, 0)); // older than TS.Recent, whatever its sequence
        h.expect(". seq 1000002 ack 5002 win 65535 <TS ecr 702>"); // RFC 5961 4.2: the challenge ACK
        assertEquals("TIME_WAIT", old.state());
        assertEquals(0, h.counter(TcpStatistic.TIME_WAIT_REUSED));
    }

    @Test
    void synWithTheSameTimestampReopensTimeWaitOnlyAboveRcvNxt() throws Exception {
        StreamConnection old = establishedWithTimestamps();
        toTimeWait(old, true);
        // RFC 6191 2, second case: the same timestamp (a new connection within the peer's clock
        // tick, as a client reusing ports quickly makes it) and a higher sequence number
        h.inject(seg("S").seq(4000).mss(1460).ts(702, 0)); // not above RCV.NXT 5002
        h.expect(". seq 1000002 ack 5002 win 65535 <TS ecr 702>");
        assertEquals("TIME_WAIT", old.state());
        h.inject(seg("S").seq(9000).mss(1460).ts(702, 0));
        h.expect("S. seq 1065539 ack 9001 win 65535 <mss 1460,TS ecr 702>");
        assertEquals("CLOSED", old.state());
        assertEquals(1, h.counter(TcpStatistic.TIME_WAIT_REUSED));
    }

    @Test
    void withoutTimestampsASynAboveRcvNxtReopensTimeWait() throws Exception {
        StreamConnection old = established();
        toTimeWait(old, false);
        h.inject(seg("S").seq(5002).mss(1460)); // RCV.NXT itself is not above it
        h.expect(". seq 1000002 ack 5002 win 65535");
        assertEquals("TIME_WAIT", old.state());
        h.inject(seg("S").seq(5003).mss(1460));
        h.expect("S. seq 1065539 ack 5004 win 65535 <mss 1460>");
        assertEquals("CLOSED", old.state());
        assertEquals(1, h.stack.connections().length);
    }

    @Test
    void timeWaitOfAnActiveOpenWithoutListenerIsResetByANewerSyn() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        h.next();
        h.inject(seg("S.").ports(80, 40001).seq(9000).ack(1_000_001).mss(1460));
        h.next();
        c.close();
        h.next();
        h.inject(seg("F.").ports(80, 40001).seq(9001).ack(1_000_002));
        h.next();
        assertEquals("TIME_WAIT", c.state());
        h.inject(seg("S").ports(80, 40001).seq(20000).mss(1460));
        h.expect("R. seq 0 ack 20001 win 0"); // nobody listens on 40001 (RFC 9293 3.10.7.1)
        assertEquals("CLOSED", c.state());
        assertEquals(List.of("closed null"), endpoint.events.subList(endpoint.events.size() - 1, endpoint.events.size()));
    }
}
