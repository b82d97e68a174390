package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;

/**
 * SYN queue and SYN cookies (RFC 4987 3.6, as Linux's net/ipv4/syncookies.c): a bounded SYN
 * queue, cookie SYN-ACKs that keep no state, the ACK that returns a cookie opening the
 * connection ESTABLISHED with its options, and forged or stale cookies refused.
 */
class SynCookieTest {

    private TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();

    @AfterEach
    void noLeaks() {
        h.ip.sent.clear();
        assertEquals(0, h.pool.outstanding());
    }

    private void alwaysCookies() {
        h = new TcpHarness(TcpConfig.DEFAULTS.withSyncookies(TcpConfig.SYNCOOKIES_ALWAYS, 1024));
    }

    @Test
    void floodOfSpoofedSynsLeavesALegitimateClientAbleToConnectAndTransfer() throws Exception {
        StreamListener listener = h.listen(acceptor, 8080); // backlog 16
        Random random = new Random(4987);
        int flood = 5000;
        for (int i = 0; i < flood; i++) {
            int spoofed = 0x0a000000 | random.nextInt(1 << 24); // 10.0.0.0/8, never answering
            h.inject(seg("S").from(spoofed).ports(1024 + random.nextInt(60000), 8080).seq(random.nextInt()).mss(1460)
                    .sackOk().ts(random.nextInt(), 0).wscale(7));
        }
        assertEquals(flood, h.ip.sent.size()); // every SYN answered
        assertEquals(16, listener.pending()); // the SYN queue is full, and no bigger
        assertEquals(16, h.stack.connections().length);
        assertEquals(flood - 16, h.counter(TcpStatistic.SYNCOOKIES_SENT));
        assertEquals(flood - 16, h.counter(TcpStatistic.SYN_QUEUE_FULL_COOKIES));
        assertEquals(0, h.counter(TcpStatistic.LISTEN_DROPS));
        h.ip.sent.clear();

        // the legitimate client: its SYN gets a cookie too, and its ACK opens the connection
        h.advance(30_000);
        h.ip.sent.clear(); // the queued connections' SYN-ACK retransmissions
        h.inject(seg("S").ports(50000, 8080).seq(5000).win(64240).mss(1460).sackOk().ts(700, 0).wscale(7));
        TcpHarness.Sent synAck = h.next();
        assertEquals("S. seq " + Seq.unsigned(synAck.seq()) + " ack 5001 win 65535 <mss 1460,sackOK,TS ecr 700,wscale 2>",
                synAck.line());
        assertEquals(7 | SynCookies.TS_SACK, synAck.tsVal() & 0x3f); // the peer's wscale and SACK in our TSval
        assertEquals(16, listener.pending()); // nothing was kept for it
        h.advance(40_000); // the ACK comes in the next minute: still valid
        h.ip.sent.clear();
        h.inject(seg(".").ports(50000, 8080).seq(5001).ack(synAck.seq() + 1L).win(502).ts(701, synAck.tsVal()));
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.SYNCOOKIES_RECV));
        assertEquals(1, acceptor.accepted.size());
        TcpConnection c = (TcpConnection) acceptor.accepted.get(0);
        assertEquals("ESTABLISHED", c.state());
        assertEquals(50000, c.remotePort());
        assertTrue(c.tcb.windowScaling);
        assertEquals(7, c.tcb.sndWindowShift);
        assertEquals(2, c.tcb.rcvWindowShift);
        assertTrue(c.tcb.sackPermitted);
        assertTrue(c.tcb.timestamps);
        assertEquals(1448, c.tcb.sendMss);
        assertEquals(502L << 7, c.tcb.sndWnd);

        // and it transfers, both ways
        h.inject(seg("P.").ports(50000, 8080).seq(5001).ack(synAck.seq() + 1L).win(502).ts(702, synAck.tsVal()).data("hello"));
        TcpHarness.Sent ack = h.next();
        assertEquals(". seq " + Seq.unsigned(synAck.seq() + 1) + " ack 5006 win 32766 <TS ecr 702>", ack.line());
        assertTrue(Integer.compareUnsigned(ack.tsVal(), synAck.tsVal()) >= 0); // our clock goes on from the SYN-ACK's
        assertEquals("hello", TcpHarness.read(c));
        TcpHarness.write(c, "world");
        assertEquals("P. seq " + Seq.unsigned(synAck.seq() + 1) + " ack 5006 win 32766 <TS ecr 702> len 5", h.next().line());
        h.inject(seg(".").ports(50000, 8080).seq(5006).ack(synAck.seq() + 6L).win(502).ts(703, 0));
        assertEquals(0, c.unacknowledged());
        assertEquals(1, h.counter(TcpStatistic.CURR_ESTAB));
    }

    @Test
    void forgedCookieIsAnsweredWithAResetAndCounted() throws Exception {
        alwaysCookies();
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        TcpHarness.Sent synAck = h.next();
        // a blind attacker guesses the cookie
        h.inject(seg(".").seq(5001).ack(synAck.seq() + 2L));
        h.expect("R seq " + Seq.unsigned(synAck.seq() + 2) + " win 0");
        // or answers another SYN's cookie from another port
        h.inject(seg(".").ports(40001, 8080).seq(5001).ack(synAck.seq() + 1L));
        h.next();
        // or the right cookie with another initial sequence number
        h.inject(seg(".").seq(6001).ack(synAck.seq() + 1L));
        h.next();
        assertEquals(3, h.counter(TcpStatistic.SYNCOOKIES_FAILED));
        assertEquals(0, h.counter(TcpStatistic.SYNCOOKIES_RECV));
        assertEquals(0, acceptor.accepted.size());
        assertEquals(0, h.stack.connections().length);
    }

    @Test
    void cookieOlderThanTwoMinutesIsRejected() throws Exception {
        alwaysCookies();
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        TcpHarness.Sent synAck = h.next();
        h.advance(119_000);
        h.inject(seg("S").ports(40001, 8080).seq(9000).mss(1460)); // another SYN keeps cookies being checked
        h.next();
        h.advance(1_000); // minute 2 of a cookie minted in minute 0
        h.inject(seg(".").seq(5001).ack(synAck.seq() + 1L));
        h.expect("R seq " + Seq.unsigned(synAck.seq() + 1) + " win 0");
        assertEquals(1, h.counter(TcpStatistic.SYNCOOKIES_FAILED));
        assertEquals(0, acceptor.accepted.size());
    }

    @Test
    void withoutTimestampsTheCookieCarriesOnlyTheMssRoundedDownToTheTable() throws Exception {
        alwaysCookies();
        StreamListener listener = h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1400).sackOk().wscale(7));
        TcpHarness.Sent synAck = h.next();
        // no room for window scale and SACK without timestamps (as Linux)
        assertEquals("S. seq " + Seq.unsigned(synAck.seq()) + " ack 5001 win 65535 <mss 1460>", synAck.line());
        assertEquals(0, listener.pending());
        assertEquals(0, h.stack.connections().length);
        h.inject(seg(".").seq(5001).ack(synAck.seq() + 1L).win(8000));
        TcpConnection c = (TcpConnection) acceptor.accepted.get(0);
        assertEquals("ESTABLISHED", c.state());
        assertEquals(1300, c.tcb.peerMss); // msstab: 1400 rounds down to 1300
        assertEquals(1300, c.tcb.sendMss);
        assertFalse(c.tcb.windowScaling);
        assertFalse(c.tcb.sackPermitted);
        assertFalse(c.tcb.timestamps);
        assertEquals(8000, c.tcb.sndWnd);
        assertEquals(0, listener.pending());
    }

    @Test
    void cookieAckCarryingDataDeliversIt() throws Exception {
        alwaysCookies();
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        TcpHarness.Sent synAck = h.next();
        h.inject(seg("P.").seq(5001).ack(synAck.seq() + 1L).data("GET /"));
        h.expect(". seq " + Seq.unsigned(synAck.seq() + 1) + " ack 5006 win 65535");
        StreamConnection c = acceptor.accepted.get(0);
        assertEquals("GET /", TcpHarness.read(c));
        assertEquals(java.util.List.of("readable"), acceptor.endpoint.events);
    }

    @Test
    void cookiesAreOnlyCheckedWithinTwoMinutesOfTheLastOneSent() throws Exception {
        alwaysCookies();
        h.listen(acceptor, 8080);
        h.inject(seg(".").seq(1).ack(4242)); // no cookie went out yet: a plain reset, not a failed cookie
        h.expect("R seq 4242 win 0");
        assertEquals(0, h.counter(TcpStatistic.SYNCOOKIES_FAILED));
    }

    @Test
    void withSyncookiesOffASynToAFullQueueIsDropped() throws Exception {
        h = new TcpHarness(TcpConfig.DEFAULTS.withSyncookies(TcpConfig.SYNCOOKIES_OFF, 4));
        StreamListener listener = h.listen(acceptor, 8080); // backlog 16, tcp_max_syn_backlog 4
        for (int i = 0; i < 5; i++) {
            h.inject(seg("S").ports(40000 + i, 8080).seq(5000).mss(1460));
        }
        assertEquals(4, h.ip.sent.size());
        assertEquals(4, listener.pending());
        assertEquals(1, h.counter(TcpStatistic.SYN_QUEUE_FULL));
        assertEquals(1, h.counter(TcpStatistic.LISTEN_DROPS));
        assertEquals(0, h.counter(TcpStatistic.SYNCOOKIES_SENT));
        // a handshake that completes makes room again
        h.inject(seg(".").ports(40000, 8080).seq(5001).ack(1_000_001));
        assertEquals(3, listener.pending());
        h.inject(seg("S").ports(40009, 8080).seq(5000).mss(1460));
        assertEquals(4, listener.pending());
    }

    @Test
    void acceptQueueRefusingACookieConnectionResetsItAndCountsAnOverflow() throws Exception {
        alwaysCookies();
        h.stack.listen(connection -> null, 0, 8080, 16, TcpHarness.options());
        h.inject(seg("S").seq(5000).mss(1460));
        TcpHarness.Sent synAck = h.next();
        h.inject(seg(".").seq(5001).ack(synAck.seq() + 1L));
        h.expect("R seq " + Seq.unsigned(synAck.seq() + 1) + " win 0");
        assertEquals(1, h.counter(TcpStatistic.LISTEN_OVERFLOWS));
        assertEquals(1, h.counter(TcpStatistic.LISTEN_DROPS));
        assertEquals(0, h.stack.connections().length);
    }

    @Test
    void cookieRoundTripsForEveryMssIndexAndRejectsOtherTuples() {
        SynCookies cookies = new SynCookies(new IsnGenerator(h.clock, 7, 9), h.clock);
        long now = 5 * SynCookies.MINUTE_NANOS + 1;
        for (int i = 0; i < SynCookies.MSS_TABLE.length; i++) {
            int cookie = cookies.cookie(1, 80, 2, 40000, 0xfffffff0 + i, i, now);
            assertEquals(i, cookies.check(1, 80, 2, 40000, cookie, 0xfffffff0 + i, now));
            assertEquals(i, cookies.check(1, 80, 2, 40000, cookie, 0xfffffff0 + i, now + SynCookies.MINUTE_NANOS));
            assertEquals(-1, cookies.check(1, 80, 2, 40000, cookie, 0xfffffff0 + i, now + 2 * SynCookies.MINUTE_NANOS));
            assertEquals(-1, cookies.check(1, 80, 3, 40000, cookie, 0xfffffff0 + i, now));
            assertEquals(-1, cookies.check(1, 81, 2, 40000, cookie, 0xfffffff0 + i, now));
        }
        assertEquals(0, SynCookies.mssIndex(100));
        assertEquals(1, SynCookies.mssIndex(1439));
        assertEquals(3, SynCookies.mssIndex(9000));
        assertEquals(0x1000 | 0x17, SynCookies.encodeTimestamp(0x1020, 0x17));
        assertEquals(0x0fc0 | 0x3f, SynCookies.encodeTimestamp(0x1020, 0x3f)); // never ahead of the clock
        assertNull(null);
    }
}
