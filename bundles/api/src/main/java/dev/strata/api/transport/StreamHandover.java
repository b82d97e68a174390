package dev.strata.api.transport;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps a stream transport's open connections while its bundle is updated (SPEC section 4: no
 * reset, no lost or duplicated byte). Provided by the bundle that owns the endpoints (the socket
 * layer), which outlives the transport: the leaving transport deposits each connection's state in
 * a format of its own with the connection's endpoint, and its successor withdraws them, re-creates
 * the connections and tells each endpoint {@link StreamEndpoint#handedOver}. Deposits not
 * withdrawn within a grace period are dropped, their endpoints told ECONNRESET.
 *
 * @since 1.4
 */
@ProviderType
public interface StreamHandover {

    /**
     * One connection: its state in the transport's own versioned format (bytes only: no class of
     * the leaving bundle may reach its successor), and the endpoint its events go to, or null
     * when no socket holds it (TIME-WAIT, FIN-WAIT after close).
     */
    record Deposit(byte[] state, StreamEndpoint endpoint) {
    }

    /** The leaving transport {@code protocol} ("tcp") deposits its connections. */
    void deposit(String protocol, List<Deposit> connections);

    /** What the transport {@code protocol} left, for its successor; empty when nothing (or too late). */
    List<Deposit> withdraw(String protocol);
}
