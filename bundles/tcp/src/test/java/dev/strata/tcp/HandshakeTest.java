package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;

/** Packet-level tests of opening connections (RFC 9293 3.5, 3.10.7.2, 3.10.7.3). */
class HandshakeTest {

    private final TcpHarness h = new TcpHarness();

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    @Test
    void passiveOpenAnswersSynWithSynAckCarryingOptionsAndEstablishesOnAck() throws Exception {
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        StreamListener listener = h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).win(64240).mss(1460).sackOk().ts(700, 0).wscale(7));
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460,sackOK,TS ecr 700,wscale 2>");
        assertEquals(1, listener.pending());
        assertEquals(1, h.counter(TcpStatistic.PASSIVE_OPENS));

        h.inject(seg(".").seq(5001).ack(1_000_001).win(502).ts(701, h.ip.sent.size()));
        h.expectNothing();
        assertEquals(1, acceptor.accepted.size());
        StreamConnection c = acceptor.accepted.get(0);
        assertEquals("ESTABLISHED", c.state());
        assertEquals(0, listener.pending());
        assertEquals(1, h.counter(TcpStatistic.CURR_ESTAB));
        assertEquals(8080, c.localPort());
        assertEquals(40000, c.remotePort());
        assertEquals(TcpHarness.REMOTE, c.remoteAddress());
    }

    @Test
    void synAckOffersOnlyTheOptionsThePeerOffered() throws Exception {
        h.listen(new TcpHarness.Acceptor(), 8080);
        h.inject(seg("S").seq(5000).win(8192).mss(536));
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460>");
    }

    @Test
    void activeOpenSendsSynWithEveryOptionAndAcksTheSynAck() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        TcpHarness.Sent syn = h.expect("S seq 1000000 win 65535 <mss 1460,sackOK,TS ecr 0,wscale 2>");
        assertEquals(80, syn.destinationPort());
        assertEquals("SYN_SENT", c.state());
        assertEquals(1, h.counter(TcpStatistic.ACTIVE_OPENS));

        h.inject(seg("S.").ports(80, 40001).seq(9000).ack(1_000_001).win(65160).mss(1400).sackOk().ts(50, syn.tsVal())
                .wscale(10));
        h.expect(". seq 1000001 ack 9001 win 32768 <TS ecr 50>");
        assertEquals("ESTABLISHED", c.state());
        assertEquals(java.util.List.of("connected", "writable"), endpoint.events);
    }

    @Test
    void simultaneousOpenGoesThroughSynReceived() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        h.next();
        // RFC 9293 Figure 8: the peer's SYN crosses ours
        h.inject(seg("S").ports(80, 40001).seq(9000).mss(1460));
        h.expect("S. seq 1000000 ack 9001 win 65535 <mss 1460>");
        assertEquals("SYN_RECEIVED", c.state());
        h.inject(seg("S.").ports(80, 40001).seq(9000).ack(1_000_001).mss(1460));
        assertEquals("ESTABLISHED", c.state());
        assertEquals(java.util.List.of("connected", "writable"), endpoint.events);
    }

    @Test
    void resetAnsweringOurSynRefusesTheConnection() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        h.next();
        h.inject(seg("R.").ports(80, 40001).seq(0).ack(1_000_001));
        assertEquals("CLOSED", c.state());
        assertEquals(SocketError.ECONNREFUSED, endpoint.error);
        assertEquals(1, h.counter(TcpStatistic.ATTEMPT_FAILS));
    }

    @Test
    void resetWithUnacceptableAckInSynSentIsIgnored() throws Exception {
        StreamConnection c = h.connect(new TcpHarness.Endpoint(), 40001, 80);
        h.next();
        h.inject(seg("R.").ports(80, 40001).seq(0).ack(1_000_000));
        assertEquals("SYN_SENT", c.state());
        h.expectNothing();
    }

    @Test
    void synAckWithBadAckInSynSentIsAnsweredWithReset() throws Exception {
        StreamConnection c = h.connect(new TcpHarness.Endpoint(), 40001, 80);
        h.next();
        h.inject(seg("S.").ports(80, 40001).seq(9000).ack(1_000_005));
        // RFC 9293 3.10.7.3: <SEQ=SEG.ACK><CTL=RST>
        h.expect("R seq 1000005 win 0");
        assertEquals("SYN_SENT", c.state());
    }

    @Test
    void resetInSynReceivedReturnsPassiveOpenToListen() throws Exception {
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        StreamListener listener = h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        assertEquals(1, listener.pending());
        h.inject(seg("R").seq(5001));
        h.expectNothing();
        assertEquals(0, listener.pending());
        assertEquals(1, h.counter(TcpStatistic.ATTEMPT_FAILS));
        assertEquals(0, acceptor.accepted.size());
        // still listening: a new SYN is answered
        h.inject(seg("S").seq(7000).mss(1460));
        h.expect("S. seq 1000000 ack 7001 win 65535 <mss 1460>");
    }

    /**
     * A full accept queue (Linux, tcp_abort_on_overflow off): the ACK completing the handshake
     * is dropped, not answered with a reset; the connection stays in SYN-RECEIVED, the SYN-ACK
     * goes again on its timer, and the next ACK after the application made room establishes it.
     */
    @Test
    void aFullAcceptQueueDropsTheCompletingAckAndTheNextOneEstablishes() throws Exception {
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        StreamListener listener = h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460>");
        acceptor.full = true;
        h.inject(seg(".").seq(5001).ack(1000001));
        h.expectNothing(); // no reset
        assertEquals(1, listener.pending(), "still half-open in the SYN queue");
        assertEquals(0, acceptor.accepted.size());
        assertEquals(1, h.counter(TcpStatistic.LISTEN_OVERFLOWS));
        assertEquals(1, h.counter(TcpStatistic.LISTEN_DROPS));
        h.advance(1000); // the SYN-ACK's retransmission timer (RFC 6298 initial RTO)
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460>");
        acceptor.full = false;
        h.inject(seg(".").seq(5001).ack(1000001));
        h.expectNothing();
        assertEquals(1, acceptor.accepted.size(), "established once there was room");
        assertEquals("ESTABLISHED", acceptor.accepted.get(0).state());
        assertEquals(0, listener.pending());
    }

    @Test
    void retransmittedSynInSynReceivedGetsTheSynAckAgain() throws Exception {
        h.listen(new TcpHarness.Acceptor(), 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        h.inject(seg("S").seq(5000).mss(1460));
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460>");
    }

    @Test
    void synIsRetransmittedWithDoublingTimeoutThenGivesUp() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        h.next();
        h.advance(999);
        h.expectNothing();
        h.advance(1);
        h.expect("S seq 1000000 win 65535 <mss 1460,sackOK,TS ecr 0,wscale 2>");
        h.advance(1999);
        h.expectNothing();
        h.advance(1);
        h.next();
        assertEquals(2, h.counter(TcpStatistic.RETRANS_SEGS));
        // 6 retries (1+2+4+8+16+32 s), then 64 s later ETIMEDOUT
        h.advance(4000 + 8000 + 16000 + 32000 + 64000);
        assertEquals(SocketError.ETIMEDOUT, endpoint.error);
        assertEquals("CLOSED", c.state());
    }

    @Test
    void segmentToNoConnectionGetsResetAsRfc9293Says() {
        // no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        h.inject(seg("S").ports(40000, 9).seq(0xfffffffeL));
        h.expect("R. seq 0 ack 4294967295 win 0");
        h.inject(seg("P.").ports(40000, 9).seq(100).ack(777).data("abc"));
        // ACK: <SEQ=SEG.ACK><CTL=RST>
        h.expect("R seq 777 win 0");
        h.inject(seg("R").ports(40000, 9).seq(100));
        h.expectNothing();
        assertEquals(2, h.counter(TcpStatistic.OUT_RSTS));
    }

    @Test
    void synWithFinToAListenerIsDroppedAndCounted() throws Exception {
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        h.listen(acceptor, 8080);
        h.inject(seg("SF").seq(1000).mss(1460));
        h.expectNothing(); // no SYN-ACK, no connection: Linux drops it too
        assertEquals(1, h.counter(TcpStatistic.SYN_FIN));
        assertEquals(0, h.counter(TcpStatistic.PASSIVE_OPENS));
        h.inject(seg("S").seq(2000).mss(1460));
        h.next(); // a plain SYN still opens
        assertEquals(1, h.counter(TcpStatistic.PASSIVE_OPENS));
    }

    @Test
    void ackToListenerIsReset() throws Exception {
        h.listen(new TcpHarness.Acceptor(), 8080);
        h.inject(seg(".").seq(1).ack(4242));
        h.expect("R seq 4242 win 0");
    }

    @Test
    void badChecksumIsCountedAndDropped() {
        h.inject(seg("S").ports(40000, 9).seq(1).corrupt());
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.IN_CSUM_ERRORS));
        assertEquals(1, h.counter(TcpStatistic.IN_ERRS));
        assertNull(null);
    }
}
