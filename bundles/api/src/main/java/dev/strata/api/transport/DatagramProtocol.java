package dev.strata.api.transport;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;

/**
 * A datagram transport (UDP), registered with {@value #PROPERTY}{@code =udp}: port demux on
 * the way in, headers and checksums on the way out.
 */
@ProviderType
public interface DatagramProtocol {

    /** Service property naming the transport: {@code udp}, {@code tcp}. */
    String PROPERTY = "strata.transport";

    /** First and last ephemeral port (RFC 6335 section 6: the dynamic range). */
    int EPHEMERAL_FIRST = 49152;
    int EPHEMERAL_LAST = 65535;

    /**
     * Binds {@code endpoint} to {@code address} (0 for every address) and {@code port} (0
     * for an ephemeral port) and returns the port bound. Two endpoints may share an address
     * and port only if both ask for {@code reuseAddress} (SO_REUSEADDR as Linux applies it to
     * UDP); a specific address and the wildcard on the same port conflict likewise.
     *
     * @throws NetSocketException EADDRINUSE, EADDRNOTAVAIL (not an address of the stack),
     *     EAGAIN (no ephemeral port left)
     */
    int bind(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) throws NetSocketException;

    /** Releases the endpoint's port; idempotent. */
    void unbind(DatagramEndpoint endpoint);

    /**
     * Sends the payload in {@code payload}'s region (built after the pool's headroom) as one
     * datagram from the endpoint's bound address and port to {@code destination}, and takes
     * ownership of the buffer whatever happens.
     *
     * @param ttl IP time to live, 1 to 255
     * @param tos IP type-of-service octet
     * @throws NetSocketException EMSGSIZE, ENETUNREACH, ENETDOWN, ENOBUFS
     */
    void send(DatagramEndpoint endpoint, PacketBuffer payload, int destination, int destinationPort, int ttl, int tos)
            throws NetSocketException;

    /**
     * True when {@code destination} reaches more than one host: the limited broadcast, a
     * multicast group, or the directed broadcast of a subnet of an interface that is up. The
     * socket layer asks before a send, since sending to a broadcast needs SO_BROADCAST (RFC
     * 1122 3.3.6 leaves it to the application; BSD and Linux require the option).
     */
    default boolean isBroadcast(int destination) {
        return destination == Ipv4Address.BROADCAST;
    }

    /** Bytes a payload may have at most on this protocol (65507 for UDP over IPv4). */
    int maxPayload();
}
