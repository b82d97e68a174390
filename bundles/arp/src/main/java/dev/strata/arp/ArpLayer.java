package dev.strata.arp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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
import dev.strata.api.ether.EthernetOutput;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.neighbour.NeighbourState;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.service.LazyService;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.time.Scheduler;

/**
 * ARP (RFC 826) and the IPv4 neighbour cache, with Linux's entry states.
 *
 * <p>Receives ARP from the Ethernet layer ({@code strata.ethertype=2054}), answers requests
 * for the receiving interface's address and learns senders; resolves next hops for IPv4
 * ({@link NeighbourService}), queueing up to {@value Neighbour#QUEUE_LIMIT} packets per
 * unresolved address; announces addresses with a gratuitous request when an interface comes
 * up, and forgets an interface's neighbours when it goes down.
 *
 * <p>Timers (all through the {@link Scheduler}): a request is retransmitted every second,
 * three in all, before the entry FAILS; REACHABLE lasts 30 s, then STALE; a STALE entry used
 * goes to DELAY for 5 s, then PROBE (three unicast requests a second apart), then FAILED;
 * STALE and FAILED entries are removed after 60 s.
 *
 * <p>Threads: link threads, IPv4 senders and the scheduler call in concurrently. The cache
 * is guarded by one short lock that is never held while calling the Ethernet layer.
 */
@Component(
        service = {EtherTypeHandler.class, NeighbourService.class, InterfaceListener.class, StatisticsProvider.class},
        property = EtherType.PROPERTY + ":Integer=" + EtherType.ARP)
public final class ArpLayer implements EtherTypeHandler, NeighbourService, InterfaceListener, StatisticsProvider {

    /** RFC 1122 2.3.2.1 and Linux's retrans_time: one request a second. */
    static final long RETRANSMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Linux mcast_solicit: broadcast requests before an INCOMPLETE entry fails. */
    static final int MAX_BROADCAST_PROBES = 3;
    /** Linux ucast_solicit: unicast requests before a PROBE entry fails. */
    static final int MAX_UNICAST_PROBES = 3;
    /** Linux base_reachable_time (30 s; Linux randomises it between 15 and 45 s). */
    static final long REACHABLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Linux delay_first_probe_time. */
    static final long DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Linux gc_stale_time: how long STALE and FAILED entries are kept. */
    static final long GC_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Linux gc_thresh3: the most entries the cache holds. */
    static final int CACHE_LIMIT = 1024;
    /** RFC 1112 6.4: 01:00:5e followed by the low 23 bits of the group address. */
    static final long IPV4_MULTICAST_MAC = 0x0100_5e00_0000L;

    private final BufferPool pool;
    private final Scheduler scheduler;
    private final LazyService<EthernetOutput> ethernet;
    private final Counters<ArpCounter> counters = new Counters<>("Arp", ArpCounter.class);

    private final Object lock = new Object();
    private final NeighbourTable table = new NeighbourTable(CACHE_LIMIT);

    /** Addresses of every interface that is up, from InterfaceListener events; replaced whole. */
    private volatile int[] localAddresses = new int[0];

    /**
     * Interfaces come only from {@link InterfaceListener} events (the registry replays those
     * already up to a late listener): no reference back to the registry, which would be a
     * service cycle since the registry binds its listeners.
     */
    @Activate
    public ArpLayer(
            BundleContext context,
            @Reference(name = "pool") BufferPool pool,
            @Reference(name = "scheduler") Scheduler scheduler) {
        this(new LazyService<>(context), pool, scheduler);
    }

    /** For tests and embedding without DS: set Ethernet with {@link #useEthernet}. */
    public ArpLayer(BufferPool pool, Scheduler scheduler) {
        this(LazyService.of(null), pool, scheduler);
    }

    private ArpLayer(LazyService<EthernetOutput> ethernet, BufferPool pool, Scheduler scheduler) {
        this.ethernet = ethernet;
        this.pool = pool;
        this.scheduler = scheduler;
    }

