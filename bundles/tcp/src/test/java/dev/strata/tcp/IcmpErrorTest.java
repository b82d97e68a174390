package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;

/**
 * ICMP errors delivered to connections (RFC 1122 4.2.3.9, RFC 1191, RFC 5927): the quoted
 * IPv4 + TCP header finds the connection, the quoted SEQ must be in SND.UNA..SND.MAX, hard
 * errors fail a connect, soft ones wait for a timeout, fragmentation needed lowers the MSS.
 */
class IcmpErrorTest {

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private int peer;
    private int ours;

    @AfterEach
    void noLeaks() {
        h.ip.sent.clear();
        assertEquals(0, h.pool.outstanding());
    }

    /** What ICMP hands TCP: our datagram's IPv4 header and the first {@code tcpBytes} of its TCP header. */
    private void icmp(int type, int code, int info, int localPort, int remotePort, int seq, int totalLength, int tcpBytes) {
        PacketBuffer b = h.pool.allocate();
        try {
            int at = b.append(20 + tcpBytes);
            b.putU8(at, 0x45);
            b.putU16(at + 2, totalLength);
            b.putU8(at + 8, 64);
            b.putU8(at + 9, 6);
            b.putI32(at + 12, TcpHarness.LOCAL);
            b.putI32(at + 16, TcpHarness.REMOTE);
            if (tcpBytes >= 8) {
                b.putU16(at + 20, localPort);
                b.putU16(at + 22, remotePort);
                b.putI32(at + 24, seq);
            }
            b.region(at, at + 20 + tcpBytes);
            h.stack.icmpError(type, code, info, b);
        } finally {
            b.release();
        }
    }

    private void icmp(int type, int code, int info, int seq) {
        icmp(type, code, info, 8080, 40000, seq, 1500, 8);
    }

    private StreamConnection established() throws Exception {
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        peer = 5001;
        ours = 1_000_001;
        h.inject(seg(".").seq(peer).ack(ours));
        return acceptor.accepted.get(0);
    }

