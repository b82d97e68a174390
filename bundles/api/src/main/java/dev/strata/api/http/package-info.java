/**
 * HTTP/1.1 handlers served by the stack's HTTP server (RFC 9110, RFC 9112), the whiteboard way:
 * a bundle registers an {@link dev.strata.api.http.HttpHandler} as an OSGi service with the
 * property {@value dev.strata.api.http.HttpHandler#PATH} (a path prefix such as {@code "/hello"})
 * and the server serves it at once; unregistering the service removes it at once.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.strata.api.http;
