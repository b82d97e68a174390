package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;

/** Listening sockets over a fake StreamProtocol: listen, the accept queue, accept in every style, TCP leaving and returning. */
class TcpListeningSocketTest {

    private final FakeTcp tcp = new FakeTcp();
    private final SocketRegistry registry = new SocketRegistry(new BufferPool());
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ListeningSocket listening;

    @BeforeEach
    void start() throws Exception {
        registry.bindTcp(tcp);
        listening = service.openListening();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        service.deactivate();
        registry.deactivate();
    }

    private static SocketError errorOf(Executable call) {
        Throwable failure = assertThrows(Throwable.class, call);
        Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
        return ((NetSocketException) cause).error();
    }

    private FakeTcp.Lst listener() {
        return tcp.listeners.get(tcp.listeners.size() - 1);
    }

    @Test
    void listenTakesAnEphemeralPortIfUnboundAndReportsEaddrinuse() throws Exception {
        assertEquals(SocketError.EINVAL, errorOf(listening::accept), "accept before listen");
        listening.listen(5);
        int port = listening.localAddress().getPort();
        assertTrue(port > 0);
        assertEquals(5, listener().backlog);
        ListeningSocket other = service.openListening();
        other.bind(new InetSocketAddress("127.0.0.1", port));
        assertEquals(SocketError.EINVAL, errorOf(() -> other.bind(new InetSocketAddress("127.0.0.1", port))), "bound twice");
        assertEquals(SocketError.EADDRINUSE, errorOf(() -> other.listen(5)));
        listening.listen(-1);
        assertEquals(TcpListeningSocket.SOMAXCONN, registry.sockets().get(0).sendQueue(), "negative: somaxconn, as Linux");
    }

    @Test
    void acceptBlocksUntilAConnectionArrivesAndReturnsAConnectedSocketOfTheSameOwner() throws Exception {
        listening.bind(new InetSocketAddress("127.0.0.1", 8080));
        listening.listen(4);
        Future<StreamSocket> accept = threads.submit(listening::accept);
        Thread.sleep(100);
        assertFalse(accept.isDone());
        FakeTcp.Conn c = listener().offer(50_000);
        assertNotNull(c.endpoint, "taken");
        StreamSocket accepted = accept.get(5, TimeUnit.SECONDS);
        assertTrue(accepted.isConnected());
        assertEquals(50_000, accepted.remoteAddress().getPort());
        assertEquals(8080, accepted.localAddress().getPort());
        c.arrive((byte) 5);
        ByteBuffer into = ByteBuffer.allocate(4);
        assertEquals(1, accepted.read(into));
        assertEquals(2, registry.size(), "the accepted socket is registered");
        assertEquals("dev.strata.test", registry.sockets().stream().filter(r -> r.remotePort() == 50_000).findFirst().get().owner());
    }

