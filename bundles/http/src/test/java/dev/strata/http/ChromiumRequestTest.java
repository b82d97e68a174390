package dev.strata.http;

import static dev.strata.http.Feed.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The parser on the requests a real Chromium sends: one page load, three requests on one
 * keep-alive connection.
 *
 * <p>Captured 2026-11-26 with Debian's chromium 156.0.8078.108 (bookworm): in a throwaway
 * namespace ({@code ip netns add shcap}, lo up, 198.18.9.1/32 on lo) a python3 socket server on
 * 198.18.9.1:8080 wrote every request head it received to a file, per connection, and answered
 * an HTML page with {@code <img src="/pixel.png">} (Content-Length, no Connection header), then
 * {@code ip netns exec shcap chromium --headless --no-sandbox --disable-gpu --disable-quic
 * --no-first-run --disable-background-networking --disable-component-update --disable-sync
 * --user-data-dir=FRESH --screenshot=s.png --window-size=1280,900 http://198.18.9.1:8080/}.
 * Chromium sent the navigation, the image and /favicon.ico, in that order, on ONE connection.
 * (A plain-http origin is not a secure context, so Chromium sends no {@code sec-ch-ua} client
 * hints and no {@code Sec-Fetch-*} headers here; {@code --dump-dom} sent the same navigation.)
 */
class ChromiumRequestTest {

    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "HeadlessChrome/156.0.0.0 Safari/537.36";
    static final String NAVIGATION = "GET / HTTP/1.1\r\n"
            + "Host: 198.18.9.1:8080\r\n"
            + "Connection: keep-alive\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: " + USER_AGENT + "\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,"
            + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "\r\n";
    static final String IMAGE = "GET /pixel.png HTTP/1.1\r\n"
            + "Host: 198.18.9.1:8080\r\n"
            + "Connection: keep-alive\r\n"
            + "User-Agent: " + USER_AGENT + "\r\n"
            + "Accept: image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8\r\n"
            + "Referer: http://198.18.9.1:8080/\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "\r\n";
    static final String FAVICON = IMAGE.replace("GET /pixel.png ", "GET /favicon.ico ");

    private static RequestParser headersOf(String request) {
        RequestParser p = new RequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(request));
        assertEquals(MessageParser.Event.HEADERS, p.next(in));
        assertEquals(MessageParser.Event.COMPLETE, p.next(in));
        assertFalse(in.hasRemaining(), "the whole head is consumed");
        return p;
    }

    private static List<String> headerLines(RequestParser p) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < p.headerCount(); i++) {
            lines.add(p.headerName(i) + ": " + p.headerValue(i));
        }
        return lines;
    }

    @Test
    void parsesChromiumsNavigationRequestHeaderByHeader() {
        RequestParser p = headersOf(NAVIGATION);
        assertEquals("GET", p.method());
        assertEquals("/", p.target());
        assertEquals(RequestParser.TargetForm.ORIGIN, p.targetForm());
        assertEquals(1, p.minorVersion());
        assertTrue(p.keepAlive());
        assertFalse(p.expectContinue());
        assertEquals(MessageParser.Framing.NONE, p.framing());
        assertEquals(List.of(
                "Host: 198.18.9.1:8080",
                "Connection: keep-alive",
                "Upgrade-Insecure-Requests: 1",
                "User-Agent: " + USER_AGENT,
                "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,"
                        + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
                "Accept-Encoding: gzip, deflate",
                "Accept-Language: en-US,en;q=0.9"), headerLines(p));
    }

    @Test
    void looksUpChromiumsHeadersCaseInsensitivelyAndByToken() {
        RequestParser p = headersOf(NAVIGATION);
        assertEquals("198.18.9.1:8080", p.header("HOST"));
        assertEquals("1", p.header("upgrade-insecure-requests"));
        assertTrue(p.header("User-Agent").contains("HeadlessChrome/156"));
        assertTrue(p.headerHasToken("connection", "Keep-Alive"));
        assertTrue(p.headerHasToken("Accept-Encoding", "deflate"));
        assertFalse(p.headerHasToken("Accept-Encoding", "br"), "no brotli over plain http");
        assertNull(p.header("Sec-Fetch-Mode"), "no Sec-Fetch-* outside a secure context");
        assertNull(p.header("Content-Length"));
        assertEquals(-1, p.indexOf("Transfer-Encoding"));
    }

    @Test
    void parsesChromiumsSubresourceRequestsWithReferer() {
        RequestParser image = headersOf(IMAGE);
        assertEquals("/pixel.png", image.target());
        assertEquals(List.of(
                "Host: 198.18.9.1:8080",
                "Connection: keep-alive",
                "User-Agent: " + USER_AGENT,
                "Accept: image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
                "Referer: http://198.18.9.1:8080/",
                "Accept-Encoding: gzip, deflate",
                "Accept-Language: en-US,en;q=0.9"), headerLines(image));
        assertEquals("http://198.18.9.1:8080/", image.header("referer"));
        assertTrue(image.keepAlive());
        RequestParser favicon = headersOf(FAVICON);
        assertEquals("/favicon.ico", favicon.target());
        assertEquals(headerLines(image), headerLines(favicon));
    }

    /** The whole connection as Chromium wrote it, read the way the server reads its socket. */
    @Test
    void parsesTheThreeRequestsOfOneConnectionAtAnyChunking() {
        byte[] connection = bytes(NAVIGATION + IMAGE + FAVICON);
        List<String> whole = Feed.parse(new RequestParser(), connection);
        assertEquals(3, whole.size(), whole.toString());
        assertTrue(whole.get(0).startsWith("GET / ORIGIN 1.1 keep-alive NONE [Host=198.18.9.1:8080] [Connection=keep-alive]"),
                whole.get(0));
        assertTrue(whole.get(1).startsWith("GET /pixel.png ORIGIN 1.1 keep-alive NONE"), whole.get(1));
        assertTrue(whole.get(2).startsWith("GET /favicon.ico ORIGIN 1.1 keep-alive NONE"), whole.get(2));
        assertEquals(whole, Feed.parse(new RequestParser(), connection, () -> 1));
        Random random = new Random(156);
        for (int i = 0; i < 200; i++) {
            assertEquals(whole, Feed.parse(new RequestParser(), connection, () -> 1 + random.nextInt(64)));
        }
    }
}
