package dev.strata.api.icmp;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Sends ICMP error messages about received datagrams (RFC 792, RFC 1122 3.2.2), rate
 * limited. Never about an ICMP error, a broadcast or multicast, or a non-initial fragment
 * (RFC 1122 3.2.2).
 */
@ProviderType
public interface IcmpErrors {

    /** Destination unreachable codes (RFC 792, RFC 1191). */
    int NET_UNREACHABLE = 0;
    int HOST_UNREACHABLE = 1;
    int PROTOCOL_UNREACHABLE = 2;
    int PORT_UNREACHABLE = 3;
    int FRAGMENTATION_NEEDED = 4;

    /**
     * Sends destination unreachable with {@code code} about the received datagram whose IPv4
     * header is at {@code offending.networkOffset()}. The buffer stays the caller's: the
     * header and the first 8 bytes of payload are copied (RFC 792).
     *
     * @param nextHopMtu for {@link #FRAGMENTATION_NEEDED}, the MTU to report (RFC 1191); 0 otherwise
     */
    void destinationUnreachable(PacketBuffer offending, int code, int nextHopMtu);

    /** Sends time exceeded (code 0 TTL, 1 reassembly) about the datagram at {@code offending.networkOffset()}. */
    void timeExceeded(PacketBuffer offending, int code);
}
