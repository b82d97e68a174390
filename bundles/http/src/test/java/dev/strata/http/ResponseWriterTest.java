package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ResponseWriterTest {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static String text(ByteBuffer out) {
        out.flip();
        return StandardCharsets.ISO_8859_1.decode(out).toString();
    }

    @Test
    void writesStatusLineDateAndContentLength() {
        ResponseWriter w = new ResponseWriter();
        ByteBuffer out = ByteBuffer.allocate(256);
        w.statusLine(out, 404);
        w.date(out, 784111777000L);
        w.header(out, "Content-Type", "text/plain");
        w.contentLength(out, 0);
        w.endHeaders(out);
        assertEquals("HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n", text(out));
    }

    @Test
    void formatsImfFixdateLikeTheJdk() {
        Random random = new Random(1);
        byte[] b = new byte[HttpDate.LENGTH];
        long[] fixed = {0, 951782400000L, 4107542399000L, 1, -1000, 253402300799000L};
        for (int i = 0; i < 20000; i++) {
            long t = i < fixed.length ? fixed[i] : (random.nextLong() & ((1L << 43) - 1));
            HttpDate.format(t, b, 0);
            assertEquals(IMF_FIXDATE.format(Instant.ofEpochMilli(t)), new String(b, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void writesContinueAndBodylessStatuses() {
        ByteBuffer out = ByteBuffer.allocate(64);
        new ResponseWriter().writeContinue(out);
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", text(out));
        assertFalse(ResponseWriter.bodyAllowed(true, 200));
        assertFalse(ResponseWriter.bodyAllowed(false, 204));
        assertFalse(ResponseWriter.bodyAllowed(false, 304));
        assertFalse(ResponseWriter.bodyAllowed(false, 101));
        assertTrue(ResponseWriter.bodyAllowed(false, 404));
    }

    @Test
    void chunkedResponseRoundTripsThroughTheParser() {
        ResponseWriter w = new ResponseWriter();
        ByteBuffer out = ByteBuffer.allocate(4096);
        w.statusLine(out, 200);
        w.chunked(out);
        w.endHeaders(out);
        StringBuilder expected = new StringBuilder();
        for (int size : new int[] {1, 15, 16, 255, 256, 1000}) {
            String s = "x".repeat(size);
            expected.append(s);
            w.chunk(out, ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
        }
        w.lastChunk(out);
        w.header(out, "X-Trailer", "done");
        w.endHeaders(out);
        String wire = text(out);
        assertTrue(wire.contains("\r\nff\r\n") && wire.contains("\r\n100\r\n") && wire.contains("\r\n3e8\r\n"), wire);
        List<String> r = Feed.parse(new ResponseParser(), Feed.bytes(wire), () -> 3);
        assertEquals(List.of("200 OK 1.1 keep-alive CHUNKED [Transfer-Encoding=chunked] body=" + expected
                + " trailer"), r);
    }

    @Test
    void writesErrorResponseThatClosesTheConnection() {
        ByteBuffer out = ByteBuffer.allocate(256);
        new ResponseWriter().errorResponse(out, ParseError.HEADER_SECTION_TOO_LARGE, 784111777000L);
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n", text(out));
    }

    @Test
    void refusesHeaderInjection() {
        ResponseWriter w = new ResponseWriter();
        ByteBuffer out = ByteBuffer.allocate(256);
        assertThrows(IllegalArgumentException.class, () -> w.header(out, "X", "a\r\nSet-Cookie: evil"));
        assertThrows(IllegalArgumentException.class, () -> w.header(out, "X\r\nY", "a"));
        assertThrows(IllegalArgumentException.class, () -> w.header(out, "Bad Name", "a"));
        assertThrows(IllegalArgumentException.class, () -> w.header(out, "", "a"));
        assertEquals(0, out.position());
    }

    @Test
    void writingAResponseAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ResponseWriter w = new ResponseWriter();
        ByteBuffer out = ByteBuffer.allocateDirect(512);
        ByteBuffer body = ByteBuffer.allocateDirect(100);
        int n = 20000;
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int k = 0; k < n; k++) {
                    write(w, out, body, k);
                }
                long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                assertTrue(allocated < n, "allocated " + allocated);
                return;
            }
            write(w, out, body, i);
        }
    }

    private static void write(ResponseWriter w, ByteBuffer out, ByteBuffer body, int i) {
        out.clear();
        body.clear();
        w.statusLine(out, 200);
        w.date(out, 1_700_000_000_000L + i * 10L);
        w.header(out, "Content-Type", "text/html");
        w.chunked(out);
        w.endHeaders(out);
        w.chunk(out, body);
        w.lastChunk(out);
        w.endHeaders(out);
    }
}
