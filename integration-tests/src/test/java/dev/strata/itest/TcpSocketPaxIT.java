package dev.strata.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.junit.After;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.transport.DatagramProtocol;
import dev.strata.api.transport.StreamProtocol;
import dev.strata.itest.support.TrackedServices;

/**
 * TCP sockets over the real TCP bundle inside Felix, through the {@link SocketService}, over the
 * stack's loopback link 127.0.0.1 (issue 4): bulk transfer both ways through the blocking
 * streams, 100 connections echoed by one selector thread, a refused connect, half-close,
 * netstat rows, and the TCP bundle stopped and started under open sockets. One framework serves
 * the class; the methods run in name order (the bundle restart last).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class TcpSocketPaxIT {

    private static final int LOCALHOST = 0x7f000001;
    private static final long WAIT_MS = 10_000;
    private static final int BULK = 10 * 1024 * 1024;
    private static final int CONNECTIONS = 100;
    private static final int ECHO_BYTES = 16 * 1024;

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private final List<NetSocket> closeAtEnd = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Configuration
    public Option[] configuration() {
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    /** 10 MB each way at once through the blocking streams of one connection; SHA-256 equal on both ends. */
    @Test
    public void a_tenMegabytesEachWayThroughTheBlockingStreamsArriveIntact() throws Exception {
        SocketService sockets = await(SocketService.class);
        ListeningSocket listening = listen(sockets, 16);
        int port = listening.localAddress().getPort();
        StreamSocket client = open(sockets);
        Future<StreamSocket> accepted = threads.submit(listening::accept);
        client.connect(new InetSocketAddress(loopback(), port), 5000);
        assertTrue("connected", client.isConnected());
        StreamSocket server = accepted.get(WAIT_MS, TimeUnit.MILLISECONDS);
        closeAtEnd.add(server);
        assertTrue("accepted socket is connected", server.isConnected());
        assertEquals("client's peer", port, client.remoteAddress().getPort());
        assertEquals("server's peer", client.localAddress().getPort(), server.remoteAddress().getPort());

        long start = System.nanoTime();
        Future<byte[]> clientSent = threads.submit(() -> send(client.outputStream(), 1));
        Future<byte[]> serverSent = threads.submit(() -> send(server.outputStream(), 2));
        Future<byte[]> serverReceived = threads.submit(() -> receive(server.inputStream()));
        Future<byte[]> clientReceived = threads.submit(() -> receive(client.inputStream()));
        byte[] c2s = clientSent.get(120, TimeUnit.SECONDS);
        byte[] s2c = serverSent.get(120, TimeUnit.SECONDS);
        assertArrayEquals("SHA-256 client -> server", c2s, serverReceived.get(120, TimeUnit.SECONDS));
        assertArrayEquals("SHA-256 server -> client", s2c, clientReceived.get(120, TimeUnit.SECONDS));
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        System.out.printf(Locale.ROOT, "TcpSocketPaxIT: 10 MB each way through the blocking streams in %d ms (%.1f MB/s each way)%n",
                millis, BULK / 1048.576 / millis);
        client.close();
        server.close();
    }

    /** Writes {@link #BULK} seeded random bytes in chunks of varying size, then shuts writing (FIN); returns their SHA-256. */
    private static byte[] send(OutputStream out, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[65_536];
        int sent = 0;
        while (sent < BULK) {
            int length = Math.min(BULK - sent, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, length);
            sha.update(chunk, 0, length);
            sent += length;
        }
        out.close(); // shutdown(SHUT_WR)
        return sha.digest();
    }

    /** Reads to the end of the stream; returns the SHA-256 of what came, checking the count. */
    private static byte[] receive(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[32_768];
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            sha.update(buffer, 0, n);
            total += n;
        }
        assertEquals("bytes received", BULK, total);
        return sha.digest();
    }

    /** A SYN to a port nobody listens on is answered with RST: ECONNREFUSED, at once. */
    @Test
    public void b_connectToAPortNobodyListensOnIsRefused() throws Exception {
        SocketService sockets = await(SocketService.class);
        StreamSocket client = open(sockets);
        long start = System.nanoTime();
        try {
            client.connect(new InetSocketAddress(loopback(), 1), 5000);
            fail("connected to a port nobody listens on");
        } catch (NetSocketException expected) {
            assertEquals("connect: " + expected.getMessage(), SocketError.ECONNREFUSED, expected.error());
        }
        assertTrue("refused after " + (System.nanoTime() - start) / 1_000_000 + " ms", System.nanoTime() - start < 3_000_000_000L);
        assertFalse(client.isConnected());
    }

    /** Client shuts down writing: the server reads the data then -1, still writes, the client reads it then -1. */
    @Test
    public void c_halfCloseLetsTheServerAnswerAfterTheClientsFin() throws Exception {
        Connection pair = connectedPair(await(SocketService.class), 5000);
        StreamSocket client = pair.client();
        StreamSocket server = pair.server();

        client.write(ByteBuffer.wrap("question".getBytes(StandardCharsets.US_ASCII)));
        client.shutdown(NetSocket.Shutdown.WRITE);
        assertEquals("question", readAll(server));
        ByteBuffer after = ByteBuffer.allocate(16);
        assertEquals("the server reads the end of the stream again", -1, server.read(after));

        server.write(ByteBuffer.wrap("answer after FIN".getBytes(StandardCharsets.US_ASCII)));
        server.close();
        assertEquals("answer after FIN", readAll(client));
        try {
            client.write(ByteBuffer.wrap(new byte[] {1}));
            fail("a write after shutdown(SHUT_WR)");
        } catch (NetSocketException expected) {
            assertEquals(SocketError.EPIPE, expected.error());
        }
        client.close();
    }

    /**
     * SPEC section 4: stopping the UDP bundle removes UDP and nothing else: an open TCP
     * connection carries bytes both ways while UDP is stopped and after it starts again.
     */
    @Test
    public void g_stoppingUdpLeavesTcpConnectionsUntouched() throws Exception {
        SocketService sockets = await(SocketService.class);
        Connection pair = connectedPair(sockets, 5000);
        StreamSocket client = pair.client();
        StreamSocket server = pair.server();
        Bundle udp = installedBundle("dev.strata.udp");
        try {
            exchange(client, server, "before");
            udp.stop();
            assertEquals(Bundle.RESOLVED, udp.getState());
            exchange(client, server, "while UDP is stopped");
            udp.start();
            exchange(client, server, "after UDP started again");
            assertEquals("ESTABLISHED", sockets.sockets().stream()
                    .filter(row -> row.protocol().equals("tcp") && row.localPort() == client.localAddress().getPort())
                    .findFirst().orElseThrow().state());
        } finally {
            if (udp.getState() != Bundle.ACTIVE) {
                udp.start();
            }
        }
    }

    /** Sends {@code text} each way and reads it back exactly. */
    private static void exchange(StreamSocket client, StreamSocket server, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.write(ByteBuffer.wrap(bytes));
        assertEquals("client -> server " + text, text, readExactly(server, bytes.length));
        server.write(ByteBuffer.wrap(bytes));
        assertEquals("server -> client " + text, text, readExactly(client, bytes.length));
    }

    private static String readExactly(StreamSocket socket, int length) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(length);
        while (in.hasRemaining()) {
            if (socket.read(in) < 0) {
                fail("end of stream after " + in.position() + " of " + length + " bytes");
            }
        }
        return new String(in.array(), StandardCharsets.US_ASCII);
    }

    /** Reads until -1 and returns the text. */
    private static String readAll(StreamSocket socket) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (socket.read(in) >= 0) {
            if (!in.hasRemaining()) {
                fail("too much data");
            }
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
    }

    /** netstat: the LISTEN row with its port and backlog, and both ends of the connection ESTABLISHED with the right ports. */
    @Test
    public void d_socketsShowsTheEstablishedPairAndTheListener() throws Exception {
        SocketService sockets = await(SocketService.class);
        ListeningSocket listening = listen(sockets, 8);
        int port = listening.localAddress().getPort();
        StreamSocket client = open(sockets);
        client.connect(new InetSocketAddress(loopback(), port), 5000);
        StreamSocket server = listening.accept();
        closeAtEnd.add(server);
        int clientPort = client.localAddress().getPort();
        List<SocketInfo> rows = sockets.sockets();
        SocketInfo listen = find(rows, port, 0);
        assertNotNull("no LISTEN row for port " + port + " in " + rows, listen);
        assertEquals("LISTEN", listen.state());
        assertEquals("listener's Send-Q is the backlog", 8, listen.sendQueue());
        assertEquals("listener's Recv-Q: nothing waits", 0, listen.receiveQueue());
        assertEquals(LOCALHOST, listen.localAddress());
        SocketInfo clientRow = find(rows, clientPort, port);
        SocketInfo serverRow = find(rows, port, clientPort);
        assertNotNull("no client row " + clientPort + " -> " + port + " in " + rows, clientRow);
        assertNotNull("no server row " + port + " -> " + clientPort + " in " + rows, serverRow);
        assertEquals("ESTABLISHED", clientRow.state());
        assertEquals("ESTABLISHED", serverRow.state());
        assertEquals(LOCALHOST, clientRow.remoteAddress());
        assertNotEquals("an owner", "-", clientRow.owner());
        assertEquals("tcp", clientRow.protocol());
        System.out.println("TcpSocketPaxIT: netstat rows " + listen + " " + clientRow + " " + serverRow);
        client.close();
        server.close();
    }

    private static SocketInfo find(List<SocketInfo> rows, int localPort, int remotePort) {
        for (SocketInfo row : rows) {
            if (row.protocol().equals("tcp") && row.localPort() == localPort && row.remotePort() == remotePort
                    && (remotePort != 0 || row.state().equals("LISTEN"))) {
                return row;
            }
        }
        return null;
    }

    /**
     * An echo server on one non-blocking selector thread serves 100 concurrent connections,
     * each sending 16 KB from its own blocking client thread and reading it back byte-exact.
     */
    @Test
    public void e_oneSelectorThreadEchoesAHundredConcurrentConnections() throws Exception {
        SocketService sockets = await(SocketService.class);
        ListeningSocket listening = listen(sockets, CONNECTIONS);
        int port = listening.localAddress().getPort();
        listening.configureBlocking(false);
        AtomicReference<Throwable> serverFailure = new AtomicReference<>();
        int[] served = new int[1];
        SocketSelector selector = sockets.openSelector();
        Thread server = new Thread(() -> {
            try {
                serveEcho(selector, listening, served);
            } catch (Throwable t) {
                serverFailure.set(t);
            }
        }, "echo-selector");
        server.start();

        long start = System.nanoTime();
        List<Future<Void>> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int id = i;
            clients.add(threads.submit((Callable<Void>) () -> {
                echoClient(sockets, port, id);
                return null;
            }));
        }
        try {
            for (Future<Void> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (served[0] < CONNECTIONS && serverFailure.get() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            selector.close();
            selector.wakeup();
            server.join(5000);
        }
        if (serverFailure.get() != null) {
            throw new AssertionError("echo server failed: " + serverFailure.get(), serverFailure.get());
        }
        assertEquals("connections the server saw to the end", CONNECTIONS, served[0]);
        System.out.printf(Locale.ROOT, "TcpSocketPaxIT: %d connections x %d bytes echoed by one selector thread in %d ms%n",
                CONNECTIONS, ECHO_BYTES, (System.nanoTime() - start) / 1_000_000);
    }

    private void echoClient(SocketService sockets, int port, int id) throws Exception {
        StreamSocket client = sockets.openStream();
        try {
            client.setOption(StrataSocketOptions.SO_RCVTIMEO, 30_000);
            client.connect(new InetSocketAddress(loopback(), port), 10_000);
            byte[] data = new byte[ECHO_BYTES];
            new Random(id).nextBytes(data);
            ByteBuffer out = ByteBuffer.wrap(data);
            while (out.hasRemaining()) {
                client.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(ECHO_BYTES);
            while (in.hasRemaining()) {
                if (client.read(in) < 0) {
                    fail("connection " + id + ": end of stream after " + in.position() + " bytes");
                }
            }
            assertArrayEquals("echo of connection " + id, data, in.array());
        } finally {
            client.close();
        }
    }

    /** Level-triggered: ACCEPT on the listener, READ (or WRITE while output waits) on each connection. */
    private static void serveEcho(SocketSelector selector, ListeningSocket listening, int[] served) throws Exception {
        selector.register(listening, SocketSelector.ACCEPT, false, null);
        while (served[0] < CONNECTIONS) {
            List<SocketSelector.Key> ready = selector.select(1000);
            if (Thread.currentThread().isInterrupted() || selector.size() == 0) {
                return;
            }
            for (int k = 0; k < ready.size(); k++) {
                SocketSelector.Key key = ready.get(k);
                if (key.isAcceptable()) {
                    while (true) {
                        StreamSocket accepted;
                        try {
                            accepted = listening.accept();
                        } catch (NetSocketException e) {
                            assertEquals("accept: " + e.getMessage(), SocketError.EAGAIN, e.error());
                            break;
                        }
                        accepted.configureBlocking(false);
                        selector.register(accepted, SocketSelector.READ, false, ByteBuffer.allocate(8192));
                    }
                    continue;
                }
                StreamSocket socket = (StreamSocket) key.socket();
                ByteBuffer buffer = (ByteBuffer) key.attachment();
                if (key.interest() == SocketSelector.WRITE) {
                    socket.write(buffer);
                    if (!buffer.hasRemaining()) {
                        buffer.clear();
                        key.interest(SocketSelector.READ);
                    }
                    continue;
                }
                int n;
                try {
                    n = socket.read(buffer);
                } catch (NetSocketException e) {
                    assertEquals("read: " + e.getMessage(), SocketError.EAGAIN, e.error());
                    continue;
                }
                if (n < 0) {
                    socket.close();
                    served[0]++;
                    continue;
                }
                buffer.flip();
                try {
                    socket.write(buffer);
                } catch (NetSocketException e) {
                    assertEquals("write: " + e.getMessage(), SocketError.EAGAIN, e.error());
                }
                if (buffer.hasRemaining()) {
                    key.interest(SocketSelector.WRITE);
                } else {
                    buffer.clear();
                }
            }
        }
    }

    /**
     * The TCP bundle stops under open sockets: a blocked read of a connected socket fails with an
     * error (no hang); the listening socket listens again on its port once the bundle starts.
     */
    @Test
    public void f_stoppingTcpEndsConnectionsAndTheListenerWorksAgainAfterItStarts() throws Exception {
        SocketService sockets = await(SocketService.class);
        ListeningSocket listening = listen(sockets, 4);
        int port = listening.localAddress().getPort();
        StreamSocket client = open(sockets);
        client.connect(new InetSocketAddress(loopback(), port), 5000);
        StreamSocket server = listening.accept();
        closeAtEnd.add(server);
        Future<Object> blockedRead = threads.submit(() -> {
            try {
                return client.read(ByteBuffer.allocate(64));
            } catch (NetSocketException e) {
                return e;
            }
        });
        Thread.sleep(200);
        assertFalse("the read should wait for data", blockedRead.isDone());

        Bundle tcp = installedBundle("dev.strata.tcp");
        ServiceTracker<StreamProtocol, StreamProtocol> protocol = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + StreamProtocol.class.getName() + ")(" + DatagramProtocol.PROPERTY + "=tcp))"), null);
        protocol.open();
        services.hold(protocol);
        try {
            long start = System.nanoTime();
            tcp.stop();
            // the connection waits for a successor (an update) for the handover grace period (5 s)
            Object outcome = blockedRead.get(15, TimeUnit.SECONDS);
            assertTrue("the blocked read returned " + outcome + " instead of failing", outcome instanceof NetSocketException);
            NetSocketException failure = (NetSocketException) outcome;
            System.out.println("TcpSocketPaxIT: TCP stopped: a blocked read failed after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms with " + failure.getMessage());
            assertTrue("sockets closed by the TCP bundle stopping", client.isOpen() && listening.isOpen());
            assertEquals(SocketError.EPROTONOSUPPORT, connectFails(sockets, port));

            tcp.start();
            assertNotNull("StreamProtocol tcp not back", protocol.waitForService(WAIT_MS));
            StreamSocket again = open(sockets);
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                try {
                    again.connect(new InetSocketAddress(loopback(), port), 5000);
                    break;
                } catch (NetSocketException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new AssertionError("the listener did not listen again after TCP started: " + e, e);
                    }
                    Thread.sleep(100);
                }
            }
            listening.setOption(StrataSocketOptions.SO_RCVTIMEO, 5000);
            StreamSocket acceptedAgain = listening.accept();
            closeAtEnd.add(acceptedAgain);
            assertEquals("the listener's port after the restart", port, listening.localAddress().getPort());
            again.write(ByteBuffer.wrap(new byte[] {42}));
            acceptedAgain.setOption(StrataSocketOptions.SO_RCVTIMEO, 5000);
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, acceptedAgain.read(one));
            assertEquals(42, one.get(0));
        } finally {
            if (tcp.getState() != Bundle.ACTIVE) {
                tcp.start();
            }
        }
    }

    /**
     * SPEC section 4: {@code update} of the TCP bundle in the middle of an 8 MB transfer over the
     * loopback. Both ends are handed to the new bundle (each connection's state deposited with the
     * socket layer and adopted by the successor): the reader gets every byte, in order, no socket
     * sees an error, and the connection carries data the other way afterwards.
     */
    @Test
    public void h_anUpdateOfTcpKeepsOpenConnectionsWithEveryByte() throws Exception {
        Connection pair = connectedPair(await(SocketService.class), 20_000);
        StreamSocket client = pair.client();
        StreamSocket server = pair.server();
        byte[] data = new byte[8 << 20];
        new Random(4).nextBytes(data);
        Future<Object> writer = threads.submit(() -> {
            ByteBuffer all = ByteBuffer.wrap(data);
            while (all.hasRemaining()) {
                ByteBuffer part = all.slice();
                part.limit(Math.min(64 * 1024, part.remaining()));
                all.position(all.position() + client.write(part));
            }
            return null;
        });
        Bundle tcp = installedBundle("dev.strata.tcp");
        long bundleId = tcp.getBundleId();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long received = 0;
        long updateMillis = -1;
        boolean writerDoneAtUpdate = false;
        while (received < data.length) {
            int n = server.read(in.clear());
            assertTrue("the stream ended after " + received + " bytes", n > 0);
            digest.update(in.array(), 0, n);
            received += n;
            if (updateMillis < 0 && received > data.length / 3) {
                long start = System.nanoTime();
                // what the reader has not read yet is in TCP's rings and in flight (and, while the
                // writer still writes, in its send buffer): all of it must cross the update
                writerDoneAtUpdate = writer.isDone();
                tcp.update(); // stop, the same jar read again, start: a new class loader, a new TcpLayer
                updateMillis = (System.nanoTime() - start) / 1_000_000;
            }
        }
        writer.get(30, TimeUnit.SECONDS);
        assertArrayEquals("the bytes across the update", MessageDigest.getInstance("SHA-256").digest(data), digest.digest());
        assertEquals("the same bundle, updated", bundleId, installedBundle("dev.strata.tcp").getBundleId());
        server.write(ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer back = ByteBuffer.allocate(16);
        while (back.position() < 5) {
            assertTrue("the reply after the update", client.read(back) > 0);
        }
        assertEquals("after", new String(back.array(), 0, 5, StandardCharsets.US_ASCII));
        System.out.println("TcpSocketPaxIT: TCP updated in " + updateMillis + " ms under an 8 MB transfer (the writer "
                + (writerDoneAtUpdate ? "had written all, the rest in TCP's buffers" : "still writing") + "); every byte arrived");
    }

    private SocketError connectFails(SocketService sockets, int port) throws Exception {
        StreamSocket probe = open(sockets);
        try {
            probe.connect(new InetSocketAddress(loopback(), port), 1000);
            fail("connected with TCP stopped");
            return null;
        } catch (NetSocketException expected) {
            return expected.error();
        }
    }

    /** A client connected to a listener on 127.0.0.1, and the accepted end. */
    private record Connection(StreamSocket client, StreamSocket server) {
    }

    /** A connection over the loopback, both ends reading with SO_RCVTIMEO {@code receiveTimeoutMillis}. */
    private Connection connectedPair(SocketService sockets, int receiveTimeoutMillis) throws Exception {
        ListeningSocket listening = listen(sockets, 4);
        StreamSocket client = open(sockets);
        client.connect(new InetSocketAddress(loopback(), listening.localAddress().getPort()), 5000);
        StreamSocket server = listening.accept();
        closeAtEnd.add(server);
        client.setOption(StrataSocketOptions.SO_RCVTIMEO, receiveTimeoutMillis);
        server.setOption(StrataSocketOptions.SO_RCVTIMEO, receiveTimeoutMillis);
        return new Connection(client, server);
    }

    private ListeningSocket listen(SocketService sockets, int backlog) throws Exception {
        ListeningSocket listening = sockets.openListening();
        closeAtEnd.add(listening);
        listening.bind(new InetSocketAddress(loopback(), 0));
        listening.listen(backlog);
        assertTrue("an ephemeral port", listening.localAddress().getPort() > 0);
        return listening;
    }

    private StreamSocket open(SocketService sockets) throws NetSocketException {
        StreamSocket socket = sockets.openStream();
        closeAtEnd.add(socket);
        return socket;
    }

    private Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        fail("no bundle " + symbolicName + " in " + Arrays.toString(context.getBundles()));
        return null;
    }

    /** The service, held until the test ends. */
    private <T> T await(Class<T> type) throws InterruptedException {
        return services.await(context, type);
    }

    @After
    public void closeSocketsAndTrackers() {
        for (NetSocket socket : closeAtEnd) {
            socket.close();
        }
        closeAtEnd.clear();
        threads.shutdownNow();
        services.close();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
