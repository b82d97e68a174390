package dev.strata.tcp;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.service.LazyService;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.tcp.CongestionControlFactory;
import dev.strata.api.tcp.TcpControl;
import dev.strata.api.time.Scheduler;
import dev.strata.api.transport.DatagramProtocol;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;
import dev.strata.api.transport.StreamHandover;
import dev.strata.api.transport.StreamProtocol;

/**
 * The TCP layer (RFC 9293): IPv4 hands it every TCP segment for this host
 * ({@code strata.ip.protocol=6}); the socket layer opens connections and listeners through it
 * as the {@link StreamProtocol} {@code strata.transport=tcp}. Its counters are the section
 * {@code Tcp} of {@code stats}, named as Linux's {@code /proc/net/snmp}. Congestion control
 * algorithms are {@link CongestionControlFactory} services ({@code strata.tcp.cc=NAME}); when
 * one goes away, its connections continue with the default and the same window.
 *
 * <p>It also registers the operator's {@link TcpControl} (algorithms, the default,
 * connections, switching one): a separate object, as {@link StreamProtocol#connections()}
 * and {@link TcpControl#connections()} differ only in their result.
 *
 * <p>Configuration PID {@value #PID} ({@link Config}): timers, retries, the ephemeral ports,
 * SYN cookies, the default algorithm, as Linux's {@code net.ipv4.tcp_*} sysctls; a change
 * applies to connections opened afterwards, without a restart.
 *
 * <p>Runs on the callers' threads and the Scheduler's (timers); starts none.
 */
@Designate(ocd = TcpLayer.Config.class)
@Component(
        configurationPid = TcpLayer.PID,
        service = {StreamProtocol.class, IpProtocolHandler.class, InterfaceListener.class, StatisticsProvider.class},
        property = {
            IpProtocol.PROPERTY + ":Integer=" + IpProtocol.TCP,
            DatagramProtocol.PROPERTY + "=tcp"
        })
public final class TcpLayer implements StreamProtocol, IpProtocolHandler, InterfaceListener, StatisticsProvider {

    public static final String PID = "dev.strata.tcp";

    /** TCP's tunables, named after the Linux sysctls they mirror. */
    @ObjectClassDefinition(name = "Strata TCP", description = "TCP timers, retries, ports, SYN cookies and congestion control")
    public @interface Config {
        @AttributeDefinition(description = "Lower bound of the retransmission timeout in ms (Linux TCP_RTO_MIN 200; RFC 6298 says 1000)")
        long minRtoMillis() default 200;

        @AttributeDefinition(description = "Upper bound of the retransmission timeout in ms, at least 60000 (RFC 6298 2.5; Linux TCP_RTO_MAX 120000)")
        long maxRtoMillis() default 120_000;

        @AttributeDefinition(description = "TIME-WAIT duration in seconds, 2*MSL (RFC 9293 3.4.2; Linux TCP_TIMEWAIT_LEN 60)")
        long timeWaitSeconds() default 60;

        @AttributeDefinition(description = "How long a connection the application closed waits in FIN-WAIT-2 for the peer's FIN, in seconds (net.ipv4.tcp_fin_timeout)")
        long finTimeoutSeconds() default 60;

        @AttributeDefinition(description = "SYN retransmissions before connect fails with ETIMEDOUT (net.ipv4.tcp_syn_retries)")
        int synRetries() default 6;

        @AttributeDefinition(description = "SYN-ACK retransmissions before a half-open connection is dropped (net.ipv4.tcp_synack_retries)")
        int synAckRetries() default 5;

        @AttributeDefinition(description = "Retransmissions of data before the connection fails with ETIMEDOUT (net.ipv4.tcp_retries2)")
        int retries2() default 15;

        @AttributeDefinition(description = "Lowest ephemeral port (net.ipv4.ip_local_port_range, first value)")
        int ephemeralLow() default 32768;

