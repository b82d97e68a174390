package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

/**
 * Buffer auto-tuning over the simulated link (BufferTuning): on a long fat link (50 ms each
 * way, no loss) automatic buffers grow with what the application reads per round trip (Linux
 * DRS) and with cwnd, far beyond 16 KB per round trip; an explicit SO_RCVBUF keeps the window
 * fixed; an idle connection gives its memory back.
 */
class SimAutoTuningTest {

    private static final SimLink.Impairment LONG_FAT = new SimLink.Impairment(0, 0, 0, 0, 50, 0);
    private static final long SIZE = 16L << 20;

    private static StreamOptions buffers(int receive, int send) {
        StreamOptions d = StreamOptions.AUTOTUNED;
        return new StreamOptions(receive, send, d.noDelay(), d.keepAlive(), d.keepIdleSeconds(), d.keepIntervalSeconds(),
                d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(), d.reuseAddress(), d.congestionControl());
    }

    @Test
    void automaticBuffersGrowOnALongFatLinkAndExplicitOnesStayFixed() throws Exception {
        SimTransfer tuned = new SimTransfer(21, SIZE, LONG_FAT);
        tuned.options = StreamOptions.AUTOTUNED;
        long tunedMillis = tuned.run(60_000);
        SimTransfer fixed = new SimTransfer(21, SIZE, LONG_FAT);
        fixed.options = buffers(16_384, 16_384); // explicit SO_RCVBUF / SO_SNDBUF: 16 KB
        long fixedMillis = fixed.run(200_000);
        double rttMillis = 100;
        double tunedPerRtt = SIZE / (tunedMillis / rttMillis);
        double fixedPerRtt = SIZE / (fixedMillis / rttMillis);
        System.out.printf("16 MiB over 100 ms RTT: automatic buffers %d ms (%.0f KB/RTT), explicit 16 KB %d ms (%.0f KB/RTT)%n",
                tunedMillis, tunedPerRtt / 1024, fixedMillis, fixedPerRtt / 1024);
        assertTrue(fixedPerRtt <= 16_384 * 1.01, "an explicit 16 KB buffer bounds the window: " + fixedPerRtt);
        assertTrue(tunedPerRtt > 8 * 16_384, "automatic buffers: " + tunedPerRtt + " bytes per RTT");
    }

    @Test
    void receiveWindowGrowsWithWhatTheApplicationReadsAndShrinksWhenIdle() throws Exception {
        SimLink link = new SimLink(22, LONG_FAT);
        SimApps.Acceptor acceptor = new SimApps.Acceptor();
        link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 4, StreamOptions.AUTOTUNED);
        SimApps.Endpoint endpoint = new SimApps.Endpoint();
        StreamConnection client = link.b.stack.connect(endpoint, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80,
                StreamOptions.AUTOTUNED);
        link.advanceMillis(200);
        StreamConnection server = acceptor.accepted.get(0);
        Tcb receiving = ((TcpConnection) server).tcb;
        Tcb sending = ((TcpConnection) client).tcb;
        // the window scale was chosen for the 6 MB maximum (RFC 7323 2.2: fixed at SYN time)
        assertEquals(Handshake.windowShiftFor(BufferTuning.RECEIVE_MAX), receiving.rcvWindowShift);
        SimApps.Sender writer = new SimApps.Sender(SIZE, 5);
        SimApps.Receiver reader = new SimApps.Receiver();
        while (reader.read < SIZE) {
            writer.pump(client);
            reader.pump(server);
            link.advanceMillis(1);
        }
        int grownReceive = receiving.receiveBuffer.capacity();
        int grownSend = sending.sendBuffer.capacity();
        System.out.printf("after 16 MiB: receive buffer %d, send buffer %d, cwnd %d%n", grownReceive, grownSend,
                sending.congestion.cwnd);
        assertTrue(grownReceive > 1 << 20, "receive buffer " + grownReceive);
        assertTrue(grownReceive <= BufferTuning.RECEIVE_MAX);
        assertTrue(grownSend > 1 << 20, "send buffer " + grownSend);
        assertTrue(grownSend <= BufferTuning.SEND_MAX);
        // idle: both buffers empty, trimmed after a second
        link.clock.advance(2, TimeUnit.SECONDS);
        assertEquals(BufferTuning.TRIM_SIZE, receiving.receiveBuffer.capacity());
        assertEquals(BufferTuning.TRIM_SIZE, sending.sendBuffer.capacity());
        // and the next burst is carried exactly: the ring regrows inside the window still promised
        SimApps.Sender again = new SimApps.Sender(1 << 20, 6);
        SimApps.Receiver second = new SimApps.Receiver();
        while (second.read < 1 << 20) {
            again.pump(client);
            second.pump(server);
            link.advanceMillis(1);
        }
        assertEquals(again.hash(), second.hash());
        client.close();
        server.close();
        link.clock.advance(TcpConfig.DEFAULTS.timeWaitNanos() + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
        assertEquals(0, link.a.pool.outstanding());
        assertEquals(0, link.b.pool.outstanding());
    }
}
