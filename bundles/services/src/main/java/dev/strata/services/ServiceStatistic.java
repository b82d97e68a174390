package dev.strata.services;

/** The counters of the built-in services: section {@code Services} of {@code stats}. */
enum ServiceStatistic {
    /** Datagrams echoed back to their sender (RFC 862). */
    EchoDatagrams,
    /** Payload bytes echoed back. */
    EchoBytes,
    /** Datagrams received and thrown away (RFC 863). */
    DiscardDatagrams,
    /** Payload bytes thrown away. */
    DiscardBytes,
    /** TCP connections accepted by echo. */
    EchoTcpConnections,
    /** Bytes echoed back over TCP. */
    EchoTcpBytes,
    /** TCP connections accepted by discard. */
    DiscardTcpConnections,
    /** Bytes read and thrown away over TCP. */
    DiscardTcpBytes,
    /** TCP connections accepted by chargen. */
    ChargenTcpConnections,
    /** Bytes chargen sent over TCP. */
    ChargenTcpBytes,
    /** Receives, sends, accepts, reads or writes that failed (no route back, a transport stopped, a reset). */
    Errors
}