    // The Ethernet layer may be updated while ARP keeps its cache: greedy, dynamic, optional.
    // Bound by reference and fetched on first use (LazyService): Ethernet binds ARP as a
    // handler and ARP sends through Ethernet, so neither may fetch the other while activating.
    @Reference(
            service = EthernetOutput.class,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEthernet")
    void bindEthernet(ServiceReference<EthernetOutput> reference) {
        ethernet.bind(reference);
    }

    void unbindEthernet(ServiceReference<EthernetOutput> reference) {
        ethernet.unbind(reference);
    }

    /** Sets Ethernet directly (tests, embedding without DS); null for none. */
    public void useEthernet(EthernetOutput output) {
        ethernet.set(output);
    }

    @Deactivate
    void deactivate() {
        List<PacketBuffer[]> queues = new ArrayList<>();
        synchronized (lock) {
            for (Neighbour neighbour : all()) {
                queues.add(forget(neighbour));
            }
        }
        releaseAll(queues);
    }

    // ---- receive: RFC 826 "Packet Reception" ------------------------------------------------

    @Override
    public void receive(PacketBuffer packet) {
        NetworkInterface networkInterface = packet.inputInterface();
        if (networkInterface == null) {
            drop(packet, ArpCounter.NoInterface);
            return;
        }
        int at = packet.start();
        ArpCounter malformed = ArpPacket.check(packet, at, packet.length());
        if (malformed != null) {
            drop(packet, malformed);
            return;
        }
        int operation = ArpPacket.operation(packet, at);
        long sha = ArpPacket.senderHardware(packet, at);
        int spa = ArpPacket.senderProtocol(packet, at);
        int tpa = ArpPacket.targetProtocol(packet, at);
        counters.increment(operation == ArpPacket.REQUEST ? ArpCounter.InRequests : ArpCounter.InReplies);

        int ours = networkInterface.ipv4Address();
        if (spa != 0 && networkInterface.prefixLength() < 31 && ours != 0 && spa == networkInterface.broadcastAddress()) {
            drop(packet, ArpCounter.BadSenderAddress);
            return;
        }
        if (spa != 0 && (spa == ours || isLocalAddress(spa))) {
            // RFC 5227 2.4: someone else claims our address. Never learn it as a neighbour.
            drop(packet, ArpCounter.AddressConflict);
            return;
        }
        boolean gratuitous = spa != 0 && spa == tpa;
        if (gratuitous) {
            counters.increment(ArpCounter.Gratuitous);
        }
        boolean forUs = ours != 0 && tpa == ours;

        PacketBuffer[] waiting = null;
        if (spa != 0) { // RFC 5227 2.1.1: a probe (sender 0.0.0.0) teaches nothing
            waiting = merge(networkInterface, spa, sha, operation == ArpPacket.REPLY && forUs, forUs);
        }
        if (waiting != null) {
            for (PacketBuffer queued : waiting) {
                transmit(networkInterface, queued, sha, EtherType.IPV4);
            }
        }

        if (!forUs) {
            // "Replies only for our addresses": no proxy ARP.
            if (!gratuitous) {
                counters.increment(ArpCounter.NotForUs);
            }
            packet.release();
            return;
        }
        if (operation != ArpPacket.REQUEST) {
            packet.release();
            return;
        }
        // RFC 826: swap the hardware and protocol fields, put our own in the sender fields,
        // set the opcode to reply and send it to the requester. The request's buffer is reused.
        packet.truncate(ArpPacket.LENGTH);
        ArpPacket.write(packet, at, ArpPacket.REPLY, networkInterface.macAddress(), ours, sha, spa);
        packet.linkOffset(-1);
        packet.networkOffset(-1);
        packet.inputInterface(null);
        if (transmit(networkInterface, packet, sha, EtherType.ARP)) {
            counters.increment(ArpCounter.OutReplies);
        }
    }

    /**
     * RFC 826 merge: update the sender's entry if it exists; add it if the packet was for us.
     * A reply to us confirms the neighbour (REACHABLE); anything else only tells us its
     * address (STALE when new or changed), as Linux does. Returns the packets that were
     * waiting for this address, to be sent by the caller outside the lock.
     */
    private PacketBuffer[] merge(NetworkInterface networkInterface, int spa, long sha, boolean confirmed, boolean forUs) {
        synchronized (lock) {
            long now = scheduler.nanoTime();
            Neighbour neighbour = table.get(spa);
            if (neighbour == null) {
                if (!forUs) {
                    return null;
                }
                if (table.isFull() && !evictOne()) {
                    counters.increment(ArpCounter.CacheFull);
                    return null;
                }
                neighbour = new Neighbour(spa, networkInterface, NeighbourState.STALE, now);
                table.add(neighbour);
            } else if (neighbour.state == NeighbourState.PERMANENT) {
                return null;
            }
            boolean changed = neighbour.macAddress != sha;
            neighbour.macAddress = sha;
            neighbour.networkInterface = networkInterface;
            if (confirmed) {
                neighbour.state = NeighbourState.REACHABLE;
                neighbour.confirmedNanos = now;
                schedule(neighbour, REACHABLE_NANOS);
            } else if (changed || neighbour.state == NeighbourState.INCOMPLETE || neighbour.state == NeighbourState.FAILED
                    || neighbour.timer == null) {
                neighbour.state = NeighbourState.STALE;
                neighbour.confirmedNanos = now;
                schedule(neighbour, GC_NANOS);
            }
            PacketBuffer[] waiting = neighbour.drain();
            if (waiting != null && neighbour.state == NeighbourState.STALE) {
                // Using a STALE entry starts the DELAY timer, as in send().
                neighbour.state = NeighbourState.DELAY;
                schedule(neighbour, DELAY_NANOS);
            }
            return waiting;
        }
    }

    // ---- send ----------------------------------------------------------------------------

    @Override
    public void send(NetworkInterface networkInterface, int nextHop, PacketBuffer packet) {
        if (networkInterface.isLoopback()) {
            // The loopback's frames carry all-zero addresses (as Linux's lo): nothing to resolve.
            transmit(networkInterface, packet, 0, EtherType.IPV4);
            return;
        }
        if (nextHop == Ipv4Address.BROADCAST
                || (networkInterface.prefixLength() < 31 && nextHop == networkInterface.broadcastAddress())) {
            transmit(networkInterface, packet, EthernetOutput.BROADCAST, EtherType.IPV4);
            return;
        }
        if (Ipv4Address.isMulticast(nextHop)) {
            transmit(networkInterface, packet, IPV4_MULTICAST_MAC | (nextHop & 0x7f_ffff), EtherType.IPV4);
            return;
        }
        if (nextHop == 0) {
            drop(packet, ArpCounter.UnresolvedDropped);
            return;
        }
        long mac = -1;
        boolean request = false;
        PacketBuffer overflow = null;
        synchronized (lock) {
            Neighbour neighbour = table.get(nextHop);
            if (neighbour == null) {
                if (table.isFull() && !evictOne()) {
                    counters.increment(ArpCounter.CacheFull);
                } else {
                    neighbour = new Neighbour(nextHop, networkInterface, NeighbourState.FAILED, scheduler.nanoTime());
                    table.add(neighbour);
                }
            } else if (neighbour.networkInterface != networkInterface && neighbour.state != NeighbourState.PERMANENT) {
                // The route now points elsewhere: resolve again on the new interface.
                neighbour.networkInterface = networkInterface;
                neighbour.state = NeighbourState.FAILED;
            }
            if (neighbour != null) {
                NeighbourState state = neighbour.state;
                if (state == NeighbourState.REACHABLE || state == NeighbourState.DELAY
                        || state == NeighbourState.PROBE || state == NeighbourState.PERMANENT) {
                    mac = neighbour.macAddress;
                } else if (state == NeighbourState.STALE) {
                    // Linux: a STALE entry is used at once and re-verified after DELAY.
                    mac = neighbour.macAddress;
                    neighbour.state = NeighbourState.DELAY;
                    schedule(neighbour, DELAY_NANOS);
                } else {
                    if (state == NeighbourState.FAILED) {
                        // New traffic asks again (Linux restarts resolution of a FAILED entry).
                        neighbour.state = NeighbourState.INCOMPLETE;
                        neighbour.macAddress = -1;
                        neighbour.probes = 1;
                        neighbour.confirmedNanos = scheduler.nanoTime();
                        schedule(neighbour, RETRANSMIT_NANOS);
                        request = true;
                    }
                    overflow = neighbour.enqueue(packet);
                    packet = null;
                }
            }
        }
        if (packet != null) {
            if (mac == -1) {
                drop(packet, ArpCounter.UnresolvedDropped); // cache full
            } else {
                transmit(networkInterface, packet, mac, EtherType.IPV4);
            }
        }
        if (overflow != null) {
            drop(overflow, ArpCounter.QueueOverflow);
        }
        if (request) {
            sendRequest(networkInterface, nextHop, EthernetOutput.BROADCAST);
        }
    }

    // ---- timers --------------------------------------------------------------------------

    /** Replaces the entry's timer. Called with the lock held; the scheduler never calls back under its own lock. */
    private void schedule(Neighbour neighbour, long delayNanos) {
        neighbour.cancelTimer();
        try {
            neighbour.timer = scheduler.schedule(new Expiry(neighbour, neighbour.generation), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // A scheduler shutting down refuses tasks; the entry then waits for remove() or deactivation.
            neighbour.timer = null;
        }
    }

    /** A timer of one entry; stale if the entry's generation moved on. */
    private final class Expiry implements Runnable {
        private final Neighbour neighbour;
        private final int generation;

        Expiry(Neighbour neighbour, int generation) {
            this.neighbour = neighbour;
            this.generation = generation;
        }

        @Override
        public void run() {
            expire(neighbour, generation);
        }
    }

    void expire(Neighbour neighbour, int generation) {
        NetworkInterface networkInterface;
        long requestTo = 0;
        boolean request = false;
        PacketBuffer[] failed = null;
        synchronized (lock) {
            if (neighbour.removed || neighbour.generation != generation) {
                return;
            }
            neighbour.timer = null;
            networkInterface = neighbour.networkInterface;
            switch (neighbour.state) {
                case INCOMPLETE -> {
                    if (neighbour.probes < MAX_BROADCAST_PROBES) {
                        neighbour.probes++;
                        request = true;
                        requestTo = EthernetOutput.BROADCAST;
                        schedule(neighbour, RETRANSMIT_NANOS);
                    } else {
                        failed = fail(neighbour);
                    }
                }
                case REACHABLE -> {
                    neighbour.state = NeighbourState.STALE;
                    schedule(neighbour, GC_NANOS);
                }
                case DELAY -> {
                    // RFC 1122 2.3.2.1 and Linux: re-verify with unicast requests to the cached address.
                    neighbour.state = NeighbourState.PROBE;
                    neighbour.probes = 1;
                    request = true;
                    requestTo = neighbour.macAddress;
                    schedule(neighbour, RETRANSMIT_NANOS);
                }
                case PROBE -> {
                    if (neighbour.probes < MAX_UNICAST_PROBES) {
                        neighbour.probes++;
                        request = true;
                        requestTo = neighbour.macAddress;
                        schedule(neighbour, RETRANSMIT_NANOS);
                    } else {
                        failed = fail(neighbour);
                    }
                }
                case STALE, FAILED -> failed = forget(neighbour);
                default -> {
                    // PERMANENT never expires.
                }
            }
        }
        if (failed != null) {
            for (PacketBuffer packet : failed) {
                drop(packet, ArpCounter.UnresolvedDropped);
            }
        }
        if (request) {
            sendRequest(networkInterface, neighbour.address, requestTo);
        }
    }

    /** Moves an entry to FAILED and returns its queued packets. Lock held. */
    private PacketBuffer[] fail(Neighbour neighbour) {
        counters.increment(ArpCounter.ResolutionFailed);
        neighbour.state = NeighbourState.FAILED;
        neighbour.macAddress = -1;
        neighbour.probes = 0;
        schedule(neighbour, GC_NANOS);
        return neighbour.drain();
    }

    /** Removes an entry from the cache and returns its queued packets. Lock held. */
    private PacketBuffer[] forget(Neighbour neighbour) {
        table.remove(neighbour.address);
        neighbour.removed = true;
        neighbour.cancelTimer();
        return neighbour.drain();
    }

    /** Makes room by dropping a FAILED entry, else a STALE one. Lock held; rare (the cache is full). */
    private boolean evictOne() {
        Neighbour victim = null;
        for (int slot = 0; slot < table.capacity(); slot++) {
            Neighbour candidate = table.at(slot);
            if (candidate == null) {
                continue;
            }
            if (candidate.state == NeighbourState.FAILED) {
                victim = candidate;
                break;
            }
            if (candidate.state == NeighbourState.STALE && victim == null) {
                victim = candidate;
            }
        }
        if (victim == null) {
            return false;
        }
        forget(victim); // FAILED and STALE entries queue nothing
        return true;
    }

    // ---- interfaces ----------------------------------------------------------------------

    @Override
    public void interfaceUp(NetworkInterface networkInterface) {
        int address = networkInterface.ipv4Address();
        if (address != 0) {
            synchronized (lock) {
                int[] grown = java.util.Arrays.copyOf(localAddresses, localAddresses.length + 1);
                grown[grown.length - 1] = address;
                localAddresses = grown;
            }
        }
        if (networkInterface.isLoopback() || address == 0) {
            return;
        }
        // RFC 5227 3 (and Linux's arp_notify): announce the address with a broadcast request
        // whose sender and target are both our address, so neighbours update their caches.
        if (sendArp(networkInterface, address, EthernetOutput.BROADCAST)) {
            counters.increment(ArpCounter.OutGratuitous);
        }
    }

    @Override
    public void interfaceDown(NetworkInterface networkInterface) {
        List<PacketBuffer[]> queues = new ArrayList<>();
        synchronized (lock) {
            int address = networkInterface.ipv4Address();
            int[] current = localAddresses;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == address) {
                    int[] shrunk = java.util.Arrays.copyOf(current, current.length - 1);
                    System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                    localAddresses = shrunk;
                    break;
                }
            }
            for (Neighbour neighbour : all()) {
                if (neighbour.networkInterface == networkInterface) {
                    queues.add(forget(neighbour));
                }
            }
        }
        releaseAll(queues);
    }

