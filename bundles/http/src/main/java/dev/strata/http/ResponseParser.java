package dev.strata.http;

/**
 * Parses HTTP/1.x responses (RFC 9112 4, 6.3) for the client side ({@code curl}): status-line,
 * headers, and a body framed by Content-Length, chunked, or the closing of the connection.
 *
 * <p>The body's presence depends on the request: call {@link #expectResponseTo(boolean)} with whether
 * it was HEAD before parsing each response. Interim 1xx responses complete without a body; the
 * caller resets and parses the final response next.
 */
public final class ResponseParser extends MessageParser {

    private int status;
    private int minor;
    private int reasonStart;
    private int reasonEnd;
    private boolean headRequest;
    private boolean keepAlive;

    public ResponseParser(HttpLimits limits) {
        super(limits);
    }

    public ResponseParser() {
        this(HttpLimits.DEFAULT);
    }

    /** Whether the request this response answers was HEAD (RFC 9112 6.3 (1): then no body). */
    public void expectResponseTo(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected ParseError startLineTooLong() {
        return ParseError.STATUS_LINE_TOO_LONG;
    }

    @Override
    protected ParseError parseStartLine(int from, int to) {
        // RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (to - from < 12 || head[from] != 'H' || head[from + 1] != 'T' || head[from + 2] != 'T'
                || head[from + 3] != 'P' || head[from + 4] != '/' || !digit(head[from + 5])
                || head[from + 6] != '.' || !digit(head[from + 7])) {
            return ParseError.MALFORMED_STATUS_LINE;
        }
        if (head[from + 5] != '1') {
            return ParseError.UNSUPPORTED_VERSION;
        }
        minor = Math.min(1, head[from + 7] - '0');
        if (head[from + 8] != ' ' || !digit(head[from + 9]) || !digit(head[from + 10]) || !digit(head[from + 11])) {
            return ParseError.MALFORMED_STATUS_LINE;
        }
        status = (head[from + 9] - '0') * 100 + (head[from + 10] - '0') * 10 + (head[from + 11] - '0');
        if (status < 100) {
            return ParseError.MALFORMED_STATUS_LINE;
        }
        // The SP before an empty reason-phrase is often left out; RFC 9112 4 lets a client ignore
        // the reason-phrase, so its absence is tolerated.
        if (to - from == 12) {
            reasonStart = reasonEnd = to;
            return null;
        }
        if (head[from + 12] != ' ') {
            return ParseError.MALFORMED_STATUS_LINE;
        }
        for (int i = from + 13; i < to; i++) {
            if (!Syntax.isFieldValueChar(head[i])) {
                return head[i] == '\r' ? ParseError.BARE_CR : ParseError.MALFORMED_STATUS_LINE;
            }
        }
        reasonStart = from + 13;
        reasonEnd = to;
        return null;
    }

    @Override
    protected ParseError headersComplete() {
        boolean close = false;
        boolean keepAliveOption = false;
        boolean hasTransferEncoding = false;
        int n = headerFieldCount();
        for (int i = 0; i < n; i++) {
            if (nameIs(i, "connection")) {
                close |= listContains(i, "close");
                keepAliveOption |= listContains(i, "keep-alive");
            } else if (nameIs(i, "transfer-encoding")) {
                hasTransferEncoding = true;
            }
        }
        keepAlive = !close && (minor == 1 || keepAliveOption);
        // RFC 9112 6.3 (1): HEAD responses, 1xx, 204 and 304 end after the header section.
        if (headRequest || status < 200 || status == 204 || status == 304) {
            framing = Framing.NONE;
            return null;
        }
        long length = contentLength();
        if (hasTransferEncoding) {
            if (length != -1) {
                // RFC 9112 6.3 (3): "ought to be handled as an error" (smuggling or splitting).
                return ParseError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            ParseError e = transferCodings(false);
            if (e == null && framing == Framing.UNTIL_CLOSE) {
                keepAlive = false;
            }
            return e;
        }
        if (length == -2) {
            return ParseError.INVALID_CONTENT_LENGTH;
        }
        if (length == -3) {
            return ParseError.CONFLICTING_CONTENT_LENGTH;
        }
        if (length > limits.maxBodySize()) {
            return ParseError.BODY_TOO_LARGE;
        }
        if (length >= 0) {
            setContentLength(length);
        } else {
            // RFC 9112 6.3 (8): otherwise the body lasts until the server closes the connection.
            framing = Framing.UNTIL_CLOSE;
            keepAlive = false;
        }
        return null;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The reason-phrase, possibly empty. */
    public String reason() {
        return string(reasonStart, reasonEnd);
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int minorVersion() {
        return minor;
    }

    /** Whether the connection can carry another request after this response (RFC 9112 9.3). */
    public boolean keepAlive() {
        return keepAlive;
    }
}
