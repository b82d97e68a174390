package dev.strata.api.transport;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketInfo;

/**
 * A stream transport (TCP, RFC 9293), registered with
 * {@value DatagramProtocol#PROPERTY}{@code =tcp}. The socket layer opens connections and
 * listeners through it; the connection's state (sequence space, windows, buffers, timers)
 * lives in the protocol bundle, in a form the bundle can export and a successor import (the
 * live upgrade of issue 4), while the socket objects applications hold stay in the socket
 * layer.
 */
@ProviderType
public interface StreamProtocol {

    /**
     * Starts listening on {@code address} (0: every address) and {@code port} (0: an ephemeral
     * port) with an accept queue of {@code backlog}; established connections are offered to
     * {@code acceptor}.
     *
     * @throws NetSocketException EADDRINUSE, EADDRNOTAVAIL
     */
    StreamListener listen(StreamAcceptor acceptor, int address, int port, int backlog, StreamOptions options)
            throws NetSocketException;

    /**
     * Starts an active open (sends the SYN) from {@code localAddress:localPort} (0, 0: chosen
     * by route and from the ephemeral range) to {@code remoteAddress:remotePort}; the outcome
     * reaches {@code endpoint} ({@link StreamEndpoint#connected} or {@link StreamEndpoint#closed}).
     *
     * @throws NetSocketException ENETUNREACH, EADDRINUSE, EAGAIN (no ephemeral port)
     */
    StreamConnection connect(StreamEndpoint endpoint, int localAddress, int localPort, int remoteAddress, int remotePort,
            StreamOptions options) throws NetSocketException;

    /**
     * Every connection the protocol holds now, as netstat shows it, with an empty owner: those
     * a socket holds and those none does any more (TIME-WAIT, FIN-WAIT after close, and
     * connections waiting in a listener's queue). The socket layer adds the latter to its own
     * rows, so that {@code netstat} shows a TIME-WAIT as Linux does.
     */
    default List<SocketInfo> connections() {
        return List.of();
    }
}
