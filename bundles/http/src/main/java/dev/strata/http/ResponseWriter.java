package dev.strata.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes HTTP/1.1 responses (RFC 9112 4, 6, 7) into a ByteBuffer: status-line, fields (Date in
 * IMF-fixdate, Content-Length or chunked), the chunked encoder and 100 Continue. One instance per
 * connection (it caches the Date of the current second); nothing is allocated per response.
 *
 * <p>Field names and values come from handlers, so they are checked: a name that is not a token or a
 * value with CR, LF or another control character throws IllegalArgumentException instead of
 * splitting the response (RFC 9110 5.5). A buffer too small throws BufferOverflowException.
 */
public final class ResponseWriter {

    /** RFC 9110 15.2.1: the interim response to Expect: 100-continue. */
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] HTTP11 = ascii("HTTP/1.1 ");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = ascii("0\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final byte[] DATE = ascii("Date: ");

    private final byte[] date = new byte[HttpDate.LENGTH];
    private long dateSecond = Long.MIN_VALUE;

    /** Write {@code HTTP/1.1 100 Continue} and its empty header section. */
    public void writeContinue(ByteBuffer out) {
        out.put(CONTINUE);
    }

    /** Write the status-line {@code HTTP/1.1 <status> <reason>} (RFC 9112 4). */
    public void statusLine(ByteBuffer out, int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        out.put(HTTP11);
        out.put((byte) ('0' + status / 100)).put((byte) ('0' + status / 10 % 10)).put((byte) ('0' + status % 10));
        out.put((byte) ' ');
        putAscii(out, HttpStatus.reason(status));
        out.put(CRLF);
    }

    /** Write {@code Date: <IMF-fixdate>} (RFC 9110 6.6.1: an origin server with a clock MUST send it). */
    public void date(ByteBuffer out, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != dateSecond) {
            HttpDate.format(epochMillis, date, 0);
            dateSecond = second;
        }
        out.put(DATE).put(date).put(CRLF);
    }

    /** Write a field line; the name must be a token and the value free of control characters. */
    public void header(ByteBuffer out, CharSequence name, CharSequence value) {
        checkName(name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !Syntax.isFieldValueChar(c)) {
                throw new IllegalArgumentException("invalid character in value of " + name);
            }
        }
        putAscii(out, name);
        out.put((byte) ':').put((byte) ' ');
        putAscii(out, value);
        out.put(CRLF);
    }

    /** Write a field line with a decimal value, e.g. Content-Length. */
    public void header(ByteBuffer out, CharSequence name, long value) {
        checkName(name);
        putAscii(out, name);
        out.put((byte) ':').put((byte) ' ');
        putDecimal(out, value);
        out.put(CRLF);
    }

    /** {@code Content-Length: n} (RFC 9110 8.6); for HEAD the length of what GET would send. */
    public void contentLength(ByteBuffer out, long length) {
        header(out, "Content-Length", length);
    }

    /** {@code Transfer-Encoding: chunked} (RFC 9112 6.1); only for an HTTP/1.1 request. */
    public void chunked(ByteBuffer out) {
        header(out, "Transfer-Encoding", "chunked");
    }

    /** The empty line that ends the header section. */
    public void endHeaders(ByteBuffer out) {
        out.put(CRLF);
    }

    /** RFC 9112 7.1: {@code chunk-size CRLF} before {@code size} bytes of chunk-data (size > 0). */
    public void chunkStart(ByteBuffer out, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a chunk of " + size + " bytes; use lastChunk");
        }
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.put(HEX[(size >>> shift) & 0xF]);
        }
        out.put(CRLF);
    }

    /** The CRLF after a chunk's data. */
    public void chunkEnd(ByteBuffer out) {
        out.put(CRLF);
    }

    /** A whole chunk: size line, the bytes of {@code data}, CRLF. */
    public void chunk(ByteBuffer out, ByteBuffer data) {
        chunkStart(out, data.remaining());
        out.put(data);
        chunkEnd(out);
    }

    /** RFC 9112 7.1: last-chunk; follow with trailer fields (optional) and {@link #endHeaders}. */
    public void lastChunk(ByteBuffer out) {
        out.put(LAST_CHUNK);
    }

    /**
     * A complete response to a request that could not be parsed: the status of {@code error}, Date,
     * {@code Content-Length: 0} and {@code Connection: close} (RFC 9112 9.6: the server closes the
     * connection after it).
     */
    public void errorResponse(ByteBuffer out, ParseError error, long epochMillis) {
        statusLine(out, error.status());
        date(out, epochMillis);
        contentLength(out, 0);
        if (error.closesConnection()) {
            header(out, "Connection", "close");
        }
        endHeaders(out);
    }

    /**
     * Whether a response carries a body (RFC 9110 9.3.2, 15.2, 15.3.5, 15.4.5): not to HEAD, not for
     * 1xx, 204 or 304.
     */
    public static boolean bodyAllowed(boolean headRequest, int status) {
        return !headRequest && status >= 200 && status != 204 && status != 304;
    }

    private static void checkName(CharSequence name) {
        if (name.length() == 0) {
            throw new IllegalArgumentException("empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !Syntax.isTchar(c)) {
                throw new IllegalArgumentException("field name is not a token: " + name);
            }
        }
    }

    private static void putAscii(ByteBuffer out, CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    private static void putDecimal(ByteBuffer out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative " + v);
        }
        long div = 1;
        while (div <= v / 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            out.put((byte) ('0' + v / div % 10));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