        @AttributeDefinition(description = "Highest ephemeral port (net.ipv4.ip_local_port_range, second value)")
        int ephemeralHigh() default 60999;

        @AttributeDefinition(description = "Congestion control of connections that ask for none (net.ipv4.tcp_congestion_control)")
        String defaultCongestionControl() default "cubic";

        @AttributeDefinition(description = "SYN cookies (RFC 4987 3.6): 0 never, 1 when a listener's SYN queue overflows, 2 always (net.ipv4.tcp_syncookies)")
        int syncookies() default 1;

        @AttributeDefinition(description = "Most half-open connections (SYN-RECEIVED) one listener holds, at most its backlog (net.ipv4.tcp_max_syn_backlog)")
        int maxSynBacklog() default 1024;
    }

    private final Counters<TcpStatistic> counters = new Counters<>("Tcp", TcpStatistic.class);
    private final LazyService<Ipv4Output> ipv4;
    private final CongestionControls congestionControls = new CongestionControls();
    private final TcpStack stack;
    private volatile int[] localAddresses = new int[0];
    private final ServiceRegistration<TcpControl> control;
    private final BundleContext context;

    @Activate
    public TcpLayer(BundleContext context, @Reference(name = "pool") BufferPool pool,
            @Reference(name = "scheduler") Scheduler scheduler, Config config) {
        this.ipv4 = new LazyService<>(context);
        TcpConfig tcpConfig = TcpConfig.of(config);
        congestionControls.defaultName(tcpConfig.defaultCongestionControl());
        this.stack = new TcpStack(pool, scheduler, ipv4::get, counters, tcpConfig, new IsnGenerator(scheduler),
                congestionControls::create);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DatagramProtocol.PROPERTY, "tcp");
        this.control = context.registerService(TcpControl.class, new TcpControlService(stack, congestionControls), properties);
        this.context = context;
        adopt();
    }

    // ---- live upgrade (SPEC section 4) -------------------------------------------------------------

    /**
     * The connections the TCP bundle this one replaced deposited (an {@code update}): each decoded
     * ({@link TcbCodec}), re-created here with its socket, its timers armed again. A deposit that
     * cannot be read ends its socket with ECONNRESET.
     */
    private void adopt() {
        StreamHandover handover = handover();
        if (handover == null) {
            return;
        }
        for (StreamHandover.Deposit deposit : handover.withdraw("tcp")) {
            TcpConnection connection;
            try {
                connection = new TcpConnection(stack, deposit.endpoint(), TcbCodec.decode(deposit.state()));
            } catch (IllegalArgumentException e) {
                counters.increment(TcpStatistic.HANDOVER_FAILED);
                if (deposit.endpoint() != null) {
                    deposit.endpoint().closed(SocketError.ECONNRESET);
                }
                continue;
            }
            stack.add(connection);
            counters.increment(TcpStatistic.HANDED_OVER);
            if (deposit.endpoint() != null) {
                deposit.endpoint().handedOver(connection);
            }
            connection.resume();
        }
    }

    /** The socket layer's handover service, or null (looked up when needed: it outlives us). */
    private StreamHandover handover() {
        try {
            ServiceReference<StreamHandover> reference = context.getServiceReference(StreamHandover.class);
            return reference == null ? null : context.getService(reference);
        } catch (IllegalStateException invalid) {
            return null;
        }
    }

    /**
     * IPv4, below us, bound by reference and fetched on first use (IPv4 binds our
     * {@link IpProtocolHandler}: a service reference would make a cycle at activation).
     */
    @Reference(name = "output", service = Ipv4Output.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.bind(reference);
    }

    void unbindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.unbind(reference);
    }

    @Reference(name = "congestionControl", service = CongestionControlFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindCongestionControl(CongestionControlFactory factory, Map<String, Object> properties) {
        Object name = properties.get(CongestionControlFactory.PROPERTY);
        if (name != null) {
            congestionControls.add(name.toString(), factory);
            for (TcpConnection connection : stack.connections()) {
                connection.congestionControlArrived(name.toString());
            }
        }
    }

    void unbindCongestionControl(CongestionControlFactory factory, Map<String, Object> properties) {
        Object name = properties.get(CongestionControlFactory.PROPERTY);
        if (name != null && congestionControls.remove(name.toString(), factory)) {
            for (TcpConnection connection : stack.connections()) {
                connection.congestionControlGone(name.toString());
            }
        }
    }

    /** A changed configuration: new connections take it; the default algorithm changes at once. */
    @Modified
    void modified(Config config) {
        TcpConfig tcpConfig = TcpConfig.of(config);
        congestionControls.defaultName(tcpConfig.defaultCongestionControl());
        stack.configure(tcpConfig);
    }

    @Deactivate
    void deactivate() {
        try {
            control.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
        // SPEC section 4: an update keeps connections alive. Each one that can be is deposited with
        // the socket layer (no segment sent); the rest end as before (RST).
        StreamHandover handover = handover();
        List<StreamHandover.Deposit> deposits = new ArrayList<>();
        for (TcpConnection connection : stack.connections()) {
            byte[] state = handover == null ? null : connection.deposit();
            if (state == null) {
                connection.abort();
            } else {
                deposits.add(new StreamHandover.Deposit(state, connection.endpoint()));
            }
        }
        if (!deposits.isEmpty()) {
            handover.deposit("tcp", deposits);
        }
    }

    // ---- IpProtocolHandler ------------------------------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        stack.receive(packet);
    }

    @Override
    public void icmpError(int type, int code, int info, PacketBuffer quoted) {
        stack.icmpError(type, code, info, quoted);
    }

    // ---- StreamProtocol ----------------------------------------------------------------------------

    @Override
    public StreamListener listen(StreamAcceptor acceptor, int address, int port, int backlog, StreamOptions options)
            throws NetSocketException {
        if (address != Ipv4Address.ANY && !isLocal(address)) {
            throw new NetSocketException(SocketError.EADDRNOTAVAIL, "listen", Ipv4Address.format(address));
        }
        return stack.listen(acceptor, address, port, backlog, options == null ? StreamOptions.DEFAULTS : options);
    }

    @Override
    public StreamConnection connect(StreamEndpoint endpoint, int localAddress, int localPort, int remoteAddress,
            int remotePort, StreamOptions options) throws NetSocketException {
        if (localAddress != Ipv4Address.ANY && !isLocal(localAddress)) {
            throw new NetSocketException(SocketError.EADDRNOTAVAIL, "connect", Ipv4Address.format(localAddress));
        }
        return stack.connect(endpoint, localAddress, localPort, remoteAddress, remotePort,
                options == null ? StreamOptions.DEFAULTS : options);
    }

    @Override
    public List<SocketInfo> connections() {
        return stack.socketInfos();
    }

    // ---- InterfaceListener: the addresses that may be bound ---------------------------------------------

    @Override
    public synchronized void interfaceUp(NetworkInterface networkInterface) {
        int address = networkInterface.ipv4Address();
        if (address != Ipv4Address.ANY && !isLocal(address)) {
            int[] old = localAddresses;
            int[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = address;
            localAddresses = grown;
        }
    }

    @Override
    public synchronized void interfaceDown(NetworkInterface networkInterface) {
        int address = networkInterface.ipv4Address();
        int[] old = localAddresses;
        int[] kept = new int[old.length];
        int n = 0;
        for (int a : old) {
            if (a != address) {
                kept[n++] = a;
            }
        }
        localAddresses = java.util.Arrays.copyOf(kept, n);
    }

    private boolean isLocal(int address) {
        if (Ipv4Address.isLoopback(address)) {
            return true;
        }
        for (int a : localAddresses) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    // ---- StatisticsProvider ----------------------------------------------------------------------------

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }
}
