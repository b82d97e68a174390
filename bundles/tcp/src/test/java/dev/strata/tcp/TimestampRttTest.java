package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;

/**
 * Packet-level tests of RTT measurement from timestamps (RFC 7323 4.1 RTTM) and the TS.Recent
 * rules (RFC 7323 4.3). The peer is 198.18.0.2:40000 talking to our listener on 8080 with
 * MSS 1460 and timestamps (no window scaling), ISN of ours 1000000, the peer's 5000.
 */
class TimestampRttTest {

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private final int peer = 5001;
    private final int ours = 1_000_001;

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    private StreamConnection established() throws Exception {
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460).ts(700, 0));
        TcpHarness.Sent synAck = h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460,TS ecr 700>");
        h.inject(seg(".").seq(peer).ack(ours).ts(701, synAck.tsVal()));
        h.expectNothing();
        return acceptor.accepted.get(0);
    }

    @Test
    void ackWithTimestampAfterBackedOffRtoResetsTheRtoToTheEstimate() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.expect("P. seq 1000001 ack 5001 win 65535 <TS ecr 701> len 4");
        // two timeouts: the RTO backs off from 200 ms to 800 ms
        h.advance(200);
        h.expect("P. seq 1000001 ack 5001 win 65535 <TS ecr 701> len 4");
        h.advance(400);
        TcpHarness.Sent last = h.expect("P. seq 1000001 ack 5001 win 65535 <TS ecr 701> len 4");
        h.advance(10);
        // the ACK echoes the last retransmission: an unambiguous 10 ms sample (Karn would take none)
        h.inject(seg(".").seq(peer).ack(ours + 4).ts(702, last.tsVal()));
        assertEquals(0, c.unacknowledged());
        TcpHarness.write(c, "more");
        h.expect("P. seq 1000005 ack 5001 win 65535 <TS ecr 702> len 4");
        // the RTO is the estimate again (the 200 ms minimum), not the backed-off 800 ms
        h.advance(199);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq 1000005 ack 5001 win 65535 <TS ecr 702> len 4");
        h.inject(seg(".").seq(peer).ack(ours + 8).ts(703, 0));
        h.advance(10_000);
        h.expectNothing();
    }

    @Test
    void withoutTimestampEchoKarnKeepsTheBackedOffRto() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.expect("P. seq 1000001 ack 5001 win 65535 <TS ecr 701> len 4");
        h.advance(200);
        h.next();
        h.advance(400);
        h.next();
        h.advance(10);
        // TSecr 0 is no echo: no sample from a retransmitted segment (RFC 6298 3)
        h.inject(seg(".").seq(peer).ack(ours + 4).ts(702, 0));
        TcpHarness.write(c, "more");
        h.next();
        h.advance(799);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq 1000005 ack 5001 win 65535 <TS ecr 702> len 4");
        h.inject(seg(".").seq(peer).ack(ours + 8).ts(703, 0));
    }

    @Test
    void echoOfATransmissionBeforeTheTimeoutIsNotSampled() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        TcpHarness.Sent original = h.next();
        h.advance(200);
        h.next();
        h.advance(400);
        h.next();
        // the peer answers a duplicate with the original's TSval (RFC 7323 4.3): 600 ms would
        // include the timeouts, so no sample; the RTO stays backed off at 800 ms
        h.inject(seg(".").seq(peer).ack(ours + 4).ts(702, original.tsVal()));
        TcpHarness.write(c, "more");
        h.next();
        h.advance(799);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq 1000005 ack 5001 win 65535 <TS ecr 702> len 4");
        h.inject(seg(".").seq(peer).ack(ours + 8).ts(703, 0));
    }

    @Test
    void echoFromTheFutureIsNotSampled() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        TcpHarness.Sent sent = h.next();
        h.advance(200);
        h.next();
        h.advance(400);
        h.next();
        h.inject(seg(".").seq(peer).ack(ours + 4).ts(702, sent.tsVal() + 100_000));
        TcpHarness.write(c, "more");
        h.next();
        h.advance(799);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq 1000005 ack 5001 win 65535 <TS ecr 702> len 4");
        h.inject(seg(".").seq(peer).ack(ours + 8).ts(703, 0));
    }

    @Test
    void tsRecentTakesTheTsvalOfTheSegmentCoveringLastAckSentOnly() throws Exception {
        established();
        // in order: TS.Recent <- 800, echoed
        h.inject(seg("P.").seq(peer).ack(ours).ts(800, 0).data("a"));
        h.expect(". seq 1000001 ack 5002 win 65535 <TS ecr 800>");
        // out of order (beyond Last.ACK.sent): its TSval is not recorded
        h.inject(seg("P.").seq(peer + 5).ack(ours).ts(900, 0).data("f"));
        h.expect(". seq 1000001 ack 5002 win 65535 <TS ecr 800>");
        // the hole filled (SEG.SEQ = Last.ACK.sent): its TSval is
        h.inject(seg("P.").seq(peer + 1).ack(ours).ts(850, 0).data("bcde"));
        h.expect(". seq 1000001 ack 5007 win 65535 <TS ecr 850>");
        // an older TSval on an acceptable segment is PAWS-rejected and never moves TS.Recent back
        h.inject(seg("P.").seq(peer + 6).ack(ours).ts(840, 0).data("g"));
        h.expect(". seq 1000001 ack 5007 win 65535 <TS ecr 850>");
    }
}
