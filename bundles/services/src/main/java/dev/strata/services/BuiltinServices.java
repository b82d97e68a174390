package dev.strata.services;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;

/**
 * The built-in services of the stack, on every stack address, on by default: echo
 * (RFC 862) on UDP and TCP port 7 and discard (RFC 863) on UDP and TCP port 9; off by
 * default, character generator (RFC 864) on TCP port 19 (config {@code chargenTcp}), a bulk
 * sender to measure the stack's output with. They are
 * ordinary applications of the socket API ({@link SocketService}): one thread,
 * {@value ServiceLoop#THREAD_NAME}, serves every non-blocking socket (the UDP sockets, the
 * TCP listeners and every TCP connection) through one {@link SocketSelector}. Their counters
 * are the section {@code Services} of {@code stats}.
 *
 * <p>UDP may be stopped and started under them: the sockets and the thread stay, operations
 * in between fail with EPROTONOSUPPORT (counted under {@code Errors}, nothing logged per
 * datagram), and the socket layer binds the sockets again when UDP returns. A port another
 * socket holds already (SO_REUSEADDR is off) is one error line in the log; the other
 * service runs regardless.
 *
 * <p>TCP likewise: while TCP is not running (listen fails with EPROTONOSUPPORT) the
 * listeners are opened again every {@value ServiceLoop#RETRY_MILLIS} ms until it is; a TCP
 * stopped under them closes their connections and they listen again when it returns. See
 * {@link TcpService} and {@link TcpSession} for echo's backpressure and half-close.
 *
 * <p>Configuration PID {@value #PID} ({@code etc/dev.strata.services.cfg}); a change
 * restarts the services with the new settings.
 */
@Designate(ocd = BuiltinServices.Config.class)
@Component(configurationPid = BuiltinServices.PID, service = StatisticsProvider.class, immediate = true)
public final class BuiltinServices implements StatisticsProvider {

    public static final String PID = "dev.strata.services";
    /** RFC 862: "A server listens for UDP datagrams on UDP port 7." */
    public static final int ECHO_PORT = 7;
    /** RFC 863: "A server listens for UDP datagrams on UDP port 9." */
    public static final int DISCARD_PORT = 9;
    /** RFC 864: "A server listens for TCP connections on TCP port 19." */
    public static final int CHARGEN_PORT = 19;
    /** How long {@link #deactivate} waits for the service thread. */
    static final long STOP_MILLIS = 1000;

    private static final Logger LOG = System.getLogger(BuiltinServices.class.getName());

    /** Which built-in services run, and on which ports. */
    @ObjectClassDefinition(name = "Strata built-in services", description = "Echo (RFC 862) and discard (RFC 863) on every stack address")
    public @interface Config {
        @AttributeDefinition(description = "Run echo (RFC 862) on UDP")
        boolean echoUdp() default true;

        @AttributeDefinition(description = "Run discard (RFC 863) on UDP")
        boolean discardUdp() default true;

        @AttributeDefinition(description = "Run echo (RFC 862) on TCP; listens once TCP is running")
        boolean echoTcp() default true;

        @AttributeDefinition(description = "Run discard (RFC 863) on TCP; listens once TCP is running")
        boolean discardTcp() default true;

        @AttributeDefinition(description = "Port of the echo service, UDP and TCP", min = "1", max = "65535")
        int echoPort() default ECHO_PORT;

        @AttributeDefinition(description = "Port of the discard service, UDP and TCP", min = "1", max = "65535")
        int discardPort() default DISCARD_PORT;

        @AttributeDefinition(description = "Run character generator (RFC 864) on TCP (a bulk sender for benchmarks); "
                + "never on UDP, where a forged source would make it an amplifier")
        boolean chargenTcp() default false;

        @AttributeDefinition(description = "Port of the character generator on TCP", min = "1", max = "65535")
        int chargenPort() default CHARGEN_PORT;
    }

    private final Counters<ServiceStatistic> counters = new Counters<>("Services", ServiceStatistic.class);
    private final List<ServiceLoop.Service> services = new ArrayList<>();
    private final SocketSelector selector;
    private final ServiceLoop loop;

