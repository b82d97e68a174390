package dev.strata.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.SocketError;

/**
 * The socket layer's side of one datagram socket, as a {@link DatagramProtocol} sees it: the
 * addresses it demultiplexes on, and where datagrams and errors go. Called on the stack's
 * receive threads; must not block.
 */
@ConsumerType
public interface DatagramEndpoint {

    // Named bound/peer rather than local/remote: the socket layer's sockets implement this
    // interface and NetSocket, whose localAddress()/remoteAddress() return InetSocketAddress.

    /** The bound local address, 0 for every address. */
    int boundAddress();

    /** The bound local port. */
    int boundPort();

    /** The connected peer's address, 0 when not connected (then datagrams from anyone match). */
    int peerAddress();

    /** The connected peer's port, 0 when not connected. */
    int peerPort();

    /**
     * A datagram for this socket. Takes ownership of {@code payload} (region: the UDP
     * payload; {@code networkOffset()} the IPv4 header) whatever it returns.
     *
     * @param source the sender's address
     * @param sourcePort the sender's port
     * @param destination the address it was sent to (ours, or a broadcast)
     * @return false if the datagram was dropped because the receive buffer is full (the
     *     protocol counts it, as Linux's RcvbufErrors)
     */
    boolean deliver(PacketBuffer payload, int source, int sourcePort, int destination);

    /**
     * An ICMP error about a datagram this socket sent (RFC 1122 4.1.3.3: UDP passes ICMP
     * errors up); a connected socket reports it on its next operation, as Linux does.
     *
     * @param error ECONNREFUSED for port unreachable, EHOSTUNREACH, ENETUNREACH, EMSGSIZE...
     * @param from the address that reported it
     */
    void error(SocketError error, int from);
}
