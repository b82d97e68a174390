package dev.strata.udp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;

/** An {@link Ipv4Output} that records what it is asked to send, releases the buffer and answers {@link #result}. */
final class FakeIpv4Output implements Ipv4Output {

    record Sent(byte[] segment, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment, int transportOffset) {
    }

    final List<Sent> sent = new ArrayList<>();
    SendResult result = SendResult.SENT;
    int sourceAddress;
    int sends;

    FakeIpv4Output(int sourceAddress) {
        this.sourceAddress = sourceAddress;
    }

    @Override
    public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment) {
        sends++;
        sent.add(new Sent(payload.toByteArray(), source, destination, protocol, ttl, tos, dontFragment,
                payload.transportOffset() - payload.start()));
        payload.release();
        return result;
    }

    @Override
    public int sourceAddressFor(int destination) {
        return sourceAddress;
    }

    @Override
    public int mtuFor(int destination) {
        return sourceAddress == 0 ? 0 : 1500;
    }
}
