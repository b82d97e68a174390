package dev.strata.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/** A listening TCP socket in the protocol. */
@ProviderType
public interface StreamListener {

    int localAddress();

    int localPort();

    /** Connections in the SYN queue and the accept queue (netstat's Recv-Q of a listener). */
    int pending();

    /** Stops listening; half-open connections are reset. */
    void close();
}
