package dev.strata.api.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers the HTTP requests under a path prefix. Register it as an OSGi service with the property
 * {@value #PATH}; the server dispatches each request to the handler with the longest prefix that
 * matches its path ({@code "/hello"} matches {@code /hello}, {@code /hello/x} and
 * {@code /hello?q}, not {@code /helloworld}; {@code "/"} matches every path). With the property
 * {@value #MATCH}{@code =}{@value #EXACT} the handler serves its path only, and wins over every
 * prefix ({@code "/"} exact is the root page alone, the way nginx's {@code location = /} is).
 *
 * <p>The server calls {@link #handle} on its network thread, once per request, with the whole
 * request body read: a handler answers quickly and never blocks, unless it is registered with
 * {@value #BLOCKING}{@code =true} (then a worker thread calls it). The server writes the framing
 * itself (Content-Length, Connection, Date; HEAD gets no body). A handler that throws gets a 500.
 * The request and response objects are reused for the next request: do not keep them.
 */
@ConsumerType
public interface HttpHandler {

    /** The service property naming the path prefix served, e.g. {@code "/hello"}. */
    String PATH = "strata.http.path";

    /**
     * The optional service property saying how {@value #PATH} matches: {@value #PREFIX} (the
     * default) or {@value #EXACT}.
     *
     * @since 1.1
     */
    String MATCH = "strata.http.match";

    /** {@value #MATCH} value: the path and everything under it. @since 1.1 */
    String PREFIX = "prefix";

    /** {@value #MATCH} value: that path only (the query aside). @since 1.1 */
    String EXACT = "exact";

    /**
     * The optional service property that, set to {@code true} (Boolean or String), runs the
     * handler on one of the server's worker threads instead of its network thread: for a handler
     * that blocks (a database, a file system, a remote call). Its connection waits meanwhile
     * (requests pipelined behind are answered after it, in order); the others go on. When every
     * worker is busy and the queue is full the client gets 503 (Service Unavailable).
     *
     * @since 1.1
     */
    String BLOCKING = "strata.http.blocking";

    /**
     * Answers {@code request} through {@code response} (status 200 and an empty body unless set).
     *
     * @throws Exception anything: the client gets 500 Internal Server Error
     */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