    @Activate
    public BuiltinServices(@Reference(name = "sockets") SocketService sockets, Config config) {
        this(sockets, ServiceSettings.of(config));
    }

    /** For tests and embedding without DS. */
    BuiltinServices(SocketService sockets, ServiceSettings settings) {
        this.selector = sockets.openSelector();
        List<ServiceLoop.Service> bound = new ArrayList<>();
        List<ServiceLoop.Service> pending = new ArrayList<>();
        if (settings.echoUdp()) {
            open(sockets, UdpService.Kind.ECHO, settings.echoPort(), bound, pending);
        }
        if (settings.discardUdp()) {
            open(sockets, UdpService.Kind.DISCARD, settings.discardPort(), bound, pending);
        }
        if (settings.echoTcp()) {
            openTcp(sockets, UdpService.Kind.ECHO, settings.echoPort(), bound, pending);
        }
        if (settings.discardTcp()) {
            openTcp(sockets, UdpService.Kind.DISCARD, settings.discardPort(), bound, pending);
        }
        if (settings.chargenTcp()) {
            openTcp(sockets, UdpService.Kind.CHARGEN, settings.chargenPort(), bound, pending);
        }
        this.loop = new ServiceLoop(selector, counters, bound, pending);
        loop.start();
    }

    private void open(SocketService sockets, UdpService.Kind kind, int port, List<ServiceLoop.Service> bound,
            List<ServiceLoop.Service> pending) {
        if (port < 1 || port > 65535) {
            LOG.log(Level.ERROR, kind + " on UDP: port " + port + " is not a port (1 to 65535); not started");
            return;
        }
        DatagramSocket socket;
        try {
            socket = sockets.openDatagram();
        } catch (NetSocketException e) {
            LOG.log(Level.ERROR, kind + " on UDP port " + port + " not started: " + e.getMessage());
            return;
        }
        UdpService service = new UdpService(kind, port, socket, counters);
        services.add(service);
        try {
            (service.bind() ? bound : pending).add(service);
        } catch (NetSocketException | RuntimeException e) {
            logOpenFailure(service, e);
            services.remove(service);
            service.close();
        }
    }

    private void openTcp(SocketService sockets, UdpService.Kind kind, int port, List<ServiceLoop.Service> bound,
            List<ServiceLoop.Service> pending) {
        if (port < 1 || port > 65535) {
            LOG.log(Level.ERROR, kind + " on TCP: port " + port + " is not a port (1 to 65535); not started");
            return;
        }
        TcpService service = new TcpService(kind, port, sockets, selector, counters);
        services.add(service);
        try {
            (service.open() ? bound : pending).add(service);
        } catch (NetSocketException | RuntimeException e) {
            logOpenFailure(service, e);
            services.remove(service);
            service.close();
        }
    }

    /** The one line a service that cannot bind (or listen on) its port leaves in the log. */
    static void logOpenFailure(ServiceLoop.Service service, Exception e) {
        LOG.log(Level.ERROR, service + " not started: " + e.getMessage());
    }

    /** Closes the sockets (listeners and connections too) and stops the thread, within {@link #STOP_MILLIS}. */
    @Deactivate
    void deactivate() {
        boolean stopped = loop.stop(STOP_MILLIS);
        for (ServiceLoop.Service service : services) {
            service.close();
        }
        selector.close();
        if (!stopped) {
            LOG.log(Level.WARNING, ServiceLoop.THREAD_NAME + " did not stop within " + STOP_MILLIS + " ms");
        }
    }

    /** The service thread, for tests. */
    Thread thread() {
        return loop.thread();
    }

    /** The UDP services that opened a socket, for tests. */
    List<UdpService> services() {
        return services.stream().filter(UdpService.class::isInstance).map(UdpService.class::cast).toList();
    }

    /** The TCP services, for tests. */
    List<TcpService> tcpServices() {
        return services.stream().filter(TcpService.class::isInstance).map(TcpService.class::cast).toList();
    }

    long counter(ServiceStatistic statistic) {
        return counters.get(statistic);
    }

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }
}
