package dev.strata.ipv4;

/**
 * The counters of the IPv4 layer, published as the {@code Ip} section of {@code stats}.
 * Names follow the SNMP MIB-II / {@code netstat -s} IP group (RFC 1213, RFC 4293) where one
 * exists; the rest are this layer's drop reasons, one per way a datagram can be refused.
 */
public enum IpCounter {
    /** Datagrams handed to IPv4 by the link layer, good or bad. */
    InReceives,
    /** Datagrams (whole or reassembled) handed to a protocol handler. */
    InDelivers,
    /** Datagrams whose destination is not one of ours (we are a host and never forward, RFC 1122 3.3.1). */
    InAddrErrors,
    /** Datagrams for a protocol nobody handles (answered with ICMP protocol unreachable). */
    InUnknownProtos,
    /** Always 0: a host does not forward (RFC 1122 3.3.1); listed because {@code netstat -s} lists it. */
    ForwDatagrams,
    /** Datagrams the transports asked to send. */
    OutRequests,
    /** Sends refused for lack of a route. */
    OutNoRoutes,
    /** Sends refused because the route's interface is down, or no buffer could be had. */
    OutDiscards,
    /** Fragments received that needed reassembly. */
    ReasmReqds,
    /** Datagrams reassembled. */
    ReasmOKs,
    /** Datagrams given up during reassembly (timeout, memory, inconsistent fragments). */
    ReasmFails,
    /** Reassemblies that timed out (RFC 1122 3.3.2). */
    ReasmTimeout,
    /** Fragments whose data was already held in whole or in part (the first copy is kept). */
    ReasmOverlaps,
    /** Datagrams sent in fragments. */
    FragOKs,
    /** Fragments made. */
    FragCreates,
    /** Datagrams that needed fragmenting but had DF set, or were larger than 65535 bytes. */
    FragFails,

    // ---- drop reasons on receive (RFC 791 3.1, RFC 1122 3.2.1) ----
    /** Shorter than the 20-byte minimum header. */
    TooShort,
    /** Version field not 4. */
    BadVersion,
    /** IHL below 5, or the header longer than the packet. */
    BadHeaderLength,
    /** Total length below the header length, or beyond the bytes received. */
    BadTotalLength,
    /** Header checksum does not verify. */
    BadChecksum,
    /** Source is broadcast, multicast or (off the loopback) 127/8 (RFC 1122 3.2.1.3). */
    BadSourceAddress,
    /** Fragment offset plus length beyond 65535 bytes (RFC 791 3.2, the "ping of death"). */
    FragmentOverflow,
    /** A fragment with more to come whose payload is not a multiple of 8 bytes (RFC 791 3.2). */
    BadFragmentLength,
    /** Fragments that contradict each other about the datagram's end; the datagram is dropped. */
    ReassemblyInconsistent,
    /** Datagrams evicted or refused to keep reassembly within its memory and count bounds. */
    ReassemblyMemory,

    // ---- drop reasons on send ----
    /** Packets dropped because no neighbour (ARP) service was there to take them. */
    NoNeighbourService,
    /** Packets for a local address dropped because there is no loopback interface. */
    NoLoopback,
    /** Datagrams refused for an interface that is down. */
    InterfaceDown,

    /** Calls into another layer (a protocol handler, ICMP, the neighbour service) that threw; the link thread carries on. */
    HandlerFailures
}
