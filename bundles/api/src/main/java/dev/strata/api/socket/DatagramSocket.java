package dev.strata.api.socket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A UDP socket (RFC 768): datagrams, each sent and received whole.
 *
 * <p>Received datagrams wait in the socket's receive queue, bounded by {@code SO_RCVBUF}
 * bytes; a datagram that does not fit is dropped and counted (as Linux's
 * {@code RcvbufErrors}). A connected socket ({@link #connect}) only receives from its peer
 * and learns of ICMP errors about what it sent: the next operation fails with
 * {@link SocketError#ECONNREFUSED} after a port unreachable, as on Linux.
 */
@ProviderType
public interface DatagramSocket extends NetSocket {

    /** The largest UDP payload over IPv4: 65535 - 20 (IPv4 header) - 8 (UDP header). */
    int MAX_PAYLOAD = 65507;

    /**
     * Fixes the peer ({@code connect(2)} on a datagram socket): {@link #send(ByteBuffer)}
     * goes there and only its datagrams are received. Binds to an ephemeral port first if
     * unbound.
     */
    void connect(InetSocketAddress remote) throws NetSocketException;

    /** Forgets the peer (connect to AF_UNSPEC). */
    void disconnect() throws NetSocketException;

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code target}
     * ({@code sendto(2)}); binds to an ephemeral port first if unbound. Returns the bytes
     * sent, all of them. The buffer's position moves to its limit.
     *
     * @throws NetSocketException EMSGSIZE (over {@link #MAX_PAYLOAD}, or too large with DF),
     *     ENETUNREACH, EACCES (broadcast without SO_BROADCAST), ECONNREFUSED (an earlier
     *     port unreachable on a connected socket), EPROTONOSUPPORT (UDP not running), EBADF
     */
    int send(ByteBuffer data, InetSocketAddress target) throws NetSocketException;

    /** Sends to the connected peer ({@code send(2)}); ENOTCONN if not connected. */
    int send(ByteBuffer data) throws NetSocketException;

    /** Sends to an address and port given as ints, allocating nothing. */
    int send(ByteBuffer data, int address, int port) throws NetSocketException;

    /**
     * Receives one datagram into {@code into} ({@code recvfrom(2)}): waits in blocking mode
     * (up to SO_RCVTIMEO, then ETIMEDOUT... as Java's {@code SocketTimeoutException} would;
     * here {@link SocketError#EAGAIN}), throws EAGAIN at once in non-blocking mode. A
     * datagram longer than the room in {@code into} is truncated, the rest discarded, as
     * {@code recvfrom(2)} without MSG_TRUNC does.
     *
     * @return the sender
     */
    InetSocketAddress receive(ByteBuffer into) throws NetSocketException;

    /**
     * As {@link #receive(ByteBuffer)}, writing the sender into {@code from} and allocating
     * nothing.
     *
     * @return the datagram's full length (more than was copied if it was truncated)
     */
    int receive(ByteBuffer into, SocketEndpoint from) throws NetSocketException;

    /**
     * Receives asynchronously: the stage completes with the sender once a datagram has been
     * copied into {@code into}, or exceptionally with a {@link NetSocketException}. Stages
     * complete in the order they were asked for; {@code into} belongs to the stack until then.
     */
    CompletionStage<InetSocketAddress> receiveAsync(ByteBuffer into);

    /** Sends asynchronously; UDP never waits for room, so the stage is usually complete at once. */
    CompletionStage<Integer> sendAsync(ByteBuffer data, InetSocketAddress target);

    /** Bytes waiting in the receive queue (netstat's Recv-Q). */
    int receiveQueueBytes();
}
