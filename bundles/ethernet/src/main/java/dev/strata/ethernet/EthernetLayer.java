package dev.strata.ethernet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ether.EtherTypeHandler;
import dev.strata.api.ether.EthernetOutput;
import dev.strata.api.ether.MacAddress;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.service.ServiceProperties;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;

/**
 * The Ethernet II layer: checks received frames, keeps those addressed to us and hands them
 * to the {@link EtherTypeHandler} service registered for their EtherType; on the way out,
 * prepends the header and pads to the IEEE 802.3 minimum.
 *
 * <p>Registered as the {@link LinkReceiver} with {@code strata.layer=link} (the interface
 * registry forwards every link's frames here), as {@link EthernetOutput}, and as the
 * {@code Ethernet} {@link StatisticsProvider}. Runs on the callers' threads (link readers,
 * the scheduler); it keeps no per-packet state and allocates nothing per frame.
 */
@Component(
        service = {LinkReceiver.class, EthernetOutput.class, StatisticsProvider.class},
        property = LinkReceiver.LAYER_PROPERTY + "=" + LinkReceiver.LINK_LAYER)
public final class EthernetLayer implements LinkReceiver, EthernetOutput, StatisticsProvider {

    /** The counters of this layer: frames in and out, and every reason a frame is dropped. */
    public enum Counter {
        /** Frames received with an input interface. */
        InFrames,
        /** Frames handed to an EtherType handler. */
        InDelivered,
        /** Frames handed to a link. */
        OutFrames,
        /** Shorter than the 14-byte header. */
        TooShort,
        /** Addressed to another station or to a multicast group we have not joined. */
        NotForUs,
        /** No handler registered for the EtherType (or an 802.3 length field). */
        UnknownEtherType,
        /** The frame carried no input interface (the interface registry did not stamp it). */
        NoInterface,
        /** A handler threw; the frame's fate is the handler's. */
        HandlerFailed,
        /** Transmit on an interface that is down. */
        InterfaceDown,
        /** Transmit with no room in front of the packet for the header. */
        NoHeadroom,
        /** Transmit with no room behind a short frame for its padding. */
        NoTailroom,
        /** The link refused the frame. */
        TransmitFailed
    }

    /** 01:00:5e:00:00:01, the IPv4 all-hosts group 224.0.0.1 (RFC 1112 6.4), joined by default. */
    public static final long ALL_HOSTS_GROUP = 0x0100_5e00_0001L;

    private final Counters<Counter> counters = new Counters<>("Ethernet", Counter.class);

    /** Registered handlers in binding order; guarded by itself. The demux table is rebuilt from it. */
    private final List<Binding> bindings = new ArrayList<>();
    /** Copy-on-write demux table read without a lock on the receive path. */
    private volatile Demux demux = Demux.EMPTY;
    /** Copy-on-write set of joined multicast MAC addresses. */
    private volatile long[] groups = {ALL_HOSTS_GROUP};

    // ---- handlers ------------------------------------------------------------------------

