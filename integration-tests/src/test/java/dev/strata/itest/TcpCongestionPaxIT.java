package dev.strata.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import org.osgi.framework.ServiceReference;

import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.api.tcp.TcpControl;
import dev.strata.itest.support.TrackedServices;

/**
 * Congestion control as swappable bundles inside Felix (issue 4: "an open connection can be
 * switched. Stopping the bundle of an algorithm in use moves its connections to the default,
 * without a stall"), over the stack's loopback link 127.0.0.1:
 * <ul>
 * <li>the algorithms installed (cubic, reno; cubic the default) and what a new connection runs;</li>
 * <li>a connection switched to reno with {@code TCP_CONGESTION} and back to cubic with
 * {@link TcpControl#congestionControl} while a transfer runs: each change visible in
 * {@link TcpControl#connections()}, the bytes intact (SHA-256), no reset;</li>
 * <li>the CUBIC bundle stopped under a transfer on cubic: the connection moves to reno at once,
 * the reader never waits long, {@code tcp cc} lists reno only; started again, cubic is back for
 * new connections, and {@code tcp cc reno} through Gogo sets the default.</li>
 * </ul>
 * The transfers are open-ended: the writer sends until the test, having seen enough bytes arrive
 * before and after each switch, tells it to finish, so every switch happens mid-transfer however
 * fast loopback runs on the machine. One framework serves the class; the methods run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class TcpCongestionPaxIT {

    private static final int LOCALHOST = 0x7f000001;
    private static final long WAIT_MS = 10_000;
    /** Bytes that must arrive in each phase of a transfer: before, between and after the switches. */
    private static final long PHASE_BYTES = 1024 * 1024;
    /** The least time each phase lasts (on a fast machine, many more bytes than PHASE_BYTES cross). */
    private static final long PHASE_MIN_MS = 1000;
    /** How long one phase may take before the transfer counts as stalled. */
    private static final long PHASE_TIMEOUT_MS = 15_000;
    /** The longest a read may wait for data around the CUBIC bundle stopping ("without a stall"). */
    private static final long MAX_GAP_MS = 1000;
    private static final String CUBIC_BUNDLE = "dev.strata.tcp-cc-cubic";
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private final List<NetSocket> closeAtEnd = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Configuration
    public Option[] configuration() {
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    /** cubic and reno are installed, cubic the default; `tcp cc` says so; a new connection runs cubic on both ends. */
    @Test
    public void a_cubicAndRenoAreInstalledCubicIsTheDefaultAndANewConnectionRunsCubic() throws Exception {
        TcpControl control = await(TcpControl.class);
        assertEquals("algorithms installed", Set.of("cubic", "reno"), new HashSet<>(control.congestionControls()));
        assertEquals("the default", "cubic", control.defaultCongestionControl());
        assertEquals("tcp cc", Set.of("cubic (default)", "reno"), new HashSet<>(lines(gogo("net:tcp cc"))));

        Pair pair = connect(await(SocketService.class));
        assertEquals("client's algorithm", "cubic", info(control, pair.client).congestionControl());
        assertEquals("server's algorithm", "cubic", info(control, pair.server).congestionControl());
        assertEquals("ESTABLISHED", info(control, pair.client).state());
    }

    /**
     * While bytes flow client -> server: TCP_CONGESTION=reno on the client socket, then
     * TcpControl.congestionControl(4-tuple, "cubic"); connections() shows each change at once,
     * bytes arrive before and after each switch, the SHA-256 of both ends is equal, no reset.
     */
    @Test
    public void b_switchingARunningTransferToRenoAndBackToCubicKeepsTheBytesIntact() throws Exception {
        TcpControl control = await(TcpControl.class);
        Map<String, Long> countersBefore = tcpCounters();
        Pair pair = connect(await(SocketService.class));
        assertEquals("cubic", info(control, pair.client).congestionControl());
        Transfer transfer = new Transfer(pair, 11);
        long start = System.nanoTime();

        long beforeFirst = transfer.awaitReceived(PHASE_BYTES, "before the switch to reno");
        TcpConnectionInfo onCubic = info(control, pair.client);
        pair.client.setOption(StrataSocketOptions.TCP_CONGESTION, "reno");
        TcpConnectionInfo onReno = info(control, pair.client);
        assertWindowKept("TCP_CONGESTION=reno", onCubic, onReno);
        assertEquals("client after TCP_CONGESTION=reno", "reno", onReno.congestionControl());
        assertEquals("the server's end keeps its own algorithm", "cubic", info(control, pair.server).congestionControl());
        assertEquals("still ESTABLISHED after the switch", "ESTABLISHED", onReno.state());
        assertFalse("the transfer was over before the switch to reno", transfer.finished());
        try {
            pair.client.setOption(StrataSocketOptions.TCP_CONGESTION, "vegas");
            fail("TCP_CONGESTION accepted an algorithm that is not installed");
        } catch (NetSocketException expected) {
            assertEquals(SocketError.EINVAL, expected.error());
        }
        assertEquals("a refused switch changes nothing", "reno", info(control, pair.client).congestionControl());

        long beforeSecond = transfer.awaitReceived(beforeFirst + PHASE_BYTES, "on reno");
        int clientPort = pair.client.localAddress().getPort();
        int serverPort = pair.server.localAddress().getPort();
        assertFalse("no connection of that 4-tuple", control.congestionControl(LOCALHOST, clientPort, LOCALHOST, serverPort + 1, "cubic"));
        assertFalse("no algorithm of that name", control.congestionControl(LOCALHOST, clientPort, LOCALHOST, serverPort, "vegas"));
        TcpConnectionInfo renoBefore = info(control, pair.client);
        assertTrue("TcpControl switch to cubic", control.congestionControl(LOCALHOST, clientPort, LOCALHOST, serverPort, "cubic"));
        TcpConnectionInfo cubicAgain = info(control, pair.client);
        assertEquals("client after TcpControl -> cubic", "cubic", cubicAgain.congestionControl());
        assertEquals("getsockopt(TCP_CONGESTION) after TcpControl -> cubic: what runs, not what was set", "cubic",
                pair.client.getOption(StrataSocketOptions.TCP_CONGESTION));
        assertWindowKept("TcpControl -> cubic", renoBefore, cubicAgain);
        assertFalse("the transfer was over before the switch back to cubic", transfer.finished());

        long afterSecond = transfer.awaitReceived(beforeSecond + PHASE_BYTES, "back on cubic");
        TcpConnectionInfo end = info(control, pair.client);
        assertEquals("cubic", end.congestionControl());
        transfer.finishAndVerify();
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        System.out.printf(Locale.ROOT, "TcpCongestionPaxIT: %d bytes (%d on cubic, %d on reno, %d on cubic again) in %d ms "
                + "(%.1f MB/s); longest wait of a read %d ms; %d segments retransmitted%n", transfer.received.get(), beforeFirst,
                beforeSecond - beforeFirst, transfer.received.get() - beforeSecond, millis, transfer.received.get() / 1048.576 / millis,
                transfer.longestGapNanos.get() / 1_000_000, end.retransmittedSegments());
        assertTrue(afterSecond > beforeSecond);
        assertNoResets(countersBefore);
        pair.close();
    }

    /**
     * The CUBIC bundle stops under a transfer on cubic: both ends move to reno at once, the
     * reader never waits a second, the bytes arrive intact, `tcp cc` lists only reno. Started
     * again: cubic is listed and new connections run it; `tcp cc reno` makes new connections
     * reno; an unknown name fails and changes nothing.
     */
    @Test
    public void c_stoppingTheCubicBundleUnderATransferMovesItToRenoWithoutAStall() throws Exception {
        TcpControl control = await(TcpControl.class);
        SocketService sockets = await(SocketService.class);
        Bundle cubic = installedBundle(CUBIC_BUNDLE);
        Map<String, Long> countersBefore = tcpCounters();
        try {
            Pair pair = connect(sockets);
            assertEquals("cubic", info(control, pair.client).congestionControl());
            assertEquals("cubic", info(control, pair.server).congestionControl());
            Transfer transfer = new Transfer(pair, 12);

            long beforeStop = transfer.awaitReceived(PHASE_BYTES, "on cubic before the bundle stops");
            TcpConnectionInfo onCubic = info(control, pair.client);
            transfer.windowGapNanos.set(0);
            long stopStart = System.nanoTime();
            cubic.stop();
            long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;
            assertEquals(Bundle.RESOLVED, cubic.getState());
            // the factory's unregistration reaches TCP synchronously (dynamic reference): at once
            TcpConnectionInfo fallback = info(control, pair.client);
            assertEquals("client right after the CUBIC bundle stopped", "reno", fallback.congestionControl());
            assertEquals("getsockopt(TCP_CONGESTION) after the fall back", "reno", pair.client.getOption(StrataSocketOptions.TCP_CONGESTION));
            assertWindowKept("CUBIC bundle stopped", onCubic, fallback);
            assertEquals("server right after the CUBIC bundle stopped", "reno", info(control, pair.server).congestionControl());
            assertEquals("ESTABLISHED", fallback.state());
            assertFalse("the transfer was over before the bundle stopped", transfer.finished());
            assertEquals("algorithms with CUBIC stopped", List.of("reno"), control.congestionControls());
            assertEquals("the default with CUBIC stopped", "reno", control.defaultCongestionControl());
            assertEquals("tcp cc with CUBIC stopped", List.of("reno (default)"), lines(gogo("net:tcp cc")));

            long afterStop = transfer.awaitReceived(beforeStop + PHASE_BYTES, "on reno after the CUBIC bundle stopped");
            long retransmitted = info(control, pair.client).retransmittedSegments();
            transfer.finishAndVerify();
            long gapMillis = transfer.windowGapNanos.get() / 1_000_000;
            System.out.printf(Locale.ROOT, "TcpCongestionPaxIT: CUBIC bundle stopped in %d ms after %d bytes, %d bytes after it; "
                    + "longest wait of a read from the stop to the end %d ms (whole transfer %d ms); %d segments retransmitted%n", stopMillis,
                    beforeStop, transfer.received.get() - beforeStop, gapMillis, transfer.longestGapNanos.get() / 1_000_000, retransmitted);
            assertTrue("a read waited " + gapMillis + " ms around the CUBIC bundle stopping", gapMillis < MAX_GAP_MS);
            assertTrue(afterStop > beforeStop);
            assertNoResets(countersBefore);
            pair.close();

            cubic.start();
            assertEquals(Bundle.ACTIVE, cubic.getState());
            awaitInstalled(control, "cubic");
            assertEquals("the configured default is back", "cubic", control.defaultCongestionControl());
            assertEquals("tcp cc with CUBIC started again", Set.of("cubic (default)", "reno"), new HashSet<>(lines(gogo("net:tcp cc"))));
            Pair again = connect(sockets);
            assertEquals("a new connection after CUBIC came back", "cubic", info(control, again.client).congestionControl());
            assertEquals("cubic", info(control, again.server).congestionControl());

            gogo("net:tcp cc reno");
            assertEquals("the default after tcp cc reno", "reno", control.defaultCongestionControl());
            assertEquals("tcp cc after tcp cc reno", Set.of("cubic", "reno (default)"), new HashSet<>(lines(gogo("net:tcp cc"))));
            Pair onReno = connect(sockets);
            assertEquals("a new connection with the default reno", "reno", info(control, onReno.client).congestionControl());
            assertEquals("reno", info(control, onReno.server).congestionControl());
            assertEquals("an open connection keeps its algorithm", "cubic", info(control, again.client).congestionControl());

            try {
                gogo("net:tcp cc vegas");
                fail("tcp cc accepted an algorithm that is not installed");
            } catch (Exception expected) {
                assertTrue("tcp cc vegas: " + expected, String.valueOf(expected.getMessage()).contains("vegas"));
            }
            assertEquals("a refused default changes nothing", "reno", control.defaultCongestionControl());

            gogo("net:tcp cc cubic");
            assertEquals("cubic", control.defaultCongestionControl());
            Pair restored = connect(sockets);
            assertEquals("cubic", info(control, restored.client).congestionControl());
        } finally {
            if (cubic.getState() != Bundle.ACTIVE) {
                cubic.start();
            }
        }
    }

    // ---- the transfer ---------------------------------------------------------------------------

    /** A connected client and server socket. */
    private record Pair(StreamSocket client, StreamSocket server) {
        void close() {
            client.close();
            server.close();
        }
    }

    private Pair connect(SocketService sockets) throws Exception {
        ListeningSocket listening = sockets.openListening();
        closeAtEnd.add(listening);
        listening.bind(new InetSocketAddress(loopback(), 0));
        listening.listen(4);
        StreamSocket client = sockets.openStream();
        closeAtEnd.add(client);
        Future<StreamSocket> accepted = threads.submit(listening::accept);
        client.connect(new InetSocketAddress(loopback(), listening.localAddress().getPort()), 5000);
        StreamSocket server = accepted.get(WAIT_MS, TimeUnit.MILLISECONDS);
        closeAtEnd.add(server);
        listening.close();
        return new Pair(client, server);
    }

    /**
     * Seeded random bytes client -> server, from a writer thread until {@link #finishAndVerify}
     * (then the client shuts writing), read by a reader thread to the end of the stream. Both
     * hash what they move; the reader counts bytes and times the waits between reads.
     */
    private final class Transfer {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        /** The longest wait of a read over the whole transfer. */
        final AtomicLong longestGapNanos = new AtomicLong();
        /** The longest wait of a read ending since the test last set it to 0. */
        final AtomicLong windowGapNanos = new AtomicLong();
        private volatile boolean finish;
        private final Future<byte[]> writer;
        private final Future<byte[]> reader;

        Transfer(Pair pair, long seed) {
            writer = threads.submit(() -> write(pair.client.outputStream(), seed));
            reader = threads.submit(() -> read(pair.server.inputStream()));
        }

        private byte[] write(OutputStream out, long seed) throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Random random = new Random(seed);
            byte[] chunk = new byte[65_536];
            while (!finish) { // a test that fails first ends it by closing the sockets
                int length = 1 + random.nextInt(chunk.length);
                random.nextBytes(chunk);
                out.write(chunk, 0, length);
                sha.update(chunk, 0, length);
                sent.addAndGet(length);
            }
            out.close(); // shutdown(SHUT_WR): the reader sees the end
            return sha.digest();
        }

        private byte[] read(InputStream in) throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[32_768];
            long last = 0;
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                long now = System.nanoTime();
                if (last != 0) {
                    longestGapNanos.accumulateAndGet(now - last, Math::max);
                    windowGapNanos.accumulateAndGet(now - last, Math::max);
                }
                last = now;
                sha.update(buffer, 0, n);
                received.addAndGet(n);
            }
            return sha.digest();
        }

        boolean finished() {
            return writer.isDone() || reader.isDone();
        }

        /**
         * Waits at least {@link #PHASE_MIN_MS} and until {@code bytes} in all arrived; returns the
         * count then. Fails on a stall or a failed side.
         */
        long awaitReceived(long bytes, String phase) throws Exception {
            long start = System.currentTimeMillis();
            long deadline = start + PHASE_TIMEOUT_MS;
            while (received.get() < bytes || System.currentTimeMillis() - start < PHASE_MIN_MS) {
                if (finished()) {
                    rethrow(phase);
                    fail(phase + ": the transfer ended after " + received.get() + " bytes");
                }
                if (System.currentTimeMillis() > deadline) {
                    fail(phase + ": only " + received.get() + " of " + bytes + " bytes arrived in " + PHASE_TIMEOUT_MS
                            + " ms (sent " + sent.get() + ")");
                }
                Thread.sleep(5);
            }
            return received.get();
        }

        private void rethrow(String phase) throws Exception {
            for (Future<byte[]> side : List.of(writer, reader)) {
                if (side.isDone()) {
                    try {
                        side.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new AssertionError(phase + ": " + (side == writer ? "writer" : "reader") + " failed: " + e.getCause(), e.getCause());
                    }
                }
            }
        }

        /** Tells the writer to end, then checks both sides' SHA-256 and byte counts. */
        void finishAndVerify() throws Exception {
            finish = true;
            byte[] written;
            byte[] read;
            try {
                written = writer.get(PHASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                read = reader.get(PHASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the transfer failed: " + e.getCause(), e.getCause());
            }
            assertEquals("bytes received = bytes sent", sent.get(), received.get());
            assertArrayEquals("SHA-256 of what was sent and what arrived", written, read);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The TcpConnectionInfo of the socket's connection (its local end). */
    private static TcpConnectionInfo info(TcpControl control, StreamSocket socket) throws NetSocketException {
        int local = socket.localAddress().getPort();
        int remote = socket.remoteAddress().getPort();
        List<TcpConnectionInfo> all = control.connections();
        for (TcpConnectionInfo info : all) {
            if (info.localAddress() == LOCALHOST && info.localPort() == local && info.remoteAddress() == LOCALHOST
                    && info.remotePort() == remote) {
                return info;
            }
        }
        throw new AssertionError("no connection " + local + " -> " + remote + " in " + all);
    }

    /**
     * A switch hands the algorithm the connection's congestion state as it is ("keeping its
     * window"): no reset to the initial window. Between the two snapshots ACKs may grow cwnd, and
     * a loss could at most halve it (Reno's beta; CUBIC's is 0.7), so the check allows that much.
     */
    private static void assertWindowKept(String what, TcpConnectionInfo before, TcpConnectionInfo after) {
        long initialWindow = 10L * before.sendMss(); // RFC 6928
        System.out.printf(Locale.ROOT, "TcpCongestionPaxIT: %s: cwnd %d -> %d bytes (MSS %d)%n", what, before.congestionWindow(),
                after.congestionWindow(), before.sendMss());
        if (before.congestionWindow() >= 4 * initialWindow) {
            assertTrue(what + ": cwnd " + before.congestionWindow() + " -> " + after.congestionWindow() + " (reset?)",
                    after.congestionWindow() >= before.congestionWindow() / 2);
        }
    }

    private static void awaitInstalled(TcpControl control, String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!control.congestionControls().contains(name)) {
            if (System.currentTimeMillis() > deadline) {
                fail(name + " not installed within " + WAIT_MS + " ms: " + control.congestionControls());
            }
            Thread.sleep(20);
        }
    }

    /** TCP's counters ("Tcp" section of `stats`). */
    private Map<String, Long> tcpCounters() throws Exception {
        for (ServiceReference<StatisticsProvider> reference : context.getServiceReferences(StatisticsProvider.class, null)) {
            StatisticsProvider provider = context.getService(reference);
            try {
                if (provider != null && "Tcp".equals(provider.protocol())) {
                    return provider.counters();
                }
            } finally {
                context.ungetService(reference);
            }
        }
        throw new AssertionError("no StatisticsProvider for Tcp");
    }

    private void assertNoResets(Map<String, Long> before) throws Exception {
        Map<String, Long> after = tcpCounters();
        for (String counter : List.of("EstabResets", "OutRsts")) {
            assertNotNull("no counter " + counter + " in " + after.keySet(), after.get(counter));
            assertEquals(counter + " over the transfer", before.get(counter), after.get(counter));
        }
    }

    /**
     * Runs a Gogo command line through the CommandProcessor and returns what it printed. Gogo's
     * API is not on this module's compile path: reached by reflection through the runtime bundle.
     */
    private String gogo(String line) throws Exception {
        ServiceReference<?>[] references = null;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while ((references = context.getAllServiceReferences(COMMAND_PROCESSOR, null)) == null) {
            if (System.currentTimeMillis() > deadline) {
                fail("no " + COMMAND_PROCESSOR);
            }
            Thread.sleep(20);
        }
        ServiceReference<?> reference = references[0];
        Object processor = context.getService(reference);
        try {
            Bundle runtime = reference.getBundle();
            Class<?> processorType = runtime.loadClass(COMMAND_PROCESSOR);
            Class<?> sessionType = runtime.loadClass(COMMAND_SESSION);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, new ByteArrayInputStream(new byte[0]), out, err);
            try {
                sessionType.getMethod("execute", CharSequence.class).invoke(session, line);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new Exception(line + ": " + cause.getMessage() + " " + err.toString(StandardCharsets.UTF_8), cause);
            } finally {
                sessionType.getMethod("close").invoke(session);
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            context.ungetService(reference);
        }
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
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

    /** Closes the sockets and restores cubic as the default, so that the tests stay independent. */
    @After
    public void closeSocketsRestoreTheDefault() throws Exception {
        for (NetSocket socket : closeAtEnd) {
            socket.close();
        }
        closeAtEnd.clear();
        threads.shutdownNow();
        Bundle cubic = installedBundle(CUBIC_BUNDLE);
        if (cubic.getState() != Bundle.ACTIVE) {
            cubic.start();
        }
        TcpControl control = await(TcpControl.class);
        awaitInstalled(control, "cubic");
        control.defaultCongestionControl("cubic");
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
