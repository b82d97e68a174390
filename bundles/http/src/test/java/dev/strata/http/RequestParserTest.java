package dev.strata.http;

import static dev.strata.http.Feed.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RequestParserTest {

    // Captured 2026-11-26 in a throwaway network namespace (ip netns add httpcap; 198.18.0.1/32 on
    // its lo) with a Python socket server on 198.18.0.1:8080 that wrote the received bytes to a
    // file, then: curl -s http://198.18.0.1:8080/index.html?q=1 (curl 7.88.1, Debian 12),
    // wget -q -O /dev/null http://198.18.0.1:8080/files/a.txt (GNU Wget 1.21.3), and Python 3.11.7
    // http.client: request('POST', '/api/items', body=b'{"a":1}', headers={'Content-Type':
    // 'application/json'}). The server recorded up to the empty line; the 7-byte body is what the
    // script sent.
    static final String CURL = "GET /index.html?q=1 HTTP/1.1\r\nHost: 198.18.0.1:8080\r\n"
            + "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    static final String WGET = "GET /files/a.txt HTTP/1.1\r\nHost: 198.18.0.1:8080\r\n"
            + "User-Agent: Wget/1.21.3\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
            + "Connection: Keep-Alive\r\n\r\n";
    static final String PYTHON = "POST /api/items HTTP/1.1\r\nHost: 198.18.0.1:8080\r\n"
            + "Accept-Encoding: identity\r\nContent-Length: 7\r\nContent-Type: application/json\r\n\r\n"
            + "{\"a\":1}";
    // Chromium 156's navigation request, captured in a namespace (ChromiumRequestTest says how).
    static final String CHROMIUM = ChromiumRequestTest.NAVIGATION;

    static List<String> parse(String s) {
        return Feed.parse(new RequestParser(), bytes(s));
    }

    static String error(String s) {
        List<String> r = parse(s);
        return r.get(r.size() - 1);
    }

    static RequestParser headers(String s) {
        RequestParser p = new RequestParser();
        assertEquals(MessageParser.Event.HEADERS, p.next(ByteBuffer.wrap(bytes(s))));
        return p;
    }

    @Test
    void parsesCurlRequest() {
        assertEquals(List.of("GET /index.html?q=1 ORIGIN 1.1 keep-alive NONE [Host=198.18.0.1:8080]"
                + " [User-Agent=curl/7.88.1] [Accept=*/*] body="), parse(CURL));
    }

    @Test
    void parsesWgetRequestWithKeepAliveToken() {
        RequestParser p = headers(WGET);
        assertEquals("/files/a.txt", p.target());
        assertTrue(p.keepAlive());
        assertEquals("identity", p.header("accept-encoding"));
        assertEquals(5, p.headerCount());
    }

    @Test
    void parsesPythonPostWithBody() {
        assertEquals(List.of("POST /api/items ORIGIN 1.1 keep-alive LENGTH [Host=198.18.0.1:8080]"
                + " [Accept-Encoding=identity] [Content-Length=7] [Content-Type=application/json]"
                + " body={\"a\":1}"), parse(PYTHON));
    }

    @Test
    void sameResultAtEveryByteBoundaryAndRandomChunks() {
        String all = CURL + WGET + PYTHON + CHROMIUM
                + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;name=\"v\"\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n";
        byte[] data = bytes(all);
        List<String> whole = Feed.parse(new RequestParser(), data);
        assertEquals(5, whole.size(), whole.toString());
        assertEquals(whole, Feed.parse(new RequestParser(), data, () -> 1));
        for (int cut = 1; cut < data.length; cut++) {
            int c = cut;
            int[] calls = {0};
            assertEquals(whole, Feed.parse(new RequestParser(), data, () -> calls[0]++ == 0 ? c : Integer.MAX_VALUE),
                    "cut at " + cut);
        }
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            assertEquals(whole, Feed.parse(new RequestParser(), data, () -> 1 + random.nextInt(40)));
        }
    }

    @Test
    void leavesPipelinedRequestUnconsumed() {
        RequestParser p = new RequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(CURL + WGET));
        assertEquals(MessageParser.Event.HEADERS, p.next(in));
        assertEquals(MessageParser.Event.COMPLETE, p.next(in));
        assertEquals(CURL.length(), in.position());
        p.reset();
        assertEquals(MessageParser.Event.HEADERS, p.next(in));
        assertEquals("/files/a.txt", p.target());
        assertEquals(MessageParser.Event.COMPLETE, p.next(in));
        assertFalse(in.hasRemaining());
    }

    @Test
    void parsesPipelinedRequestsWithBodies() {
        List<String> r = parse(PYTHON + PYTHON + CURL);
        assertEquals(3, r.size());
        assertTrue(r.get(1).endsWith("body={\"a\":1}"));
    }

    @Test
    void decodesChunkedBodyWithExtensionsAndTrailers() {
        List<String> r = parse("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip;q=1, chunked\r\n\r\n");
        assertEquals("ERROR UNKNOWN_TRANSFER_CODING 501", r.get(0));
        RequestParser p = new RequestParser();
        List<String> ok = Feed.parse(p, bytes("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "1a; ext=\"quoted; value\" ;flag\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                + "A\r\n0123456789\r\n0;last\r\nExpires: never\r\nX-Checksum: 42\r\n\r\n"));
        assertEquals(1, ok.size(), ok.toString());
        assertTrue(ok.get(0).contains("CHUNKED"));
        assertTrue(ok.get(0).endsWith("body=abcdefghijklmnopqrstuvwxyz0123456789 trailer trailer"), ok.get(0));
        RequestParser q = new RequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\na\r\n0\r\nExpires: never\r\nX-Checksum: 42\r\n\r\n"));
        MessageParser.Event e;
        while ((e = q.next(in)) != MessageParser.Event.COMPLETE) {
            assertTrue(e == MessageParser.Event.HEADERS || e == MessageParser.Event.BODY, e.name());
        }
        p = q;
        assertEquals("42", p.trailer("x-checksum"));
        assertEquals("never", p.trailer("Expires"));
        assertEquals(null, p.header("X-Checksum"));
        assertEquals(1, p.bodyReceived());
    }

    @Test
    void reportsExpectContinueOnlyForHttp11() {
        RequestParser p = headers("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n");
        assertTrue(p.expectContinue());
        assertFalse(headers("PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").expectContinue());
        assertTrue(headers("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n").unknownExpectation());
    }

    @Test
    void connectionSemanticsFollowTheVersion() {
        assertTrue(headers("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive());
        assertFalse(headers("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n").keepAlive());
        assertFalse(headers("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(headers("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
        assertEquals(1, headers("GET / HTTP/1.7\r\nHost: h\r\n\r\n").minorVersion());
    }

    @Test
    void recognisesTheFourTargetForms() {
        assertEquals(RequestParser.TargetForm.ABSOLUTE,
                headers("GET http://example.org/a?b HTTP/1.1\r\nHost: example.org\r\n\r\n").targetForm());
        assertEquals(RequestParser.TargetForm.AUTHORITY,
                headers("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n").targetForm());
        assertEquals(RequestParser.TargetForm.ASTERISK, headers("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").targetForm());
        assertEquals(RequestParser.TargetForm.ORIGIN, headers("OPTIONS /x HTTP/1.1\r\nHost: h\r\n\r\n").targetForm());
    }

    @Test
    void toleratesBareLfAndLeadingEmptyLine() {
        assertEquals(List.of("GET /a ORIGIN 1.1 keep-alive NONE [Host=h] [X=1] body="),
                parse("\r\nGET /a HTTP/1.1\nHost: h\r\nX:1 \n\n"));
    }

    @Test
    void acceptsEqualContentLengthList() {
        assertTrue(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
                .get(0).endsWith("body=abc"));
    }

    @Test
    void answersMalformedRequestsWithTheirStatus() {
        String host = "Host: h\r\n";
        String[][] cases = {
            {"GET  / HTTP/1.1\r\n\r\n", "MALFORMED_REQUEST_LINE 400"},
            {"GET /\r\n\r\n", "MALFORMED_REQUEST_LINE 400"},
            {"GET / HTTP/1.1 \r\n\r\n", "MALFORMED_REQUEST_LINE 400"},
            {"G(T / HTTP/1.1\r\n\r\n", "INVALID_METHOD 400"},
            {"GET /a\u0001 HTTP/1.1\r\n\r\n", "MALFORMED_REQUEST_LINE 400"},
            {"GET /\u00e9 HTTP/1.1\r\n\r\n", "MALFORMED_REQUEST_LINE 400"},
            {"GET /a#frag HTTP/1.1\r\n" + host + "\r\n", "INVALID_TARGET 400"},
            {"GET * HTTP/1.1\r\n" + host + "\r\n", "INVALID_TARGET 400"},
            {"GET example.org:80 HTTP/1.1\r\n" + host + "\r\n", "INVALID_TARGET 400"},
            {"CONNECT /x HTTP/1.1\r\n" + host + "\r\n", "INVALID_TARGET 400"},
            {"GET / http/1.1\r\n\r\n", "MALFORMED_VERSION 400"},
            {"GET / HTTP/1.10\r\n\r\n", "MALFORMED_VERSION 400"},
            {"GET / HTTP/2.0\r\n\r\n", "UNSUPPORTED_VERSION 505"},
            {"GET / HTTP/0.9\r\n\r\n", "UNSUPPORTED_VERSION 505"},
            {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", "WHITESPACE_BEFORE_COLON 400"},
            {"GET / HTTP/1.1\r\n" + host + "X-A: 1\r\n  folded\r\n\r\n", "OBSOLETE_LINE_FOLDING 400"},
            {"GET / HTTP/1.1\r\n " + host + "\r\n", "OBSOLETE_LINE_FOLDING 400"},
            {"GET / HTTP/1.1\r\n" + host + "X(: 1\r\n\r\n", "INVALID_FIELD_NAME 400"},
            {"GET / HTTP/1.1\r\n" + host + ": 1\r\n\r\n", "INVALID_FIELD_NAME 400"},
            {"GET / HTTP/1.1\r\n" + host + "NoColon\r\n\r\n", "INVALID_FIELD_NAME 400"},
            {"GET / HTTP/1.1\r\n" + host + "X: a\u0000b\r\n\r\n", "INVALID_FIELD_VALUE 400"},
            {"GET / HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", "BARE_CR 400"},
            {"GET / HTTP/1.1\r\n\r\n", "MISSING_HOST 400"},
            {"GET / HTTP/1.1\r\n" + host + host + "\r\n", "DUPLICATE_HOST 400"},
            {"GET / HTTP/1.0\r\n" + host + host + "\r\n", "DUPLICATE_HOST 400"},
            {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "INVALID_HOST 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", "INVALID_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 0x10\r\n\r\n", "INVALID_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: \r\n\r\n", "INVALID_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999\r\n\r\n",
                "INVALID_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 3, 4\r\n\r\n", "CONFLICTING_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n",
                "CONFLICTING_CONTENT_LENGTH 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                "CONTENT_LENGTH_WITH_TRANSFER_ENCODING 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n", "CHUNKED_NOT_FINAL 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                "CHUNKED_NOT_FINAL 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", "CHUNKED_NOT_FINAL 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: identity, chunked\r\n\r\n",
                "UNKNOWN_TRANSFER_CODING 501"},
            {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "TRANSFER_ENCODING_IN_HTTP_1_0 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", "INVALID_CHUNK_SIZE 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n;x\r\n", "INVALID_CHUNK_SIZE 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n00000000000000001\r\n",
                "INVALID_CHUNK_SIZE 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n", "INVALID_CHUNK_FRAMING 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
                "INVALID_CHUNK_FRAMING 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3;a\u0001\r\n",
                "INVALID_CHUNK_EXTENSION 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3;a\nabc\r\n",
                "INVALID_CHUNK_EXTENSION 400"},
            {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n x: folded\r\n\r\n",
                "OBSOLETE_LINE_FOLDING 400"},
            {"\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", "TOO_MANY_EMPTY_LINES 400"},
            {"POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nab", "INCOMPLETE_MESSAGE 400"},
        };
        for (String[] c : cases) {
            assertEquals("ERROR " + c[1], error(c[0]), c[0]);
            // The same verdict when the request trickles in one byte at a time.
            List<String> slow = Feed.parse(new RequestParser(), bytes(c[0]), () -> 1);
            assertEquals("ERROR " + c[1], slow.get(slow.size() - 1), c[0]);
        }
    }

    @Test
    void refusesTlsHandshakeAtItsFirstByte() {
        RequestParser p = new RequestParser();
        ByteBuffer in = ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
        assertEquals(MessageParser.Event.ERROR, p.next(in));
        assertEquals(ParseError.MALFORMED_REQUEST_LINE, p.error());
        assertEquals(1, in.position());
        assertEquals(MessageParser.Event.ERROR, p.next(in)); // stays failed
    }

    // ---- limits: exactly at each bound is accepted, one past is refused ----

    static final HttpLimits SMALL = new HttpLimits(32, 64, 3, 10, 40, 2, 8);

    static String small(String s) {
        List<String> r = Feed.parse(new RequestParser(SMALL), bytes(s));
        return r.isEmpty() ? "none" : r.get(r.size() - 1);
    }

    @Test
    void requestLineAtLimitPassesAndOnePastIs414() {
        String at = "GET /" + "a".repeat(32 - 14) + " HTTP/1.1"; // 32 bytes
        assertEquals(32, at.length());
        assertFalse(small(at + "\r\nHost: h\r\n\r\n").startsWith("ERROR"));
        assertFalse(small(at + "\nHost: h\r\n\r\n").startsWith("ERROR"));
        assertEquals("ERROR REQUEST_LINE_TOO_LONG 414", small("GET /a" + "a".repeat(32 - 14) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        // Refused before the line ends: a peer cannot make the parser buffer without bound.
        assertEquals("ERROR REQUEST_LINE_TOO_LONG 414", small("GET /" + "a".repeat(100)));
    }

    @Test
    void headerSectionAtLimitPassesAndOnePastIs431() {
        // Field lines with their CRLF plus the final CRLF: "Host: h\r\n" (9) + "X: <v>\r\n" + "\r\n".
        String v = "v".repeat(64 - 9 - 2 - 5);
        assertFalse(small("GET / HTTP/1.1\r\nHost: h\r\nX: " + v + "\r\n\r\n").startsWith("ERROR"));
        assertEquals("ERROR HEADER_SECTION_TOO_LARGE 431", small("GET / HTTP/1.1\r\nHost: h\r\nX: " + v + "v\r\n\r\n"));
    }

    @Test
    void headerCountAtLimitPassesAndOnePastIs431() {
        assertFalse(small("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n").startsWith("ERROR"));
        assertEquals("ERROR TOO_MANY_HEADERS 431", small("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"));
    }

    @Test
    void bodyAtLimitPassesAndOnePastIs413() {
        assertTrue(small("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789").endsWith("body=0123456789"));
        assertEquals("ERROR BODY_TOO_LARGE 413", small("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"));
        String te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertTrue(small(te + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n").endsWith("body=0123456789"));
        assertEquals("ERROR BODY_TOO_LARGE 413", small(te + "5\r\n01234\r\n6\r\n"));
        assertEquals("ERROR BODY_TOO_LARGE 413", small(te + "ffffffffffffffff\r\n"));
    }

    @Test
    void chunkExtensionAndTrailersAreBounded() {
        String te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertFalse(small(te + "1;2345678\r\na\r\n0\r\n\r\n").startsWith("ERROR")); // 8 bytes of extension
        assertEquals("ERROR INVALID_CHUNK_EXTENSION 400", small(te + "1;23456789\r\na\r\n0\r\n\r\n"));
        assertFalse(small(te + "0\r\nA: 1\r\nB: 2\r\n\r\n").startsWith("ERROR"));
        assertEquals("ERROR TRAILER_SECTION_TOO_LARGE 431", small(te + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"));
        String t = "T: " + "v".repeat(40 - 2 - 5) + "\r\n"; // trailer section of exactly 40 bytes
        assertFalse(small(te + "0\r\n" + t + "\r\n").startsWith("ERROR"));
        assertEquals("ERROR TRAILER_SECTION_TOO_LARGE 431", small(te + "0\r\nT: v" + t.substring(3) + "\r\n"));
    }

    @Test
    void parsingReusedParserAllocatesNothingPerRequest() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        RequestParser p = new RequestParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(CHROMIUM + PYTHON));
        int requests = 20000;
        for (int i = 0; i < requests; i++) { // warm-up
            parseAll(p, in);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < requests; i++) {
            parseAll(p, in);
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < requests, "allocated " + allocated + " bytes for " + requests + " requests");
    }

    private static void parseAll(RequestParser p, ByteBuffer in) {
        in.clear();
        while (in.hasRemaining()) {
            MessageParser.Event e = p.next(in);
            if (e == MessageParser.Event.COMPLETE) {
                if (!p.methodIs("GET") && !p.methodIs("POST") || p.indexOf("host") < 0) {
                    throw new AssertionError();
                }
                p.reset();
            } else if (e == MessageParser.Event.ERROR) {
                throw new AssertionError(p.error());
            }
        }
    }
}
