package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.Headers;
import dev.strata.api.http.client.HttpClient;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.HttpClientException.Kind;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;

/** What {@code curl} sends through the HttpClient service and prints: body, -i/-I headers, -v trace, -o file, errors. */
class CurlCommandTest {

    /** Answers every request with {@link #response} and {@link #body}, telling the trace as the real client does; or fails with {@link #failure}. */
    static final class FakeClient implements HttpClient {
        Request sent;
        Response response = new Response(URI.create("http://198.18.0.1/"), 1, 200, "OK",
                Headers.of("Content-Type", "text/plain", "Content-Length", "6"), Headers.empty(), -1, 0);
        byte[] body = "hello\n".getBytes(StandardCharsets.US_ASCII);
        HttpClientException failure;

        @Override
        public Response send(Request request, BodySink sink) throws HttpClientException {
            sent = request;
            if (failure != null) {
                throw failure;
            }
            InetSocketAddress remote = new InetSocketAddress("198.18.0.1", 80);
            request.trace().connecting(remote);
            request.trace().connected(new InetSocketAddress("198.18.0.2", 40000), remote);
            request.trace().requestSent(request, request.method() + " / HTTP/1.1\r\nHost: 198.18.0.1\r\nAccept: */*\r\n\r\n");
            request.trace().responseReceived(response);
            try {
                WritableByteChannel channel = sink.open(response);
                if (channel != null) {
                    channel.write(ByteBuffer.wrap(body));
                }
            } catch (IOException e) {
                throw new HttpClientException(Kind.WRITE_FAILED, "Failure writing output to destination: " + e.getMessage(), e);
            }
            return response.completed(Headers.empty(), body.length);
        }
    }

    private final FakeClient client = new FakeClient();
    private final CurlCommand command = new CurlCommand();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    {
        command.client = client;
    }

