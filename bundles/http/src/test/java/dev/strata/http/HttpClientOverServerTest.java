package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;
import dev.strata.http.client.PeerSockets;
import dev.strata.http.client.StackHttpClient;
import dev.strata.testsupport.FakeSockets;

/** The client against the bundle's own whiteboard server, both over the fake socket layer (one process, no TCP). */
class HttpClientOverServerTest {

    private static final int PORT = 8080;
    private static final String BASE = "http://198.18.0.2:" + PORT;

    private final FakeSockets sockets = new FakeSockets();
    private final StackHttpClient client = new StackHttpClient(new PeerSockets(sockets), "strata-curl/0.1.0");
    private final byte[] big = new byte[3 << 20];
    private HttpServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = new HttpServer(sockets, new HttpServer.Settings(new InetSocketAddress("0.0.0.0", PORT), HttpLimits.DEFAULT, 5000),
                System::nanoTime, System::currentTimeMillis);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sockets.listener(PORT) == null) {
            assertTrue(System.nanoTime() < deadline, "server not listening");
            Thread.sleep(2);
        }
        new Random(9).nextBytes(big);
        server.addHandler((request, response) -> response.body("hi " + request.header("User-Agent"), "text/plain"),
                Map.of(HttpHandler.PATH, "/hello"));
        server.addHandler((request, response) -> {
            ByteBuffer body = request.body();
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            response.header("X-Method", request.method()).body(request.method() + " " + new String(bytes, StandardCharsets.UTF_8),
                    "text/plain");
        }, Map.of(HttpHandler.PATH, "/echo"));
        server.addHandler((request, response) -> response.status(303).header("Location", "/echo"), Map.of(HttpHandler.PATH, "/form"));
        server.addHandler((request, response) -> response.body(big), Map.of(HttpHandler.PATH, "/big"));
    }

    @AfterEach
    void stop() {
        server.deactivate();
    }

    private static Request.Builder request(String path) {
        return Request.builder(URI.create(BASE + path)).timeout(Duration.ofSeconds(10));
    }

    private String text(Request request, Response[] response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response[0] = client.send(request, BodySink.to(out));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void getsAHandlersAnswer() throws Exception {
        Response[] response = new Response[1];
        assertEquals("hi strata-curl/0.1.0", text(request("/hello").build(), response));
        assertEquals(200, response[0].status());
        assertEquals("text/plain", response[0].headers().first("content-type").orElseThrow());
    }

    @Test
    void headGetsTheHeadersOnly() throws Exception {
        Response[] response = new Response[1];
        assertEquals("", text(request("/hello").method("HEAD").build(), response));
        assertEquals(String.valueOf("hi strata-curl/0.1.0".length()), response[0].headers().first("Content-Length").orElseThrow());
    }

    @Test
    void postsABodyWithContentLength() throws Exception {
        Response[] response = new Response[1];
        assertEquals("POST a=1", text(request("/echo").post("a=1".getBytes()).build(), response));
    }

    @Test
    void followsTheServersSeeOtherWithAGet() throws Exception {
        Response[] response = new Response[1];
        assertEquals("GET ", text(request("/form").post("a=1".getBytes()).followRedirects(true).build(), response));
        assertEquals(1, response[0].redirects());
        assertEquals(URI.create(BASE + "/echo"), response[0].uri());
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertEquals(404, client.send(request("/nothing").build()).status());
    }

    @Test
    void downloadsMegabytesIntact() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Response response = client.send(request("/big").build(), BodySink.to(out));
        assertEquals(big.length, response.bodyLength());
        assertArrayEquals(big, out.toByteArray());
    }

    @Test
    void portWithoutListenerIsRefused() {
        HttpClientException e = assertThrows(HttpClientException.class,
                () -> client.send(Request.get(URI.create("http://198.18.0.2:81/"))));
        assertEquals("Failed to connect to 198.18.0.2 port 81: Connection refused", e.getMessage());
    }
}
