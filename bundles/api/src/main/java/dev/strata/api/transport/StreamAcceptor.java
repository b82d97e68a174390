package dev.strata.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/** The socket layer's side of a listening socket. */
@ConsumerType
public interface StreamAcceptor {

    /**
     * A connection completed its handshake and waits in the accept queue: return the endpoint
     * its events go to from now on, or null to refuse it (TCP resets it).
     */
    StreamEndpoint accepted(StreamConnection connection);

    /**
     * True while the accept queue has no room (Linux's {@code sk_acceptq_is_full}): TCP then
     * drops the ACK that would complete a handshake, leaving the connection half-open, and the
     * peer's next segment (or the ACK of a retransmitted SYN-ACK) completes it once the
     * application has accepted, as Linux does with {@code tcp_abort_on_overflow} off, instead of
     * a reset the client would see as an error. Called under the transport's locks: it must
     * answer at once, without taking a lock. By default the queue is never full.
     */
    default boolean acceptQueueFull() {
        return false;
    }
}
