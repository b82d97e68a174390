package dev.strata.benchmarks;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HexFormat;
import java.util.Map;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.time.ManualScheduler;
import dev.strata.arp.ArpLayer;
import dev.strata.ethernet.EthernetLayer;
import dev.strata.icmp.IcmpLayer;
import dev.strata.ipv4.Ipv4Layer;
import dev.strata.ipv4.Ipv4RoutingTable;

/**
 * The real layers of the receive-and-echo path (Ethernet, ARP, IPv4, ICMP), wired as
 * Declarative Services wires them, over a link that stands in for the TAP device: a frame
 * is copied into a pooled buffer (as read(2) would) and handed up; the echo reply that
 * comes down is counted and released (as write(2) would leave it).
 *
 * <p>Bind methods and injected fields that DS reaches reflectively are reached the same way
 * here, once, at set-up; the packet path is plain calls.
 */
public final class EchoPath {

    /**
     * An echo request as the Linux kernel sent it: {@code ping -c1 198.18.0.2} from
     * 198.18.0.1 across a veth pair between two network namespaces, captured with
     * {@code tcpdump -xx} (98 bytes: Ethernet, IPv4, ICMP with 56 bytes of data).
     */
    static final String LINUX_ECHO_REQUEST = "2e43d5a11c1976ffcc68ddf50800" + "45000054bf9640004001eeeac6120001c6120002"
            + "0800b9b81e270001b05f076b000000009e810b0000000000101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f3031323334353637";
    static final long STACK_MAC = 0x2e43_d5a1_1c19L;
    static final long PEER_MAC = 0x76ff_cc68_ddf5L;
    static final int STACK_ADDRESS = Ipv4Address.parse("198.18.0.2");
    static final int PEER_ADDRESS = Ipv4Address.parse("198.18.0.1");

    private final BufferPool pool = new BufferPool();
    private final byte[] request = HexFormat.of().parseHex(LINUX_ECHO_REQUEST);
    private final SinkLink link = new SinkLink();
    private final Nif nif = new Nif(link);
    private final EthernetLayer ethernet = new EthernetLayer();

    public EchoPath() {
        try {
            ManualScheduler scheduler = new ManualScheduler();
            Ipv4RoutingTable routes = new Ipv4RoutingTable();
            Ipv4Layer ipv4 = new Ipv4Layer(routes, pool, scheduler);
            ArpLayer arp = new ArpLayer(pool, scheduler);
            IcmpLayer icmp = new IcmpLayer(null, pool, scheduler, defaults(IcmpLayer.Config.class));

            invoke(icmp, "useOutput", ipv4);
            arp.useEthernet(ethernet);
            inject(ipv4, "neighbours", arp);
            invoke(ipv4, "bindHandler", icmp, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
            ethernet.bindHandler(ipv4, Map.of(EtherType.PROPERTY, EtherType.IPV4));
            ethernet.bindHandler(arp, Map.of(EtherType.PROPERTY, EtherType.ARP));

            routes.interfaceUp(nif);
            ipv4.interfaceUp(nif);
            arp.addPermanent(nif, PEER_ADDRESS, PEER_MAC);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot wire the layers", e);
        }
    }

    /** One echo request in, one reply out; returns the frames the link has sent so far. */
    public long echo() {
        PacketBuffer frame = pool.allocate();
        frame.putBytes(frame.append(request.length), request, 0, request.length);
        frame.inputInterface(nif);
        ethernet.receive(frame);
        return link.statistics.txPackets();
    }

    /** The reference: the copy into a pooled buffer that {@link #echo()} starts with, and the release that ends it. */
    public long copyOnly() {
        PacketBuffer frame = pool.allocate();
        frame.putBytes(frame.append(request.length), request, 0, request.length);
        long length = frame.length();
        frame.release();
        return length;
    }

    public BufferPool pool() {
        return pool;
    }

    /** The last frame the link sent, for checks. */
    public byte[] lastFrame() {
        return link.last;
    }

    public long framesSent() {
        return link.statistics.txPackets();
    }

    private static void invoke(Object target, String name, Object... arguments) throws ReflectiveOperationException {
        for (Method method : target.getClass().getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
                method.setAccessible(true);
                method.invoke(target, arguments);
                return;
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name);
    }

    private static void inject(Object target, String name, Object value) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(target, value);
    }

    /** An instance of a DS configuration annotation with every attribute at its default, as SCR makes it. */
    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A defaults(Class<A> type) {
        return (A) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> method.getDefaultValue() != null ? method.getDefaultValue() : (method.getName().equals("annotationType") ? type : null));
    }

    /** The TAP device's stand-in: counts and releases what it is given. */
    private static final class SinkLink implements Link {
        final LinkStatistics statistics = new LinkStatistics();
        byte[] last;
        boolean keepLast;

        @Override
        public String name() {
            return "strata0";
        }

        @Override
        public long macAddress() {
            return STACK_MAC;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public boolean isLoopback() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void setReceiver(LinkReceiver receiver) {
        }

        @Override
        public boolean transmit(PacketBuffer frame) {
            statistics.transmitted(frame.length());
            if (keepLast) {
                last = frame.toByteArray();
            }
            frame.release();
            return true;
        }

        @Override
        public LinkStatistics statistics() {
            return statistics;
        }

        @Override
        public void close() {
        }
    }

    /** Keep a copy of each sent frame (allocates: for checks, not for measuring). */
    public EchoPath keepingFrames() {
        link.keepLast = true;
        return this;
    }

    private static final class Nif implements NetworkInterface {
        private final Link link;

        Nif(Link link) {
            this.link = link;
        }

        @Override
        public int index() {
            return 2;
        }

        @Override
        public String name() {
            return link.name();
        }

        @Override
        public Link link() {
            return link;
        }

        @Override
        public int ipv4Address() {
            return STACK_ADDRESS;
        }

        @Override
        public int prefixLength() {
            return 24;
        }

        @Override
        public boolean isUp() {
            return true;
        }
    }
}
