package dev.strata.api.http.client;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends HTTP/1.1 requests over the stack's TCP and streams the responses' bodies. Thread-safe: any
 * number of threads may send at once, each call on a connection of its own, kept across the
 * redirects of that call while the peer stays the same and leaves it open (RFC 9112 9.3), and
 * closed when the call returns.
 *
 * <p>The exchange follows RFC 9112: the request carries {@code Host}, a {@code User-Agent}
 * unless the request sets one, {@code Accept: *}{@code /*} unless set, and {@code Content-Length}
 * for a body. Interim 1xx responses are skipped (reported to the {@link HttpTrace}); the body of
 * the final response is framed by Content-Length, chunked coding (trailers kept) or the closing of
 * the connection, and is absent for HEAD, 204 and 304. With {@link Request#followRedirects()}
 * 301, 302, 303, 307 and 308 are followed as curl follows them (RFC 9110 15.4): 303 becomes GET,
 * and so does a POST answered by 301 or 302; 307 and 308 repeat the method and body.
 */
@ProviderType
public interface HttpClient {

    /** The default limit on redirects followed, as curl's ({@code --max-redirs 50}). */
    int DEFAULT_MAX_REDIRECTS = 50;

    /**
     * Sends {@code request} and waits for the final response; its body goes to what {@code sink}
     * opens once the final response's header section has arrived.
     *
     * @return the final response, with its trailers and the number of body bytes delivered
     * @throws HttpClientException the exchange failed; {@link HttpClientException#kind()} says how
     * @throws InterruptedException the calling thread was interrupted (the connection is closed)
     */
    Response send(Request request, BodySink sink) throws HttpClientException, InterruptedException;

    /** Sends {@code request} and discards the body (a HEAD, a POST whose answer does not matter). */
    default Response send(Request request) throws HttpClientException, InterruptedException {
        return send(request, BodySink.discard());
    }
}
