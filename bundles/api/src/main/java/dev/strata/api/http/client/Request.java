package dev.strata.api.http.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One HTTP request to send: method, {@code http} URI, header fields, body and the limits of the
 * exchange. Immutable; build one with {@link #builder(URI)} or {@link #get(URI)}.
 *
 * <p>The client adds {@code Host}, {@code Content-Length} (when there is a body or the method is
 * POST or PUT) and, unless given here, {@code User-Agent} and {@code Accept}. A {@code Host} or
 * {@code Content-Length} given here is sent instead of the client's own.
 */
public final class Request {

    private final String method;
    private final URI uri;
    private final Headers headers;
    private final byte[] body;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final HttpTrace trace;

    private Request(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers.build();
        this.body = b.body;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.followRedirects = b.followRedirects;
        this.maxRedirects = b.maxRedirects;
        this.trace = b.trace;
    }

    /** A GET of {@code uri} with the defaults. */
    public static Request get(URI uri) {
        return builder(uri).build();
    }

    /** A builder for a GET of {@code uri}, which must be {@code http://HOST[:PORT][/PATH][?QUERY]}. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** A builder that starts as a copy of this request. */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.method = method;
        b.headers = headers.toBuilder();
        b.body = body;
        b.connectTimeout = connectTimeout;
        b.timeout = timeout;
        b.followRedirects = followRedirects;
        b.maxRedirects = maxRedirects;
        b.trace = trace;
        return b;
    }

    /** The method, as given ({@code GET}, {@code HEAD}, {@code POST}...). */
    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The fields the caller set (the client's own are added when sending). */
    public Headers headers() {
        return headers;
    }

    /** The body, possibly empty (a copy: the request is immutable). */
    public byte[] body() {
        return body.clone();
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** How long to wait for each TCP handshake; null for no limit of its own (the overall timeout still applies). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The longest the whole exchange may take, redirects included; null for no limit (curl's {@code -m}). */
    public Duration timeout() {
        return timeout;
    }

    /** Whether 3xx responses with a Location are followed (curl's {@code -L}); false by default. */
    public boolean followRedirects() {
        return followRedirects;
    }

    /** The most redirects followed before failing with {@link HttpClientException.Kind#TOO_MANY_REDIRECTS}. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** Who is told about the exchange as it happens (for {@code curl -v}); never null. */
    public HttpTrace trace() {
        return trace;
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        private Headers.Builder headers = Headers.builder();
        private byte[] body = new byte[0];
        private Duration connectTimeout;
        private Duration timeout;
        private boolean followRedirects;
        private int maxRedirects = HttpClient.DEFAULT_MAX_REDIRECTS;
        private HttpTrace trace = HttpTrace.NONE;

        private Builder(URI uri) {
            uri(uri);
        }

        /** The target; only the {@code http} scheme is checked when sending. */
        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The method: a token (RFC 9110 9.1), sent as given; {@code get} is not {@code GET}. */
        public Builder method(String method) {
            if (method.isEmpty() || !method.chars().allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("invalid method '" + method + "'");
            }
            this.method = method;
            return this;
        }

        /** Appends a header field. */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Replaces the header fields with {@code headers}. */
        public Builder headers(Headers headers) {
            this.headers = headers.toBuilder();
            return this;
        }

        /** The body (copied); sent with Content-Length. */
        public Builder body(byte[] body) {
            this.body = body.clone();
            return this;
        }

        /** The body and POST, as {@code curl -d}. */
        public Builder post(byte[] body) {
            return method("POST").body(body);
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout);
            return this;
        }

        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        /** At least 0. */
        public Builder maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRedirects < 0");
            }
            this.maxRedirects = max;
            return this;
        }

        public Builder trace(HttpTrace trace) {
            this.trace = trace == null ? HttpTrace.NONE : trace;
            return this;
        }

        public Request build() {
            return new Request(this);
        }

        private static Duration positive(Duration d) {
            if (d != null && (d.isNegative() || d.isZero())) {
                throw new IllegalArgumentException("timeout must be positive: " + d);
            }
            return d;
        }
    }
}
