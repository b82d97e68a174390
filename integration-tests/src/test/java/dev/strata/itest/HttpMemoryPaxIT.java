package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.itest.support.TrackedServices;

/**
 * Issue 5: "one or a few threads serve thousands of connections". {@value #CONNECTIONS}
 * keep-alive HTTP connections to the server on 127.0.0.1:80, each after one request answered,
 * left idle: the heap they take (both TCP ends, the socket objects and the server's connection)
 * stays under {@value #LIMIT_PER_CONNECTION} bytes per connection, because an HTTP connection
 * idle for a second gives its parser and buffers back (HttpConnection.RELEASE_NANOS) and TCP trims
 * idle buffers (BufferTuning); then every connection still answers a second request. Before the
 * release, each idle connection held about 60 KiB of parser and buffers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpMemoryPaxIT {

    static final int CONNECTIONS = 2_000;
    static final long LIMIT_PER_CONNECTION = 24 * 1024;
    /** Past the HTTP release (1 s, checked every 250 ms) and TCP's idle trim (1 s). */
    static final long IDLE_WAIT_MS = 2_500;
    private static final long WAIT_MS = 10_000;
    private static final byte[] REQUEST = "GET /not-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private final List<StreamSocket> clients = new ArrayList<>();

    @Configuration
    public Option[] configuration() {
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    @Test
    public void twoThousandIdleKeepAliveConnectionsTakeAFewKilobytesEachAndStillAnswer() throws Exception {
        SocketService sockets = services.await(context, SocketService.class);
        close(exchange(connect(sockets))); // the server listens and answers: warm before measuring
        long before = TcpMemoryPaxIT.usedHeapAfterGc();
        for (int i = 0; i < CONNECTIONS; i++) {
            StreamSocket client = connect(sockets);
            clients.add(client);
            exchange(client);
        }
        Thread.sleep(IDLE_WAIT_MS);
        long heap = TcpMemoryPaxIT.usedHeapAfterGc() - before;
        long perConnection = heap / CONNECTIONS;
        System.out.println(String.format(Locale.ROOT,
                "HttpMemoryPaxIT: %,d idle keep-alive HTTP connections over the loopback took %,d bytes of heap,"
                        + " %,d per connection (both TCP ends, the sockets and the server's connection)",
                CONNECTIONS, heap, perConnection));
        assertTrue(String.format(Locale.ROOT, "%,d bytes of heap per idle HTTP connection (limit %,d)", perConnection,
                LIMIT_PER_CONNECTION), perConnection < LIMIT_PER_CONNECTION);
        for (StreamSocket client : clients) {
            exchange(client); // every one still open and served
        }
    }

    /** Sends a GET for a missing file and reads the whole 404 (by its Content-Length). */
    private static StreamSocket exchange(StreamSocket socket) throws Exception {
        ByteBuffer out = ByteBuffer.wrap(REQUEST);
        while (out.hasRemaining()) {
            socket.write(out);
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (true) {
            int n = socket.read(in.clear());
            assertTrue("the connection stays open", n > 0);
            received.write(in.array(), 0, n);
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int head = text.indexOf("\r\n\r\n");
            if (head > 0) {
                int at = text.indexOf("Content-Length: ");
                int length = Integer.parseInt(text.substring(at + 16, text.indexOf("\r\n", at)));
                if (text.length() >= head + 4 + length) {
                    assertTrue(text, text.startsWith("HTTP/1.1 404 "));
                    assertEquals("one response, nothing more", head + 4 + length, text.length());
                    return socket;
                }
            }
        }
    }

    /** Connects to 127.0.0.1:80, again while the server is not yet listening (refused) for up to {@link #WAIT_MS}. */
    private static StreamSocket connect(SocketService sockets) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            StreamSocket socket = sockets.openStream();
            try {
                socket.connect(new InetSocketAddress(TcpMemoryPaxIT.loopback(), 80), 5000);
                socket.setOption(StrataSocketOptions.SO_RCVTIMEO, 5000);
                return socket;
            } catch (NetSocketException e) {
                socket.close();
                if (e.error() != SocketError.ECONNREFUSED || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void close(StreamSocket socket) {
        socket.close();
    }

    @After
    public void closeAll() {
        for (StreamSocket client : clients) {
            client.close();
        }
        services.close();
    }
}
