package dev.strata.ipv4;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.stats.Counters;
import dev.strata.api.time.Cancellable;
import dev.strata.api.time.Scheduler;

/**
 * IPv4 reassembly (RFC 791 3.2, RFC 815, RFC 1122 3.3.2).
 *
 * <p>Datagrams in progress are keyed by (source, destination, protocol, identification). Each
 * has one large buffer; every fragment's payload is copied into it at its offset and the
 * fragment's own buffer is released at once. What has arrived is kept as a sorted list of
 * disjoint byte ranges (the complement of RFC 815's hole list), so out-of-order and
 * duplicate fragments cost nothing special; where fragments overlap, the bytes that arrived
 * first are kept and the newcomer only fills the gaps (the rule Linux and RFC 5722 settle
 * on against overlap attacks). The first fragment's header is copied just in front of the
 * data, so a complete datagram is already laid out as one contiguous datagram.
 *
 * <p>Bounded: at most {@code maxDatagrams} datagrams and {@code maxBytes} bytes of fragment
 * data are held; when a new fragment would exceed either, the oldest datagrams are evicted.
 * Each datagram times out after {@code timeoutNanos} (RFC 1122 3.3.2 suggests 60 to 120
 * seconds; Linux uses 30), and if its first fragment had arrived the timeout listener hears
 * of it (to send ICMP time exceeded, code 1).
 *
 * <p>Thread-safe: one short lock; it never calls out while holding it.
 */
final class Reassembler {

    /** Disjoint ranges one datagram may hold; a hostile peer making more holes loses the datagram. */
    static final int MAX_RANGES = 64;

    private final BufferPool pool;
    private final Scheduler scheduler;
    private final Counters<IpCounter> counters;
    private final Consumer<PacketBuffer> timedOut;
    private final long maxBytes;
    private final long timeoutNanos;
    private final Datagram[] slots;

    private long bytesHeld;
    private int inProgress;
    private long sequence;

