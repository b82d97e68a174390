package dev.strata.ipv4;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ether.EtherTypeHandler;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.IpProtocolHandlers;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.time.Scheduler;

/**
 * The IPv4 layer of a host (RFC 791, RFC 1122 3.2 and 3.3): validates what the Ethernet layer
 * hands it, reassembles fragments, and demultiplexes to the {@link IpProtocolHandler} of the
 * protocol number; on the way out it routes, builds the header, fragments when needed and
 * hands each datagram to the {@link NeighbourService}.
 *
 * <p>The receive path of an unfragmented datagram allocates nothing: the validation reads
 * the buffer in place, the local addresses are a cached array, and the demultiplexer is a
 * 256-slot array read without locking ({@link IpProtocolHandlers}: the highest service ranking
 * serves a protocol).
 */
@Component(service = {EtherTypeHandler.class, Ipv4Output.class, StatisticsProvider.class, InterfaceListener.class},
        property = EtherType.PROPERTY + ":Integer=2048")
public final class Ipv4Layer implements EtherTypeHandler, Ipv4Output, StatisticsProvider, InterfaceListener {

    /** RFC 1122 3.3.2 leaves the reassembly timeout to the host; Linux's ipfrag_time is 30 s. */
    static final long REASSEMBLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Datagrams in reassembly at once. */
    static final int REASSEMBLY_MAX_DATAGRAMS = 64;
    /** Fragment data held for reassembly at once (Linux's ipfrag_high_thresh is 4 MiB). */
    static final long REASSEMBLY_MAX_BYTES = 4L << 20;

    /** RFC 1112 4: all-hosts group, which every multicast-capable host belongs to. */
    static final int ALL_HOSTS = 0xe000_0001;

    private final RoutingTable routingTable;
    private final BufferPool pool;
    private final Counters<IpCounter> counters = new Counters<>("Ip", IpCounter.class);
    private final Reassembler reassembler;

