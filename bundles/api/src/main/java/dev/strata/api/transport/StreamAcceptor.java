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
}
