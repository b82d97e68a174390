package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.http.HttpHandler;
import dev.strata.testsupport.FakeSockets;
import dev.strata.testsupport.FakeSockets.FakeStreamSocket;

/**
 * Hostile input is normal input: real requests and responses (the captured fixtures), mutated at
 * random with a fixed seed, go through the parsers and the server. Nothing may throw, a parser's
 * result may not depend on how the bytes were cut, every error is one of the statuses a server
 * answers, and the server keeps serving.
 */
class HostileInputTest {

    /** Statuses a malformed request may get (RFC 9110 15.5, 15.6). */
    private static final Set<Integer> REQUEST_ERRORS = Set.of(400, 413, 414, 431, 501, 505);
    private static final String CHUNKED_POST = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=\"v\"\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n";
    private static final List<String> REQUESTS = List.of(RequestParserTest.CURL, RequestParserTest.WGET,
            RequestParserTest.PYTHON, RequestParserTest.CHROMIUM, CHUNKED_POST);
    private static final List<String> RESPONSES = List.of(ResponseParserTest.FILE, ResponseParserTest.LISTING,
            ResponseParserTest.NOT_FOUND,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n");
    /** Bytes that mean something to HTTP's grammar, favoured by the mutations. */
    private static final byte[] SPECIAL = { '\r', '\n', ' ', '\t', ':', ';', ',', '"', '0', 'f', '-', 0, (byte) 0x80,
            (byte) 0xFF, '/', '?', '%', '=' };

    private final FakeSockets sockets = new FakeSockets();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    /** {@code base} with 1 to 4 random mutations: a byte changed, inserted or deleted, a run deleted or repeated. */
    static byte[] mutate(byte[] base, Random random) {
        byte[] b = base;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            byte value = random.nextBoolean() ? SPECIAL[random.nextInt(SPECIAL.length)] : (byte) random.nextInt(256);
            switch (random.nextInt(5)) {
                case 0 -> {
                    b = b.clone();
                    b[at] = value;
                }
                case 1 -> b = splice(b, at, 0, new byte[] { value });
                case 2 -> b = splice(b, at, 1, new byte[0]);
                case 3 -> b = splice(b, at, Math.min(b.length - at, 1 + random.nextInt(16)), new byte[0]);
                default -> {
                    int n = Math.min(b.length - at, 1 + random.nextInt(64));
                    byte[] run = java.util.Arrays.copyOfRange(b, at, at + n);
                    b = splice(b, at, 0, run.length * 50 > 4000 ? run : repeat(run, 1 + random.nextInt(50)));
                }
            }
        }
        return b;
    }

    private static byte[] repeat(byte[] run, int times) {
        byte[] out = new byte[run.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(run, 0, out, i * run.length, run.length);
        }
        return out;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    @Test
    void mutatedRequestsParseTheSameWhateverTheCutsAndFailOnlyWithAServerStatus() {
        Random random = new Random(20261126);
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            String base = REQUESTS.get(random.nextInt(REQUESTS.size()));
            byte[] input = mutate(Feed.bytes(base + (random.nextBoolean() ? REQUESTS.get(random.nextInt(REQUESTS.size())) : "")),
                    random);
            List<String> whole = Feed.parse(new RequestParser(), input);
            Random cuts = new Random(i);
            List<String> pieces = Feed.parse(new RequestParser(), input, () -> 1 + cuts.nextInt(40));
            assertEquals(whole, pieces, () -> "input: " + new String(input, StandardCharsets.ISO_8859_1));
            for (String line : whole) {
                if (line.startsWith("ERROR ")) {
                    errors++;
                    int status = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                    assertTrue(REQUEST_ERRORS.contains(status), line);
                }
            }
        }
        assertTrue(errors > 1000, "the mutations reach the error paths: " + errors);
    }

    @Test
    void mutatedResponsesParseTheSameWhateverTheCuts() {
        Random random = new Random(1126);
        for (int i = 0; i < 10_000; i++) {
            byte[] input = mutate(Feed.bytes(RESPONSES.get(random.nextInt(RESPONSES.size()))), random);
            List<String> whole = Feed.parse(new ResponseParser(), input);
            Random cuts = new Random(i);
            assertEquals(whole, Feed.parse(new ResponseParser(), input, () -> 1 + cuts.nextInt(40)),
                    () -> "input: " + new String(input, StandardCharsets.ISO_8859_1));
        }
    }

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 [1-5]\\d\\d [^\r\n]*\r\n");

    @Test
    void theServerAnswersMutatedRequestsWithStatusLinesAndKeepsServing() throws Exception {
        server = new HttpServer(sockets, new HttpServer.Settings(new InetSocketAddress("0.0.0.0", 8080),
                HttpLimits.DEFAULT, 60_000), System::nanoTime, System::currentTimeMillis);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sockets.listener(8080) == null) {
            assertTrue(System.nanoTime() < deadline, "listening");
            Thread.sleep(2);
        }
        server.addHandler((request, response) -> response.body("ok " + request.body().remaining(), "text/plain"),
                Map.of(HttpHandler.PATH, "/"));
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            FakeStreamSocket peer = sockets.connect(8080);
            assertNotNull(peer);
            peer.peerWrite(mutate(Feed.bytes(REQUESTS.get(random.nextInt(REQUESTS.size()))), random));
            peer.peerShutdown(); // the server answers what it could parse, then closes
            StringBuilder text = new StringBuilder();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (peer.isOpen() && !peer.outputShutdown()) {
                text.append(new String(peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
                assertTrue(System.nanoTime() < deadline, "the server closes after answering: " + text);
                Thread.sleep(1);
            }
            text.append(new String(peer.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
            String s = text.toString();
            assertTrue(s.isEmpty() || STATUS_LINE.matcher(s).lookingAt(), s);
        }
        long waitClosed = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectionCount() > 0) {
            assertTrue(System.nanoTime() < waitClosed, "every connection closed");
            Thread.sleep(2);
        }
        assertEquals(0, server.counter(HttpStatistic.HandlerErrors));
        assertEquals(0, server.counter(HttpStatistic.Errors), "nothing failed inside the server");
        FakeStreamSocket clean = sockets.connect(8080);
        clean.peerWrite(Feed.bytes("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
        clean.peerShutdown();
        StringBuilder text = new StringBuilder();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!text.toString().endsWith("ok 0")) {
            text.append(new String(clean.peerRead(1 << 20), StandardCharsets.ISO_8859_1));
            assertTrue(System.nanoTime() < deadline, "served after the hostile ones: " + text);
            Thread.sleep(1);
        }
    }
}
