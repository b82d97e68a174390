package dev.strata.http;

/** The counters of the HTTP server: section {@code HTTP} of {@code stats}. */
enum HttpStatistic {
    /** TCP connections accepted. */
    Connections,
    /** Times accepting paused because the most connections allowed were open. */
    Deferred,
    /** Requests answered (every status, parse errors included). */
    Requests,
    /** Requests no handler's path matched (404). */
    NotFound,
    /** Requests that could not be parsed (400, 413, 414, 431, 501, 505), each closing its connection. */
    ParseErrors,
    /** Requests for a blocking handler refused because every worker was busy and the queue full (503). */
    Overloaded,
    /** Handlers that threw or set an invalid field (500). */
    HandlerErrors,
    /** Connections closed for idling past the idle timeout (with 408 when a request had begun). */
    Timeouts,
    /** Accepts, reads and writes that failed (a reset, TCP stopped). */
    Errors
}
