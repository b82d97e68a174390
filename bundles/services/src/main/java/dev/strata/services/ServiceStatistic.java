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
    /** Receives or sends that failed (no route back, UDP stopped, a socket error). */
    Errors
}
