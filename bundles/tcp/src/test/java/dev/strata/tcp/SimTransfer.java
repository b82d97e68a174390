package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * One bulk transfer over a {@link SimLink}: B connects to A's port 80, writes {@code size}
 * seeded bytes and closes; A reads to EOF and closes. The loop polls both applications, then
 * moves virtual time by 1 ms. It fails, naming the seed so the run can be replayed, when the
 * transfer is not done within the bound of virtual time, when the bytes differ (SHA-256), or
 * when a pool does not get every buffer back after TIME-WAIT.
 */
final class SimTransfer {

    final long seed;
    final long size;
    final SimLink.Impairment impairment;
    final SimLink link;
    /** Virtual milliseconds from connect to both ends closed or in TIME-WAIT. */
    long elapsedMillis;

    SimTransfer(long seed, long size, SimLink.Impairment impairment) {
        this.seed = seed;
        this.size = size;
        this.impairment = impairment;
        this.link = new SimLink(seed, impairment);
    }

    String label() {
        return "seed " + seed + ", " + size + " bytes, " + impairment;
    }

    /** Runs the transfer to the end; returns its virtual duration in ms. */
    long run(long boundMillis) throws NetSocketException {
        long poolA = link.a.pool.outstanding();
        long poolB = link.b.pool.outstanding();
        SimApps.Acceptor acceptor = new SimApps.Acceptor();
        StreamListener listener = link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 16, StreamOptions.DEFAULTS);
        SimApps.Endpoint clientEndpoint = new SimApps.Endpoint();
        long start = link.nowMillis();
        StreamConnection client = link.b.stack.connect(clientEndpoint, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80,
                StreamOptions.DEFAULTS);
        SimApps.Sender sender = new SimApps.Sender(size, seed);
        SimApps.Receiver receiver = new SimApps.Receiver();
        boolean clientClosed = false;
        boolean serverClosed = false;
        StreamConnection server = null;
        while (true) {
            if (clientEndpoint.connected && !clientClosed && sender.pump(client)) {
                client.close();
                clientClosed = true;
            }
            if (server == null && !acceptor.accepted.isEmpty()) {
                server = acceptor.accepted.get(0);
            }
            if (server != null && !serverClosed && receiver.pump(server)) {
                server.close();
                serverClosed = true;
            }
            if (serverClosed && finished(client) && finished(server)) {
                break;
            }
            if (clientEndpoint.error != null) {
                fail("client connection failed with " + clientEndpoint.error + ": " + status(client, server, sender,
                        receiver));
            }
            if (link.nowMillis() - start > boundMillis) {
                fail("stalled beyond " + boundMillis + " ms of virtual time: " + status(client, server, sender, receiver));
            }
            link.advanceMillis(1);
        }
        elapsedMillis = link.nowMillis() - start;
        assertEquals(size, receiver.read, () -> "bytes read, " + label());
        assertEquals(sender.hash(), receiver.hash(), () -> "SHA-256 of the stream, " + label());
        assertNull(acceptor.endpoints.get(0).error, () -> "server error, " + label());
        listener.close();
        // TIME-WAIT (2 MSL) ends and every segment in flight lands
        link.clock.advance(TcpConfig.DEFAULTS.timeWaitNanos() + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
        assertEquals("CLOSED", client.state(), () -> "client after TIME-WAIT, " + label());
        assertEquals("CLOSED", server.state(), () -> "server at the end, " + label());
        assertEquals(poolA, link.a.pool.outstanding(), () -> "buffers of A, " + label());
        assertEquals(poolB, link.b.pool.outstanding(), () -> "buffers of B, " + label());
        return elapsedMillis;
    }

    private static boolean finished(StreamConnection c) {
        String s = c.state();
        return s.equals("CLOSED") || s.equals("TIME_WAIT");
    }

    private String status(StreamConnection client, StreamConnection server, SimApps.Sender sender,
            SimApps.Receiver receiver) {
        return label() + "; at " + link.nowMillis() + " ms client " + client.state() + " wrote " + sender.written
                + " unacked " + client.unacknowledged() + ", server " + (server == null ? "not accepted" : server.state())
                + " read " + receiver.read + "; link " + link.tally() + "; B retransmits "
                + link.b.counter(TcpStatistic.RETRANS_SEGS);
    }
}
