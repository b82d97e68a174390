package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * Connection setup and teardown in every order between two whole stacks over the simulated
 * link (RFC 9293 3.5, 3.6, 3.10.4, 3.10.5, 3.10.7.3): normal close from either side,
 * simultaneous close, half-close, simultaneous open, and resets. Each test runs on a clean
 * link (seed 0) and on lossy ones (20% of segments dropped both ways, duplicated and
 * reordered), so FINs, SYNs and their ACKs get lost and retransmitted. Every test ends with
 * both connections CLOSED and every buffer back in its pool.
 */
class SimConnectionTest {

    private static final long BOUND_MILLIS = 600_000;

    private SimLink link;
    private long poolA;
    private long poolB;
    private final SimApps.Acceptor acceptor = new SimApps.Acceptor();
    private final SimApps.Endpoint clientEndpoint = new SimApps.Endpoint();
    private StreamListener listener;
    /** On B. */
    private StreamConnection client;
    /** On A, accepted. */
    private StreamConnection server;
    private SimApps.Endpoint serverEndpoint;
    private long seed;

    private void start(long seed) {
        this.seed = seed;
        link = new SimLink(seed, seed == 0 ? SimLink.Impairment.NONE : new SimLink.Impairment(0.2, 0.05, 0.1, 0, 5, 20));
        link.trace = Boolean.getBoolean("sim.trace");
        poolA = link.a.pool.outstanding();
        poolB = link.b.pool.outstanding();
    }

    @AfterEach
    void everythingClosedAndEveryBufferBack() {
        if (link == null) {
            return;
        }
        if (listener != null) {
            listener.close();
        }
        link.clock.advance(TcpConfig.DEFAULTS.timeWaitNanos() + TimeUnit.SECONDS.toNanos(200), TimeUnit.NANOSECONDS);
        if (client != null) {
            assertEquals("CLOSED", client.state(), "client, seed " + seed);
        }
        if (server != null) {
            assertEquals("CLOSED", server.state(), "server, seed " + seed);
        }
        assertEquals(poolA, link.a.pool.outstanding(), "buffers of A, seed " + seed);
        assertEquals(poolB, link.b.pool.outstanding(), "buffers of B, seed " + seed);
    }

    /** Moves virtual time in 1 ms steps until the condition holds; fails with the seed beyond the bound. */
    private void until(String what, BooleanSupplier condition) {
        long start = link.nowMillis();
        while (!condition.getAsBoolean()) {
            assertTrue(link.nowMillis() - start < BOUND_MILLIS, () -> "no " + what + " within " + BOUND_MILLIS
                    + " ms, seed " + seed + "; client " + state(client) + ", server " + state(server) + "; " + link.tally());
            link.advanceMillis(1);
        }
    }

    private static String state(StreamConnection c) {
        return c == null ? "none" : c.state();
    }

