package dev.strata.udp;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.service.LazyService;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.transport.DatagramEndpoint;
import dev.strata.api.transport.DatagramProtocol;

/**
 * The UDP layer (RFC 768, RFC 1122 4.1): IPv4 hands it every UDP datagram for this host
 * ({@code strata.ip.protocol=17}); it checks length and checksum, finds the socket by port
 * and address and hands it the payload, or answers ICMP port unreachable. The socket layer
 * binds its endpoints and sends through it as the {@link DatagramProtocol}
 * {@code strata.transport=udp}. Its counters are the section {@code Udp} of {@code stats},
 * named as Linux's {@code netstat -s}.
 *
 * <p>Runs on the callers' threads (link threads on receive, application threads on send);
 * starts none.
 */
@Component(
        service = {DatagramProtocol.class, IpProtocolHandler.class, InterfaceListener.class, StatisticsProvider.class},
        property = {
            IpProtocol.PROPERTY + ":Integer=" + IpProtocol.UDP,
            DatagramProtocol.PROPERTY + "=udp"
        })
public final class UdpLayer implements DatagramProtocol, IpProtocolHandler, InterfaceListener, StatisticsProvider {

    private final Counters<UdpStatistic> counters = new Counters<>("Udp", UdpStatistic.class);
    private final LazyService<Ipv4Output> ipv4;
    private final LazyService<IcmpErrors> icmp;
    private final BufferPool pool;
    private final PortTable ports;
    private final LocalAddresses addresses = new LocalAddresses();

    @Activate
    public UdpLayer(BundleContext context, @Reference(name = "pool") BufferPool pool) {
        this(new LazyService<>(context), new LazyService<>(context), pool, EPHEMERAL_FIRST, EPHEMERAL_LAST);
    }

    /** For tests and embedding without DS: IPv4 and ICMP given directly (null for none). */
    UdpLayer(Ipv4Output ipv4, IcmpErrors icmp, BufferPool pool) {
        this(ipv4, icmp, pool, EPHEMERAL_FIRST, EPHEMERAL_LAST);
    }

    /** As above, with a (small) ephemeral port range for tests. */
    UdpLayer(Ipv4Output ipv4, IcmpErrors icmp, BufferPool pool, int ephemeralFirst, int ephemeralLast) {
        this(LazyService.of(ipv4), LazyService.of(icmp), pool, ephemeralFirst, ephemeralLast);
    }

    private UdpLayer(LazyService<Ipv4Output> ipv4, LazyService<IcmpErrors> icmp, BufferPool pool, int ephemeralFirst,
            int ephemeralLast) {
        this.ipv4 = ipv4;
        this.icmp = icmp;
        this.pool = pool;
        this.ports = new PortTable(ephemeralFirst, ephemeralLast);
    }

    /**
     * IPv4, below us, bound by reference and fetched on first use: IPv4 binds our
     * {@link IpProtocolHandler}, so a service reference here would make a cycle at activation
     * (docs/ARCHITECTURE.md). Dynamic and greedy so that an update of IPv4 leaves the
     * sockets in place; while it is missing, sends fail with ENETDOWN.
     */
    @Reference(name = "output", service = Ipv4Output.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.bind(reference);
    }

