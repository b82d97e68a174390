package dev.strata.http.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.HttpClientException.Kind;
import dev.strata.api.http.client.HttpTrace;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;
import dev.strata.api.socket.SocketError;

/** The client against scripted peers on the JDK's loopback: framing, interim responses, redirects, timeouts, failures. */
class HttpClientTest {

    private static final String AGENT = "strata-curl/1.2.3";

    private final JdkSockets sockets = new JdkSockets();
    private final StackHttpClient client = new StackHttpClient(sockets, AGENT);
    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private ScriptedServer serve(ScriptedServer.Script script) throws IOException {
        server = new ScriptedServer(script);
        return server;
    }

    private static Request.Builder request(String url) {
        return Request.builder(URI.create(url)).timeout(Duration.ofSeconds(10));
    }

    /** Sends and returns the body as text, the response in {@code into[0]}. */
    private String fetch(Request request, Response[] into) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        into[0] = client.send(request, BodySink.to(body));
        return body.toString(StandardCharsets.ISO_8859_1);
    }

    private HttpClientException failure(Request request) {
        return assertThrows(HttpClientException.class, () -> client.send(request));
    }

    @Test
    void contentLengthBodyArrivesWithCaseInsensitiveHeaders() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\ncontent-TYPE: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 11\r\n\r\nhello world");
            return true;
        });
        Response[] response = new Response[1];
        assertEquals("hello world", fetch(request(server.url("/a/b?q=1&r")).build(), response));
        assertEquals(200, response[0].status());
        assertEquals("OK", response[0].reason());
        assertEquals("HTTP/1.1 200 OK", response[0].statusLine());
        assertEquals("text/plain", response[0].headers().first("Content-Type").orElseThrow());
        assertEquals(List.of("a=1", "b=2"), response[0].headers().all("set-cookie"));
        assertEquals(11, response[0].bodyLength());
        assertEquals(0, response[0].redirects());

        ScriptedServer.Received received = server.requests.get(0);
        assertEquals("GET /a/b?q=1&r HTTP/1.1", received.requestLine());
        assertEquals("127.0.0.1:" + server.port(), received.header("Host"));
        assertEquals(AGENT, received.header("User-Agent"));
        assertEquals("*/*", received.header("Accept"));
        assertNull(received.header("Content-Length"), "a GET without a body has no Content-Length");
    }

    @Test
    void requestHeadersReplaceTheClientsOwnAndAreSentInOrder() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 204 No Content\r\n\r\n");
            return true;
        });
        client.send(request(server.url("")).header("Host", "example.test").header("User-Agent", "me/1").header("X-One", "1")
                .header("x-two", "2").build());
        ScriptedServer.Received received = server.requests.get(0);
        assertEquals("GET / HTTP/1.1", received.requestLine(), "an empty path is sent as /");
        assertEquals("example.test", received.header("host"));
        assertEquals("me/1", received.header("user-agent"));
        assertEquals(List.of("host", "accept", "user-agent", "x-one", "x-two"), List.copyOf(received.headers().keySet()));
    }

    @Test
    void chunkedBodyIsDecodedAndItsTrailersKept() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n");
            a.write("5\r\nhello\r\n");
            a.write("1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Checksum: abc123\r\nX-Other: z\r\n\r\n");
            return true;
        });
        Response[] response = new Response[1];
        assertEquals("hello world!", fetch(request(server.url("/chunked")).build(), response));
        assertEquals(12, response[0].bodyLength());
        assertEquals("abc123", response[0].trailers().first("x-checksum").orElseThrow());
        assertEquals(2, response[0].trailers().size());
    }

    @Test
    void closeDelimitedBodyEndsWhenThePeerCloses() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
            return false;
        });
        Response[] response = new Response[1];
        assertEquals("until the end", fetch(request(server.url("/")).build(), response));
        assertEquals("HTTP/1.0", response[0].version());
        assertEquals(13, response[0].bodyLength());
    }

    @Test
    void headResponseEndsAfterItsHeadersDespiteContentLength() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
            return true; // and nothing more: a client waiting for 100000 bytes would time out
        });
        Response[] response = new Response[1];
        long start = System.nanoTime();
        assertEquals("", fetch(request(server.url("/")).method("HEAD").timeout(Duration.ofSeconds(5)).build(), response));
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "HEAD waited for a body");
        assertEquals("HEAD / HTTP/1.1", server.requests.get(0).requestLine());
        assertEquals("100000", response[0].headers().first("content-length").orElseThrow());
        assertEquals(0, response[0].bodyLength());
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        serve((r, a) -> {
            a.write(r.target().equals("/204") ? "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
                    : "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
            return true;
        });
        assertEquals(204, client.send(request(server.url("/204")).build()).status());
        assertEquals(304, client.send(request(server.url("/304")).build()).status());
    }

    @Test
    void interimResponsesAreSkippedAndTraced() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        List<Integer> seen = new ArrayList<>();
        HttpTrace trace = new HttpTrace() {
            @Override
            public void responseReceived(Response response) {
                seen.add(response.status());
            }
        };
        Response[] response = new Response[1];
        assertEquals("ok", fetch(request(server.url("/")).post("x".getBytes()).trace(trace).build(), response));
        assertEquals(201, response[0].status());
        assertEquals(List.of(100, 103, 201), seen);
    }

    @Test
    void redirectIsReturnedAsItIsWithoutFollowRedirects() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 3\r\n\r\nbye");
            return true;
        });
        Response[] response = new Response[1];
        assertEquals("bye", fetch(request(server.url("/")).build(), response));
        assertEquals(302, response[0].status());
        assertEquals(1, server.requests.size());
    }

    @Test
    void redirectsAreFollowedOnOneConnectionWhenItStaysOpen() throws Exception {
        serve((r, a) -> {
            switch (r.target()) {
                case "/a" -> a.write("HTTP/1.1 301 Moved Permanently\r\nLocation: /b?x=1\r\nContent-Length: 5\r\n\r\nmoved");
                case "/b?x=1" -> a.write("HTTP/1.1 302 Found\r\nLocation: c\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                case "/c" -> a.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
                default -> a.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
            return true;
        });
        Response[] response = new Response[1];
        assertEquals("done", fetch(request(server.url("/a")).followRedirects(true).build(), response));
        assertEquals(200, response[0].status());
        assertEquals(2, response[0].redirects());
        assertEquals(URI.create(server.url("/c")), response[0].uri());
        assertEquals(List.of("GET /a HTTP/1.1", "GET /b?x=1 HTTP/1.1", "GET /c HTTP/1.1"),
                server.requests.stream().map(ScriptedServer.Received::requestLine).toList());
        assertEquals(1, server.connections(), "the connection is reused for the redirects");
    }

    @Test
    void redirectToAClosedConnectionOpensANewOne() throws Exception {
        serve((r, a) -> {
            if (r.target().equals("/a")) {
                a.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\nConnection: close\r\n\r\n");
                return false;
            }
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        Response[] response = new Response[1];
        assertEquals("ok", fetch(request(server.url("/a")).followRedirects(true).build(), response));
        assertEquals(2, server.connections());
    }

    @Test
    void seeOtherTurnsAPostIntoAGetWithoutBody() throws Exception {
        serve((r, a) -> {
            if (r.target().equals("/form")) {
                a.write("HTTP/1.1 303 See Other\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n");
            } else {
                a.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
            return true;
        });
        client.send(request(server.url("/form")).post("a=1&b=2".getBytes()).header("Content-Type", "application/x-www-form-urlencoded")
                .followRedirects(true).build());
        ScriptedServer.Received post = server.requests.get(0);
        assertEquals("POST /form HTTP/1.1", post.requestLine());
        assertEquals("7", post.header("content-length"));
        assertEquals("a=1&b=2", new String(post.body(), StandardCharsets.US_ASCII));
        ScriptedServer.Received get = server.requests.get(1);
        assertEquals("GET /done HTTP/1.1", get.requestLine());
        assertNull(get.header("content-length"));
        assertNull(get.header("content-type"));
        assertEquals(0, get.body().length);
    }

    @Test
    void postAnsweredByFoundBecomesGetAsCurlDoes() throws Exception {
        serve((r, a) -> {
            a.write(r.target().equals("/p") ? "HTTP/1.1 302 Found\r\nLocation: /g\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        client.send(request(server.url("/p")).post("x".getBytes()).followRedirects(true).build());
        assertEquals("GET /g HTTP/1.1", server.requests.get(1).requestLine());
    }

    @Test
    void temporaryAndPermanentRedirectsRepeatMethodAndBody() throws Exception {
        serve((r, a) -> {
            switch (r.target()) {
                case "/1" -> a.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /2\r\nContent-Length: 0\r\n\r\n");
                case "/2" -> a.write("HTTP/1.1 308 Permanent Redirect\r\nLocation: /3\r\nContent-Length: 0\r\n\r\n");
                default -> a.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            }
            return true;
        });
        client.send(request(server.url("/1")).method("PUT").body("data".getBytes()).followRedirects(true).build());
        for (ScriptedServer.Received received : server.requests) {
            assertEquals("PUT", received.method());
            assertEquals("data", new String(received.body(), StandardCharsets.US_ASCII));
        }
        assertEquals(3, server.requests.size());
    }

    @Test
    void redirectLoopStopsAfterTheLimitAsCurlDoes() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        HttpClientException e = failure(request(server.url("/loop")).followRedirects(true).build());
        assertEquals(Kind.TOO_MANY_REDIRECTS, e.kind());
        assertEquals("Maximum (50) redirects followed", e.getMessage());
        assertEquals(51, server.requests.size(), "the request and 50 redirects");

        server.requests.clear();
        assertEquals("Maximum (3) redirects followed",
                failure(request(server.url("/loop")).followRedirects(true).maxRedirects(3).build()).getMessage());
        assertEquals(4, server.requests.size());
    }

    @Test
    void refusedConnectionIsReportedInCurlsWords() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        HttpClientException e = failure(Request.get(URI.create("http://127.0.0.1:" + port + "/")));
        assertEquals(Kind.CONNECTION_REFUSED, e.kind());
        assertEquals("Failed to connect to 127.0.0.1 port " + port + ": Connection refused", e.getMessage());
    }

    @Test
    void unreachableHostIsNoRouteToHost() {
        sockets.failConnects(8081, SocketError.EHOSTUNREACH);
        HttpClientException e = failure(Request.get(URI.create("http://198.18.0.9:8081/")));
        assertEquals(Kind.NO_ROUTE_TO_HOST, e.kind());
        assertEquals("Failed to connect to 198.18.0.9 port 8081: No route to host", e.getMessage());
    }

    @Test
    void handshakeThatNobodyAnswersTimesOutWithTheOverallTimeout() {
        sockets.dropSyns(8082);
        long start = System.nanoTime();
        HttpClientException e = failure(request("http://198.18.0.9:8082/").timeout(Duration.ofMillis(300)).build());
        assertEquals(Kind.CONNECT_TIMEOUT, e.kind());
        assertTrue(Pattern.matches("Connection timed out after (\\d+) milliseconds", e.getMessage()), e.getMessage());
        long millis = Long.parseLong(e.getMessage().replaceAll("\\D", ""));
        assertTrue(millis >= 300 && millis < 2000, e.getMessage());
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
    }

    @Test
    void connectTimeoutBoundsTheHandshakeAlone() {
        sockets.dropSyns(8083);
        HttpClientException e = failure(request("http://198.18.0.9:8083/").connectTimeout(Duration.ofMillis(200)).build());
        assertEquals(Kind.CONNECT_TIMEOUT, e.kind());
    }

    @Test
    void silentPeerTimesOutWithTheBytesReceived() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            Thread.sleep(5000);
            return false;
        });
        long start = System.nanoTime();
        HttpClientException e = failure(request(server.url("/")).timeout(Duration.ofMillis(400)).build());
        assertEquals(Kind.TIMEOUT, e.kind());
        assertTrue(Pattern.matches("Operation timed out after \\d+ milliseconds with 10 bytes received", e.getMessage()), e.getMessage());
        assertTrue(System.nanoTime() - start < 3_000_000_000L);
    }

    @Test
    void truncatedBodyIsAPartialTransfer() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            return false;
        });
        HttpClientException e = failure(request(server.url("/")).build());
        assertEquals(Kind.PARTIAL_BODY, e.kind());
        assertEquals("transfer closed with 90 bytes remaining to read", e.getMessage());
    }

    @Test
    void peerThatClosesWithoutAnsweringIsAnEmptyReply() throws Exception {
        serve((r, a) -> false);
        HttpClientException e = failure(request(server.url("/")).build());
        assertEquals(Kind.EMPTY_RESPONSE, e.kind());
        assertEquals("Empty reply from server", e.getMessage());
    }

    @Test
    void somethingOtherThanHttpIsAWeirdServerReply() throws Exception {
        serve((r, a) -> {
            a.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
            return false;
        });
        HttpClientException e = failure(request(server.url("/")).build());
        assertEquals(Kind.MALFORMED_RESPONSE, e.kind());
        assertTrue(e.getMessage().startsWith("Weird server reply"), e.getMessage());
    }

    @Test
    void brokenChunkedFramingIsMalformed() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
            return false;
        });
        assertEquals(Kind.MALFORMED_RESPONSE, failure(request(server.url("/")).build()).kind());
    }

    @Test
    void onlyIpv4LiteralsAndLocalhostAreHosts() {
        HttpClientException dns = failure(Request.get(URI.create("http://example.com/")));
        assertEquals(Kind.UNRESOLVED_HOST, dns.kind());
        assertEquals("Could not resolve host: example.com (the stack has no DNS: use an IPv4 address or localhost)", dns.getMessage());
        assertEquals(Kind.UNSUPPORTED_PROTOCOL, failure(Request.get(URI.create("https://198.18.0.1/"))).kind());
        assertEquals(Kind.MALFORMED_URL, failure(Request.get(URI.create("198.18.0.1/x"))).kind());
        assertEquals(0, sockets.opened, "nothing was connected");
    }

    @Test
    void localhostIsTheLoopbackAddress() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        client.send(request("http://localhost:" + server.port() + "/").build());
        assertEquals("localhost:" + server.port(), server.requests.get(0).header("host"));
    }

    @Test
    void largeBodyIsStreamedToTheSinkInPieces() throws Exception {
        byte[] big = new byte[8 << 20];
        new Random(5).nextBytes(big);
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n");
            a.write(big);
            return true;
        });
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long[] writes = new long[2];
        WritableByteChannel digest = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                writes[0]++;
                writes[1] = Math.max(writes[1], n);
                sha.update(src);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        Response response = client.send(request(server.url("/big")).build(), BodySink.to(digest));
        assertEquals(big.length, response.bodyLength());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(big), sha.digest());
        assertTrue(writes[1] <= Exchange.BUFFER_SIZE, "pieces of at most the read buffer, not the whole body");
        assertTrue(writes[0] > 100);
    }

    @Test
    void sinkSeesTheFinalResponseBeforeItsBody() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
            return true;
        });
        int[] status = new int[1];
        Response response = client.send(request(server.url("/")).build(), r -> {
            status[0] = r.status();
            assertEquals(-1, r.bodyLength());
            return null; // discard
        });
        assertEquals(404, status[0]);
        assertEquals(9, response.bodyLength());
        assertFalse(response.isRedirect());
    }

    @Test
    void sinkFailureIsAWriteFailure() throws Exception {
        serve((r, a) -> {
            a.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        HttpClientException e = assertThrows(HttpClientException.class, () -> client.send(request(server.url("/")).build(), r -> {
            throw new IOException("disk full");
        }));
        assertEquals(Kind.WRITE_FAILED, e.kind());
    }
}
