package dev.strata.icmp;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.IpProtocolHandlers;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.service.LazyService;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.time.Scheduler;

/**
 * The ICMP layer (RFC 792, RFC 1122 3.2.2): IPv4 hands it every ICMP message for this host
 * ({@code strata.ip.protocol=1}); it answers echo requests in place, hands echo replies to
 * {@code ping}'s sessions, delivers received errors to the transport they are about, and
 * sends errors for the other layers ({@link IcmpErrors}). Its counters are the section
 * {@code Icmp} of {@code stats}.
 *
 * <p>Configuration PID {@value #PID}: the error rate limit and whether to answer echo
 * requests sent to a broadcast address.
 */
@Designate(ocd = IcmpLayer.Config.class)
@Component(
        configurationPid = IcmpLayer.PID,
        service = {IpProtocolHandler.class, EchoService.class, IcmpErrors.class, StatisticsProvider.class},
        property = IpProtocol.PROPERTY + ":Integer=" + IpProtocol.ICMP)
public final class IcmpLayer implements IpProtocolHandler, EchoService, IcmpErrors, StatisticsProvider {

    public static final String PID = "dev.strata.icmp";

    /** ICMP settings, named after the Linux sysctls they mirror. */
    @ObjectClassDefinition(name = "Strata ICMP", description = "ICMP echo and error settings")
    public @interface Config {
        @AttributeDefinition(description = "ICMP errors sent per second, sustained (net.ipv4.icmp_msgs_per_sec); 0 disables the limit")
        int msgsPerSec() default 1000;

        @AttributeDefinition(description = "ICMP errors that may be sent in a burst (net.ipv4.icmp_msgs_burst)")
        int msgsBurst() default 50;

        @AttributeDefinition(description = "Ignore echo requests sent to broadcast or multicast addresses (net.ipv4.icmp_echo_ignore_broadcasts)")
        boolean echoIgnoreBroadcasts() default true;
    }

    private final Counters<IcmpStatistic> counters = new Counters<>("Icmp", IcmpStatistic.class);
    private final LazyService<Ipv4Output> ipv4;
    private final Ipv4Downlink output;
    private final Scheduler scheduler;
    private final EchoSessions sessions;
    private final ErrorSender errors;
    private final IpProtocolHandlers handlers = new IpProtocolHandlers();
    private volatile boolean echoIgnoreBroadcasts;

    @Activate
    public IcmpLayer(BundleContext context, @Reference(name = "pool") BufferPool pool,
            @Reference(name = "scheduler") Scheduler scheduler, Config config) {
        this(new LazyService<>(context), pool, scheduler, config.msgsPerSec(), config.msgsBurst(), config.echoIgnoreBroadcasts());
    }

    /** For tests and embedding without DS: IPv4 is {@code ipv4} (null for none until {@link #useOutput}). */
    IcmpLayer(Ipv4Output ipv4, BufferPool pool, Scheduler scheduler, int msgsPerSec, int msgsBurst, boolean echoIgnoreBroadcasts) {
        this(LazyService.of(ipv4), pool, scheduler, msgsPerSec, msgsBurst, echoIgnoreBroadcasts);
    }

    private IcmpLayer(LazyService<Ipv4Output> ipv4, BufferPool pool, Scheduler scheduler, int msgsPerSec, int msgsBurst,
            boolean echoIgnoreBroadcasts) {
        this.ipv4 = ipv4;
        this.output = new Ipv4Downlink(counters, ipv4);
        this.scheduler = scheduler;
        this.sessions = new EchoSessions(output, pool, scheduler, counters, ThreadLocalRandom.current().nextInt(1 << 16));
        this.errors = new ErrorSender(output, pool, counters, new TokenBucket(scheduler, msgsPerSec, msgsBurst));
        this.echoIgnoreBroadcasts = echoIgnoreBroadcasts;
    }

    @Modified
    void modified(Config config) {
        errors.limit(new TokenBucket(scheduler, config.msgsPerSec(), config.msgsBurst()));
        echoIgnoreBroadcasts = config.echoIgnoreBroadcasts();
    }

    @Deactivate
    void deactivate() {
        sessions.closeAll();
    }

    /**
     * IPv4, below us: dynamic, so that an update of the IPv4 bundle leaves ICMP and its echo
     * sessions in place, and optional, which keeps IPv4 (that sends errors through us) and
     * ICMP (that sends through IPv4) out of a mandatory service cycle.
     */
    @Reference(name = "output", service = Ipv4Output.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.bind(reference);
    }

    void unbindOutput(ServiceReference<Ipv4Output> reference) {
        ipv4.unbind(reference);
    }

    /** Sets IPv4 directly (tests, embedding without DS); null for none. */
    void useOutput(Ipv4Output direct) {
        ipv4.set(direct);
    }