    /** RFC 791 3.2 / RFC 6864: the identification of the next datagram; random start. */
    private final AtomicInteger identification = new AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));

    /** Demultiplexer by protocol number; replaced whole, never changed in place. */
    /** The transports by protocol number: the highest service ranking serves (IpProtocolHandlers). */
    private final IpProtocolHandlers handlers = new IpProtocolHandlers();
    /** Interfaces that are up, for "is this one of our addresses" without a lock. */
    private volatile NetworkInterface[] upInterfaces = new NetworkInterface[0];

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile NeighbourService neighbours;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile IcmpErrors icmpErrors;

    /**
     * Interfaces come only from {@link InterfaceListener} events (the registry replays those
     * already up to a late listener), so the layer holds no reference back to the registry:
     * that would be a service cycle, since the registry binds its listeners.
     */
    @Activate
    public Ipv4Layer(@Reference RoutingTable routingTable, @Reference BufferPool pool, @Reference Scheduler scheduler) {
        this(routingTable, pool, scheduler, REASSEMBLY_MAX_DATAGRAMS, REASSEMBLY_MAX_BYTES);
    }

    Ipv4Layer(RoutingTable routingTable, BufferPool pool, Scheduler scheduler, int maxDatagrams, long maxBytes) {
        this.routingTable = routingTable;
        this.pool = pool;
        this.reassembler = new Reassembler(pool, scheduler, counters, this::reassemblyTimedOut, maxDatagrams, maxBytes,
                REASSEMBLY_TIMEOUT_NANOS);
    }

    @Deactivate
    void deactivate() {
        reassembler.clear();
    }

    // ---- protocol handlers ----------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + IpProtocol.PROPERTY + "=*)")
    void bindHandler(IpProtocolHandler handler, Map<String, Object> properties) {
        handlers.bind(handler, properties);
    }

    void unbindHandler(IpProtocolHandler handler, Map<String, Object> properties) {
        handlers.unbind(handler);
    }

    // ---- interfaces ---------------------------------------------------------------------

    @Override
    public synchronized void interfaceUp(NetworkInterface networkInterface) {
        NetworkInterface[] current = upInterfaces;
        for (NetworkInterface nif : current) {
            if (nif == networkInterface) {
                return;
            }
        }
        NetworkInterface[] next = new NetworkInterface[current.length + 1];
        System.arraycopy(current, 0, next, 0, current.length);
        next[current.length] = networkInterface;
        upInterfaces = next;
    }

    @Override
    public synchronized void interfaceDown(NetworkInterface networkInterface) {
        NetworkInterface[] current = upInterfaces;
        int count = 0;
        NetworkInterface[] next = new NetworkInterface[current.length];
        for (NetworkInterface nif : current) {
            if (nif != networkInterface && !nif.name().equals(networkInterface.name())) {
                next[count++] = nif;
            }
        }
        NetworkInterface[] trimmed = new NetworkInterface[count];
        System.arraycopy(next, 0, trimmed, 0, count);
        upInterfaces = trimmed;
    }

    /** True when {@code address} is the address of an interface that is up. */
    private boolean isLocalAddress(int address) {
        NetworkInterface[] nifs = upInterfaces;
        for (int i = 0; i < nifs.length; i++) {
            NetworkInterface nif = nifs[i];
            if (nif.ipv4Address() == address && address != Ipv4Address.ANY && nif.isUp()) {
                return true;
            }
        }
        return false;
    }

    private NetworkInterface loopbackInterface() {
        NetworkInterface[] nifs = upInterfaces;
        for (int i = 0; i < nifs.length; i++) {
            if (nifs[i].isLoopback()) {
                return nifs[i];
            }
        }
        return null;
    }

    /** The interface called {@code name} among those up, or null; scans a short array, allocates nothing. */
    private NetworkInterface upInterface(String name) {
        NetworkInterface[] nifs = upInterfaces;
        for (int i = 0; i < nifs.length; i++) {
            if (nifs[i].name().equals(name)) {
                return nifs[i];
            }
        }
        return null;
    }

    // ---- receive --------------------------------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        counters.increment(IpCounter.InReceives);
        int at = packet.start();
        NetworkInterface input = packet.inputInterface();
        IpCounter reason = Ipv4Validator.validate(packet, at, packet.length());
        if (reason != null) {
            drop(packet, reason, input, true);
            return;
        }
        // Cut what follows the datagram (Ethernet pads frames to 60 bytes).
        packet.truncate(Ipv4Header.totalLength(packet, at));
        int source = Ipv4Header.source(packet, at);
        int destination = Ipv4Header.destination(packet, at);
        boolean viaLoopback = input != null && input.isLoopback();
        // RFC 1122 3.2.1.3: 127/8 must never appear outside a host; a subnet's broadcast is no source.
        if ((Ipv4Address.isLoopback(source) && !viaLoopback)
                || (input != null && input.prefixLength() < 31 && source == input.broadcastAddress() && source != input.ipv4Address())) {
            drop(packet, IpCounter.BadSourceAddress, input, true);
            return;
        }
        // RFC 1122 3.3.1: a host takes datagrams for itself and never forwards the rest.
        if (!accepts(destination, input, viaLoopback)) {
            drop(packet, IpCounter.InAddrErrors, input, false);
            return;
        }
        // RFC 1122 3.2.1.7: a host must not discard a datagram for its TTL, so TTL is not checked.
        packet.networkOffset(at);
        packet.advance(Ipv4Header.headerLength(packet, at));
        packet.transportOffset(packet.start());
        if (Ipv4Header.moreFragments(packet, at) || Ipv4Header.fragmentOffset(packet, at) != 0) {
            counters.increment(IpCounter.ReasmReqds);
            PacketBuffer whole = reassembler.add(packet);
            if (whole != null) {
                deliver(whole);
            }
            return;
        }
        deliver(packet);
    }

    private boolean accepts(int destination, NetworkInterface input, boolean viaLoopback) {
        if (destination == Ipv4Address.BROADCAST || destination == ALL_HOSTS) {
            return true;
        }
        if (input != null && input.prefixLength() < 31 && destination == input.broadcastAddress()) {
            return true;
        }
        if (viaLoopback && Ipv4Address.isLoopback(destination)) {
            // Linux's local table holds all of 127/8 on lo.
            return true;
        }
        return isLocalAddress(destination);
    }

    /** Hands a whole datagram (region = payload, offsets set) to its protocol. */
    private void deliver(PacketBuffer packet) {
        int header = packet.networkOffset();
        int protocol = Ipv4Header.protocol(packet, header);
        IpProtocolHandler handler = handlers.get(protocol);
        if (handler != null) {
            counters.increment(IpCounter.InDelivers);
            try {
                handler.receive(packet);
            } catch (RuntimeException e) {
                // The handler broke its contract; the link thread must survive it. The buffer
                // was handed over, so it is not touched again.
                counters.increment(IpCounter.HandlerFailures);
            }
            return;
        }
        counters.increment(IpCounter.InUnknownProtos);
        int destination = Ipv4Header.destination(packet, header);
        NetworkInterface input = packet.inputInterface();
        boolean unicast = destination != Ipv4Address.BROADCAST && !Ipv4Address.isMulticast(destination)
                && (input == null || input.prefixLength() >= 31 || destination != input.broadcastAddress());
        IcmpErrors icmp = icmpErrors;
        try {
            // RFC 1122 3.2.2.1 / RFC 792: protocol unreachable, never about a broadcast or multicast.
            // SPEC section 4: while the UDP bundle is stopped, a UDP datagram gets port
            // unreachable, what a peer sees from a UDP layer with nobody on the port.
            if (unicast && icmp != null) {
                int code = protocol == IpProtocol.UDP ? IcmpErrors.PORT_UNREACHABLE : IcmpErrors.PROTOCOL_UNREACHABLE;
                icmp.destinationUnreachable(packet, code, 0);
            }
        } catch (RuntimeException e) {
            counters.increment(IpCounter.HandlerFailures);
        } finally {
            packet.release();
        }
    }

    private void drop(PacketBuffer packet, IpCounter reason, NetworkInterface input, boolean malformed) {
        counters.increment(reason);
        if (input != null && input.link() != null) {
            if (malformed) {
                input.statistics().receiveError();
            } else {
                input.statistics().receiveDropped();
            }
        }
        packet.release();
    }

    private void reassemblyTimedOut(PacketBuffer firstFragment) {
        IcmpErrors icmp = icmpErrors;
        if (icmp != null) {
            // RFC 792 / RFC 1122 3.3.2: time exceeded, code 1 (fragment reassembly time exceeded).
            icmp.timeExceeded(firstFragment, 1);
        }
    }

    // ---- send -----------------------------------------------------------------------------

    @Override
    public SendResult send(PacketBuffer payload, int source, int destination, int protocol, int ttl, int tos,
            boolean dontFragment) {
        counters.increment(IpCounter.OutRequests);
        int total = payload.length() + Ipv4Header.MIN_LENGTH;
        if (total > Ipv4Header.MAX_DATAGRAM) {
            counters.increment(IpCounter.FragFails);
            payload.release();
            return SendResult.TOO_LARGE;
        }
        NetworkInterface nif;
        int nextHop;
        boolean local = Ipv4Address.isLoopback(destination) || isLocalAddress(destination);
        if (local) {
            // Like Linux's local table: our own addresses and 127/8 go through the loopback.
            nif = loopbackInterface();
            nextHop = destination;
            if (nif == null) {
                counters.increment(IpCounter.NoLoopback);
                counters.increment(IpCounter.OutNoRoutes);
                payload.release();
                return SendResult.NO_ROUTE;
            }
        } else {
            Route route = routingTable.lookup(destination);
            if (route == null) {
                counters.increment(IpCounter.OutNoRoutes);
                payload.release();
                return SendResult.NO_ROUTE;
            }
            nif = upInterface(route.interfaceName());
            nextHop = route.gateway() != Ipv4Address.ANY ? route.gateway() : destination;
        }
        if (nif == null || !nif.isUp()) {
            counters.increment(IpCounter.InterfaceDown);
            counters.increment(IpCounter.OutDiscards);
            payload.release();
            return SendResult.INTERFACE_DOWN;
        }
        if (source == Ipv4Address.ANY) {
            source = local && !Ipv4Address.isLoopback(destination) ? destination : nif.ipv4Address();
        }
        if (payload.headroom() < Ipv4Header.MIN_LENGTH) {
            counters.increment(IpCounter.OutDiscards);
            payload.release();
            return SendResult.NO_BUFFERS;
        }
        int at = payload.prepend(Ipv4Header.MIN_LENGTH);
        writeHeader(payload, at, total, source, destination, protocol, ttl, tos, dontFragment);

        int mtu = nif.mtu();
        if (total <= mtu) {
            return transmit(nif, nextHop, payload);
        }
        if (payload.gsoSize() > 0 && total <= nif.link().gsoMaxSize()) {
            // TSO: the link's device cuts it into segments of gsoSize (Linux's GSO path)
            return transmit(nif, nextHop, payload);
        }
        if (dontFragment) {
            // RFC 1191: the caller learns EMSGSIZE; a too-large DF datagram never leaves.
            counters.increment(IpCounter.FragFails);
            payload.release();
            return SendResult.TOO_LARGE;
        }
        return fragmentAndSend(nif, nextHop, payload, mtu);
    }

    private void writeHeader(PacketBuffer b, int at, int total, int source, int destination, int protocol, int ttl,
            int tos, boolean dontFragment) {
        b.putU8(at + Ipv4Header.VERSION_IHL, 0x45);
        b.putU8(at + Ipv4Header.TOS, tos);
        b.putU16(at + Ipv4Header.TOTAL_LENGTH, total);
        b.putU16(at + Ipv4Header.IDENTIFICATION, identification.getAndIncrement() & 0xffff);
        b.putU16(at + Ipv4Header.FLAGS_FRAGMENT, dontFragment ? Ipv4Header.FLAG_DF : 0);
        b.putU8(at + Ipv4Header.TTL, ttl >= 1 && ttl <= 255 ? ttl : DEFAULT_TTL);
        b.putU8(at + Ipv4Header.PROTOCOL, protocol);
        b.putU16(at + Ipv4Header.CHECKSUM, 0);
        b.putI32(at + Ipv4Header.SOURCE, source);
        b.putI32(at + Ipv4Header.DESTINATION, destination);
        b.putU16(at + Ipv4Header.CHECKSUM, InternetChecksum.compute(b, at, Ipv4Header.MIN_LENGTH, 0));
        b.networkOffset(at);
    }

    private SendResult transmit(NetworkInterface nif, int nextHop, PacketBuffer datagram) {
        NeighbourService neighbour = neighbours;
        if (neighbour == null) {
            counters.increment(IpCounter.NoNeighbourService);
            datagram.release();
            return SendResult.NO_ROUTE;
        }
        try {
            neighbour.send(nif, nextHop, datagram);
        } catch (RuntimeException e) {
            counters.increment(IpCounter.HandlerFailures);
        }
        return SendResult.SENT;
    }

    /** RFC 791 3.2: each fragment in its own buffer, then the original is released. */
    private SendResult fragmentAndSend(NetworkInterface nif, int nextHop, PacketBuffer datagram, int mtu) {
        int chunk = Fragmenter.chunk(mtu, Ipv4Header.MIN_LENGTH);
        if (chunk == 0) {
            counters.increment(IpCounter.FragFails);
            datagram.release();
            return SendResult.TOO_LARGE;
        }
        NeighbourService neighbour = neighbours;
        if (neighbour == null) {
            counters.increment(IpCounter.NoNeighbourService);
            datagram.release();
            return SendResult.NO_ROUTE;
        }
        int count = Fragmenter.count(datagram.length() - Ipv4Header.MIN_LENGTH, chunk);
        try {
            for (int i = 0; i < count; i++) {
                PacketBuffer fragment;
                try {
                    fragment = Fragmenter.fragment(pool, datagram, chunk, i);
                } catch (IllegalArgumentException e) {
                    counters.increment(IpCounter.FragFails);
                    counters.increment(IpCounter.OutDiscards);
                    return SendResult.NO_BUFFERS;
                }
                counters.increment(IpCounter.FragCreates);
                neighbour.send(nif, nextHop, fragment);
            }
        } finally {
            datagram.release();
        }
        counters.increment(IpCounter.FragOKs);
        return SendResult.SENT;
    }

    @Override
    public int sourceAddressFor(int destination) {
        if (isLocalAddress(destination)) {
            return destination;
        }
        NetworkInterface nif = outgoing(destination);
        return nif == null ? Ipv4Address.ANY : nif.ipv4Address();
    }

    @Override
    public int mtuFor(int destination) {
        NetworkInterface nif = outgoing(destination);
        return nif == null ? 0 : nif.mtu();
    }

    @Override
    public int gsoMaxSizeFor(int destination) {
        NetworkInterface nif = outgoing(destination);
        return nif == null ? 0 : nif.link().gsoMaxSize();
    }

    private NetworkInterface outgoing(int destination) {
        if (Ipv4Address.isLoopback(destination) || isLocalAddress(destination)) {
            return loopbackInterface();
        }
        Route route = routingTable.lookup(destination);
        return route == null ? null : upInterface(route.interfaceName());
    }

    // ---- statistics -----------------------------------------------------------------------

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }

    /** The counters themselves, for tests. */
    Counters<IpCounter> statistics() {
        return counters;
    }

    /** Sets the identification of the next datagram (tests compare with Linux's bytes). */
    void nextIdentification(int id) {
        identification.set(id);
    }

    /** Datagrams in reassembly, for tests. */
    Reassembler reassembler() {
        return reassembler;
    }
}
