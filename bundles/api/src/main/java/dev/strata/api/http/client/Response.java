package dev.strata.api.http.client;

import java.net.URI;

/**
 * A response's status-line and header section (RFC 9112 4), the URI that answered it and, once
 * the exchange is complete, its trailer section and body length. Immutable.
 *
 * <p>The {@link BodySink} and the {@link HttpTrace} see a response before its body
 * ({@link #bodyLength()} -1, no trailers); {@link HttpClient#send} returns it complete.
 */
public final class Response {

    private final URI uri;
    private final int minorVersion;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final Headers trailers;
    private final long bodyLength;
    private final int redirects;

    /**
     * @param uri the URI the request went to
     * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1
     * @param redirects redirects followed before this response
     */
    public Response(URI uri, int minorVersion, int status, String reason, Headers headers, Headers trailers,
            long bodyLength, int redirects) {
        this.uri = uri;
        this.minorVersion = minorVersion;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.trailers = trailers;
        this.bodyLength = bodyLength;
        this.redirects = redirects;
    }

    /** The same response with its body complete. */
    public Response completed(Headers trailers, long bodyLength) {
        return new Response(uri, minorVersion, status, reason, headers, trailers, bodyLength, redirects);
    }

    /** The URI this response answers (after redirects, the last one). */
    public URI uri() {
        return uri;
    }

    /** {@code "HTTP/1.1"} or {@code "HTTP/1.0"}. */
    public String version() {
        return "HTTP/1." + minorVersion;
    }

    /** The status code (RFC 9110 15). */
    public int status() {
        return status;
    }

    /** The reason-phrase, possibly empty. */
    public String reason() {
        return reason;
    }

    /** The status-line as a client prints it: {@code HTTP/1.1 200 OK}. */
    public String statusLine() {
        return reason.isEmpty() ? version() + " " + status : version() + " " + status + " " + reason;
    }

    public Headers headers() {
        return headers;
    }

    /** The trailer section of a chunked body (RFC 9112 7.1.2), empty otherwise and before the body ends. */
    public Headers trailers() {
        return trailers;
    }

    /** Bytes of body delivered to the sink (after the chunked coding is removed); -1 before the body ends. */
    public long bodyLength() {
        return bodyLength;
    }

    /** Redirects followed to reach this response. */
    public int redirects() {
        return redirects;
    }

    /** 1xx: an interim response (RFC 9110 15.2). */
    public boolean isInterim() {
        return status < 200;
    }

    /** 3xx with a Location field: a redirect {@link HttpClient} can follow (RFC 9110 15.4). */
    public boolean isRedirect() {
        return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                && headers.contains("Location");
    }

    @Override
    public String toString() {
        return statusLine() + " (" + uri + ")";
    }
}
