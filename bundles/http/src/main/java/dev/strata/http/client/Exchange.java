package dev.strata.http.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import dev.strata.api.http.client.BodySink;
import dev.strata.api.http.client.Headers;
import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.HttpClientException.Kind;
import dev.strata.api.http.client.HttpTrace;
import dev.strata.api.http.client.Request;
import dev.strata.api.http.client.Response;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.http.HttpLimits;
import dev.strata.http.MessageParser.Event;
import dev.strata.http.MessageParser.Framing;
import dev.strata.http.ResponseParser;

/**
 * One call of {@link StackHttpClient#send}: the request, the redirects it leads to and the final
 * response's body, on one blocking {@link StreamSocket} at a time (kept for the next hop when the
 * peer is the same and the response left the connection open, RFC 9112 9.3).
 *
 * <p>Every blocking operation is bounded by what is left of {@link Request#timeout()}: the
 * handshake by the connect timeout as well, each read by SO_RCVTIMEO, each write by SO_SNDTIMEO.
 */
final class Exchange {

    /** Bytes read from the socket at once. */
    static final int BUFFER_SIZE = 64 * 1024;
    /** Downloads of any size: the body goes to the sink, never into memory. */
    static final HttpLimits LIMITS = HttpLimits.DEFAULT.withMaxBodySize(Long.MAX_VALUE);

