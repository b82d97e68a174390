package dev.strata.api.ipv4;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;

/** The sending side of IPv4, for the transports: routes, frames and fragments a datagram. */
@ProviderType
public interface Ipv4Output {

    /** TTL for datagrams when the caller has no preference (Linux's default). */
    int DEFAULT_TTL = 64;

    /**
     * Prepends an IPv4 header to the payload in {@code payload}'s region, routes it and sends
     * it, fragmenting when it is larger than the route's MTU and {@code dontFragment} is off
     * (RFC 791 3.2). Takes ownership of the buffer whatever the result.
     *
     * @param source the source address, or {@link Ipv4Address#ANY} to use the outgoing
     *     interface's address
     * @param protocol the IP protocol number
     * @param ttl time to live, 1 to 255
     * @param tos the type-of-service octet (DSCP and ECN)
     */
    SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment);

    /** The source address a datagram to {@code destination} would carry, or {@link Ipv4Address#ANY} when there is no route. */
    int sourceAddressFor(int destination);

    /** The MTU of the route to {@code destination}, or 0 when there is no route. */
    int mtuFor(int destination);

    /**
     * The largest datagram the route to {@code destination} takes whole for its link to
     * segment (TSO, {@link dev.strata.api.link.Link#gsoMaxSize()}), a link that also
     * completes transport checksums ({@link PacketBuffer#checksumPartial()}); 0 when it
     * does neither (the default).
     */
    default int gsoMaxSizeFor(int destination) {
        return 0;
    }
}
