package dev.strata.udp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.Ipv4Header;

/** An {@link IcmpErrors} that records the errors asked for (and the offending datagram's IPv4 header + 8 bytes, as ICMP copies them). */
final class FakeIcmpErrors implements IcmpErrors {

    record Unreachable(int code, int mtu, byte[] quoted) {
    }

    final List<Unreachable> unreachables = new ArrayList<>();
    int timeExceeded;

    @Override
    public void destinationUnreachable(PacketBuffer offending, int code, int nextHopMtu) {
        int at = offending.networkOffset();
        int length = Ipv4Header.headerLength(offending, at) + 8;
        byte[] quoted = new byte[length];
        offending.getBytes(at, quoted, 0, length);
        unreachables.add(new Unreachable(code, nextHopMtu, quoted));
    }

    @Override
    public void timeExceeded(PacketBuffer offending, int code) {
        timeExceeded++;
    }
}