    /** Transports to deliver errors to; ICMP's own registration is left out (errors about echoes go to the sessions). */
    @Reference(
            service = IpProtocolHandler.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + IpProtocol.PROPERTY + "=" + IpProtocol.ICMP + "))")
    void bindHandler(IpProtocolHandler handler, Map<String, Object> properties) {
        handlers.bind(handler, properties);
    }

    void unbindHandler(IpProtocolHandler handler, Map<String, Object> properties) {
        handlers.unbind(handler);
    }

    // ---- IpProtocolHandler ------------------------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        counters.increment(IcmpStatistic.IN_MSGS);
        int at = packet.start();
        IcmpStatistic drop = IcmpHeader.validate(packet, at, packet.length());
        if (drop != null) {
            counters.increment(IcmpStatistic.IN_ERRORS);
            if (drop == IcmpStatistic.BAD_CHECKSUM) {
                counters.increment(IcmpStatistic.IN_CSUM_ERRORS);
            }
            counters.increment(drop);
            packet.release();
            return;
        }
        int network = packet.networkOffset();
        boolean toBroadcast = Addresses.isBroadcastOrMulticast(Ipv4Header.destination(packet, network), packet.inputInterface());
        int type = IcmpHeader.type(packet, at);
        switch (type) {
            case IcmpHeader.TYPE_ECHO_REQUEST:
                counters.increment(IcmpStatistic.IN_ECHOS);
                echoRequest(packet, toBroadcast);
                return; // the buffer went out as the reply, or was released
            case IcmpHeader.TYPE_ECHO_REPLY:
                counters.increment(IcmpStatistic.IN_ECHO_REPS);
                if (toBroadcast) {
                    counters.increment(IcmpStatistic.TO_BROADCAST_IGNORED);
                } else {
                    sessions.reply(packet);
                }
                break;
            case IcmpHeader.TYPE_DESTINATION_UNREACHABLE:
                counters.increment(IcmpStatistic.IN_DEST_UNREACHS);
                error(packet, type, toBroadcast);
                break;
            case IcmpHeader.TYPE_TIME_EXCEEDED:
                counters.increment(IcmpStatistic.IN_TIME_EXCDS);
                error(packet, type, toBroadcast);
                break;
            case IcmpHeader.TYPE_PARAMETER_PROBLEM:
                counters.increment(IcmpStatistic.IN_PARM_PROBS);
                error(packet, type, toBroadcast);
                break;
            case IcmpHeader.TYPE_SOURCE_QUENCH:
                // RFC 6633: hosts MUST silently ignore source quench.
                counters.increment(IcmpStatistic.IN_SRC_QUENCHS);
                counters.increment(IcmpStatistic.IGNORED);
                break;
            case IcmpHeader.TYPE_REDIRECT:
                // Strata's routes come from configuration; redirects are counted, not followed.
                counters.increment(IcmpStatistic.IN_REDIRECTS);
                counters.increment(IcmpStatistic.IGNORED);
                break;
            case IcmpHeader.TYPE_TIMESTAMP:
                // RFC 1122 3.2.2.8: a host MAY answer timestamps; Strata does not (nor do many hosts, for privacy).
                counters.increment(IcmpStatistic.IN_TIMESTAMPS);
                counters.increment(IcmpStatistic.IGNORED);
                break;
            case IcmpHeader.TYPE_TIMESTAMP_REPLY:
                counters.increment(IcmpStatistic.IN_TIMESTAMP_REPS);
                counters.increment(IcmpStatistic.IGNORED);
                break;
            default:
                // RFC 1122 3.2.2: "If an ICMP message of unknown type is received, it MUST be silently discarded."
                counters.increment(IcmpStatistic.UNKNOWN_TYPE);
                break;
        }
        packet.release();
    }

    /**
     * RFC 792 p.14 / RFC 1122 3.2.2.6: answers in the request's own buffer: addresses
     * swapped, type 0, the data byte for byte. Allocates nothing.
     */
    private void echoRequest(PacketBuffer packet, boolean toBroadcast) {
        int network = packet.networkOffset();
        // RFC 1122 3.2.2.6 lets a host ignore echo requests to broadcast/multicast; Linux does by default.
        if (toBroadcast && echoIgnoreBroadcasts) {
            counters.increment(IcmpStatistic.ECHO_TO_BROADCAST_IGNORED);
            packet.release();
            return;
        }
        int requester = Ipv4Header.source(packet, network);
        if (!Addresses.isUnicastSource(requester, packet.inputInterface())) {
            counters.increment(IcmpStatistic.BAD_SOURCE);
            packet.release();
            return;
        }
        // RFC 1122 3.2.2.6: the reply's source is the request's specific destination; for one
        // sent to a broadcast, an address of the interface (IPv4 picks it for ANY).
        int source = toBroadcast ? Ipv4Address.ANY : Ipv4Header.destination(packet, network);
        int tos = Ipv4Header.tos(packet, network);
        int at = packet.start();
        IcmpHeader.echoRequestToReply(packet, at);
        packet.inputInterface(null);
        packet.linkOffset(-1);
        packet.networkOffset(-1);
        packet.transportOffset(at);
        counters.increment(IcmpStatistic.OUT_MSGS);
        counters.increment(IcmpStatistic.OUT_ECHO_REPS);
        SendResult result = output.send(packet, source, requester, IpProtocol.ICMP, Ipv4Output.DEFAULT_TTL, tos, false);
        if (result != SendResult.SENT) {
            counters.increment(IcmpStatistic.OUT_ERRORS);
        }
    }

    /**
     * RFC 1122 3.2.2.1: an error is passed to the transport that sent the datagram it quotes,
     * found by the quoted protocol; errors about our echo requests go to their session. The
     * caller releases the buffer afterwards.
     */
    private void error(PacketBuffer packet, int type, boolean toBroadcast) {
        if (toBroadcast) {
            counters.increment(IcmpStatistic.TO_BROADCAST_IGNORED);
            return;
        }
        int at = packet.start();
        int quoted = at + IcmpHeader.DATA;
        int quotedLength = packet.end() - quoted;
        // RFC 792: the data is "the internet header plus the first 64 bits of the original datagram's data".
        if (quotedLength < Ipv4Header.MIN_LENGTH) {
            counters.increment(IcmpStatistic.QUOTED_TOO_SHORT);
            return;
        }
        int headerLength = Ipv4Header.headerLength(packet, quoted);
        if (Ipv4Header.version(packet, quoted) != 4 || headerLength < Ipv4Header.MIN_LENGTH) {
            counters.increment(IcmpStatistic.QUOTED_BAD_HEADER);
            return;
        }
        if (quotedLength < headerLength + 8) {
            counters.increment(IcmpStatistic.QUOTED_TOO_SHORT);
            return;
        }
        if (Ipv4Header.totalLength(packet, quoted) < headerLength + 8) {
            counters.increment(IcmpStatistic.QUOTED_BAD_HEADER);
            return;
        }
        if (Ipv4Header.fragmentOffset(packet, quoted) != 0) {
            counters.increment(IcmpStatistic.QUOTED_FRAGMENT);
            return;
        }
        int code = IcmpHeader.code(packet, at);
        int from = Ipv4Header.source(packet, packet.networkOffset());
        int protocol = Ipv4Header.protocol(packet, quoted);
        if (protocol == IpProtocol.ICMP) {
            int quotedIcmp = quoted + headerLength;
            if (IcmpHeader.type(packet, quotedIcmp) != IcmpHeader.TYPE_ECHO_REQUEST) {
                counters.increment(IcmpStatistic.NO_HANDLER);
            } else if (!sessions.error(from, type, code, packet, quotedIcmp)) {
                counters.increment(IcmpStatistic.NO_ECHO_SESSION);
            }
            return;
        }
        IpProtocolHandler handler = handlers.get(protocol);
        if (handler == null) {
            counters.increment(IcmpStatistic.NO_HANDLER);
            return;
        }
        int info = 0;
        if (type == IcmpHeader.TYPE_DESTINATION_UNREACHABLE && code == FRAGMENTATION_NEEDED) {
            info = IcmpHeader.nextHopMtu(packet, at); // RFC 1191 section 4
        } else if (type == IcmpHeader.TYPE_PARAMETER_PROBLEM) {
            info = IcmpHeader.pointer(packet, at);
        }
        packet.region(quoted, packet.end());
        try {
            handler.icmpError(type, code, info, packet);
        } catch (RuntimeException e) {
            counters.increment(IcmpStatistic.CALLBACK_FAILED);
        }
    }

    // ---- EchoService ------------------------------------------------------------------------

    @Override
    public EchoSession open(EchoListener listener) {
        return sessions.open(listener);
    }

    int openSessions() {
        return sessions.openSessions();
    }

    // ---- IcmpErrors -------------------------------------------------------------------------

    @Override
    public void destinationUnreachable(PacketBuffer offending, int code, int nextHopMtu) {
        errors.destinationUnreachable(offending, code, nextHopMtu);
    }

    @Override
    public void timeExceeded(PacketBuffer offending, int code) {
        errors.timeExceeded(offending, code);
    }

    // ---- StatisticsProvider -----------------------------------------------------------------

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }

    /** One counter, for tests. */
    long counter(IcmpStatistic statistic) {
        return counters.get(statistic);
    }
}