    @Reference(
            service = EtherTypeHandler.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindHandler")
    public void bindHandler(EtherTypeHandler handler, Map<String, Object> properties) {
        int type = ServiceProperties.intInRange(properties, EtherType.PROPERTY, 0xffff);
        if (type < 0) {
            return; // no usable strata.ethertype: the handler can never be reached
        }
        synchronized (bindings) {
            bindings.add(new Binding(type, handler));
            rebuild();
        }
    }

    public void unbindHandler(EtherTypeHandler handler, Map<String, Object> properties) {
        synchronized (bindings) {
            bindings.removeIf(binding -> binding.handler == handler);
            rebuild();
        }
    }

    private void rebuild() {
        // The first binding of a type wins; when it goes, the next one takes over.
        int[] types = new int[bindings.size()];
        EtherTypeHandler[] handlers = new EtherTypeHandler[bindings.size()];
        int count = 0;
        outer:
        for (Binding binding : bindings) {
            for (int i = 0; i < count; i++) {
                if (types[i] == binding.type) {
                    continue outer;
                }
            }
            types[count] = binding.type;
            handlers[count] = binding.handler;
            count++;
        }
        demux = new Demux(java.util.Arrays.copyOf(types, count), java.util.Arrays.copyOf(handlers, count));
    }

    // ---- multicast groups ----------------------------------------------------------------

    /** Accepts frames sent to the multicast MAC {@code group} from now on. */
    public synchronized void joinGroup(long group) {
        if (!MacAddress.isMulticast(group) || isJoined(group)) {
            return;
        }
        long[] current = groups;
        long[] next = java.util.Arrays.copyOf(current, current.length + 1);
        next[current.length] = group;
        groups = next;
    }

    /** Stops accepting frames sent to the multicast MAC {@code group}. */
    public synchronized void leaveGroup(long group) {
        long[] current = groups;
        long[] next = new long[current.length];
        int count = 0;
        for (long joined : current) {
            if (joined != group) {
                next[count++] = joined;
            }
        }
        groups = java.util.Arrays.copyOf(next, count);
    }

    public boolean isJoined(long group) {
        long[] current = groups;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == group) {
                return true;
            }
        }
        return false;
    }

    // ---- receive -------------------------------------------------------------------------

    @Override
    public void receive(PacketBuffer frame) {
        NetworkInterface networkInterface = frame.inputInterface();
        if (networkInterface == null) {
            counters.increment(Counter.NoInterface);
            frame.release();
            return;
        }
        counters.increment(Counter.InFrames);
        if (frame.length() < EthernetHeader.LENGTH) {
            counters.increment(Counter.TooShort);
            networkInterface.statistics().receiveError();
            frame.release();
            return;
        }
        int start = frame.start();
        long destination = EthernetHeader.destination(frame, start);
        // IEEE 802.3 4.2.4.1.2: keep frames for our address, broadcast and the groups we joined.
        // The loopback's MAC is 0 and so are the addresses in its frames.
        if (destination != networkInterface.macAddress()
                && destination != EthernetOutput.BROADCAST
                && !isJoined(destination)) {
            counters.increment(Counter.NotForUs);
            networkInterface.statistics().receiveDropped();
            frame.release();
            return;
        }
        int etherType = EthernetHeader.etherType(frame, start);
        EtherTypeHandler handler = demux.lookup(etherType);
        if (handler == null) {
            counters.increment(Counter.UnknownEtherType);
            networkInterface.statistics().receiveDropped();
            frame.release();
            return;
        }
        frame.linkOffset(start);
        frame.advance(EthernetHeader.LENGTH);
        frame.networkOffset(frame.start());
        counters.increment(Counter.InDelivered);
        try {
            handler.receive(frame);
        } catch (RuntimeException | LinkageError e) {
            // The handler owns the frame now; releasing it here could free it twice.
            counters.increment(Counter.HandlerFailed);
        }
    }

    // ---- transmit ------------------------------------------------------------------------

    @Override
    public boolean transmit(NetworkInterface networkInterface, PacketBuffer packet, long destinationMac, int etherType) {
        if (!networkInterface.isUp()) {
            counters.increment(Counter.InterfaceDown);
            networkInterface.statistics().transmitDropped();
            packet.release();
            return false;
        }
        if (packet.headroom() < EthernetHeader.LENGTH) {
            counters.increment(Counter.NoHeadroom);
            networkInterface.statistics().transmitDropped();
            packet.release();
            return false;
        }
        int start = packet.prepend(EthernetHeader.LENGTH);
        EthernetHeader.write(packet, start, destinationMac, networkInterface.macAddress(), etherType);
        int length = packet.length();
        if (length < EthernetHeader.MIN_FRAME_LENGTH && !networkInterface.isLoopback()) {
            // IEEE 802.3 4.2.3.3: pad short frames with zero octets up to the minimum size;
            // a TAP device does not pad for us, and the receiver ignores the padding.
            int padding = EthernetHeader.MIN_FRAME_LENGTH - length;
            if (packet.tailroom() < padding) {
                counters.increment(Counter.NoTailroom);
                networkInterface.statistics().transmitDropped();
                packet.release();
                return false;
            }
            packet.fill(packet.append(padding), padding, 0);
        }
        counters.increment(Counter.OutFrames);
        boolean sent;
        try {
            sent = networkInterface.transmit(packet);
        } catch (RuntimeException e) {
            // A link must not throw; if one does, the frame's fate is unknown: count, don't release.
            sent = false;
        }
        if (!sent) {
            counters.increment(Counter.TransmitFailed);
        }
        return sent;
    }

    // ---- statistics ----------------------------------------------------------------------

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }

    /** The live counter, for tests and the benchmark. */
    public long count(Counter counter) {
        return counters.get(counter);
    }

    private record Binding(int type, EtherTypeHandler handler) {
    }

    /** An immutable table of EtherType to handler: a handful of entries, scanned linearly without allocation. */
    private static final class Demux {
        static final Demux EMPTY = new Demux(new int[0], new EtherTypeHandler[0]);

        private final int[] types;
        private final EtherTypeHandler[] handlers;

        Demux(int[] types, EtherTypeHandler[] handlers) {
            this.types = types;
            this.handlers = handlers;
        }

        EtherTypeHandler lookup(int type) {
            int[] keys = types;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == type) {
                    return handlers[i];
                }
            }
            return null;
        }
    }
}