    private void establish() throws NetSocketException {
        listener = link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 16, StreamOptions.DEFAULTS);
        client = link.b.stack.connect(clientEndpoint, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80,
                StreamOptions.DEFAULTS);
        until("accepted connection", () -> !acceptor.accepted.isEmpty() && clientEndpoint.connected);
        server = acceptor.accepted.get(0);
        serverEndpoint = acceptor.endpoints.get(0);
        assertEquals("ESTABLISHED", client.state());
    }

    private static void send(StreamConnection c, String text) throws NetSocketException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(b.remaining(), c.write(b));
    }

    /** Reads until {@code text.length()} bytes arrived and checks them. */
    private void receive(StreamConnection c, String text) {
        StringBuilder got = new StringBuilder();
        ByteBuffer into = ByteBuffer.allocate(65536);
        until("data " + text, () -> {
            try {
                into.clear();
                int n = c.read(into);
                if (n > 0) {
                    got.append(new String(into.array(), 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (NetSocketException e) {
                throw new AssertionError(e);
            }
            return got.length() >= text.length();
        });
        assertEquals(text, got.toString());
    }

    /** Waits for the peer's FIN to be read: read returns -1. */
    private void receiveEof(StreamConnection c) {
        ByteBuffer into = ByteBuffer.allocate(16);
        until("EOF", () -> {
            try {
                into.clear();
                int n = c.read(into);
                assertTrue(n <= 0, "data where EOF was expected");
                return n < 0;
            } catch (NetSocketException e) {
                throw new AssertionError(e);
            }
        });
    }

    private void exchange() throws NetSocketException {
        send(client, "hello from B");
        send(server, "hello from A");
        receive(server, "hello from B");
        receive(client, "hello from A");
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 11, 12, 13 })
    void clientClosesFirstServerSeesEofThenCloses(long seed) throws Exception {
        start(seed);
        establish();
        exchange();
        client.close();
        receiveEof(server);
        assertEquals("CLOSE_WAIT", server.state());
        server.close();
        until("server closed", () -> server.state().equals("CLOSED"));
        until("client in TIME-WAIT", () -> client.state().equals("TIME_WAIT"));
        assertNull(clientEndpoint.error);
        assertNull(serverEndpoint.error);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 21, 22, 23 })
    void serverClosesFirstClientSeesEofThenCloses(long seed) throws Exception {
        start(seed);
        establish();
        exchange();
        server.close();
        receiveEof(client);
        assertEquals("CLOSE_WAIT", client.state());
        client.close();
        until("client closed", () -> client.state().equals("CLOSED"));
        until("server in TIME-WAIT", () -> server.state().equals("TIME_WAIT"));
        assertNull(clientEndpoint.error);
        assertNull(serverEndpoint.error);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 31, 32, 33 })
    void simultaneousCloseTakesBothSidesThroughTimeWait(long seed) throws Exception {
        start(seed);
        establish();
        exchange();
        // RFC 9293 Figure 13: both FINs cross
        client.close();
        server.close();
        until("both in TIME-WAIT", () -> client.state().equals("TIME_WAIT") && server.state().equals("TIME_WAIT"));
        assertNull(clientEndpoint.error);
        assertNull(serverEndpoint.error);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 41, 42, 43 })
    void halfClosedSideKeepsReadingWhatThePeerSends(long seed) throws Exception {
        start(seed);
        establish();
        client.shutdownOutput();
        receiveEof(server);
        assertEquals("CLOSE_WAIT", server.state());
        until("client in FIN-WAIT-2", () -> client.state().equals("FIN_WAIT_2"));
        // the server keeps sending after the client's FIN, more than one send buffer
        SimApps.Sender sender = new SimApps.Sender(200_000, seed);
        SimApps.Receiver receiver = new SimApps.Receiver();
        boolean[] closed = { false };
        until("client reads the server's data and EOF", () -> {
            try {
                // close as soon as everything is written, with data still queued: LAST-ACK must send
                // it and the FIN (a stall found by this harness with seeds 41-43, fixed in 17d300e)
                if (!closed[0] && sender.pump(server)) {
                    server.close();
                    closed[0] = true;
                }
                return receiver.pump(client);
            } catch (NetSocketException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(200_000, receiver.read);
        assertEquals(sender.hash(), receiver.hash());
        assertThrows(NetSocketException.class, () -> send(client, "x"), "write after shutdown: EPIPE");
        client.close();
        until("both done", () -> server.state().equals("CLOSED") && client.state().equals("TIME_WAIT"));
        assertNull(clientEndpoint.error);
        assertNull(serverEndpoint.error);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 51, 52, 53 })
    void simultaneousOpenEstablishesOneConnectionBothWays(long seed) throws Exception {
        start(seed);
        SimApps.Endpoint endpointA = new SimApps.Endpoint();
        // RFC 9293 Figure 7: each side's SYN crosses the other's, at the same virtual instant
        server = link.a.stack.connect(endpointA, SimLink.ADDRESS_A, 5000, SimLink.ADDRESS_B, 6000,
                StreamOptions.DEFAULTS);
        client = link.b.stack.connect(clientEndpoint, SimLink.ADDRESS_B, 6000, SimLink.ADDRESS_A, 5000,
                StreamOptions.DEFAULTS);
        serverEndpoint = endpointA;
        until("both established", () -> endpointA.connected && clientEndpoint.connected);
        exchange();
        client.close();
        server.close();
        until("both closed or in TIME-WAIT",
                () -> !client.state().equals("ESTABLISHED") && !server.state().equals("ESTABLISHED")
                        && (client.state().equals("TIME_WAIT") || client.state().equals("CLOSED"))
                        && (server.state().equals("TIME_WAIT") || server.state().equals("CLOSED")));
        assertNull(clientEndpoint.error);
        assertNull(endpointA.error);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 61, 62, 63 })
    void abortInEstablishedReachesThePeerAsConnectionReset(long seed) throws Exception {
        start(seed);
        establish();
        exchange();
        client.abort();
        assertEquals("CLOSED", client.state());
        // a lost RST is not retransmitted (RFC 9293 3.10.7): the peer learns of it when it next sends
        until("server reset", () -> {
            if (link.dropped > 0 && !serverEndpoint.closed) {
                try {
                    send(server, "anyone?");
                } catch (NetSocketException e) {
                    // already reset
                }
            }
            return serverEndpoint.closed;
        });
        assertEquals(SocketError.ECONNRESET, serverEndpoint.error);
        NetSocketException e = assertThrows(NetSocketException.class, () -> server.read(ByteBuffer.allocate(16)));
        assertEquals(SocketError.ECONNRESET, e.error());
        assertEquals("CLOSED", server.state());
    }

    /** Sends until the connection is reset (a lost RST is not retransmitted, RFC 9293 3.10.7: the next segment draws another). */
    private void untilReset(StreamConnection c, SimApps.Endpoint endpoint) {
        until("reset", () -> {
            if (link.dropped > 0 && !endpoint.closed) {
                try {
                    send(c, "anyone?");
                } catch (NetSocketException e) {
                    // already reset
                }
            }
            return endpoint.closed;
        });
        assertEquals(SocketError.ECONNRESET, endpoint.error);
        assertEquals("CLOSED", c.state());
        NetSocketException e = assertThrows(NetSocketException.class, () -> c.read(ByteBuffer.allocate(16)));
        assertEquals(SocketError.ECONNRESET, e.error());
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 71, 72, 73 })
    void abortOfTheAcceptedSideReachesTheClientAsConnectionReset(long seed) throws Exception {
        start(seed);
        establish();
        exchange();
        server.abort();
        assertEquals("CLOSED", server.state());
        untilReset(client, clientEndpoint);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 81, 82, 83 })
    void abortInCloseWaitResetsThePeerInFinWait2(long seed) throws Exception {
        start(seed);
        establish();
        client.shutdownOutput();
        receiveEof(server);
        until("client in FIN-WAIT-2", () -> client.state().equals("FIN_WAIT_2"));
        server.abort();
        // the client has nothing to send in FIN-WAIT-2, so only the RST itself can tell it
        long t0 = link.nowMillis();
        until("the RST's flight", () -> clientEndpoint.closed || link.nowMillis() > t0 + 1_000);
        if (seed == 0) {
            assertTrue(clientEndpoint.closed);
        }
        if (clientEndpoint.closed) {
            assertEquals(SocketError.ECONNRESET, clientEndpoint.error);
            assertEquals("CLOSED", client.state());
        } else {
            // the RST was lost: close() leaves the client in FIN-WAIT-2 (no FIN-WAIT-2 timeout
            // like Linux's tcp_fin_timeout yet; seed 83 shows it), so abort it if still there
            client.close();
            link.advanceMillis(TcpConfig.DEFAULTS.timeWaitNanos() / 1_000_000 * 2);
            if (!client.state().equals("CLOSED")) {
                client.abort();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 91, 92, 93 })
    void abortInFinWait2ResetsThePeerInCloseWait(long seed) throws Exception {
        start(seed);
        establish();
        client.shutdownOutput();
        receiveEof(server);
        until("client in FIN-WAIT-2", () -> client.state().equals("FIN_WAIT_2"));
        client.abort();
        untilReset(server, serverEndpoint);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 101, 102, 103 })
    void closeWithUnreadDataResetsThePeer(long seed) throws Exception {
        start(seed);
        establish();
        send(server, "never read");
        until("data at the client", () -> client.readable() > 0);
        // RFC 9293 3.10.4 (as Linux): closing with unread data sends RST, not FIN
        client.close();
        assertEquals("CLOSED", client.state());
        untilReset(server, serverEndpoint);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 111, 112, 113 })
    void connectingToAPortNobodyListensOnIsRefused(long seed) throws Exception {
        start(seed);
        client = link.b.stack.connect(clientEndpoint, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 81,
                StreamOptions.DEFAULTS);
        until("refusal", () -> clientEndpoint.closed);
        assertEquals(SocketError.ECONNREFUSED, clientEndpoint.error);
        assertEquals("CLOSED", client.state());
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 121, 122, 123 })
    void abortInSynSentLeavesNoHalfOpenConnectionAtTheListener(long seed) throws Exception {
        start(seed);
        listener = link.a.stack.listen(acceptor, Ipv4Address.ANY, 80, 16, StreamOptions.DEFAULTS);
        client = link.b.stack.connect(clientEndpoint, SimLink.ADDRESS_B, 0, SimLink.ADDRESS_A, 80,
                StreamOptions.DEFAULTS);
        assertEquals("SYN_SENT", client.state());
        client.abort();
        assertEquals("CLOSED", client.state());
        // the SYN in flight makes a half-open connection; its SYN-ACK draws a RST (RFC 9293 3.10.7.1)
        // or, when that is lost, the SYN-ACK retransmissions give up
        until("no half-open connection", () -> link.nowMillis() > 2_000 && listener.pending() == 0);
        assertTrue(acceptor.accepted.isEmpty());
    }
}
