package dev.strata.api.socket;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens sockets on the stack. Registered with bundle scope: each bundle gets its own
 * instance, so sockets know their owner (netstat -p) and are closed when their bundle
 * stops using the service.
 */
@ProviderType
public interface SocketService {

    /** A new, unbound UDP socket in blocking mode. */
    DatagramSocket openDatagram() throws NetSocketException;

    /** A new, unconnected TCP socket in blocking mode. */
    StreamSocket openStream() throws NetSocketException;

    /** A new TCP socket for {@link ListeningSocket#listen}. */
    ListeningSocket openListening() throws NetSocketException;

    /** A new selector for this service's sockets. */
    SocketSelector openSelector();

    /** Every open socket of every bundle, for {@code netstat}. */
    List<SocketInfo> sockets();
}
