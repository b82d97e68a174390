package dev.strata.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.http.HttpRequest;
import dev.strata.api.http.HttpResponse;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StreamSocket;

/**
 * One HTTP/1.1 connection on the server's selector thread (RFC 9112 9).
 *
 * <p>Input: bytes are read into a per-connection buffer and fed to the connection's
 * {@link RequestParser}; the buffer is compacted after each round, so a pipelined request that
 * arrived with the previous one stays there and is parsed next (RFC 9112 9.3.2: responses go out
 * in the order of the requests). The body is gathered into a buffer that grows to the largest body
 * seen (bounded by {@link HttpLimits#maxBodySize()}).
 *
 * <p>Output: responses are written into an output buffer and sent as the socket takes them. While
 * output is pending the connection asks for WRITE readiness, and above {@link #HIGH_WATER} bytes it
 * stops parsing (and reading) requests until the peer reads: a client that pipelines without
 * reading stalls on TCP's window, not on our memory.
 *
 * <p>A body from a source ({@link HttpResponse#body(ReadableByteChannel, long)}) is pumped into the
 * output buffer as the socket takes it, up to {@link #HIGH_WATER} at a time: a 2 GB file costs one
 * buffer. While it streams no further request is parsed (responses keep their order).
 *
 * <p>Closing: after a response with {@code Connection: close} (the client asked, HTTP/1.0 without
 * keep-alive, a parse error, shutdown) the server writes the response, shuts down its output and
 * reads (and drops) until the client closes or {@link #LINGER_NANOS} pass: closing with unread input
 * would reset the connection and could destroy the response in flight (RFC 9112 9.6).
 */
final class HttpConnection {

    /** Above this many bytes of pending output, no further request is parsed until some is sent. */
    static final int HIGH_WATER = 64 * 1024;
    /** The input buffer: reads of this size; requests larger than it are parsed in pieces. */
    static final int INPUT_SIZE = 16 * 1024;
    /** Reads per readiness, so that one fast client cannot starve the others. */
    static final int BATCH = 16;
    /** Most bytes pumped from a source and written per readiness, so that one download cannot starve the others. */
    static final int STREAM_BURST = 1 << 20;
    /** How long a connection idles between requests before its parser and buffers go back to the pool. */
    static final long RELEASE_NANOS = 1_000_000_000L;
    /** How long a closing connection waits for the client's FIN. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** The input and output buffer of a connection idling between requests: it holds none (a few hundred bytes in all). */
    private static final ByteBuffer IDLE = ByteBuffer.allocate(0);
    private static final byte[] NOT_FOUND = "404 Not Found\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] UNAVAILABLE = "503 Service Unavailable\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final StreamSocket socket;
    private final HttpLimits limits;
    /** The parser and the two buffers: the pool's while the connection idles between requests (null, {@link #IDLE}). */
    private RequestParser parser;
    private final ResponseWriter writer = new ResponseWriter();
    private ByteBuffer in;
    private ByteBuffer out;
    private ByteBuffer body = EMPTY;
    private final Request request = new Request();
    private final Response response = new Response();
    private SocketSelector.Key key;
    private int interest;
    /** Bytes of the current request have arrived (decides 408 or a silent close on idling). */
    private boolean requestStarted;
    /** No further request is parsed: the connection closes once the output is sent. */
    private boolean closeAfterWrite;
    /** The client shut down its output (read returned -1). */
    private boolean inputDone;
    /** Our output is shut down; waiting for the client's FIN. */
    private boolean lingering;
    private boolean closed;
    private long lastActivity;
    /** A worker runs this connection's blocking handler: nothing is parsed, read or timed out meanwhile. */
    private boolean waiting;
    /** The request being answered is HEAD. */
    private boolean head;
    /** The response being written keeps the connection open. */
    private boolean keepAlive;
    /** The body being streamed from a source, when {@link StreamedBody#active()}. */
    private final StreamedBody streaming = new StreamedBody();

    HttpConnection(HttpServer server, StreamSocket socket, HttpLimits limits) {
        this.server = server;
        this.socket = socket;
        this.limits = limits;
        this.in = IDLE;
        this.out = IDLE;
        this.lastActivity = server.nanoTime();
    }

    void register(SocketSelector selector) {
        interest = SocketSelector.READ;
        key = selector.register(socket, interest, false, this);
    }

    NetSocket socket() {
        return socket;
    }

    boolean isClosed() {
        return closed;
    }