    @Test
    void aNonBlockingAcceptThrowsEagainAndTheSelectorReportsAccept() throws Exception {
        listening.listen(4);
        listening.configureBlocking(false);
        assertEquals(SocketError.EAGAIN, errorOf(listening::accept));
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(listening, SocketSelector.ACCEPT, false, null);
            assertTrue(selector.select(-1).isEmpty());
            listener().offer(50_001);
            assertEquals(1, selector.select(1000).size());
            assertTrue(key.isAcceptable());
            assertNotNull(listening.accept());
            assertTrue(selector.select(-1).isEmpty(), "the queue is empty again");
        }
        listening.setOption(StrataSocketOptions.SO_RCVTIMEO, 50);
        listening.configureBlocking(true);
        assertEquals(SocketError.EAGAIN, errorOf(listening::accept), "SO_RCVTIMEO bounds a blocking accept");
    }

    @Test
    void asyncAcceptsCompleteInOrderOnTheCompletionThread() throws Exception {
        listening.listen(4);
        String[] thread = new String[1];
        CompletableFuture<StreamSocket> first = listening.acceptAsync()
                .whenComplete((s, e) -> thread[0] = Thread.currentThread().getName()).toCompletableFuture();
        CompletableFuture<StreamSocket> second = listening.acceptAsync().toCompletableFuture();
        listener().offer(50_010);
        listener().offer(50_011);
        assertEquals(50_010, first.get(5, TimeUnit.SECONDS).remoteAddress().getPort());
        assertEquals(50_011, second.get(5, TimeUnit.SECONDS).remoteAddress().getPort());
        assertEquals("strata-socket-async", thread[0]);
        listener().offer(50_012);
        assertEquals(50_012, listening.acceptAsync().toCompletableFuture().get(5, TimeUnit.SECONDS).remoteAddress().getPort(),
                "one already waiting");
        CompletableFuture<StreamSocket> pending = listening.acceptAsync().toCompletableFuture();
        listening.close();
        assertEquals(SocketError.EBADF, errorOf(() -> pending.get(5, TimeUnit.SECONDS)));
    }

    @Test
    void theAcceptQueueHoldsBacklogPlusOneAsLinuxThenRefuses() throws Exception {
        listening.listen(2);
        for (int i = 0; i < 3; i++) {
            assertFalse(listener().acceptor.acceptQueueFull(), "room for connection " + i);
            assertNotNull(listener().offer(51_000 + i).endpoint, "connection " + i);
        }
        assertTrue(listener().acceptor.acceptQueueFull(), "full: TCP drops the completing ACK (Linux) and retries later");
        assertNull(listener().offer(51_003).endpoint, "beyond the backlog: refused, TCP resets it");
        assertEquals(1L, registry.counters().get("ListenOverflows"));
        SocketInfo row = registry.sockets().stream().filter(r -> r.state().equals("LISTEN")).findFirst().get();
        assertEquals(3, row.receiveQueue(), "Recv-Q: connections waiting");
        assertEquals(2, row.sendQueue(), "Send-Q: the backlog");
        List<SocketInfo> waiting = registry.sockets().stream().filter(r -> r.remotePort() >= 51_000).toList();
        assertEquals(3, waiting.size(), "queued connections are shown");
        assertTrue(waiting.stream().allMatch(r -> r.owner().equals("-") && r.state().equals("ESTABLISHED")), waiting.toString());
        listening.accept();
        assertFalse(listener().acceptor.acceptQueueFull(), "room again");
        assertNotNull(listener().offer(51_004).endpoint, "room again");
    }

    @Test
    void closeResetsWhatWaitsInTheQueueAndStopsListening() throws Exception {
        listening.listen(4);
        FakeTcp.Conn waiting = listener().offer(52_000);
        Future<StreamSocket> blocked = null;
        ListeningSocket other = service.openListening();
        other.listen(1);
        blocked = threads.submit(other::accept);
        Thread.sleep(100);
        listening.close();
        other.close();
        assertTrue(waiting.aborted, "reset as Linux does a listener's queue on close");
        assertTrue(tcp.listeners.get(0).closed);
        assertEquals(SocketError.EBADF, errorOf(blocked::get));
        assertEquals(0, registry.size());
    }

    @Test
    void whenTcpReturnsTheListenerListensAgainOnItsPort() throws Exception {
        listening.bind(new InetSocketAddress("127.0.0.1", 8443));
        listening.listen(3);
        FakeTcp.Conn queued = listener().offer(53_000);
        registry.unbindTcp(tcp);
        tcp.gone = true;
        listening.configureBlocking(false);
        assertEquals(SocketError.EAGAIN, errorOf(listening::accept), "the queue went with TCP; the socket still listens");
        assertFalse(queued.aborted, "nothing calls the TCP that left");

        FakeTcp next = new FakeTcp();
        registry.bindTcp(next);
        assertEquals(1, next.listeners.size(), "listening again");
        FakeTcp.Lst again = next.listeners.get(0);
        assertEquals(8443, again.port);
        assertEquals(3, again.backlog);
        assertEquals(1L, registry.counters().get("Rebound"));
        again.offer(53_001);
        assertEquals(53_001, listening.accept().remoteAddress().getPort());
        assertEquals(0, tcp.callsWhileGone);
        listening.close();
        assertTrue(again.closed);
    }

    @Test
    void aPortTakenWhileTcpWasAwayIsReportedOnceThenListeningIsTriedAgain() throws Exception {
        listening.bind(new InetSocketAddress("127.0.0.1", 8444));
        listening.listen(3);
        registry.unbindTcp(tcp);
        FakeTcp next = new FakeTcp();
        next.listen((c) -> null, 0, 8444, 1, null); // someone else got the port first
        registry.bindTcp(next);
        assertEquals(1L, registry.counters().get("RebindFailed"));
        listening.configureBlocking(false);
        try (SocketSelector selector = service.openSelector()) {
            selector.register(listening, SocketSelector.ACCEPT, false, null);
            assertEquals(1, selector.select(1000).size(), "the error makes the socket ready");
        }
        assertEquals(SocketError.EADDRINUSE, errorOf(listening::accept));
        next.listeners.get(0).close();
        assertEquals(SocketError.EAGAIN, errorOf(listening::accept), "listening again worked");
        assertEquals(2, next.listeners.size());
        assertEquals(8444, next.listeners.get(1).port);
    }

    @Test
    void withoutTcpListenAndAcceptSayTcpIsNotRunning() throws Exception {
        registry.unbindTcp(tcp);
        ListeningSocket fresh = service.openListening();
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(() -> fresh.listen(1)));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(fresh::accept));
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(() -> fresh.bind(null)));
    }
}
