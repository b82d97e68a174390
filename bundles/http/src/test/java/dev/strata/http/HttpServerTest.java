package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.http.HttpHandler;
import dev.strata.testsupport.FakeSockets.FakeStreamSocket;
import dev.strata.testsupport.FakeSockets;

/** The whiteboard server over the fake socket layer: dispatch, keep-alive, pipelining, errors, timeouts. */
class HttpServerTest {

    private static final int PORT = 8080;

    private final FakeSockets sockets = new FakeSockets();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private HttpServer start(HttpLimits limits) throws InterruptedException {
        return start(new HttpServer.Settings(new InetSocketAddress("0.0.0.0", PORT), limits, 1000));
    }

    /** A server with {@code settings} on the test's clock, listening. */
    private HttpServer start(HttpServer.Settings settings) throws InterruptedException {
        server = new HttpServer(sockets, settings, nanos::get, System::currentTimeMillis);
        eventually(() -> sockets.listener(PORT) != null, "the server listening");
        return server;
    }

    /** Settings on the test's port with the default limits. */
    private static HttpServer.Settings settings(long idleTimeoutMillis, int maxConnections, int workerThreads) {
        return new HttpServer.Settings(new InetSocketAddress("0.0.0.0", PORT), HttpLimits.DEFAULT, idleTimeoutMillis,
                maxConnections, workerThreads);
    }