    /** Serves the socket's readiness. */
    void serve(int ready) {
        if (closed) {
            return;
        }
        if (parser == null) {
            acquire(); // a request is coming: take a parser and buffers from the pool
        }
        flush();
        processHeld();
        if (!closed && (ready & SocketSelector.READ) != 0) {
            read();
        }
        if (!closed) {
            flush();
            processHeld();
        }
        if (!closed) {
            updateInterest();
        }
    }

    private void acquire() {
        parser = server.pool().parser(limits);
        in = server.pool().buffer();
        out = server.pool().buffer();
    }

    /**
     * A connection idle between requests for {@link #RELEASE_NANOS} (nothing received of the next,
     * nothing to send, no handler at work) gives its parser and buffers back to the pool: an idle
     * keep-alive connection costs its few objects, not ~60 KiB (10,000 of them would hold 600 MB),
     * while a busy one keeps them from request to request.
     */
    private void releaseIfIdle() {
        if (parser == null || in.position() > 0 || out.position() > 0 || requestStarted || streaming.active() || waiting
                || lingering || closeAfterWrite) {
            return;
        }
        server.pool().recycle(parser, in, out);
        parser = null;
        in = IDLE;
        out = IDLE;
        body = EMPTY;
    }

    /** True while the connection holds no parser or buffer (for tests). */
    boolean idle() {
        return parser == null;
    }

    /** Parses the requests held back by backpressure or a streamed body, once output allows. */
    private void processHeld() {
        while (!closed && !streaming.active() && !waiting && in.position() > 0 && !closeAfterWrite
                && out.position() < HIGH_WATER) {
            int held = in.position();
            process();
            flush();
            if (in.position() == held) {
                break; // no progress: wait for the peer to read
            }
        }
    }

    private void read() {
        for (int i = 0; i < BATCH && !closed; i++) {
            if (lingering) {
                in.clear(); // RFC 9112 9.6: drop what the client still sends while closing
            } else if (closeAfterWrite || streaming.active() || waiting || out.position() >= HIGH_WATER
                    || !in.hasRemaining()) {
                return;
            }
            int room = in.remaining();
            int n;
            try {
                n = socket.read(in);
            } catch (NetSocketException e) {
                if (e.error() != SocketError.EAGAIN) {
                    failed();
                }
                return;
            }
            if (n < 0) {
                inputDone = true;
                if (lingering || out.position() == 0) {
                    close();
                } else {
                    // RFC 9112 9.6: answer what was received in full, then close.
                    closeAfterWrite = true;
                }
                return;
            }
            if (n == 0) {
                return;
            }
            lastActivity = server.nanoTime();
            if (lingering) {
                in.clear();
            } else {
                process();
            }
            if (n < room) {
                return; // a short read took all there was; wait for the selector rather than pay an EAGAIN
            }
        }
    }

    /** Parses what is in the input buffer, answering each complete request. */
    private void process() {
        in.flip();
        try {
            while (!closeAfterWrite && !streaming.active() && !waiting && out.position() < HIGH_WATER) {
                if (!requestStarted && in.hasRemaining()) {
                    requestStarted = true;
                }
                switch (parser.next(in)) {
                    case NEED_MORE:
                        return;
                    case HEADERS:
                        headers();
                        break;
                    case BODY:
                        appendBody(in, parser.bodyStart(), parser.bodyLength());
                        break;
                    case COMPLETE:
                        respond();
                        if (waiting) {
                            return; // the parser and the body stay the handler's until it is done
                        }
                        parser.reset();
                        body.clear();
                        requestStarted = false;
                        break;
                    case ERROR:
                        parseError(parser.error());
                        return;
                    default:
                        return;
                }
            }
        } finally {
            in.compact();
        }
    }

    private void headers() {
        if (parser.unknownExpectation()) {
            // RFC 9110 10.1.1: "A server that receives an Expect field value containing a member
            // other than 100-continue MAY respond with a 417 (Expectation Failed)".
            simpleResponse(417, false);
            closeAfterWrite = true;
            return;
        }
        if (parser.expectContinue() && parser.framing() != MessageParser.Framing.NONE && !in.hasRemaining()) {
            // RFC 9110 10.1.1: the client waits for 100 (Continue) before sending the body; a
            // request whose body would be refused never gets here (413 at the headers).
            ensure(32);
            writer.writeContinue(out);
        }
    }