    private boolean isLocalAddress(int address) {
        int[] addresses = localAddresses;
        for (int i = 0; i < addresses.length; i++) {
            if (addresses[i] == address) {
                return true;
            }
        }
        return false;
    }

    // ---- the cache, for the arp command ------------------------------------------------

    @Override
    public List<NeighbourEntry> entries() {
        synchronized (lock) {
            long now = scheduler.nanoTime();
            List<NeighbourEntry> entries = new ArrayList<>(table.size());
            for (Neighbour neighbour : all()) {
                boolean resolved = neighbour.state != NeighbourState.INCOMPLETE && neighbour.state != NeighbourState.FAILED;
                entries.add(new NeighbourEntry(neighbour.address, resolved ? neighbour.macAddress : -1,
                        neighbour.networkInterface.name(), neighbour.state,
                        TimeUnit.NANOSECONDS.toMillis(now - neighbour.confirmedNanos)));
            }
            return entries;
        }
    }

    @Override
    public boolean remove(int address) {
        PacketBuffer[] queued;
        synchronized (lock) {
            Neighbour neighbour = table.get(address);
            if (neighbour == null) {
                return false;
            }
            queued = forget(neighbour);
        }
        if (queued != null) {
            for (PacketBuffer packet : queued) {
                drop(packet, ArpCounter.UnresolvedDropped);
            }
        }
        return true;
    }

