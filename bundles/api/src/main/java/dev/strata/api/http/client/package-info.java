/**
 * An HTTP/1.1 client over the stack's own TCP (RFC 9110, RFC 9112), for bundles that fetch from
 * or post to a peer, and for the shell's {@code curl}.
 *
 * <p>Get the {@link dev.strata.api.http.client.HttpClient} service, build a
 * {@link dev.strata.api.http.client.Request} and send it; the call blocks until the response is
 * complete or a deadline passes. The response's status and {@link dev.strata.api.http.client.Headers}
 * come back as a {@link dev.strata.api.http.client.Response}; its body is streamed, as it arrives,
 * to the {@link dev.strata.api.http.client.BodySink} the caller gives, so that a download of any
 * size never sits in memory:
 *
 * <pre>{@code
 * Request request = Request.builder(URI.create("http://198.18.0.1:8000/big.bin"))
 *         .timeout(Duration.ofSeconds(30)).followRedirects(true).build();
 * try (FileChannel file = FileChannel.open(path, CREATE, WRITE, TRUNCATE_EXISTING)) {
 *     Response response = client.send(request, BodySink.to(file));
 * } catch (HttpClientException e) {
 *     // e.kind(): CONNECTION_REFUSED, TIMEOUT, MALFORMED_RESPONSE, TOO_MANY_REDIRECTS...
 * }
 * }</pre>
 *
 * <p>Hosts are IPv4 literals or {@code localhost}: the stack has no resolver (no DNS).
 * Failures are {@link dev.strata.api.http.client.HttpClientException}s with a
 * {@link dev.strata.api.http.client.HttpClientException.Kind} and a message worded as curl words it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.http.client;
