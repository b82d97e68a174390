package dev.strata.icmp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.service.LazyService;
import dev.strata.api.stats.Counters;

/**
 * ICMP's way down to IPv4, which may come and go (the IPv4 bundle updated or restarted)
 * without taking ICMP and its echo sessions with it. Held as a {@link LazyService}: IPv4
 * binds ICMP (its protocol handler and error sender) and ICMP sends through IPv4, so
 * neither may fetch the other while activating.
 */
final class Ipv4Downlink implements Ipv4Output {

    private final Counters<IcmpStatistic> counters;
    private final LazyService<Ipv4Output> target;

    Ipv4Downlink(Counters<IcmpStatistic> counters, LazyService<Ipv4Output> target) {
        this.counters = counters;
        this.target = target;
    }

    @Override
    public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos, boolean dontFragment) {
        Ipv4Output output = target.get();
        if (output == null) {
            counters.increment(IcmpStatistic.NO_IPV4);
            payload.release();
            return SendResult.NO_ROUTE;
        }
        return output.send(payload, source, destination, protocol, ttl, tos, dontFragment);
    }

    @Override
    public int sourceAddressFor(int destination) {
        Ipv4Output output = target.get();
        return output == null ? Ipv4Address.ANY : output.sourceAddressFor(destination);
    }

    @Override
    public int mtuFor(int destination) {
        Ipv4Output output = target.get();
        return output == null ? 0 : output.mtuFor(destination);
    }
}