    /** Adds or replaces a PERMANENT entry ({@code arp -s}); its queued packets, if any, go out now. */
    public void addPermanent(NetworkInterface networkInterface, int address, long macAddress) {
        PacketBuffer[] waiting;
        synchronized (lock) {
            Neighbour neighbour = table.get(address);
            if (neighbour == null) {
                if (table.isFull() && !evictOne()) {
                    counters.increment(ArpCounter.CacheFull);
                    return;
                }
                neighbour = new Neighbour(address, networkInterface, NeighbourState.PERMANENT, scheduler.nanoTime());
                table.add(neighbour);
            }
            neighbour.cancelTimer();
            neighbour.state = NeighbourState.PERMANENT;
            neighbour.networkInterface = networkInterface;
            neighbour.macAddress = macAddress;
            neighbour.confirmedNanos = scheduler.nanoTime();
            waiting = neighbour.drain();
        }
        if (waiting != null) {
            for (PacketBuffer packet : waiting) {
                transmit(networkInterface, packet, macAddress, EtherType.IPV4);
            }
        }
    }

    /** Every entry, copied out of the table so the caller may remove while iterating. Lock held. */
    private List<Neighbour> all() {
        List<Neighbour> all = new ArrayList<>(table.size());
        for (int slot = 0; slot < table.capacity(); slot++) {
            Neighbour neighbour = table.at(slot);
            if (neighbour != null) {
                all.add(neighbour);
            }
        }
        return all;
    }

