package dev.strata.icmp;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.stats.Counters;

/**
 * Builds and sends ICMP error messages about received datagrams (RFC 792, RFC 1122 3.2.2),
 * after the rules that keep errors from making storms, and under a rate limit.
 *
 * <p>Like Linux, the error quotes as much of the offending datagram as keeps the whole
 * error within 576 bytes (RFC 1812 4.3.2.3; RFC 792 asks for at least the header and 8
 * bytes), sends it with TTL 64, TOS {@code (tos & 0x1e) | 0xc0} (internetwork control
 * precedence) and DF clear, from the address the offending datagram was sent to.
 */
final class ErrorSender {

    /** RFC 1812 4.3.2.3 / RFC 1122 3.3.3: the largest error, IPv4 header included, every host accepts. */
    static final int MAX_ERROR_DATAGRAM = 576;
    /** Linux: IPTOS_PREC_INTERNETCONTROL, kept with the offending TOS bits (IPTOS_TOS_MASK). */
    private static final int TOS_INTERNETWORK_CONTROL = 0xc0;
    private static final int TOS_MASK = 0x1e;

    private final Ipv4Output output;
    private final BufferPool pool;
    private final Counters<IcmpStatistic> counters;
    private volatile TokenBucket limit;

    ErrorSender(Ipv4Output output, BufferPool pool, Counters<IcmpStatistic> counters, TokenBucket limit) {
        this.output = output;
        this.pool = pool;
        this.counters = counters;
        this.limit = limit;
    }

    void limit(TokenBucket bucket) {
        limit = bucket;
    }

    /**
     * Sends an error of {@code type}/{@code code} about the datagram at
     * {@code offending.networkOffset()}, with {@code word} in the rest-of-header word. The
     * buffer stays the caller's and is not modified.
     */
    void send(PacketBuffer offending, int type, int code, int word) {
        int network = offending.networkOffset();
        if (network < 0 || network > offending.end() - Ipv4Header.MIN_LENGTH) {
            counters.increment(IcmpStatistic.ERROR_BAD_OFFENDING);
            return;
        }
        int available = offending.end() - network;
        int headerLength = Ipv4Header.headerLength(offending, network);
        int totalLength = Ipv4Header.totalLength(offending, network);
        if (Ipv4Header.version(offending, network) != 4 || headerLength < Ipv4Header.MIN_LENGTH
                || headerLength > available || totalLength < headerLength) {
            counters.increment(IcmpStatistic.ERROR_BAD_OFFENDING);
            return;
        }
        int quotable = Math.min(totalLength, available);

        // RFC 1122 3.2.2: "An ICMP error message MUST NOT be sent as the result of receiving:"
        // "* an ICMP error message, or"
        if (Ipv4Header.protocol(offending, network) == IpProtocol.ICMP
                && (quotable <= headerLength || IcmpHeader.isError(IcmpHeader.type(offending, network + headerLength)))) {
            counters.increment(IcmpStatistic.ERROR_ABOUT_ICMP_ERROR);
            return;
        }
        // "* a datagram destined to an IP broadcast or IP multicast address, or
        //  * a datagram sent as a link-layer broadcast, or"
        if (Addresses.isBroadcastOrMulticast(Ipv4Header.destination(offending, network), offending.inputInterface())
                || linkBroadcast(offending)) {
            counters.increment(IcmpStatistic.ERROR_ABOUT_BROADCAST);
            return;
        }
        // "* a non-initial fragment, or"
        if (Ipv4Header.fragmentOffset(offending, network) != 0) {
            counters.increment(IcmpStatistic.ERROR_ABOUT_FRAGMENT);
            return;
        }
        // "* a datagram whose source address does not define a single host"
        int destination = Ipv4Header.source(offending, network);
        if (!Addresses.isUnicastSource(destination, offending.inputInterface())) {
            counters.increment(IcmpStatistic.ERROR_TO_BAD_SOURCE);
            return;
        }
        if (!limit.tryAcquire()) {
            counters.increment(IcmpStatistic.RATE_LIMITED);
            counters.increment(IcmpStatistic.OUT_RATE_LIMIT_GLOBAL);
            return;
        }

        int quoted = Math.min(quotable, MAX_ERROR_DATAGRAM - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH);
        int length = IcmpHeader.LENGTH + quoted;
        PacketBuffer packet = pool.allocate(length);
        int at = packet.append(length);
        IcmpHeader.write(packet, at, type, code);
        packet.putI32(at + IcmpHeader.REST, word);
        packet.copyFrom(offending, network, at + IcmpHeader.DATA, quoted);
        IcmpHeader.writeChecksum(packet, at, length);
        packet.transportOffset(at);

        int tos = (Ipv4Header.tos(offending, network) & TOS_MASK) | TOS_INTERNETWORK_CONTROL;
        // RFC 1122 3.2.2: the error's source is one of our addresses: the one the offending
        // datagram was sent to (it was for us: not broadcast, checked above).
        int source = Ipv4Header.destination(offending, network);
        counters.increment(IcmpStatistic.OUT_MSGS);
        counters.increment(type == IcmpHeader.TYPE_TIME_EXCEEDED ? IcmpStatistic.OUT_TIME_EXCDS : IcmpStatistic.OUT_DEST_UNREACHS);
        SendResult result = output.send(packet, source, destination, IpProtocol.ICMP, Ipv4Output.DEFAULT_TTL, tos, false);
        if (result != SendResult.SENT) {
            counters.increment(IcmpStatistic.OUT_ERRORS);
        }
    }

    void destinationUnreachable(PacketBuffer offending, int code, int nextHopMtu) {
        // RFC 1191 section 4: the next-hop MTU in the low 16 bits of the word, for code 4 only.
        int word = code == IcmpErrors.FRAGMENTATION_NEEDED ? nextHopMtu & 0xffff : 0;
        send(offending, IcmpHeader.TYPE_DESTINATION_UNREACHABLE, code, word);
    }

    void timeExceeded(PacketBuffer offending, int code) {
        send(offending, IcmpHeader.TYPE_TIME_EXCEEDED, code, 0);
    }

    /** True when the frame came to an Ethernet group address (the I/G bit of its destination MAC). */
    private static boolean linkBroadcast(PacketBuffer offending) {
        int link = offending.linkOffset();
        return link >= 0 && link < offending.end() && (offending.getU8(link) & 0x01) != 0;
    }
}