    @Test
    void portUnreachableDuringConnectFailsItWithEconnrefused() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        h.next();
        icmp(3, 3, 0, 40001, 80, 1_000_000, 60, 20);
        assertEquals("CLOSED", c.state());
        assertEquals(List.of("closed ECONNREFUSED"), endpoint.events);
        assertEquals(1, h.counter(TcpStatistic.ATTEMPT_FAILS));
        assertEquals(0, h.stack.connections().length);
    }

    @Test
    void hostAndNetUnreachableDuringConnectFailWithTheirErrors() throws Exception {
        TcpHarness.Endpoint host = new TcpHarness.Endpoint();
        h.connect(host, 40001, 80);
        TcpHarness.Endpoint net = new TcpHarness.Endpoint();
        h.connect(net, 40002, 80);
        icmp(3, 1, 0, 40001, 80, 1_000_000, 60, 8);
        icmp(3, 0, 0, 40002, 80, 1_000_000, 60, 8);
        assertEquals(SocketError.EHOSTUNREACH, host.error);
        assertEquals(SocketError.ENETUNREACH, net.error);
    }

    @Test
    void icmpQuotingASequenceNumberOutsideTheWindowIsIgnored() throws Exception {
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        StreamConnection c = h.connect(endpoint, 40001, 80);
        icmp(3, 3, 0, 40001, 80, 1_000_000 + 70_000, 60, 8); // a blind guess
        icmp(3, 3, 0, 40001, 80, 999_999, 60, 8);
        assertEquals("SYN_SENT", c.state());
        assertEquals(2, h.counter(TcpStatistic.OUT_OF_WINDOW_ICMPS));
        assertEquals(List.of(), endpoint.events);
    }

    @Test
    void unreachableInPassiveSynReceivedReturnsToListen() throws Exception {
        StreamListener listener = h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).mss(1460));
        h.next();
        assertEquals(1, listener.pending());
        icmp(3, 1, 0, 1_000_000);
        assertEquals(0, listener.pending());
        assertEquals(0, h.stack.connections().length);
        assertEquals(0, acceptor.accepted.size());
    }

    @Test
    void softErrorWhenEstablishedIsReportedOnlyWhenTheConnectionTimesOut() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.next();
        icmp(3, 1, 0, ours); // host unreachable: RFC 1122 4.2.3.9, a soft error
        assertEquals("ESTABLISHED", c.state());
        assertEquals(List.of(), acceptor.endpoint.events);
        assertEquals(1, h.counter(TcpStatistic.ICMP_ERRORS));
        for (int i = 0; i < 3600 && !"CLOSED".equals(c.state()); i++) {
            h.advance(1000);
        }
        assertEquals("CLOSED", c.state());
        assertEquals(SocketError.EHOSTUNREACH, acceptor.endpoint.error); // not ETIMEDOUT
    }

    @Test
    void softErrorIsForgottenWhenNewDataIsAcknowledged() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.next();
        icmp(3, 3, 0, ours);
        h.inject(seg(".").seq(peer).ack(ours + 4));
        TcpHarness.write(c, "more");
        for (int i = 0; i < 3600 && !"CLOSED".equals(c.state()); i++) {
            h.advance(1000);
        }
        assertEquals(SocketError.ETIMEDOUT, acceptor.endpoint.error);
    }

    @Test
    void fragmentationNeededLowersTheMssAndResendsWhatNoLongerFitsAtOnce() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(3000));
        h.expect(". seq 1000001 ack 5001 win 65535 len 1460");
        h.expect(". seq 1001461 ack 5001 win 65535 len 1460");
        h.expectNothing(); // Nagle holds the 80-byte tail while data is in flight
        // RFC 1191: a router with a 1000-byte next hop drops the first one
        icmp(3, 4, 1000, 8080, 40000, ours, 1500, 8);
        h.expect(". seq 1000001 ack 5001 win 65535 len 960");
        h.expect(". seq 1000961 ack 5001 win 65535 len 960");
        h.expect(". seq 1001921 ack 5001 win 65535 len 960");
        h.expect("P. seq 1002881 ack 5001 win 65535 len 120"); // 40 bytes sent before, 80 new
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.PMTU_REDUCTIONS));
        assertEquals(4, h.counter(TcpStatistic.RETRANS_SEGS));
        assertEquals(960, ((TcpConnection) c).tcb.sendMss);
        assertEquals("ESTABLISHED", c.state());
        // a second report of the same MTU changes nothing
        icmp(3, 4, 1000, 8080, 40000, ours, 1500, 8);
        h.expectNothing();
        // the destination remembers it: a new connection offers the path's MSS
        h.connect(new TcpHarness.Endpoint(), 40005, 80);
        h.expect("S seq 1000000 win 65535 <mss 960,sackOK,TS ecr 0,wscale 2>");
    }

    @Test
    void tenMinutesAfterAReductionTheConnectionTriesItsNegotiatedMssAgain() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(1460));
        h.next();
        icmp(3, 4, 1000, 8080, 40000, ours, 1500, 8);
        h.next(); // the 1460 bytes again, as 960 + 500
        h.next();
        h.inject(seg(".").seq(peer).ack(ours + 1460));
        assertEquals(960, ((TcpConnection) c).tcb.sendMss);
        // RFC 1191 6.3: not raised before the estimate has aged
        h.advance(PathMtuCache.EXPIRES_NANOS / 1_000_000 - 1000);
        assertEquals(960, ((TcpConnection) c).tcb.sendMss);
        assertEquals(0, h.counter(TcpStatistic.PMTU_RAISES));
        h.advance(2000);
        assertEquals(1460, ((TcpConnection) c).tcb.sendMss);
        assertEquals(1, h.counter(TcpStatistic.PMTU_RAISES));
        h.ip.sent.clear();
        TcpHarness.write(c, "y".repeat(1460));
        h.expect("P. seq 1001461 ack 5001 win 65535 len 1460"); // one full-sized segment again
        // still narrow: the next report lowers it again, and it ages again
        icmp(3, 4, 1000, 8080, 40000, ours + 1460, 1500, 8);
        assertEquals(960, ((TcpConnection) c).tcb.sendMss);
        assertEquals(2, h.counter(TcpStatistic.PMTU_REDUCTIONS));
    }

    @Test
    void fragmentationNeededNeverTakesTheMssBelow536AndIgnoresMtusBelow68() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(1000));
        h.next();
        icmp(3, 4, 67, ours);
        assertEquals(1, h.counter(TcpStatistic.ICMP_BAD_MTU));
        assertEquals(1460, ((TcpConnection) c).tcb.sendMss);
        h.expectNothing();
        icmp(3, 4, 296, ours); // legal for IPv4, but below the floor
        assertEquals(536, ((TcpConnection) c).tcb.sendMss);
        h.expect(". seq 1000001 ack 5001 win 65535 len 536");
        h.expect("P. seq 1000537 ack 5001 win 65535 len 464");
    }

    @Test
    void fragmentationNeededWithoutAnMtuTriesTheNextRfc1191Plateau() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(1460));
        h.next();
        icmp(3, 4, 0, 8080, 40000, ours, 1500, 8); // an RFC 792 router: no next-hop MTU
        assertEquals(1452, ((TcpConnection) c).tcb.sendMss); // plateau 1492 - 40
    }

    @Test
    void errorsAboutNoConnectionOrWithAShortQuoteAreCounted() {
        icmp(3, 3, 0, 8080, 40000, 1, 60, 8);
        icmp(3, 3, 0, 8080, 40000, 1, 60, 4);
        assertEquals(1, h.counter(TcpStatistic.ICMP_NO_CONNECTION));
        assertEquals(1, h.counter(TcpStatistic.ICMP_BAD_QUOTE));
        assertNull(h.ip.sent.poll());
    }

    @Test
    void sourceQuenchIsIgnored() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.next();
        icmp(4, 0, 0, ours); // RFC 6633
        assertEquals("ESTABLISHED", c.state());
        assertEquals(0, h.counter(TcpStatistic.ICMP_ERRORS));
    }
}
