package dev.strata.http;

import static dev.strata.http.Feed.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ResponseParserTest {

    // Captured 2026-11-26 in a throwaway network namespace (198.18.0.1/32 on its lo) from
    // `python3 -m http.server 8081 --bind 198.18.0.1` (Python 3.11.7) serving a directory with
    // hello.txt ("hello\n") and sub/, with
    // printf 'GET <path> HTTP/1.1\r\nHost: 198.18.0.1:8081\r\nConnection: close\r\n\r\n' | nc -q 3 198.18.0.1 8081
    // for /hello.txt, / (the directory listing) and /missing (404); nc's output pasted verbatim.
    static final String FILE = "HTTP/1.0 200 OK\r\n"
            + "Server: SimpleHTTP/0.6 Python/3.11.7\r\n"
            + "Date: Thu, 26 Nov 2026 02:12:57 GMT\r\n"
            + "Content-type: text/plain\r\n"
            + "Content-Length: 6\r\n"
            + "Last-Modified: Thu, 26 Nov 2026 02:12:55 GMT\r\n"
            + "\r\n"
            + "hello\n";
    static final String LISTING = "HTTP/1.0 200 OK\r\n"
            + "Server: SimpleHTTP/0.6 Python/3.11.7\r\n"
            + "Date: Thu, 26 Nov 2026 02:13:00 GMT\r\n"
            + "Content-type: text/html; charset=utf-8\r\n"
            + "Content-Length: 263\r\n"
            + "\r\n"
            + "<!DOCTYPE HTML>\n"
            + "<html lang=\"en\">\n"
            + "<head>\n"
            + "<meta charset=\"utf-8\">\n"
            + "<title>Directory listing for /</title>\n"
            + "</head>\n"
            + "<body>\n"
            + "<h1>Directory listing for /</h1>\n"
            + "<hr>\n"
            + "<ul>\n"
            + "<li><a href=\"hello.txt\">hello.txt</a></li>\n"
            + "<li><a href=\"sub/\">sub/</a></li>\n"
            + "</ul>\n"
            + "<hr>\n"
            + "</body>\n"
            + "</html>\n";
    static final String NOT_FOUND = "HTTP/1.0 404 File not found\r\n"
            + "Server: SimpleHTTP/0.6 Python/3.11.7\r\n"
            + "Date: Thu, 26 Nov 2026 02:13:03 GMT\r\n"
            + "Connection: close\r\n"
            + "Content-Type: text/html;charset=utf-8\r\n"
            + "Content-Length: 335\r\n"
            + "\r\n"
            + "<!DOCTYPE HTML>\n"
            + "<html lang=\"en\">\n"
            + "    <head>\n"
            + "        <meta charset=\"utf-8\">\n"
            + "        <title>Error response</title>\n"
            + "    </head>\n"
            + "    <body>\n"
            + "        <h1>Error response</h1>\n"
            + "        <p>Error code: 404</p>\n"
            + "        <p>Message: File not found.</p>\n"
            + "        <p>Error code explanation: 404 - Nothing matches the given URI.</p>\n"
            + "    </body>\n"
            + "</html>\n";

    static List<String> parse(String s) {
        return Feed.parse(new ResponseParser(), bytes(s));
    }

    @Test
    void parsesPythonFileResponse() {
        List<String> r = parse(FILE);
        assertEquals(1, r.size());
        assertTrue(r.get(0).startsWith("200 OK 1.0 close LENGTH [Server=SimpleHTTP/0.6 Python/3.11.7]"), r.get(0));
        assertTrue(r.get(0).endsWith("body=hello\n"));
    }

    @Test
    void parsesPythonDirectoryListing() {
        ResponseParser p = new ResponseParser();
        List<String> r = Feed.parse(p, bytes(LISTING), () -> 7);
        assertEquals(1, r.size());
        assertTrue(r.get(0).contains("<li><a href=\"sub/\">sub/</a></li>"), r.get(0));
        assertTrue(r.get(0).contains("[Content-type=text/html; charset=utf-8]"));
    }

    @Test
    void parsesPythonNotFound() {
        ResponseParser p = new ResponseParser();
        ByteBuffer in = ByteBuffer.wrap(bytes(NOT_FOUND));
        assertEquals(MessageParser.Event.HEADERS, p.next(in));
        assertEquals(404, p.status());
        assertEquals("File not found", p.reason());
        assertEquals("text/html;charset=utf-8", p.header("content-type"));
        assertFalse(p.keepAlive());
        assertEquals(335, in.remaining());
    }

    @Test
    void sameResultAtEveryByteBoundary() {
        String all = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n" + FILE;
        byte[] data = bytes(all);
        List<String> whole = Feed.parse(new ResponseParser(), data);
        assertEquals(4, whole.size(), whole.toString());
        assertEquals(whole, Feed.parse(new ResponseParser(), data, () -> 1));
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            assertEquals(whole, Feed.parse(new ResponseParser(), data, () -> 1 + random.nextInt(30)));
        }
    }

    @Test
    void readsBodyUntilCloseWithoutLength() {
        assertEquals(List.of("200 OK 1.1 close UNTIL_CLOSE body=all of it"),
                parse("HTTP/1.1 200 OK\r\n\r\nall of it"));
        assertEquals(List.of("200 OK 1.1 close UNTIL_CLOSE [Transfer-Encoding=gzip] body=zz"),
                parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz"));
    }

    @Test
    void headResponseAndNoContentHaveNoBody() {
        ResponseParser p = new ResponseParser();
        p.expectResponseTo(true);
        List<String> r = Feed.parse(p, bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
        assertEquals(List.of("200 OK 1.1 keep-alive NONE [Content-Length=1000] body="), r);
        assertEquals(List.of("304 Not Modified 1.1 keep-alive NONE [Content-Length=5] body="),
                parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"));
    }

    @Test
    void toleratesMissingReasonPhrase() {
        assertEquals(List.of("200  1.1 keep-alive LENGTH [Content-Length=0] body="),
                parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"));
    }

    @Test
    void refusesMalformedResponses() {
        String[][] cases = {
            {"HTTP/1.1 20 OK\r\n\r\n", "MALFORMED_STATUS_LINE 400"},
            {"HTTP/1.1 099 X\r\n\r\n", "MALFORMED_STATUS_LINE 400"},
            {"HTTP/1.1  200 OK\r\n\r\n", "MALFORMED_STATUS_LINE 400"},
            {"ICY 200 OK\r\n\r\n", "MALFORMED_STATUS_LINE 400"},
            {"HTTP/2.0 200 OK\r\n\r\n", "UNSUPPORTED_VERSION 505"},
            {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "CONFLICTING_CONTENT_LENGTH 400"},
            {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
                "CONTENT_LENGTH_WITH_TRANSFER_ENCODING 400"},
            {"HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n", "OBSOLETE_LINE_FOLDING 400"},
            {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", "INCOMPLETE_MESSAGE 400"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", "INCOMPLETE_MESSAGE 400"},
        };
        for (String[] c : cases) {
            List<String> r = parse(c[0]);
            assertEquals("ERROR " + c[1], r.get(r.size() - 1), c[0]);
        }
    }

    @Test
    void bodyLimitAppliesToEachFraming() {
        HttpLimits limits = new HttpLimits(32, 64, 3, 4, 40, 2, 8);
        assertEquals("ERROR BODY_TOO_LARGE 413",
                Feed.parse(new ResponseParser(limits), bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")).get(0));
        assertEquals("ERROR BODY_TOO_LARGE 413",
                Feed.parse(new ResponseParser(limits), bytes("HTTP/1.1 200 OK\r\n\r\n12345")).get(0));
        assertTrue(Feed.parse(new ResponseParser(limits), bytes("HTTP/1.1 200 OK\r\n\r\n1234")).get(0)
                .endsWith("body=1234"));
        assertEquals("ERROR STATUS_LINE_TOO_LONG 400", Feed.parse(new ResponseParser(limits),
                bytes("HTTP/1.1 200 " + "x".repeat(21) + "\r\n\r\n")).get(0));
    }
}
