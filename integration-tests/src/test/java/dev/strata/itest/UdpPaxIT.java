package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

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

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.transport.DatagramProtocol;
import dev.strata.itest.support.TrackedServices;

/**
 * UDP and the socket API inside Felix, over the stack's loopback link (issue 3): one thread
 * exchanges 10,000 datagrams through a {@link SocketSelector} and checks every byte; the UDP
 * bundle is stopped and started under open sockets; and the in-framework echo rate is
 * measured (figures only). One framework serves the class; the methods run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class UdpPaxIT {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(loopback(), 0);
    private static final int LOCALHOST = 0x7f000001;
    private static final int DATAGRAMS = 10_000;
    /** Datagrams sent and not yet echoed back: loopback loses nothing unless a receive queue overflows. */
    private static final int WINDOW = 32;
    private static final int HEADER = 16;
    private static final long WAIT_MS = 10_000;

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    @Configuration
    public Option[] configuration() {
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    /**
     * A sends to B, B echoes each datagram back to A, both non-blocking on one selector, in this
     * one thread: 10,000 datagrams each way of 16 to 1,015 bytes, each with its sequence number,
     * its length and a CRC-32, every byte compared on both sides.
     */
    @Test
    public void a_oneSelectorThreadExchangesTenThousandDatagramsIntact() throws Exception {
        BufferPool pool = await(BufferPool.class);
        long before = pool.outstanding();
        SocketService sockets = await(SocketService.class);
        DatagramSocket a = open(sockets);
        DatagramSocket b = open(sockets);
        a.bind(LOOPBACK_ANY_PORT);
        b.bind(LOOPBACK_ANY_PORT);
        a.configureBlocking(false);
        b.configureBlocking(false);
        int portA = a.localAddress().getPort();
        int portB = b.localAddress().getPort();
        assertTrue("ports " + portA + " " + portB, portA != portB && portA > 0 && portB > 0);

        try (SocketSelector selector = sockets.openSelector()) {
            SocketSelector.Key keyA = selector.register(a, SocketSelector.READ, false, "A");
            SocketSelector.Key keyB = selector.register(b, SocketSelector.READ, false, "B");
            assertEquals(2, selector.size());
            ByteBuffer out = ByteBuffer.allocate(2048);
            ByteBuffer in = ByteBuffer.allocate(2048);
            byte[] expected = new byte[2048];
            SocketEndpoint from = new SocketEndpoint();
            int sent = 0;
            int atB = 0;
            int backAtA = 0;
            long lastProgress = System.currentTimeMillis();
            long start = System.nanoTime();
            while (backAtA < DATAGRAMS) {
                while (sent < DATAGRAMS && sent - backAtA < WINDOW) {
                    out.clear();
                    fill(out, sent);
                    out.flip();
                    sendRetrying(a, out, LOCALHOST, portB);
                    sent++;
                }
                List<SocketSelector.Key> ready = selector.select(1000);
                for (int k = 0; k < ready.size(); k++) {
                    SocketSelector.Key key = ready.get(k);
                    assertTrue("only READ was asked for: " + key.ready(), key.isReadable());
                    DatagramSocket socket = (DatagramSocket) key.socket();
                    while (true) {
                        in.clear();
                        int length;
                        try {
                            length = socket.receive(in, from);
                        } catch (NetSocketException e) {
                            assertEquals("receive: " + e.getMessage(), SocketError.EAGAIN, e.error());
                            break;
                        }
                        in.flip();
                        assertEquals("truncated?", length, in.remaining());
                        assertEquals("sender's address", LOCALHOST, from.address());
                        if (key == keyB) {
                            assertEquals("sender's port at B", portA, from.port());
                            check(in, atB, expected, "at B");
                            atB++;
                            in.rewind();
                            sendRetrying(b, in, from.address(), from.port()); // echo
                        } else {
                            assertTrue("a key of neither socket", key == keyA);
                            assertEquals("sender's port at A", portB, from.port());
                            check(in, backAtA, expected, "back at A");
                            backAtA++;
                        }
                        lastProgress = System.currentTimeMillis();
                    }
                }
                if (System.currentTimeMillis() - lastProgress > 5_000) {
                    fail("no datagram for 5 s: sent " + sent + ", received at B " + atB + ", back at A " + backAtA
                            + " (window " + WINDOW + ")");
                }
            }
            long nanos = System.nanoTime() - start;
            assertEquals("datagrams at B", DATAGRAMS, atB);
            assertTrue("a datagram too many at A", selectNothing(selector));
            System.out.printf(Locale.ROOT, "UdpPaxIT: %d datagrams A->B->A (16..1015 bytes) intact in %d ms on one selector thread%n",
                    DATAGRAMS, nanos / 1_000_000);
        }
        a.close();
        b.close();
        assertSettles(pool, before);
    }

    /**
     * With the UDP bundle stopped, a socket that stays open fails at once: send with
     * EPROTONOSUPPORT, a blocking receive with EAGAIN when SO_RCVTIMEO expires. Started again, the
     * same socket objects work on their old ports.
     */
    @Test
    public void b_socketsSurviveTheUdpBundleStoppingAndWorkAgainOnTheirOldPorts() throws Exception {
        SocketService sockets = await(SocketService.class);
        DatagramSocket s = open(sockets);
        DatagramSocket t = open(sockets);
        s.bind(LOOPBACK_ANY_PORT);
        t.bind(LOOPBACK_ANY_PORT);
        int portS = s.localAddress().getPort();
        int portT = t.localAddress().getPort();
        t.setOption(StrataSocketOptions.SO_RCVTIMEO, 500);
        s.setOption(StrataSocketOptions.SO_RCVTIMEO, 500);
        exchange(s, t, portT, 1);

        Bundle udp = installedBundle("dev.strata.udp");
        ServiceTracker<DatagramProtocol, DatagramProtocol> protocol = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + DatagramProtocol.class.getName() + ")(" + DatagramProtocol.PROPERTY + "=udp))"), null);
        protocol.open();
        services.hold(protocol);
        try {
            udp.stop();
            assertEquals(Bundle.RESOLVED, udp.getState());
            assertTrue("DatagramProtocol udp still registered", protocol.isEmpty());

            long start = System.nanoTime();
            try {
                s.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), LOCALHOST, portT);
                fail("send succeeded with the UDP bundle stopped");
            } catch (NetSocketException expected) {
                assertEquals("send without UDP: " + expected.getMessage(), SocketError.EPROTONOSUPPORT, expected.error());
            }
            long sendMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue("send took " + sendMillis + " ms to fail", sendMillis < 1000);

            start = System.nanoTime();
            try {
                t.receive(ByteBuffer.allocate(64), new SocketEndpoint());
                fail("a datagram arrived with the UDP bundle stopped");
            } catch (NetSocketException expected) {
                // SO_RCVTIMEO expired: EAGAIN, as recvfrom(2) reports it (ETIMEDOUT tolerated)
                assertTrue("blocking receive without UDP: " + expected.getMessage(),
                        EnumSet.of(SocketError.EAGAIN, SocketError.ETIMEDOUT).contains(expected.error()));
            }
            long receiveMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue("receive with SO_RCVTIMEO 500 ms returned after " + receiveMillis + " ms", receiveMillis < 3000);
            assertTrue("sockets closed by the UDP bundle stopping", s.isOpen() && t.isOpen());
            assertEquals("port of S while UDP is stopped", portS, s.localAddress().getPort());
            System.out.println("UdpPaxIT: UDP stopped: send failed in " + sendMillis + " ms, a blocking receive (SO_RCVTIMEO 500) returned in "
                    + receiveMillis + " ms");

            udp.start();
            assertNotNull("DatagramProtocol udp not back", protocol.waitForService(WAIT_MS));
            // the socket layer binds its endpoints again when the protocol returns: give it a moment
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                try {
                    exchange(s, t, portT, 2);
                    break;
                } catch (NetSocketException | AssertionError e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new AssertionError("sockets did not work again after UDP started: " + e, e);
                    }
                    Thread.sleep(100);
                }
            }
            assertEquals("S's port after the restart", portS, s.localAddress().getPort());
            assertEquals("T's port after the restart", portT, t.localAddress().getPort());
            exchange(t, s, portS, 3);
        } finally {
            if (udp.getState() != Bundle.ACTIVE) {
                udp.start();
            }
        }
    }

    /**
     * Figures only: 64-byte datagrams per second through the built-in UDP echo (port 7, its own
     * single selector thread) from a client on one selector thread, over the loopback link; and,
     * as a reference in the same run, ICMP echoes per second over the same link with the same
     * window (the same path below the transport, without UDP and sockets).
     */
    @Test
    public void c_loopbackEchoRateOf64ByteDatagrams() throws Exception {
        SocketService sockets = await(SocketService.class);
        DatagramSocket client = open(sockets);
        client.bind(LOOPBACK_ANY_PORT);
        client.configureBlocking(false);
        long millis = Long.getLong("strata.udp.rate.millis", 2000);
        int window = Integer.getInteger("strata.udp.rate.window", 64);
        // the echo service may still be binding after a restart of UDP: wait for a first echo
        awaitEcho(client);
        measureUdpEcho(sockets, client, 500, window); // warm-up
        double udp = measureUdpEcho(sockets, client, millis, window);
        measureIcmpEcho(500, window);
        double icmp = measureIcmpEcho(millis, window);
        System.out.printf(Locale.ROOT, "UdpPaxIT: loopback UDP echo (port 7), 64 bytes, window %d: %.0f datagrams/s; ICMP echo, 64 bytes, same window: %.0f/s%n",
                window, udp, icmp);
    }

    private void awaitEcho(DatagramSocket client) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(128);
        SocketEndpoint from = new SocketEndpoint();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        boolean answered = false;
        while (System.currentTimeMillis() < deadline && !answered) {
            try {
                client.send(ByteBuffer.wrap(new byte[64]), LOCALHOST, 7);
            } catch (NetSocketException e) {
                // UDP or the echo not there yet
            }
            Thread.sleep(100);
            while (true) { // drain
                try {
                    client.receive(in.clear(), from);
                    answered |= from.port() == 7;
                } catch (NetSocketException e) {
                    break;
                }
            }
        }
        assertTrue("the UDP echo on 127.0.0.1:7 did not answer within " + WAIT_MS + " ms", answered);
    }

    private static double measureUdpEcho(SocketService sockets, DatagramSocket client, long millis, int window) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(64);
        ByteBuffer in = ByteBuffer.allocate(128);
        SocketEndpoint from = new SocketEndpoint();
        long received = 0;
        long sent = 0;
        long lost = 0;
        long lastSequence = -1;
        try (SocketSelector selector = sockets.openSelector()) {
            selector.register(client, SocketSelector.READ, true, null); // edge-triggered: drain to EAGAIN
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
            long lastProgress = start;
            long now = start;
            while (now < end) {
                while (sent - received - lost < window) {
                    out.clear();
                    out.putLong(0, sent);
                    try {
                        client.send(out, LOCALHOST, 7);
                        sent++;
                    } catch (NetSocketException e) {
                        if (e.error() != SocketError.ENOBUFS && e.error() != SocketError.EAGAIN) {
                            throw e;
                        }
                        break;
                    }
                }
                List<SocketSelector.Key> ready = selector.select(100);
                for (int k = 0; k < ready.size(); k++) {
                    while (true) {
                        try {
                            int length = client.receive(in.clear(), from);
                            long sequence = in.getLong(0);
                            if (length != 64 || from.port() != 7 || sequence <= lastSequence || sequence >= sent) {
                                fail("echo " + received + ": " + length + " bytes from port " + from.port() + ", sequence " + sequence
                                        + " after " + lastSequence + " (sent " + sent + ")");
                            }
                            lastSequence = sequence;
                            received++;
                        } catch (NetSocketException e) {
                            break;
                        }
                    }
                }
                now = System.nanoTime();
                if (!ready.isEmpty()) {
                    lastProgress = now;
                } else if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(200)) {
                    lost = sent - received; // echoes lost (a queue overflowed): open the window again, count only what came
                    lastProgress = now;
                }
            }
            long measured = now - start;
            // the echoes still in flight: drained here, so that the next run starts empty
            long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < drainUntil) {
                selector.select(50);
                try {
                    while (true) {
                        client.receive(in.clear(), from);
                    }
                } catch (NetSocketException e) {
                    // drained
                }
            }
            if (lost > 0) {
                System.out.println("UdpPaxIT: " + lost + " of " + sent + " echo datagrams lost (window " + window + ")");
            }
            return received * 1e9 / measured;
        }
    }

    private double measureIcmpEcho(long millis, int window) throws Exception {
        EchoService echo = await(EchoService.class);
        AtomicLong replies = new AtomicLong();
        Object lock = new Object();
        EchoListener listener = (from, sequence, ttl, bytes, rtt) -> {
            replies.incrementAndGet();
            synchronized (lock) {
                lock.notifyAll();
            }
        };
        try (EchoSession session = echo.open(listener)) {
            long sent = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
            long now = start;
            long base = 0;
            while (now < end) {
                while (sent - (replies.get() + base) < window) {
                    if (session.send(LOCALHOST, (int) (sent & 0xffff), 64 - 8, 64) != SendResult.SENT) {
                        break;
                    }
                    sent++;
                }
                synchronized (lock) {
                    if (sent - (replies.get() + base) >= window) {
                        lock.wait(200);
                        if (sent - (replies.get() + base) >= window) {
                            base = sent - replies.get(); // a reply lost: reopen the window
                        }
                    }
                }
                now = System.nanoTime();
            }
            return replies.get() * 1e9 / (now - start);
        }
    }

    /** {@code from} sends one datagram to {@code toPort} (of {@code to}), which receives and checks it. */
    private static void exchange(DatagramSocket from, DatagramSocket to, int toPort, int tag) throws NetSocketException {
        byte[] payload = ("strata " + tag).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        from.send(ByteBuffer.wrap(payload), LOCALHOST, toPort);
        ByteBuffer in = ByteBuffer.allocate(64);
        SocketEndpoint sender = new SocketEndpoint();
        int length = to.receive(in, sender);
        assertEquals("length", payload.length, length);
        assertEquals("payload", new String(payload, java.nio.charset.StandardCharsets.US_ASCII),
                new String(in.array(), 0, length, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("source port", from.localAddress().getPort(), sender.port());
    }

    private static void sendRetrying(DatagramSocket socket, ByteBuffer data, int address, int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int position = data.position();
            try {
                socket.send(data, address, port);
                return;
            } catch (NetSocketException e) {
                // no buffer for a moment: the pool is shared with the loopback's queue
                if ((e.error() != SocketError.ENOBUFS && e.error() != SocketError.EAGAIN) || attempt > 1000) {
                    throw e;
                }
                data.position(position);
                Thread.sleep(1);
            }
        }
    }

    /** Datagram {@code sequence}: sequence, length, CRC-32 of the rest, then a pattern; 16 to 1,015 bytes. */
    static void fill(ByteBuffer out, int sequence) {
        int length = HEADER + (int) ((sequence * 37L) % 1000);
        int start = out.position();
        out.putInt(sequence).putInt(length).putLong(0);
        for (int i = HEADER; i < length; i++) {
            out.put(patternByte(sequence, i));
        }
        CRC32 crc = new CRC32();
        crc.update(out.array(), out.arrayOffset() + start + HEADER, length - HEADER);
        out.putLong(start + 8, crc.getValue());
    }

    private static byte patternByte(int sequence, int index) {
        return (byte) (sequence * 131 + index * 7 + (index >>> 8));
    }

    private static void check(ByteBuffer in, int sequence, byte[] expected, String where) {
        ByteBuffer want = ByteBuffer.wrap(expected);
        fill(want, sequence);
        int length = want.position();
        assertEquals("length of datagram " + sequence + " " + where, length, in.remaining());
        assertEquals("sequence " + where, sequence, in.getInt(in.position()));
        CRC32 crc = new CRC32();
        crc.update(in.array(), in.arrayOffset() + in.position() + HEADER, length - HEADER);
        assertEquals("CRC-32 of datagram " + sequence + " " + where, in.getLong(in.position() + 8), crc.getValue());
        for (int i = 0; i < length; i++) {
            if (in.get(in.position() + i) != expected[i]) {
                fail("datagram " + sequence + " " + where + ": byte " + i + " is " + in.get(in.position() + i) + ", sent " + expected[i]);
            }
        }
    }

    private static boolean selectNothing(SocketSelector selector) {
        return selector.select(200).isEmpty();
    }

    private DatagramSocket open(SocketService sockets) throws NetSocketException {
        DatagramSocket socket = sockets.openDatagram();
        closeAtEnd.add(socket);
        return socket;
    }

    private static void assertSettles(BufferPool pool, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (pool.outstanding() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("BufferPool.outstanding() after the traffic", expected, pool.outstanding());
    }

    private Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        fail("no bundle " + symbolicName);
        return null;
    }

    /** The service, held until the test ends (ungetting a delayed component's last use would deactivate it). */
    private <T> T await(Class<T> type) throws InterruptedException {
        return services.await(context, type);
    }

    @After
    public void closeSocketsAndTrackers() throws Exception {
        for (AutoCloseable closeable : closeAtEnd) {
            closeable.close();
        }
        closeAtEnd.clear();
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