    // ---- output --------------------------------------------------------------------------

    /** Sends a request for {@code target} from the interface's address, to {@code destinationMac}. */
    private void sendRequest(NetworkInterface networkInterface, int target, long destinationMac) {
        sendArp(networkInterface, target, destinationMac);
    }

    private boolean sendArp(NetworkInterface networkInterface, int target, long destinationMac) {
        if (ethernet.get() == null) {
            counters.increment(ArpCounter.NoEthernet);
            return false;
        }
        PacketBuffer request = pool.allocate();
        int at = request.append(ArpPacket.LENGTH);
        // Like Linux's arp_solicit: the target hardware address is left zero.
        ArpPacket.write(request, at, ArpPacket.REQUEST, networkInterface.macAddress(), networkInterface.ipv4Address(), 0, target);
        if (transmit(networkInterface, request, destinationMac, EtherType.ARP)) {
            counters.increment(ArpCounter.OutRequests);
            return true;
        }
        return false;
    }

    /** Hands a packet to the Ethernet layer (never under the lock), or drops it if there is none. */
    private boolean transmit(NetworkInterface networkInterface, PacketBuffer packet, long destinationMac, int etherType) {
        EthernetOutput output = ethernet.get();
        if (output == null) {
            drop(packet, ArpCounter.NoEthernet);
            return false;
        }
        return output.transmit(networkInterface, packet, destinationMac, etherType);
    }

    private void drop(PacketBuffer packet, ArpCounter reason) {
        counters.increment(reason);
        packet.release();
    }

    private void releaseAll(List<PacketBuffer[]> queues) {
        for (PacketBuffer[] queue : queues) {
            if (queue != null) {
                for (PacketBuffer packet : queue) {
                    drop(packet, ArpCounter.UnresolvedDropped);
                }
            }
        }
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

    /** The live counter, for tests. */
    public long count(ArpCounter counter) {
        return counters.get(counter);
    }
}