    private HttpServer start() throws InterruptedException {
        return start(HttpLimits.DEFAULT);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    private FakeStreamSocket connect() {
        FakeStreamSocket peer = sockets.connect(PORT);
        assertNotNull(peer, "nothing listens");
        return peer;
    }

    /** What the peer has read so far, accumulated. */
    private static final class Reader {
        final FakeStreamSocket peer;
        final StringBuilder text = new StringBuilder();

        Reader(FakeStreamSocket peer) {
            this.peer = peer;
        }

        String until(BooleanSupplier done, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                text.append(new String(peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
                if (done.getAsBoolean()) {
                    return text.toString();
                }
                assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; read: " + text);
                Thread.sleep(2);
            }
        }

        /** Waits for {@code count} complete responses (each header section plus its Content-Length body). */
        String responses(int count) throws InterruptedException {
            return until(() -> complete(text.toString()) >= count, count + " responses");
        }

        /** Waits for the server to close or shut down its output, then takes what it sent before. */
        String closed() throws InterruptedException {
            until(() -> !peer.isOpen() || peer.outputShutdown(), "the server closing");
            text.append(new String(peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
            return text.toString();
        }
    }

    private static final Pattern LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    /** How many complete responses {@code s} holds (bodies by Content-Length; HEAD not handled). */
    static int complete(String s) {
        int count = 0;
        int from = 0;
        while (true) {
            int end = s.indexOf("\r\n\r\n", from);
            if (end < 0) {
                return count;
            }
            String head = s.substring(from, end);
            Matcher m = LENGTH.matcher(head);
            int length = m.find() && !head.startsWith("HTTP/1.1 1") ? Integer.parseInt(m.group(1)) : 0;
            if (head.startsWith("HTTP/1.1 1")) {
                from = end + 4; // an interim response does not count
                continue;
            }
            if (end + 4 + length > s.length()) {
                return count;
            }
            count++;
            from = end + 4 + length;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static HttpHandler hello(String text) {
        return (request, response) -> response.body(text + " " + request.method() + " " + request.path() + " "
                + request.query(), "text/plain");
    }

    @Test
    void servesRegisteredHandlerAndAnswers404Otherwise() throws Exception {
        start();
        server.addHandler(hello("hi"), Map.of(HttpHandler.PATH, "/hello"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /hello/x?a=1 HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.responses(1);
        assertTrue(s.startsWith("HTTP/1.1 200 OK\r\n"), s);
        assertTrue(s.contains("Content-Type: text/plain\r\n"), s);
        assertTrue(s.contains("Date: "), s);
        assertTrue(s.endsWith("\r\n\r\nhi GET /hello/x a=1"), s);
        r.peer.peerWrite(ascii("GET /helloworld HTTP/1.1\r\nHost: h\r\n\r\n"));
        s = r.responses(2);
        assertTrue(s.substring(s.indexOf("hi GET")).contains("HTTP/1.1 404 Not Found\r\n"), s);
        assertTrue(r.peer.isOpen() && !r.peer.outputShutdown(), "keep-alive after a 404");
        assertEquals(1, server.counter(HttpStatistic.NotFound));
    }

    @Test
    void longestPrefixWinsAndUnregisteringRemovesAtOnce() throws Exception {
        start();
        HttpHandler root = hello("root");
        HttpHandler deep = hello("deep");
        server.addHandler(root, Map.of(HttpHandler.PATH, "/"));
        server.addHandler(deep, Map.of(HttpHandler.PATH, "/a/b"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /a/b/c HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(r.responses(1).endsWith("deep GET /a/b/c null"));
        server.removeHandler(deep);
        r.peer.peerWrite(ascii("GET /a/b/c HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(r.responses(2).endsWith("root GET /a/b/c null"));
        server.removeHandler(root);
        r.peer.peerWrite(ascii("GET /a/b/c HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(r.responses(3).contains("HTTP/1.1 404 Not Found"));
    }

    @Test
    void optionsAsteriskAsksAboutTheServerAndConnectIsNotServed() throws Exception {
        start();
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.responses(1);
        assertTrue(s.startsWith("HTTP/1.1 200 OK\r\n") && s.contains("Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n")
                && s.contains("Content-Length: 0\r\n"), s);
        r.peer.peerWrite(ascii("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n"));
        assertTrue(r.responses(2).contains("HTTP/1.1 501 Not Implemented\r\n"));
    }

    @Test
    void registryMatchesOnSegmentBoundaries() {
        assertTrue(HandlerRegistry.matches("/hello", "/hello"));
        assertTrue(HandlerRegistry.matches("/hello", "/hello/x"));
        assertFalse(HandlerRegistry.matches("/hello", "/helloworld"));
        assertTrue(HandlerRegistry.matches("/", "/anything"));
        assertTrue(HandlerRegistry.matches("/dir/", "/dir/file"));
        HandlerRegistry registry = new HandlerRegistry();
        assertFalse(registry.add("relative", false, hello("x")), "a prefix must be an absolute path");
        assertFalse(registry.add(null, false, hello("x")));
        assertNull(registry.find("/"));
    }

    @Test
    void anExactPathWinsOverEveryPrefixAndCoversNothingBelowIt() {
        HandlerRegistry registry = new HandlerRegistry();
        HttpHandler files = hello("files");
        HttpHandler page = hello("page");
        HttpHandler deep = hello("deep");
        registry.add("/", false, files);
        registry.add("/", true, page);
        registry.add("/a", false, deep);
        assertSame(page, registry.find("/"));
        assertSame(files, registry.find("/index.html"));
        assertSame(deep, registry.find("/a/x"));
        registry.add("/a/x", true, page);
        assertSame(page, registry.find("/a/x"), "exact beats a longer-matching prefix");
        assertSame(deep, registry.find("/a/x/y"), "exact covers that path only");
        registry.remove(page);
        assertSame(files, registry.find("/"));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        start();
        server.addHandler(hello("p"), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /three HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"));
        String s = r.responses(3);
        int one = s.indexOf("p GET /one");
        int two = s.indexOf("p GET /two");
        int three = s.indexOf("p POST /three");
        assertTrue(one > 0 && two > one && three > two, s);
        assertEquals(3, server.counter(HttpStatistic.Requests));
        assertEquals(1, server.counter(HttpStatistic.Connections));
    }

    @Test
    void requestBodyChunkedOrNotReachesTheHandler() throws Exception {
        start();
        AtomicReference<String> got = new AtomicReference<>();
        server.addHandler((request, response) -> {
            ByteBuffer b = request.body();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            got.set(new String(bytes, StandardCharsets.US_ASCII));
            response.status(201).body(bytes);
        }, Map.of(HttpHandler.PATH, "/post"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
        String s = r.responses(1);
        assertEquals("hello world", got.get());
        assertTrue(s.startsWith("HTTP/1.1 201 Created\r\n") && s.endsWith("Content-Length: 11\r\n\r\nhello world"), s);
    }

    @Test
    void headAnswersWithTheLengthGetWouldSendAndNoBody() throws Exception {
        start();
        server.addHandler(hello("h"), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.until(() -> r.text.indexOf("h GET /x null") > 0, "the GET after the HEAD");
        assertTrue(s.startsWith("HTTP/1.1 200 OK\r\n"), s);
        assertTrue(s.contains("Content-Length: 13\r\n\r\nHTTP/1.1 200 OK"), "no body after HEAD's headers: " + s);
    }

    @Test
    void connectionCloseAndHttp10WithoutKeepAliveCloseAfterTheResponse() throws Exception {
        start();
        server.addHandler(hello("c"), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.closed();
        assertTrue(s.contains("Connection: close\r\n"), s);
        assertFalse(s.contains("ignored"), "nothing is answered after Connection: close: " + s);

        Reader r10 = new Reader(connect());
        r10.peer.peerWrite(ascii("GET / HTTP/1.0\r\n\r\n"));
        assertTrue(r10.closed().contains("Connection: close\r\n"));

        Reader keep = new Reader(connect());
        keep.peer.peerWrite(ascii("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        assertTrue(keep.responses(1).contains("Connection: keep-alive\r\n"));
        assertTrue(keep.peer.isOpen() && !keep.peer.outputShutdown());
    }

    private String malformed(String request) throws Exception {
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii(request));
        String s = r.closed();
        assertTrue(s.contains("Connection: close\r\n"), s);
        return s;
    }

    @Test
    void malformedRequestsGetTheirStatusAndClose() throws Exception {
        start(new HttpLimits(64, 256, 4, 100, 256, 4, 64));
        assertTrue(malformed("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "), "no Host");
        assertTrue(malformed("GET /" + "a".repeat(100) + " HTTP/1.1\r\n").startsWith("HTTP/1.1 414 "));
        assertTrue(malformed("GET / HTTP/2.0\r\nHost: h\r\n\r\n").startsWith("HTTP/1.1 505 "));
        assertTrue(malformed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                .startsWith("HTTP/1.1 501 "));
        assertTrue(malformed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
                .startsWith("HTTP/1.1 431 "));
        assertTrue(malformed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n").startsWith("HTTP/1.1 413 "));
        assertEquals(6, server.counter(HttpStatistic.ParseErrors));
    }

    @Test
    void expectContinueGets100BeforeTheBody() throws Exception {
        start();
        server.addHandler((request, response) -> response.body(request.body()), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
        r.until(() -> r.text.toString().equals("HTTP/1.1 100 Continue\r\n\r\n"), "100 Continue");
        r.peer.peerWrite(ascii("data"));
        assertTrue(r.responses(1).endsWith("HTTP/1.1 200 OK\r\n" + r.text.substring(r.text.indexOf("Date")
                , r.text.indexOf("Content-Length")) + "Content-Length: 4\r\n\r\ndata"), r.text.toString());
    }

    @Test
    void handlerThatThrowsGets500AndTheConnectionStays() throws Exception {
        start();
        server.addHandler((request, response) -> {
            throw new IllegalStateException("boom");
        }, Map.of(HttpHandler.PATH, "/boom"));
        server.addHandler((request, response) -> response.header("X-Bad", "a\r\nInjected: yes"),
                Map.of(HttpHandler.PATH, "/split"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /boom HTTP/1.1\r\nHost: h\r\n\r\nGET /split HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.responses(2);
        assertTrue(s.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), s);
        assertFalse(s.contains("Injected"), s);
        assertEquals(2, s.split("HTTP/1.1 500 ", -1).length - 1, s);
        assertEquals(2, server.counter(HttpStatistic.HandlerErrors));
        assertTrue(r.peer.isOpen());
    }

    @Test
    void idleConnectionGets408WhenARequestHadBegunAndCloses() throws Exception {
        start();
        Reader partial = new Reader(connect());
        partial.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHo"));
        Reader quiet = new Reader(connect());
        eventually(() -> server.connectionCount() == 2, "two connections");
        eventually(() -> {
            synchronized (sockets) {
                return partial.peer.inbound.size() == 0;
            }
        }, "the server reading the partial request");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertTrue(partial.closed().startsWith("HTTP/1.1 408 Request Timeout\r\n"), partial.text.toString());
        assertEquals("", quiet.closed(), "between requests the server closes silently");
        eventually(() -> server.counter(HttpStatistic.Timeouts) == 2, "two timeouts");
    }

    @Test
    void largePipelinedResponsesWaitForThePeerToRead() throws Exception {
        sockets.sendBuffer = 4096;
        start();
        byte[] big = new byte[50_000];
        java.util.Arrays.fill(big, (byte) 'x');
        server.addHandler((request, response) -> response.body(big), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        r.peer.peerWrite(ascii(requests.toString()));
        Thread.sleep(100);
        // the server stops parsing above its high-water mark rather than buffer all 500 kB
        assertTrue(server.counter(HttpStatistic.Requests) < 10, "requests answered " + server.counter(HttpStatistic.Requests));
        assertEquals(10, complete(r.responses(10)));
    }

    @Test
    void aClosedConnectionsBuffersAndParserServeTheNextOne() throws Exception {
        start();
        server.addHandler(hello("p"), Map.of(HttpHandler.PATH, "/"));
        for (int i = 0; i < 3; i++) {
            Reader r = new Reader(connect());
            r.peer.peerWrite(ascii("GET /" + i + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
            assertTrue(r.closed().endsWith("p GET /" + i + " null"));
            r.peer.peerShutdown();
            eventually(() -> server.connectionCount() == 0, "the connection closed");
            assertEquals(2, server.pool().buffersKept(), "its input and output buffers are kept for the next");
        }
    }

    @Test
    void aKeepAliveConnectionIdleForASecondHoldsNoBufferAndServesTheNextRequest() throws Exception {
        start(settings(60_000, 10_000, 16));
        server.addHandler(hello("k"), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"));
        assertTrue(r.responses(1).endsWith("k POST /a null"));
        eventually(() -> server.connectionCount() == 1, "the connection open");
        nanos.addAndGet(HttpConnection.RELEASE_NANOS / 2);
        Thread.sleep(2 * HttpServer.SWEEP_MILLIS);
        assertTrue(server.pool().buffersKept() == 0, "a connection idle for less keeps its buffers");
        nanos.addAndGet(HttpConnection.RELEASE_NANOS);
        eventually(() -> server.pool().buffersKept() == 2, "the idle connection's buffers back in the pool");
        r.peer.peerWrite(ascii("GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(r.responses(2).endsWith("k GET /b null"), "served again with buffers from the pool");
        assertTrue(r.peer.isOpen() && !r.peer.outputShutdown());
    }

    @Test
    void aboveMaxConnectionsNewOnesWaitInTheAcceptQueueUntilOneCloses() throws Exception {
        start(settings(60_000, 2, 16));
        server.addHandler(hello("m"), Map.of(HttpHandler.PATH, "/"));
        Reader a = new Reader(connect());
        Reader b = new Reader(connect());
        Reader c = new Reader(connect());
        for (Reader r : new Reader[] { a, b, c }) {
            r.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        }
        a.responses(1);
        b.responses(1);
        Thread.sleep(100);
        c.text.append(new String(c.peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
        assertEquals("", c.text.toString(), "the third waits");
        assertEquals(2, server.connectionCount());
        assertEquals(1, server.counter(HttpStatistic.Deferred));
        a.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
        a.peer.peerShutdown();
        assertTrue(c.responses(1).endsWith("m GET / null"), "served once a connection closed");
        assertEquals(3, server.counter(HttpStatistic.Connections));
    }

    @Test
    void listensOnceTcpRunsAndDeactivateClosesConnections() throws Exception {
        sockets.tcpRunning(false);
        server = new HttpServer(sockets, new HttpServer.Settings(new InetSocketAddress("0.0.0.0", PORT),
                HttpLimits.DEFAULT, 60_000), nanos::get, System::currentTimeMillis);
        Thread.sleep(100);
        assertNull(sockets.listener(PORT));
        sockets.tcpRunning(true);
        eventually(() -> sockets.listener(PORT) != null, "listening within the retry interval");
        Reader r = new Reader(connect());
        eventually(() -> server.connectionCount() == 1, "the connection accepted");
        server.deactivate();
        server = null;
        assertFalse(r.peer.isOpen(), "an idle connection is closed by deactivate");
        assertFalse(sockets.listener(PORT) != null, "the listener is closed");
    }

    @Test
    void deactivateLetsTheResponseInFlightFinishThenCloses() throws Exception {
        sockets.sendBuffer = 4096;
        start();
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'y');
        server.addHandler((request, response) -> response.body(big), Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        eventually(() -> r.peer.unreadByPeer() > 0, "the response under way");
        Thread reader = new Thread(() -> {
            try {
                r.closed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        server.deactivate();
        server = null;
        reader.join(5000);
        assertEquals(1, complete(r.text.toString()), "the whole response arrived before the close");
        assertTrue(r.text.toString().endsWith("y".repeat(100)));
    }

    @Test
    void absoluteFormTargetIsDispatchedByItsPathAndUnknownExpectationGets417() throws Exception {
        start();
        server.addHandler(hello("abs"), Map.of(HttpHandler.PATH, "/p"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET http://h:80/p/q?z HTTP/1.1\r\nHost: h:80\r\n\r\n"));
        assertTrue(r.responses(1).endsWith("abs GET /p/q z"), r.text.toString());
        r.peer.peerWrite(ascii("GET /p HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n"));
        String s = r.closed();
        assertTrue(s.contains("HTTP/1.1 417 Expectation Failed\r\n"), s);
    }

    // ---- blocking handlers ----

    @Test
    void aBlockingHandlerRunsOnAWorkerWhileOtherConnectionsAreServedAndItsPipelineWaitsInOrder() throws Exception {
        start();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        server.addHandler((request, response) -> {
            thread.set(Thread.currentThread().getName());
            release.await();
            response.body("slow " + request.header("X-N"), "text/plain");
        }, Map.of(HttpHandler.PATH, "/slow", HttpHandler.BLOCKING, Boolean.TRUE));
        server.addHandler(hello("fast"), Map.of(HttpHandler.PATH, "/fast"));
        Reader slow = new Reader(connect());
        slow.peer.peerWrite(ascii("GET /slow HTTP/1.1\r\nHost: h\r\nX-N: 1\r\n\r\nGET /fast?after HTTP/1.1\r\nHost: h\r\n\r\n"));
        eventually(() -> thread.get() != null, "the blocking handler started");
        assertTrue(thread.get().startsWith(HttpServer.WORKER_NAME + "-"), thread.get());
        Reader other = new Reader(connect());
        other.peer.peerWrite(ascii("GET /fast HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(other.responses(1).endsWith("fast GET /fast null"), "served while the blocking handler works");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(5)); // past the idle timeout: a handler at work is no idle client
        Thread.sleep(2 * HttpServer.SWEEP_MILLIS);
        assertEquals("", slow.text.append(new String(slow.peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1)).toString());
        release.countDown();
        String s = slow.responses(2);
        assertTrue(s.indexOf("slow 1") > 0 && s.indexOf("fast GET /fast after") > s.indexOf("slow 1"), s);
        assertTrue(slow.peer.isOpen() && !slow.peer.outputShutdown(), "keep-alive after a blocking handler");
    }

    @Test
    void aBlockingHandlerThatThrowsGets500AndTheConnectionGoesOn() throws Exception {
        start();
        server.addHandler((request, response) -> {
            throw new java.io.IOException("database down");
        }, Map.of(HttpHandler.PATH, "/db", HttpHandler.BLOCKING, "true"));
        server.addHandler(hello("h"), Map.of(HttpHandler.PATH, "/h"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /db HTTP/1.1\r\nHost: h\r\n\r\nGET /h HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.responses(2);
        assertTrue(s.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), s);
        assertTrue(s.endsWith("h GET /h null"), s);
        assertEquals(1, server.counter(HttpStatistic.HandlerErrors));
    }

    @Test
    void whenEveryWorkerIsBusyAndTheQueueFullTheClientGets503() throws Exception {
        start(settings(60_000, 10_000, 1));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.addHandler((request, response) -> {
            release.await();
            response.body("done", "text/plain");
        }, Map.of(HttpHandler.PATH, "/", HttpHandler.BLOCKING, Boolean.TRUE));
        int accepted = 1 + HttpServer.WORK_QUEUE_PER_WORKER; // one running, the rest queued
        java.util.List<Reader> readers = new java.util.ArrayList<>();
        for (int i = 0; i < accepted; i++) {
            Reader r = new Reader(connect());
            r.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
            readers.add(r);
        }
        eventually(() -> server.counter(HttpStatistic.Requests) == accepted, "every request handed to the workers");
        Reader refused = new Reader(connect());
        refused.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = refused.responses(1);
        assertTrue(s.startsWith("HTTP/1.1 503 Service Unavailable\r\n") && s.contains("Retry-After: 1\r\n"), s);
        assertEquals(1, server.counter(HttpStatistic.Overloaded));
        release.countDown();
        for (Reader r : readers) {
            assertTrue(r.responses(1).endsWith("done"));
        }
    }

    // ---- bodies streamed from a source ----

    /** {@code size} bytes of letters (ISO-8859-1 round-trips them through the test's strings). */
    private static byte[] letters(int size, long seed) {
        java.util.Random random = new java.util.Random(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + random.nextInt(26));
        }
        return b;
    }

    /** A source over {@code data} that records whether it was closed, giving at most {@code step} bytes per read. */
    private static final class Source implements java.nio.channels.ReadableByteChannel {
        final byte[] data;
        final int step;
        int at;
        volatile boolean closed;

        Source(byte[] data, int step) {
            this.data = data;
            this.step = step;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (at == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(step, dst.remaining()), data.length - at);
            dst.put(data, at, n);
            at += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void bodyFromASourceOfKnownLengthIsSentWholeAndTheSourceClosed() throws Exception {
        start();
        byte[] data = letters(700_000, 1);
        AtomicReference<Source> source = new AtomicReference<>();
        server.addHandler((request, response) -> {
            source.set(new Source(data, 5000));
            response.header("Content-Type", "application/octet-stream").body(source.get(), data.length);
        }, Map.of(HttpHandler.PATH, "/file"));
        server.addHandler(hello("next"), Map.of(HttpHandler.PATH, "/next"));
        Reader r = new Reader(connect());
        // a pipelined request behind the streamed body is answered after it, in order
        r.peer.peerWrite(ascii("GET /file HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.responses(2);
        assertTrue(s.startsWith("HTTP/1.1 200 OK\r\n"), s.substring(0, 200));
        assertTrue(s.contains("Content-Length: 700000\r\n"));
        int body = s.indexOf("\r\n\r\n") + 4;
        assertEquals(new String(data, StandardCharsets.ISO_8859_1), s.substring(body, body + data.length));
        assertTrue(s.substring(body + data.length).startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(s.endsWith("next GET /next null"));
        assertTrue(source.get().closed, "the server closes the source once sent");
        assertTrue(r.peer.isOpen() && !r.peer.outputShutdown(), "keep-alive after a streamed body");
    }

    @Test
    void bodyOfUnknownLengthIsChunkedToHttp11AndCloseDelimitedToHttp10() throws Exception {
        start();
        byte[] data = letters(200_000, 2);
        server.addHandler((request, response) -> response.body(new Source(data, 70_000), -1),
                Map.of(HttpHandler.PATH, "/gen"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /gen HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.until(() -> r.text.toString().endsWith("\r\n0\r\n\r\n"), "the last chunk");
        assertTrue(s.contains("Transfer-Encoding: chunked\r\n") && !s.contains("Content-Length"), s.substring(0, 200));
        java.util.List<String> parsed = Feed.parse(new ResponseParser(), ascii(s));
        assertEquals(1, parsed.size());
        assertTrue(parsed.get(0).startsWith("200 OK 1.1 keep-alive CHUNKED"), parsed.get(0).substring(0, 80));
        assertTrue(parsed.get(0).endsWith(" body=" + new String(data, StandardCharsets.ISO_8859_1)));
        assertTrue(r.peer.isOpen() && !r.peer.outputShutdown());

        Reader old = new Reader(connect());
        old.peer.peerWrite(ascii("GET /gen HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        String o = old.closed();
        assertTrue(o.contains("Connection: close\r\n") && !o.contains("chunked") && !o.contains("Content-Length"), o);
        assertTrue(o.endsWith("\r\n\r\n" + new String(data, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void headWithASourceSendsTheLengthOnlyAndClosesTheSource() throws Exception {
        start();
        AtomicReference<Source> source = new AtomicReference<>();
        server.addHandler((request, response) -> {
            source.set(new Source(letters(1000, 3), 1000));
            response.body(source.get(), 1000);
        }, Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.until(() -> r.text.indexOf("HTTP/1.1 200", 5) > 0 && complete(r.text.substring(r.text.indexOf("HTTP/1.1 200", 5))) == 1,
                "both responses");
        String head = s.substring(0, s.indexOf("HTTP/1.1 200", 5));
        assertTrue(head.contains("Content-Length: 1000\r\n") && head.endsWith("\r\n\r\n"), head);
        assertTrue(source.get().closed);
        assertEquals(1000, s.length() - s.lastIndexOf("\r\n\r\n") - 4);
    }

    @Test
    void sourceEndingShortOfItsLengthCostsTheConnectionNotTheServer() throws Exception {
        start();
        server.addHandler((request, response) -> response.body(new Source(letters(100, 4), 100), 5000),
                Map.of(HttpHandler.PATH, "/short"));
        server.addHandler((request, response) -> response.body(new java.nio.channels.ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws java.io.IOException {
                throw new java.io.IOException("disk gone");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        }, -1), Map.of(HttpHandler.PATH, "/broken"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET /short HTTP/1.1\r\nHost: h\r\n\r\n"));
        String s = r.closed();
        assertTrue(s.contains("Content-Length: 5000\r\n"));
        assertEquals(100, s.length() - s.indexOf("\r\n\r\n") - 4, "what the source had, then the close");
        Reader b = new Reader(connect());
        b.peer.peerWrite(ascii("GET /broken HTTP/1.1\r\nHost: h\r\n\r\n"));
        String t = b.closed();
        assertTrue(t.contains("Transfer-Encoding: chunked") && !t.contains("\r\n0\r\n\r\n"), "no last chunk: the client sees the body cut");
        assertEquals(2, server.counter(HttpStatistic.HandlerErrors));
        Reader c = new Reader(connect());
        c.peer.peerWrite(ascii("GET /short HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(c.closed().startsWith("HTTP/1.1 200 OK"), "the server goes on");
    }

    @Test
    void handlerMayNotMixBytesAndASource() throws Exception {
        start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        server.addHandler((request, response) -> {
            response.body(new byte[] { 'x' });
            try {
                response.body(new Source(new byte[1], 1), 1);
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        }, Map.of(HttpHandler.PATH, "/"));
        Reader r = new Reader(connect());
        r.peer.peerWrite(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertTrue(r.responses(1).endsWith("\r\n\r\nx"));
        assertNotNull(thrown.get());
    }
}
