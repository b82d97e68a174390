package dev.strata.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The incremental HTTP/1.1 message parser shared by requests and responses (RFC 9112): start-line,
 * field lines, body framing (Content-Length, chunked, until close) and trailers.
 *
 * <p>It is fed whatever bytes arrived on a non-blocking socket and may stop anywhere, even between
 * CR and LF. The start-line and fields are copied into one array sized by the limits, allocated
 * once; fields are kept as offsets into it, so parsing a message allocates nothing. The body is not
 * copied: a {@link Event#BODY} event names a region of the input buffer ({@link #bodyStart()},
 * {@link #bodyLength()}) that the caller reads before feeding the buffer again.
 *
 * <p>Use: call {@link #next(ByteBuffer)} until it returns {@link Event#NEED_MORE} (all input
 * consumed), {@link Event#COMPLETE} or {@link Event#ERROR}. After COMPLETE the bytes of the next
 * pipelined message are left in the buffer; call {@link #reset()} before parsing it. Nothing throws:
 * a hostile message ends in ERROR with a {@link ParseError}.
 *
 * <p>Line terminators: RFC 9112 2.2 lets a recipient recognise a bare LF as the end of the
 * start-line and of a field line; this parser does (curl, nginx and Python's http.client all do),
 * while a bare CR is an error (RFC 9112 2.2: "MUST consider that element to be invalid"). The
 * chunked framing is not a start-line or field line, so there CRLF is required strictly: lenient
 * chunk parsing is a known request smuggling vector (RFC 9112 11.2).
 */
public abstract class MessageParser {

    /** What a call to {@link #next(ByteBuffer)} produced. */
    public enum Event {
        /** The input is consumed and the message is not complete: feed more bytes. */
        NEED_MORE,
        /** The start-line and header section are complete; their accessors are valid. */
        HEADERS,
        /** Body bytes are available at {@link #bodyStart()} for {@link #bodyLength()} in the input. */
        BODY,
        /** The message is complete (trailers included); the next message's bytes are left unread. */
        COMPLETE,
        /** The message is malformed; see {@link #error()}. */
        ERROR
    }

    /** How the body's length is determined (RFC 9112 6.3). */
    public enum Framing {
        /** No body. */
        NONE,
        /** Content-Length bytes. */
        LENGTH,
        /** The chunked transfer coding (RFC 9112 7.1). */
        CHUNKED,
        /** Everything until the connection closes (responses only, RFC 9112 6.3 (8)). */
        UNTIL_CLOSE
    }

    private enum State {
        START_LINE, FIELDS, BODY_LENGTH, CHUNK_SIZE, CHUNK_EXTENSION, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR,
        CHUNK_DATA_LF, TRAILERS, UNTIL_CLOSE, DONE, FAILED
    }

    /** RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request-line. */
    private static final int MAX_LEADING_EMPTY_LINES = 2;
    /** A chunk-size longer than 16 hex digits cannot fit a long. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 16;

    protected final HttpLimits limits;
    /** Start-line, field lines and trailer lines, without their terminators. */
    protected final byte[] head;
    private final int[] nameStart;
    private final int[] nameEnd;
    private final int[] valueStart;
    private final int[] valueEnd;

    private State state = State.START_LINE;
    private int headLength;
    private int lineStart;
    private int emptyLines;
    private int sectionBytes;
    private int fieldCount;
    private int trailerStart;
    private int startLineEnd;
    private ParseError error;

    protected Framing framing = Framing.NONE;
    private long remaining;
    private long bodyReceived;
    private int chunkDigits;
    private int chunkExtensionBytes;
    private int bodyStart;
    private int bodyLength;

    protected MessageParser(HttpLimits limits) {
        this.limits = limits;
        this.head = new byte[limits.maxStartLineLength() + 1 + limits.maxHeaderSectionSize()
                + limits.maxTrailerSectionSize()];
        int fields = limits.maxHeaderCount() + limits.maxTrailerCount();
        nameStart = new int[fields];
        nameEnd = new int[fields];
        valueStart = new int[fields];
        valueEnd = new int[fields];
    }

    /** Forget the message just parsed, ready for the next one on the same connection. */
    /** The limits this parser enforces. */
    public HttpLimits limits() {
        return limits;
    }

        public void reset() {
        state = State.START_LINE;
        headLength = lineStart = emptyLines = sectionBytes = fieldCount = trailerStart = startLineEnd = 0;
        error = null;
        framing = Framing.NONE;
        remaining = bodyReceived = 0;
        chunkDigits = chunkExtensionBytes = bodyStart = bodyLength = 0;
    }

    /**
     * Parse from {@code in}'s position, advancing it past what was used.
     *
     * @return the next event; NEED_MORE only when {@code in} has no bytes left
     */
    public Event next(ByteBuffer in) {
        while (true) {
            switch (state) {
                case START_LINE:
                case FIELDS:
                case TRAILERS: {
                    Event e = parseHead(in);
                    if (e != null) {
                        return e;
                    }
                    break;
                }
                case BODY_LENGTH:
                case CHUNK_DATA:
                case UNTIL_CLOSE:
                    return body(in);
                case CHUNK_SIZE:
                case CHUNK_EXTENSION:
                case CHUNK_SIZE_LF:
                case CHUNK_DATA_CR:
                case CHUNK_DATA_LF: {
                    Event e = chunkFraming(in);
                    if (e != null) {
                        return e;
                    }
                    break;
                }
                case DONE:
                    return Event.COMPLETE;
                default:
                    return Event.ERROR;
            }
        }
    }

    /**
     * The connection was closed by the peer: completes a body read until close (RFC 9112 6.3 (8)),
     * anything else in progress is an {@link ParseError#INCOMPLETE_MESSAGE}.
     *
     * @return COMPLETE, ERROR, or NEED_MORE when no message had started
     */
    public Event finish() {
        if (state == State.UNTIL_CLOSE || state == State.DONE) {
            state = State.DONE;
            return Event.COMPLETE;
        }
        if (state == State.FAILED) {
            return Event.ERROR;
        }
        if (state == State.START_LINE && headLength == lineStart && emptyLines == 0 && headLength == 0) {
            return Event.NEED_MORE;
        }
        return fail(ParseError.INCOMPLETE_MESSAGE);
    }

    // ---- head: start-line, header section, trailer section ----

    private Event parseHead(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (state != State.START_LINE) {
                sectionBytes++;
                if (state == State.FIELDS && sectionBytes > limits.maxHeaderSectionSize()) {
                    return fail(ParseError.HEADER_SECTION_TOO_LARGE);
                }
                if (state == State.TRAILERS && sectionBytes > limits.maxTrailerSectionSize()) {
                    return fail(ParseError.TRAILER_SECTION_TOO_LARGE);
                }
            }
            if (b != '\n') {
                if (state == State.START_LINE && !startLineByteAllowed(b)) {
                    return fail(startLineByteError());
                }
                if (state == State.START_LINE && headLength - lineStart > limits.maxStartLineLength()) {
                    // One more than the limit may be the CR of the line's CRLF.
                    return fail(startLineTooLong());
                }
                head[headLength++] = b;
                continue;
            }
            int end = headLength;
            if (end > lineStart && head[end - 1] == '\r') {
                end--;
            }
            headLength = end;
            Event e = state == State.START_LINE ? endStartLine(end) : endFieldLine(end);
            if (e != null) {
                return e;
            }
            if (state != State.START_LINE && state != State.FIELDS && state != State.TRAILERS) {
                return null;
            }
        }
        return Event.NEED_MORE;
    }

    private Event endStartLine(int end) {
        if (end == lineStart) {
            if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                return fail(ParseError.TOO_MANY_EMPTY_LINES);
            }
            return null;
        }
        if (end - lineStart > limits.maxStartLineLength()) {
            return fail(startLineTooLong());
        }
        ParseError e = parseStartLine(lineStart, end);
        if (e != null) {
            return fail(e);
        }
        startLineEnd = end;
        lineStart = end;
        state = State.FIELDS;
        return null;
    }

    private Event endFieldLine(int end) {
        if (end == lineStart) {
            if (state == State.TRAILERS) {
                state = State.DONE;
                return null;
            }
            ParseError e = headersComplete();
            if (e != null) {
                return fail(e);
            }
            state = switch (framing) {
                case NONE -> State.DONE;
                case LENGTH -> remaining == 0 ? State.DONE : State.BODY_LENGTH;
                case CHUNKED -> State.CHUNK_SIZE;
                case UNTIL_CLOSE -> State.UNTIL_CLOSE;
            };
            return Event.HEADERS;
        }
        // RFC 9112 5.2: obs-fold is rejected with 400 (a server MAY do so); also covers RFC 9112 2.2
        // whitespace between the start-line and the first field.
        if (Syntax.isWhitespace(head[lineStart])) {
            return fail(ParseError.OBSOLETE_LINE_FOLDING);
        }
        int colon = -1;
        for (int i = lineStart; i < end; i++) {
            byte c = head[i];
            if (c == ':') {
                colon = i;
                break;
            }
            if (Syntax.isWhitespace(c)) {
                // RFC 9112 5.1: "A server MUST reject ... any received request message that contains
                // whitespace between a header field name and colon with a response status code of 400".
                return fail(ParseError.WHITESPACE_BEFORE_COLON);
            }
            if (c == '\r') {
                return fail(ParseError.BARE_CR);
            }
            if (!Syntax.isTchar(c)) {
                return fail(ParseError.INVALID_FIELD_NAME);
            }
        }
        if (colon <= lineStart) {
            return fail(ParseError.INVALID_FIELD_NAME);
        }
        int vs = colon + 1;
        int ve = end;
        // RFC 9112 5.1: field-line = field-name ":" OWS field-value OWS
        while (vs < ve && Syntax.isWhitespace(head[vs])) {
            vs++;
        }
        while (ve > vs && Syntax.isWhitespace(head[ve - 1])) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            byte c = head[i];
            if (c == '\r') {
                return fail(ParseError.BARE_CR);
            }
            if (!Syntax.isFieldValueChar(c)) {
                return fail(ParseError.INVALID_FIELD_VALUE);
            }
        }
        if (state == State.FIELDS ? fieldCount >= limits.maxHeaderCount()
                : fieldCount - trailerStart >= limits.maxTrailerCount()) {
            return fail(state == State.FIELDS ? ParseError.TOO_MANY_HEADERS : ParseError.TRAILER_SECTION_TOO_LARGE);
        }
        nameStart[fieldCount] = lineStart;
        nameEnd[fieldCount] = colon;
        valueStart[fieldCount] = vs;
        valueEnd[fieldCount] = ve;
        fieldCount++;
        lineStart = end;
        return null;
    }

    // ---- body ----

    private Event body(ByteBuffer in) {
        int available = in.remaining();
        if (available == 0) {
            return Event.NEED_MORE;
        }
        int n;
        if (state == State.UNTIL_CLOSE) {
            if (bodyReceived + available > limits.maxBodySize()) {
                return fail(ParseError.BODY_TOO_LARGE);
            }
            n = available;
        } else {
            n = (int) Math.min(remaining, available);
            remaining -= n;
        }
        bodyReceived += n;
        bodyStart = in.position();
        bodyLength = n;
        in.position(bodyStart + n);
        if (remaining == 0) {
            if (state == State.BODY_LENGTH) {
                state = State.DONE;
            } else if (state == State.CHUNK_DATA) {
                state = State.CHUNK_DATA_CR;
            }
        }
        return Event.BODY;
    }

    private Event chunkFraming(ByteBuffer in) {
        while (in.hasRemaining()) {
            int b = in.get() & 0xFF;
            switch (state) {
                case CHUNK_SIZE: {
                    // RFC 9112 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                    int v = Syntax.hexValue(b);
                    if (v >= 0) {
                        if (++chunkDigits > MAX_CHUNK_SIZE_DIGITS || remaining > (Long.MAX_VALUE >> 4)) {
                            return fail(ParseError.INVALID_CHUNK_SIZE);
                        }
                        remaining = (remaining << 4) | v;
                        if (bodyReceived + remaining > limits.maxBodySize() || bodyReceived + remaining < 0) {
                            return fail(ParseError.BODY_TOO_LARGE);
                        }
                        break;
                    }
                    if (b == '\n') {
                        return fail(ParseError.INVALID_CHUNK_FRAMING); // RFC 9112 7.1: CRLF, not a bare LF
                    }
                    if (chunkDigits == 0) {
                        return fail(ParseError.INVALID_CHUNK_SIZE);
                    }
                    if (b == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else if (b == ';' || Syntax.isWhitespace(b)) {
                        // RFC 9112 7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS
                        // chunk-ext-val ] ); a recipient MUST ignore extensions it does not understand.
                        state = State.CHUNK_EXTENSION;
                        chunkExtensionBytes = 1;
                    } else {
                        return fail(ParseError.INVALID_CHUNK_SIZE);
                    }
                    break;
                }
                case CHUNK_EXTENSION:
                    if (b == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else if (++chunkExtensionBytes > limits.maxChunkExtensionSize()
                            || !Syntax.isFieldValueChar(b)) {
                        return fail(ParseError.INVALID_CHUNK_EXTENSION);
                    }
                    break;
                case CHUNK_SIZE_LF:
                    if (b != '\n') {
                        return fail(ParseError.INVALID_CHUNK_FRAMING);
                    }
                    chunkDigits = 0;
                    chunkExtensionBytes = 0;
                    if (remaining == 0) {
                        // RFC 9112 7.1: last-chunk, then trailer-section CRLF.
                        state = State.TRAILERS;
                        trailerStart = fieldCount;
                        sectionBytes = 0;
                        lineStart = headLength;
                    } else {
                        state = State.CHUNK_DATA;
                    }
                    return null;
                case CHUNK_DATA_CR:
                    if (b != '\r') {
                        return fail(ParseError.INVALID_CHUNK_FRAMING);
                    }
                    state = State.CHUNK_DATA_LF;
                    break;
                case CHUNK_DATA_LF:
                    if (b != '\n') {
                        return fail(ParseError.INVALID_CHUNK_FRAMING);
                    }
                    state = State.CHUNK_SIZE;
                    break;
                default:
                    throw new IllegalStateException(state.name());
            }
        }
        return Event.NEED_MORE;
    }

    protected final Event fail(ParseError e) {
        error = e;
        state = State.FAILED;
        return Event.ERROR;
    }

    // ---- for subclasses ----

    /** Validate the start-line in {@code head[from, to)} and record its parts; null when valid. */
    protected abstract ParseError parseStartLine(int from, int to);

    /** The header section is complete: check it and set {@link #framing} and the length; null when valid. */
    protected abstract ParseError headersComplete();

    protected abstract ParseError startLineTooLong();

    /**
     * Whether {@code b} can appear in a start-line at all: checked as each byte arrives, so that a
     * peer speaking another protocol (a TLS ClientHello on port 80) is refused at its first byte
     * instead of after a start-line's worth of bytes.
     */
    protected boolean startLineByteAllowed(byte b) {
        return true;
    }

    protected ParseError startLineByteError() {
        return null;
    }

    protected final void setContentLength(long length) {
        framing = Framing.LENGTH;
        remaining = length;
    }

    /** The fields of the header section, as indexes for {@link #nameIs}, {@link #valueString} etc. */
    protected final int headerFieldCount() {
        return state == State.TRAILERS || trailerStart > 0 ? trailerStart : fieldCount;
    }

    /** Whether field {@code i}'s name equals {@code lowerName} (lower case ASCII), ignoring case. */
    protected final boolean nameIs(int i, String lowerName) {
        int s = nameStart[i];
        int len = nameEnd[i] - s;
        if (len != lowerName.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (Syntax.lower(head[s + k]) != lowerName.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    protected final int valueStart(int i) {
        return valueStart[i];
    }

    protected final int valueEnd(int i) {
        return valueEnd[i];
    }

    protected final String string(int from, int to) {
        return new String(head, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the comma-separated list in field {@code i} contains {@code lowerToken}, ignoring case
     * and parameters (RFC 9110 5.6.1, 7.6.1).
     */
    protected final boolean listContains(int i, String lowerToken) {
        int p = valueStart[i];
        int end = valueEnd[i];
        while (p < end) {
            while (p < end && (Syntax.isWhitespace(head[p]) || head[p] == ',')) {
                p++;
            }
            int s = p;
            while (p < end && head[p] != ',' && head[p] != ';' && !Syntax.isWhitespace(head[p])) {
                p++;
            }
            if (regionEqualsIgnoreCase(s, p, lowerToken)) {
                return true;
            }
            while (p < end && head[p] != ',') {
                p++;
            }
        }
        return false;
    }

    protected final boolean regionEqualsIgnoreCase(int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int k = from; k < to; k++) {
            if (Syntax.lower(head[k]) != lower.charAt(k - from)) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 9112 6.1: read Transfer-Encoding fields; sets CHUNKED framing when chunked is the final coding.
     *
     * @return null when the codings are only chunked, once and last; else the error for a request
     */
    protected final ParseError transferCodings(boolean request) {
        int chunked = 0;
        boolean chunkedLast = false;
        boolean unknown = false;
        boolean empty = true;
        int n = headerFieldCount();
        for (int i = 0; i < n; i++) {
            if (!nameIs(i, "transfer-encoding")) {
                continue;
            }
            int p = valueStart[i];
            int end = valueEnd[i];
            while (p < end) {
                while (p < end && (Syntax.isWhitespace(head[p]) || head[p] == ',')) {
                    p++;
                }
                if (p == end) {
                    break;
                }
                int s = p;
                while (p < end && Syntax.isTchar(head[p])) {
                    p++;
                }
                if (s == p) {
                    return ParseError.INVALID_FIELD_VALUE;
                }
                empty = false;
                boolean isChunked = regionEqualsIgnoreCase(s, p, "chunked");
                chunked += isChunked ? 1 : 0;
                unknown |= !isChunked;
                chunkedLast = isChunked;
                while (p < end && head[p] != ',') {
                    p++; // parameters of a coding
                }
            }
        }
        if (empty) {
            return ParseError.INVALID_FIELD_VALUE;
        }
        if (request) {
            // RFC 9112 6.3 (4): "If a Transfer-Encoding header field is present in a request and the
            // chunked transfer coding is not the final encoding ... MUST respond with 400 and close";
            // RFC 9112 7.1: chunked MUST NOT be applied more than once.
            if (!chunkedLast || chunked > 1) {
                return ParseError.CHUNKED_NOT_FINAL;
            }
            if (unknown) {
                return ParseError.UNKNOWN_TRANSFER_CODING; // RFC 9112 6.1: SHOULD respond with 501
            }
            framing = Framing.CHUNKED;
            return null;
        }
        // RFC 9112 6.3 (4): in a response whose final coding is not chunked, read until close.
        framing = chunkedLast && chunked == 1 ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
        return null;
    }

    /**
     * RFC 9110 8.6, RFC 9112 6.3 (5): the Content-Length, -1 when absent. A list of identical values
     * (in one field or several) is accepted as one value; differing values are an error.
     *
     * @return the length, or -2 for an invalid value, -3 for conflicting values
     */
    protected final long contentLength() {
        long length = -1;
        int n = headerFieldCount();
        for (int i = 0; i < n; i++) {
            if (!nameIs(i, "content-length")) {
                continue;
            }
            int p = valueStart[i];
            int end = valueEnd[i];
            do {
                while (p < end && Syntax.isWhitespace(head[p])) {
                    p++;
                }
                long v = 0;
                int digits = 0;
                while (p < end && head[p] >= '0' && head[p] <= '9') {
                    if (++digits > 18) {
                        return -2; // more than a long can hold safely
                    }
                    v = v * 10 + (head[p++] - '0');
                }
                while (p < end && Syntax.isWhitespace(head[p])) {
                    p++;
                }
                if (digits == 0 || p < end && head[p] != ',') {
                    return -2;
                }
                if (length >= 0 && v != length) {
                    return -3;
                }
                length = v;
            } while (p++ < end);
        }
        return length;
    }

    // ---- public accessors ----

    /** Why parsing failed, or null. */
    public ParseError error() {
        return error;
    }

    /** How the body is framed; valid after {@link Event#HEADERS}. */
    public Framing framing() {
        return framing;
    }

    /** Offset in the input buffer of the body bytes of the last {@link Event#BODY}. */
    public int bodyStart() {
        return bodyStart;
    }

    /** Number of body bytes of the last {@link Event#BODY}. */
    public int bodyLength() {
        return bodyLength;
    }

    /** Body bytes received so far in this message. */
    public long bodyReceived() {
        return bodyReceived;
    }

    /** Number of header fields. */
    public int headerCount() {
        return headerFieldCount();
    }

    /** The name of header field {@code i}, as sent. */
    public String headerName(int i) {
        return string(nameStart[i], nameEnd[i]);
    }

    /** The value of header field {@code i}, without surrounding whitespace. */
    public String headerValue(int i) {
        return string(valueStart[i], valueEnd[i]);
    }

    /** Index of the first header field named {@code name} (any case), or -1. */
    public int indexOf(String name) {
        return indexOf(name, 0, headerFieldCount());
    }

    private int indexOf(String name, int from, int to) {
        int len = name.length();
        for (int i = from; i < to; i++) {
            int s = nameStart[i];
            if (nameEnd[i] - s != len) {
                continue;
            }
            int k = 0;
            while (k < len && Syntax.lower(head[s + k]) == Syntax.lower(name.charAt(k))) {
                k++;
            }
            if (k == len) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value of header {@code name} (case-insensitive, RFC 9110 5.1); several field lines with the
     * name are combined with ", " (RFC 9110 5.3). Null when absent.
     */
    public String header(String name) {
        return combined(name, 0, headerFieldCount());
    }

    /** A trailer field (RFC 9110 6.5), like {@link #header(String)}; valid after COMPLETE. */
    public String trailer(String name) {
        return trailerStart == 0 ? null : combined(name, trailerStart, fieldCount);
    }

    /** Number of trailer fields. */
    public int trailerCount() {
        return trailerStart == 0 ? 0 : fieldCount - trailerStart;
    }

    private String combined(String name, int from, int to) {
        int i = indexOf(name, from, to);
        if (i < 0) {
            return null;
        }
        int j = indexOf(name, i + 1, to);
        if (j < 0) {
            return string(valueStart[i], valueEnd[i]);
        }
        StringBuilder sb = new StringBuilder(string(valueStart[i], valueEnd[i]));
        for (; j >= 0; j = indexOf(name, j + 1, to)) {
            sb.append(", ");
            for (int k = valueStart[j]; k < valueEnd[j]; k++) {
                sb.append((char) (head[k] & 0xFF));
            }
        }
        return sb.toString();
    }

    /** Whether the header {@code name}'s comma-separated list has {@code token} (case-insensitive). */
    public boolean headerHasToken(String name, String token) {
        String lowerName = name.toLowerCase(java.util.Locale.ROOT);
        String lowerToken = token.toLowerCase(java.util.Locale.ROOT);
        int n = headerFieldCount();
        for (int i = 0; i < n; i++) {
            if (nameIs(i, lowerName) && listContains(i, lowerToken)) {
                return true;
            }
        }
        return false;
    }

    /** The start-line as received, without its terminator. */
    public String startLine() {
        return startLineEnd == 0 ? null : string(0, startLineEnd);
    }
}