    private final SocketService sockets;
    private final String userAgent;
    private final Request request;
    private final HttpTrace trace;
    private final long start = System.nanoTime();
    /** System.nanoTime() when the whole exchange must be over; 0 for no limit. */
    private final long deadline;
    private final ResponseParser parser = new ResponseParser(LIMITS);
    /** Received bytes not parsed yet, in read mode. */
    private final ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE).flip();
    private StreamSocket socket;
    private Target connectedTo;

    Exchange(SocketService sockets, String userAgent, Request request) {
        this.sockets = sockets;
        this.userAgent = userAgent;
        this.request = request;
        this.trace = request.trace();
        this.deadline = request.timeout() == null ? 0 : start + Math.max(1, request.timeout().toNanos());
    }

    Response run(BodySink sink) throws HttpClientException, InterruptedException {
        URI uri = request.uri();
        String method = request.method();
        byte[] body = request.body();
        Headers headers = request.headers();
        int redirects = 0;
        try {
            while (true) {
                Target target = Target.of(uri);
                if (connectedTo != null && !connectedTo.remote().equals(target.remote())) {
                    closeConnection();
                }
                boolean reused = socket != null;
                if (reused) {
                    trace.reused(target.remote());
                } else {
                    connect(target);
                }
                boolean head = method.equals("HEAD");
                Response response;
                try {
                    send(target, method, headers, body);
                    response = readHead(uri, head, redirects);
                } catch (HttpClientException e) {
                    if (!reused || e.kind() != Kind.EMPTY_RESPONSE && e.kind() != Kind.SEND_FAILED
                            && e.kind() != Kind.RECEIVE_FAILED) {
                        throw e;
                    }
                    // RFC 9112 9.3.1: the peer may close an idle connection as the request goes out; retry on a new one
                    closeConnection();
                    connect(target);
                    send(target, method, headers, body);
                    response = readHead(uri, head, redirects);
                }
                if (!request.followRedirects() || !response.isRedirect()) {
                    return readBody(response, sink);
                }
                if (redirects >= request.maxRedirects()) {
                    throw new HttpClientException(Kind.TOO_MANY_REDIRECTS, "Maximum (" + request.maxRedirects() + ") redirects followed");
                }
                URI next = location(uri, response.headers().first("Location").orElseThrow());
                skipBody();
                int status = response.status();
                // RFC 9110 15.4.4: 303 asks for a GET (HEAD stays HEAD); 15.4.2/15.4.3: a POST answered
                // by 301 or 302 may become a GET, and curl and every browser do so. 307 and 308 keep
                // method and body (RFC 9110 15.4.8, 15.4.9).
                if (status == 303 && !head || (status == 301 || status == 302) && method.equals("POST")) {
                    trace.info("Switch to GET after " + status);
                    method = "GET";
                    body = new byte[0];
                    headers = headers.without("Content-Length").without("Content-Type");
                }
                Target nextTarget = Target.of(next);
                if (!nextTarget.remote().equals(target.remote()) || !nextTarget.host().equalsIgnoreCase(target.host())) {
                    // curl: credentials are not sent on to another host
                    headers = headers.without("Authorization").without("Cookie");
                }
                redirects++;
                trace.info("Issue another request to this URL: '" + next + "'");
                uri = next;
            }
        } finally {
            closeConnection();
        }
    }

    private URI location(URI base, String location) throws HttpClientException {
        try {
            // RFC 9110 10.2.2: a relative reference is resolved against the target URI.
            URI next = base.resolve(new URI(location));
            if (next.getRawPath() == null || next.getRawPath().isEmpty()) {
                next = new URI(next.getScheme(), next.getRawAuthority(), "/", next.getRawQuery(), null);
            }
            return next;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new HttpClientException(Kind.MALFORMED_RESPONSE, "Location '" + location + "' is not a URL", e);
        }
    }

    // ---- connection ----

    private void connect(Target target) throws HttpClientException, InterruptedException {
        InetSocketAddress remote = target.remote();
        trace.connecting(remote);
        StreamSocket s;
        try {
            s = sockets.openStream();
        } catch (NetSocketException e) {
            throw new HttpClientException(Kind.STACK_UNAVAILABLE, "Failed to connect to " + target.peer() + ": " + e.getMessage(), e);
        }
        int timeout = connectTimeoutMillis();
        try {
            s.connect(remote, timeout);
        } catch (NetSocketException e) {
            s.close();
            throw connectFailure(target, e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        socket = s;
        connectedTo = target;
        trace.connected(s.localAddress(), remote);
    }

    /** The handshake's limit in ms: the connect timeout, the rest of the overall one, or 0 for TCP's own. */
    private int connectTimeoutMillis() throws HttpClientException {
        long limit = request.connectTimeout() == null ? 0 : Math.max(1, request.connectTimeout().toMillis());
        if (deadline != 0) {
            long left = remainingMillis(true);
            limit = limit == 0 ? left : Math.min(limit, left);
        }
        return (int) Math.min(Integer.MAX_VALUE, limit);
    }

    private HttpClientException connectFailure(Target target, NetSocketException e) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("connect to " + target.peer());
        }
        String failed = "Failed to connect to " + target.peer() + ": ";
        return switch (e.error()) {
            case ECONNREFUSED -> new HttpClientException(Kind.CONNECTION_REFUSED, failed + "Connection refused", e);
            case EHOSTUNREACH -> new HttpClientException(Kind.NO_ROUTE_TO_HOST, failed + "No route to host", e);
            case ENETUNREACH, ENETDOWN -> new HttpClientException(Kind.NETWORK_UNREACHABLE, failed + e.error().description(), e);
            // curl: "Connection timed out after 2001 milliseconds" (CURLE_OPERATION_TIMEDOUT)
            case ETIMEDOUT, EAGAIN -> new HttpClientException(Kind.CONNECT_TIMEOUT,
                    "Connection timed out after " + elapsedMillis() + " milliseconds", e);
            case EPROTONOSUPPORT -> new HttpClientException(Kind.STACK_UNAVAILABLE, failed + "TCP is not running", e);
            default -> new HttpClientException(Kind.CONNECTION_REFUSED, failed + e.error().description(), e);
        };
    }

    private void closeConnection() {
        if (socket != null) {
            socket.close();
            socket = null;
            connectedTo = null;
        }
        in.clear().flip();
    }

    // ---- request ----

    /** RFC 9112 3: request-line, then the fields; the client's own first, as curl orders them. */
    private void send(Target target, String method, Headers headers, byte[] body) throws HttpClientException, InterruptedException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target.requestTarget()).append(" HTTP/1.1\r\n");
        // RFC 9112 3.2: a client MUST send Host in every HTTP/1.1 request.
        head.append("Host: ").append(headers.first("Host").orElse(target.authority())).append("\r\n");
        if (!headers.contains("User-Agent")) {
            head.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        if (!headers.contains("Accept")) {
            head.append("Accept: */*\r\n");
        }
        Headers rest = headers.without("Host");
        head.append(rest);
        // RFC 9110 8.6: a user agent SHOULD send Content-Length when the method defines a meaning for content.
        if (!headers.contains("Content-Length") && (body.length > 0 || method.equals("POST") || method.equals("PUT"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        String section = head.toString();
        byte[] bytes = section.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(bytes.length + body.length).put(bytes).put(body).flip();
        try {
            while (out.hasRemaining()) {
                socket.setOption(StrataSocketOptions.SO_SNDTIMEO, remainingMillis(false));
                socket.write(out);
            }
        } catch (NetSocketException e) {
            throw ioFailure(e, Kind.SEND_FAILED, "Failed sending data to the peer");
        }
        trace.requestSent(request, section);
    }

    // ---- response ----

    /** Reads up to the final response's header section, skipping interim 1xx responses (RFC 9110 15.2). */
    private Response readHead(URI uri, boolean head, int redirects) throws HttpClientException, InterruptedException {
        parser.reset();
        parser.expectResponseTo(head);
        boolean any = false;
        while (true) {
            Event event = parser.next(in);
            switch (event) {
                case NEED_MORE -> {
                    if (!fill()) {
                        closeConnection();
                        if (!any) {
                            throw new HttpClientException(Kind.EMPTY_RESPONSE, "Empty reply from server");
                        }
                        throw new HttpClientException(Kind.MALFORMED_RESPONSE, "Connection closed in the header section");
                    }
                    any = true;
                }
                case HEADERS -> {
                    Response response = new Response(uri, parser.minorVersion(), parser.status(), parser.reason(),
                            fields(0, parser.headerCount()), Headers.empty(), -1, redirects);
                    trace.responseReceived(response);
                    if (!response.isInterim()) {
                        return response;
                    }
                    parser.reset(); // the interim response has no body; the final one follows
                    parser.expectResponseTo(head);
                }
                case ERROR -> throw malformed();
                default -> throw new IllegalStateException("parser event " + event + " before the header section");
            }
        }
    }

    private Response readBody(Response response, BodySink sink) throws HttpClientException, InterruptedException {
        WritableByteChannel out;
        try {
            out = sink.open(response);
        } catch (IOException e) {
            throw new HttpClientException(Kind.WRITE_FAILED, "Failure writing output to destination: " + e.getMessage(), e);
        }
        while (true) {
            Event event = parser.next(in);
            switch (event) {
                case BODY -> {
                    if (out != null) {
                        write(out, in.duplicate().limit(parser.bodyStart() + parser.bodyLength()).position(parser.bodyStart()));
                    }
                }
                case COMPLETE -> {
                    return complete(response);
                }
                case NEED_MORE -> {
                    if (!fill()) {
                        if (parser.finish() == Event.COMPLETE) {
                            return complete(response);
                        }
                        throw partial(response);
                    }
                }
                case ERROR -> throw malformed();
                default -> throw new IllegalStateException("parser event " + event + " in the body");
            }
        }
    }

    private Response complete(Response response) {
        int headers = parser.headerCount();
        Response done = response.completed(fields(headers, headers + parser.trailerCount()), parser.bodyReceived());
        if (!parser.keepAlive()) {
            closeConnection();
        }
        return done;
    }

    /** The body of a redirect: read to its end on a connection that stays open, else the connection is dropped. */
    private void skipBody() throws HttpClientException, InterruptedException {
        if (!parser.keepAlive() || parser.framing() == Framing.UNTIL_CLOSE) {
            closeConnection();
            return;
        }
        while (true) {
            Event event = parser.next(in);
            switch (event) {
                case COMPLETE -> {
                    return;
                }
                case NEED_MORE -> {
                    if (!fill()) {
                        closeConnection();
                        return;
                    }
                }
                case ERROR -> {
                    closeConnection();
                    return;
                }
                default -> {
                    // BODY: discarded
                }
            }
        }
    }

    private static void write(WritableByteChannel out, ByteBuffer bytes) throws HttpClientException {
        try {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new HttpClientException(Kind.WRITE_FAILED, "Failure writing output to destination: " + e.getMessage(), e);
        }
    }

    /** Reads more into {@link #in}; false at the end of the stream. */
    private boolean fill() throws HttpClientException, InterruptedException {
        if (socket == null) {
            return false;
        }
        in.compact();
        try {
            socket.setOption(StrataSocketOptions.SO_RCVTIMEO, remainingMillis(false));
            int n = socket.read(in);
            return n >= 0;
        } catch (NetSocketException e) {
            throw ioFailure(e, Kind.RECEIVE_FAILED, "Recv failure");
        } finally {
            in.flip();
        }
    }

    private HttpClientException ioFailure(NetSocketException e, Kind kind, String what) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException(what);
        }
        // SO_RCVTIMEO and SO_SNDTIMEO expire with EAGAIN, as on Linux: the deadline passed.
        if (e.error() == SocketError.EAGAIN) {
            return timeout(e);
        }
        return new HttpClientException(kind, what + ": " + e.error().description(), e);
    }

    /** Milliseconds left until the deadline, at least 1; 0 when there is no deadline. */
    private int remainingMillis(boolean connecting) throws HttpClientException {
        if (deadline == 0) {
            return 0;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw connecting ? new HttpClientException(Kind.CONNECT_TIMEOUT, "Connection timed out after " + elapsedMillis() + " milliseconds")
                    : timeout(null);
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
    }

    private HttpClientException timeout(Exception cause) {
        long received = parser.bodyReceived();
        return new HttpClientException(Kind.TIMEOUT, "Operation timed out after " + elapsedMillis() + " milliseconds with "
                + received + (received == 1 ? " byte" : " bytes") + " received", cause);
    }

    private long elapsedMillis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private HttpClientException malformed() {
        closeConnection();
        return new HttpClientException(Kind.MALFORMED_RESPONSE, switch (parser.error()) {
            case MALFORMED_STATUS_LINE, UNSUPPORTED_VERSION -> "Weird server reply";
            case INVALID_CHUNK_SIZE, INVALID_CHUNK_EXTENSION, INVALID_CHUNK_FRAMING -> "Malformed chunked encoding";
            default -> "Malformed response";
        } + " (" + parser.error().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
    }

    private HttpClientException partial(Response response) {
        closeConnection();
        if (parser.framing() == Framing.LENGTH) {
            long length = parser.bodyReceived();
            String declared = response.headers().first("Content-Length").orElse("0").split(",")[0].strip();
            long remaining = Long.parseLong(declared) - length;
            return new HttpClientException(Kind.PARTIAL_BODY, "transfer closed with " + remaining + " bytes remaining to read");
        }
        return new HttpClientException(Kind.PARTIAL_BODY, "transfer closed with outstanding read data remaining");
    }

    /** Fields {@code from} to {@code to} of the parser (header fields, then trailer fields). */
    private Headers fields(int from, int to) {
        Headers.Builder b = Headers.builder();
        for (int i = from; i < to; i++) {
            b.add(parser.headerName(i), parser.headerValue(i));
        }
        return b.build();
    }
}
