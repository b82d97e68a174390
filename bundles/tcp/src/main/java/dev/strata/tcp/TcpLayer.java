package dev.strata.tcp;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

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
 * <p>Runs on the callers' threads and the Scheduler's (timers); starts none.
 */
@Component(
        service = {StreamProtocol.class, IpProtocolHandler.class, InterfaceListener.class, StatisticsProvider.class},
        property = {
            IpProtocol.PROPERTY + ":Integer=" + IpProtocol.TCP,
            DatagramProtocol.PROPERTY + "=tcp"
        })
public final class TcpLayer implements StreamProtocol, IpProtocolHandler, InterfaceListener, StatisticsProvider {

    private final Counters<TcpStatistic> counters = new Counters<>("Tcp", TcpStatistic.class);
    private final LazyService<Ipv4Output> ipv4;
    private final CongestionControls congestionControls = new CongestionControls();
    private final TcpStack stack;
    private volatile int[] localAddresses = new int[0];
    private final ServiceRegistration<TcpControl> control;

    @Activate
    public TcpLayer(BundleContext context, @Reference(name = "pool") BufferPool pool,
            @Reference(name = "scheduler") Scheduler scheduler) {
        this.ipv4 = new LazyService<>(context);
        this.stack = new TcpStack(pool, scheduler, ipv4::get, counters, TcpConfig.DEFAULTS, new IsnGenerator(scheduler),
                congestionControls::create);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DatagramProtocol.PROPERTY, "tcp");
        this.control = context.registerService(TcpControl.class, new TcpControlService(stack, congestionControls), properties);
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

    @Deactivate
    void deactivate() {
        try {
            control.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
        for (TcpConnection connection : stack.connections()) {
            connection.abort();
        }
    }

    // ---- IpProtocolHandler ------------------------------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        stack.receive(packet);
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
