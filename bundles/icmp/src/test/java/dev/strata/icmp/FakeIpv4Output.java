package dev.strata.icmp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;

/**
 * An {@link Ipv4Output} that records what it is asked to send and releases the buffer, or
 * (in loopback mode) prepends an IPv4 header and queues the datagram for
 * {@link #deliverTo}, as if it had come back from the wire.
 */
final class FakeIpv4Output implements Ipv4Output {

    record Sent(byte[] payload, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment) {
    }

    final List<Sent> sent = new ArrayList<>();
    /** Off for the allocation test: then nothing is recorded and nothing allocated. */
    boolean record = true;
    boolean loopback;
    int localAddress = Ipv4Address.parse("198.18.0.2");
    SendResult result = SendResult.SENT;
    int sends;
    private final ArrayDeque<PacketBuffer> queue = new ArrayDeque<>();

    @Override
    public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment) {
        sends++;
        if (record) {
            sent.add(new Sent(payload.toByteArray(), source, destination, protocol, ttl, tos, dontFragment));
        }
        if (loopback) {
            int src = source == Ipv4Address.ANY ? localAddress : source;
            int length = payload.length();
            int at = payload.prepend(Ipv4Header.MIN_LENGTH);
            payload.putU8(at, 0x45);
            payload.putU8(at + Ipv4Header.TOS, tos);
            payload.putU16(at + Ipv4Header.TOTAL_LENGTH, Ipv4Header.MIN_LENGTH + length);
            payload.putI32(at + Ipv4Header.IDENTIFICATION, 0);
            payload.putU8(at + Ipv4Header.TTL, ttl);
            payload.putU8(at + Ipv4Header.PROTOCOL, protocol);
            payload.putU16(at + Ipv4Header.CHECKSUM, 0);
            payload.putI32(at + Ipv4Header.SOURCE, src);
            payload.putI32(at + Ipv4Header.DESTINATION, destination);
            payload.putU16(at + Ipv4Header.CHECKSUM, InternetChecksum.compute(payload, at, Ipv4Header.MIN_LENGTH, 0));
            payload.networkOffset(at);
            payload.advance(Ipv4Header.MIN_LENGTH);
            payload.transportOffset(payload.start());
            queue.add(payload);
        } else {
            payload.release();
        }
        return result;
    }

    /** Hands every queued datagram (and those queued meanwhile, such as replies) to {@code icmp}. */
    void deliverTo(IcmpLayer icmp) {
        PacketBuffer next;
        while ((next = queue.poll()) != null) {
            icmp.receive(next);
        }
    }

    @Override
    public int sourceAddressFor(int destination) {
        return localAddress;
    }

    @Override
    public int mtuFor(int destination) {
        return 1500;
    }
}