    void unbindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.unbind(reference);
    }

    /** ICMP, for port unreachable; likewise lazy (ICMP delivers errors to our handler). */
    @Reference(name = "icmp", service = IcmpErrors.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindIcmp(ServiceReference<IcmpErrors> reference) {
        icmp.bind(reference);
    }

    void unbindIcmp(ServiceReference<IcmpErrors> reference) {
        icmp.unbind(reference);
    }

    // ---- InterfaceListener --------------------------------------------------------------------

    @Override
    public void interfaceUp(NetworkInterface networkInterface) {
        addresses.interfaceUp(networkInterface);
    }

    @Override
    public void interfaceDown(NetworkInterface networkInterface) {
        // Sockets bound to its address stay bound, as on Linux, but learn of it at once (SPEC
        // section 3, ifconfig NAME down: "sockets on its address get an error, nothing hangs"):
        // their next call, or the one blocked now, fails with ENETDOWN.
        addresses.interfaceDown(networkInterface);
        int address = networkInterface.ipv4Address();
        if (address != 0) {
            for (DatagramEndpoint endpoint : ports.boundTo(address)) {
                try {
                    endpoint.error(SocketError.ENETDOWN, address);
                } catch (RuntimeException failure) {
                    counters.increment(UdpStatistic.CALLBACK_FAILED);
                }
            }
        }
    }

    // ---- DatagramProtocol ---------------------------------------------------------------------

    @Override
    public int bind(DatagramEndpoint endpoint, int address, int port, boolean reuseAddress) throws NetSocketException {
        if (!addresses.bindable(address)) {
            throw new NetSocketException(SocketError.EADDRNOTAVAIL, "bind", Ipv4Address.format(address));
        }
        return ports.bind(endpoint, address, port, reuseAddress);
    }

    @Override
    public void unbind(DatagramEndpoint endpoint) {
        ports.unbind(endpoint);
    }

    @Override
    public boolean isBroadcast(int destination) {
        // Multicast is not broadcast for SO_BROADCAST: Linux lets any socket send to a group.
        return !Ipv4Address.isMulticast(destination) && addresses.isBroadcastOrMulticast(destination, null);
    }

    @Override
    public int maxPayload() {
        return UdpHeader.MAX_PAYLOAD;
    }

    @Override
    public void send(DatagramEndpoint endpoint, PacketBuffer payload, int destination, int destinationPort, int ttl, int tos)
            throws NetSocketException {
        int length = payload.length();
        if (length > UdpHeader.MAX_PAYLOAD) {
            throw failed(payload, UdpStatistic.OUT_TOO_LARGE, SocketError.EMSGSIZE);
        }
        // Linux: sendto(2) to port 0 is EINVAL.
        if (destinationPort <= 0 || destinationPort > 65535) {
            throw failed(payload, UdpStatistic.OUT_INVALID, SocketError.EINVAL);
        }
        int sourcePort = endpoint.boundPort();
        if (sourcePort <= 0 || sourcePort > 65535 || payload.headroom() < UdpHeader.LENGTH) {
            throw failed(payload, UdpStatistic.OUT_INVALID, SocketError.EINVAL);
        }
        Ipv4Output output = ipv4.get();
        if (output == null) {
            throw failed(payload, UdpStatistic.NO_IPV4, SocketError.ENETDOWN);
        }
        int source = endpoint.boundAddress();
        // A socket bound to every address (or to a broadcast or group, which is no source,
        // RFC 1122 3.2.1.3) sends from the address of the route's interface.
        if (source == Ipv4Address.ANY || source == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(source)
                || addresses.isBroadcastOrMulticast(source, null)) {
            source = output.sourceAddressFor(destination);
            if (source == Ipv4Address.ANY) {
                throw failed(payload, UdpStatistic.OUT_NO_ROUTE, SocketError.ENETUNREACH);
            }
        }
        int total = length + UdpHeader.LENGTH;
        int at = payload.prepend(UdpHeader.LENGTH);
        UdpHeader.write(payload, at, sourcePort, destinationPort, total);
        // Always a checksum on the way out (RFC 1122 4.1.3.4: MUST be enabled by default).
        UdpHeader.writeChecksum(payload, at, total, source, destination);
        payload.transportOffset(at);
        SendResult result;
        try {
            // DF stays off: without a path MTU cache a DF datagram larger than a later hop's
            // MTU would be lost for good; IPv4 fragments what exceeds the route's MTU.
            result = output.send(payload, source, destination, IpProtocol.UDP, ttl, tos, false);
        } catch (RuntimeException e) {
            // IPv4 broke its contract; the buffer was handed over, so it is not touched again.
            counters.increment(UdpStatistic.NO_IPV4);
            throw new NetSocketException(SocketError.ENETDOWN, "sendto");
        }
        // The buffer belongs to IPv4 now, whatever the result.
        switch (result) {
            case SENT:
                counters.increment(UdpStatistic.OUT_DATAGRAMS);
                return;
            case NO_ROUTE:
                counters.increment(UdpStatistic.OUT_NO_ROUTE);
                throw new NetSocketException(SocketError.ENETUNREACH, "sendto");
            case TOO_LARGE:
                counters.increment(UdpStatistic.OUT_TOO_LARGE);
                throw new NetSocketException(SocketError.EMSGSIZE, "sendto");
            case INTERFACE_DOWN:
                counters.increment(UdpStatistic.OUT_INTERFACE_DOWN);
                throw new NetSocketException(SocketError.ENETDOWN, "sendto");
            case NO_BUFFERS:
            default:
                // Linux counts ENOBUFS from the IP layer as SndbufErrors.
                counters.increment(UdpStatistic.SNDBUF_ERRORS);
                throw new NetSocketException(SocketError.ENOBUFS, "sendto");
        }
    }

    /** Counts a send that failed before IPv4 took the buffer, releases it, and makes the exception. */
    private NetSocketException failed(PacketBuffer payload, UdpStatistic reason, SocketError error) {
        counters.increment(reason);
        payload.release();
        return new NetSocketException(error, "sendto");
    }

    // ---- IpProtocolHandler: receive -----------------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        int at = packet.start();
        UdpStatistic drop = UdpHeader.validate(packet, at, packet.length());
        if (drop != null) {
            dropInput(packet, drop);
            return;
        }
        int length = UdpHeader.length(packet, at);
        // RFC 768 / Linux's pskb_trim_rcsum: what IP carried beyond the UDP length is padding.
        packet.truncate(length);
        int network = packet.networkOffset();
        int source = Ipv4Header.source(packet, network);
        int destination = Ipv4Header.destination(packet, network);
        if (UdpHeader.checksum(packet, at) == UdpHeader.NO_CHECKSUM) {
            // RFC 768: all zeros means the sender computed none; accepted (RFC 1122 4.1.3.4 MAY).
            counters.increment(UdpStatistic.NO_CHECKSUM);
        } else if (!UdpHeader.checksumValid(packet, at, length, source, destination)) {
            counters.increment(UdpStatistic.IN_CSUM_ERRORS);
            dropInput(packet, UdpStatistic.BAD_CHECKSUM);
            return;
        }
        int sourcePort = UdpHeader.sourcePort(packet, at);
        int destinationPort = UdpHeader.destinationPort(packet, at);
        if (addresses.isBroadcastOrMulticast(destination, packet.inputInterface())) {
            deliverToAll(packet, source, sourcePort, destination, destinationPort);
            return;
        }
        PortTable.Binding binding = ports.lookup(destinationPort, source, sourcePort, destination);
        if (binding == null) {
            portUnreachable(packet);
            return;
        }
        packet.advance(UdpHeader.LENGTH);
        deliver(binding.endpoint, packet, source, sourcePort, destination);
    }

    /**
     * RFC 1122 4.1.3.1: no socket for a unicast datagram is answered with ICMP port
     * unreachable (ICMP copies the header and 8 bytes it needs, and rate-limits).
     */
    private void portUnreachable(PacketBuffer packet) {
        counters.increment(UdpStatistic.NO_PORTS);
        IcmpErrors errors = icmp.get();
        if (errors != null) {
            try {
                errors.destinationUnreachable(packet, IcmpErrors.PORT_UNREACHABLE, 0);
            } catch (RuntimeException e) {
                counters.increment(UdpStatistic.CALLBACK_FAILED);
            }
        }
        packet.release();
    }

    /**
     * RFC 1122 4.1.3.4 / Linux's {@code __udp4_lib_mcast_deliver}: a broadcast or multicast
     * datagram goes to every socket that matches; each but the last gets a copy from the
     * pool, the last the original. Nobody listening is counted, never answered (RFC 1122
     * 3.2.2: no ICMP error about a broadcast or multicast).
     */
    private void deliverToAll(PacketBuffer packet, int source, int sourcePort, int destination, int destinationPort) {
        PortTable.Binding[] list = ports.bindings(destinationPort);
        int last = -1;
        if (list != null) {
            for (int i = 0; i < list.length; i++) {
                if (PortTable.matches(list[i], source, sourcePort, destination)) {
                    last = i;
                }
            }
        }
        if (last < 0) {
            counters.increment(UdpStatistic.IGNORED_MULTI);
            packet.release();
            return;
        }
        packet.advance(UdpHeader.LENGTH);
        for (int i = 0; i < last; i++) {
            if (PortTable.matches(list[i], source, sourcePort, destination)) {
                counters.increment(UdpStatistic.MULTI_COPIES);
                deliver(list[i].endpoint, copyOf(packet), source, sourcePort, destination);
            }
        }
        deliver(list[last].endpoint, packet, source, sourcePort, destination);
    }

    /** A copy of the datagram from its IPv4 header on, with the same offsets and region. */
    private PacketBuffer copyOf(PacketBuffer packet) {
        int network = packet.networkOffset();
        int from = network >= 0 && network <= packet.start() ? network : packet.start();
        int length = packet.end() - from;
        PacketBuffer copy = pool.allocate(length);
        int at = copy.append(length);
        copy.copyFrom(packet, from, at, length);
        copy.networkOffset(network == from ? at : -1);
        int transport = packet.transportOffset();
        copy.transportOffset(transport >= from ? at + (transport - from) : -1);
        copy.region(at + (packet.start() - from), at + length);
        copy.inputInterface(packet.inputInterface());
        return copy;
    }

    /** Hands the payload (and its ownership) to the socket and counts the outcome. */
    private void deliver(DatagramEndpoint endpoint, PacketBuffer payload, int source, int sourcePort, int destination) {
        boolean accepted;
        try {
            accepted = endpoint.deliver(payload, source, sourcePort, destination);
        } catch (RuntimeException e) {
            // The buffer was handed over; the socket layer broke its contract, the link thread survives.
            counters.increment(UdpStatistic.CALLBACK_FAILED);
            counters.increment(UdpStatistic.IN_ERRORS);
            return;
        }
        if (accepted) {
            counters.increment(UdpStatistic.IN_DATAGRAMS);
        } else {
            counters.increment(UdpStatistic.RCVBUF_ERRORS);
            counters.increment(UdpStatistic.IN_ERRORS);
        }
    }

    private void dropInput(PacketBuffer packet, UdpStatistic reason) {
        counters.increment(UdpStatistic.IN_ERRORS);
        counters.increment(reason);
        packet.release();
    }

    // ---- IpProtocolHandler: ICMP errors -------------------------------------------------------

    /**
     * RFC 1122 4.1.3.3: ICMP errors about a datagram we sent are passed to its socket. As
     * Linux does without IP_RECVERR, only a socket connected to the quoted destination hears
     * of it (an unconnected one could not tell which of its peers it is about).
     */
    @Override
    public void icmpError(int type, int code, int info, PacketBuffer quoted) {
        int at = quoted.start();
        int available = quoted.length();
        if (available < Ipv4Header.MIN_LENGTH) {
            counters.increment(UdpStatistic.ICMP_BAD_QUOTE);
            return;
        }
        int headerLength = Ipv4Header.headerLength(quoted, at);
        if (Ipv4Header.version(quoted, at) != 4 || headerLength < Ipv4Header.MIN_LENGTH
                || available < headerLength + UdpHeader.LENGTH || Ipv4Header.protocol(quoted, at) != IpProtocol.UDP) {
            counters.increment(UdpStatistic.ICMP_BAD_QUOTE);
            return;
        }
        SocketError error = IcmpErrorMap.socketError(type, code);
        if (error == null) {
            counters.increment(UdpStatistic.ICMP_IGNORED);
            return;
        }
        int local = Ipv4Header.source(quoted, at);
        int remote = Ipv4Header.destination(quoted, at);
        int udp = at + headerLength;
        int localPort = UdpHeader.sourcePort(quoted, udp);
        int remotePort = UdpHeader.destinationPort(quoted, udp);
        PortTable.Binding[] list = ports.bindings(localPort);
        boolean bound = false;
        if (list != null) {
            for (PortTable.Binding binding : list) {
                if (binding.address != Ipv4Address.ANY && binding.address != local) {
                    continue;
                }
                bound = true;
                DatagramEndpoint endpoint = binding.endpoint;
                if (remote != Ipv4Address.ANY && endpoint.peerAddress() == remote && endpoint.peerPort() == remotePort) {
                    counters.increment(UdpStatistic.ICMP_ERRORS_DELIVERED);
                    try {
                        endpoint.error(error, reporter(quoted, remote));
                    } catch (RuntimeException e) {
                        counters.increment(UdpStatistic.CALLBACK_FAILED);
                    }
                    return;
                }
            }
        }
        counters.increment(bound ? UdpStatistic.ICMP_IGNORED : UdpStatistic.ICMP_NO_SOCKET);
    }

    /**
     * Who sent the ICMP error: the source of the IPv4 header at the buffer's network offset
     * (ICMP leaves it at the error's own header); the quoted destination if there is none.
     */
    private static int reporter(PacketBuffer quoted, int fallback) {
        int network = quoted.networkOffset();
        if (network >= 0 && network + Ipv4Header.MIN_LENGTH <= quoted.start()) {
            return Ipv4Header.source(quoted, network);
        }
        return fallback;
    }

    // ---- StatisticsProvider ---------------------------------------------------------------------

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }

    /** One counter, for tests. */
    long counter(UdpStatistic statistic) {
        return counters.get(statistic);
    }

    /** Endpoints bound, for tests. */
    int boundEndpoints() {
        return ports.size();
    }
}