    private void run(String... words) {
        command.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), List.of(words));
    }

    private String failure(String... words) {
        return assertThrows(CommandException.class, () -> run(words)).getMessage();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void bodyGoesToTheConsoleAndNothingElse() {
        run("http://198.18.0.1/");
        assertEquals("hello\n", out());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals("GET", client.sent.method());
        assertEquals(URI.create("http://198.18.0.1/"), client.sent.uri());
        assertFalse(client.sent.followRedirects());
        assertEquals(null, client.sent.timeout());
    }

    @Test
    void urlWithoutSchemeIsHttpAsCurlGuesses() {
        run("198.18.0.1:8000/x");
        assertEquals(URI.create("http://198.18.0.1:8000/x"), client.sent.uri());
    }

    @Test
    void outputFileGetsTheBodyAndTheConsoleNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("body.bin");
        run("-o", file.toString(), "http://198.18.0.1/");
        assertArrayEquals(client.body, Files.readAllBytes(file));
        assertEquals("", out());
    }

    @Test
    void relativeOutputFileGoesToTheDataDirectory(@TempDir Path dir) throws IOException {
        String before = System.getProperty(CurlCommand.DATA_PROPERTY);
        System.setProperty(CurlCommand.DATA_PROPERTY, dir.toString());
        try {
            run("-o", "saved.txt", "http://198.18.0.1/");
            assertArrayEquals(client.body, Files.readAllBytes(dir.resolve("saved.txt")));
        } finally {
            if (before == null) {
                System.clearProperty(CurlCommand.DATA_PROPERTY);
            } else {
                System.setProperty(CurlCommand.DATA_PROPERTY, before);
            }
        }
    }

    @Test
    void outputFileThatCannotBeCreatedIsCurlError23(@TempDir Path dir) {
        String message = failure("-o", dir.resolve("no/such/dir/x").toString(), "http://198.18.0.1/");
        assertTrue(message.startsWith("curl: (23) Failure writing output to destination: cannot open "), message);
        assertTrue(message.endsWith(": No such file or directory"), message);
    }

    @Test
    void headPrintsTheHeaderSectionWithCrlf() {
        client.body = new byte[0];
        run("-I", "http://198.18.0.1/");
        assertEquals("HEAD", client.sent.method());
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n", out());
    }

    @Test
    void includePrintsTheHeaderSectionBeforeTheBody() {
        run("-i", "http://198.18.0.1/");
        assertEquals(List.of("HTTP/1.1 200 OK", "Content-Type: text/plain", "Content-Length: 6", "", "hello"), out().lines().toList());
    }

    @Test
    void verboseTracesTheExchangeOnTheErrorStreamAsCurl() {
        run("-v", "http://198.18.0.1/");
        assertEquals(List.of("*   Trying 198.18.0.1:80...", "* Connected to 198.18.0.1 (198.18.0.1) port 80", "> GET / HTTP/1.1",
                "> Host: 198.18.0.1", "> Accept: */*", "> ", "< HTTP/1.1 200 OK", "< Content-Type: text/plain", "< Content-Length: 6",
                "< "), errLines());
        assertEquals("hello\n", out());
    }

    @Test
    void dataIsAFormPostAndHeadersAreSent() {
        run("-d", "a=1", "-d", "b=2", "-H", "X-Trace: on", "-H", "Accept: text/plain", "-L", "-m", "2.5", "--connect-timeout", "1",
                "http://198.18.0.1/form");
        Request sent = client.sent;
        assertEquals("POST", sent.method());
        assertEquals("a=1&b=2", new String(sent.body(), StandardCharsets.UTF_8));
        assertEquals("application/x-www-form-urlencoded", sent.headers().first("content-type").orElseThrow());
        assertEquals("on", sent.headers().first("X-Trace").orElseThrow());
        assertEquals("text/plain", sent.headers().first("Accept").orElseThrow());
        assertTrue(sent.followRedirects());
        assertEquals(2500, sent.timeout().toMillis());
        assertEquals(1000, sent.connectTimeout().toMillis());
    }

    @Test
    void givenContentTypeReplacesTheFormDefault() {
        run("-d", "{}", "-H", "Content-Type: application/json", "http://198.18.0.1/");
        assertEquals(List.of("application/json"), client.sent.headers().all("Content-Type"));
    }

    @Test
    void headerWithoutValueIsNotSent() {
        run("-H", "X-Gone:", "http://198.18.0.1/");
        assertFalse(client.sent.headers().contains("X-Gone"));
    }

    @Test
    void failuresAreCurlsErrorLines() {
        client.failure = new HttpClientException(Kind.CONNECTION_REFUSED, "Failed to connect to 198.18.8.1 port 80: Connection refused");
        assertEquals("curl: (7) Failed to connect to 198.18.8.1 port 80: Connection refused", failure("http://198.18.8.1/"));
        client.failure = new HttpClientException(Kind.CONNECT_TIMEOUT, "Connection timed out after 2001 milliseconds");
        assertEquals("curl: (28) Connection timed out after 2001 milliseconds", failure("-m", "2", "http://198.18.8.77/"));
        client.failure = new HttpClientException(Kind.NO_ROUTE_TO_HOST, "Failed to connect to 198.18.9.1 port 80: No route to host");
        assertEquals("curl: (7) Failed to connect to 198.18.9.1 port 80: No route to host", failure("http://198.18.9.1/"));
        client.failure = new HttpClientException(Kind.UNRESOLVED_HOST, "Could not resolve host: example.com");
        assertEquals("curl: (6) Could not resolve host: example.com", failure("http://example.com/"));
    }

    @Test
    void everyFailureKindHasACurlExitCode() {
        for (Kind kind : Kind.values()) {
            assertTrue(CurlCommand.exitCode(kind) > 0, kind.toString());
        }
        assertEquals(47, CurlCommand.exitCode(Kind.TOO_MANY_REDIRECTS));
    }

    @Test
    void failOnErrorStatusPrintsNoBodyAndFails() {
        client.response = new Response(URI.create("http://198.18.0.1/x"), 1, 404, "Not Found", Headers.empty(), Headers.empty(), -1, 0);
        assertEquals("curl: (22) The requested URL returned error: 404", failure("-f", "http://198.18.0.1/x"));
        assertEquals("", out());
        out.reset();
        run("http://198.18.0.1/x"); // without -f an error page is just a page
        assertEquals("hello\n", out());
    }

    @Test
    void withoutTheClientServiceTheCommandSaysWhy() {
        command.client = null;
        assertEquals("curl: the HTTP client (bundle strata-http) is not running", failure("http://198.18.0.1/"));
    }
}
