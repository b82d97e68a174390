package dev.strata.api.ipv4;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A transport protocol IPv4 hands datagrams to, registered as a service with the property
 * {@value IpProtocol#PROPERTY} (an Integer: 1 ICMP, 6 TCP, 17 UDP). While no handler is
 * registered for a protocol, IPv4 answers its datagrams with ICMP protocol unreachable.
 */
@ConsumerType
public interface IpProtocolHandler {

    /**
     * Takes a whole (reassembled) datagram addressed to this host, and its ownership. The
     * region is the IP payload (the transport header onwards, padding cut off),
     * {@link PacketBuffer#networkOffset()} the IPv4 header (read it with
     * {@link Ipv4Header}) and {@link PacketBuffer#transportOffset()} equals the region's
     * start. Must not throw.
     */
    void receive(PacketBuffer packet);

    /**
     * An ICMP error arrived about a datagram of this protocol that we sent (RFC 1122
     * 3.2.2.1: delivered to the transport). {@code quoted}'s region starts at the IPv4 header
     * of our datagram as quoted in the error (at least that header and 8 bytes). The
     * buffer stays the caller's: read it during the call, do not keep it.
     *
     * @param type the ICMP type (3 destination unreachable, 11 time exceeded, 12 parameter problem)
     * @param code the ICMP code
     * @param info the type-specific word (the next-hop MTU for fragmentation needed)
     */
    default void icmpError(int type, int code, int info, PacketBuffer quoted) {
    }
}
