package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.transport.DatagramEndpoint;

class UdpSocketTest {

    private final BufferPool pool = new BufferPool();
    private final FakeUdp udp = new FakeUdp();
    private final SocketRegistry registry = new SocketRegistry(pool);
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");
    private final List<NetSocket> opened = new ArrayList<>();

    @BeforeEach
    void start() {
        registry.bindUdp(udp);
    }

    @AfterEach
    void closeAndCheckForLeaks() {
        opened.forEach(NetSocket::close);
        registry.deactivate();
        assertEquals(0, pool.outstanding(), "leaked buffers");
    }

    private DatagramSocket open() throws NetSocketException {
        DatagramSocket socket = service.openDatagram();
        opened.add(socket);
        return socket;
    }

    private DatagramSocket bound(int port) throws NetSocketException {
        DatagramSocket socket = open();
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return socket;
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBlockingRoundTripCarriesTheBytesAndTheSender() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);

        ByteBuffer data = text("hello strata");
        assertEquals(12, a.send(data, new InetSocketAddress("127.0.0.1", 6000)));
        assertFalse(data.hasRemaining(), "send consumes the buffer");

        ByteBuffer into = ByteBuffer.allocate(100);
        InetSocketAddress from = b.receive(into);
        assertEquals(new InetSocketAddress("127.0.0.1", 5000), from);
        assertEquals("hello strata", new String(into.array(), 0, into.position(), StandardCharsets.US_ASCII));
    }

    @Test
    void aDatagramLargerThanTheBufferIsTruncatedAndItsLengthReported() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        a.send(text("0123456789"), 0x7f00_0001, 6000);
        ByteBuffer small = ByteBuffer.allocate(4);
        SocketEndpoint from = new SocketEndpoint();
        assertEquals(10, b.receive(small, from));
        assertEquals("0123", new String(small.array(), StandardCharsets.US_ASCII));
        assertEquals(5000, from.port());
        assertEquals(0, b.receiveQueueBytes(), "the rest is discarded, as recvfrom(2) does");
    }

    @Test
    void aReceiveTimeoutGivesEagain() throws Exception {
        DatagramSocket b = bound(6000);
        b.setOption(StrataSocketOptions.SO_RCVTIMEO, 50);
        long start = System.nanoTime();
        NetSocketException timeout = assertThrows(NetSocketException.class, () -> b.receive(ByteBuffer.allocate(10)));
        assertEquals(SocketError.EAGAIN, timeout.error());
        assertEquals("recvfrom: Resource temporarily unavailable", timeout.getMessage(), "as Linux's perror says it");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45));
    }

    @Test
    void aNonBlockingReceiveWithNothingQueuedGivesEagainAtOnce() throws Exception {
        DatagramSocket b = bound(6000);
        b.configureBlocking(false);
        assertEquals(SocketError.EAGAIN, assertThrows(NetSocketException.class, () -> b.receive(ByteBuffer.allocate(10))).error());
    }

    @Test
    void closeWakesABlockedReceiverWithEbadf() throws Exception {
        DatagramSocket b = bound(6000);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = new Thread(() -> {
            try {
                b.receive(ByteBuffer.allocate(10));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        receiver.start();
        Thread.sleep(50);
        b.close();
        receiver.join(2000);
        assertFalse(receiver.isAlive(), "the receiver still waits");
        assertEquals(SocketError.EBADF, ((NetSocketException) failure.get()).error());
    }

    @Test
    void aFullReceiveBufferDropsAndSaysSo() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        b.setOption(StandardSocketOptions.SO_RCVBUF, 250);
        for (int i = 0; i < 5; i++) {
            a.send(ByteBuffer.allocate(100), 0x7f00_0001, 6000);
        }
        assertEquals(3, udp.dropped, "two datagrams of 100 bytes fit in 250");
        assertEquals(200, b.receiveQueueBytes());
        assertEquals(3, ((UdpSocket) b).drops());
        assertEquals(3, registry.get(SocketStatistic.RCVBUF_ERRORS));
        assertEquals(3L, registry.counters().get("RcvbufErrors"));

        PacketBuffer one = pool.allocate(60);
        one.append(60); // 200 + 60 > 250
        assertFalse(((DatagramEndpoint) b).deliver(one, FakeUdp.LOCALHOST, 5000, FakeUdp.LOCALHOST),
                "deliver says false, so that UDP counts RcvbufErrors; the buffer was released (checked after the test)");
        b.receive(ByteBuffer.allocate(100));
        b.receive(ByteBuffer.allocate(100));
        a.send(ByteBuffer.allocate(100), 0x7f00_0001, 6000);
        assertEquals(100, b.receiveQueueBytes(), "room again once read");
    }

    @Test
    void anEmptyQueueTakesOneDatagramLargerThanTheWholeBuffer() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        b.setOption(StandardSocketOptions.SO_RCVBUF, 100);
        a.send(ByteBuffer.allocate(1000), 0x7f00_0001, 6000);
        a.send(ByteBuffer.allocate(1), 0x7f00_0001, 6000);
        assertEquals(1000, b.receiveQueueBytes(), "as Linux, which admits a datagram while the buffer is not yet full");
        assertEquals(1, udp.dropped);
    }

    @Test
    void theLargestUdpPayloadIsSentAndReceivedWhole() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        ByteBuffer big = ByteBuffer.allocate(DatagramSocket.MAX_PAYLOAD);
        for (int i = 0; i < big.capacity(); i++) {
            big.put(i, (byte) (i * 7));
        }
        assertEquals(65507, a.send(big, 0x7f00_0001, 6000));
        ByteBuffer into = ByteBuffer.allocate(70_000);
        assertEquals(65507, b.receive(into, new SocketEndpoint()));
        into.flip();
        big.rewind();
        assertEquals(big, into);
    }

    @Test
    void anErrorStoredByTheProtocolFailsTheNextReceiveOnceAndWakesABlockedOne() throws Exception {
        DatagramSocket a = bound(5000);
        a.connect(new InetSocketAddress("127.0.0.1", 7777));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = new Thread(() -> {
            try {
                a.receive(ByteBuffer.allocate(10));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        receiver.start();
        Thread.sleep(50);
        ((DatagramEndpoint) a).error(SocketError.ECONNREFUSED, FakeUdp.LOCALHOST);
        receiver.join(2000);
        assertFalse(receiver.isAlive(), "the blocked receive was not woken by the error");
        assertEquals("recvfrom: Connection refused", failure.get().getMessage());

        ((DatagramEndpoint) a).error(SocketError.EHOSTUNREACH, FakeUdp.LOCALHOST);
        a.configureBlocking(false);
        assertEquals(SocketError.EHOSTUNREACH, assertThrows(NetSocketException.class, () -> a.receive(ByteBuffer.allocate(4))).error());
        assertEquals(SocketError.EAGAIN, assertThrows(NetSocketException.class, () -> a.receive(ByteBuffer.allocate(4))).error(),
                "cleared once reported");
        assertEquals(2, registry.get(SocketStatistic.ERRORS_REPORTED));
    }

    @Test
    void connectBindsAnUnboundSocketAndSendGoesToThePeer() throws Exception {
        DatagramSocket b = bound(6000);
        DatagramSocket a = open();
        a.connect(new InetSocketAddress("127.0.0.1", 6000));
        assertTrue(a.localAddress().getPort() >= 49152, "connect(2) binds an ephemeral port");
        assertEquals(new InetSocketAddress("127.0.0.1", 6000), a.remoteAddress());
        a.send(text("to the peer"));
        assertEquals(a.localAddress().getPort(), b.receive(ByteBuffer.allocate(20)).getPort());
        a.disconnect();
        assertNull(a.remoteAddress());
        assertEquals(SocketError.ENOTCONN, assertThrows(NetSocketException.class, () -> a.send(text("x"))).error());
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.connect(new InetSocketAddress("127.0.0.1", 0))).error());
    }

    @Test
    void bindingTwiceIsEinvalAndAClosedSocketAnswersEbadf() throws Exception {
        DatagramSocket a = bound(5000);
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.bind(new InetSocketAddress("127.0.0.1", 5001))).error());
        DatagramSocket other = open();
        assertEquals(SocketError.EADDRINUSE, assertThrows(NetSocketException.class,
                () -> other.bind(new InetSocketAddress("127.0.0.1", 5000))).error());
        a.close();
        a.close(); // idempotent
        assertFalse(a.isOpen());
        assertNull(udp.bound[5000], "the port is released");
        assertEquals("sendto: Bad file descriptor", assertThrows(NetSocketException.class,
                () -> a.send(text("x"), 0x7f00_0001, 6000)).getMessage());
        assertEquals(SocketError.EBADF, assertThrows(NetSocketException.class, () -> a.receive(ByteBuffer.allocate(4))).error());
        assertEquals(SocketError.EBADF, assertThrows(NetSocketException.class,
                () -> a.getOption(StandardSocketOptions.SO_RCVBUF)).error());
        assertEquals(SocketError.EBADF, assertThrows(ExecutionException.class,
                () -> a.receiveAsync(ByteBuffer.allocate(4)).toCompletableFuture().get(2, TimeUnit.SECONDS))
                .getCause() instanceof NetSocketException e ? e.error() : null);
    }

    @Test
    void optionsHaveLinuxDefaultsAndRefuseNonsense() throws Exception {
        DatagramSocket a = open();
        assertEquals(212_992, a.getOption(StandardSocketOptions.SO_RCVBUF), "net.core.rmem_default");
        assertEquals(false, a.getOption(StandardSocketOptions.SO_BROADCAST));
        assertEquals(false, a.getOption(StandardSocketOptions.SO_REUSEADDR));
        assertEquals(64, a.getOption(StrataSocketOptions.IP_TTL));
        assertEquals(0, a.getOption(StrataSocketOptions.SO_RCVTIMEO));
        a.setOption(StandardSocketOptions.IP_TOS, 0x10);
        assertEquals(0x10, a.getOption(StandardSocketOptions.IP_TOS));
        a.setOption(StrataSocketOptions.SO_RCVTIMEO, 250);
        assertEquals(250, a.getOption(StrataSocketOptions.SO_RCVTIMEO));
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.setOption(StandardSocketOptions.TCP_NODELAY, true)).error());
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.setOption(StandardSocketOptions.SO_RCVBUF, 0)).error());
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.setOption(StrataSocketOptions.SO_RCVTIMEO, -1)).error());
        assertTrue(a.isBlocking());
        assertEquals("udp", a.protocol());
    }

    @Test
    void anAsynchronousReceiveTakesAQueuedDatagramAndAnErrorFailsAPendingOne() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        a.send(text("queued"), 0x7f00_0001, 6000);
        ByteBuffer into = ByteBuffer.allocate(10);
        assertEquals(5000, b.receiveAsync(into).toCompletableFuture().get(2, TimeUnit.SECONDS).getPort());
        assertEquals(6, into.position());

        CompletionStage<InetSocketAddress> pending = b.receiveAsync(ByteBuffer.allocate(10));
        ((DatagramEndpoint) b).error(SocketError.ECONNREFUSED, FakeUdp.LOCALHOST);
        ExecutionException refused = assertThrows(ExecutionException.class, () -> pending.toCompletableFuture().get(2, TimeUnit.SECONDS));
        assertEquals(SocketError.ECONNREFUSED, ((NetSocketException) refused.getCause()).error());
    }

    @Test
    void callbacksOfAsynchronousReceivesRunOffTheDeliveringThread() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        CompletionStage<Void> done = b.receiveAsync(ByteBuffer.allocate(10))
                .thenAccept(from -> callbackThread.set(Thread.currentThread().getName()));
        a.send(text("x"), 0x7f00_0001, 6000); // FakeUdp delivers on this thread
        done.toCompletableFuture().get(2, TimeUnit.SECONDS);
        assertEquals("strata-socket-async", callbackThread.get());
    }

    @Test
    void aReceiverBlockedForEveryDatagramAllocatesNothingPerDatagram() throws Exception {
        DatagramSocket b = bound(6000);
        DatagramEndpoint endpoint = (DatagramEndpoint) b;
        int warmUp = 20_000;
        int count = 10_000;
        AtomicReference<Throwable> linkFailure = new AtomicReference<>();
        // A link thread: one datagram at a time, each once the last was read, so that the
        // receiver waits for nearly every one of them.
        Thread link = new Thread(() -> {
            try {
                for (int i = 0; i < warmUp + count; i++) {
                    while (b.receiveQueueBytes() != 0) {
                        Thread.onSpinWait();
                    }
                    PacketBuffer datagram = pool.allocate();
                    int at = datagram.append(32);
                    datagram.putI32(at, i);
                    endpoint.deliver(datagram, FakeUdp.LOCALHOST, 5000, FakeUdp.LOCALHOST);
                }
            } catch (Throwable t) {
                linkFailure.set(t);
            }
        }, "fake-link");
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        SocketEndpoint from = new SocketEndpoint();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        link.start();
        for (int i = 0; i < warmUp; i++) {
            in.clear();
            b.receive(in, from);
        }
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = warmUp; i < warmUp + count; i++) {
            in.clear();
            assertEquals(32, b.receive(in, from));
            if (in.getInt(0) != i) {
                throw new AssertionError("datagram " + in.getInt(0) + " where " + i + " was due");
            }
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        link.join(5000);
        assertNull(linkFailure.get());
        assertTrue(allocated < count, allocated + " bytes allocated by " + count + " blocking receives");
    }

    @Test
    void aConnectedSocketReportsAPortUnreachableOnceOnItsNextCall() throws Exception {
        DatagramSocket a = bound(5000);
        a.connect(new InetSocketAddress("127.0.0.1", 7777));
        a.send(text("anyone?")); // nobody on 7777: FakeUdp reports ECONNREFUSED, as ICMP would

        assertEquals(SocketError.ECONNREFUSED, assertThrows(NetSocketException.class, () -> a.send(text("again"))).error());
        a.configureBlocking(false);
        assertEquals(SocketError.EAGAIN, assertThrows(NetSocketException.class, () -> a.receive(ByteBuffer.allocate(4))).error(),
                "reported once, then cleared");
    }

    @Test
    void sendRefusesWhatTheProtocolCannotCarry() throws Exception {
        DatagramSocket a = bound(5000);
        assertEquals(SocketError.EMSGSIZE, assertThrows(NetSocketException.class,
                () -> a.send(ByteBuffer.allocate(65508), 0x7f00_0001, 6000)).error());
        assertEquals(SocketError.EACCES, assertThrows(NetSocketException.class,
                () -> a.send(ByteBuffer.allocate(1), 0xffff_ffff, 6000)).error());
        a.setOption(StandardSocketOptions.SO_BROADCAST, true);
        a.send(ByteBuffer.allocate(1), 0xffff_ffff, 6000);
        assertEquals(SocketError.ENOTCONN, assertThrows(NetSocketException.class, () -> a.send(ByteBuffer.allocate(1))).error());
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> a.setOption(StrataSocketOptions.IP_TTL, 0)).error());
    }

    @Test
    void aSubnetsDirectedBroadcastAlsoNeedsSoBroadcast() throws Exception {
        int subnetBroadcast = 0xc612_00ff; // 198.18.0.255, which UDP knows as a broadcast
        registry.unbindUdp(udp);
        FakeUdp subnetAware = new FakeUdp() {
            @Override
            public boolean isBroadcast(int destination) {
                return destination == subnetBroadcast || super.isBroadcast(destination);
            }
        };
        registry.bindUdp(subnetAware);
        DatagramSocket a = bound(5000);
        NetSocketException refused = assertThrows(NetSocketException.class,
                () -> a.send(ByteBuffer.allocate(1), subnetBroadcast, 6000));
        assertEquals(SocketError.EACCES, refused.error());
        a.setOption(StandardSocketOptions.SO_BROADCAST, true);
        a.send(ByteBuffer.allocate(1), subnetBroadcast, 6000);
        assertEquals(1, subnetAware.sent);
    }

    @Test
    void sendingFromAnUnboundSocketBindsItToAnEphemeralPort() throws Exception {
        DatagramSocket b = bound(6000);
        DatagramSocket a = open();
        assertNull(a.localAddress());
        a.send(text("hi"), new InetSocketAddress("127.0.0.1", 6000));
        int port = a.localAddress().getPort();
        assertTrue(port >= 49152, "ephemeral port " + port);
        assertEquals(port, b.receive(ByteBuffer.allocate(10)).getPort());
    }

    @Test
    void whileUdpIsGoneOperationsFailAtOnceAndTheSocketComesBackOnItsPort() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        b.setOption(StrataSocketOptions.SO_RCVTIMEO, 100);

        registry.unbindUdp(udp);
        FakeUdp replacement = new FakeUdp();
        NetSocketException gone = assertThrows(NetSocketException.class, () -> a.send(text("x"), 0x7f00_0001, 6000));
        assertEquals(SocketError.EPROTONOSUPPORT, gone.error());
        assertEquals("sendto: Protocol not supported (UDP is not running)", gone.getMessage());
        assertEquals(SocketError.EAGAIN, assertThrows(NetSocketException.class, () -> b.receive(ByteBuffer.allocate(4))).error(),
                "a blocked receive times out rather than hanging");
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class, () -> open().bind(null)).error());

        registry.bindUdp(replacement);
        assertEquals(a, replacement.bound[5000], "re-bound on its old port");
        a.send(text("back"), 0x7f00_0001, 6000);
        ByteBuffer into = ByteBuffer.allocate(10);
        assertEquals(5000, b.receive(into).getPort());
        assertEquals("back", new String(into.array(), 0, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void asynchronousReceivesCompleteInTheOrderTheyWereAsked() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        ByteBuffer first = ByteBuffer.allocate(10);
        ByteBuffer second = ByteBuffer.allocate(10);
        CompletionStage<InetSocketAddress> one = b.receiveAsync(first);
        CompletionStage<InetSocketAddress> two = b.receiveAsync(second);
        a.send(text("one"), 0x7f00_0001, 6000);
        a.send(text("two"), 0x7f00_0001, 6000);
        assertEquals(5000, one.toCompletableFuture().get(2, TimeUnit.SECONDS).getPort());
        two.toCompletableFuture().get(2, TimeUnit.SECONDS);
        assertEquals("one", new String(first.array(), 0, first.position(), StandardCharsets.US_ASCII));
        assertEquals("two", new String(second.array(), 0, second.position(), StandardCharsets.US_ASCII));

        CompletionStage<InetSocketAddress> pending = b.receiveAsync(ByteBuffer.allocate(10));
        b.close();
        ExecutionException closed = assertThrows(ExecutionException.class, () -> pending.toCompletableFuture().get(2, TimeUnit.SECONDS));
        assertEquals(SocketError.EBADF, ((NetSocketException) closed.getCause()).error());
    }

    @Test
    void shutdownOfReadingEndsReceivesAndOfWritingRefusesSends() throws Exception {
        DatagramSocket a = bound(5000);
        a.connect(new InetSocketAddress("127.0.0.1", 6000));
        a.shutdown(NetSocket.Shutdown.READ);
        assertEquals(-1, a.receive(ByteBuffer.allocate(4), new SocketEndpoint()));
        assertNull(a.receive(ByteBuffer.allocate(4)), "end of data, no waiting");
        assertNull(a.receiveAsync(ByteBuffer.allocate(4)).toCompletableFuture().get(2, TimeUnit.SECONDS));
        a.shutdown(NetSocket.Shutdown.WRITE);
        assertEquals(SocketError.EPIPE, assertThrows(NetSocketException.class, () -> a.send(text("x"), 0x7f00_0001, 6000)).error());
    }

    @Test
    void shutdownOfAnUnconnectedSocketTakesEffectAndReportsEnotconnAsLinuxDoes() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        b.send(text("queued"), 0x7f00_0001, 5000);
        NetSocketException notConnected = assertThrows(NetSocketException.class, () -> a.shutdown(NetSocket.Shutdown.BOTH));
        assertEquals("shutdown: Transport endpoint is not connected", notConnected.getMessage());
        assertEquals(6, a.receive(ByteBuffer.allocate(10), new SocketEndpoint()), "what was queued can still be read");
        assertEquals(-1, a.receive(ByteBuffer.allocate(10), new SocketEndpoint()), "then end of data");
        assertEquals(SocketError.EPIPE, assertThrows(NetSocketException.class, () -> a.send(text("x"), 0x7f00_0001, 6000)).error());
    }

    @Test
    void netstatRowsNameTheOwnerAndTheOwnersSocketsCloseWithIt() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        b.connect(new InetSocketAddress("127.0.0.1", 5000));
        a.send(text("queued"), 0x7f00_0001, 6000);

        List<SocketInfo> rows = service.sockets();
        assertEquals(List.of(
                new SocketInfo("udp", 0x7f00_0001, 5000, 0, 0, "", 0, 0, "dev.strata.test"),
                new SocketInfo("udp", 0x7f00_0001, 6000, 0x7f00_0001, 5000, "ESTABLISHED", 6, 0, "dev.strata.test")), rows);

        service.deactivate();
        assertFalse(a.isOpen());
        assertFalse(b.isOpen());
        assertTrue(service.sockets().isEmpty());
        assertTrue(udp.nothingBound(), "their ports are released");
    }

    @Test
    void aBusyReceiveLoopAllocatesNothingPerDatagram() throws Exception {
        DatagramSocket a = bound(5000);
        DatagramSocket b = bound(6000);
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        SocketEndpoint from = new SocketEndpoint();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 10_000; i++) {
                out.clear();
                a.send(out, 0x7f00_0001, 6000);
                in.clear();
                b.receive(in, from);
            }
            allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 10,000 sends and receives");
    }

    @Test
    void tcpSocketsSayTcpIsNotRunningUntilItIs() throws Exception {
        var stream = service.openStream();
        opened.add(stream);
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class,
                () -> stream.connect(new InetSocketAddress("127.0.0.1", 80), 0)).error());
        stream.setOption(StandardSocketOptions.TCP_NODELAY, true);
        assertTrue(stream.getOption(StandardSocketOptions.TCP_NODELAY));
        var listening = service.openListening();
        opened.add(listening);
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class, () -> listening.listen(10)).error());
    }
}