    /**
     * @param timedOut hears of each datagram that timed out after its first fragment arrived:
     *     the buffer's region and {@code networkOffset} are that fragment's header and data,
     *     it stays the reassembler's (borrowed for the call)
     */
    Reassembler(BufferPool pool, Scheduler scheduler, Counters<IpCounter> counters, Consumer<PacketBuffer> timedOut,
            int maxDatagrams, long maxBytes, long timeoutNanos) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.counters = counters;
        this.timedOut = timedOut;
        this.maxBytes = maxBytes;
        this.timeoutNanos = timeoutNanos;
        this.slots = new Datagram[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            slots[i] = new Datagram();
        }
    }

    /**
     * Takes a validated fragment and its ownership: its region is the fragment's payload and
     * {@code networkOffset()} its header.
     *
     * @return the reassembled datagram when this fragment completed one (region = payload,
     *     {@code networkOffset}/{@code transportOffset} set, header fixed up), else null
     */
    PacketBuffer add(PacketBuffer fragment) {
        int at = fragment.networkOffset();
        int source = Ipv4Header.source(fragment, at);
        int destination = Ipv4Header.destination(fragment, at);
        int protocol = Ipv4Header.protocol(fragment, at);
        int id = Ipv4Header.identification(fragment, at);
        int offset = Ipv4Header.fragmentOffset(fragment, at);
        boolean more = Ipv4Header.moreFragments(fragment, at);
        int headerLength = Ipv4Header.headerLength(fragment, at);
        int length = fragment.length();
        int fragmentEnd = offset + length;

        PacketBuffer completed = null;
        synchronized (this) {
            Datagram d = find(source, destination, protocol, id);
            if (d == null) {
                d = open(source, destination, protocol, id);
                if (d == null) {
                    fragment.release();
                    return null;
                }
            }
            // RFC 791 3.2: the last fragment fixes the datagram's length; fragments that
            // disagree about it cannot all be right, so the datagram is given up.
            boolean inconsistent = more
                    ? d.end >= 0 && fragmentEnd > d.end
                    : (d.end >= 0 && d.end != fragmentEnd) || d.highest() > fragmentEnd;
            if (inconsistent || d.base + fragmentEnd > d.data.capacity()) {
                counters.increment(IpCounter.ReassemblyInconsistent);
                fail(d);
                fragment.release();
                return null;
            }

            int fresh = d.uncovered(offset, fragmentEnd);
            if (fresh < length) {
                counters.increment(IpCounter.ReasmOverlaps);
            }
            // Bounded memory: make room by evicting the oldest other datagrams.
            while (bytesHeld + fresh > maxBytes && evictOldestExcept(d)) {
                // evicted one
            }
            if (bytesHeld + fresh > maxBytes || !d.canInsert(offset, fragmentEnd)) {
                counters.increment(IpCounter.ReassemblyMemory);
                fail(d);
                fragment.release();
                return null;
            }
            d.copyUncovered(fragment, fragment.start(), offset, fragmentEnd);
            d.insert(offset, fragmentEnd);
            d.held += fresh;
            bytesHeld += fresh;
            if (offset == 0 && d.headerLength == 0) {
                // RFC 791 3.2: the reassembled datagram takes the first fragment's header.
                d.data.copyFrom(fragment, at, d.base - headerLength, headerLength);
                d.headerLength = headerLength;
            }
            if (!more) {
                d.end = fragmentEnd;
            }
            d.input = fragment.inputInterface();
            fragment.release();

            if (d.complete()) {
                if (d.headerLength + d.end > Ipv4Header.MAX_DATAGRAM) {
                    // The first fragment's options made the whole longer than an IPv4 datagram can be.
                    counters.increment(IpCounter.FragmentOverflow);
                    fail(d);
                    return null;
                }
                completed = finish(d);
                counters.increment(IpCounter.ReasmOKs);
            }
        }
        return completed;
    }

    /** Datagrams in progress. */
    synchronized int inProgress() {
        return inProgress;
    }

    /** Bytes of fragment data held. */
    synchronized long bytesHeld() {
        return bytesHeld;
    }

    /** Gives up every datagram in progress and releases its buffer (the layer is stopping). */
    synchronized void clear() {
        for (Datagram d : slots) {
            if (d.inUse) {
                free(d).release();
            }
        }
    }

    private Datagram find(int source, int destination, int protocol, int id) {
        for (Datagram d : slots) {
            if (d.inUse && d.id == id && d.source == source && d.destination == destination && d.protocol == protocol) {
                return d;
            }
        }
        return null;
    }

    private Datagram open(int source, int destination, int protocol, int id) {
        Datagram slot = null;
        for (Datagram d : slots) {
            if (!d.inUse) {
                slot = d;
                break;
            }
        }
        if (slot == null) {
            // Bounded count: the oldest datagram in progress makes way.
            slot = oldest(null);
            if (slot == null) {
                return null;
            }
            counters.increment(IpCounter.ReassemblyMemory);
            fail(slot);
        }
        PacketBuffer data;
        try {
            data = pool.allocate(Ipv4Header.MAX_DATAGRAM);
        } catch (IllegalArgumentException e) {
            counters.increment(IpCounter.ReassemblyMemory);
            counters.increment(IpCounter.ReasmFails);
            return null;
        }
        slot.inUse = true;
        slot.source = source;
        slot.destination = destination;
        slot.protocol = protocol;
        slot.id = id;
        slot.data = data;
        // Room in front for the largest header (the pool's headroom is far more than 60 bytes).
        slot.base = Math.max(data.start(), Ipv4Header.MAX_LENGTH);
        slot.headerLength = 0;
        slot.end = -1;
        slot.ranges = 0;
        slot.held = 0;
        slot.input = null;
        slot.sequence = sequence++;
        slot.generation++;
        slot.timer = scheduler.schedule(new Expiry(slot, slot.generation), timeoutNanos, TimeUnit.NANOSECONDS);
        inProgress++;
        return slot;
    }

    private Datagram oldest(Datagram except) {
        Datagram oldest = null;
        for (Datagram d : slots) {
            if (d.inUse && d != except && (oldest == null || d.sequence < oldest.sequence)) {
                oldest = d;
            }
        }
        return oldest;
    }

    private boolean evictOldestExcept(Datagram keep) {
        Datagram victim = oldest(keep);
        if (victim == null) {
            return false;
        }
        counters.increment(IpCounter.ReassemblyMemory);
        fail(victim);
        return true;
    }

    /** Gives a datagram up: counted, buffer released. */
    private void fail(Datagram d) {
        counters.increment(IpCounter.ReasmFails);
        free(d).release();
    }

    /** Empties the slot and hands its buffer to the caller. */
    private PacketBuffer free(Datagram d) {
        PacketBuffer data = d.data;
        if (d.timer != null) {
            d.timer.cancel();
        }
        bytesHeld -= d.held;
        inProgress--;
        d.inUse = false;
        d.data = null;
        d.timer = null;
        d.input = null;
        d.generation++;
        return data;
    }

    /** Lays the complete datagram out for delivery: the first fragment's header, fixed up (RFC 791 3.2). */
    private PacketBuffer finish(Datagram d) {
        int headerLength = d.headerLength;
        int total = headerLength + d.end;
        int base = d.base;
        NetworkInterface input = d.input;
        PacketBuffer data = free(d);
        int header = base - headerLength;
        data.region(header, base + (total - headerLength));
        data.putU16(header + Ipv4Header.TOTAL_LENGTH, total);
        // Whole again: no more fragments, offset 0; DF is kept as the first fragment had it.
        data.putU16(header + Ipv4Header.FLAGS_FRAGMENT, data.getU16(header + Ipv4Header.FLAGS_FRAGMENT) & Ipv4Header.FLAG_DF);
        data.putU16(header + Ipv4Header.CHECKSUM, 0);
        data.putU16(header + Ipv4Header.CHECKSUM, InternetChecksum.compute(data, header, headerLength, 0));
        data.networkOffset(header);
        data.advance(headerLength);
        data.transportOffset(data.start());
        data.inputInterface(input);
        return data;
    }

    private void expire(Datagram d, int generation) {
        PacketBuffer data;
        boolean first;
        synchronized (this) {
            if (!d.inUse || d.generation != generation) {
                return;
            }
            counters.increment(IpCounter.ReasmTimeout);
            counters.increment(IpCounter.ReasmFails);
            first = d.headerLength > 0;
            if (first) {
                // The quoted datagram: the first fragment's header and the data that followed it.
                int header = d.base - d.headerLength;
                int firstEnd = d.ranges > 0 && d.starts[0] == 0 ? d.ends[0] : 0;
                d.data.region(header, d.base + firstEnd);
                d.data.networkOffset(header);
                d.data.transportOffset(d.base);
                d.data.inputInterface(d.input);
            }
            d.timer = null;
            data = free(d);
        }
        try {
            if (first) {
                // RFC 1122 3.3.2: time exceeded (fragment reassembly) only if fragment zero arrived.
                timedOut.accept(data);
            }
        } finally {
            data.release();
        }
    }

    /** A timeout for one incarnation of a slot; a reused slot ignores its predecessor's. */
    private final class Expiry implements Runnable {
        private final Datagram datagram;
        private final int generation;

        Expiry(Datagram datagram, int generation) {
            this.datagram = datagram;
            this.generation = generation;
        }

        @Override
        public void run() {
            expire(datagram, generation);
        }
    }

    /** One datagram being reassembled; slots are allocated once and reused. */
    private static final class Datagram {
        boolean inUse;
        int source;
        int destination;
        int protocol;
        int id;
        PacketBuffer data;
        /** Index in {@code data} of payload offset 0. */
        int base;
        /** The first fragment's header length, 0 until it arrives. */
        int headerLength;
        /** The payload length, known once the last fragment arrived; -1 before. */
        int end;
        /** Received payload ranges [starts[i], ends[i]), sorted, disjoint and not touching. */
        final int[] starts = new int[MAX_RANGES];
        final int[] ends = new int[MAX_RANGES];
        int ranges;
        int held;
        long sequence;
        int generation;
        Cancellable timer;
        NetworkInterface input;

        int highest() {
            return ranges == 0 ? 0 : ends[ranges - 1];
        }

        boolean complete() {
            return end >= 0 && headerLength > 0 && ranges == 1 && starts[0] == 0 && ends[0] == end;
        }

        /** First range that overlaps or touches [s, e), or {@code ranges} if none does. */
        private int firstTouching(int s) {
            int i = 0;
            while (i < ranges && ends[i] < s) {
                i++;
            }
            return i;
        }

        /** Bytes of [s, e) not yet held. */
        int uncovered(int s, int e) {
            int pos = s;
            int missing = 0;
            for (int i = firstTouching(s); i < ranges && starts[i] < e; i++) {
                if (starts[i] > pos) {
                    missing += starts[i] - pos;
                }
                pos = Math.max(pos, ends[i]);
            }
            if (pos < e) {
                missing += e - pos;
            }
            return missing;
        }

        /** Copies the bytes of [s, e) not yet held from {@code from} (where offset s is at {@code fromIndex}). */
        void copyUncovered(PacketBuffer from, int fromIndex, int s, int e) {
            int pos = s;
            for (int i = firstTouching(s); i < ranges && starts[i] < e; i++) {
                if (starts[i] > pos) {
                    data.copyFrom(from, fromIndex + (pos - s), base + pos, starts[i] - pos);
                }
                pos = Math.max(pos, ends[i]);
            }
            if (pos < e) {
                data.copyFrom(from, fromIndex + (pos - s), base + pos, e - pos);
            }
        }

        boolean canInsert(int s, int e) {
            int i = firstTouching(s);
            boolean touchesAny = i < ranges && starts[i] <= e;
            return touchesAny || ranges < MAX_RANGES;
        }

        /** Adds [s, e) to the ranges, merging what it overlaps or touches. */
        void insert(int s, int e) {
            if (s == e) {
                return;
            }
            int i = firstTouching(s);
            int j = i;
            while (j < ranges && starts[j] <= e) {
                j++;
            }
            // ranges i..j-1 merge with [s, e)
            if (j == i) {
                System.arraycopy(starts, i, starts, i + 1, ranges - i);
                System.arraycopy(ends, i, ends, i + 1, ranges - i);
                starts[i] = s;
                ends[i] = e;
                ranges++;
                return;
            }
            int mergedStart = Math.min(s, starts[i]);
            int mergedEnd = Math.max(e, ends[j - 1]);
            starts[i] = mergedStart;
            ends[i] = mergedEnd;
            int removed = j - i - 1;
            if (removed > 0) {
                System.arraycopy(starts, j, starts, i + 1, ranges - j);
                System.arraycopy(ends, j, ends, i + 1, ranges - j);
                ranges -= removed;
            }
        }
    }
}
