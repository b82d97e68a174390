package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;

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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.HttpClient;
import dev.strata.api.http.client.Request;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.itest.support.TrackedServices;

/**
 * The HTTP bundle's whiteboard inside Felix over the stack's own TCP (issue 5): a handler
 * registered as a service from this bundle is fetched through a stack socket on
 * 127.0.0.1:80 at once, two pipelined requests on one connection are answered in order, and
 * after the service is unregistered the same URL is 404 (from the static files, which hold {@code /});
 * the status page at {@code /} shows the {@code lo} interface as HTML and as JSON; a handler
 * streaming 3 MB of unknown length (chunked) is fetched whole by the stack's own
 * {@link HttpClient} service; an exact-path handler wins over a prefix at its path only; a
 * handler registered as blocking runs on a worker thread.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class HttpPaxIT {

    private static final long WAIT_MS = 10_000;

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private ServiceRegistration<HttpHandler> registration;

    @Configuration
    public Option[] configuration() {
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    /** A response as read: status code and body (by Content-Length). */
    private record Response(int status, String body) {
    }

    private void registerHello() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpHandler.PATH, "/hello");
        registration = context.registerService(HttpHandler.class,
                (request, response) -> response.body("hello " + request.method() + " " + request.target(), "text/plain"),
                properties);
    }

    @Test
    public void a_aRegisteredHandlerIsServedAtOnce() throws Exception {
        registerHello();
        Response response = fetch("/hello").get(0);
        assertEquals(200, response.status());
        assertEquals("hello GET /hello", response.body());
    }

    @Test
    public void b_twoPipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        registerHello();
        java.util.List<Response> responses = fetch("/hello?first", "/hello?second");
        assertEquals(2, responses.size());
        assertEquals(new Response(200, "hello GET /hello?first"), responses.get(0));
        assertEquals(new Response(200, "hello GET /hello?second"), responses.get(1));
    }

    @Test
    public void c_anUnregisteredHandlerIsGoneAtOnce() throws Exception {
        registerHello();
        assertEquals(200, fetch("/hello").get(0).status());
        registration.unregister();
        registration = null;
        assertEquals(404, fetch("/hello").get(0).status());
    }

    @Test
    public void d_theStatusPageDescribesTheStackAsHtmlAndJson() throws Exception {
        String html = exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertTrue(html, html.startsWith("HTTP/1.1 200 "));
        assertTrue(html, html.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-type: text/html; charset=utf-8\r\n"));
        int table = html.indexOf("<table id=\"interfaces\">");
        assertTrue(html, table > 0);
        String interfaces = html.substring(table, html.indexOf("</table>", table));
        assertTrue(interfaces, interfaces.contains("<tr><td>lo</td>"));
        assertTrue(interfaces, interfaces.contains("<td>127.0.0.1</td>"));

        String json = exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        assertTrue(json, json.startsWith("HTTP/1.1 200 "));
        assertTrue(json, json.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-type: application/json; charset=utf-8\r\n"));
        String body = json.substring(json.indexOf("\r\n\r\n") + 4);
        assertTrue(body, body.startsWith("{\"interfaces\":[{"));
        assertTrue(body, body.contains("\"name\":\"lo\""));
        assertTrue(body, body.contains("\"bundles\":[{"));

        assertEquals(404, fetch("/nothing-here").get(0).status());
    }

    @Test
    public void e_aStreamedBodyOfUnknownLengthArrivesWholeThroughTheStacksHttpClient() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024];
        new java.util.Random(5).nextBytes(data);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpHandler.PATH, "/stream");
        // a source that gives at most 10,000 bytes per read, as a generator would
        registration = context.registerService(HttpHandler.class, (request, response) -> response.body(
                new java.nio.channels.ReadableByteChannel() {
                    private int at;
                    private boolean open = true;

                    @Override
                    public int read(ByteBuffer dst) {
                        if (at == data.length) {
                            return -1;
                        }
                        int n = Math.min(Math.min(10_000, dst.remaining()), data.length - at);
                        dst.put(data, at, n);
                        at += n;
                        return n;
                    }

                    @Override
                    public boolean isOpen() {
                        return open;
                    }

                    @Override
                    public void close() {
                        open = false;
                    }
                }, -1), properties);
        HttpClient client = services.await(context, HttpClient.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        dev.strata.api.http.client.Response response = null;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (response == null) {
            try {
                response = client.send(Request.builder(java.net.URI.create("http://127.0.0.1/stream"))
                        .timeout(java.time.Duration.ofSeconds(20)).build(), BodySink.to(body));
            } catch (dev.strata.api.http.client.HttpClientException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e; // the server not yet listening is refused; anything else for 10 s fails
                }
                body.reset();
                Thread.sleep(100);
            }
        }
        assertEquals(200, response.status());
        assertEquals("chunked", response.headers().first("Transfer-Encoding").orElse(""));
        assertEquals(data.length, response.bodyLength());
        assertTrue("the 3 MB arrive intact", java.util.Arrays.equals(data, body.toByteArray()));
    }

    @Test
    public void f_anExactPathHandlerWinsAtItsPathOnly() throws Exception {
        registerHello();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpHandler.PATH, "/hello/exact");
        properties.put(HttpHandler.MATCH, HttpHandler.EXACT);
        ServiceRegistration<HttpHandler> exact = context.registerService(HttpHandler.class,
                (request, response) -> response.body("exact", "text/plain"), properties);
        try {
            java.util.List<Response> responses = fetch("/hello/exact", "/hello/exact/below");
            assertEquals(new Response(200, "exact"), responses.get(0));
            assertEquals(new Response(200, "hello GET /hello/exact/below"), responses.get(1));
        } finally {
            exact.unregister();
        }
    }

    @Test
    public void g_aBlockingHandlerRunsOnAWorkerThread() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpHandler.PATH, "/blocking");
        properties.put(HttpHandler.BLOCKING, Boolean.TRUE);
        registration = context.registerService(HttpHandler.class, (request, response) -> {
            Thread.sleep(50); // a handler that blocks, as a database call would
            response.body(Thread.currentThread().getName(), "text/plain");
        }, properties);
        Response response = fetch("/blocking").get(0);
        assertEquals(200, response.status());
        assertTrue(response.body(), response.body().startsWith("strata-http-worker-"));
    }

    /** Sends {@code request} as is to 127.0.0.1:80 and returns everything the server sent, as text. */
    private String exchange(String request) throws Exception {
        StreamSocket socket = connect();
        try {
            socket.setOption(StrataSocketOptions.SO_RCVTIMEO, (int) WAIT_MS);
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                socket.write(out);
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            int n;
            while ((n = socket.read(in)) >= 0) {
                received.write(in.array(), 0, n);
                in.clear();
            }
            return received.toString(StandardCharsets.UTF_8);
        } finally {
            socket.close();
        }
    }

    /** Connects to 127.0.0.1:80, again while the server is not yet listening (refused) for up to {@link #WAIT_MS}. */
    private StreamSocket connect() throws Exception {
        SocketService sockets = services.await(context, SocketService.class);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            StreamSocket socket = sockets.openStream();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 80), 5000);
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

    /**
     * Sends GETs for {@code paths} pipelined on one connection to 127.0.0.1:80 (the last with
     * {@code Connection: close}), reads to the end of the stream and parses the responses.
     * Connects again while the server is not yet listening (refused) for up to {@link #WAIT_MS}.
     */
    private java.util.List<Response> fetch(String... paths) throws Exception {
        StreamSocket socket = connect();
        try {
            socket.setOption(StrataSocketOptions.SO_RCVTIMEO, (int) WAIT_MS);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < paths.length; i++) {
                requests.append("GET ").append(paths[i]).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                if (i == paths.length - 1) {
                    requests.append("Connection: close\r\n");
                }
                requests.append("\r\n");
            }
            ByteBuffer out = ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                socket.write(out);
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            int n;
            while ((n = socket.read(in)) >= 0) {
                received.write(in.array(), 0, n);
                in.clear();
            }
            return parse(received.toString(StandardCharsets.ISO_8859_1));
        } finally {
            socket.close();
        }
    }

    /** Splits {@code text} into responses: status-line, fields, Content-Length bytes of body. */
    private static java.util.List<Response> parse(String text) {
        java.util.List<Response> responses = new java.util.ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf("\r\n\r\n", from);
            if (end < 0) {
                fail("an incomplete header section in: " + text);
            }
            String[] lines = text.substring(from, end).split("\r\n");
            assertTrue(lines[0], lines[0].startsWith("HTTP/1.1 "));
            int status = Integer.parseInt(lines[0].substring(9, 12));
            int length = 0;
            for (String line : lines) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            int bodyStart = end + 4;
            assertTrue("a body cut short in: " + text, bodyStart + length <= text.length());
            responses.add(new Response(status, text.substring(bodyStart, bodyStart + length)));
            from = bodyStart + length;
        }
        return responses;
    }

    @After
    public void unregister() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        services.close();
    }
}