    private void appendBody(ByteBuffer from, int start, int length) {
        if (body.capacity() - body.position() < length) {
            long need = (long) body.position() + length;
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max(need, Math.min(2L * body.capacity() + 1024, Integer.MAX_VALUE - 8))));
            if (body != EMPTY) {
                body.flip();
                bigger.put(body);
            }
            body = bigger;
        }
        body.put(from.array(), from.arrayOffset() + start, length);
    }

    private void respond() {
        server.statistics().increment(HttpStatistic.Requests);
        head = parser.methodIs("HEAD");
        keepAlive = parser.keepAlive() && !server.draining();
        request.start();
        response.reset();
        if (parser.targetForm() == RequestParser.TargetForm.AUTHORITY) {
            complete(null, 501); // CONNECT: this is not a proxy
            return;
        }
        if (parser.targetForm() == RequestParser.TargetForm.ASTERISK) {
            // RFC 9110 9.3.7: OPTIONS * asks about the server in general; handlers take any method
            response.header("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
            complete(null, 200);
            return;
        }
        HandlerRegistry.Entry entry = server.registry().entry(request.path());
        if (entry == null) {
            server.statistics().increment(HttpStatistic.NotFound);
            response.status(404).header("Content-Type", "text/plain").body(NOT_FOUND);
            complete(null, 0);
        } else if (!entry.blocking()) {
            complete(runHandler(entry.handler()), 0);
        } else if (server.submit(this, entry.handler())) {
            waiting = true; // the parser, the body and the response are the worker's until handlerDone
        } else {
            // RFC 9110 15.6.4: every worker busy and the queue full; the client may try again
            server.statistics().increment(HttpStatistic.Overloaded);
            response.status(503).header("Retry-After", "1").header("Content-Type", "text/plain").body(UNAVAILABLE);
            complete(null, 0);
        }
    }

    /** Runs {@code handler} on this connection's request (on the server thread or a worker); returns what it threw. */
    Throwable runHandler(HttpHandler handler) {
        try {
            handler.handle(request, response);
            if (response.status < 200 || response.status > 999) {
                throw new IllegalArgumentException("status " + response.status);
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * The server thread, after a worker ran this connection's blocking handler: sends its response
     * and goes on with the requests that wait behind it.
     */
    void handlerDone(Throwable failure) {
        waiting = false;
        if (closed) {
            response.closeUnsentSource();
            return;
        }
        complete(failure, 0);
        parser.reset();
        body.clear();
        requestStarted = false;
        flush();
        processHeld();
        if (!closed) {
            updateInterest();
        }
    }

    /**
     * Writes the response: {@code status} when the server answers itself (0: the handler's), 500
     * when the handler threw or set a field that would split the response (RFC 9110 5.5).
     */
    private void complete(Throwable failure, int status) {
        try {
            if (failure != null) {
                handlerFailed(failure);
                simpleResponse(500, keepAlive);
                finishResponse(keepAlive);
                return;
            }
            if (status == 0) {
                status = response.status;
                if (response.source != null && response.sourceLength < 0 && parser.minorVersion() == 0) {
                    keepAlive = false; // RFC 9112 6.3: an HTTP/1.0 client reads a body of unknown length to the close
                }
            }
            int start = out.position();
            try {
                writeResponse(status, head, keepAlive);
            } catch (IllegalArgumentException e) {
                out.position(start);
                handlerFailed(e);
                simpleResponse(500, keepAlive);
            }
            finishResponse(keepAlive);
        } finally {
            response.closeUnsentSource();
        }
    }

    private void finishResponse(boolean keepAlive) {
        if (!keepAlive) {
            closeAfterWrite = true;
        }
    }

    private void handlerFailed(Throwable t) {
        server.statistics().increment(HttpStatistic.HandlerErrors);
        server.handlerFailed(request.path, t);
    }

    private void writeResponse(int status, boolean head, boolean keepAlive) {
        ByteBuffer content = response.body;
        content.flip();
        try {
            int length = content.remaining();
            int size = 256 + length;
            for (int i = 0; i < response.names.size(); i++) {
                size += response.names.get(i).length() + response.values.get(i).length() + 4;
            }
            ensure(size);
            writer.statusLine(out, status);
            writer.date(out, server.currentTimeMillis());
            for (int i = 0; i < response.names.size(); i++) {
                String name = response.names.get(i);
                if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                        || name.equalsIgnoreCase("Connection")) {
                    continue; // the framing is the server's
                }
                writer.header(out, name, response.values.get(i));
            }
            ReadableByteChannel source = response.source;
            boolean chunked = source != null && response.sourceLength < 0 && parser.minorVersion() > 0;
            // RFC 9110 8.6: no Content-Length in 204 (and 1xx); in 304 it would have to be the
            // selected representation's, which the server does not know.
            if (status != 204 && status != 304) {
                if (chunked) {
                    writer.chunked(out); // RFC 9112 6.1; for HEAD as GET would (RFC 9110 9.3.2)
                } else if (source == null) {
                    writer.contentLength(out, length); // for HEAD, what GET would send (RFC 9110 9.3.2)
                } else if (response.sourceLength >= 0) {
                    writer.contentLength(out, response.sourceLength);
                }
            }
            connectionHeader(keepAlive);
            writer.endHeaders(out);
            if (ResponseWriter.bodyAllowed(head, status)) {
                if (source == null) {
                    out.put(content);
                } else {
                    startStream(source, response.sourceLength, chunked);
                    response.source = null; // the connection owns it now
                }
            }
        } finally {
            content.clear();
        }
    }

    private void startStream(ReadableByteChannel source, long length, boolean chunked) {
        // the body is pumped into the output buffer as it is (16 KiB unless a large response grew
        // it): growing it per response would cost an allocation per request
        ensure(StreamedBody.CHUNK_OVERHEAD + 1);
        streaming.start(source, length, chunked);
    }

    /** Moves bytes of the streamed body into the output buffer, up to {@link #HIGH_WATER}. */
    private void pump() {
        if (streaming.active() && streaming.pumpInto(out, HIGH_WATER, writer) == StreamedBody.Outcome.FAILED) {
            handlerFailed(streaming.failure());
            // what was sent of the body stays a truncated message the client can tell (RFC 9112 8)
            closeAfterWrite = true;
        }
    }

    private void connectionHeader(boolean keepAlive) {
        if (!keepAlive) {
            writer.header(out, "Connection", "close"); // RFC 9112 9.6
        } else if (parser.minorVersion() == 0) {
            writer.header(out, "Connection", "keep-alive"); // RFC 9112 C.2.2: HTTP/1.0 persistence
        }
    }

    /** A response the server makes itself: status, Date, an empty body and the Connection field. */
    private void simpleResponse(int status, boolean keepAlive) {
        ensure(256);
        writer.statusLine(out, status);
        writer.date(out, server.currentTimeMillis());
        writer.contentLength(out, 0);
        connectionHeader(keepAlive);
        writer.endHeaders(out);
    }

    private void parseError(ParseError error) {
        server.statistics().increment(HttpStatistic.ParseErrors);
        server.statistics().increment(HttpStatistic.Requests);
        ensure(256);
        writer.errorResponse(out, error, server.currentTimeMillis());
        closeAfterWrite = true; // RFC 9112 9.6, 11.2: the framing is lost
        requestStarted = false;
    }

    /** Makes room for {@code size} more bytes of output. */
    private void ensure(int size) {
        if (out.remaining() >= size) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + size));
        out.flip();
        bigger.put(out);
        out = bigger;
    }

    /**
     * Sends what the socket takes, refilling from a streamed body while the socket keeps taking
     * (up to {@link #STREAM_BURST} bytes); closes (lingering) once a closing connection's output is sent.
     */
    private void flush() {
        long burst = 0;
        while (true) {
            pump();
            if (out.position() == 0) {
                break;
            }
            out.flip();
            int n;
            try {
                n = socket.write(out);
            } catch (NetSocketException e) {
                out.compact();
                if (e.error() != SocketError.EAGAIN) {
                    failed();
                }
                return;
            }
            out.compact();
            if (n > 0) {
                lastActivity = server.nanoTime();
            }
            burst += n;
            if (out.position() > 0 || !streaming.active() || burst >= STREAM_BURST) {
                break; // the socket is full, there is nothing more to send, or others' turn
            }
        }
        if (out.position() > 0 || streaming.active()) {
            return;
        }
        if (out.capacity() > 4 * INPUT_SIZE) {
            out = server.pool().buffer(); // let a large response's buffer go
        }
        if (closeAfterWrite && !lingering) {
            startLinger();
        }
    }

    private void startLinger() {
        if (inputDone) {
            close();
            return;
        }
        try {
            socket.shutdown(NetSocket.Shutdown.WRITE); // FIN after the last response byte
        } catch (NetSocketException | RuntimeException e) {
            close();
            return;
        }
        lingering = true;
        lastActivity = server.nanoTime();
    }

    private void updateInterest() {
        int want = 0;
        if (out.position() > 0 || streaming.active()) {
            want |= SocketSelector.WRITE;
        }
        if (!inputDone && (lingering || !closeAfterWrite && !streaming.active() && !waiting
                && out.position() < HIGH_WATER && (parser == null || in.hasRemaining()))) {
            want |= SocketSelector.READ;
        }
        if (want != interest && key != null && key.isValid()) {
            interest = want;
            key.interest(want);
        }
    }

    /**
     * Called now and then by the server thread: closes a connection idle for {@code idleNanos}
     * (RFC 9110 15.5.9: 408 when a request had begun, a silent close between requests), and a
     * lingering one after {@link #LINGER_NANOS}.
     *
     * @return true when the connection timed out
     */
    boolean checkIdle(long now, long idleNanos) {
        if (closed || waiting) {
            return false; // a blocking handler at work is not the client idling
        }
        long idle = now - lastActivity;
        if (lingering) {
            if (idle > LINGER_NANOS) {
                close();
            }
            return false;
        }
        if (idle <= idleNanos) {
            if (idle > RELEASE_NANOS) {
                releaseIfIdle();
            }
            return false;
        }
        if (requestStarted && out.position() == 0 && !streaming.active() && !closeAfterWrite) {
            simpleResponse(408, false);
            closeAfterWrite = true;
            flush();
            if (!closed) {
                updateInterest();
            }
            // a peer that does not read either is closed at the next check
            lastActivity = now - idleNanos + LINGER_NANOS;
        } else {
            close();
        }
        return true;
    }

    /**
     * Server shutdown: a connection between requests closes now; one with a request in progress
     * or a response in flight finishes it with {@code Connection: close}.
     */
    void drain() {
        if (closed) {
            return;
        }
        if (lingering || !requestStarted && out.position() == 0 && !streaming.active() && !waiting) {
            close();
        }
    }

    private void failed() {
        server.statistics().increment(HttpStatistic.Errors);
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        streaming.close();
        if (key != null) {
            key.cancel();
        }
        socket.close();
        if (Thread.currentThread() == server.thread() && !waiting && parser != null) {
            // the pool is the server thread's alone; a worker still reading the parser keeps it
            server.pool().recycle(parser, in, out);
        }
        server.closed(this);
    }

    /** The request view over the parser, reused for every request of the connection. */
    private final class Request implements HttpRequest {
        private String target;
        private String path;
        private String query;

        void start() {
            target = parser.target();
            int pathStart = 0;
            if (parser.targetForm() == RequestParser.TargetForm.ABSOLUTE) {
                // RFC 9112 3.2.2: absolute-form; the path is after scheme "://" authority
                int authority = target.indexOf("://") + 3;
                int slash = authority;
                while (slash < target.length() && target.charAt(slash) != '/' && target.charAt(slash) != '?') {
                    slash++;
                }
                pathStart = slash;
            }
            int q = target.indexOf('?', pathStart);
            path = q < 0 ? target.substring(pathStart) : target.substring(pathStart, q);
            if (path.isEmpty()) {
                path = "/"; // RFC 9112 3.2.1: an empty path is "/"
            }
            query = q < 0 ? null : target.substring(q + 1);
        }

        @Override
        public String method() {
            return parser.method();
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return query;
        }

        @Override
        public String header(String name) {
            return parser.header(name);
        }

        @Override
        public int minorVersion() {
            return parser.minorVersion();
        }

        @Override
        public ByteBuffer body() {
            if (body == EMPTY || body.position() == 0) {
                return EMPTY;
            }
            ByteBuffer view = body.asReadOnlyBuffer();
            view.flip();
            return view;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return socket.remoteAddress();
        }
    }

    /** The response a handler fills in, reused for every request of the connection. */
    private static final class Response implements HttpResponse {
        int status;
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        ByteBuffer body = ByteBuffer.allocate(0);
        ReadableByteChannel source;
        long sourceLength;

        void reset() {
            closeUnsentSource();
            status = 200;
            names.clear();
            values.clear();
            body.clear();
            if (body.capacity() > 4 * INPUT_SIZE) {
                body = ByteBuffer.allocate(0);
            }
        }

        @Override
        public HttpResponse status(int code) {
            status = code;
            return this;
        }

        @Override
        public HttpResponse header(String name, String value) {
            names.add(name);
            values.add(value);
            return this;
        }

        /** A source the response did not send (a handler failed after setting it, HEAD, 304...). */
        void closeUnsentSource() {
            StreamedBody.closeQuietly(source);
            source = null;
        }

        @Override
        public HttpResponse body(ReadableByteChannel channel, long length) {
            if (length < -1) {
                throw new IllegalArgumentException("length " + length);
            }
            if (source != null || body.position() > 0) {
                throw new IllegalStateException("the response has a body already");
            }
            source = java.util.Objects.requireNonNull(channel, "source");
            sourceLength = length;
            return this;
        }

        @Override
        public HttpResponse body(ByteBuffer bytes) {
            if (source != null) {
                throw new IllegalStateException("the body comes from a source");
            }
            int n = bytes.remaining();
            if (body.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(body.capacity() * 2, body.position() + n));
                body.flip();
                bigger.put(body);
                body = bigger;
            }
            body.put(bytes);
            return this;
        }
    }
}
