package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A received segment, parsed once and validated before any state is touched (RFC 9293 3.10.7
 * works on SEG.SEQ, SEG.ACK, SEG.LEN, SEG.WND): reused per thread, so parsing allocates
 * nothing. The payload stays in the packet buffer, which the caller owns.
 */
final class Segment {

    int source;
    int destination;
    int sourcePort;
    int destinationPort;
    int seq;
    int ack;
    int flags;
    /** The window field, unscaled. */
    int window;
    PacketBuffer buffer;
    int payloadIndex;
    int payloadLength;
    /** The segment size of a merged (GSO) segment from the link, else 0 (PacketBuffer#gsoSize). */
    int gsoSize;
    final TcpOptions options = new TcpOptions();

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: the octets occupied, SYN and FIN counted (RFC 9293 3.4). */
    int sequenceLength() {
        return payloadLength + (has(TcpHeader.SYN) ? 1 : 0) + (has(TcpHeader.FIN) ? 1 : 0);
    }
}
