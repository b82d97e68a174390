package dev.strata.http;

/**
 * Parses HTTP/1.1 and HTTP/1.0 requests (RFC 9112 3, 6), strictly and within {@link HttpLimits}.
 * One instance per connection, reused for every request on it (see {@link MessageParser}).
 *
 * <p>After {@link Event#HEADERS}: {@link #method()}, {@link #target()} and its {@link #targetForm()},
 * {@link #minorVersion()}, {@link #header(String)}, {@link #keepAlive()} and
 * {@link #expectContinue()} describe the request.
 */
public final class RequestParser extends MessageParser {

    /** The four forms of request-target (RFC 9112 3.2). */
    public enum TargetForm {
        /** absolute-path [ "?" query ] (RFC 9112 3.2.1). */
        ORIGIN,
        /** absolute-URI (RFC 9112 3.2.2), as sent to proxies; servers MUST accept it. */
        ABSOLUTE,
        /** uri-host ":" port, only for CONNECT (RFC 9112 3.2.3). */
        AUTHORITY,
        /** "*", only for a server-wide OPTIONS (RFC 9112 3.2.4). */
        ASTERISK
    }

    /** Methods returned without allocating a String. */
    private static final String[] KNOWN_METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH"
    };

    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int minor;
    private TargetForm form;
    private boolean keepAlive;
    private boolean expectContinue;
    private boolean unknownExpectation;

    public RequestParser(HttpLimits limits) {
        super(limits);
    }

    public RequestParser() {
        this(HttpLimits.DEFAULT);
    }

    @Override
    protected ParseError startLineTooLong() {
        return ParseError.REQUEST_LINE_TOO_LONG;
    }

    @Override
    protected boolean startLineByteAllowed(byte b) {
        // RFC 9112 3: method (tchar), request-target (visible ASCII) and HTTP-version are all
        // visible US-ASCII separated by SP; CR may precede the LF.
        return b >= 0x20 && b < 0x7F || b == '\r';
    }

    @Override
    protected ParseError startLineByteError() {
        return ParseError.MALFORMED_REQUEST_LINE;
    }

    @Override
    protected ParseError parseStartLine(int from, int to) {
        // RFC 9112 3: request-line = method SP request-target SP HTTP-version, single SPs.
        int sp1 = indexOf(' ', from, to);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, to);
        if (sp1 < 0 || sp2 < 0 || indexOf(' ', sp2 + 1, to) >= 0) {
            return ParseError.MALFORMED_REQUEST_LINE;
        }
        ParseError v = version(sp2 + 1, to);
        if (v != null) {
            return v;
        }
        if (sp1 == from) {
            return ParseError.MALFORMED_REQUEST_LINE;
        }
        for (int i = from; i < sp1; i++) {
            if (!Syntax.isTchar(head[i])) {
                return head[i] == '\r' ? ParseError.BARE_CR : ParseError.INVALID_METHOD;
            }
        }
        methodEnd = sp1;
        targetStart = sp1 + 1;
        targetEnd = sp2;
        if (targetStart == targetEnd) {
            return ParseError.MALFORMED_REQUEST_LINE;
        }
        for (int i = targetStart; i < targetEnd; i++) {
            if (!Syntax.isTargetChar(head[i])) {
                return head[i] == '\r' ? ParseError.BARE_CR : ParseError.INVALID_TARGET;
            }
            if (head[i] == '#') {
                // RFC 9112 3.2: no form of request-target has a fragment (RFC 9110 7.1).
                return ParseError.INVALID_TARGET;
            }
        }
        return classifyTarget();
    }

    private ParseError version(int from, int to) {
        // RFC 9112 2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name is case-sensitive.
        if (to - from != 8 || head[from] != 'H' || head[from + 1] != 'T' || head[from + 2] != 'T'
                || head[from + 3] != 'P' || head[from + 4] != '/' || !digit(head[from + 5])
                || head[from + 6] != '.' || !digit(head[from + 7])) {
            return ParseError.MALFORMED_VERSION;
        }
        if (head[from + 5] != '1') {
            return ParseError.UNSUPPORTED_VERSION; // RFC 9110 15.6.6: 505 for another major version
        }
        // RFC 9110 6.2: a higher minor version within major version 1 is processed as HTTP/1.1.
        minor = Math.min(1, head[from + 7] - '0');
        return null;
    }

    private ParseError classifyTarget() {
        boolean connect = methodIs("CONNECT");
        boolean options = methodIs("OPTIONS");
        byte first = head[targetStart];
        if (connect) {
            // RFC 9112 3.2.3: CONNECT uses authority-form only: uri-host ":" port.
            int colon = lastIndexOf(':', targetStart, targetEnd);
            if (colon <= targetStart || colon == targetEnd - 1) {
                return ParseError.INVALID_TARGET;
            }
            for (int i = targetStart; i < targetEnd; i++) {
                if (!Syntax.isHostChar(head[i])) {
                    return ParseError.INVALID_TARGET;
                }
            }
            for (int i = colon + 1; i < targetEnd; i++) {
                if (!digit(head[i])) {
                    return ParseError.INVALID_TARGET;
                }
            }
            form = TargetForm.AUTHORITY;
            return null;
        }
        if (first == '/') {
            form = TargetForm.ORIGIN; // RFC 9112 3.2.1
            return null;
        }
        if (first == '*' && targetEnd - targetStart == 1) {
            // RFC 9112 3.2.4: asterisk-form only for a server-wide OPTIONS.
            if (!options) {
                return ParseError.INVALID_TARGET;
            }
            form = TargetForm.ASTERISK;
            return null;
        }
        // RFC 9112 3.2.2, RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        if (Syntax.isSchemeChar(first) && Character.isLetter(first)) {
            for (int i = targetStart + 1; i < targetEnd; i++) {
                byte c = head[i];
                if (c == ':') {
                    // RFC 9110 4.2.1, 4.2.2: http and https URIs have an authority ("//" host), which
                    // also tells "example.org:80" (authority-form, CONNECT only) from an absolute-URI.
                    if (targetEnd - i < 4 || head[i + 1] != '/' || head[i + 2] != '/') {
                        return ParseError.INVALID_TARGET;
                    }
                    form = TargetForm.ABSOLUTE;
                    return null;
                }
                if (!Syntax.isSchemeChar(c)) {
                    break;
                }
            }
        }
        return ParseError.INVALID_TARGET;
    }

    @Override
    protected ParseError headersComplete() {
        int hosts = 0;
        boolean hasTransferEncoding = false;
        boolean close = false;
        boolean keepAliveOption = false;
        expectContinue = false;
        unknownExpectation = false;
        int n = headerFieldCount();
        for (int i = 0; i < n; i++) {
            if (nameIs(i, "host")) {
                hosts++;
                for (int k = valueStart(i); k < valueEnd(i); k++) {
                    if (!Syntax.isHostChar(head[k])) {
                        return ParseError.INVALID_HOST; // RFC 9112 3.2: invalid field value -> 400
                    }
                }
            } else if (nameIs(i, "transfer-encoding")) {
                hasTransferEncoding = true;
            } else if (nameIs(i, "connection")) {
                close |= listContains(i, "close");
                keepAliveOption |= listContains(i, "keep-alive");
            } else if (nameIs(i, "expect")) {
                // RFC 9110 10.1.1: the only expectation defined is 100-continue (case-insensitive).
                if (regionEqualsIgnoreCase(valueStart(i), valueEnd(i), "100-continue")) {
                    expectContinue = true;
                } else {
                    unknownExpectation = true;
                }
            }
        }
        // RFC 9112 3.2: "A server MUST respond with a 400 ... to any HTTP/1.1 request message that
        // lacks a Host header field and to any request message that contains more than one Host
        // header field line".
        if (hosts > 1) {
            return ParseError.DUPLICATE_HOST;
        }
        if (hosts == 0 && minor == 1) {
            return ParseError.MISSING_HOST;
        }
        // RFC 9112 9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive" (C.2.2).
        keepAlive = !close && (minor == 1 || keepAliveOption);
        if (minor == 0) {
            // RFC 9110 10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be ignored.
            expectContinue = false;
        }
        long length = contentLength();
        if (hasTransferEncoding) {
            if (minor == 0) {
                // RFC 9112 6.1: Transfer-Encoding in HTTP/1.0: treat the framing as faulty.
                return ParseError.TRANSFER_ENCODING_IN_HTTP_1_0;
            }
            if (length != -1) {
                // RFC 9112 6.1: "A server MAY reject a request that contains both Content-Length and
                // Transfer-Encoding"; it does, as request smuggling protection (RFC 9112 11.2).
                return ParseError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            return transferCodings(true);
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
        if (length > 0) {
            setContentLength(length);
        } else {
            // RFC 9112 6.3 (7): a request without either field has no body.
            framing = Framing.NONE;
        }
        return null;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (head[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(char c, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (head[i] == c) {
                return i;
            }
        }
        return -1;
    }

    // ---- accessors, valid after HEADERS ----

    /** The method (case-sensitive, RFC 9110 9.1); common methods are returned without allocating. */
    public String method() {
        for (String m : KNOWN_METHODS) {
            if (methodIs(m)) {
                return m;
            }
        }
        return string(0, methodEnd);
    }

    /** Whether the method is {@code m}, compared case-sensitively (RFC 9110 9.1), without allocating. */
    public boolean methodIs(String m) {
        if (methodEnd != m.length()) {
            return false;
        }
        for (int i = 0; i < methodEnd; i++) {
            if (head[i] != m.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The request-target as received. */
    public String target() {
        return string(targetStart, targetEnd);
    }

    /** The form of the request-target. */
    public TargetForm targetForm() {
        return form;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x, RFC 9110 6.2). */
    public int minorVersion() {
        return minor;
    }

    /** Whether the connection stays open after the response (RFC 9112 9.3). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client waits for 100 Continue before sending the body (RFC 9110 10.1.1). */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Whether Expect carries something other than 100-continue: a server MAY answer 417. */
    public boolean unknownExpectation() {
        return unknownExpectation;
    }
}
