package dev.strata.api.http;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/** A request as a {@link HttpHandler} sees it; valid only during {@link HttpHandler#handle}. */
@ProviderType
public interface HttpRequest {

    /** The method, case-sensitive (RFC 9110 9.1): {@code "GET"}, {@code "POST"}... */
    String method();

    /** The request-target as received (RFC 9112 3.2), e.g. {@code /hello?x=1}. */
    String target();

    /** The path of the target without the query, still percent-encoded (RFC 3986 3.3). */
    String path();

    /** The query after {@code '?'} (RFC 3986 3.4), still percent-encoded, or null when absent. */
    String query();

    /**
     * The value of the header field {@code name}, compared without case (RFC 9110 5.1); several
     * field lines are combined with {@code ", "} (RFC 9110 5.3). Null when absent.
     */
    String header(String name);

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    int minorVersion();

    /** The request body (after removing any chunked coding), read-only; empty when there is none. */
    ByteBuffer body();

    /** The client's address and port. */
    InetSocketAddress remoteAddress();
}
