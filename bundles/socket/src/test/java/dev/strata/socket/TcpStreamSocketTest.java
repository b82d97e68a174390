package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.transport.StreamOptions;

/** TCP sockets over a fake StreamProtocol: every blocking, non-blocking, selector, async and error path. */
class TcpStreamSocketTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 80);

    private final FakeTcp tcp = new FakeTcp();
    private final SocketRegistry registry = new SocketRegistry(new BufferPool());
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private StreamSocket socket;

    @BeforeEach
    void start() throws Exception {
        registry.bindTcp(tcp);
        socket = service.openStream();
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

    /** Connects (non-blocking, then blocking mode again) and completes the handshake. */
    private FakeTcp.Conn connected() throws Exception {
        socket.configureBlocking(false);
        socket.connect(PEER, 0);
        FakeTcp.Conn c = tcp.last();
        c.establish();
        socket.configureBlocking(true);
        return c;
    }

    /** SO_LINGER above 0 (Linux sk_stream_wait_close): close() waits for the FIN to be acknowledged, at most the linger time. */
    @Test
    void closeWithLingerWaitsUntilTheFinIsAcknowledgedOrTheTimeIsUp() throws Exception {
        FakeTcp.Conn c = connected();
        socket.setOption(StandardSocketOptions.SO_LINGER, 5);
        c.state = "FIN_WAIT_1";
        Future<?> closing = threads.submit(socket::close);
        awaitBlocked(closing);
        assertTrue(c.closed, "FIN sent (close) before waiting");
        c.state = "FIN_WAIT_2"; // the peer acknowledged our FIN
        closing.get(2, TimeUnit.SECONDS);
        assertFalse(c.aborted);

        socket = service.openStream();
        FakeTcp.Conn slow = connected();
        socket.setOption(StandardSocketOptions.SO_LINGER, 1);
        slow.state = "FIN_WAIT_1"; // never acknowledged
        long start = System.nanoTime();
        socket.close();
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 900 && waited < 3000, "waited " + waited + " ms for a 1 s linger");
        assertFalse(slow.aborted, "the linger time ends the wait, not the connection");
    }

    /** Waits until {@code thread} is blocked (WAITING or TIMED_WAITING) in our code. */
    private static void awaitBlocked(Future<?> call) throws InterruptedException {
        Thread.sleep(100);
        assertFalse(call.isDone(), "the call should be waiting");
    }

    // ---- connect --------------------------------------------------------------------------------------

    @Test
    void aBlockingConnectWaitsForTheHandshakeAndPassesTheBindingAndAutomaticBuffers() throws Exception {
        socket.bind(new InetSocketAddress("127.0.0.1", 5555));
        assertEquals(SocketError.EINVAL, errorOf(() -> socket.bind(new InetSocketAddress("127.0.0.1", 5556))));
        Future<?> connect = threads.submit(() -> {
            socket.connect(PEER, 0);
            return null;
        });
        awaitBlocked(connect);
        FakeTcp.Conn c = tcp.last();
        assertEquals(5555, c.localPort, "the bound port goes to connect");
        assertEquals(StreamOptions.AUTOMATIC, c.openedWith.receiveBuffer(), "SO_RCVBUF unset: TCP tunes it");
        assertEquals(StreamOptions.AUTOMATIC, c.openedWith.sendBuffer());
        assertEquals(131_072, socket.getOption(StandardSocketOptions.SO_RCVBUF), "but it reads as Linux's default");
        assertEquals(16_384, socket.getOption(StandardSocketOptions.SO_SNDBUF));
        c.establish();
        connect.get(5, TimeUnit.SECONDS);
        assertTrue(socket.isConnected());
        assertEquals(80, socket.remoteAddress().getPort());
        assertEquals(5555, socket.localAddress().getPort());
        assertEquals(SocketError.EISCONN, errorOf(() -> socket.connect(PEER, 0)));
    }

    @Test
    void aBlockingConnectReportsTheReasonTcpGaveUp() throws Exception {
        for (SocketError reason : List.of(SocketError.ECONNREFUSED, SocketError.ETIMEDOUT, SocketError.EHOSTUNREACH,
                SocketError.ENETUNREACH)) {
            Future<?> connect = threads.submit(() -> {
                socket.connect(PEER, 0);
                return null;
            });
            awaitBlocked(connect);
            tcp.last().end(reason);
            assertEquals(reason, errorOf(() -> connect.get(5, TimeUnit.SECONDS)), "connect after " + reason);
            assertFalse(socket.isConnected());
            assertEquals(SocketError.ENOTCONN, errorOf(() -> socket.read(ByteBuffer.allocate(1))), "told once");
        }
        tcp.connectFailure = new NetSocketException(SocketError.ENETUNREACH, "connect");
        assertEquals(SocketError.ENETUNREACH, errorOf(() -> socket.connect(PEER, 0)), "TCP's own refusal passes through");
    }

    @Test
    void aConnectTimeoutResetsTheAttemptWithEtimedout() throws Exception {
        long start = System.nanoTime();
        assertEquals(SocketError.ETIMEDOUT, errorOf(() -> socket.connect(PEER, 100)));
        assertTrue(System.nanoTime() - start >= 90_000_000L, "waited the timeout");
        assertTrue(tcp.last().aborted, "the half-open attempt is reset");
        assertFalse(socket.isConnected());
        tcp.last().establish(); // too late: ignored
        assertFalse(socket.isConnected());
    }

    @Test
    void aNonBlockingConnectReturnsAtOnceAndIsReadyForConnectWhenDone() throws Exception {
        socket.configureBlocking(false);
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(socket, SocketSelector.CONNECT | SocketSelector.WRITE, false, null);
            socket.connect(PEER, 0);
            assertFalse(socket.isConnected());
            assertEquals(SocketError.EALREADY, errorOf(() -> socket.connect(PEER, 0)));
            assertTrue(selector.select(-1).isEmpty(), "nothing ready while the handshake runs");
            assertEquals(SocketError.EAGAIN, errorOf(() -> socket.read(ByteBuffer.allocate(1))));
            tcp.last().establish();
            List<SocketSelector.Key> ready = selector.select(1000);
            assertEquals(1, ready.size());
            assertTrue(key.isConnectable());
            assertTrue(key.isWritable(), "connected with room to write");
            assertTrue(socket.isConnected());
        }
    }

    @Test
    void aFailedNonBlockingConnectIsReadyEveryWayAndReportedOnceByTheNextCall() throws Exception {
        socket.configureBlocking(false);
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(socket, SocketSelector.CONNECT | SocketSelector.READ | SocketSelector.WRITE,
                    false, null);
            socket.connect(PEER, 0);
            tcp.last().end(SocketError.ECONNREFUSED);
            selector.select(1000);
            assertEquals(SocketSelector.CONNECT | SocketSelector.READ | SocketSelector.WRITE, key.ready());
            assertFalse(socket.isConnected());
            assertEquals(SocketError.ECONNREFUSED, errorOf(() -> socket.connect(PEER, 0)), "as SO_ERROR, once");
            tcp.last().establish(); // a late event of the failed attempt changes nothing
            assertFalse(socket.isConnected());
        }
        socket.configureBlocking(false);
        socket.connect(PEER, 0);
        tcp.last().establish();
        assertTrue(socket.isConnected(), "a new attempt after a failed one");
    }

    @Test
    void callbacksThatComeBeforeConnectReturnsAreNotLost() throws Exception {
        tcp.establishInsideConnect = new byte[] {4, 2};
        socket.connect(PEER, 0);
        assertTrue(socket.isConnected());
        ByteBuffer into = ByteBuffer.allocate(4);
        assertEquals(2, socket.read(into));
        StreamSocket other = service.openStream();
        other.configureBlocking(false);
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(other, SocketSelector.CONNECT | SocketSelector.READ, false, null);
            other.connect(PEER, 0);
            selector.select(1000);
            assertEquals(SocketSelector.CONNECT | SocketSelector.READ, key.ready());
        }
    }

    // ---- read -------------------------------------------------------------------------------------------

    @Test
    void aBlockingReadWaitsForDataAndReturnsMinusOneAtTheEnd() throws Exception {
        FakeTcp.Conn c = connected();
        ByteBuffer into = ByteBuffer.allocate(16);
        Future<Integer> read = threads.submit(() -> socket.read(into));
        awaitBlocked(read);
        c.arrive((byte) 1, (byte) 2, (byte) 3);
        assertEquals(3, read.get(5, TimeUnit.SECONDS));
        Future<Integer> eof = threads.submit(() -> socket.read(into));
        awaitBlocked(eof);
        c.peerFin();
        assertEquals(-1, eof.get(5, TimeUnit.SECONDS));
        assertEquals(-1, socket.read(into), "again");
    }

    @Test
    void aNonBlockingReadThrowsEagainAndSoRcvtimeoExpiresWithEagain() throws Exception {
        connected();
        socket.configureBlocking(false);
        assertEquals(SocketError.EAGAIN, errorOf(() -> socket.read(ByteBuffer.allocate(4))));
        socket.configureBlocking(true);
        socket.setOption(StrataSocketOptions.SO_RCVTIMEO, 100);
        long start = System.nanoTime();
        assertEquals(SocketError.EAGAIN, errorOf(() -> socket.read(ByteBuffer.allocate(4))));
        assertTrue(System.nanoTime() - start >= 90_000_000L);
    }

    @Test
    void aResetIsThrownOnceAfterTheDataThenTheStreamEndsAndWritesAreEpipe() throws Exception {
        FakeTcp.Conn c = connected();
        c.arrive((byte) 7);
        c.end(SocketError.ECONNRESET);
        ByteBuffer into = ByteBuffer.allocate(8);
        assertEquals(1, socket.read(into), "what arrived before the reset");
        assertEquals(SocketError.ECONNRESET, errorOf(() -> socket.read(into)));
        assertEquals(-1, socket.read(into), "then the end, as Linux after sk_err");
        assertEquals(SocketError.EPIPE, errorOf(() -> socket.write(ByteBuffer.allocate(1))));
    }

    @Test
    void anErrorWakesABlockedReaderAndABlockedWriter() throws Exception {
        FakeTcp.Conn c = connected();
        c.room = 0;
        Future<Integer> read = threads.submit(() -> socket.read(ByteBuffer.allocate(4)));
        Future<Integer> write = threads.submit(() -> socket.write(ByteBuffer.allocate(4)));
        awaitBlocked(read);
        awaitBlocked(write);
        c.end(SocketError.ETIMEDOUT);
        Object readOutcome = outcome(read);
        Object writeOutcome = outcome(write);
        // sk_err is told once: one of them learns ETIMEDOUT, the other the end (-1, EPIPE)
        assertTrue((readOutcome == SocketError.ETIMEDOUT) != (writeOutcome == SocketError.ETIMEDOUT),
                "read " + readOutcome + ", write " + writeOutcome);
        assertTrue(List.of(SocketError.ETIMEDOUT, -1).contains(readOutcome), "read " + readOutcome);
        assertTrue(List.of(SocketError.ETIMEDOUT, SocketError.EPIPE).contains(writeOutcome), "write " + writeOutcome);
    }

    /** The call's result, or its error. */
    private static Object outcome(Future<Integer> call) throws Exception {
        try {
            return call.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ((NetSocketException) e.getCause()).error();
        }
    }

    // ---- write ------------------------------------------------------------------------------------------

    @Test
    void aBlockingWriteWaitsForRoomUntilEverythingIsTaken() throws Exception {
        FakeTcp.Conn c = connected();
        c.room = 4;
        byte[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        Future<Integer> write = threads.submit(() -> socket.write(ByteBuffer.wrap(data)));
        awaitBlocked(write);
        c.grow(3);
        awaitBlocked(write);
        c.grow(10);
        assertEquals(10, write.get(5, TimeUnit.SECONDS));
        assertArrayEquals(data, c.sent());
    }

    @Test
    void aNonBlockingWriteTakesWhatFitsThenEagainAndSoSndtimeoExpires() throws Exception {
        FakeTcp.Conn c = connected();
        c.room = 3;
        socket.configureBlocking(false);
        ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
        assertEquals(3, socket.write(data));
        assertEquals(SocketError.EAGAIN, errorOf(() -> socket.write(data)));
        socket.configureBlocking(true);
        socket.setOption(StrataSocketOptions.SO_SNDTIMEO, 100);
        assertEquals(SocketError.EAGAIN, errorOf(() -> socket.write(data)), "nothing taken before SO_SNDTIMEO");
        c.room = 1;
        assertEquals(1, socket.write(data), "a partial write when the timeout ends it");
    }

    @Test
    void shutdownWriteSendsFinAndLaterWritesAreEpipeWhileReadingGoesOn() throws Exception {
        FakeTcp.Conn c = connected();
        socket.shutdown(NetSocket.Shutdown.WRITE);
        assertTrue(c.shutdownOutput);
        assertEquals(SocketError.EPIPE, errorOf(() -> socket.write(ByteBuffer.allocate(1))));
        c.arrive((byte) 9);
        ByteBuffer into = ByteBuffer.allocate(4);
        assertEquals(1, socket.read(into));
        socket.shutdown(NetSocket.Shutdown.READ);
        assertEquals(-1, socket.read(into), "SHUT_RD: the end at once");
        assertEquals(SocketError.ENOTCONN, errorOf(() -> service.openStream().shutdown(NetSocket.Shutdown.BOTH)));
    }

    @Test
    void closeClosesTheConnectionOrResetsItWithLingerZero() throws Exception {
        FakeTcp.Conn c = connected();
        socket.close();
        assertTrue(c.closed);
        assertFalse(c.aborted);
        assertEquals(SocketError.EBADF, errorOf(() -> socket.read(ByteBuffer.allocate(1))));

        socket = service.openStream();
        FakeTcp.Conn d = connected();
        socket.setOption(StandardSocketOptions.SO_LINGER, 0);
        socket.close();
        assertTrue(d.aborted, "SO_LINGER 0: RST");
    }

    @Test
    void closeWakesABlockedReaderWithEbadf() throws Exception {
        connected();
        Future<Integer> read = threads.submit(() -> socket.read(ByteBuffer.allocate(4)));
        awaitBlocked(read);
        socket.close();
        assertEquals(SocketError.EBADF, errorOf(() -> read.get(5, TimeUnit.SECONDS)));
    }

    // ---- async ------------------------------------------------------------------------------------------

    @Test
    void asyncReadsCompleteInOrderOnTheCompletionThread() throws Exception {
        FakeTcp.Conn c = connected();
        ByteBuffer first = ByteBuffer.allocate(2);
        ByteBuffer second = ByteBuffer.allocate(2);
        String[] threadNames = new String[2];
        CompletableFuture<Integer> a = socket.readAsync(first).whenComplete((n, e) -> threadNames[0] = Thread.currentThread().getName())
                .toCompletableFuture();
        CompletableFuture<Integer> b = socket.readAsync(second).whenComplete((n, e) -> threadNames[1] = Thread.currentThread().getName())
                .toCompletableFuture();
        Thread.sleep(50);
        assertFalse(a.isDone());
        c.arrive((byte) 1, (byte) 2, (byte) 3);
        assertEquals(2, a.get(5, TimeUnit.SECONDS));
        assertEquals(1, b.get(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1, 2}, first.array());
        assertEquals(3, second.get(0));
        assertEquals("strata-socket-async", threadNames[0]);
        assertEquals("strata-socket-async", threadNames[1]);
        CompletionStage<Integer> eof = socket.readAsync(ByteBuffer.allocate(2));
        c.peerFin();
        assertEquals(-1, eof.toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void asyncWritesWaitForRoomAndCompleteWithTheirLength() throws Exception {
        FakeTcp.Conn c = connected();
        c.room = 2;
        CompletableFuture<Integer> a = socket.writeAsync(ByteBuffer.wrap(new byte[] {1, 2, 3})).toCompletableFuture();
        CompletableFuture<Integer> b = socket.writeAsync(ByteBuffer.wrap(new byte[] {4})).toCompletableFuture();
        Thread.sleep(50);
        assertFalse(a.isDone());
        c.grow(5);
        assertEquals(3, a.get(5, TimeUnit.SECONDS));
        assertEquals(1, b.get(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, c.sent());
    }

    @Test
    void asyncCallsFailWithTheConnectionsErrorAndWithEbadfOnClose() throws Exception {
        FakeTcp.Conn c = connected();
        CompletionStage<Integer> read = socket.readAsync(ByteBuffer.allocate(2));
        c.end(SocketError.ECONNRESET);
        assertEquals(SocketError.ECONNRESET, errorOf(() -> read.toCompletableFuture().get(5, TimeUnit.SECONDS)));
        socket = service.openStream();
        connected();
        CompletionStage<Integer> pending = socket.readAsync(ByteBuffer.allocate(2));
        socket.close();
        assertEquals(SocketError.EBADF, errorOf(() -> pending.toCompletableFuture().get(5, TimeUnit.SECONDS)));
        assertEquals(SocketError.ENOTCONN, errorOf(() -> service.openStream().readAsync(ByteBuffer.allocate(1))
                .toCompletableFuture().get(5, TimeUnit.SECONDS)));
    }

    // ---- selector ---------------------------------------------------------------------------------------

    @Test
    void selectorReadinessFollowsDataRoomEndAndErrors() throws Exception {
        FakeTcp.Conn c = connected();
        socket.configureBlocking(false);
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(socket, SocketSelector.READ | SocketSelector.WRITE, false, null);
            selector.select(1000);
            assertEquals(SocketSelector.WRITE, key.ready(), "room to write, nothing to read");
            c.room = 0;
            key.interest(SocketSelector.READ | SocketSelector.WRITE);
            assertTrue(selector.select(-1).isEmpty(), "no room, no data");
            c.arrive((byte) 1);
            selector.select(1000);
            assertEquals(SocketSelector.READ, key.ready());
            socket.read(ByteBuffer.allocate(4));
            assertTrue(selector.select(-1).isEmpty(), "drained");
            c.grow(100);
            selector.select(1000);
            assertEquals(SocketSelector.WRITE, key.ready(), "room again");
            key.interest(SocketSelector.READ);
            c.peerFin();
            selector.select(1000);
            assertEquals(SocketSelector.READ, key.ready(), "the end of the stream is readable");
        }
        socket = service.openStream();
        FakeTcp.Conn d = connected();
        try (SocketSelector selector = service.openSelector()) {
            SocketSelector.Key key = selector.register(socket, SocketSelector.READ, true, null);
            selector.select(-1);
            d.end(SocketError.ECONNRESET);
            assertEquals(1, selector.select(1000).size(), "an error is readable");
            assertEquals(SocketSelector.READ, key.ready());
        }
    }

    // ---- options ----------------------------------------------------------------------------------------

    @Test
    void optionsMapToStreamOptionsAndReachAConnectedConnection() throws Exception {
        socket.setOption(StandardSocketOptions.SO_RCVBUF, 65_536);
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        socket.setOption(StrataSocketOptions.TCP_KEEPIDLE, 60);
        socket.setOption(StrataSocketOptions.TCP_KEEPINTVL, 10);
        socket.setOption(StrataSocketOptions.TCP_KEEPCNT, 3);
        socket.setOption(StrataSocketOptions.IP_TTL, 32);
        socket.setOption(StandardSocketOptions.IP_TOS, 0x10);
        socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        socket.setOption(StrataSocketOptions.TCP_CONGESTION, "cubic");
        assertNull(service.openStream().getOption(StrataSocketOptions.TCP_CONGESTION), "unset: the stack's default");
        assertEquals(SocketError.EINVAL, errorOf(() -> socket.setOption(StrataSocketOptions.IP_TTL, 0)));
        assertEquals(SocketError.EINVAL, errorOf(() -> socket.setOption(StrataSocketOptions.TCP_KEEPCNT, 500)));
        FakeTcp.Conn c = connected();
        assertEquals(new StreamOptions(65_536, StreamOptions.AUTOMATIC, true, true, 60, 10, 3, -1, 32, 0x10, true, "cubic"),
                c.openedWith);

        socket.setOption(StandardSocketOptions.TCP_NODELAY, false);
        assertEquals(1, c.optionChanges.size(), "a change on a connected socket goes to the connection");
        assertFalse(c.optionChanges.get(0).noDelay());
        socket.setOption(StandardSocketOptions.SO_SNDBUF, 100);
        assertEquals(4608, socket.getOption(StandardSocketOptions.SO_SNDBUF), "raised to Linux's minimum");
        assertEquals(4608, c.optionChanges.get(1).sendBuffer());
        socket.setOption(StrataSocketOptions.TCP_CONGESTION, "reno");
        assertEquals("reno", c.algorithm, "switched on the open connection");
        assertEquals(SocketError.EINVAL, errorOf(() -> socket.setOption(StrataSocketOptions.TCP_CONGESTION, "bbr")));
        assertEquals("reno", socket.getOption(StrataSocketOptions.TCP_CONGESTION));
        c.algorithm = "cubic"; // switched by the operator (TcpControl), or fallen back when reno's bundle stopped
        assertEquals("cubic", socket.getOption(StrataSocketOptions.TCP_CONGESTION), "what the connection runs now");
        assertEquals(2, c.optionChanges.size(), "TCP_CONGESTION goes through congestionControl(), not options()");
    }

    // ---- netstat --------------------------------------------------------------------------------------

    @Test
    void aConnectedSocketsRowShowsTheConnectionsStateAndQueues() throws Exception {
        FakeTcp.Conn c = connected();
        c.arrive(new byte[100]);
        c.unacknowledged = 42;
        c.state = "CLOSE_WAIT";
        var row = service.sockets().get(0);
        assertEquals("CLOSE_WAIT", row.state());
        assertEquals(100, row.receiveQueue());
        assertEquals(42, row.sendQueue());
        assertEquals(80, row.remotePort());
        assertEquals(c.localPort, row.localPort());
        assertEquals("dev.strata.test", row.owner());
    }

    @Test
    void connectionsNoSocketHoldsAreShownWithoutAnOwner() throws Exception {
        FakeTcp.Conn c = connected();
        tcp.extraRows.add(new dev.strata.api.socket.SocketInfo("tcp", FakeTcp.LOCALHOST, c.localPort, FakeTcp.LOCALHOST, 80,
                "ESTABLISHED", 0, 0, ""));
        tcp.extraRows.add(new dev.strata.api.socket.SocketInfo("tcp", FakeTcp.LOCALHOST, 33_000, FakeTcp.LOCALHOST, 80,
                "TIME_WAIT", 0, 0, ""));
        var rows = service.sockets();
        assertEquals(2, rows.size(), "the held connection once, the TIME_WAIT added: " + rows);
        assertEquals("dev.strata.test", rows.stream().filter(r -> r.localPort() == c.localPort).findFirst().get().owner());
        assertEquals("-", rows.stream().filter(r -> r.localPort() == 33_000).findFirst().get().owner());
    }

    // ---- TCP leaves -----------------------------------------------------------------------------------

    /** SPEC section 4: an update of TCP hands the connection to its successor; the blocked read goes on there. */
    @Test
    void whenTcpIsUpdatedABlockedReadGoesOnOnTheSuccessorsConnection() throws Exception {
        FakeTcp.Conn old = connected();
        Future<Integer> read = threads.submit(() -> socket.read(ByteBuffer.allocate(4)));
        awaitBlocked(read);
        registry.unbindTcp(tcp);
        tcp.gone = true;
        // the leaving TCP deposits the connection with the socket layer, its successor withdraws it
        registry.deposit("tcp", java.util.List.of(new dev.strata.api.transport.StreamHandover.Deposit(new byte[] {1}, old.endpoint)));
        FakeTcp successorTcp = new FakeTcp();
        registry.bindTcp(successorTcp);
        var deposits = registry.withdraw("tcp");
        assertEquals(1, deposits.size());
        FakeTcp.Conn successor = successorTcp.adopted(deposits.get(0).endpoint(), old);
        deposits.get(0).endpoint().handedOver(successor);
        successor.arrive((byte) 7, (byte) 8);
        assertEquals(2, read.get(5, TimeUnit.SECONDS), "the read completes with the successor's bytes");
        socket.write(ByteBuffer.wrap(new byte[] {9}));
        assertArrayEquals(new byte[] {9}, successor.sent(), "writes go to the successor");
        assertEquals(0, tcp.callsWhileGone, "the transport that left is not called");
        assertEquals(1L, registry.counters().get("HandedOver"));
        assertEquals(0L, registry.counters().get("HandoverExpired"));
        assertTrue(registry.withdraw("tcp").isEmpty(), "a deposit is taken once");
    }

    @Test
    void whenTcpLeavesForGoodABlockedReadFailsWithEconnresetAfterTheGraceAndNothingCallsTheOldTcp() throws Exception {
        registry.handoverGraceMillis(100);
        connected();
        Future<Integer> read = threads.submit(() -> socket.read(ByteBuffer.allocate(4)));
        awaitBlocked(read);
        registry.unbindTcp(tcp);
        tcp.gone = true;
        Thread.sleep(50);
        assertFalse(read.isDone(), "the read waits for a successor during the grace period");
        assertEquals(SocketError.ECONNRESET, errorOf(() -> read.get(5, TimeUnit.SECONDS)));
        assertEquals(-1, socket.read(ByteBuffer.allocate(4)), "then the end");
        assertEquals(SocketError.EPIPE, errorOf(() -> socket.write(ByteBuffer.allocate(1))));
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.close();
        assertEquals(0, tcp.callsWhileGone, "a transport that left is not called");
        assertEquals(1L, registry.counters().get("HandoverExpired"));
        StreamSocket fresh = service.openStream();
        assertEquals(SocketError.EPROTONOSUPPORT, errorOf(() -> fresh.connect(PEER, 0)));
    }
}
